"""Post an issue to Bluesky over XRPC: a session from the handle and an app password, then an
`app.bsky.feed.post` record with the link as a facet and a link card (`app.bsky.embed.external`).

Exactly once: the post's record key is made from the issue (a valid TID, the same on every run),
so before posting we ask for that record, and a post whose reply was lost is found, not repeated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from typing import Any, Callable
from urllib.parse import urlencode

from ..editor.http import HttpSettings
from .api import DEFAULT_SETTINGS, ApiError, request_json, text_field
from .mastodon import Post, compose

PASSWORD = "ROUNDUP_BLUESKY_PASSWORD"
BASE_VARIABLE = "ROUNDUP_BLUESKY_API"
DEFAULT_BASE = "https://bsky.social"
LIMIT = 300  # graphemes; we count characters, of which there are at least as many
COLLECTION = "app.bsky.feed.post"
_TID_LETTERS = "234567abcdefghijklmnopqrstuvwxyz"


def record_key(slug: str, date: dt.date) -> str:
    """A TID (13 base32-sortable characters: microseconds since 1970, then a 10-bit clock id)
    made from the issue's day and slug, so every run names the same record."""
    seed = int(hashlib.sha256(slug.encode()).hexdigest(), 16)
    midnight = dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc)
    micros = int(midnight.timestamp()) * 1_000_000 + seed % 1_000_000
    value = (micros << 10) | (seed >> 20) % 1024
    return "".join(_TID_LETTERS[(value >> shift) & 31] for shift in range(60, -1, -5))


def post_record(post: Post, text: str, now: dt.datetime) -> dict[str, Any]:
    """The post: its text, the URL as a link facet (UTF-8 byte offsets) and a link card."""
    encoded = text.encode("utf-8")
    start = encoded.rfind(post.url.encode("utf-8"))
    record: dict[str, Any] = {
        "$type": COLLECTION,
        "text": text,
        "createdAt": now.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "embed": {"$type": "app.bsky.embed.external",
                  "external": {"uri": post.url, "title": post.title,
                               "description": post.summary}},
    }
    if start >= 0:
        end = start + len(post.url.encode("utf-8"))
        record["facets"] = [{"index": {"byteStart": start, "byteEnd": end},
                             "features": [{"$type": "app.bsky.richtext.facet#link",
                                           "uri": post.url}]}]
    return record


def post_to_bluesky(base: str, handle: str, password: str, post: Post, rkey: str,
                    now: dt.datetime, settings: HttpSettings = DEFAULT_SETTINGS,
                    sleep: Callable[[float], None] = time.sleep) -> tuple[str, bool]:
    """(the post's at:// URI, whether it was there already)."""
    session = request_json("POST", f"{base}/xrpc/com.atproto.server.createSession",
                           body={"identifier": handle, "password": password},
                           settings=settings, sleep=sleep, idempotent=True)
    token, did = text_field(session, "accessJwt"), text_field(session, "did")
    if not token or not did:
        raise ApiError(f"{base} opened no session (no accessJwt or did in its reply)")
    headers = {"Authorization": f"Bearer {token}"}
    query = urlencode({"repo": did, "collection": COLLECTION, "rkey": rkey})
    try:
        found = request_json("GET", f"{base}/xrpc/com.atproto.repo.getRecord?{query}",
                             headers=headers, settings=settings, sleep=sleep)
        return text_field(found, "uri"), True
    except ApiError as error:
        if text_field(error.data, "error") != "RecordNotFound":
            raise
    made = request_json("POST", f"{base}/xrpc/com.atproto.repo.createRecord", headers=headers,
                        body={"repo": did, "collection": COLLECTION, "rkey": rkey,
                              "record": post_record(post, compose(post, LIMIT), now)},
                        settings=settings, sleep=sleep, idempotent=True)  # the key makes it so
    return text_field(made, "uri"), False
