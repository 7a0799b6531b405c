"""What the Hugging Face paper API says of featured papers: upvotes, code repository and stars,
project page. ``parse_hf_paper`` is pure; ``load_hf_facts`` asks once per paper (404: HF does not
know the paper, which is an answer, not a failure).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import quote

from ..editor.http import (
    FetchError,
    HttpSettings,
    HttpStatusError,
    clean_text,
    find_code_url,
    load_url,
)
from ..options import HF_DAILY_API
from .values import valid_value

PAUSE = 0.5  # seconds between requests: one per paper, so keep the pace gentle


@dataclass(frozen=True)
class HfFacts:
    arxiv: str
    known: bool = True  # False: HF answered 404
    upvotes: int | None = None
    code: str = ""
    stars: int | None = None
    project_page: str = ""


def hf_api_base(url: str = HF_DAILY_API) -> str:
    """The API's base (https://huggingface.co/api) from ROUNDUP_HF_API, which `roundup import`
    takes as the daily papers address (…/api/daily_papers): both spellings work."""
    return url.rstrip("/").removesuffix("/daily_papers")


def _count(value: object) -> int | None:
    return value if valid_value("upvotes", value) else None  # type: ignore[return-value]


def parse_hf_paper(arxiv: str, data: bytes) -> HfFacts:
    """The facts of a reply of GET /api/papers/<id>; what is missing or malformed is left out."""
    try:
        paper = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise FetchError(f"Hugging Face sent a reply that is not JSON ({error})") from None
    if not isinstance(paper, dict):
        raise FetchError("Hugging Face sent an unexpected reply (expected a paper object)")
    repo = clean_text(paper.get("githubRepo"))
    code = find_code_url(repo) if repo else ""  # only a github.com repository, as https
    page = clean_text(paper.get("projectPage"))
    return HfFacts(
        arxiv,
        True,
        _count(paper.get("upvotes")),
        code,
        _count(paper.get("githubStars")) if code else None,
        page if valid_value("project_page", page) else "",
    )


def load_hf_facts(
    ids: list[str],
    api_base: str,
    settings: HttpSettings | None = None,
    pause: float = PAUSE,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[dict[str, HfFacts], list[str]]:
    """(facts found, why the others are not): one request per id. After a request fails (busy
    replies are retried by load_url) no more are sent."""
    found: dict[str, HfFacts] = {}
    for index, arxiv in enumerate(ids):
        if index:
            sleep(pause)
        url = f"{api_base.rstrip('/')}/papers/{quote(arxiv, safe='')}"
        try:
            found[arxiv] = parse_hf_paper(
                arxiv,
                load_url(url, settings or HttpSettings(), accept="application/json", sleep=sleep),
            )
        except HttpStatusError as error:
            if error.status == 404:
                found[arxiv] = HfFacts(arxiv, known=False)
                continue
            return found, [_failed(error, len(ids) - index)]
        except FetchError as error:
            return found, [_failed(error, len(ids) - index)]
    return found, []


def _failed(error: FetchError, left: int) -> str:
    return f"Hugging Face: {error}; {left} paper{'s' if left != 1 else ''} not checked"
