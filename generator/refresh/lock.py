"""content/papers.lock.yaml: the facts `roundup refresh` confirmed about each featured paper.

One block per paper, sorted by arXiv id, each fact with the date it was first seen; the date each
source was first and last asked about the paper is its `arxiv_checked` / `hf_checked` (a fact that
a later reply no longer has is dropped, so every fact present was last seen on that date).
``parse_lock`` and ``render_lock`` are pure; ``write_lock`` is the only writer.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..content.fields import Fields, type_name
from ..content.files import LineDict, Source, parse_yaml
from ..content.issues import parse_arxiv
from ..editor.append import replace_file
from ..errors import EditorError, Problem
from .values import EXPECTED, valid_value

LOCK_NAME = "papers.lock.yaml"
ARXIV_FACTS = ("version", "withdrawn", "journal_ref", "doi")
HF_FACTS = ("upvotes", "code", "stars", "project_page")
FACTS = ARXIV_FACTS + HF_FACTS
SOURCES = {"arxiv": ARXIV_FACTS, "hf": HF_FACTS}
HEADER = (
    "# What `roundup refresh` last confirmed about each featured paper (arXiv and Hugging Face).\n"
    "# Written by roundup refresh and add; `roundup build` reads it and stays offline.\n"
    "# Review changes in the diff; a paper's `status:` in its issue changes what readers see.\n"
)

Value = int | bool | str


@dataclass(frozen=True)
class Fact:
    value: Value
    first_seen: dt.date
    posted: dt.date | None = None  # the version's own date (version only)


@dataclass(frozen=True)
class Checked:
    """When a source was first and last asked about a paper and answered."""

    first: dt.date
    last: dt.date


@dataclass(frozen=True)
class LockEntry:
    featured_version: int | None = None  # the arXiv version current when the paper was featured
    checked: tuple[tuple[str, Checked], ...] = ()  # source name -> Checked, in SOURCES order
    facts: tuple[tuple[str, Fact], ...] = ()  # in FACTS order
    line: int = field(default=0, compare=False)

    def fact(self, name: str) -> Fact | None:
        return next((fact for key, fact in self.facts if key == name), None)

    def checked_by(self, source: str) -> Checked | None:
        return next((when for key, when in self.checked if key == source), None)


Lock = dict[str, LockEntry]  # arXiv id without version -> what is known of it


def parse_lock(source: Source | None, problems: list[Problem]) -> Lock:
    """The lock file's entries; each mistake is a problem at its line (that paper is left out)."""
    if source is None or not source.text.strip():
        return {}
    data, found = parse_yaml(source)
    if found and "has no content" in found[0].message:  # comments only: nothing is known yet
        return {}
    problems += found
    if data is None:
        return {}
    if not isinstance(data, LineDict):
        problems.append(
            Problem(
                source.path,
                1,
                "",
                f"the file is {type_name(data)} (expected a mapping "
                "of arXiv id: facts, as roundup refresh writes it)",
            )
        )
        return {}
    lock: Lock = {}
    for key, value in data.items():
        entry = _entry(source.path, data, key, value, problems)
        if entry is not None:
            lock[str(key)] = entry
    return lock


