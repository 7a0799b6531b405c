"""Check parsed content and turn it into the model, collecting every problem on the way."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from urllib.parse import urlsplit

from .cache import digest
from .errors import Problem
from .loader import LineDict, LineList, Source, parse_front_matter, parse_yaml
from .model import Author, Category, Issue, Link, Page, Paper, Section, Entry, Site, Tag, slugify

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# YYMM.NNNN until 1412, YYMM.NNNNN from 1501 on (so 2406.4692 is a typo, not an id)
NEW_ARXIV_RE = re.compile(r"^((?:0[7-9]|1[0-4])(?:0[1-9]|1[0-2])\.\d{4}|(?:1[5-9]|[2-9]\d)(?:0[1-9]|1[0-2])\.\d{5})"
                          r"(v\d+)?$")
OLD_ARXIV_RE = re.compile(r"^([a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(v\d+)?$")

SITE_FIELDS = ("title", "description", "base_url", "language", "author", "theme",
               "subscribe_url", "feed", "email", "categories", "per_page")
# A tag: URI authority (RFC 4151): a domain name or an email address, a comma, a date it was owned.
TAG_AUTHORITY_RE = re.compile(r"^(?:[^\s@,:]+@)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
                              r",(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.IGNORECASE)
UNSUBSCRIBE_SCHEMES = ("http", "https", "mailto")
ISSUE_FIELDS = ("title", "date", "period", "number", "draft", "summary", "intro", "papers")
PAPER_FIELDS = ("title", "category", "arxiv", "url", "authors", "published", "summary",
                "links", "tags", "upvotes", "revisit")
# Left by `roundup add` / `roundup import` for the editor to replace.
UNSORTED = "unsorted"
PLACEHOLDER_SUMMARY = "TODO: write the editor's summary"
PAGE_FIELDS = ("title", "description", "menu")

# Paths the generator writes itself; a standalone page may not take them.
RESERVED_SLUGS = {"issues", "categories", "tags", "papers", "archive", "page", "static", "pagefind",
                  "authors", "search", "subscribe", "feed.xml", "atom.xml", "sitemap.xml",
                  "robots.txt", "404", "404.html", "favicon.ico"}


def did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _type_name(value) -> str:
    return {str: "text", int: "a number", float: "a number", bool: "true/false",
            LineDict: "a mapping", LineList: "a list", type(None): "nothing"}.get(
        type(value), "a date" if isinstance(value, dt.date) else type(value).__name__)


class Fields:
    """Reads typed fields from one YAML mapping, recording a problem for each bad one."""

    def __init__(self, data: LineDict, path: str, prefix: str, problems: list[Problem]):
        self.data, self.path, self.prefix, self.problems = data, path, prefix, problems

    def name(self, key) -> str:
        return f"{self.prefix}{key}"

    def fail(self, key, message: str, line: int | None = None) -> None:
        line = line if line is not None else self.data.line_of(key)
        self.problems.append(Problem(self.path, line, self.name(key), message))

    def check_keys(self, allowed: tuple[str, ...]) -> None:
        for key, line in self.data.duplicates:
            self.fail(key, "is given twice (expected each field once)", line)
        for key in self.data:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                self.problems.append(Problem(self.path, self.data.line_of(key), self.name(key),
                                             f"unknown field{hint} (expected one of: {', '.join(allowed)})"))

    def text(self, key, required: bool = False, expected: str = "text") -> str:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                line = self.data.line_of(key)
                self.fail(key, f"is missing (expected {expected})" if key not in self.data
                          else f"is empty (expected {expected})", line)
            return ""
        if isinstance(value, (LineDict, LineList)):
            self.fail(key, f"is {_type_name(value)} (expected {expected})")
            return ""
        # A title such as 2024 or 1.10 is text to the editor: keep the source spelling.
        return str(self.data.raw.get(key, value)).strip()

    def date(self, key, required: bool = False) -> dt.date | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.fail(key, "is missing (expected a date such as 2024-06-16)")
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        self.fail(key, f"'{value}' is not a valid date (expected YYYY-MM-DD, such as 2024-06-16)")
        return None

    def integer(self, key, minimum: int = 0) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"'{self.data.raw.get(key, value)}' is not a whole number "
                           f"(expected a whole number >= {minimum})")
            return None
        if value < minimum:
            self.fail(key, f"{value} is too small (expected a whole number >= {minimum})")
            return None
        return value

    def boolean(self, key) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.fail(key, f"'{value}' is not true or false (expected true or false)")
            return False
        return value

    def url(self, key, required: bool = False) -> str:
        value = self.text(key, required, "an http(s) URL")
        if value and not is_http_url(value):
            self.fail(key, f"'{value}' is not an http(s) URL (expected https://...)")
            return ""
        if value.startswith("http://"):
            self.problems.append(Problem(self.path, self.data.line_of(key), self.name(key),
                                         f"'{value}' is not https (expected an https:// link)", "warning"))
        return value

    def text_list(self, key) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):  # a single name is a list of one
            value = LineList([value])
            value.line, value.item_lines = self.data.line_of(key), [self.data.line_of(key)]
        if not isinstance(value, LineList):
            self.fail(key, f"is {_type_name(value)} (expected a list such as [a, b])")
            return ()
        items = []
        for index, item in enumerate(value):
            if isinstance(item, (LineDict, LineList)) or item is None or not str(item).strip():
                self.fail(f"{key}[{index}]", f"is {_type_name(item)} (expected text)",
                          value.line_of(index))
            else:
                items.append(str(item).strip())
        return tuple(items)

    def mapping(self, key) -> LineDict | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, LineDict):
            self.fail(key, f"is {_type_name(value)} (expected a mapping of name: value)")
            return None
        return value


def is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not re.search(r"\s", value)


def _require_mapping(data, path: str, problems: list[Problem], what: str) -> LineDict | None:
    if isinstance(data, LineDict):
        return data
    if data is not None:
        line = getattr(data, "line", 1)
        problems.append(Problem(path, line, "", f"the file is {_type_name(data)} "
                                f"(expected a mapping of fields: {what})"))
    return None


def validate_site(source: Source, problems: list[Problem]) -> Site | None:
    data, found = parse_yaml(source)
    problems += found
    data = _require_mapping(data, source.path, problems, "title, description, base_url, categories")
    if data is None:
        return None
    fields = Fields(data, source.path, "", problems)
    fields.check_keys(SITE_FIELDS)
    base_url = fields.url("base_url", required=True)
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    author = None
    author_data = fields.mapping("author")
    if author_data is not None:
        author_fields = Fields(author_data, source.path, "author.", problems)
        author_fields.check_keys(("name", "email"))
        author = Author(author_fields.text("name", True, "the author's name"), author_fields.text("email"))
    feed_items, id_authority = 20, ""
    feed = fields.mapping("feed")
    if feed is not None:
        feed_fields = Fields(feed, source.path, "feed.", problems)
        feed_fields.check_keys(("items", "id_authority"))
        feed_items = feed_fields.integer("items", 1) or 20
        id_authority = _validate_tag_authority(feed_fields)
    site = Site(
        title=fields.text("title", True, "the site's title"),
        description=fields.text("description", True, "a one-sentence description"),
        base_url=base_url or "https://example.org/",
        language=fields.text("language") or "en",
        author=author,
        theme=fields.text("theme") or "default",
        subscribe_url=fields.url("subscribe_url"),
        feed_items=feed_items,
        feed_id_authority=id_authority,
        email_unsubscribe=_validate_email_settings(fields, source.path, problems),
        categories=_validate_categories(fields, source.path, problems),
        per_page=fields.integer("per_page", 1) or 10,
    )
    if not SLUG_RE.match(site.theme):
        fields.fail("theme", f"'{site.theme}' is not a theme name (expected a folder name in themes/)")
    return site


def _validate_tag_authority(fields: Fields) -> str:
    value = fields.text("id_authority", expected='a tag: authority such as "example.org,2024"')
    match = TAG_AUTHORITY_RE.match(value)
    if value and match:
        year, month, day = (int(part) if part else 1 for part in match.groups())
        try:
            dt.date(year, month, day)
            return value
        except ValueError:
            pass
    if value:
        fields.fail("id_authority", f"'{value}' is not a tag: authority (expected a domain or email address "
                                    "you owned, a comma and a date when you owned it, such as "
                                    '"example.org,2024" or "editor@example.org,2024-06-16")')
    return ""


def _validate_email_settings(fields: Fields, path: str, problems: list[Problem]) -> str:
    """The unsubscribe placeholder of the email edition: a mail service's merge tag or a link."""
    default = "*|UNSUB|*"
    data = fields.mapping("email")
    if data is None:
        return default
    email = Fields(data, path, "email.", problems)
    email.check_keys(("unsubscribe",))
    value = email.text("unsubscribe", expected='your mail service\'s unsubscribe placeholder, such as "*|UNSUB|*"')
    scheme = re.match(r"^([a-z][a-z0-9+.-]*):", value, re.IGNORECASE)
    if scheme and scheme.group(1).lower() not in UNSUBSCRIBE_SCHEMES:
        email.fail("unsubscribe", f"'{value}' is not an unsubscribe link (expected your mail service's "
                                  'placeholder such as "*|UNSUB|*" or "{{ unsubscribe_url }}", or an https:// '
                                  "or mailto: link)")
        return default
    return value or default


