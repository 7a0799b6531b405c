"""RSS 2.0 and Atom feeds of the site's issues. The only module that imports feedgen."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from feedgen.feed import FeedGenerator

from . import __version__
from .model import Issue, Site


def _moment(day: dt.date) -> dt.datetime:
    # feedgen rejects naive datetimes; an issue is published at the start of its day, UTC.
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def entry_id(site: Site, issue: Issue, first_year: int) -> str:
    """A tag: URI that survives edits to the issue (RFC 4151)."""
    return f"tag:{site.domain},{first_year}:issues/{issue.slug}"


def _issue_feed(site: Site, render_content: Callable[[Issue], str], self_path: str) -> FeedGenerator:
    feed = FeedGenerator()
    feed.title(site.title)
    feed.subtitle(site.description)
    feed.id(site.base_url)
    # rel=self first, or feedgen makes the RSS channel <link> point at the feed itself.
    feed.link(href=site.base_url + self_path, rel="self")
    feed.link(href=site.base_url, rel="alternate")
    feed.language(site.language)
    feed.generator("paper-roundup", __version__, "https://pypi.org/project/paper-roundup/")
    if site.author:
        feed.author({"name": site.author.name, **({"email": site.author.email} if site.author.email else {})})
    newest = site.issues[0].date if site.issues else site.build_date
    feed.updated(_moment(newest))
    feed.lastBuildDate(_moment(max(newest, site.build_date)))
    first_year = min((issue.date.year for issue in site.issues), default=site.build_date.year)
    for issue in site.issues[: site.feed_items]:  # newest first
        entry = feed.add_entry(order="append")
        entry.id(entry_id(site, issue, first_year))
        entry.guid(entry_id(site, issue, first_year), permalink=False)
        entry.title(issue.title)
        entry.link(href=site.absolute(issue.url), rel="alternate")
        entry.published(_moment(issue.date))
        entry.updated(_moment(issue.date))
        entry.description(issue.summary or issue.title)
        entry.content(render_content(issue), type="CDATA")
        if site.author:
            entry.author({"name": site.author.name,
                          **({"email": site.author.email} if site.author.email else {})})
        for section in issue.sections:
            entry.category(term=section.category.slug, label=section.category.name)
    return feed


def render_feeds(site: Site, render_content: Callable[[Issue], str]) -> dict[str, bytes]:
    """{site-relative path: bytes} of the site-wide RSS and Atom feeds."""
    return {
        "feed.xml": _issue_feed(site, render_content, "feed.xml").rss_str(pretty=True),
        "atom.xml": _issue_feed(site, render_content, "atom.xml").atom_str(pretty=True),
    }