def _entry(
    path: str, data: LineDict, key: object, value: object, problems: list[Problem]
) -> LockEntry | None:
    line = data.line_of(key)
    parsed = parse_arxiv(str(key))
    if not isinstance(key, str) or parsed is None or parsed[1]:
        problems.append(
            Problem(
                path,
                line,
                str(key),
                'is not an arXiv id without version (expected a quoted id such as "2406.04692")',
            )
        )
        return None
    if not isinstance(value, LineDict):
        problems.append(
            Problem(path, line, key, f"is {type_name(value)} (expected the paper's facts)")
        )
        return None
    before = len(problems)
    fields = Fields(value, path, f'"{key}".', problems)
    fields.check_keys(("featured_version", *(f"{name}_checked" for name in SOURCES), *FACTS))
    checked = []
    for name in SOURCES:
        when = fields.mapping(f"{name}_checked")
        if when is not None:
            inner = Fields(when, path, f'"{key}".{name}_checked.', problems)
            inner.check_keys(("first", "last"))
            first, last = inner.date("first", True), inner.date("last", True)
            if first and last:
                checked.append((name, Checked(first, last)))
    facts = []
    for name in FACTS:
        fact = fields.mapping(name)
        if fact is None:
            continue
        inner = Fields(fact, path, f'"{key}".{name}.', problems)
        inner.check_keys(
            ("value", "posted", "first_seen") if name == "version" else ("value", "first_seen")
        )
        first_seen = inner.date("first_seen", True)
        posted = inner.date("posted") if name == "version" else None
        raw = fact.get("value")
        if not valid_value(name, raw):
            inner.fail("value", f"'{raw}' is not valid (expected {EXPECTED[name]})")
        elif first_seen:
            facts.append((name, Fact(raw, first_seen, posted)))  # type: ignore[arg-type]
    entry = LockEntry(fields.integer("featured_version", 1), tuple(checked), tuple(facts), line)
    return entry if len(problems) == before else None


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, dt.date)):
        return str(value) if isinstance(value, int) else value.isoformat()
    return json.dumps(str(value), ensure_ascii=False)  # a double-quoted YAML scalar


def _flow(pairs: list[tuple[str, object]]) -> str:
    return (
        "{"
        + ", ".join(f"{name}: {_scalar(value)}" for name, value in pairs if value is not None)
        + "}"
    )


def render_lock(lock: Lock) -> str:
    """The file's text: sorted by id, one block per paper, one line per fact (one line a change)."""
    blocks = []
    for arxiv in sorted(lock):
        entry = lock[arxiv]
        lines = [f"{_scalar(arxiv)}:"]
        if entry.featured_version is not None:
            lines.append(f"  featured_version: {entry.featured_version}")
        for source, names in SOURCES.items():
            when = entry.checked_by(source)
            if when:
                lines.append(
                    f"  {source}_checked: {_flow([('first', when.first), ('last', when.last)])}"
                )
            for name in names:
                fact = entry.fact(name)
                if fact:
                    lines.append(
                        f"  {name}: "
                        + _flow(
                            [
                                ("value", fact.value),
                                ("posted", fact.posted),
                                ("first_seen", fact.first_seen),
                            ]
                        )
                    )
        blocks.append("\n".join(lines) + "\n")
    return HEADER + ("\n" if blocks else "") + "\n".join(blocks)


def read_lock_text(path: Path) -> str:
    """The lock file's text, '' when there is none yet."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return ""


def load_lock(path: Path, shown: str) -> tuple[str, Lock]:
    """(text, entries) of the lock file, for a command that will write it; a broken file refuses."""
    text = read_lock_text(path)
    problems: list[Problem] = []
    lock = parse_lock(Source(shown, text), problems)
    if problems:
        raise EditorError(f"{problems[0]} (fix {shown} first, or run 'roundup check')")
    return text, lock


def write_lock(path: Path, before: str, lock: Lock) -> bool:
    """Write the lock in one step if its text changes, only if nobody changed the file since it was
    read (`before`); True when it was written."""
    after = render_lock(lock)
    if after == before:
        return False
    if read_lock_text(path) != before:
        raise EditorError(
            f"{path} changed while the papers were being fetched; nothing was written "
            "(run the command again)"
        )
    replace_file(path, after)
    return True


def open_lock(content_dir: Path) -> tuple[Path, str, Lock]:
    """(path, text, entries) of the content folder's lock, read before anything is fetched."""
    path = content_dir / LOCK_NAME
    return (path, *load_lock(path, str(path)))


def record_featured_versions(opened: tuple[Path, str, Lock], versions: dict[str, int]) -> None:
    """Note the version `roundup add` fetched of each paper it added, unless one is recorded."""
    path, text, lock = opened
    lock = dict(lock)
    for arxiv, version in versions.items():
        entry = lock.get(arxiv) or LockEntry()
        if entry.featured_version is None:
            lock[arxiv] = LockEntry(version, entry.checked, entry.facts)
    write_lock(path, text, lock)
