"""A refresh run: the featured papers, what arXiv and Hugging Face say of them, the lock written.

Nothing but content/papers.lock.yaml is changed, and only with what the APIs confirmed."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..content.fields import did_you_mean
from ..errors import EditorError
from ..editor.http import HttpSettings
from ..model import Site
from ..options import ARXIV_API, HF_DAILY_API, BuildOptions, today_from_environment
from . import arxiv as arxiv_api
from . import hf as hf_api
from .lock import LOCK_NAME, load_lock, write_lock
from .merge import changed_papers, refreshed, with_featured_versions

Say = Callable[[str], None]


@dataclass(frozen=True)
class Refreshed:
    path: Path
    checked: int  # papers asked about
    changed: tuple[str, ...]  # ids whose facts changed
    failures: tuple[str, ...]  # what could not be confirmed, one line each
    written: bool


def featured_papers(site: Site) -> tuple[dict[str, dt.date], dict[str, int]]:
    """(arXiv id -> the date of the first issue featuring it, id -> a version an issue names)."""
    first: dict[str, dt.date] = {}
    named: dict[str, int] = {}
    for issue in sorted(site.issues, key=lambda issue: issue.date):
        for entry in issue.entries:
            paper = entry.paper
            if paper.arxiv:
                first.setdefault(paper.arxiv, issue.date)
                if paper.arxiv_version and paper.arxiv not in named:
                    named[paper.arxiv] = int(paper.arxiv_version[1:])
    return first, named


def _chosen(site: Site, only: tuple[str, ...], featured: dict[str, dt.date]) -> list[str]:
    if not only:
        return sorted(featured)
    slugs = {issue.slug: issue for issue in site.issues}
    chosen: set[str] = set()
    for value in only:
        issue = slugs.get(value.removesuffix(".yaml"))
        if issue is not None:
            chosen.update(entry.paper.arxiv for entry in issue.entries if entry.paper.arxiv)
        elif value in featured:
            chosen.add(value)
        else:
            hint = did_you_mean(value, list(slugs) + list(featured))
            raise EditorError(
                f"--only {value}: no issue or featured paper of that name{hint} "
                "(expected an issue slug such as 2024-06-16, or a featured arXiv id)"
            )
    return sorted(chosen)


def refresh_lock(
    content_dir: Path,
    only: tuple[str, ...] = (),
    arxiv_url: str = ARXIV_API,
    hf_url: str = HF_DAILY_API,
    settings: HttpSettings | None = None,
    today: dt.date | None = None,
    pause: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    say: Say = print,
) -> Refreshed:
    """One refresh run; ContentError when the content does not validate, EditorError when nothing
    could be asked. `pause`: seconds between requests (None: each API's polite default)."""
    from ..build import load_checked_site  # imports the validators only when the command runs

    today = today or today_from_environment()
    options = BuildOptions(content_dir=content_dir, drafts=True, future=True, today=today)
    site, _ = load_checked_site(options)
    path = content_dir / LOCK_NAME
    before_text, before = load_lock(path, str(path))
    featured, named = featured_papers(site)
    ids = _chosen(site, only, featured)
    say(f"Checking {len(ids)} paper{'s' if len(ids) != 1 else ''} on arXiv and Hugging Face ...")
    found_arxiv, failures = arxiv_api.load_arxiv_facts(
        ids, arxiv_url, settings, arxiv_api.PAUSE if pause is None else pause, sleep
    )
    found_hf, hf_failures = hf_api.load_hf_facts(
        ids, hf_api.hf_api_base(hf_url), settings, hf_api.PAUSE if pause is None else pause, sleep
    )
    lock = with_featured_versions(before, {arxiv: named[arxiv] for arxiv in ids if arxiv in named})
    lock = refreshed(lock, found_arxiv, found_hf, featured, today)
    written = write_lock(path, before_text, lock)
    return Refreshed(
        path, len(ids), tuple(changed_papers(before, lock)), tuple(failures + hf_failures), written
    )
