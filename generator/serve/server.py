"""``roundup serve``: load the site in memory, serve it on 127.0.0.1, load it again when files
change.

Each file is made when the browser asks for it (live.py), so an edit shows in about a second even on
a ten-year archive. The search index is made by a build in another process, started with the server,
into a folder kept between runs (so a restart indexes only what changed); its files are served once
it is done, and it is not made again on edits. The live-reload script and the error overlay are
added to HTML responses only, never to a built file. A build that fails keeps the last good site
served and shows its problems in the browser."""

from __future__ import annotations

import contextlib
import dataclasses
import html
import json
import mimetypes
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, unquote, urlsplit

import watchfiles

from ..build import build
from ..runtime import exit_now
from ..incremental.cache import BuildCache, cache_folder
from ..options import BuildOptions
from ..errors import BuildError, ContentError
from ..template_errors import describe_template_error
from .live import LiveMemory, LiveSite, load_live_site
from ..content.files import read_source
from ..writer import safe_target
from ..search.pagefind import is_search_file
from ..theme import find_themes_dir
from ..content.settings import validate_site

STATUS_PATH = "/__roundup__/status"
WAIT_S = 20  # a status request with ?after= is answered when something changes, or after this long

LIVE_SCRIPT_PATH = "/__roundup__/live.js"
LIVE_STYLE_PATH = "/__roundup__/live.css"
# Served as files, not inline, so the pages' Content-Security-Policy (no inline script or style)
# holds while serving too; every problem goes into the overlay as text.
LIVE_SCRIPT = """(function () {
  var me = document.currentScript;
  var version = Number(me.dataset.version), seen = Number(me.dataset.changes);
  var heading = me.dataset.heading, status = me.dataset.status;
  function show(problems) {
    var old = document.getElementById("roundup-overlay");
    if (old) old.remove();
    if (!problems.length) return;
    var box = document.createElement("div");
    box.id = "roundup-overlay";
    box.setAttribute("role", "alert");
    var head = document.createElement("strong");
    head.textContent = heading;
    var list = document.createElement("pre");
    list.textContent = problems.join("\\n");
    box.append(head, list);
    document.body.append(box);
  }
  function poll(delay) {  // the server holds the request until the site changes
    setTimeout(function () {
      fetch(status + "?after=" + seen, {cache: "no-store"})
        .then(function (reply) { return reply.json(); })
        .then(function (state) {
          if (state.version !== version) { location.reload(); return; }
          seen = state.changes;
          show(state.problems);
          poll(0);
        })
        .catch(function () { poll(1000); });  // the server restarts, or is gone
    }, delay);
  }
  poll(0);
})();
"""
# Its own colours on every element: the theme's styles (say, of <pre>) must not reach into it.
LIVE_STYLE = """#roundup-overlay { position: fixed; inset: 0; z-index: 2147483647; overflow: auto;
  margin: 0; padding: 2em; background: rgb(20 20 20 / 0.96); color: #fff; color-scheme: dark;
  font: 15px/1.5 ui-monospace, monospace; text-align: left; }
#roundup-overlay strong { display: block; color: #fff; font: inherit; font-weight: 700; }
#roundup-overlay pre { all: unset; display: block; margin: 1em 0 0; color: #fff; background: none;
  font: inherit; white-space: pre-wrap; overflow-wrap: anywhere; }
"""


@dataclass(frozen=True)
class Snapshot:
    """What is served now: the last good build, and the problems of the latest attempt."""

    # the built site with its search index, once the build in the background is done
    root: Path | None = None
    base_path: str = "/"
    version: int = 0
    problems: tuple[str, ...] = ()
    live: LiveSite | None = None  # the site loaded in memory after an edit
    changes: int = 0  # counts every new snapshot, good or failed: what waiting browsers wait for


SITE_FAILS = "roundup: the last change does not build; still showing the last good site"
PAGE_FAILS = "roundup: this page does not build (the rest of the site does)"


