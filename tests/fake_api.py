"""A local stand-in for the arXiv and Hugging Face APIs: http.server on 127.0.0.1, port 0.

It serves the recorded replies in tests/fixtures/arxiv/ and tests/fixtures/hf/ and records every
request, so tests can check the query and the User-Agent. No test touches the internet.
"""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARXIV_FIXTURES = FIXTURES / "arxiv"
HF_FIXTURES = FIXTURES / "hf"

Reply = tuple[int, dict, bytes]
ATOM = {"Content-Type": "application/atom+xml; charset=utf-8"}


def _recorded_entries() -> dict[str, str]:
    """Every <entry> of the recorded replies, by arXiv id without version."""
    entries = {}
    for path in sorted(ARXIV_FIXTURES.glob("*.xml")):
        for entry in re.findall(r"  <entry>.*?</entry>\n", path.read_text(encoding="utf-8"), re.S):
            match = re.search(r"<id>http://arxiv.org/abs/(.+?)(v\d+)?</id>", entry)
            if match:
                entries[match.group(1)] = entry
    return entries


def arxiv_reply(path: str) -> Reply:
    """A reply in the arXiv API's format with the recorded entry of each id asked for.

    An id arXiv would call malformed gets its error reply (error.xml), as the real API does.
    """
    query = parse_qs(urlsplit(path).query)
    ids = [i for i in query.get("id_list", [""])[0].split(",") if i]
    if any(not re.match(r"^\d{4}\.\d{4,5}$", arxiv) for arxiv in ids):
        return 200, ATOM, (ARXIV_FIXTURES / "error.xml").read_bytes()
    recorded = _recorded_entries()
    found = "".join(recorded[arxiv] for arxiv in ids if arxiv in recorded)
    empty = (ARXIV_FIXTURES / "empty.xml").read_text(encoding="utf-8")
    count = sum(1 for arxiv in ids if arxiv in recorded)
    body = empty.replace(">0</opensearch:totalResults>", f">{count}</opensearch:totalResults>")
    body = body.replace("</feed>", found + "</feed>")
    return 200, ATOM, body.encode("utf-8")


def hf_reply(path: str) -> Reply:
    """The recorded daily papers for ?date=YYYY-MM-DD (file daily_<date>.json), else an empty list.
    """
    date = parse_qs(urlsplit(path).query).get("date", [""])[0]
    recorded = HF_FIXTURES / f"daily_{date}.json"
    body = recorded.read_bytes() if recorded.is_file() else b"[]"
    return 200, {"Content-Type": "application/json; charset=utf-8"}, body


class FakeApi:
    """Start with ``with FakeApi(arxiv_reply) as api:``; ``api.url`` is the base URL to pass on."""

    def __init__(self, respond, path: str = "/api/query"):
        self.respond, self.path = respond, path
        self.requests: list[tuple[str, dict]] = []
        self.queued: list[Reply] = []  # replies given first, before respond() (e.g. 503s)
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):  # noqa: A002
                pass

            def do_GET(self):  # noqa: N802
                api.requests.append((self.path, dict(self.headers)))
                status, headers, body = api.queued.pop(0) if api.queued else api.respond(self.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{self.path}"

    def __enter__(self) -> "FakeApi":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (the port was just freed)."""
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/query"


# ---- papers that change after they were featured (roundup refresh) ----

def arxiv_entry(
    arxiv: str,
    version: int,
    updated: str,
    title: str,
    published: str = "",
    comment: str = "",
    journal_ref: str = "",
    doi: str = "",
    summary: str = "An abstract.",
) -> str:
    """One <entry> as the arXiv API writes it: its id names the latest version, <updated> is that
    version's date, and the arxiv: elements declare their namespace inline."""
    arxiv_ns = 'xmlns:arxiv="http://arxiv.org/schemas/atom"'
    extra = "".join(
        f"    <arxiv:{name} {arxiv_ns}>{value}</arxiv:{name}>\n"
        for name, value in (("comment", comment), ("journal_ref", journal_ref), ("doi", doi))
        if value
    )
    doi_link = (
        f'    <link title="doi" href="http://dx.doi.org/{doi}" rel="related"/>\n' if doi else ""
    )
    return (
        f"  <entry>\n    <id>http://arxiv.org/abs/{arxiv}v{version}</id>\n"
        f"    <updated>{updated}</updated>\n    <published>{published or updated}</published>\n"
        f"    <title>{title}</title>\n    <summary>  {summary}\n</summary>\n"
        f"    <author>\n      <name>Ada Lovelace</name>\n    </author>\n{extra}"
        f'    <link href="http://arxiv.org/abs/{arxiv}v{version}" rel="alternate" '
        'type="text/html"/>\n'
        f'    <link title="pdf" href="http://arxiv.org/pdf/{arxiv}v{version}" rel="related" '
        'type="application/pdf"/>\n'
        f"{doi_link}"
        f'    <arxiv:primary_category {arxiv_ns} term="cs.CL" '
        'scheme="http://arxiv.org/schemas/atom"/>\n'
        f'    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>\n  </entry>\n'
    )


class PaperWorld:
    """What arXiv and Hugging Face say about papers now, editable between requests in a test:
    `entries` arXiv id -> <entry> text (arxiv_entry), `hf` arXiv id -> the paper object of
    GET /api/papers/<id> (absent: 404, as HF answers for a paper it does not know)."""

    def __init__(self):
        self.entries: dict[str, str] = {}
        self.hf: dict[str, dict] = {}

    def arxiv(self, path: str) -> Reply:
        query = parse_qs(urlsplit(path).query)
        ids = [i for i in query.get("id_list", [""])[0].split(",") if i]
        if any(not re.match(r"^\d{4}\.\d{4,5}$", arxiv) for arxiv in ids):
            return 200, ATOM, (ARXIV_FIXTURES / "error.xml").read_bytes()
        found = [self.entries[arxiv] for arxiv in ids if arxiv in self.entries]
        empty = (ARXIV_FIXTURES / "empty.xml").read_text(encoding="utf-8")
        body = empty.replace(
            ">0</opensearch:totalResults>", f">{len(found)}</opensearch:totalResults>"
        )
        return 200, ATOM, body.replace("</feed>", "".join(found) + "</feed>").encode("utf-8")

    def papers(self, path: str) -> Reply:
        import json
        match = re.match(r"^/api/papers/([^/?]+)$", urlsplit(path).path)
        paper = self.hf.get(match.group(1)) if match else None
        json_type = {"Content-Type": "application/json; charset=utf-8"}
        if paper is None:
            return 404, json_type, b'{"error":"Paper not found"}'
        return 200, json_type, json.dumps(paper).encode("utf-8")


def hf_paper(arxiv: str, title: str, upvotes: int, repo: str = "", stars: int | None = None,
             project_page: str = "") -> dict:
    """A paper object of GET https://huggingface.co/api/papers/<id>, with the fields it has."""
    paper = {
        "id": arxiv,
        "authors": [{"_id": "66a1", "name": "Ada Lovelace", "hidden": False}],
        "mediaUrls": [],
        "publishedAt": "2024-06-07T07:04:10.000Z",
        "submittedOnDailyAt": "2024-06-10T01:00:00.000Z",
        "title": title,
        "summary": "An abstract.",
        "upvotes": upvotes,
        "discussionId": "66a1b2c3d4e5f6000000aa",
        "ai_summary": "A summary.",
        "ai_keywords": ["agents"],
    }
    if repo:
        paper["githubRepo"] = repo
    if stars is not None:
        paper["githubStars"] = stars
    if project_page:
        paper["projectPage"] = project_page
    return paper
