"""Reading paper metadata over HTTP for the editor commands: one polite client, one record type.

``load_url`` is the only function here that touches the network; the rest is pure.
"""

from __future__ import annotations

import datetime as dt
import http.client
import re
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlencode, urlsplit

from .. import __version__
from ..errors import EditorError

USER_AGENT = f"paper-roundup/{__version__} (weekly paper digest editor; Python-urllib)"
RETRY_STATUSES = (429, 502, 503, 504)  # busy or rate-limited: worth another try after a pause
MAX_REPLY_BYTES = 32 * 1024 * 1024

# Characters a YAML file may not contain, even in a comment (PyYAML's reader refuses them).
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_GITHUB_RE = re.compile(r"(?:https?://)?(?:www\.)?github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)"
                        r"/([A-Za-z0-9._-]+)", re.IGNORECASE)


class FetchError(EditorError):
    """The network, the server or its reply failed us."""


class HttpStatusError(FetchError):
    """The server answered with an error status (after any retries); ``status`` says which."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class PaperMetadata:
    """What a source tells about one paper, cleaned up and ready to become a record."""

    arxiv: str  # without version
    title: str
    authors: tuple[str, ...] = ()
    published: dt.date | None = None
    abstract: str = ""
    code_url: str = ""
    upvotes: int | None = None
    version: int | None = None  # the arXiv version fetched (recorded in papers.lock.yaml)


@dataclass(frozen=True)
class HttpSettings:
    timeout: float = 30.0  # seconds for one request
    retries: int = 3  # further tries after a busy reply
    backoff: float = 3.0  # seconds before the first retry, doubled each time (Retry-After wins)
    max_wait: float = 60.0


def clean_text(text: object) -> str:
    """One line of text: whitespace collapsed, characters YAML cannot hold dropped."""
    return " ".join(_NON_PRINTABLE.sub("", str(text or "")).split())


def find_code_url(text: str) -> str:
    """The first GitHub repository named in a text, as an https URL, or ''."""
    for match in _GITHUB_RE.finditer(text or ""):
        owner, repo = match.group(1), match.group(2).rstrip(".")
        repo = repo[:-4] if repo.lower().endswith(".git") else repo
        if repo and repo not in (".", "..") and owner.lower() not in ("orgs", "features", "topics"):
            return f"https://github.com/{owner}/{repo}"
    return ""


def parse_date(text: object) -> dt.date | None:
    """The date of an ISO timestamp such as 2024-06-07T17:59:59Z, or None."""
    try:
        return dt.date.fromisoformat(str(text or "")[:10])
    except ValueError:
        return None


def _retry_wait(header: str | None, attempt: int, settings: HttpSettings) -> float:
    try:
        wait = float(header) if header is not None else settings.backoff * 2 ** attempt
    except ValueError:  # an HTTP date: use our own back-off
        wait = settings.backoff * 2 ** attempt
    return max(0.0, min(wait, settings.max_wait))


def load_url(url: str, settings: HttpSettings = HttpSettings(), accept: str = "*/*",
             sleep: Callable[[float], None] = time.sleep) -> bytes:
    """GET a URL with an honest User-Agent and a timeout; retry with back-off while the server is
    busy."""
    host = urlsplit(url).netloc or url
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})
    for attempt in range(settings.retries + 1):
        try:
            # noqa: S310
            with urllib.request.urlopen(request, timeout=settings.timeout) as response:
                data = response.read(MAX_REPLY_BYTES + 1)
            if len(data) > MAX_REPLY_BYTES:
                raise FetchError(f"{host} sent a reply larger than {MAX_REPLY_BYTES // 2**20} MiB")
            return data
        except urllib.error.HTTPError as error:
            if error.code in RETRY_STATUSES and attempt < settings.retries:
                sleep(_retry_wait(error.headers.get("Retry-After"), attempt, settings))
                continue
            tries = f" after {attempt + 1} tries" if attempt else ""
            raise HttpStatusError(
                f"{host} answered HTTP {error.code} {error.reason}{tries}", error.code
            ) from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise FetchError(f"{host} did not answer within {settings.timeout:g} s") from None
            raise FetchError(
                f"cannot reach {host}: {getattr(reason, 'strerror', None) or reason}"
            ) from None
        except (TimeoutError, socket.timeout):
            raise FetchError(f"{host} did not answer within {settings.timeout:g} s") from None
        except (http.client.HTTPException, OSError) as error:
            raise FetchError(
                f"the connection to {host} failed: {error or type(error).__name__}"
            ) from None
    raise FetchError(f"{host} stayed busy")  # pragma: no cover - the loop always returns or raises


def query_url(base: str, **params: str) -> str:
    """base?name=value&...; a base that already has a query keeps it."""
    return base + ("&" if "?" in base else "?") + urlencode(params, safe=",/:")
