"""What a change does to the digest: two loaded sides (a git ref and the work tree) compared.

Pure apart from load_side(), which validates with the real loader. An issue file with errors is
left out of its side (and named), so the rest of the change can still be shown.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..content.files import ContentFiles
from ..content.site import build_site
from ..errors import ContentError, Problem
from ..model import Entry, Issue, Site
from ..options import BuildOptions


@dataclass(frozen=True)
class Loaded:
    """One side of the comparison: its files, the valid part of its site, and every problem."""

    files: ContentFiles
    site: Site | None  # None: no site.yaml, or one with errors
    problems: tuple[Problem, ...] = ()
    unloaded: tuple[str, ...] = ()  # issue files left out because they have errors

    @property
    def texts(self) -> dict[str, str]:
        return {source.path: source.text for source in self.files.all_sources}


def load_side(files: ContentFiles, read_problems: list[Problem], options: BuildOptions) -> Loaded:
    """Validate like `roundup check`; on errors, again without the issue files that have them."""
    if files.site is None:
        return Loaded(files, None, tuple(read_problems))
    try:
        site, warnings = build_site(files, options)
        return Loaded(files, site, tuple(sorted(set(read_problems + warnings))))
    except ContentError as error:
        first = list(error.problems)
    broken = {p.path for p in first if p.severity == "error"}
    kept = dataclasses.replace(
        files,
        issues=tuple(s for s in files.issues if s.path not in broken),
        pages=tuple(s for s in files.pages if s.path not in broken),
    )
    unloaded = tuple(sorted(s.path for s in files.issues if s.path in broken))
    problems = set(read_problems + first)
    try:
        site, warnings = build_site(kept, options)
    except ContentError as error:  # site.yaml itself, or a problem across files
        return Loaded(files, None, tuple(sorted(problems | set(error.problems))), unloaded)
    return Loaded(files, site, tuple(sorted(problems | set(warnings))), unloaded)


@dataclass(frozen=True)
class PaperChange:
    kind: str  # added, removed, moved (to another category), edited (its record), renumbered
    number: str  # as it will appear (as it was, for a removed paper)
    title: str
    arxiv: str
    category: str  # the category's name
    was: str = ""  # moved or renumbered: "Reasoning, 1.2"


@dataclass(frozen=True)
class IssueChange:
    kind: str  # added, changed, removed
    slug: str
    path: str
    issue: Issue | None  # the work tree's (the ref's, when removed); None: its file has errors
    papers: tuple[PaperChange, ...] = ()
    was_number: int = 0  # changed: the issue's number at the ref, when it is another now


@dataclass(frozen=True)
class Featured:
    """A paper this change adds that an earlier issue featured already."""

    issue: Issue
    entry: Entry
    earlier: tuple[tuple[Issue, Entry], ...]  # oldest first

    @property
    def on_purpose(self) -> bool:
        return self.entry.paper.revisit


@dataclass(frozen=True)
class Comparison:
    changes: tuple[IssueChange, ...]
    changed_files: tuple[str, ...]  # added, edited or removed content files
    problems: tuple[Problem, ...]  # errors anywhere; warnings in changed files or new ones
    featured: tuple[Featured, ...]


def _by_slug(side: Loaded) -> dict[str, Issue]:
    return {issue.slug: issue for issue in side.site.issues} if side.site else {}


def _paper_changes(old: Issue | None, new: Issue) -> tuple[PaperChange, ...]:
    before = {entry.paper.id: entry for entry in old.entries} if old else {}
    after = {entry.paper.id: entry for entry in new.entries}
    changes = []
    for paper_id, entry in after.items():
        paper, was = entry.paper, before.get(paper_id)
        name = _category_name(new, entry)
        if was is None:
            changes.append(PaperChange("added", entry.number, paper.title, paper.arxiv, name))
        elif was.paper.category != paper.category:
            changes.append(
                PaperChange(
                    "moved",
                    entry.number,
                    paper.title,
                    paper.arxiv,
                    name,
                    f"{_category_name(old, was)}, {was.number}",
                )
            )
        elif was.digest != entry.digest:
            changes.append(PaperChange("edited", entry.number, paper.title, paper.arxiv, name))
        elif was.number != entry.number:
            changes.append(
                PaperChange("renumbered", entry.number, paper.title, paper.arxiv, name, was.number)
            )
    for paper_id, entry in before.items():
        if paper_id not in after and old is not None:
            changes.append(
                PaperChange(
                    "removed",
                    entry.number,
                    entry.paper.title,
                    entry.paper.arxiv,
                    _category_name(old, entry),
                )
            )
    order = {"removed": 1}
    return tuple(sorted(changes, key=lambda c: (order.get(c.kind, 0), _number_key(c.number))))


def _number_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split(".") if part.isdigit())


def _category_name(issue: Issue | None, entry: Entry) -> str:
    for section in issue.sections if issue else ():
        if entry in section.entries:
            return section.category.name
    return entry.paper.category


def compare(base: Loaded, head: Loaded) -> Comparison:
    old_texts, new_texts = base.texts, head.texts
    changed_files = tuple(
        sorted(
            path
            for path in set(old_texts) | set(new_texts)
            if old_texts.get(path) != new_texts.get(path)
        )
    )
    old, new = _by_slug(base), _by_slug(head)
    changes: list[IssueChange] = []
    for slug, issue in new.items():
        was = old.get(slug)
        if was is None:
            changes.append(
                IssueChange("added", slug, issue.source_path, issue, _paper_changes(None, issue))
            )
        elif issue.source_path in changed_files or _shape(was) != _shape(issue):
            changes.append(
                IssueChange(
                    "changed",
                    slug,
                    issue.source_path,
                    issue,
                    _paper_changes(was, issue),
                    was.number if was.number != issue.number else 0,
                )
            )
    old_paths = {issue.source_path for issue in old.values()} | set(base.unloaded)
    for path in head.unloaded:
        if path in changed_files:
            kind = "changed" if path in old_paths else "added"
            changes.append(IssueChange(kind, path.rsplit("/", 1)[-1].rsplit(".", 1)[0], path, None))
    kept_paths = set(new_texts)
    for slug, issue in old.items():
        if issue.source_path not in kept_paths:
            changes.append(IssueChange("removed", slug, issue.source_path, issue))
    changes.sort(key=lambda c: ({"added": 0, "changed": 1, "removed": 2}[c.kind], c.path))
    return Comparison(
        tuple(changes),
        changed_files,
        _reported(base, head, set(changed_files)),
        _featured(head, changes),
    )


def _shape(issue: Issue) -> tuple:
    return tuple((e.paper.id, e.number, e.digest) for e in issue.entries) + (issue.number,)


def _reported(base: Loaded, head: Loaded, changed: set[str]) -> tuple[Problem, ...]:
    """Every error (it stops the build); warnings and notes of changed files, or new ones."""
    known = set(base.problems)
    return tuple(
        p for p in head.problems if p.severity == "error" or p.path in changed or p not in known
    )


def _featured(head: Loaded, changes: list[IssueChange]) -> tuple[Featured, ...]:
    if head.site is None:
        return ()
    order = sorted(head.site.issues, key=lambda issue: (issue.date, issue.slug))
    found = []
    for change in changes:
        if change.issue is None or change.kind == "removed":
            continue
        added = {p.number for p in change.papers if p.kind == "added"}
        for entry in change.issue.entries:
            if entry.number not in added:
                continue
            earlier = tuple(
                (issue, other)
                for issue in order
                if (issue.date, issue.slug) < (change.issue.date, change.issue.slug)
                for other in issue.entries
                if other.paper.id == entry.paper.id
            )
            if earlier:
                found.append(Featured(change.issue, entry, earlier))
    return tuple(found)
