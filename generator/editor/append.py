"""Append paper records to an issue file as text: the editor's text, comments and order stay as they
were.

``render_record`` and ``insert_records`` are pure; ``write_issue_text`` is the only writer here. The
YAML is never round-tripped through a dumper: new lines are added after the last paper."""

from __future__ import annotations

import json
import os
import re
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import EditorError
from ..content.files import LineDict, LineList, Source, parse_yaml
from ..workers import parallel_map
from .http import PaperMetadata
from ..content.issues import PLACEHOLDER_SUMMARY, parse_arxiv

_PLAIN_SLUG = re.compile(r"^[a-z][a-z0-9_-]*$")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}
_ARXIV_LINE = re.compile(r"""^\s*(?:-\s*)?arxiv:\s*["']?([^"'\s#,}]+)""")
WIDTH = 100


@dataclass(frozen=True)
class Featured:
    """Where a paper already is: shown as ``content/issues/2024-06-16.yaml:12``."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


def find_featured(sources: tuple[Source, ...] | list[Source],
                  validated: dict | None = None) -> dict[str, list[Featured]]:
    """Every arXiv id in the issues, with the file and line of each paper that has it.

    `validated`: path -> the Issue a build made of that file: those files are not parsed again."""
    validated = validated or {}
    # the others are parsed whole, on every core: ~2.5 s on one core for ten years of issues
    parsed = iter(
        parallel_map(
            _featured_in, [s for s in sources if s.path not in validated], min_per_worker=16
        )
    )
    found: dict[str, list[Featured]] = {}
    for source in sources:
        issue = validated.get(source.path)
        for arxiv, place in _featured_in_issue(issue, source.path) if issue else next(parsed):
            found.setdefault(arxiv, []).append(place)
    return found


def _featured_in_issue(issue, path: str) -> list[tuple[str, Featured]]:
    """_featured_in() of a file as its validated Issue has it: papers in file order, not by
    category."""
    papers = sorted((entry.paper for entry in issue.entries), key=lambda paper: paper.source_line)
    return [(paper.arxiv, Featured(path, paper.source_line)) for paper in papers if paper.arxiv]


def _featured_in(source: Source) -> list[tuple[str, Featured]]:
    """(arXiv id, where) of each paper of one issue file that has one."""
    featured = []
    data, problems = parse_yaml(source)
    papers = data.get("papers") if isinstance(data, LineDict) else None
    if isinstance(papers, LineList):
        for index, item in enumerate(papers):
            raw = item.raw.get("arxiv", item.get("arxiv")) if isinstance(item, LineDict) else None
            parsed = parse_arxiv(str(raw).strip()) if raw is not None else None
            if parsed:
                featured.append((parsed[0], Featured(source.path, papers.line_of(index))))
    elif problems:  # a file that does not parse yet: its arxiv lines still count
        for number, line in enumerate(source.text.split("\n"), start=1):
            match = _ARXIV_LINE.match(line)
            parsed = parse_arxiv(match.group(1)) if match else None
            if parsed:
                featured.append((parsed[0], Featured(source.path, number)))
    return featured


def yaml_string(text: str) -> str:
    """A double-quoted YAML scalar (JSON's escapes are valid YAML ones)."""
    return json.dumps(text, ensure_ascii=False)


def _yaml_slug(slug: str) -> str:
    return slug if _PLAIN_SLUG.match(slug) and slug not in _YAML_WORDS else yaml_string(slug)


def render_record(paper: PaperMetadata, category: str, indent: int = 0, *, note: str = "",
                  category_note: str = "", revisit: str = "", source: str = "arXiv") -> list[str]:
    """The lines of one paper record, the list item's dash at column ``indent``."""
    pad, inner = " " * indent, " " * (indent + 2)
    lines = [f"{pad}# {note}"] if note else []
    lines.append(f"{pad}- title: {yaml_string(paper.title)}")
    lines.append(
        f"{inner}category: {_yaml_slug(category)}"
        + (f"  # {category_note}" if category_note else "")
    )
    lines.append(f"{inner}arxiv: {yaml_string(paper.arxiv)}")
    if paper.authors:
        lines.append(f"{inner}authors: [{', '.join(yaml_string(name) for name in paper.authors)}]")
    if paper.published:
        lines.append(f"{inner}published: {paper.published.isoformat()}")
    if paper.code_url:
        lines.append(f"{inner}links: {{code: {yaml_string(paper.code_url)}}}")
    if paper.upvotes is not None:
        lines.append(f"{inner}upvotes: {paper.upvotes}")
    if revisit:
        lines.append(f"{inner}revisit: true  # {revisit}")
    if paper.abstract:
        lines.append(
            f"{inner}# Abstract from {source}, a starting point for your summary (these comment "
            "lines "
            "are not published):"
        )
        wrapped = textwrap.wrap(paper.abstract, width=max(40, WIDTH - len(inner) - 4),
                                break_long_words=False, break_on_hyphens=False)
        lines += [f"{inner}#   {line}" for line in wrapped]
    lines.append(f"{inner}summary: {yaml_string(PLACEHOLDER_SUMMARY)}")
    return lines


@dataclass(frozen=True)
class Slot:
    """Where new records go: before line ``index`` (0-based), the dash at column ``indent``."""

    index: int
    indent: int
    add_key: bool  # the file has no papers: field yet


def _split_lines(text: str) -> list[str]:
    """Lines with their line breaks (only \n counts, as for the YAML marks used with them)."""
    return [line for line in re.split(r"(?<=\n)", text) if line]


def _before_comments(lines: list[str], index: int) -> int:
    """Step back over blank lines and column-0 comments that introduce the next field."""
    while index > 0 and (not lines[index - 1].strip() or lines[index - 1].startswith("#")):
        index -= 1
    return index


def find_slot(text: str, shown: str) -> Slot:
    """Find the end of the issue's papers list, or refuse with the reason and the line."""
    lines = _split_lines(text)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}" if mark else shown
        raise EditorError(
            f"{where}: the file is not valid YAML; fix it first (run 'roundup check')"
        ) from None
    if root is None:
        return Slot(len(lines), 2, True)
    if not isinstance(root, yaml.MappingNode):
        raise EditorError(
            f"{shown}:1: the file is not a mapping of fields (expected title, date, papers)"
        )
    for position, (key, value) in enumerate(root.value):
        if not (isinstance(key, yaml.ScalarNode) and key.value == "papers"):
            continue
        line = key.start_mark.line + 1
        if isinstance(value, yaml.SequenceNode) and not value.flow_style:
            indent = value.start_mark.column
        elif (
            isinstance(value, yaml.ScalarNode) and value.tag.endswith(":null") and value.value == ""
        ):
            indent = 2
        elif isinstance(value, yaml.SequenceNode):
            raise EditorError(
                f"{shown}:{line}: papers: is written as a flow list [...] (expected a block "
                "list of '- title: ...' items, so that papers can be appended)"
            )
        else:
            raise EditorError(f"{shown}:{line}: papers: is not a list (expected a block list of "
                              "'- title: ...' items, or nothing after 'papers:')")
        if position + 1 < len(root.value):
            following = root.value[position + 1][0].start_mark.line
            return Slot(_before_comments(lines, following), indent, False)
        return Slot(len(lines), indent, False)
    return Slot(len(lines), 2, True)


