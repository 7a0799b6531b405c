"""Post an issue to Mastodon: `POST {instance}/api/v1/statuses` with a Bearer token.

Exactly once: the record says whether it was posted; a post whose reply was lost is found among
the account's latest statuses by the issue's URL, and the `Idempotency-Key` (the same for one
issue on every run) makes the server answer a retry within its hour with the first status.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote

from ..editor.http import HttpSettings
from .api import DEFAULT_SETTINGS, request_json, text_field

TOKEN = "ROUNDUP_MASTODON_TOKEN"
BASE_VARIABLE = "ROUNDUP_MASTODON_API"  # replaces the instance's address (tests)
LIMIT = 500  # characters in a status, a link counting as 23
LINK_LENGTH = 23


@dataclass(frozen=True)
class Post:
    title: str
    summary: str
    url: str


def shorten(text: str, room: int) -> str:
    """text in at most room characters, cut at a word with an ellipsis."""
    if len(text) <= room:
        return text
    if room <= 1:
        return ""
    cut = text[: room - 1].rsplit(" ", 1)[0] if " " in text[: room - 1] else text[: room - 1]
    return cut.rstrip(" ,;:.") + "…"


def compose(post: Post, limit: int, link_length: int | None = None) -> str:
    """Title, a one-line summary and the URL, within the network's limit."""
    url_cost = link_length if link_length is not None else len(post.url)
    title = shorten(post.title, limit - url_cost - 2)
    room = limit - len(title) - url_cost - 4  # two blank lines between the three parts
    summary = shorten(post.summary, room) if room > 10 else ""
    parts = [title] + ([summary] if summary else []) + [post.url]
    return "\n\n".join(parts)


def idempotency_key(slug: str, url: str) -> str:
    return f"paper-roundup-{slug}-{hashlib.sha256(url.encode()).hexdigest()[:16]}"


def find_status(base: str, headers: dict[str, str], url: str, settings: HttpSettings,
                sleep: Callable[[float], None]) -> dict[str, Any] | None:
    """The account's own status that links the issue, among its latest 40; None if none."""
    account = request_json("GET", f"{base}/api/v1/accounts/verify_credentials", headers=headers,
                           settings=settings, sleep=sleep)
    account_id = text_field(account, "id")
    if not account_id:
        return None
    statuses = request_json("GET", f"{base}/api/v1/accounts/{quote(account_id)}/statuses"
                                   "?limit=40&exclude_replies=true&exclude_reblogs=true",
                            headers=headers, settings=settings, sleep=sleep)
    for status in statuses if isinstance(statuses, list) else []:
        content = text_field(status, "content")
        if url in content.replace("&amp;", "&"):
            return status
    return None


def post_status(base: str, token: str, slug: str, text: str, url: str, visibility: str,
                settings: HttpSettings = DEFAULT_SETTINGS,
                sleep: Callable[[float], None] = time.sleep) -> tuple[str, bool]:
    """(the status's URL, whether it was there already)."""
    headers = {"Authorization": f"Bearer {token}"}
    found = find_status(base, headers, url, settings, sleep)
    if found is not None:
        return text_field(found, "url") or text_field(found, "uri"), True
    status = request_json("POST", f"{base}/api/v1/statuses",
                          headers={**headers, "Idempotency-Key": idempotency_key(slug, url)},
                          body={"status": text, "visibility": visibility}, settings=settings,
                          sleep=sleep, idempotent=True)
    return text_field(status, "url") or text_field(status, "uri") or text_field(status, "id"), False
