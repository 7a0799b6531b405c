"""The site as frozen data: no I/O, no rendering. URLs are paths relative to the site root."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlsplit

from .hashing import digest


def slugify(text: str, fallback_prefix: str = "x") -> str:
    """A lowercase ASCII slug; never empty and never a path (``kv/cache`` -> ``kv-cache``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug:  # e.g. a tag in another script: keep it distinct but safe
        slug = f"{fallback_prefix}-{hashlib.sha1(text.encode()).hexdigest()[:8]}"
    slug = slug[:80].rstrip("-")
    # Names Windows cannot create as files or folders, so the site still checks out there.
    if slug in _WINDOWS_RESERVED:
        slug = f"{slug}-{fallback_prefix}"
    return slug


_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                     *(f"lpt{i}" for i in range(10))}


def paper_url(paper_id: str) -> str:
    """The page of a paper, by its id (Paper.id)."""
    return f"papers/{paper_id}/"


@functools.lru_cache(maxsize=65536)
def author_url(name: str) -> str:
    """The author page of a name: ``authors/<slug>/``; names with the same slug share it, like tags."""
    return f"authors/{slugify(name, 'author')}/"


@dataclass(frozen=True)
class Author:
    name: str
    email: str = ""


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    description: str = ""  # Markdown
    source_line: int = field(default=0, compare=False)  # in site.yaml

    @property
    def url(self) -> str:
        return f"categories/{self.slug}/"


@dataclass(frozen=True)
class Tag:
    slug: str
    name: str

    @property
    def url(self) -> str:
        return f"tags/{self.slug}/"


@dataclass(frozen=True)
class Link:
    name: str
    url: str


@dataclass(frozen=True)
class Paper:
    """One paper as an issue features it (the editor's record, validated)."""

    title: str
    category: str
    summary: str  # Markdown
    arxiv: str = ""  # without version
    arxiv_version: str = ""
    url: str = ""  # the paper's own URL when it has no arXiv id
    authors: tuple[str, ...] = ()
    published: dt.date | None = None
    links: tuple[Link, ...] = ()
    tags: tuple[Tag, ...] = ()
    upvotes: int | None = None
    revisit: bool = False  # featured again on purpose: no "already featured" warning
    source_line: int = field(default=0, repr=False, compare=False)  # not part of what pages show

    @functools.cached_property
    def id(self) -> str:
        return self.arxiv.replace("/", "-") if self.arxiv else slugify(self.title, "paper")

    @functools.cached_property
    def page_url(self) -> str:
        return paper_url(self.id)

    @property
    def abstract_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv}" if self.arxiv else self.url

    @property
    def pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self.arxiv}" if self.arxiv else ""

    @functools.cached_property
    def author_pages(self) -> dict[str, str]:
        """Author page URL -> the name as this paper spells it; a name listed twice counts once."""
        pages: dict[str, str] = {}
        for name in self.authors:
            pages.setdefault(author_url(name), name)
        return pages

    @functools.cached_property
    def all_links(self) -> tuple[Link, ...]:
        """The links a reader can follow: abstract and PDF first, then the editor's own."""
        base = [Link("arXiv", self.abstract_url), Link("PDF", self.pdf_url)] if self.arxiv \
            else [Link("Paper", self.url)]
        own = [link for link in self.links if link.url not in {b.url for b in base}]
        return tuple(base + own)


@dataclass(frozen=True)
class Entry:
    """A paper in its place in an issue: numbered ``2.3`` and anchored."""

    paper: Paper
    number: str
    issue_slug: str
    digest: str = ""  # of repr(paper): pages that show this entry are made again when it changes

    @functools.cached_property
    def anchor(self) -> str:
        return f"paper-{self.paper.id}"


