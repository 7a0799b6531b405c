"""One review of a proposed change: both sides loaded, compared, links checked, previews made.

Everything the report shows is gathered here into a Review; report.py only formats it, and the
commands only decide the exit status.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from ..content.files import load_content_files
from ..errors import Problem
from ..options import BuildOptions
from ..theme import find_themes_dir
from .checker import LinkSettings, Verdict, check_links
from .diff import Comparison, Loaded, compare, load_side
from .gitref import Base, content_at
from .linkcache import LinkCache, links_cache_path, load_link_cache, save_link_cache
from .links import LinkRef, collect_links
from .preview import EmailEdition, FeedChange, email_editions, feed_changes, published


@dataclass(frozen=True)
class LinkReport:
    refs: tuple[tuple[LinkRef, Verdict], ...]  # every link looked at, with its verdict
    checked: int  # how many URLs were asked for (the others came from the cache)

    @property
    def dead(self) -> tuple[tuple[LinkRef, Verdict], ...]:
        return tuple(item for item in self.refs if item[1].dead)

    @property
    def moved(self) -> tuple[tuple[LinkRef, Verdict], ...]:
        return tuple(item for item in self.refs if item[1].state == "moved")


@dataclass(frozen=True)
class Review:
    content_dir: str
    base: Base
    comparison: Comparison
    unloaded: tuple[str, ...]  # work-tree issue files with errors, left out of the comparison
    links: LinkReport | None  # None: not checked (--no-links)
    emails: tuple[EmailEdition, ...]
    feeds: tuple[FeedChange, ...]
    preview: str  # where the built previews are, e.g. "the artifact review-preview-12"

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.comparison.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.comparison.problems if p.severity == "warning")

    @property
    def repeats(self) -> int:
        return sum(1 for f in self.comparison.featured if not f.on_purpose)


def checked_with_cache(
    urls: list[str], settings: LinkSettings, cache: LinkCache, now: float
) -> tuple[dict[str, Verdict], int]:
    """Each URL's verdict: from the cache when checked within a day, else asked for now."""
    known = {url: verdict for url in urls if (verdict := cache.fresh(url, now)) is not None}
    todo = sorted(set(urls) - set(known))
    found = check_links(todo, settings)
    cache.add(found, now)
    return {**known, **found}, len(todo)


def check_refs(
    refs: list[LinkRef],
    settings: LinkSettings,
    content_dir: Path,
    files: dict[str, str] | None = None,
) -> LinkReport:
    """Check the links (cached for a day); `files`: content digests to remember as checked."""
    now = time.time()
    cache = load_link_cache(links_cache_path(content_dir), now)
    verdicts, checked = checked_with_cache([ref.url for ref in refs], settings, cache, now)
    if files is not None:
        cache.files.update(files)
    save_link_cache(cache)
    return LinkReport(tuple((ref, verdicts[ref.url]) for ref in refs), checked)


def _links_to_check(base: Loaded, head: Loaded, changed: tuple[str, ...]) -> list[LinkRef]:
    """The links of changed files that the same file did not have at the ref."""
    if head.site is None:
        return []
    before = (
        {(ref.path, ref.url) for ref in collect_links(base.site, base.files)}
        if base.site
        else set()
    )
    return [
        ref
        for ref in collect_links(head.site, head.files, set(changed))
        if (ref.path, ref.url) not in before
    ]


def review(
    content_dir: Path, base: Base, today: dt.date, link_settings: LinkSettings | None, preview: str
) -> Review:
    themes_dir = find_themes_dir(content_dir, None)
    options = BuildOptions(
        content_dir=content_dir, themes_dir=themes_dir, drafts=True, future=True, today=today
    )
    base_files, base_read = content_at(content_dir, base.commit)
    base_side = load_side(base_files, base_read, options)
    head_files, head_read = load_content_files(content_dir)
    head_side = load_side(head_files, head_read, options)
    comparison = compare(base_side, head_side)
    links = None
    if link_settings is not None:
        links = check_refs(
            _links_to_check(base_side, head_side, comparison.changed_files),
            link_settings,
            content_dir,
        )
    emails: list[EmailEdition] = []
    feeds: list[FeedChange] = []
    if head_side.site is not None:
        shown = [c.issue for c in comparison.changes if c.issue is not None and c.kind != "removed"]
        emails = email_editions(head_side.site, shown, themes_dir)
        feeds = feed_changes(
            published(base_side.site, today) if base_side.site else None,
            published(head_side.site, today),
            themes_dir,
        )
    return Review(
        str(content_dir),
        base,
        comparison,
        head_side.unloaded,
        links,
        tuple(emails),
        tuple(feeds),
        preview,
    )
