"""The site as frozen data: no I/O, no rendering. URLs are paths relative to the site root."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .hashing import digest
from .urls import author_url, paper_url, slugify

if TYPE_CHECKING:
    from .refresh.status import PaperStatus, StatusOverrides


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
    status_overrides: StatusOverrides | None = None  # the editor's `status:` (refresh/overrides.py)
    # what became of it, from papers.lock.yaml (refresh/attach.py)
    status: PaperStatus | None = None
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


def _tag_slugs(paper: Paper) -> str:
    return ",".join(tag.slug for tag in paper.tags)


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
        """A digest of what related papers depend on here: each paper's id, category and tags, in
        order."""
        return digest(
            "".join(
                f"{entry.paper.id}\t{entry.paper.category}\t{_tag_slugs(entry.paper)}\n"
                for entry in self.entries
            )
        )

    @functools.cached_property
    def outline(self) -> str:
        """A digest of what the catalog takes from here: each paper's id, category, tags and
        authors, in order. An edit that keeps it keeps the site's shape (update_catalog)."""
        return digest(
            "".join(
                f"{entry.paper.id}\t{entry.paper.category}\t"
                f"{[(tag.slug, tag.name) for tag in entry.paper.tags]}"
                f"\t{entry.paper.author_pages}\n"
                for entry in self.entries
            )
        )


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
    newsletter_form: str = ""  # a signup form's action (Buttondown's embed form), from newsletter:
    newsletter_mailto: str = ""  # a mailto: link to join an SMTP list, from newsletter:
    feed_items: int = 20
    # a tag: authority such as "example.org,2024"; "" = the domain and year
    feed_id_authority: str = ""
    # the mail service's unsubscribe placeholder, for email.html
    email_unsubscribe: str = "*|UNSUB|*"
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
