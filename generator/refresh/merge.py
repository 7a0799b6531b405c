"""New answers from arXiv and Hugging Face merged into the lock's entries (pure functions).

A fact seen again keeps the date it was first seen; a changed value is a new fact seen today; a
fact a source's reply no longer has is dropped. Only papers a source answered for are touched.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from .arxiv import ArxivFacts
from .hf import HfFacts
from .lock import ARXIV_FACTS, FACTS, HF_FACTS, SOURCES, Checked, Fact, Lock, LockEntry, Value


def _merged(
    entry: LockEntry,
    source: str,
    names: tuple[str, ...],
    values: dict[str, Value | None],
    today: dt.date,
    posted: dt.date | None = None,
) -> LockEntry:
    facts = dict(entry.facts)
    for name in names:
        value, old = values.get(name), facts.pop(name, None)
        if value is None or value == "" or value is False:
            continue
        if old is not None and old.value == value and type(old.value) is type(value):
            facts[name] = (
                dataclasses.replace(old, posted=posted or old.posted) if name == "version" else old
            )
        else:
            facts[name] = Fact(value, today, posted if name == "version" else None)
    checked = dict(entry.checked)
    before = checked.get(source)
    checked[source] = Checked(before.first if before else today, today)
    return dataclasses.replace(
        entry,
        facts=tuple((n, facts[n]) for n in FACTS if n in facts),
        checked=tuple((n, checked[n]) for n in SOURCES if n in checked),
    )


def merge_arxiv(
    entry: LockEntry | None, found: ArxivFacts, today: dt.date, featured_on: dt.date | None = None
) -> LockEntry:
    """`featured_on`: the first issue's date; a paper whose latest version is older than it was
    featured in that version, which is recorded when nothing else recorded one."""
    entry = entry or LockEntry()
    if (
        entry.featured_version is None
        and featured_on
        and found.posted
        and found.posted <= featured_on
    ):
        entry = dataclasses.replace(entry, featured_version=found.version)
    values: dict[str, Value | None] = {
        "version": found.version,
        "withdrawn": found.withdrawn,
        "journal_ref": found.journal_ref,
        "doi": found.doi,
    }
    return _merged(entry, "arxiv", ARXIV_FACTS, values, today, found.posted)


def merge_hf(entry: LockEntry | None, found: HfFacts, today: dt.date) -> LockEntry:
    values: dict[str, Value | None] = {
        "upvotes": found.upvotes,
        "code": found.code,
        "stars": found.stars,
        "project_page": found.project_page,
    }
    return _merged(entry or LockEntry(), "hf", HF_FACTS, values, today)


def with_featured_versions(lock: Lock, versions: dict[str, int]) -> Lock:
    """The lock with the version each paper was featured in, for papers that have none recorded
    (`roundup add` knows the version it fetched; an issue's `arxiv: "...v2"` says so too)."""
    result = dict(lock)
    for arxiv, version in versions.items():
        entry = result.get(arxiv) or LockEntry()
        if entry.featured_version is None:
            result[arxiv] = dataclasses.replace(entry, featured_version=version)
    return result


def refreshed(
    lock: Lock,
    arxiv: dict[str, ArxivFacts],
    hf: dict[str, HfFacts],
    featured_on: dict[str, dt.date],
    today: dt.date,
) -> Lock:
    """The lock after a run: every answer merged, every other entry as it was."""
    result = dict(lock)
    for arxiv_id, found in arxiv.items():
        result[arxiv_id] = merge_arxiv(
            result.get(arxiv_id), found, today, featured_on.get(arxiv_id)
        )
    for arxiv_id, hf_found in hf.items():
        result[arxiv_id] = merge_hf(result.get(arxiv_id), hf_found, today)
    return result


def changed_papers(before: Lock, after: Lock) -> list[str]:
    """Ids whose facts or featured version changed (not only the dates they were checked)."""

    def shown(entry: LockEntry | None) -> tuple:
        return (entry.featured_version, entry.facts) if entry else (None, ())

    return sorted(arxiv for arxiv in after if shown(before.get(arxiv)) != shown(after[arxiv]))
