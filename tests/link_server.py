"""A local web server with links of every fate, and a fake Wayback Machine availability API.

http.server on 127.0.0.1 (port 0); every request is recorded (path, User-Agent), so tests can
tell what was asked for and how often. The availability API answers in its real format
(https://archive.org/help/wayback_api.php): a snapshot for /gone only.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from review_repo import REVIEW_FIXTURES

SLOW_SECONDS = 4.0  # longer than any timeout the tests give
SIMPLE = {  # path: (status, headers)
    "/fine": (200, {}),
    "/fine-new": (200, {}),
    "/flaky": (200, {}),  # after its first reply
    "/slow": (200, {}),  # after SLOW_SECONDS
    "/gone": (404, {}),
    "/removed": (410, {}),
    "/old": (301, {"Location": "{server}/older"}),  # a chain of permanent redirects ...
    "/older": (308, {"Location": "/fine-new"}),  # ... the second one relative
    "/temporary": (302, {"Location": "/fine"}),
    "/busy": (429, {"Retry-After": "0"}),
}


class LinkServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a slow reply still sleeping must not hold up the test's end

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[tuple[str, str]] = []  # (path with query, User-Agent)
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def asked(self, path: str) -> int:
        with self.lock:
            return sum(1 for asked, _ in self.requests if urlsplit(asked).path == path)


class _Handler(BaseHTTPRequestHandler):
    server: LinkServer

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def _send(self, status: int, headers: dict | None = None, body: bytes = b"ok") -> None:
        try:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (the slow link)
            pass

    def do_GET(self):  # noqa: N802 - http.server's name
        path = urlsplit(self.path).path
        with self.server.lock:
            earlier = sum(1 for asked, _ in self.server.requests if urlsplit(asked).path == path)
            self.server.requests.append((self.path, self.headers.get("User-Agent", "")))
        if path == "/slow":
            time.sleep(SLOW_SECONDS)
        if path == "/wayback/available":
            self._wayback(parse_qs(urlsplit(self.path).query).get("url", [""])[0])
        elif path == "/flaky" and earlier == 0:  # busy once, then fine
            self._send(503, {"Retry-After": "0"})
        else:
            status, headers = SIMPLE.get(path, (404, {}))
            location = headers.get("Location", "")
            if location.startswith("{server}"):
                headers = {"Location": location.replace("{server}", self.server.url)}
            self._send(status, headers)

    def _wayback(self, url: str) -> None:
        if url.endswith("/gone"):
            reply = {
                "url": url,
                "archived_snapshots": {
                    "closest": {
                        "status": "200",
                        "available": True,
                        "timestamp": "20240101000000",
                        "url": f"{self.server.url}/web/20240101000000/{url}",
                    }
                },
            }
        else:
            reply = {"url": url, "archived_snapshots": {}}
        self._send(200, {"Content-Type": "application/json"}, json.dumps(reply).encode())


@contextlib.contextmanager
def link_server():
    server = LinkServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def write_links_issue(content: Path, server: LinkServer, slug: str = "2024-02-04") -> Path:
    """tests/fixtures/review/links-issue.yaml with its links pointing at the server."""
    text = (REVIEW_FIXTURES / "links-issue.yaml").read_text(encoding="utf-8")
    target = content / "issues" / f"{slug}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text.replace("{server}", server.url), encoding="utf-8")
    return target