def render_overlay(problems: tuple[str, ...], heading: str = SITE_FAILS) -> str:
    if not problems:
        return ""
    items = html.escape("\n".join(problems))
    return (f'<div id="roundup-overlay" role="alert"><strong>{html.escape(heading)}</strong>'
            f"<pre>{items}</pre></div>")


def inject_live_reload(page: str, snapshot: Snapshot, heading: str = SITE_FAILS) -> str:
    """The page with the reload script (and the overlay while a build fails) before </body>."""
    script = (f'<link rel="stylesheet" href="{LIVE_STYLE_PATH}">'
              f'<script id="roundup-live" src="{LIVE_SCRIPT_PATH}" '
              f'data-version="{snapshot.version}" '
              f'data-changes="{snapshot.changes}" data-status="{STATUS_PATH}" '
              f'data-heading="{html.escape(SITE_FAILS)}"></script>')
    addition = render_overlay(snapshot.problems, heading) + script
    index = page.lower().rfind("</body>")
    return page + addition if index < 0 else page[:index] + addition + page[index:]


def describe_failure(error: Exception) -> tuple[str, ...]:
    """One line per problem, ``path:line: field: message`` as in the terminal."""
    if isinstance(error, ContentError):
        return tuple(str(problem) for problem in error.problems if problem.severity == "error")
    described = describe_template_error(error)
    if described:
        return (described,)
    if isinstance(error, BuildError):
        return (str(error),)
    return (f"unexpected {type(error).__name__}: {error}",)


def read_base_path(content_dir: Path) -> str | None:
    """The path prefix of base_url in site.yaml (``/paper-roundup/``), or None when it cannot be
    read."""
    # only this file: reading every issue takes ~0.1 s on a big archive
    path = content_dir / "site.yaml"
    source = read_source(path, str(path))[0] if path.is_file() else None
    site = validate_site(source, []) if source else None
    return site.base_path if site else None


