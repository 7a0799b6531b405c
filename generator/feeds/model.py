"""What the feeds carry, whatever their format: channels, entries and their stable tag: ids.

No feed library here: xml.py (RSS, Atom), json.py and opml.py turn these into files.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from typing import Callable

from ..markdown import absolutize, render_plain
from ..catalog import Catalog, PaperRecord
from ..model import Author, Issue, Site

FORMATS = {  # format: (label, media type)
    "rss": ("RSS", "application/rss+xml"),
    "atom": ("Atom", "application/atom+xml"),
    "json": ("JSON Feed", "application/feed+json"),
}
# shows RSS and Atom feeds to people who open them in a browser (a theme's static file)
STYLESHEET = "static/css/feed.css"
OPML = "feeds.opml"


@dataclass(frozen=True)
class FeedFile:
    format: str  # rss, atom or json
    path: str  # site-relative

    @property
    def label(self) -> str:
        return FORMATS[self.format][0]

    @property
    def media_type(self) -> str:
        return FORMATS[self.format][1]


@dataclass(frozen=True)
class Channel:
    """One feed, whatever its format: what it follows and where its files are."""

    kind: str  # "issues", "papers" or "category"
    key: str  # "issues", "papers" or "categories/<slug>": names the feed in its tag: id
    title: str
    description: str
    home: str  # site-relative URL of the page the feed follows
    files: tuple[FeedFile, ...]
    category: str = ""  # the category's slug, for kind "category"

    @property
    def links(self) -> tuple[tuple[str, str, str], ...]:
        """(title, media type, site-relative path) for autodiscovery <link rel="alternate">."""
        return tuple(
            (f"{self.title} ({file.label})", file.media_type, file.path) for file in self.files
        )


@dataclass(frozen=True)
class FeedItem:
    """One entry: an issue, or a paper across the issues that featured it."""

    id: str  # a tag: URI that never changes
    title: str
    url: str  # absolute
    published: dt.datetime
    updated: dt.datetime
    summary: str  # plain text
    content_html: str  # the full HTML, every link absolute
    author: Author
    categories: tuple[tuple[str, str, str], ...]  # (term, label, scheme): categories, then tags


@dataclass(frozen=True)
class Feed:
    channel: Channel
    id: str
    updated: dt.datetime
    items: tuple[FeedItem, ...]


def moment(day: dt.date) -> dt.datetime:
    """An issue is published at the start of its day, UTC: feeds need a time and a time zone."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def tag_uri(site: Site, year: int, specific: str) -> str:
    """A tag: URI (RFC 4151) that survives edits, a moved site (pin feed.id_authority) and
    backfills.

    Without a pinned authority it is the base_url's domain and the year the entry was first
    published, so adding an older issue never changes the ids of the entries already out."""
    return f"tag:{site.feed_id_authority or f'{site.domain},{year}'}:{specific}"


def feed_author(site: Site) -> Author:
    return site.author or Author(site.title)


def build_channels(site: Site) -> tuple[Channel, ...]:
    """Every feed of the site: its issues, its papers, and the papers of each category."""
    issues = Channel(
        "issues",
        "issues",
        site.title,
        site.description,
        "",
        (FeedFile("rss", "feed.xml"), FeedFile("atom", "atom.xml"), FeedFile("json", "feed.json")),
    )
    papers = Channel(
        "papers",
        "papers",
        f"{site.title}: every paper",
        f"Every paper featured in {site.title}, one entry per paper, newest first.",
        "",
        (FeedFile("rss", "papers/feed.xml"),),
    )
    categories = tuple(
        Channel(
            "category",
            f"categories/{category.slug}",
            f"{site.title}: {category.name}",
            f"Papers in {category.name} featured in {site.title}, newest first.",
            category.url,
            (
                FeedFile("rss", f"{category.url}feed.xml"),
                FeedFile("atom", f"{category.url}atom.xml"),
            ),
            category.slug,
        )
        for category in site.categories
    )
    return (issues, papers) + categories


def build_feeds(site: Site, catalog: Catalog, render_issue: Callable[[Issue], str],
                render_paper: Callable[[PaperRecord], str]) -> tuple[Feed, ...]:
    """Every channel with its entries: the newest ``feed.items`` issues, and their papers.

    ``render_issue`` and ``render_paper`` give an entry's full HTML; its relative links are made
    absolute here, against the page the entry links to.
    """
    window = site.issues[: site.feed_items]  # newest first
    issue_items = tuple(_issue_item(site, issue, render_issue(issue)) for issue in window)
    records = {record.paper.id: record for record in catalog.papers}
    newest: dict[str, PaperRecord] = {}  # papers of the window, by their newest appearance
    for issue in window:
        for entry in issue.entries:
            newest.setdefault(entry.paper.id, records[entry.paper.id])
    paper_items = {paper_id: _paper_item(site, record, render_paper(record))
                   for paper_id, record in newest.items()}
    first_year = site.issues[-1].date.year if site.issues else site.build_date.year
    fallback = moment(site.issues[0].date if site.issues else site.build_date)
    feeds = []
    for channel in build_channels(site):
        if channel.kind == "issues":
            items = issue_items
        else:
            items = tuple(paper_items[paper_id] for paper_id, record in newest.items()
                          if channel.kind == "papers" or record.paper.category == channel.category)
        updated = max((item.updated for item in items), default=fallback)
        feeds.append(
            Feed(channel, tag_uri(site, first_year, f"feeds/{channel.key}"), updated, items)
        )
    return tuple(feeds)


def _issue_item(site: Site, issue: Issue, html: str) -> FeedItem:
    url = site.absolute(issue.url)
    categories = ", ".join(section.category.name for section in issue.sections)
    summary = issue.summary or f"{len(issue.entries)} papers: {categories}."
    return FeedItem(
        id=tag_uri(site, issue.date.year, f"issues/{issue.slug}"),
        title=issue.title,
        url=url,
        published=moment(issue.date),
        updated=moment(issue.date),
        summary=summary,
        content_html=str(absolutize(html, url)),
        author=feed_author(site),
        categories=tuple(
            (section.category.slug, section.category.name, site.absolute("categories/"))
            for section in issue.sections
        ),
    )


def _paper_item(site: Site, record: PaperRecord, html: str) -> FeedItem:
    paper = record.paper
    url = site.absolute(paper.page_url)
    first, latest = record.appearances[-1].issue, record.latest.issue
    summary = textwrap.shorten(render_plain(paper.summary), 300, placeholder=" …")
    category = site.category(paper.category)
    return FeedItem(
        id=tag_uri(site, first.date.year, f"papers/{paper.id}"),
        title=paper.title, url=url, published=moment(first.date), updated=moment(latest.date),
        summary=summary, content_html=str(absolutize(html, url)), author=feed_author(site),
        categories=((category.slug, category.name, site.absolute("categories/")),)
        + tuple((tag.slug, tag.name, site.absolute("tags/")) for tag in paper.tags))
