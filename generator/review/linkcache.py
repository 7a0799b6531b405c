"""What the last link checks found, kept for a day in `.roundup-cache/links.json`.

It only saves requests: a missing, unreadable or old cache means checking again. It also keeps
the digest of each content file as the last `roundup links` saw it, so a plain run checks only
the issues changed since. Written atomically; failing to write only costs the next run time.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .checker import Verdict

FORMAT = 1
MAX_AGE = 24 * 3600.0  # seconds a verdict is trusted


def links_cache_path(content_dir: Path) -> Path:
    """Beside the content folder, in the build's cache folder (`.roundup-cache/`)."""
    return Path(content_dir).resolve().parent / ".roundup-cache" / "links.json"


@dataclass
class LinkCache:
    path: Path
    verdicts: dict[str, tuple[float, Verdict]] = field(
        default_factory=dict
    )  # url -> (checked at, verdict)
    files: dict[str, str] = field(
        default_factory=dict
    )  # content path -> digest at the last `links` run

    def fresh(self, url: str, now: float) -> Verdict | None:
        known = self.verdicts.get(url)
        return known[1] if known and 0 <= now - known[0] < MAX_AGE else None

    def add(self, verdicts: dict[str, Verdict], now: float) -> None:
        self.verdicts.update({url: (now, verdict) for url, verdict in verdicts.items()})


def load_link_cache(path: Path, now: float) -> LinkCache:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not (isinstance(data, dict) and data.get("format") == FORMAT):
            return LinkCache(path)
        verdicts = {}
        for url, item in data["verdicts"].items():
            checked = float(item.pop("checked"))
            if 0 <= now - checked < MAX_AGE:  # the rest are dropped at the next save
                verdicts[url] = (checked, Verdict(**item))
        files = {str(key): str(value) for key, value in data["files"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return LinkCache(path)
    return LinkCache(path, verdicts, files)


def save_link_cache(cache: LinkCache) -> None:
    data = {
        "format": FORMAT,
        "files": dict(sorted(cache.files.items())),
        "verdicts": {
            url: {"checked": checked, **asdict(verdict)}
            for url, (checked, verdict) in sorted(cache.verdicts.items())
        },
    }
    try:
        cache.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cache.path.parent, prefix=".links-")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream, indent=1)
        os.replace(temporary, cache.path)
    except OSError:
        pass
