"""PyYAML's syntax errors in the editor's words: the line to fix and how to fix it.

Pure: the file's text and the exception in, (line, message) out. The messages never repeat
PyYAML's own ("mapping values are not allowed here"), which name its parser, not the mistake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

# `key: value` as an editor writes it, maybe as an item of a list (`- key: value`)
FIELD_RE = re.compile(r"^(?P<lead>\s*(?:-\s+)*)(?P<key>[^\s#:'\"\[{][^:#]*?):[ \t]+(?P<value>.*)$")
# characters YAML reads as syntax at the start of a value
SPECIAL_STARTS = {"@": "'@'", "`": "'`'", "*": "'*'", "&": "'&'", "!": "'!'"}
# a line of a field (`key:` or `- key:`), as swallowed by a quote that is not closed
FIELD_LINE_RE = re.compile(r"^\s*(?:-\s+)?[\w-]+:(?:\s|$)")
GENERIC = ("YAML cannot read this line (expected 'name: value' lines indented with spaces; put "
           "a value that contains ': ' or ' #', or starts with a quote, [, {, @, *, & or `, in "
           "quotes)")


@dataclass(frozen=True)
class _Failure:
    """Where PyYAML stopped, and what it said (only to tell the cases apart)."""

    text: str
    lines: list[str]
    error: yaml.MarkedYAMLError
    line: int  # 1-based
    column: int

    @property
    def line_text(self) -> str:
        return self.lines[self.line - 1] if 0 < self.line <= len(self.lines) else ""

    @property
    def problem(self) -> str:
        return self.error.problem or ""

    @property
    def context(self) -> str:
        return self.error.context or ""


def explain_yaml_error(text: str, error: yaml.YAMLError) -> tuple[int, str]:
    """The line (1-based) to show and what is wrong there, with what is expected."""
    if isinstance(error, yaml.reader.ReaderError):
        return _control_character(text, error)
    if not isinstance(error, yaml.MarkedYAMLError):
        return 1, GENERIC
    mark = error.problem_mark or error.context_mark
    failure = _Failure(text, text.splitlines() or [""], error, mark.line + 1 if mark else 1,
                       mark.column if mark else 0)
    for explain in (_tab, _quote, _flow, _special_start, _directive, _colon_in_value,
                    _text_after_quote, _indented):
        found = explain(failure)
        if found:
            return found
    return failure.line, GENERIC


def _tab(failure: _Failure) -> tuple[int, str] | None:
    if "\t" not in _indentation(failure.line_text) and "tab" not in failure.problem:
        return None
    return failure.line, ("a tab in the indentation; YAML indents with spaces only (expected "
                          "spaces: replace the tab with spaces)")


def _quote(failure: _Failure) -> tuple[int, str] | None:
    """A quote never closed, or closed only lines further on, by the next quote YAML found."""
    opened_mark = failure.error.context_mark
    if "quoted scalar" in failure.context and opened_mark is not None:
        return _unclosed_quote(failure.lines, opened_mark.line + 1)
    opened = _quote_spanning_lines(failure.text, failure.line)
    return _unclosed_quote(failure.lines, opened) if opened else None


def _flow(failure: _Failure) -> tuple[int, str] | None:
    if "flow sequence" not in failure.context and "flow mapping" not in failure.context:
        return None
    opened = failure.error.context_mark
    what, opening, closing = (("list", "[", "]") if "sequence" in failure.context
                              else ("mapping", "{", "}"))
    return (opened.line + 1 if opened else failure.line,
            f"the {what} opened with '{opening}' on this line is not closed (expected "
            f"'{closing}' at its end, and any item with ',' or ': ' in it in quotes)")


def _directive(failure: _Failure) -> tuple[int, str] | None:
    if "directive" not in failure.context:
        return None
    return failure.line, ("a line cannot start with '%' (expected 'name: value'; a value that "
                          "starts with % goes in quotes)")


def _indented(failure: _Failure) -> tuple[int, str] | None:
    if not any(word in failure.problem for word in ("expected key", "block end", "'-' indicator")):
        return None
    return failure.line, ("this line is not indented like the lines above it (expected the same "
                          "indentation, in spaces, as the other fields of the same item)")


def _indentation(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def quoted(value: str) -> str:
    """The value as a YAML string, in the quotes that need no escaping."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _example(line_text: str) -> str | None:
    """The line with its value in quotes (a trailing comment kept outside), or None."""
    match = FIELD_RE.match(line_text)
    if not match:
        return None
    value, comment = match["value"], ""
    if " #" in value:
        value, comment = value.split(" #", 1)
        comment = "  #" + comment
    lead = match["lead"].strip()
    return f"{lead + ' ' if lead else ''}{match['key']}: {quoted(value.rstrip())}{comment}"


