"""JSON over HTTP for the delivery APIs (Buttondown, Mastodon, Bluesky), with the editor
commands' manners: our User-Agent, a timeout, and bounded retries of a busy reply.

A request that changes something is retried only when doing it twice is harmless (the
caller says so: an Idempotency-Key, a fixed record key) or the server said it did nothing
(429).
"""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.error
import urllib.request
from typing import Any, Callable
from urllib.parse import urlsplit

from ..editor.http import MAX_REPLY_BYTES, RETRY_STATUSES, USER_AGENT, HttpSettings, _retry_wait

Sleep = Callable[[float], None]
DEFAULT_SETTINGS = HttpSettings()


class ApiError(Exception):
    """The service, the network or the reply failed us; `status` is the HTTP status, if any."""

    def __init__(self, message: str, status: int = 0, data: Any = None):
        super().__init__(message)
        self.status, self.data = status, data


def _detail(data: Any) -> str:
    """The service's own words about an error (Buttondown: detail; Mastodon: error; XRPC:
    message), cut short: it may echo what we sent, never our secrets (they go in headers)."""
    if isinstance(data, dict):
        if isinstance(data.get("error"), str) and isinstance(data.get("message"), str):  # XRPC
            return " ".join(f"{data['error']}: {data['message']}".split())[:200]
        for key in ("detail", "error_description", "error", "message"):
            if isinstance(data.get(key), str):
                return " ".join(data[key].split())[:200]
    return ""


def request_json(method: str, url: str, *, headers: dict[str, str] | None = None,
                 body: Any = None, settings: HttpSettings = DEFAULT_SETTINGS,
                 idempotent: bool | None = None, sleep: Sleep = time.sleep) -> Any:
    """The decoded JSON reply of a 2xx answer (None for an empty one); ApiError otherwise."""
    host = urlsplit(url).netloc or url
    data = None if body is None else json.dumps(body).encode("utf-8")
    all_headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})}
    if data is not None:
        all_headers["Content-Type"] = "application/json"
    retry_any = idempotent if idempotent is not None else method in ("GET", "HEAD")
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    for attempt in range(settings.retries + 1):
        try:
            # noqa: S310
            with urllib.request.urlopen(request, timeout=settings.timeout) as response:
                raw = response.read(MAX_REPLY_BYTES + 1)
            if len(raw) > MAX_REPLY_BYTES:
                raise ApiError(f"{host} sent a reply larger than {MAX_REPLY_BYTES // 2**20} MiB")
            return _decode(raw, host)
        except urllib.error.HTTPError as error:
            reply = _decode_quietly(error.read(65536))
            busy = error.code == 429 or (retry_any and error.code in RETRY_STATUSES)
            if busy and attempt < settings.retries:
                sleep(_retry_wait(error.headers.get("Retry-After"), attempt, settings))
                continue
            detail = _detail(reply)
            raise ApiError(f"{host} answered HTTP {error.code} {error.reason}"
                           + (f": {detail}" if detail else ""), error.code, reply) from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise ApiError(f"{host} did not answer within {settings.timeout:g} s") from None
            raise ApiError(f"cannot reach {host}: "
                           f"{getattr(reason, 'strerror', None) or reason}") from None
        except (TimeoutError, socket.timeout):
            raise ApiError(f"{host} did not answer within {settings.timeout:g} s") from None
        except (http.client.HTTPException, OSError) as error:
            raise ApiError(f"the connection to {host} failed: "
                           f"{error or type(error).__name__}") from None
    raise ApiError(f"{host} stayed busy")  # pragma: no cover - the loop returns or raises


def _decode(raw: bytes, host: str) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise ApiError(f"{host} sent a reply that is not JSON") from None


def _decode_quietly(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw.strip() else None
    except ValueError:
        return None


def text_field(data: Any, *keys: str) -> str:
    """data[keys[0]][keys[1]]... as text, or '' when the reply has no such field."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, str) else ""
