"""Local stand-ins for the Buttondown, Mastodon and Bluesky APIs, in their real formats.

Each is an http.server on 127.0.0.1 (port 0) that keeps what it was sent, so tests can read the
requests as the real service would, and answers with replies shaped like the real ones
(Buttondown's Email and EmailPage objects, Mastodon's Status, XRPC's session and record refs).
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


Route = Callable[[Request, re.Match], tuple[int, Any]]


@dataclass
class FakeApi:
    routes: list[tuple[str, str, Route]] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    fail_next: list[tuple[int, Any]] = field(default_factory=list)  # replies before any route

    def route(self, method: str, pattern: str, handler: Route) -> None:
        self.routes.append((method, pattern, handler))

    def answer(self, request: Request) -> tuple[int, Any]:
        self.requests.append(request)
        if self.fail_next:
            return self.fail_next.pop(0)
        for method, pattern, handler in self.routes:
            match = re.fullmatch(pattern, request.path)
            if method == request.method and match:
                return handler(request, match)
        return 404, {"detail": "Not found."}


@contextlib.contextmanager
def serve(api: FakeApi) -> Iterator[str]:
    """Yields the server's base URL, such as http://127.0.0.1:PORT."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002
            pass

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            status, reply = api.answer(Request(self.command, self.path, dict(self.headers), body))
            data = b"" if reply is None else json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _any

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# --- Buttondown: /v1/emails (EmailPage, Email), /v1/emails/{id}/send-draft -------------------

def buttondown(key: str, emails: list[dict] | None = None, page_size: int = 2) -> FakeApi:
    """Buttondown with the given emails already made; `Authorization: Token KEY` required."""
    api = FakeApi()
    stored = emails if emails is not None else []
    api.emails = stored  # type: ignore[attr-defined]

    def authorised(request: Request) -> bool:
        return request.headers.get("Authorization") == f"Token {key}"

    def listing(request: Request, match: re.Match) -> tuple[int, Any]:
        if not authorised(request):
            return 401, {"detail": "Invalid token."}
        page = int(re.search(r"[?&]page=(\d+)", request.path).group(1)) \
            if "page=" in request.path else 1
        newest = sorted(stored, key=lambda e: e["creation_date"], reverse=True)
        chunk = newest[(page - 1) * page_size: page * page_size]
        more = len(newest) > page * page_size
        host = request.headers["Host"]
        return 200, {"results": chunk, "count": len(stored), "previous": None,
                     "next": f"http://{host}/v1/emails?ordering=-creation_date&page={page + 1}"
                     if more else None}

    def create(request: Request, match: re.Match) -> tuple[int, Any]:
        if not authorised(request):
            return 401, {"detail": "Invalid token."}
        body = request.body or {}
        if not body.get("subject"):
            return 400, {"code": "subject_invalid", "detail": "Subject is required."}
        email = {"id": f"em_{len(stored) + 1:026d}", "creation_date":
                 f"2025-01-{len(stored) + 10:02d}T10:00:00Z", "absolute_url": "", "analytics": None,
                 "attachments": [], "body": body["body"], "canonical_url":
                 body.get("canonical_url", ""), "commenting_mode": "enabled", "description":
                 body.get("description", ""), "email_type": "public", "featured": False,
                 "filters": {}, "image": "", "metadata": body.get("metadata", {}),
                 "modification_date": "2025-01-10T10:00:00Z", "publish_date": None,
                 "related_email_ids": [], "secondary_id": None, "slug": "", "source": "api",
                 "status": body.get("status", "about_to_send"), "subject": body["subject"],
                 "archival_mode": "enabled", "should_trigger_pay_per_email_billing": False}
        stored.append(email)
        return 201, email

    def send_draft(request: Request, match: re.Match) -> tuple[int, Any]:
        if not any(e["id"] == match.group(1) for e in stored):
            return 404, {"detail": "Not found."}
        return 200, None

    api.route("GET", r"/v1/emails(\?.*)?", listing)
    api.route("POST", r"/v1/emails", create)
    api.route("POST", r"/v1/emails/([^/]+)/send-draft", send_draft)
    return api
