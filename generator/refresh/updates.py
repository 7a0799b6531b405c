"""The Updates page and feed: changes to featured papers (withdrawn, new version, published, code
released), newest first, so subscribers learn of corrections. Made from the papers' statuses."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from markupsafe import escape

from ..catalog import Catalog, PaperRecord
from ..feeds.model import Channel, Feed, FeedFile, FeedItem, feed_author, moment, tag_uri
from ..model import Site
from .status import Event

PAGE = "updates/"
FEED_FILES = (FeedFile("atom", "updates/atom.xml"), FeedFile("rss", "updates/feed.xml"))
FEED_ITEMS = 50


class Update(NamedTuple):
    event: Event
    record: PaperRecord  # the paper, named as its newest issue has it

    @property
    def first(self):
        """The paper's first appearance: where readers first met it."""
        return self.record.appearances[-1]


def collect_updates(catalog: Catalog) -> tuple[Update, ...]:
    """Every event of every featured paper, newest first (then by kind and paper, to be stable)."""
    updates = [Update(event, record) for record in catalog.papers if record.paper.status
               for event in record.paper.status.events]
    return tuple(sorted(updates, key=lambda u: (u.event.date, u.event.kind, u.record.paper.id),
                        reverse=True))


def updates_channel(site: Site) -> Channel:
    return Channel("updates", "updates", f"{site.title}: updates to featured papers",
                   f"Papers featured in {site.title} that were withdrawn, revised, published or "
                   "got code, newest first.", PAGE, FEED_FILES)


def feed_links(site: Site) -> tuple[tuple[str, str, str], ...]:
    return updates_channel(site).links


def _item(site: Site, update: Update) -> FeedItem:
    paper, event = update.record.paper, update.event
    first = update.first
    url = site.absolute(paper.page_url)
    specific = f"version-{paper.status.new_version}" if event.kind == "version" and paper.status \
        else f"{event.kind}-{event.date.isoformat()}" if event.kind == "published" else event.kind
    issue_url = site.absolute(f"{first.issue.url}#{first.entry.anchor}")
    html = (f"<p>{escape(event.text)}: <a href=\"{escape(url)}\">{escape(paper.title)}</a>, "
            f"featured in <a href=\"{escape(issue_url)}\">Issue {first.issue.number}</a> "
            f"({first.issue.date:%B} {first.issue.date.day}, {first.issue.date.year}).</p>")
    return FeedItem(id=tag_uri(site, event.date.year, f"updates/{paper.id}/{specific}"),
                    title=f"{event.text}: {paper.title}", url=url, published=moment(event.date),
                    updated=moment(event.date), summary=f"{event.text}: {paper.title}",
                    content_html=html, author=feed_author(site), categories=())


def render_updates_feed(site: Site, updates: tuple[Update, ...], path: str) -> bytes:
    from ..feeds.xml import render_xml_feed  # imports feedgen

    items = tuple(_item(site, update) for update in updates[:FEED_ITEMS])
    first_year = min((u.event.date.year for u in updates), default=site.build_date.year)
    newest = updates[0].event.date if updates else site.build_date
    feed = Feed(updates_channel(site), tag_uri(site, first_year, "feeds/updates"),
                moment(newest if isinstance(newest, dt.date) else site.build_date), items)
    file = next(file for file in FEED_FILES if file.path == path)
    return render_xml_feed(site, feed, file)