@dataclass(frozen=True)
class Section:
    """One category's papers within an issue, numbered ``2.``."""

    category: Category
    number: int
    entries: tuple[Entry, ...]

    @property
    def anchor(self) -> str:
        return f"cat-{self.category.slug}"

    # Both kept across `roundup serve` loads: a Section outlives its Issue, which is numbered again.
    @functools.cached_property
    def related_key(self) -> str:
        """A digest of what related papers depend on here: each paper's id, category and tags, in order."""
        return digest("".join(f"{entry.paper.id}\t{entry.paper.category}\t{','.join(tag.slug for tag in entry.paper.tags)}\n"
                               for entry in self.entries))

    @functools.cached_property
    def outline(self) -> str:
        """A digest of what the catalog takes from here: each paper's id, category, tags and authors, in
        order. An edit that keeps it keeps the site's shape (update_catalog)."""
        return digest("".join(f"{entry.paper.id}\t{entry.paper.category}\t{[(tag.slug, tag.name) for tag in entry.paper.tags]}"
                               f"\t{entry.paper.author_pages}\n" for entry in self.entries))


@dataclass(frozen=True)
class Issue:
    slug: str
    title: str
    date: dt.date
    number: int
    summary: str
    intro: str  # Markdown
    sections: tuple[Section, ...]
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    draft: bool = False
    source_path: str = ""
    digest: str = ""  # of the issue file's text: what the build cache compares
    date_line: int = 0
    number_line: int = 0

    @functools.cached_property
    def url(self) -> str:
        return f"issues/{self.slug}/"

    @property
    def bib_url(self) -> str:
        """Every paper of the issue as one BibTeX file."""
        return f"issues/{self.slug}/papers.bib"

    @functools.cached_property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(entry for section in self.sections for entry in section.entries)


@dataclass(frozen=True)
class Page:
    """A standalone Markdown page such as About."""

    slug: str
    title: str
    body: str  # Markdown
    source_path: str = ""
    description: str = ""

    @property
    def url(self) -> str:
        return f"{self.slug}/"


@dataclass(frozen=True)
class Site:
    title: str
    description: str
    base_url: str  # always ends with "/"
    categories: tuple[Category, ...]
    language: str = "en"
    author: Author | None = None
    theme: str = "default"
    subscribe_url: str = ""
    feed_items: int = 20
    feed_id_authority: str = ""  # a tag: authority such as "example.org,2024"; "" = the domain and year
    email_unsubscribe: str = "*|UNSUB|*"  # the mail service's unsubscribe placeholder, for email.html
    issues: tuple[Issue, ...] = ()  # newest first
    pages: tuple[Page, ...] = ()
    build_date: dt.date = dt.date(1970, 1, 1)
    per_page: int = 10

    @property
    def base_path(self) -> str:
        """The path prefix of base_url, e.g. ``/weekly/``: every internal link starts with it."""
        return urlsplit(self.base_url).path or "/"

    @property
    def domain(self) -> str:
        return urlsplit(self.base_url).hostname or "localhost"

    def absolute(self, path: str) -> str:
        return self.base_url + path

    def category(self, slug: str) -> Category:
        return self._category_by_slug[slug]

    @functools.cached_property  # pages look a category up for every paper they show
    def _category_by_slug(self) -> dict[str, Category]:
        return {category.slug: category for category in self.categories}


class Appearance(NamedTuple):  # not a frozen dataclass: ~3x cheaper to make, and there are one per entry
    """A paper's appearance in one issue, for paper, category and tag pages."""

    issue: Issue
    entry: Entry


class PaperRecord(NamedTuple):  # one per paper: cheaper to make than a frozen dataclass
    """A paper across issues: the newest issue's record plus every appearance, newest first."""

    paper: Paper
    appearances: tuple[Appearance, ...]

    @property
    def latest(self) -> Appearance:
        return self.appearances[0]


class Listing(NamedTuple):  # one per category, tag and author
    """Papers gathered under a category or a tag, newest issue first."""

    slug: str
    name: str
    url: str
    appearances: tuple[Appearance, ...]
    description: str = ""
    kind: str = "category"


@dataclass(frozen=True)
class Catalog:
    """Indexes derived from the site, built once for every page that needs them."""

    papers: tuple[PaperRecord, ...]
    categories: tuple[Listing, ...]
    tags: tuple[Listing, ...]
    authors: tuple[Listing, ...] = ()
    by_year: tuple[tuple[int, tuple[Issue, ...]], ...] = field(default=())

    @functools.cached_property
    def paper_index(self) -> dict[str, PaperRecord]:
        return {record.paper.id: record for record in self.papers}