def _validate_categories(fields: Fields, path: str, problems: list[Problem]) -> tuple[Category, ...]:
    value = fields.data.get("categories")
    expected = "a list of {slug, name, description}"
    if not isinstance(value, LineList) or not value:
        what = "is missing" if value is None else ("is empty" if isinstance(value, LineList)
                                                    else f"is {_type_name(value)}")
        fields.fail("categories", f"{what} (expected {expected})")
        return ()
    categories, seen = [], set()
    for index, item in enumerate(value):
        if not isinstance(item, LineDict):
            fields.fail(f"categories[{index}]", f"is {_type_name(item)} (expected {expected})",
                        value.line_of(index))
            continue
        category = Fields(item, path, f"categories[{index}].", problems)
        category.check_keys(("slug", "name", "description"))
        slug = category.text("slug", True, "a slug such as reasoning")
        if slug and not SLUG_RE.match(slug):
            category.fail("slug", f"'{slug}' is not a slug (expected lowercase letters, digits and '-')")
            continue
        if slug in seen:
            category.fail("slug", f"'{slug}' is listed twice (expected each category once)")
            continue
        seen.add(slug)
        name = category.text("name", True, "the category's display name")
        if slug:
            categories.append(Category(slug, name or slug, category.text("description"), item.line))
    return tuple(categories)


