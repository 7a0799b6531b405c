"""Locate the external checkers; a missing one skips its test, except in CI where it must run."""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib
import os
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_BIN = ROOT / "node_modules" / ".bin"


def require(path_or_command: str | Path, why: str) -> str:
    """Return the tool's path, or skip (fail under CI=true) with a clear reason."""
    candidate = Path(path_or_command)
    found = str(candidate) if candidate.exists() else shutil.which(str(path_or_command))
    if found:
        return found
    message = f"{path_or_command} is not installed: {why}"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true: the tool must be installed, see .ci/run and the Makefile)")
    pytest.skip(message)


def require_module(name: str, why: str):
    """Import and return a Python module, or skip (fail under CI=true) with a clear reason."""
    try:
        return importlib.import_module(name)
    except ImportError:
        message = f"Python module {name} is not installed: {why}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: it must be installed, see pyproject.toml's test extras)")
        pytest.skip(message)


# --- a real browser on a site served from 127.0.0.1 (tests/test_browser.py, test_payloads.py) ----

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a built site quietly; a missing file gets 404.html with status 404, as Pages does."""

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass

    def send_error(self, code, message=None, explain=None):
        not_found = Path(self.directory) / "404.html"
        if code != 404 or not not_found.is_file():
            return super().send_error(code, message, explain)
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextlib.contextmanager
def served_folder(folder: Path):
    """An HTTP server for folder on a free port of 127.0.0.1; yields its base URL."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(SiteHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def chromium_tab(profile: Path, width: int, height: int):
    """A tab of Debian's Chromium through Playwright (skips, or fails in CI, without them)."""
    chromium = require(CHROMIUM, "apt-get install -y chromium (Debian's; never `playwright install`)")
    sync_api = require_module("playwright.sync_api", "pip install -e '.[test]'")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=chromium, headless=True, args=CHROME_FLAGS,
            viewport={"width": width, "height": height})
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()