def build_catalog(site: Site) -> Catalog:
    # ~15,000 papers in ~150,000 places on a ten-year archive: this loop is kept to the bare minimum
    by_paper: defaultdict[str, list[Appearance]] = defaultdict(list)
    by_category: dict[str, list[Appearance]] = {c.slug: [] for c in site.categories}
    by_tag: defaultdict[str, list[Appearance]] = defaultdict(list)
    by_author: defaultdict[str, list[Appearance]] = defaultdict(list)
    for issue in site.issues:  # newest first, so every list is too
        for entry in issue.entries:
            appearance = Appearance(issue, entry)
            paper = entry.paper
            by_paper[paper.id].append(appearance)
            by_category[paper.category].append(appearance)
            for tag in paper.tags:  # tags are unique per paper (validate), so no duplicates here
                by_tag[tag.slug].append(appearance)
            for url in paper.author_pages:
                by_author[url].append(appearance)
    papers = tuple(PaperRecord(found[0].entry.paper, tuple(found))
                   for _, found in sorted(by_paper.items()))
    categories = tuple(Listing(c.slug, c.name, c.url, tuple(by_category[c.slug]), c.description)
                       for c in site.categories)
    # a tag or an author page is named as the newest paper spells it
    tags = tuple(Listing(slug, next(tag.name for tag in found[0].entry.paper.tags if tag.slug == slug),
                         f"tags/{slug}/", tuple(found), kind="tag")
                 for slug, found in sorted(by_tag.items()))
    authors = tuple(Listing(url.split("/")[1], found[0].entry.paper.author_pages[url], url, tuple(found), kind="author")
                    for url, found in sorted(by_author.items()))
    return Catalog(papers, categories, tags, authors, _by_year(site))


def _by_year(site: Site) -> tuple[tuple[int, tuple[Issue, ...]], ...]:
    years: dict[int, list[Issue]] = {}
    for issue in site.issues:
        years.setdefault(issue.date.year, []).append(issue)
    return tuple((year, tuple(issues)) for year, issues in sorted(years.items(), reverse=True))


def update_catalog(catalog: Catalog, old: Site, new: Site) -> Catalog | None:
    """build_catalog(new), made from `catalog` (that of `old`) when every issue is where it was and
    no paper's id, category, tags or authors changed; None otherwise. Issues unchanged are the same
    objects in both sites, and only the listings that show an edited issue are made again: a few
    milliseconds instead of ~0.3 s for `roundup serve` on a ten-year archive."""
    if len(old.issues) != len(new.issues) or old.categories != new.categories:
        return None
    replaced: dict[int, Appearance] = {}  # id() of an entry of `old` -> its appearance in `new`
    edited: list[Paper] = []
    for before, after in zip(old.issues, new.issues):
        if before is after:
            continue
        if before.slug != after.slug or [s.outline for s in before.sections] != [s.outline for s in after.sections]:
            return None
        for entry, new_entry in zip(before.entries, after.entries):
            replaced[id(entry)] = Appearance(after, new_entry)
            edited.append(entry.paper)
    if not replaced:
        return catalog

    def swap(appearances: tuple[Appearance, ...]) -> tuple[Appearance, ...]:
        return tuple(replaced.get(id(appearance.entry), appearance) for appearance in appearances)

    def swap_in(listings: tuple[Listing, ...], touched: set[str]) -> tuple[Listing, ...]:
        return tuple(listing._replace(appearances=swap(listing.appearances)) if listing.url in touched else listing
                     for listing in listings)

    papers = {paper.id for paper in edited}
    records = []
    for record in catalog.papers:
        if record.paper.id in papers:
            appearances = swap(record.appearances)
            record = PaperRecord(appearances[0].entry.paper, appearances)  # named as its newest issue has it
        records.append(record)
    return Catalog(
        tuple(records),
        swap_in(catalog.categories, {f"categories/{paper.category}/" for paper in edited}),
        swap_in(catalog.tags, {tag.url for paper in edited for tag in paper.tags}),
        swap_in(catalog.authors, {url for paper in edited for url in paper.author_pages}),
        _by_year(new))
