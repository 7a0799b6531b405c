"""Check parsed issues and pages and turn them into the model, collecting every problem on the way.

site.yaml is checked by settings.py; both read fields through fields.py."""

from __future__ import annotations

import re

from ..hashing import digest
from ..errors import Problem
from .fields import SLUG_RE, Fields, did_you_mean, read_fields, require_mapping, type_name
from .files import LineDict, LineList, Source, parse_front_matter
from ..model import Issue, Link, Page, Paper, Section, Entry, Site, Tag
from ..urls import slugify
from ..refresh.overrides import read_status_overrides

# YYMM.NNNN until 1412, YYMM.NNNNN from 1501 on (so 2406.4692 is a typo, not an id)
NEW_ARXIV_RE = re.compile(
    r"^((?:0[7-9]|1[0-4])(?:0[1-9]|1[0-2])\.\d{4}|(?:1[5-9]|[2-9]\d)(?:0[1-9]|1[0-2])\.\d{5})"
    r"(v\d+)?$"
)
OLD_ARXIV_RE = re.compile(r"^([a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(v\d+)?$")

ISSUE_FIELDS = ("title", "date", "period", "number", "draft", "summary", "intro", "papers")
PAPER_FIELDS = ("title", "category", "arxiv", "url", "authors", "published", "summary",
                "links", "tags", "upvotes", "revisit", "status")
# Left by `roundup add` / `roundup import` for the editor to replace.
UNSORTED = "unsorted"
PLACEHOLDER_SUMMARY = "TODO: write the editor's summary"
PAGE_FIELDS = ("title", "description", "menu")

# Paths the generator writes itself; a standalone page may not take them.
RESERVED_SLUGS = {"issues", "categories", "tags", "papers", "archive", "page", "static", "pagefind",
                  "authors", "search", "subscribe", "feed.xml", "atom.xml", "sitemap.xml",
                  "robots.txt", "404", "404.html", "favicon.ico", "updates"}


# `draft: true` at the top level of an issue file, read from the text: a draft whose YAML does not
# parse (or that does not validate) is still a draft, and must not stop the build.
DRAFT_LINE_RE = re.compile(r"^draft:[ \t]*(?:true|yes|on)[ \t]*(?:#.*)?$",
                           re.IGNORECASE | re.MULTILINE)


def marked_draft(text: str) -> bool:
    return DRAFT_LINE_RE.search(text) is not None


def parse_arxiv(value: str) -> tuple[str, str] | None:
    """Split an arXiv id into (id without version, version), or None when it is not one."""
    match = NEW_ARXIV_RE.match(value) or OLD_ARXIV_RE.match(value)
    return (match.group(1), match.group(2) or "") if match else None


def validate_issue(source: Source, slug: str, site: Site, problems: list[Problem]) -> Issue | None:
    fields = read_fields(source, problems, "title, date, papers", ISSUE_FIELDS)
    if fields is None:
        return None
    if not SLUG_RE.match(slug):
        problems.append(
            Problem(
                source.path,
                0,
                "",
                f"the file name '{slug}' is not a slug "
                "(expected lowercase letters, digits and '-', such as 2024-06-16.yaml)",
            )
        )
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
                 source_path=source.path, date_line=fields.data.line_of("date"),
                 number_line=fields.data.line_of("number"))


def _validate_papers(fields: Fields, path: str, site: Site, problems: list[Problem]) -> list[Paper]:
    value = fields.data.get("papers")
    if not isinstance(value, LineList) or not value:
        empty = value is None or isinstance(value, LineList)
        what = "is missing" if "papers" not in fields.data else (
            "is empty" if empty else f"is {type_name(value)}")
        fields.fail("papers", f"{what} (expected a list of at least one paper)")
        return []
    papers: list[Paper] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(value):
        if not isinstance(item, LineDict):
            fields.fail(
                f"papers[{index}]",
                f"is {type_name(item)} (expected a paper: title, category, summary ...)",
                value.line_of(index),
            )
            continue
        paper = validate_paper(Fields(item, path, f"papers[{index}].", problems), site)
        if paper is None:
            continue
        if paper.id in seen:
            problems.append(
                Problem(
                    path,
                    item.line,
                    f"papers[{index}]",
                    f"'{paper.title}' is already in this issue at line {seen[paper.id]} "
                    "(expected each paper once per issue)",
                )
            )
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
        fields.fail(
            "category",
            f"'{UNSORTED}' is a placeholder left by 'roundup import'; choose the "
            f"paper's category or delete the candidate (expected one of: {', '.join(known)})",
        )
    elif category and known and category not in known:
        hint = did_you_mean(category, known)
        fields.fail("category", f"unknown category '{category}'{hint} "
                                f"(expected one of: {', '.join(known)})")
    arxiv = version = ""
    raw_arxiv = fields.text("arxiv", expected="an arXiv id such as 2406.04692")
    if raw_arxiv:
        parsed = parse_arxiv(raw_arxiv)
        if parsed is None:
            fields.fail(
                "arxiv",
                f"'{raw_arxiv}' is not an arXiv id (expected a new-style id such as "
                '"2406.04692" or "2406.04692v2", or an old-style one such as hep-th/9901001)',
            )
        else:
            arxiv, version = parsed
    url = fields.text(
        "url", required=not raw_arxiv, expected="an http(s) URL, or an arxiv id"
    ) and fields.url("url")
    links = _validate_links(fields)
    tags: list[Tag] = []
    for name in fields.text_list("tags"):
        tag = Tag(slugify(name, "tag"), name)
        if tag.slug not in {t.slug for t in tags}:
            tags.append(tag)
    summary = fields.text("summary", True, "the editor's Markdown summary")
    if summary.startswith("TODO"):
        fields.problems.append(
            Problem(
                fields.path,
                fields.data.line_of("summary"),
                fields.name("summary"),
                "is still a placeholder (expected the editor's own summary)",
                "warning",
            )
        )
    paper = Paper(
        title=title,
        category=category,
        summary=summary,
        arxiv=arxiv,
        arxiv_version=version,
        url=url,
        authors=fields.text_list("authors"),
        published=fields.date("published"),
        links=tuple(links),
        tags=tuple(tags),
        upvotes=fields.integer("upvotes", 0),
        revisit=fields.boolean("revisit"),
        source_line=fields.data.line,
        status_overrides=read_status_overrides(fields),
    )
    return paper if _error_count(fields.problems) == before else None


def _validate_links(fields: Fields) -> list[Link]:
    links: list[Link] = []
    link_data = fields.mapping("links")
    if link_data is not None:
        link_fields = Fields(link_data, fields.path, f"{fields.prefix}links.", fields.problems)
        for name in link_data:
            if not link_fields.printable(name, str(name)):
                continue
            link_url = link_fields.url(name, required=True)
            if link_url:
                links.append(Link(str(name), link_url))
    return links


def _error_count(problems: list[Problem]) -> int:
    """Warnings (an http link, a placeholder summary) must not drop the paper."""
    return sum(1 for problem in problems if problem.severity == "error")


def _number_sections(papers: list[Paper], site: Site, issue_slug: str) -> tuple[Section, ...]:
    """Group papers by category in site order and number them 1., 1.1, 1.2 ..."""
    sections: list[Section] = []
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
    meta = require_mapping(meta, source.path, problems, "title")
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
        problems.append(
            Problem(
                source.path,
                1,
                "",
                f"the page name '{slug}' collides with the generated "
                f"/{slug}/ (expected another file name, such as {slug}-page.md)",
            )
        )
        return None
    return Page(slug, title, body, source.path, fields.text("description")) if title else None
