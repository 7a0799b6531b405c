"""What readers of the email and the feeds will get from a change: made by the build's own code.

The email edition of each new or changed issue (its subject, its size against Gmail's clipping
limit), and the feed entries added, changed or dropped, found by making both sides' feeds in
memory (with the work tree's theme) and comparing their entries by id.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html.parser
from dataclasses import dataclass
from pathlib import Path

from ..catalog import build_catalog
from ..email import render_email_html, render_email_text
from ..errors import BuildError
from ..feeds.model import Feed, build_feeds
from ..model import Issue, Site
from ..templates import make_environment, render_feed_content, render_paper_feed_content
from ..theme import load_theme

GMAIL_CLIP_BYTES = 102 * 1024  # Gmail shows "[Message clipped]" for a message larger than this


@dataclass(frozen=True)
class EmailEdition:
    slug: str
    subject: str
    html_bytes: int
    text_bytes: int
    html: str
    text: str

    @property
    def clipped(self) -> bool:
        return self.html_bytes > GMAIL_CLIP_BYTES


@dataclass(frozen=True)
class FeedChange:
    kind: str  # added, changed, removed (dropped from the feed, which carries the newest issues)
    title: str
    entry_id: str
    files: tuple[str, ...]  # the feed files (site-relative) the entry is in


class _Title(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inside, self.text = False, ""

    def handle_starttag(self, tag, attrs):
        self.inside = self.inside or (tag == "title" and not self.text)

    def handle_endtag(self, tag):
        self.inside = False if tag == "title" else self.inside

    def handle_data(self, data):
        if self.inside:
            self.text += data


def _environment(site: Site, themes_dir: Path):
    return make_environment(load_theme(site.theme, themes_dir), site)


def email_editions(site: Site, issues: list[Issue], themes_dir: Path) -> list[EmailEdition]:
    """Each issue's email edition as `roundup email` makes it; the subject is its <title>."""
    env = _environment(site, themes_dir)
    editions = []
    for issue in issues:
        page = render_email_html(env, site, issue)
        text = render_email_text(env, site, issue)
        title = _Title()
        title.feed(page)
        editions.append(
            EmailEdition(
                issue.slug,
                " ".join(title.text.split()) or issue.title,
                len(page.encode("utf-8")),
                len(text.encode("utf-8")),
                page,
                text,
            )
        )
    return editions


def published(site: Site, today: dt.date) -> Site:
    """The site as the next build publishes it: no drafts, nothing dated after today."""
    issues = tuple(issue for issue in site.issues if not issue.draft and issue.date <= today)
    return dataclasses.replace(
        site, issues=issues, build_date=issues[0].date if issues else site.build_date
    )


def _feeds(site: Site, themes_dir: Path) -> tuple[Feed, ...]:
    env = _environment(site, themes_dir)
    return build_feeds(
        site,
        build_catalog(site),
        lambda issue: render_feed_content(env, issue),
        lambda record: render_paper_feed_content(env, record),
    )


def feed_changes(base: Site | None, head: Site, themes_dir: Path) -> list[FeedChange]:
    """Entries added, changed or dropped, each with the feed files it is in; ordered by kind, then
    issues before papers as in the feeds, then title."""
    try:
        old = _feeds(base, themes_dir) if base is not None else ()
    except BuildError:  # the ref's theme is not in the work tree: compare with no feeds at all
        old = ()
    new = _feeds(head, themes_dir)
    old_items = {(feed.channel.key, item.id): item for feed in old for item in feed.items}
    new_items = {(feed.channel.key, item.id): item for feed in new for item in feed.items}
    files = {
        feed.channel.key: tuple(file.path for file in feed.channel.files) for feed in old + new
    }
    channels = list(dict.fromkeys(feed.channel.key for feed in new + old))  # the site's order
    found: dict[tuple[str, str, str], list[str]] = {}
    for key in sorted(set(old_items) | set(new_items), key=lambda k: (channels.index(k[0]), k[1])):
        before, after = old_items.get(key), new_items.get(key)
        if before == after:
            continue
        kind = "added" if before is None else "removed" if after is None else "changed"
        item = after or before
        assert item is not None
        found.setdefault((kind, item.id, item.title), []).extend(files[key[0]])
    order = {"added": 0, "changed": 1, "removed": 2}
    return sorted(
        (
            FeedChange(kind, title, entry_id, tuple(paths))
            for (kind, entry_id, title), paths in found.items()
        ),
        key=lambda c: (order[c.kind], ":papers/" in c.entry_id, c.title, c.entry_id),
    )
