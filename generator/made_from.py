"""What each file of the site is made from: the Artifact that plan_site (pages.py) makes of it,
and the keys it gives it.

A key names everything a file shows besides the site settings and its templates. An issue's
content enters a key only as its issue_key, its heading_key or its papers' appearance keys, so
that a later build can tell from the keys which files an edit of one issue can change
(incremental/fingerprints.py).
"""

from __future__ import annotations

import operator
from typing import Callable, NamedTuple

from .hashing import digest
from .model import Issue, Site


class Artifact(NamedTuple):  # not a frozen dataclass: ~4x cheaper to make, and a site has ~26,000
    path: str  # site-relative
    make: Callable[[], str | bytes]
    # What it is made from besides settings and templates, or a function that gives it (costly keys
    # are only worked out when fingerprints are asked for; `roundup serve` never asks); None: made
    # every time. An issue's content enters a key only as its issue_key, its heading_key or its
    # papers' appearance keys: Fingerprints reads them back to know which files an edit of that
    # issue can change.
    key: tuple | Callable[[], tuple] | None
    templates: tuple[str, ...] = ()
    is_page: bool = False
    group: str | None = None  # artifacts of one group share work, so one worker makes them all
    # The listing or paper (its URL) this is a page of, or FEEDS: its key also holds what the
    # catalog says of it (which papers are listed, how many; the related papers; the other issues of
    # the feeds' papers), not only issues' content.
    part_of: str | None = None



def issue_key(issue: Issue) -> tuple:
    # The number is not in the file when it is derived from the issue's position by date.
    return (issue.slug, issue.digest, issue.number)


def heading_key(issue: Issue) -> tuple:
    """What a page that names an issue shows of it (not its papers)."""
    return (issue.slug, issue.number, issue.date, issue.title)


class AppearanceKeys(dict):
    """id() of an entry of the site -> what a page showing that paper in that issue depends on.

    Not the whole issue: editing one paper must not remake the listings of all its issue's papers.
    One short digest each, made when first asked for (a build after an edit asks for ~2,000 of
    15,600 on a ten-year archive): listings and paper pages use them ~300,000 times in a full build,
    so they are looked up by id() with C functions only (shown_in). An entry is in one issue."""

    def __init__(self, site: Site):
        super().__init__()
        self._places = {
            id(entry): (issue, entry) for issue in site.issues for entry in issue.entries
        }
        self.issue_of: dict[str, str] = {}  # key -> slug of its issue, for every key made

    def __missing__(self, entry_id: int) -> str:
        issue, entry = self._places[entry_id]
        key = self[entry_id] = digest(repr((heading_key(issue), entry.number, entry.digest)))
        self.issue_of[key] = issue.slug
        return key


def shown_in(keys: dict[int, str], appearances) -> str:
    # one string, not a tuple: digests have one length, and repr() of a string is cheaper
    return "".join(map(keys.__getitem__, map(id, map(ENTRY, appearances))))


ENTRY = operator.itemgetter(1)  # Appearance.entry
NEWEST = operator.itemgetter(0)
APPEARANCES = operator.attrgetter("appearances")

# the feeds' group and Artifact.part_of: their entries name other issues of their papers
FEEDS = "feeds"
KEY_LENGTH = len(digest(""))  # of an appearance key (AppearanceKeys)


def layout(site: Site) -> tuple:
    """Where each issue is and what the catalog takes from it (Section.outline), not its texts."""
    return tuple(
        (issue.slug, issue.number, issue.date, tuple(section.outline for section in issue.sections))
        for issue in site.issues
    )


def paths(artifacts) -> str:
    return "\n".join(artifact.path for artifact in artifacts)
