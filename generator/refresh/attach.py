"""The lock's facts joined to the validated issues: each featured paper gets its PaperStatus.

An issue's digest then covers its papers' statuses, so an edit of the lock file makes again exactly
the pages that show a paper whose status changed (the build cache keys pages by these digests).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from ..hashing import digest
from ..model import Entry, Issue, Paper, Section
from .lock import Lock
from .status import PaperStatus, Seen, paper_status


def _status(paper: Paper, lock: Lock, featured_on: dict[str, dt.date]) -> PaperStatus | None:
    entry = lock.get(paper.arxiv) if paper.arxiv else None
    if entry is None and paper.status_overrides is None:
        return None
    facts = (
        {name: Seen(fact.value, fact.first_seen, fact.posted) for name, fact in entry.facts}
        if entry
        else {}
    )
    checked = {source: when.first for source, when in entry.checked} if entry else {}
    featured = entry.featured_version if entry else None
    if featured is None and paper.arxiv_version:
        featured = int(paper.arxiv_version[1:])
    return paper_status(
        facts, checked, featured, featured_on.get(paper.arxiv), paper.status_overrides
    )


def attach_status(issues: list[Issue], lock: Lock) -> list[Issue]:
    """The issues with each paper's status; an issue none of whose papers has one is the same
    object (and keeps its digest)."""
    featured_on: dict[str, dt.date] = {}
    for issue in issues:
        for entry in issue.entries:
            arxiv = entry.paper.arxiv
            if arxiv and (arxiv not in featured_on or issue.date < featured_on[arxiv]):
                featured_on[arxiv] = issue.date
    result = []
    for issue in issues:
        statuses = [_status(entry.paper, lock, featured_on) for entry in issue.entries]
        if not any(statuses):
            result.append(issue)
            continue
        found = iter(statuses)
        sections = []
        for section in issue.sections:
            entries = []
            for entry in section.entries:
                status = next(found)
                if status is not None:
                    paper = dataclasses.replace(entry.paper, status=status)
                    entry = Entry(
                        paper, entry.number, entry.issue_slug, digest(entry.digest + repr(status))
                    )
                entries.append(entry)
            sections.append(Section(section.category, section.number, tuple(entries)))
        result.append(
            dataclasses.replace(
                issue, sections=tuple(sections), digest=digest(issue.digest + repr(statuses))
            )
        )
    return result
