"""Read content files and parse YAML into plain values that remember their line numbers.

``parse_*`` functions are pure (text in, values out); ``load_*`` functions read files.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..hashing import digest
from ..errors import Problem
from .yaml_errors import explain_yaml_error

# the C parser is ~15x faster; line marks are kept either way (PyYAML without libyaml has none)
_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A YAML mapping that knows the line of itself, of each key and of each raw scalar."""

    line: int
    key_lines: dict
    raw: dict  # key -> the scalar's source text, e.g. an arXiv id YAML would read as a float
    duplicates: list  # (key, line) of keys given twice

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    line: int
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _LineLoader(_BaseLoader):
    pass


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines, mapping.raw, mapping.duplicates = {}, {}, []
    yield mapping
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool, dt.date)) and key is not None:
            key = str(key)
        line = key_node.start_mark.line + 1
        if key in mapping:
            mapping.duplicates.append((key, line))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = line
        if isinstance(value_node, yaml.ScalarNode):
            mapping.raw[key] = value_node.value


def _construct_sequence(loader, node):
    items = LineList()
    items.line = node.start_mark.line + 1
    items.item_lines = [child.start_mark.line + 1 for child in node.value]
    yield items
    items.extend(loader.construct_object(child, deep=True) for child in node.value)


def _construct_timestamp(loader, node):
    # An impossible date such as 2024-02-30 stays text, so validation can name it.
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return node.value


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:omap", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


@dataclass(frozen=True)
class Source:
    """One content file's text, named by the path shown to the editor."""

    path: str
    text: str

    @functools.cached_property
    def text_digest(self) -> str:
        """What the build cache compares: made once, for the whole build's digest and the issue's
        own."""
        return digest(self.text)


def parse_yaml(source: Source) -> tuple[object, list[Problem]]:
    """Parse YAML text; on failure return no data and one problem with its line."""
    if not source.text.strip():
        return None, [Problem(source.path, 1, "", "the file is empty (expected a YAML mapping)")]
    try:
        data = yaml.load(source.text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        line, message = explain_yaml_error(source.text, exc)
        return None, [Problem(source.path, line, "", message)]
    if data is None:  # only comments
        return None, [
            Problem(source.path, 1, "", "the file has no content (expected a YAML mapping)")
        ]
    return data, []


def parse_front_matter(source: Source) -> tuple[object, str, int, list[Problem]]:
    """Split ``---`` YAML front matter from Markdown; returns (meta, body, body_line, problems)."""
    lines = source.text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        problem = Problem(source.path, 1, "", "missing front matter (expected a first line '---', "
                          "then 'title: ...', then '---')")
        return None, source.text, 1, [problem]
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            meta, problems = parse_yaml(Source(source.path, "".join(lines[1:index]) or " "))
            if meta is None and not problems:
                problems = [
                    Problem(source.path, 2, "", "empty front matter (expected 'title: ...')")
                ]
            # YAML lines are counted from the line after the opening '---'
            problems = [Problem(p.path, p.line + 1, p.field, p.message) for p in problems]
            _shift_lines(meta, 1)
            return meta, "".join(lines[index + 1:]), index + 2, problems
    return (
        None,
        "",
        1,
        [Problem(source.path, 1, "", "front matter is not closed (expected a line '---')")],
    )


def _shift_lines(value, offset: int) -> None:
    if isinstance(value, LineDict):
        value.line += offset
        value.key_lines = {k: v + offset for k, v in value.key_lines.items()}
        value.duplicates = [(k, v + offset) for k, v in value.duplicates]
        for item in value.values():
            _shift_lines(item, offset)
    elif isinstance(value, LineList):
        value.line += offset
        value.item_lines = [v + offset for v in value.item_lines]
        for item in value:
            _shift_lines(item, offset)


def read_source(path: Path, shown_as: str) -> tuple[Source | None, list[Problem]]:
    """Read a UTF-8 file; a file that is not UTF-8 becomes a problem, not a crash."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(shown_as, 0, "", f"cannot read the file: {exc.strerror}")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [
            Problem(shown_as, line, "", "the file is not valid UTF-8 (expected UTF-8 text)")
        ]
    return Source(shown_as, text), []


@dataclass(frozen=True)
class ContentFiles:
    """Every source file of a content folder, read but not yet interpreted."""

    site: Source | None
    issues: tuple[Source, ...]
    pages: tuple[Source, ...]
    lock: Source | None = None  # papers.lock.yaml, written by `roundup refresh` (refresh/lock.py)

    @property
    def all_sources(self) -> tuple[Source, ...]:
        return (
            ((self.site,) if self.site else ())
            + self.issues
            + self.pages
            + ((self.lock,) if self.lock else ())
        )


def load_content_files(content_dir: Path) -> tuple[ContentFiles, list[Problem]]:
    problems: list[Problem] = []

    def shown(path: Path) -> str:
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    site_path = content_dir / "site.yaml"
    site = None
    if not site_path.is_file():
        problems.append(
            Problem(
                shown(site_path),
                0,
                "",
                "site settings file is missing "
                "(expected content/site.yaml with title, description, base_url, categories)",
            )
        )
    else:
        site, found = read_source(site_path, shown(site_path))
        problems += found

    def read_all(folder: Path, patterns: tuple[str, ...]) -> tuple[Source, ...]:
        sources = []
        paths = sorted(p for pattern in patterns for p in folder.glob(pattern) if p.is_file())
        for path in paths:
            source, found = read_source(path, shown(path))
            problems.extend(found)
            if source:
                sources.append(source)
        return tuple(sources)

    issues = read_all(content_dir / "issues", ("*.yaml", "*.yml"))
    pages = read_all(content_dir / "pages", ("*.md",))
    lock = read_all(content_dir, ("papers.lock.yaml",))
    return ContentFiles(site, issues, pages, lock[0] if lock else None), problems