def parse_arxiv(value: str) -> tuple[str, str] | None:
    """Split an arXiv id into (id without version, version), or None when it is not one."""
    match = NEW_ARXIV_RE.match(value) or OLD_ARXIV_RE.match(value)
    return (match.group(1), match.group(2) or "") if match else None


def validate_issue(source: Source, slug: str, site: Site, problems: list[Problem]) -> Issue | None:
    data, found = parse_yaml(source)
    problems += found
    data = _require_mapping(data, source.path, problems, "title, date, papers")
    if data is None:
        return None
    fields = Fields(data, source.path, "", problems)
    fields.check_keys(ISSUE_FIELDS)
    if not SLUG_RE.match(slug):
        problems.append(Problem(source.path, 0, "", f"the file name '{slug}' is not a slug "
                                "(expected lowercase letters, digits and '-', such as 2024-06-16.yaml)"))
    title = fields.text("title", True, "the issue's title")
    date = fields.date("date", required=True)
    period_start = period_end = None
    period = fields.mapping("period")
    if period is not None:
        period_fields = Fields(period, source.path, "period.", problems)
        period_fields.check_keys(("start", "end"))
        period_start = period_fields.date("start", True)
        period_end = period_fields.date("end", True)
        if period_start and period_end and period_start > period_end:
            period_fields.fail("end", f"{period_end} is before the start {period_start} "
                                      "(expected an end on or after the start)")
    number = fields.integer("number", 1)
    draft = fields.boolean("draft")
    papers = _validate_papers(fields, source.path, site, problems)
    if not (title and date and papers):
        return None
    return Issue(slug=slug, title=title, date=date, number=number or 0,
                 summary=fields.text("summary"), intro=fields.text("intro"),
                 sections=_number_sections(papers, site, slug),
                 period_start=period_start, period_end=period_end, draft=draft,
                 source_path=source.path, date_line=data.line_of("date"), number_line=data.line_of("number"))


def _validate_papers(fields: Fields, path: str, site: Site, problems: list[Problem]) -> list[Paper]:
    value = fields.data.get("papers")
    if not isinstance(value, LineList) or not value:
        what = "is missing" if value is None else ("is empty" if isinstance(value, LineList)
                                                    else f"is {_type_name(value)}")
        fields.fail("papers", f"{what} (expected a list of at least one paper)")
        return []
    papers, seen = [], {}
    for index, item in enumerate(value):
        if not isinstance(item, LineDict):
            fields.fail(f"papers[{index}]", f"is {_type_name(item)} (expected a paper: title, category, summary ...)",
                        value.line_of(index))
            continue
        paper = validate_paper(Fields(item, path, f"papers[{index}].", problems), site)
        if paper is None:
            continue
        if paper.id in seen:
            problems.append(Problem(path, item.line, f"papers[{index}]",
                                    f"'{paper.title}' is already in this issue at line {seen[paper.id]} "
                                    "(expected each paper once per issue)"))
            continue
        seen[paper.id] = item.line
        papers.append(paper)
    return papers


