"""The Hugging Face daily papers API: a day's papers, most upvoted first.

``parse_hf_daily`` is pure (JSON in, records out); ``load_hf_daily`` makes the request.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ..options import HF_DAILY_API
from ..content.fields import is_http_url
from .http import (
    FetchError,
    HttpSettings,
    PaperMetadata,
    clean_text,
    find_code_url,
    load_url,
    parse_date,
    query_url,
)
from ..content.issues import parse_arxiv



def _paper(item: Any, index: int) -> PaperMetadata:
    paper = item.get("paper") if isinstance(item, dict) else None
    if not isinstance(paper, dict):
        raise FetchError(
            f"Hugging Face sent an unexpected reply: item {index} has no 'paper' object"
        )
    parsed = parse_arxiv(str(paper.get("id", "")))
    title = clean_text(paper.get("title") or item.get("title"))
    if parsed is None or not title:
        raise FetchError(
            f"Hugging Face sent an unexpected reply: item {index} has no arXiv id or no title"
        )
    authors = paper["authors"] if isinstance(paper.get("authors"), list) else []
    names = tuple(
        name for name in (clean_text(a.get("name")) for a in authors if isinstance(a, dict)) if name
    )
    abstract = clean_text(paper.get("summary") or item.get("summary"))
    repo = clean_text(paper.get("githubRepo"))
    upvotes = paper.get("upvotes")
    return PaperMetadata(
        arxiv=parsed[0],
        title=title,
        authors=names,
        published=parse_date(paper.get("publishedAt") or item.get("publishedAt")),
        abstract=abstract,
        code_url=repo
        if is_http_url(repo) and repo.startswith("https://")
        else find_code_url(abstract),
        upvotes=upvotes
        if isinstance(upvotes, int) and not isinstance(upvotes, bool) and upvotes >= 0
        else 0,
    )


def parse_hf_daily(data: bytes) -> list[PaperMetadata]:
    """The day's papers, most upvoted first (then by arXiv id, so the order is stable)."""
    try:
        items = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise FetchError(f"Hugging Face sent a reply that is not JSON ({error})") from None
    if not isinstance(items, list):
        raise FetchError("Hugging Face sent an unexpected reply (expected a list of papers)")
    papers: dict[str, PaperMetadata] = {}
    for index, item in enumerate(items):
        paper = _paper(item, index)
        papers.setdefault(paper.arxiv, paper)  # the same paper twice: keep the first
    return sorted(papers.values(), key=lambda paper: (-(paper.upvotes or 0), paper.arxiv))


def load_hf_daily(date: dt.date, api_url: str = HF_DAILY_API,
                  settings: HttpSettings = HttpSettings()) -> list[PaperMetadata]:
    url = query_url(api_url, date=date.isoformat())
    return parse_hf_daily(load_url(url, settings, accept="application/json"))