def _paper_ids(text: str, shown: str) -> list[str | None]:
    data, _ = parse_yaml(Source(shown, text))
    papers = data.get("papers") if isinstance(data, LineDict) else None
    if not isinstance(papers, LineList):
        return []
    return [
        str(item.raw.get("arxiv", "")) if isinstance(item, LineDict) else None for item in papers
    ]


def insert_records(text: str, records: list[list[str]], shown: str) -> str:
    """The text with records (rendered at indent 0) added after the last paper; checked by reading
    it back."""
    slot = find_slot(text, shown)
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = _split_lines(text)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += newline
    added = ["papers:"] if slot.add_key else []
    for record in records:
        added += [" " * slot.indent + line for line in record]
    result = (
        "".join(lines[: slot.index])
        + "".join(line + newline for line in added)
        + "".join(lines[slot.index :])
    )
    before, after = _paper_ids(text, shown), _paper_ids(result, shown)
    expected_new = [_record_id(record) for record in records]
    if after[:len(before)] != before or after[len(before):] != expected_new:
        raise EditorError(
            f"{shown}: cannot append safely to this file (the result would not read back as "
            "the same papers plus the new ones); add the papers by hand"
        )
    return result


def _record_id(record: list[str]) -> str:
    for line in record:
        match = _ARXIV_LINE.match(line)
        if match:
            return match.group(1)
    return ""


def write_issue_text(path: Path, before: str, after: str) -> None:
    """Replace the file in one step, only if nobody changed it since it was read."""
    current = path.read_bytes().decode("utf-8")
    if current != before:
        raise EditorError(
            f"{path} changed while the papers were being fetched; nothing was written "
            "(run the command again)"
        )
    replace_file(path, after)


def replace_file(path: Path, text: str) -> None:
    """Write `text` to `path` in one step (a temporary file moved over it), keeping its mode."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
