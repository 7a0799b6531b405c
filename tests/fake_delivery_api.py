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


# --- Mastodon: /api/v1/statuses (Status), verify_credentials (Account), account statuses -----

def mastodon(token: str, lose_reply: bool = False) -> FakeApi:  # noqa: C901 - its routes
    """A Mastodon server for one account; `lose_reply`: the first post is made, then answered
    with a 500, as when the reply is lost on the way back."""
    api = FakeApi()
    statuses: list[dict] = []
    keys: dict[str, dict] = {}
    api.statuses = statuses  # type: ignore[attr-defined]
    lost = [lose_reply]
    account = {"id": "109348", "username": "digest", "acct": "digest",
               "display_name": "Minimal Digest", "url": "https://mastodon.example/@digest"}

    def authorised(request: Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {token}"

    def denied() -> tuple[int, Any]:
        return 401, {"error": "The access token is invalid"}

    def credentials(request: Request, match: re.Match) -> tuple[int, Any]:
        return (200, account) if authorised(request) else denied()

    def listing(request: Request, match: re.Match) -> tuple[int, Any]:
        if not authorised(request):
            return denied()
        return 200, list(reversed(statuses))[:40] if match.group(1) == account["id"] else []

    def create(request: Request, match: re.Match) -> tuple[int, Any]:
        if not authorised(request):
            return denied()
        key = request.headers.get("Idempotency-Key", "")
        if key and key in keys:
            return 200, keys[key]
        text = (request.body or {}).get("status", "")
        if len(re.sub(r"https?://\S+", "x" * 23, text)) > 500 or not text:  # a link counts 23
            return 422, {"error": "Validation failed: Text character limit of 500 exceeded"}
        number = str(110000 + len(statuses))
        linked = re.sub(r"(https?://\S+)", r'<a href="\1" rel="nofollow noopener">\1</a>',
                        html_escape(text))
        status = {"id": number, "created_at": "2025-01-10T10:00:00.000Z",
                  "visibility": request.body.get("visibility", "public"), "uri":
                  f"https://mastodon.example/users/digest/statuses/{number}",
                  "url": f"https://mastodon.example/@digest/{number}", "account": account,
                  "content": "<p>" + linked.replace("\n\n", "</p><p>") + "</p>",
                  "media_attachments": [], "mentions": [], "tags": [], "emojis": []}
        statuses.append(status)
        if key:
            keys[key] = status
        if lost[0]:
            lost[0] = False
            return 500, {"error": "We're sorry, but something went wrong on our end."}
        return 200, status

    api.route("GET", r"/api/v1/accounts/verify_credentials", credentials)
    api.route("GET", r"/api/v1/accounts/([^/?]+)/statuses(?:\?.*)?", listing)
    api.route("POST", r"/api/v1/statuses", create)
    return api


def html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- Bluesky (XRPC): createSession, getRecord, createRecord -----------------------------------

def bluesky(handle: str, password: str, lose_reply: bool = False) -> FakeApi:  # noqa: C901
    api = FakeApi()
    records: dict[str, dict] = {}
    api.records = records  # type: ignore[attr-defined]
    did = "did:plc:z72i7hdynmk6r22z27h6tvur"
    lost = [lose_reply]

    def authorised(request: Request) -> bool:
        return request.headers.get("Authorization") == "Bearer access-jwt-1"

    def session(request: Request, match: re.Match) -> tuple[int, Any]:
        body = request.body or {}
        if body.get("identifier") != handle or body.get("password") != password:
            return 401, {"error": "AuthenticationRequired",
                         "message": "Invalid identifier or password"}
        return 200, {"accessJwt": "access-jwt-1", "refreshJwt": "refresh-jwt-1",
                     "handle": handle, "did": did, "active": True}

    def get_record(request: Request, match: re.Match) -> tuple[int, Any]:
        if not authorised(request):
            return 401, {"error": "AuthenticationRequired", "message": "Authentication Required"}
        query = dict(part.split("=", 1) for part in match.group(1).split("&"))
        uri = f"at://{did}/{query['collection']}/{query['rkey']}"
        if uri not in records:
            return 400, {"error": "RecordNotFound", "message": f"Could not locate record: {uri}"}
        return 200, {"uri": uri, "cid": "bafyreiexample", "value": records[uri]}

    def create_record(request: Request, match: re.Match) -> tuple[int, Any]:
        if not authorised(request):
            return 401, {"error": "AuthenticationRequired", "message": "Authentication Required"}
        body = request.body or {}
        key = body.get("rkey", "")
        if not re.fullmatch(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}", key):
            return 400, {"error": "InvalidRequest", "message": "Invalid TID"}
        uri = f"at://{body.get('repo')}/{body.get('collection')}/{key}"
        if uri in records:
            return 400, {"error": "InvalidRequest", "message": "Record already exists"}
        records[uri] = body["record"]
        if lost[0]:
            lost[0] = False
            return 500, {"error": "InternalServerError", "message": "Internal Server Error"}
        return 200, {"uri": uri, "cid": "bafyreiexample", "validationStatus": "valid",
                     "commit": {"cid": "bafyreicommit", "rev": "3l3qo2vutsw2b"}}

    api.route("POST", r"/xrpc/com\.atproto\.server\.createSession", session)
    api.route("GET", r"/xrpc/com\.atproto\.repo\.getRecord\?(.*)", get_record)
    api.route("POST", r"/xrpc/com\.atproto\.repo\.createRecord", create_record)
    return api