def validate_paper(fields: Fields, site: Site) -> Paper | None:
    fields.check_keys(PAPER_FIELDS)
    before = _error_count(fields.problems)
    title = fields.text("title", True, "the paper's title")
    category = fields.text("category", True, "a category slug from site.yaml")
    known = [c.slug for c in site.categories]
    if category == UNSORTED and UNSORTED not in known:
        fields.fail("category", f"'{UNSORTED}' is a placeholder left by 'roundup import'; choose the "
                                f"paper's category or delete the candidate (expected one of: {', '.join(known)})")
    elif category and known and category not in known:
        hint = did_you_mean(category, known)
        fields.fail("category", f"unknown category '{category}'{hint} "
                                f"(expected one of: {', '.join(known)})")
    arxiv = version = ""
    raw_arxiv = fields.text("arxiv", expected="an arXiv id such as 2406.04692")
    if raw_arxiv:
        parsed = parse_arxiv(raw_arxiv)
        if parsed is None:
            fields.fail("arxiv", f"'{raw_arxiv}' is not an arXiv id (expected a new-style id such as "
                                 "\"2406.04692\" or \"2406.04692v2\", or an old-style one such as hep-th/9901001)")
        else:
            arxiv, version = parsed
    url = fields.text("url", required=not raw_arxiv, expected="an http(s) URL, or an arxiv id") and \
        fields.url("url")
    links = []
    link_data = fields.mapping("links")
    if link_data is not None:
        link_fields = Fields(link_data, fields.path, f"{fields.prefix}links.", fields.problems)
        for name in link_data:
            link_url = link_fields.url(name, required=True)
            if link_url:
                links.append(Link(str(name), link_url))
    tags = []
    for name in fields.text_list("tags"):
        tag = Tag(slugify(name, "tag"), name)
        if tag.slug not in {t.slug for t in tags}:
            tags.append(tag)
    summary = fields.text("summary", True, "the editor's Markdown summary")
    if summary.startswith("TODO"):
        fields.problems.append(Problem(fields.path, fields.data.line_of("summary"), fields.name("summary"),
                                       "is still a placeholder (expected the editor's own summary)", "warning"))
    paper = Paper(
        title=title, category=category, summary=summary,
        arxiv=arxiv, arxiv_version=version, url=url, authors=fields.text_list("authors"),
        published=fields.date("published"), links=tuple(links), tags=tuple(tags),
        upvotes=fields.integer("upvotes", 0), revisit=fields.boolean("revisit"), source_line=fields.data.line,
    )
    return paper if _error_count(fields.problems) == before else None


def _error_count(problems: list[Problem]) -> int:
    """Warnings (an http link, a placeholder summary) must not drop the paper."""
    return sum(1 for problem in problems if problem.severity == "error")


def _number_sections(papers: list[Paper], site: Site, issue_slug: str) -> tuple[Section, ...]:
    """Group papers by category in site order and number them 1., 1.1, 1.2 ..."""
    sections = []
    for category in site.categories:
        chosen = [paper for paper in papers if paper.category == category.slug]
        if chosen:
            number = len(sections) + 1
            entries = tuple(Entry(paper, f"{number}.{index}", issue_slug, digest(repr(paper)))
                            for index, paper in enumerate(chosen, start=1))
            sections.append(Section(category, number, entries))
    return tuple(sections)


def validate_page(source: Source, slug: str, problems: list[Problem]) -> Page | None:
    meta, body, _, found = parse_front_matter(source)
    problems += found
    meta = _require_mapping(meta, source.path, problems, "title")
    if meta is None:
        return None
    fields = Fields(meta, source.path, "", problems)
    fields.check_keys(PAGE_FIELDS)
    title = fields.text("title", True, "the page's title")
    if not SLUG_RE.match(slug):
        problems.append(Problem(source.path, 1, "", f"the file name '{slug}' is not a slug "
                                "(expected lowercase letters, digits and '-', such as about.md)"))
        return None
    if slug in RESERVED_SLUGS:
        problems.append(Problem(source.path, 1, "", f"the page name '{slug}' collides with the generated "
                                f"/{slug}/ (expected another file name, such as {slug}-page.md)"))
        return None
    return Page(slug, title, body, source.path, fields.text("description")) if title else None
