"""What readers are told of a featured paper's fate, from the lock's facts and the editor's
`status:` overrides (pure; only the standard library, so the model can name these types)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import quote

# What an editor can hide (`status: {hide: [...]}` or `hide: all`) ...
SHOWN = ("version", "withdrawn", "published", "code", "stars", "upvotes", "project_page")
# ... and set (a value of their own, instead of the lock's)
SETTABLE = ("featured_version", "withdrawn", "journal_ref", "doi", "code", "project_page")


@dataclass(frozen=True)
class StatusOverrides:
    """A paper's `status:` in its issue file. Tuples, not sets: their repr is part of cache keys."""

    hide: tuple[str, ...] = ()  # names from SHOWN, sorted
    values: tuple[tuple[str, object], ...] = ()  # (name from SETTABLE, value), sorted

    def value(self, name: str, default: object = None) -> object:
        return next((value for key, value in self.values if key == name), default)

    def has(self, name: str) -> bool:
        return any(key == name for key, _ in self.values)


class Event(NamedTuple):
    """A change to a featured paper worth telling subscribers about (the Updates page and feed)."""

    date: dt.date
    kind: str  # withdrawn, version, published, code
    text: str


@dataclass(frozen=True)
class PaperStatus:
    new_version: int | None = None  # the latest arXiv version, when newer than the one featured
    version_date: dt.date | None = None  # when that version was posted
    withdrawn: bool = False
    withdrawn_date: dt.date | None = None  # when refresh first saw it
    journal_ref: str = ""
    doi: str = ""
    published_date: dt.date | None = None  # when refresh first saw the journal ref or DOI
    code_url: str = ""
    stars: int | None = None
    code_date: dt.date | None = None  # when refresh first saw the repository
    upvotes: int | None = None
    project_page: str = ""
    events: tuple[Event, ...] = ()  # newest first

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{quote(self.doi, safe='/:;()._-')}" if self.doi else ""

    @property
    def published(self) -> bool:
        return bool(self.journal_ref or self.doi)


class Seen(NamedTuple):
    """A fact of the lock as this module needs it (lock.Fact has these fields)."""

    value: int | bool | str
    first_seen: dt.date
    posted: dt.date | None


@dataclass(frozen=True)
class _Known:
    """A paper's facts with the editor's overrides over them."""

    facts: dict[str, Seen]
    first_checked: dict[str, dt.date]
    over: StatusOverrides
    hidden: frozenset[str]

    def value(self, name: str, default: object = "") -> object:
        if self.over.has(name):
            return self.over.value(name)
        seen = self.facts.get(name)
        return seen.value if seen else default

    def shown(self, name: str, hidden_as: str) -> str:
        return "" if hidden_as in self.hidden else str(self.value(name, ""))

    def count(self, name: str) -> int | None:
        seen = self.facts.get(name)
        return (
            seen.value if seen and name not in self.hidden and isinstance(seen.value, int) else None
        )

    def news(self, name: str, source: str) -> dt.date | None:
        """The day a fact was first seen, if a check before that day did not have it."""
        seen, first = self.facts.get(name), self.first_checked.get(source)
        if seen and not self.over.has(name) and first and seen.first_seen > first:
            return seen.first_seen
        return None


def _new_version(
    known: _Known, featured: object, featured_on: dt.date | None
) -> tuple[int | None, dt.date | None]:
    """(the latest version, its date) when it is newer than the one featured."""
    seen = known.facts.get("version")
    if seen is None or "version" in known.hidden or not isinstance(seen.value, int):
        return None, None
    if isinstance(featured, int):
        newer = seen.value > featured
    else:  # which version was featured is not known: compare the dates
        newer = bool(featured_on and seen.posted and seen.posted > featured_on)
    return (seen.value, seen.posted or seen.first_seen) if newer else (None, None)


def _events(status: PaperStatus, featured_on: dt.date | None) -> tuple[Event, ...]:
    events = []
    if status.withdrawn:
        day = status.withdrawn_date or status.version_date or featured_on or dt.date.min
        events.append(Event(day, "withdrawn", "Withdrawn by the authors"))
    if status.new_version and status.version_date:
        events.append(
            Event(status.version_date, "version", f"Version {status.new_version} posted on arXiv")
        )
    if status.published_date:
        text = (
            f"Published in {status.journal_ref}"
            if status.journal_ref
            else f"Published with DOI {status.doi}"
        )
        events.append(Event(status.published_date, "published", text))
    if status.code_date:
        events.append(Event(status.code_date, "code", "Code released"))
    return tuple(sorted(events, key=lambda event: (event.date, event.kind), reverse=True))


def paper_status(
    facts: dict[str, Seen],
    first_checked: dict[str, dt.date],
    featured_version: int | None,
    featured_on: dt.date | None,
    overrides: StatusOverrides | None,
) -> PaperStatus | None:
    """What to show of a paper. `facts`: the lock's, by name; `first_checked`: source -> the day it
    was first asked (a fact seen that first time is not news); `featured_on`: its first issue's
    date. None when there is nothing to show."""
    over = overrides or StatusOverrides()
    hidden = frozenset(SHOWN) if "all" in over.hide else frozenset(over.hide)
    known = _Known(facts, first_checked, over, hidden)
    new_version, version_date = _new_version(
        known, over.value("featured_version", featured_version), featured_on
    )
    withdrawn = known.value("withdrawn", False) is True and "withdrawn" not in hidden
    withdrawn_fact = facts.get("withdrawn")
    journal_ref, doi = known.shown("journal_ref", "published"), known.shown("doi", "published")
    code = known.shown("code", "code")
    status = PaperStatus(
        new_version,
        version_date,
        withdrawn,
        withdrawn_fact.first_seen
        if withdrawn and withdrawn_fact and not over.has("withdrawn")
        else None,
        journal_ref,
        doi,
        None
        if "published" in hidden
        else known.news("journal_ref", "arxiv") or known.news("doi", "arxiv"),
        code,
        known.count("stars") if code and not over.has("code") else None,
        known.news("code", "hf") if code else None,
        known.count("upvotes"),
        known.shown("project_page", "project_page"),
    )
    status = dataclasses.replace(status, events=_events(status, featured_on))
    return status if status != PaperStatus() else None
