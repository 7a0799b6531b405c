"""Options for one build, decided once by the command line and passed down (no globals)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

# Where the editor commands fetch paper metadata (each can be changed with --api-url).
ARXIV_API = "https://export.arxiv.org/api/query"
HF_DAILY_API = "https://huggingface.co/api/daily_papers"


@dataclass(frozen=True)
class BuildOptions:
    content_dir: Path = Path("content")
    output_dir: Path = Path("site")
    themes_dir: Path | None = None  # None: themes/ beside content/, else the shipped themes
    drafts: bool = False
    base_url: str = ""  # overrides site.yaml when set
    build_date: dt.date | None = None  # None: SOURCE_DATE_EPOCH, else the newest issue's date
    # issues dated after it are scheduled, not published; None: no limit
    today: dt.date | None = None
    future: bool = False  # publish scheduled issues too
    use_cache: bool = True  # False: build everything again, ignoring .roundup-cache/
    search: bool = True  # False: leave the search index as it is (Pagefind takes long on big sites)


def today_from_environment(environ=os.environ) -> dt.date:
    """The day that decides which issues are published: SOURCE_DATE_EPOCH, else today."""
    return date_from_environment(environ) or dt.date.today()


def date_from_environment(environ=os.environ) -> dt.date | None:
    """The reproducible build date: SOURCE_DATE_EPOCH when set, never the clock."""
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    try:
        return dt.datetime.fromtimestamp(int(value), dt.timezone.utc).date()
    except (ValueError, OverflowError, OSError):
        return None
