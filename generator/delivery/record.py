"""What was delivered, per issue: content/sent/<slug>.txt, committed with the content.

One line per message or post that a server confirmed (or refused for good), tab-separated:

    2025-06-16T07:02:11Z<TAB>email<TAB>reader@example.org<TAB>sent<TAB><message id>

The file is written again, whole and atomically (a temporary file, fsync, rename), after each
confirmed message, so that a run stopped at any point leaves a record of exactly what was done.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import Problem

FOLDER = "sent"
STATUSES = ("sent", "failed", "draft", "posted")
HEADER = ("# What `roundup send` and `roundup announce` delivered for issue {slug}: one line\n"
          "# per message a server confirmed (time, channel, recipient, status, detail).\n"
          "# Commit it with the content: it is how they know not to send again.\n"
          "# Delete a 'failed' line to try that address again.\n")

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _clean(text: str) -> str:
    return " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", str(text)).split())


@dataclass(frozen=True)
class Delivery:
    when: str
    channel: str  # email, buttondown, mastodon, bluesky
    target: str  # the address, or the account / server
    status: str
    detail: str = ""
    line: int = 0

    def render(self) -> str:
        return "\t".join((self.when, self.channel, self.target, self.status, self.detail)) + "\n"


@dataclass
class Record:
    """The record of one issue; `add` writes it to disk before it returns."""

    path: Path
    shown: str
    slug: str
    entries: list[Delivery] = field(default_factory=list)
    clock: Clock = utc_now

    def find(self, channel: str, target: str) -> Delivery | None:
        """The entry that decides: a 'sent'/'posted'/'draft' one wins over an earlier failure."""
        found = None
        for entry in self.entries:
            if entry.channel == channel and entry.target.lower() == target.lower():
                if found is None or found.status == "failed":
                    found = entry
        return found

    def add(self, channel: str, target: str, status: str, detail: str = "") -> Delivery:
        when = self.clock().astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        entry = Delivery(when, channel, _clean(target), status, _clean(detail))
        self.entries.append(entry)
        write_atomically(self.path, self.render())
        return entry

    def render(self) -> str:
        return HEADER.format(slug=self.slug) + "".join(entry.render() for entry in self.entries)


def write_atomically(path: Path, text: str) -> None:
    """Replace path's content all at once: after a crash it holds the old text or the new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    try:  # the rename itself survives a power cut once the folder is synced
        folder = os.open(path.parent, os.O_RDONLY)
    except OSError:  # pragma: no cover - a system that cannot open folders
        return
    try:
        os.fsync(folder)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(folder)


def parse_record(shown: str, text: str) -> tuple[list[Delivery], list[Problem]]:
    entries, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 5 or parts[3] not in STATUSES or not parts[2]:
            problems.append(Problem(shown, number, "", "is not a delivery line (expected time, "
                                    f"channel, recipient, one of {'/'.join(STATUSES)} and a "
                                    "detail, separated by tabs; restore the line from git)"))
            continue
        entries.append(Delivery(parts[0], parts[1], parts[2], parts[3], parts[4], number))
    return entries, problems


def load_record(content_dir: Path, slug: str, shown_dir: str,
                clock: Clock = utc_now) -> tuple[Record, list[Problem]]:
    path = content_dir / FOLDER / f"{slug}.txt"
    shown = f"{shown_dir.rstrip('/')}/{FOLDER}/{slug}.txt" if shown_dir else f"{FOLDER}/{slug}.txt"
    if not path.exists():
        return Record(path, shown, slug, clock=clock), []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return Record(path, shown, slug, clock=clock), [
            Problem(shown, 0, "", f"cannot read the delivery record: {error} "
                    "(expected UTF-8 text)")]
    entries, problems = parse_record(shown, text)
    return Record(path, shown, slug, entries, clock), problems
