"""Checking links over HTTP: concurrent, a few requests per host at a time, polite and bounded.

Each link is asked for once with GET (many servers answer HEAD wrongly) and the reply's body is
never read. Redirects are followed by hand, so a permanent one can be reported as the address to
use now. A busy reply (429, 503) or a timeout is tried again a bounded number of times; each
request waits at most `timeout` seconds, so a run ends within a known time. For a dead link the
Wayback Machine's availability API names its newest snapshot.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urljoin, urlsplit

from .. import __version__
from ..editor.http import FetchError, HttpSettings, load_url, query_url

WAYBACK_API = "https://archive.org/wayback/available"
USER_AGENT = f"paper-roundup/{__version__} (link checker of a paper digest; Python-urllib)"
RETRY_STATUSES = (429, 503)
PERMANENT = (301, 308)


@dataclass(frozen=True)
class LinkSettings:
    timeout: float = 10.0  # seconds for one request
    retries: int = 2  # further tries after a busy reply or a timeout
    backoff: float = 2.0  # seconds before the first retry, doubled each time (Retry-After wins)
    max_wait: float = 30.0  # the longest pause before a retry, whatever Retry-After says
    per_host: int = 2  # requests to one host at a time
    workers: int = 8  # requests at a time in all
    max_redirects: int = 10
    wayback_api: str = WAYBACK_API  # "" : no snapshots looked up


@dataclass(frozen=True)
class Verdict:
    url: str
    state: str  # ok, moved (permanently: new_url), broken
    status: str  # for the editor: "HTTP 404 Not Found", "no answer within 5 s (3 tries)"
    new_url: str = ""
    snapshot: str = ""  # broken: the newest Internet Archive snapshot, if any
    archive_answered: bool = True  # False: the availability API could not be asked

    @property
    def archived(self) -> str:
        """What the Internet Archive has of a dead link, for the editor."""
        if self.snapshot:
            return f"newest snapshot: {self.snapshot}"
        if self.archive_answered:
            return "no snapshot in the Internet Archive"
        return "the Internet Archive did not answer"

    @property
    def dead(self) -> bool:
        return self.state == "broken"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102 - urllib's hook
        return None  # every 3xx reaches us as an HTTPError with its Location


_OPENER = urllib.request.build_opener(_NoRedirect)


class _Busy(Exception):
    def __init__(self, status: str, retry_after: str | None):
        super().__init__(status)
        self.status, self.retry_after = status, retry_after


class _Hosts:
    """One semaphore per host: at most `per_host` requests to it at a time."""

    def __init__(self, per_host: int):
        self._lock, self._per_host = threading.Lock(), per_host
        self._hosts: dict[str, threading.BoundedSemaphore] = {}

    def __call__(self, url: str) -> threading.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            return self._hosts.setdefault(host, threading.BoundedSemaphore(self._per_host))


def _ask(url: str, settings: LinkSettings, hosts: _Hosts) -> tuple[int, str, str]:
    """(status code, reason, Location) of one GET; raises _Busy, TimeoutError or OSError."""
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*"}
    )
    with hosts(url):
        try:
            # noqa: S310 - http(s) only
            with _OPENER.open(request, timeout=settings.timeout) as response:
                return response.status, response.reason, ""
        except urllib.error.HTTPError as error:
            error.close()
            if error.code in RETRY_STATUSES:
                raise _Busy(
                    f"HTTP {error.code} {error.reason}", error.headers.get("Retry-After")
                ) from None
            return error.code, str(error.reason), error.headers.get("Location") or ""
        except urllib.error.URLError as error:
            if isinstance(error.reason, (TimeoutError, socket.timeout)):
                raise TimeoutError() from None
            raise OSError(getattr(error.reason, "strerror", None) or str(error.reason)) from None
        except http.client.HTTPException as error:
            raise OSError(f"bad reply: {error or type(error).__name__}") from None


def _wait(retry_after: str | None, attempt: int, settings: LinkSettings) -> float:
    try:
        wait = float(retry_after) if retry_after is not None else settings.backoff * 2**attempt
    except ValueError:  # an HTTP date: our own back-off
        wait = settings.backoff * 2**attempt
    return max(0.0, min(wait, settings.max_wait))


def _ask_patiently(
    url: str, settings: LinkSettings, hosts: _Hosts, sleep: Callable[[float], None]
) -> tuple[int, str, str] | str:
    """The reply, after retries while busy or silent; or what went wrong, as text."""
    tries = settings.retries + 1
    for attempt in range(tries):
        try:
            return _ask(url, settings, hosts)
        except _Busy as busy:
            if attempt + 1 == tries:
                return f"{busy.status} ({tries} tries)"
            sleep(_wait(busy.retry_after, attempt, settings))
        except TimeoutError:  # tried again at once: the timeout was the pause
            if attempt + 1 == tries:
                return f"no answer within {settings.timeout:g} s ({tries} tries)"
        except OSError as error:  # refused, unknown host: trying again would not help
            return f"cannot connect: {error}"
    raise AssertionError("unreachable")  # pragma: no cover


def check_link(
    url: str,
    settings: LinkSettings,
    hosts: _Hosts | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Verdict:
    """Follow `url` through its redirects to a final reply."""
    hosts = hosts or _Hosts(settings.per_host)
    current, moved, seen = url, True, {url}
    for _ in range(settings.max_redirects + 1):
        reply = _ask_patiently(current, settings, hosts, sleep)
        if isinstance(reply, str):
            return Verdict(url, "broken", reply)
        code, reason, location = reply
        if 300 <= code < 400 and location:
            target = urljoin(current, location)
            if not target.startswith(("https://", "http://")) or target in seen:
                return Verdict(url, "broken", f"HTTP {code}: a redirect loop or a non-web address")
            moved = (
                moved and code in PERMANENT
            )  # the new address holds while every hop is permanent
            current = target
            seen.add(target)
            continue
        if code >= 400:
            return Verdict(url, "broken", f"HTTP {code} {reason}".strip())
        if current != url and moved:
            return Verdict(url, "moved", f"moved permanently to {current}", current)
        return Verdict(url, "ok", f"HTTP {code} {reason}".strip())
    return Verdict(url, "broken", f"more than {settings.max_redirects} redirects")


def newest_snapshot(url: str, settings: LinkSettings, hosts: _Hosts | None = None) -> str | None:
    """The Wayback Machine's newest snapshot of `url` (the API's answer without a timestamp), or ''
    when it has none; None when the API did not answer."""
    if not settings.wayback_api:
        return ""
    http_settings = HttpSettings(
        timeout=settings.timeout, retries=1, backoff=settings.backoff, max_wait=settings.max_wait
    )
    asked = query_url(settings.wayback_api, url=url)
    try:
        with (hosts or _Hosts(settings.per_host))(asked):
            reply = json.loads(load_url(asked, http_settings, "application/json"))
    except (FetchError, ValueError):
        return None
    snapshots = reply.get("archived_snapshots") if isinstance(reply, dict) else None
    closest = snapshots.get("closest") if isinstance(snapshots, dict) else None
    if not isinstance(closest, dict) or closest.get("available") is not True:
        return ""
    if not str(closest.get("status") or "200").startswith(
        ("2", "3")
    ):  # a capture of the error page
        return ""
    found = str(closest.get("url") or "")
    if found.startswith("http://web.archive.org/"):
        found = "https://" + found[len("http://") :]
    return found if found.startswith(("https://", "http://")) and " " not in found else ""


def check_links(
    urls: list[str], settings: LinkSettings, sleep: Callable[[float], None] = time.sleep
) -> dict[str, Verdict]:
    """Every URL's verdict, checked concurrently (`workers`, `per_host`)."""
    hosts = _Hosts(settings.per_host)

    def one(url: str) -> Verdict:
        verdict = check_link(url, settings, hosts, sleep)
        if verdict.dead:
            snapshot = newest_snapshot(url, settings, hosts)
            verdict = Verdict(
                url,
                verdict.state,
                verdict.status,
                snapshot=snapshot or "",
                archive_answered=snapshot is not None,
            )
        return verdict

    unique = sorted(set(urls))
    if not unique:
        return {}
    with ThreadPoolExecutor(max_workers=max(1, min(settings.workers, len(unique)))) as pool:
        return dict(zip(unique, pool.map(one, unique), strict=True))
