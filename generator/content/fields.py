"""Typed fields of one parsed YAML mapping, each bad one recorded as a problem with its line."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from urllib.parse import urlsplit

from ..errors import Problem
from .files import LineDict, LineList, Source, parse_yaml
from .yaml_errors import quoted

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# Invisible characters that XML (the feeds) and HTML do not allow; tab and newline are text.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# an item that must be quoted in a [a, b] list
FLOW_SPECIAL_RE = re.compile(r"[\[\]{}:#,\"']|^[\s@`*&!|>%?-]")


def did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def type_name(value) -> str:
    return {str: "text", int: "a number", float: "a number", bool: "true/false",
            LineDict: "a mapping", LineList: "a list", type(None): "nothing"}.get(
        type(value), "a date" if isinstance(value, dt.date) else type(value).__name__)


class Fields:
    """Reads typed fields from one YAML mapping, recording a problem for each bad one."""

    def __init__(self, data: LineDict, path: str, prefix: str, problems: list[Problem]):
        self.data, self.path, self.prefix, self.problems = data, path, prefix, problems

    def name(self, key) -> str:
        return f"{self.prefix}{key}"

    def fail(self, key, message: str, line: int | None = None) -> None:
        line = line if line is not None else self.data.line_of(key)
        self.problems.append(Problem(self.path, line, self.name(key), message))

    def check_keys(self, allowed: tuple[str, ...]) -> None:
        for key, line in self.data.duplicates:
            self.fail(key, "is given twice (expected each field once)", line)
        for key in self.data:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                self.problems.append(
                    Problem(
                        self.path,
                        self.data.line_of(key),
                        self.name(key),
                        f"unknown field{hint} (expected one of: {', '.join(allowed)})",
                    )
                )

    def text(self, key, required: bool = False, expected: str = "text") -> str:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                line = self.data.line_of(key)
                self.fail(key, f"is missing (expected {expected})" if key not in self.data
                          else f"is empty (expected {expected})", line)
            return ""
        if isinstance(value, (LineDict, LineList)):
            self.fail(key, f"is {type_name(value)} (expected {expected})")
            return ""
        # A title such as 2024 or 1.10 is text to the editor: keep the source spelling.
        text = str(self.data.raw.get(key, value)).strip()
        return text if self.printable(key, text) else ""

    def printable(self, key, text: str, line: int | None = None) -> bool:
        """False (and a problem) when text holds a control character: it would break the feeds."""
        found = CONTROL_RE.search(text)
        if found:
            before = text[:found.start()].split()[-3:]
            where = f" after '{' '.join(before)}'" if before else " at its start"
            line = line if line is not None else self.data.line_of(key)
            name = CONTROL_RE.sub("?", self.name(key))  # a link's name may be the text itself
            self.problems.append(Problem(
                self.path, line, name, f"contains an invisible control character "
                f"(U+{ord(found.group()):04X}){where} (expected text without control characters: "
                "delete it)"))
        return found is None

    def date(self, key, required: bool = False) -> dt.date | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.fail(key, "is missing (expected a date such as 2024-06-16)")
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            try:  # "2024-06-16" in quotes is the date it obviously is
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.fail(key, f"'{value}' is not a valid date (expected YYYY-MM-DD, such as 2024-06-16)")
        return None

    def integer(self, key, minimum: int = 0) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"'{self.data.raw.get(key, value)}' is not a whole number "
                           f"(expected a whole number >= {minimum})")
            return None
        if value < minimum:
            self.fail(key, f"{value} is too small (expected a whole number >= {minimum})")
            return None
        return value

    def boolean(self, key) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.fail(key, f"'{value}' is not true or false (expected true or false)")
            return False
        return value

    def url(self, key, required: bool = False) -> str:
        value = self.text(key, required, "an http(s) URL")
        if value and not is_http_url(value):
            self.fail(key, f"'{value}' is not an http(s) URL (expected https://...)")
            return ""
        if value.startswith("http://"):
            self.problems.append(
                Problem(
                    self.path,
                    self.data.line_of(key),
                    self.name(key),
                    f"'{value}' is not https (expected an https:// link)",
                    "warning",
                )
            )
        return value

    def text_list(self, key) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            return ()
        if isinstance(value, str) and "," in value:  # not guessed: "A, B" may be one name
            as_list = ", ".join(quoted(item) if FLOW_SPECIAL_RE.search(item) else item
                                for item in (part.strip() for part in value.split(",")) if item)
            self.fail(key, f"is one piece of text, '{value.strip()}' (expected a list, such as "
                           f"{key}: [{as_list}])")
            return ()
        if isinstance(value, str):  # a single name is a list of one
            value = LineList([value])
            value.line, value.item_lines = self.data.line_of(key), [self.data.line_of(key)]
        if not isinstance(value, LineList):
            self.fail(key, f"is {type_name(value)} (expected a list such as [a, b])")
            return ()
        items = []
        for index, item in enumerate(value):
            if isinstance(item, (LineDict, LineList)) or item is None or not str(item).strip():
                self.fail(f"{key}[{index}]", f"is {type_name(item)} (expected text)",
                          value.line_of(index))
            elif self.printable(f"{key}[{index}]", str(item), value.line_of(index)):
                items.append(str(item).strip())
        return tuple(items)

    def mapping(self, key) -> LineDict | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, LineDict):
            self.fail(key, f"is {type_name(value)} (expected a mapping of name: value)")
            return None
        return value


def is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not re.search(r"\s", value)


def require_mapping(data, path: str, problems: list[Problem], what: str) -> LineDict | None:
    if isinstance(data, LineDict):
        return data
    if data is not None:
        line = getattr(data, "line", 1)
        problems.append(Problem(path, line, "", f"the file is {type_name(data)} "
                                f"(expected a mapping of fields: {what})"))
    return None


def read_fields(
    source: Source, problems: list[Problem], what: str, known: tuple[str, ...]
) -> Fields | None:
    """The top-level fields of a YAML file that must be a mapping (`what`: the fields it expects);
    unknown keys are problems. None when the file is not a mapping."""
    data, found = parse_yaml(source)
    problems += found
    data = require_mapping(data, source.path, problems, what)
    if data is None:
        return None
    fields = Fields(data, source.path, "", problems)
    fields.check_keys(known)
    return fields