def _colon_in_value(failure: _Failure) -> tuple[int, str] | None:
    if "mapping values are not allowed" not in failure.problem:
        return None
    match = FIELD_RE.match(failure.line_text)
    if match and match.start("value") <= failure.column:
        return failure.line, (f"the value of '{match['key'].strip()}' contains ': ', which YAML "
                              "reads as the start of another field; put the value in quotes "
                              f"(expected, for example: {_example(failure.line_text)})")
    return failure.line, ("':' is not expected here (expected each field as 'name: value' on its "
                          "own line, indented like the fields beside it; check this line and the "
                          "one above it)")


def _unclosed_quote(lines: list[str], line: int) -> tuple[int, str]:
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    match = FIELD_RE.match(text)
    quote = match["value"][:1] if match and match["value"][:1] in "'\"" else '"'
    return line, (f"the quote {quote} opened on this line is not closed on it (expected a closing "
                  f"{quote} at the end of the value)")


def _quote_spanning_lines(text: str, error_line: int) -> int | None:
    """The line where a quoted value that runs over several lines opened before `error_line`: a
    forgotten closing quote, which YAML closes at the next quote it finds, lines further on."""
    opened, lines = None, text.splitlines()
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.line + 1 > error_line:
                break
            first, last = token.start_mark.line, token.end_mark.line
            if (isinstance(token, yaml.ScalarToken) and token.style in ("'", '"') and last > first
                    and any(FIELD_LINE_RE.match(line) for line in lines[first + 1:last + 1])):
                opened = first + 1
    except yaml.YAMLError:
        pass
    return opened


def _special_start(failure: _Failure) -> tuple[int, str] | None:
    """A value starting with a character YAML reads as syntax (@home, *bold*, `code`, !tag)."""
    said = failure.problem + " " + failure.context
    if not any(word in said for word in ("token", "alias", "anchor", "tag")):
        return None
    for mark in (failure.error.context_mark, failure.error.problem_mark):
        if mark is None or not 0 <= mark.line < len(failure.lines):
            continue
        line_text = failure.lines[mark.line]
        char = line_text[mark.column:mark.column + 1]
        if char in SPECIAL_STARTS:
            example = _example(line_text)
            hint = f", for example: {example}" if example else ""
            return mark.line + 1, (f"a value cannot start with {SPECIAL_STARTS[char]} unless it is "
                                   f"in quotes (expected the value in quotes{hint})")
    return None


def _text_after_quote(failure: _Failure) -> tuple[int, str] | None:
    """`title: "Quoted" and more`: the value's quotes end before the value does."""
    before = failure.line_text[:failure.column].rstrip()
    match = FIELD_RE.match(failure.line_text)
    if not (match and before and before[-1] in "'\"" and match["value"][:1] == before[-1]):
        return None
    value = match["value"].split(" #", 1)[0].rstrip()
    lead = match["lead"].strip()
    example = f"{lead + ' ' if lead else ''}{match['key']}: {quoted(value)}"
    return failure.line, (f"there is text after the closing quote {before[-1]} (expected the "
                          f"whole value in quotes, for example: {example})")


def _control_character(text: str, error: yaml.reader.ReaderError) -> tuple[int, str]:
    position = error.position if 0 <= error.position <= len(text) else 0
    line = text[:position].count("\n") + 1
    return line, (f"an invisible control character (U+{error.character:04X}) is in this line "
                  "(expected plain text: delete the character)")