class DevServer:
    """The preview server: start(), then stop(); rebuilds happen on a watcher thread."""

    def __init__(
        self,
        options: BuildOptions,
        port: int = 8000,
        host: str = "127.0.0.1",
        echo: Callable[[str, bool], None] = lambda text, err: None,
        debounce_ms: int = 300,
    ):
        self.options, self.host, self.requested_port = options, host, port
        self.echo, self.debounce_ms = echo, debounce_ms
        self.snapshot = Snapshot()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._watching = threading.Event()
        self._build_lock = threading.Lock()
        self._changed = threading.Condition()
        self._memory: LiveMemory | None = None
        self._indexer: subprocess.Popen | None = None
        self._indexer_lock = threading.Lock()  # stop() kills the indexer, or _index never starts it
        self._httpd: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        return self._httpd.server_address[1] if self._httpd else self.requested_port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{self.snapshot.base_path}"

    @property
    def output_dir(self) -> Path:
        """Where the site is built for its search index: beside the content, one folder per port
        (the port is in every absolute link), kept between runs so that a restart only indexes what
        changed."""
        return (
            Path(self.options.content_dir).resolve().parent
            / ".roundup-cache"
            / "serve"
            / str(self.port)
            / "site"
        )

    def start(self) -> None:
        """Listen (OSError when the port is taken), load the site, then serve, watch and index in
        the background."""
        self._httpd = ThreadingHTTPServer((self.host, self.requested_port), _make_handler(self))
        self._httpd.daemon_threads = True
        self.rebuild()  # before any thread starts: validating issues forks worker processes
        self._spawn(self._httpd.serve_forever, "roundup-http")
        self._spawn(self._watch, "roundup-watch")
        self._spawn(self._index, "roundup-search")
        self._watching.wait(timeout=10)  # changes made after start() returns are seen

    def _spawn(self, target, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until stop() (or the timeout); True when stopped."""
        return self._stop.wait(timeout)

    def stop(self) -> None:
        self._stop.set()
        with self._changed:
            self._changed.notify_all()
        if self._httpd is not None:
            if any(thread.name == "roundup-http" for thread in self._threads):
                self._httpd.shutdown()
            self._httpd.server_close()
        with self._indexer_lock:
            indexer = self._indexer
        if indexer is not None and indexer.poll() is None:
            # it and its workers (its own process group); its output is staged: a build stopped
            # half-way leaves the folder as it was
            with contextlib.suppress(OSError):
                os.killpg(indexer.pid, signal.SIGTERM)
        for thread in self._threads:
            thread.join(timeout=10)

    def watched(self) -> list[Path]:
        content = Path(self.options.content_dir)
        themes = find_themes_dir(content, self.options.themes_dir)
        return [path for path in (content, themes) if path.is_dir()]

    def _watch(self) -> None:
        try:
            # yield_on_timeout: the first (empty) yield says the watcher is set up
            for changes in watchfiles.watch(
                *self.watched(),
                stop_event=self._stop,
                debounce=self.debounce_ms,
                step=50,
                rust_timeout=400,
                yield_on_timeout=True,
                raise_interrupt=False,
            ):
                self._watching.set()
                if self._stop.is_set():
                    return
                if changes:
                    self._on_change(changes)
        except Exception as error:  # noqa: BLE001 - keep serving without live rebuilds
            self.echo(f"Error: watching for changes stopped ({type(error).__name__}: {error}); "
                      "restart 'roundup serve' to rebuild", True)
        finally:
            self._watching.set()

    def _on_change(self, changes) -> None:
        names = sorted({Path(path).name for _, path in changes})
        self.echo(f"Changed: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}", False)
        self.rebuild()

    def rebuild(self) -> Snapshot:
        """Load the next version; on failure keep serving the last good one and record the problems.
        """
        with self._build_lock:
            current = self.snapshot
            base_path = read_base_path(Path(self.options.content_dir)) or current.base_path
            options = self._build_options(base_path)
            started = time.perf_counter()
            try:
                # issues validated by an earlier run's build are in its cache
                if self._memory is None:
                    self._memory = LiveMemory(BuildCache(cache_folder(options.output_dir)))
                live = load_live_site(options, self._memory)
            except Exception as error:  # noqa: BLE001 - any failure is shown, the server goes on
                problems = describe_failure(error)
                for line in problems:
                    self.echo(line, True)
                self.echo(
                    f"Error: the site was not loaded ({len(problems)} problem"
                    f"{'s' if len(problems) != 1 else ''}); still serving the last good one.",
                    True,
                )
                return self._publish(
                    dataclasses.replace(current, problems=problems or ("the build failed",))
                )
            for warning in live.warnings:
                self.echo(str(warning), True)
            self.echo(f"Loaded {live.pages} pages in {time.perf_counter() - started:.2f} s", False)
            return self._publish(
                Snapshot(base_path=base_path, version=current.version + 1, live=live)
            )

    def _build_options(self, base_path: str) -> BuildOptions:
        return dataclasses.replace(self.options, output_dir=self.output_dir, search=True,
                                   base_url=f"http://{self.host}:{self.port}{base_path}")

    def _index(self) -> None:
        """Build the site with its search index in a process of its own (minutes for a ten-year
        archive the first time, seconds when little changed since the last run), then serve its
        search files."""
        started = time.perf_counter()
        options = self._build_options(self.snapshot.base_path)
        # A new interpreter, not a fork (this process has threads) nor multiprocessing's spawn (it
        # imports the __main__ module again, whatever that is).
        with self._indexer_lock:
            # Ctrl-C right after the start: stop() has looked for it already
            if self._stop.is_set():
                return
            self._indexer = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "from generator.serve.server import build_for_search; build_for_search()",
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        reply, _ = self._indexer.communicate(pickle.dumps(options))
        if self._stop.is_set():
            return
        try:
            answer = json.loads(reply)
            problems, notes = answer["problems"], answer["notes"]
        except (ValueError, TypeError, KeyError):
            problems, notes = (
                [f"the search build stopped with status {self._indexer.returncode}"],
                [],
            )
        if problems:
            self.echo(
                f"Error: no search index ({problems[0]}{' ...' if len(problems) > 1 else ''}); "
                "fix the content and restart 'roundup serve' to make it",
                True,
            )
            return
        # the pages are the same: no reload, search files are served from now on
        with self._changed:
            self.snapshot = dataclasses.replace(self.snapshot, root=self.output_dir)
        elapsed = time.perf_counter() - started
        self.echo(
            f"No search index: {notes[0]}" if notes else f"Search index ready in {elapsed:.2f} s",
            bool(notes),
        )

    def _publish(self, snapshot: Snapshot) -> Snapshot:
        """Serve `snapshot`, with the search folder if ready (only _index sets it, maybe while it
        loaded)."""
        with self._changed:
            self.snapshot = dataclasses.replace(
                snapshot, root=self.snapshot.root, changes=self.snapshot.changes + 1
            )
            self._changed.notify_all()
        return self.snapshot

    def wait_for_change(self, seen: int, timeout: float = WAIT_S) -> Snapshot:
        """The snapshot once it is newer than the `seen`th (or after the timeout, or on stop)."""
        with self._changed:
            self._changed.wait_for(
                lambda: self.snapshot.changes != seen or self._stop.is_set(), timeout
            )
            return self.snapshot


def build_for_search() -> None:
    """The build `roundup serve` runs for its search index, in a process of its own: BuildOptions
    (pickled, from the server) on stdin; on stdout (JSON) the problems that stopped it and the notes
    of the search step (say, no Pagefind binary)."""
    options = pickle.load(sys.stdin.buffer)
    if hasattr(os, "nice"):
        os.nice(10)  # the server's own loads, which the editor waits for, come first
    try:
        result = build(options)
        reply = {
            "problems": [],
            "notes": [problem.message for problem in result.warnings if problem.path == "search"],
        }
    # noqa: BLE001 - reported by the server, which goes on without search
    except Exception as error:
        reply = {"problems": list(describe_failure(error)), "notes": []}
    json.dump(reply, sys.stdout)
    exit_now(0)  # freeing the built site object by object would keep the server waiting ~1 s


class _Handler(BaseHTTPRequestHandler):
    """Serves the site of `dev` (a DevServer): made in memory, with the reload script and status."""

    dev: DevServer
    protocol_version = "HTTP/1.1"
    server_version = "roundup-serve"

    def log_message(self, format, *args):  # noqa: A002 - quiet: the terminal shows builds
        pass

    def do_HEAD(self):  # noqa: N802
        self._respond(head=True)

    def do_GET(self):  # noqa: N802
        self._respond(head=False)

    def _send(
        self, status: int, body: bytes, content_type: str, head: bool, extra: dict | None = None
    ):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the tab was closed while it waited: nothing to tell anyone

    def _redirect(self, location: str, head: bool):
        self._send(302, b"", "text/plain", head, {"Location": location})

    def _page(
        self,
        status: int,
        text: str | None,
        snapshot: Snapshot,
        head: bool,
        heading: str = SITE_FAILS,
    ):
        if text is None:
            text = (
                "<!doctype html><title>Not built yet</title><body><h1>The site has not been built "
                "yet</h1><p>Fix the problems below; the page reloads by itself.</p></body>"
            )
        body = inject_live_reload(text, snapshot, heading).encode("utf-8")
        self._send(status, body, "text/html; charset=utf-8", head)

    def _file(self, name: str, data: bytes, snapshot: Snapshot, head: bool, status: int = 200):
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if content_type == "text/html":
            return self._page(status, data.decode("utf-8"), snapshot, head)
        if content_type.startswith("text/") or content_type.endswith(("xml", "javascript", "json")):
            content_type += "; charset=utf-8"
        self._send(status, data, content_type, head)

    def _respond(self, head: bool):
        snapshot = self.dev.snapshot
        url = urlsplit(self.path)
        path = unquote(url.path)
        if path in (LIVE_SCRIPT_PATH, LIVE_STYLE_PATH, STATUS_PATH):
            return self._own_file(path, url.query, snapshot, head)
        if snapshot.root is None and snapshot.live is None:
            return self._page(503, None, snapshot, head)
        base = snapshot.base_path
        if not path.startswith(base):
            if base.startswith(path if path.endswith("/") else path + "/"):
                return self._redirect(base, head)
            return self._not_found(snapshot, head)
        relative = path[len(base):]
        if snapshot.live is not None and not is_search_file(relative):
            return self._live(relative, path, snapshot, head)
        return self._written(relative, path, snapshot, head)

    def _own_file(self, path: str, query: str, snapshot: Snapshot, head: bool):
        """The reload script, its style, and the status it asks for (waiting for a change)."""
        if path == LIVE_SCRIPT_PATH:
            return self._send(200, LIVE_SCRIPT.encode(), "text/javascript; charset=utf-8", head)
        if path == LIVE_STYLE_PATH:
            return self._send(200, LIVE_STYLE.encode(), "text/css; charset=utf-8", head)
        after = parse_qs(query).get("after", [""])[0]
        if after.isdigit():
            snapshot = self.dev.wait_for_change(int(after))
        body = json.dumps({"version": snapshot.version, "problems": list(snapshot.problems),
                           "changes": snapshot.changes}).encode()
        return self._send(200, body, "application/json", head)

    def _written(self, relative: str, path: str, snapshot: Snapshot, head: bool):
        """A file of the last build on disk (the search index)."""
        if snapshot.root is None:  # the search index is not made yet
            return self._not_found(snapshot, head)
        try:
            target = safe_target(snapshot.root, relative) if relative else snapshot.root
            if target.is_dir():
                if not path.endswith("/"):
                    return self._redirect(path + "/", head)
                target = target / "index.html"
            found = target.is_file()
        except (BuildError, ValueError, OSError):  # a way out of the folder, a NUL byte ...
            found = False
        if not found:
            return self._not_found(snapshot, head)
        self._file(target.name, target.read_bytes(), snapshot, head)

    def _live(self, relative: str, path: str, snapshot: Snapshot, head: bool):
        """A file of the site in memory, made now; only paths of the site's files are looked up."""
        name = relative + "index.html" if relative.endswith("/") or not relative else relative
        assert snapshot.live is not None  # asked for only when a site is loaded
        if name not in snapshot.live:
            if f"{relative}/index.html" in snapshot.live:
                return self._redirect(path + "/", head)
            return self._not_found(snapshot, head)
        try:
            data = snapshot.live.file(name)
        # noqa: BLE001 - a template failing on this page: say so in the page
        except Exception as error:
            failed = dataclasses.replace(snapshot, problems=describe_failure(error))
            return self._page(
                500,
                "<!doctype html><title>Not built</title><body></body>",
                failed,
                head,
                PAGE_FAILS,
            )
        self._file(name, data, snapshot, head)

    def _not_found(self, snapshot: Snapshot, head: bool):
        if snapshot.live is not None and "404.html" in snapshot.live:
            return self._file("404.html", snapshot.live.file("404.html"), snapshot, head, 404)
        page = snapshot.root / "404.html" if snapshot.root else None
        if page is not None and page.is_file():
            return self._file("404.html", page.read_bytes(), snapshot, head, 404)
        self._send(404, b"Not found", "text/plain; charset=utf-8", head)



def _make_handler(server: DevServer) -> type[_Handler]:
    return type("Handler", (_Handler,), {"dev": server})
