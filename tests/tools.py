"""The helpers that test files share (test files import from here, never from each other).

- the sample content's facts, read with PyYAML independently of the generator;
- a detector of script in HTML, for the hostile-content tests of every page, feed and theme;
- the external checkers: a missing one skips its test, except in CI where it must run;
- a real browser on a site served from 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib
import json
import os
import re
import shutil
import threading
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# A copy of the shipped sample: tests never read content/, which a fork replaces with its own.
SAMPLE_CONTENT = FIXTURES / "sample"
NODE_BIN = ROOT / "node_modules" / ".bin"


# --- the sample content, read independently of the generator ----------------------------------

BASE_PATH = "/paper-roundup/"  # the path of the sample's base_url
JUNE = "2024-06-16"  # the sample's big issue (31 papers)
ISSUE_SLUGS = ("2024-06-16", "2025-08-17", "2025-08-24")


def _load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


SITE_YAML = _load(SAMPLE_CONTENT / "site.yaml")
ISSUES_YAML = {slug: _load(SAMPLE_CONTENT / "issues" / f"{slug}.yaml") for slug in ISSUE_SLUGS}
CATEGORY_ORDER = [c["slug"] for c in SITE_YAML["categories"]]
CATEGORY_NAMES = {c["slug"]: c["name"] for c in SITE_YAML["categories"]}


def arxiv_id(paper: dict) -> str:
    """The paper's arXiv id without its version, as the generator names the paper's page."""
    return re.sub(r"v\d+$", "", str(paper["arxiv"]))


def html_pages(site: Path) -> list[Path]:
    """Every web page of a built site.

    issues/<slug>/email.html is an email body, not a page (no <link>, no canonical, absolute
    links): tests/test_email.py checks it.
    """
    return sorted(p for p in site.rglob("*.html") if p.name != "email.html")


# --- script in HTML: the hostile-content tests (test_safety, test_feeds_full, test_themes) ------

DANGEROUS_ELEMENTS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data",
                  "background", "cite", "ping", "srcset", "lowsrc", "dynsrc"}
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")


def _normalise_url(value: str) -> str:
    # What a browser does before reading the scheme: strip C0 controls and spaces at both ends,
    # drop tabs and newlines anywhere, compare case-insensitively.
    value = value.strip("".join(chr(c) for c in range(0x21)))
    return re.sub(r"[\t\n\r]", "", value).lower()


def _is_json_data_block(element) -> bool:
    """A <script type=application/ld+json> holding only valid JSON is data, not code."""
    kind = (element.get("type") or "").strip().lower()
    if kind not in ("application/ld+json", "application/json"):
        return False
    if element.find(True) is not None or set(element.attrs) - {"type"}:
        return False
    try:
        json.loads(element.string or "")
    except ValueError:
        return False
    return True


def _is_theme_script(element, script_path: str | None) -> bool:
    """<script src="{script_path}name.js" [defer]></script>: the theme's own file, nothing inline.

    Only a plain same-site path under the site's /static/js/ (script_path) counts: no other host or
    scheme, no `..`, no query, no inline code and no attribute but src, defer and async.
    """
    if script_path is None or set(element.attrs) - {"src", "defer", "async"}:
        return False
    src = element.get("src")
    if not isinstance(src, str) or element.contents:
        return False
    name = r"[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*\.js"
    return re.fullmatch(re.escape(script_path) + name, src) is not None


def _attribute_dangers(element) -> list[str]:
    """The element's event handlers and script/data URLs, in attribute order."""
    found = []
    for attribute, value in element.attrs.items():
        if attribute.lower().startswith("on"):
            found.append(f"<{element.name} {attribute}=...> event handler")
        if attribute.lower() not in URL_ATTRIBUTES:
            continue
        for url in value if isinstance(value, list) else [value]:
            candidates = [part.strip().split(" ")[0] for part in url.split(",")] \
                if attribute.lower() == "srcset" else [url]
            found += [f"<{element.name} {attribute}={candidate!r}>" for candidate in candidates
                      if _normalise_url(candidate).startswith(DANGEROUS_SCHEMES)]
    return found


def dangers(html: str, script_path: str | None = None) -> list[str]:
    """Every script element, event handler or script/data URL in an HTML document or fragment.

    script_path (e.g. "/site/static/js/") allows the theme's own external scripts from that folder
    of the site, such as the paper page's copy button; feed and email content allows none.
    """
    found = []
    for element in BeautifulSoup(html, "html.parser").find_all(True):
        if element.name == "script" and _is_json_data_block(element):
            continue  # structured data (JSON-LD): never executed
        if element.name == "script" and _is_theme_script(element, script_path):
            continue  # the theme's own file, e.g. the copy button: no content can reach it
        if element.name in DANGEROUS_ELEMENTS:
            found.append(f"<{element.name}> element")
        found += _attribute_dangers(element)
        if element.name == "meta" and str(element.get("http-equiv") or "").lower() == "refresh":
            found.append("<meta http-equiv=refresh>")
    return found


def feed_fragments(path: Path) -> list[tuple[str, str]]:
    """(where, text) of every feed element a reader renders as HTML.

    RSS <description> and <content:encoded> are HTML by convention; an Atom text construct is HTML
    unless its type is "text" (the default). Plain-text titles are shown as text, so they may
    legitimately contain "<script>" as characters.
    """
    root = etree.parse(str(path)).getroot()
    fragments = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element.text is None:
            continue
        name = etree.QName(element)
        if name.namespace == "http://www.w3.org/2005/Atom":
            is_html = name.localname in ("content", "summary", "title", "subtitle", "rights") \
                and (element.get("type") or "text") != "text"
        else:
            is_html = name.localname in ("description", "encoded")
        if is_html:
            fragments.append((f"{path.name}:{name.localname}", element.text))
    return fragments



# --- external checkers ---------------------------------------------------------------------



def require(path_or_command: str | Path, why: str) -> str:
    """Return the tool's path, or skip (fail under CI=true) with a clear reason."""
    candidate = Path(path_or_command)
    found = str(candidate) if candidate.exists() else shutil.which(str(path_or_command))
    if found:
        return found
    message = f"{path_or_command} is not installed: {why}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true: the tool must be installed, "
                    "see .ci/run and the Makefile)")
    pytest.skip(message)


def require_module(name: str, why: str):
    """Import and return a Python module, or skip (fail under CI=true) with a clear reason."""
    try:
        return importlib.import_module(name)
    except ImportError:
        message = f"Python module {name} is not installed: {why}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: it must be installed, "
                        "see pyproject.toml's test extras)")
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
    chromium = require(CHROMIUM,
                       "apt-get install -y chromium (Debian's; never `playwright install`)")
    sync_api = require_module("playwright.sync_api", "pip install -e '.[test]'")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=chromium, headless=True, args=CHROME_FLAGS,
            viewport={"width": width, "height": height})
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()
