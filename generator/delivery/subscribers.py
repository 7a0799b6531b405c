"""The subscriber file of an SMTP list: one address a line, or a CSV with an `email` column.

``parse_subscribers`` is pure; every bad line is a problem `subscribers.txt:line`.
"""

from __future__ import annotations

import csv
import io
from email.utils import parseaddr
from pathlib import Path

from ..content.files import read_source
from ..errors import Problem
from .config import address_problem


def address_key(address: str) -> str:
    """Two spellings of one mailbox (Reader@Example.org, reader@example.org) are one reader."""
    return address.strip().lower()


def parse_subscribers(path: str, text: str, csv_file: bool) -> tuple[list[str], list[Problem]]:
    """The addresses in file order; blank lines and # comments are skipped in a plain list."""
    problems: list[Problem] = []
    rows: list[tuple[int, str]] = []
    if csv_file:
        reader = csv.reader(io.StringIO(text))
        header = next(reader, None)
        columns = [name.strip().lower() for name in header or []]
        if "email" not in columns:
            return [], [Problem(path, 1, "", "the first line names no 'email' column "
                                "(expected a CSV header such as name,email)")]
        column = columns.index("email")
        for row in reader:
            if any(cell.strip() for cell in row):
                value = row[column].strip() if column < len(row) else ""
                rows.append((reader.line_num, value))
    else:
        for number, text_line in enumerate(text.splitlines(), start=1):
            value = text_line.strip()
            if value and not value.startswith("#"):
                rows.append((number, value))
    addresses: list[str] = []
    seen: dict[str, int] = {}
    for line, value in rows:
        problem = address_problem(value) if value else \
            "no address (expected an address such as reader@example.org)"
        if problem:
            problems.append(Problem(path, line, "", problem))
            continue
        address = parseaddr(value)[1]
        key = address_key(address)
        if key in seen:
            problems.append(Problem(path, line, "", f"'{address}' is also on line {seen[key]} "
                                    "(expected each reader once)"))
            continue
        seen[key] = line
        addresses.append(address)
    return addresses, problems


def load_subscribers(content_dir: Path, relative: str, shown_dir: str,
                     site_path: str, site_line: int) -> tuple[list[str], list[Problem]]:
    """Read the file named in site.yaml; a missing file is reported at site.yaml's line."""
    shown = f"{shown_dir.rstrip('/')}/{relative}" if shown_dir else relative
    path = content_dir / relative
    if not path.is_file():
        return [], [Problem(site_path, site_line, "newsletter.subscribers",
                            f"no file {shown} (expected one address a line, or a CSV file with "
                            "an email column)")]
    source, problems = read_source(path, shown)
    if source is None:
        return [], problems
    addresses, found = parse_subscribers(shown, source.text, path.suffix.lower() == ".csv")
    if not addresses and not found:
        found = [Problem(shown, 1, "", "lists no address (expected one address a line)")]
    return addresses, found
