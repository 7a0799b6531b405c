"""The built sample site in a real browser (Debian's Chromium driven by Playwright), in both themes.

For every page type at a phone (390 px) and a desktop (1280 px) width: no horizontal scroll, no
console errors, no axe-core violations, and a screenshot in site-screenshots/ for a person to look
at. Lighthouse (mobile preset) on the home, an issue and a paper page.

One browser for the module, one tab reused for every page; each page is visited once per width and
theme, and the three checks read the same visit. Outside CI the module skips when Chromium,
Playwright or the npm tools are missing; with CI=true it must run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time

import pytest

from conftest import ROOT, build, themed_content
from generator.options import BuildOptions
from generator.serve.server import DevServer
from tools import (
    CHROME_FLAGS,
    CHROMIUM,
    ISSUES_YAML,
    NODE_BIN,
    chromium_tab,
    require,
    served_folder,
)

THEMES = ("default", "classic")
WIDTHS = (390, 1280)
HEIGHTS = {390: 844, 1280: 800}
# One page of every type, by its path under the site root.
PAGES = {
    "home": "",
    "issue": "issues/2024-06-16/",
    "category": "categories/reasoning/",
    "tag": "tags/kv-cache/",
    "paper": "papers/2406.05981/",
    "author": "authors/haoran-you/",
    "search": "search/?q=quantization",  # with results, filters and the issue links under them
    "archive": "archive/",
    "tags": "tags/",
    "about": "about/",
    "subscribe": "subscribe/",
    "404": "no/such/page/",  # served as 404.html with status 404, as GitHub Pages does
}
LIGHTHOUSE_PAGES = ("home", "issue", "paper")
LIGHTHOUSE_FLOORS = {"accessibility": 0.95, "best-practices": 0.95, "seo": 0.95, "performance": 0.8}
# performance only: it depends on the machine's load, so the best of 3 runs counts
LIGHTHOUSE_TRIES = 3
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_URL = "__tests__/axe.min.js"  # served beside the site: the pages' CSP allows no inline script
SCREENSHOTS = ROOT / "site-screenshots"


# --- the site, built and served on 127.0.0.1 --------------------------------------------------

@pytest.fixture(scope="module", params=THEMES)
def served(request, tmp_path_factory):
    """(theme, base URL) of the sample site built with that theme and served on a free port."""
    theme = request.param
    root = tmp_path_factory.mktemp(f"browser-{theme}")
    site = root / "site"
    site.mkdir()
    with served_folder(site) as base_url:
        build(themed_content(root / "content", theme), site, "--base-url", base_url, "-q")
        if AXE.is_file():
            (site / AXE_URL).parent.mkdir()
            shutil.copy(AXE, site / AXE_URL)
        yield theme, base_url


# --- one browser, one tab -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def tab(tmp_path_factory):
    """A Chromium tab that records console errors and uncaught exceptions in tab.errors."""
    require(AXE, "run `npm ci` (axe-core is pinned in package.json)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with chromium_tab(profile, WIDTHS[0], HEIGHTS[WIDTHS[0]]) as page:
        page.errors = []
        page.on(
            "console",
            lambda message: page.errors.append(message) if message.type == "error" else None,
        )
        page.on("pageerror", lambda error: page.errors.append(error))
        yield page


_VISITS: dict[tuple[str, str, int], dict] = {}


def visit(tab, served, kind: str, width: int) -> dict:
    """Open one page at one width (once): its scroll width, console errors and axe violations."""
    theme, base_url = served
    key = (theme, kind, width)
    if key in _VISITS:
        return _VISITS[key]
    url = base_url + PAGES[kind]
    tab.set_viewport_size({"width": width, "height": HEIGHTS[width]})
    tab.errors.clear()
    response = tab.goto(url, wait_until="load")
    assert response is not None and response.status == (404 if kind == "404" else 200), url
    if kind == "search":
        # the index loads, then results
        tab.wait_for_selector(".search-result-title a", timeout=10000)
    tab.evaluate("document.fonts.ready")
    scroll = tab.evaluate(
        "({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})"
    )
    errors = []
    for error in tab.errors:
        text = getattr(error, "text", None) or str(error)
        location = getattr(error, "location", None) or {}
        if kind == "404" and location.get("url") == url and "404" in text:
            continue  # the browser reports the page's own status 404: that is the point of the page
        errors.append(f"{text} ({location.get('url', '')})")
    tab.add_script_tag(url=base_url + AXE_URL)
    violations = tab.evaluate("""async () => {
        const result = await axe.run(document);
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    SCREENSHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{theme}-{kind}-{width}.png"), full_page=True)
    _VISITS[key] = {"url": url, **scroll, "errors": errors, "violations": violations}
    return _VISITS[key]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", PAGES)
def test_no_horizontal_scroll(tab, served, kind, width):
    seen = visit(tab, served, kind, width)
    assert seen["scroll"] <= seen["inner"], f"{seen['url']} scrolls sideways at {width} px: {seen}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", PAGES)
def test_no_console_errors(tab, served, kind, width):
    seen = visit(tab, served, kind, width)
    assert seen["errors"] == [], seen["url"]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", PAGES)
def test_no_accessibility_violations(tab, served, kind, width):
    seen = visit(tab, served, kind, width)
    assert seen["violations"] == [], seen["url"]


@pytest.mark.parametrize("kind", PAGES)
def test_dark_mode_text_has_enough_contrast(tab, served, kind):
    """Both themes follow the reader's dark mode: axe's colour-contrast rule passes there too."""
    theme, base_url = served
    url = base_url + PAGES[kind]
    tab.set_viewport_size({"width": 390, "height": HEIGHTS[390]})
    tab.emulate_media(color_scheme="dark")
    try:
        tab.goto(url, wait_until="load")
        if kind == "search":
            tab.wait_for_selector(".search-result-title a", timeout=10000)
        assert tab.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
        tab.add_script_tag(url=base_url + AXE_URL)
        violations = tab.evaluate("""async () =>
            (await axe.run(document, {runOnly: ['color-contrast']})).violations.flatMap(
                v => v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary))""")
        SCREENSHOTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / f"{theme}-{kind}-390-dark.png"))
    finally:
        tab.emulate_media(color_scheme="light")
    assert violations == [], url


def test_bibtex_copy_button_copies_the_entry(tab, served):
    """The paper page's script adds a button that puts the BibTeX entry on the clipboard."""
    theme, base_url = served
    tab.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/")
    )
    tab.set_viewport_size({"width": 1280, "height": 800})
    tab.goto(base_url + PAGES["paper"], wait_until="load")
    button = tab.get_by_role("button", name="Copy BibTeX")
    button.click()
    copied = tab.evaluate("navigator.clipboard.readText()")
    entry = tab.locator("pre.bibtex").inner_text()
    assert copied.strip() == entry.strip() and copied.lstrip().startswith("@")
    assert "Copied" in tab.locator(".copy-status").inner_text()


def test_paper_permalinks_show_on_keyboard_focus(tab, served):
    """Tabbing to a paper's "#" link makes it visible; it links to the paper's anchor."""
    theme, base_url = served
    tab.set_viewport_size({"width": 1280, "height": 800})
    tab.goto(base_url + PAGES["issue"], wait_until="load")
    permalink = tab.locator("article.paper .permalink").first
    assert float(permalink.evaluate("a => getComputedStyle(a).opacity")) < 0.5
    permalink.focus()
    tab.wait_for_timeout(250)  # a short fade-in
    assert float(permalink.evaluate("a => getComputedStyle(a).opacity")) == 1
    href = permalink.get_attribute("href")
    anchor = tab.locator("article.paper").first.get_attribute("id")
    assert href == f"#{anchor}"


def test_the_header_search_box_finds_the_expected_paper(tab, served):
    """Typing into the header's box (a plain form) opens /search/?q=..., which runs the query."""
    theme, base_url = served
    tab.set_viewport_size({"width": 1280, "height": 800})
    tab.goto(base_url, wait_until="load")
    tab.get_by_role("searchbox", name="Search papers").fill("Mixture-of-Agents")
    tab.get_by_role("button", name="Search").click()
    tab.wait_for_url("**/search/?q=Mixture-of-Agents")
    first = tab.locator(".search-result").first
    first.wait_for(timeout=10000)
    title = first.locator(".search-result-title a")
    assert title.inner_text() == "Mixture-of-Agents Enhances Large Language Model Capabilities"
    assert title.get_attribute("href") == "/papers/2406.04692/"
    in_issue = first.locator(".search-result-issue a")
    assert in_issue.inner_text() == "In Issue 1 · June 16, 2024 · 1.1"
    assert in_issue.get_attribute("href") == "/issues/2024-06-16/#paper-2406.04692"
    assert tab.locator("#search-q").input_value() == "Mixture-of-Agents"


def test_search_filters_narrow_the_results_by_category(tab, served):
    theme, base_url = served
    tab.set_viewport_size({"width": 1280, "height": 800})
    tab.goto(base_url + "search/?q=model", wait_until="load")
    message = tab.locator(".search-status")
    message.wait_for(timeout=10000)
    tab.wait_for_function(
        "() => /\\d+ results? for/.test(document.querySelector('.search-status').textContent)")
    everything = int(message.inner_text().split()[0])
    tab.locator("summary", has_text="Category").click()
    tab.get_by_role("checkbox", name="Attention Models").check()
    tab.wait_for_function("() => !document.querySelector('.search-status').textContent"
                          f".startsWith('{everything} ')")
    narrowed = int(message.inner_text().split()[0])
    assert 0 < narrowed < everything
    attention = {
        re.sub(r"v\d+$", "", str(p["arxiv"]))
        for issue in ISSUES_YAML.values()
        for p in issue["papers"]
        if p["category"] == "attention-models"
    }
    links = tab.locator(".search-result-title a")
    links.first.wait_for(timeout=10000)  # the count is shown before the results are loaded
    shown = [link.get_attribute("href") for link in links.all()]
    assert shown and all(href.split("/")[2] in attention for href in shown), shown


def test_serve_reloads_the_open_page_after_an_edit_and_shows_a_broken_one(
    tab, minimal_content, tmp_path
):
    """The live-reload script in a real browser: an edit reloads the page; an error draws the
    overlay."""
    shutil.copytree(ROOT / "themes", tmp_path / "themes")
    server = DevServer(BuildOptions(content_dir=minimal_content, future=True), port=0)
    server.start()
    try:
        tab.set_viewport_size({"width": 1280, "height": 800})
        tab.goto(server.url + "issues/2024-01-07/", wait_until="load")
        assert tab.locator("h1").inner_text() == "First issue"
        issue = minimal_content / "issues" / "2024-01-07.yaml"
        original = issue.read_text()
        issue.write_text(original.replace("title: First issue", "title: Edited while open"))
        tab.wait_for_function(
            "() => document.querySelector('h1').textContent === 'Edited while open'", timeout=30000
        )
        issue.write_text(original.replace("date: 2024-01-07", "date: 2024-01-32"))
        overlay = tab.locator("#roundup-overlay pre")
        overlay.wait_for(timeout=30000)
        assert "2024-01-07.yaml:2: date: '2024-01-32' is not a valid date" in overlay.inner_text()
        # its own colours, whatever the theme says of <pre>: white on near-black (contrast > 15:1)
        colours = overlay.evaluate("pre => [getComputedStyle(pre).color,"
                                   " getComputedStyle(pre).backgroundColor,"
                                   " getComputedStyle(pre.parentNode).backgroundColor]")
        assert colours == ["rgb(255, 255, 255)", "rgba(0, 0, 0, 0)",
                           "rgba(20, 20, 20, 0.96)"], colours
        issue.write_text(original)
        tab.wait_for_function(
            "() => document.querySelector('h1').textContent === 'First issue'", timeout=30000
        )
        assert tab.locator("#roundup-overlay").count() == 0
        # A template failing on one page: a page of its own, without the theme's stylesheet; its
        # message (the template's path has no hyphen after the temporary folder's) wraps on a phone.
        template = tmp_path / "themes" / "default" / "templates" / "paper.html"
        template.write_text(
            template.read_text().replace(
                "{% block content %}", "{% block content %}{{ paper.no_such }}", 1
            )
        )
        tab.wait_for_function(
            "() => document.querySelector('h1').textContent === 'First issue'", timeout=30000
        )
        tab.set_viewport_size({"width": 390, "height": 800})
        deadline = time.monotonic() + 30
        while (
            tab.goto(server.url + "papers/2401.00001/").status != 500
            and time.monotonic() < deadline
        ):
            time.sleep(0.2)
        assert (
            "paper.html:9: template: UndefinedError"
            in tab.locator("#roundup-overlay pre").inner_text()
        )
        assert tab.evaluate("() => { const box = document.getElementById('roundup-overlay');"
                            " return box.scrollWidth <= box.clientWidth; }")
    finally:
        server.stop()


# --- Lighthouse -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", LIGHTHOUSE_PAGES)
def test_lighthouse_scores(served, kind, tmp_path):
    chromium = require(CHROMIUM, "apt-get install -y chromium (Debian's build)")
    require("node", "Lighthouse 12 runs on Node.js 18 or 20")
    lighthouse = require(
        NODE_BIN / "lighthouse", "run `npm ci` (lighthouse@12 is pinned in package.json)"
    )
    theme, base_url = served
    url = base_url + PAGES[kind]
    env = {**os.environ, "CHROME_PATH": chromium}
    runs = []
    for attempt in range(LIGHTHOUSE_TRIES):
        report_path = tmp_path / f"lighthouse-{attempt}.json"
        result = subprocess.run(
            [
                lighthouse,
                url,
                "--only-categories=accessibility,best-practices,seo,performance",
                f"--chrome-flags={' '.join(CHROME_FLAGS)}",
                "--output=json",
                f"--output-path={report_path}",
                "--quiet",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        report = json.loads(report_path.read_text(encoding="utf-8"))
        assert not report.get("runtimeError"), report["runtimeError"]
        runs.append(report)
        if performance(report) >= LIGHTHOUSE_FLOORS["performance"]:
            break
    best = max(runs, key=performance)
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / f"lighthouse-{theme}-{kind}.json").write_text(json.dumps(best), encoding="utf-8")
    scores = {name: category["score"] for name, category in best["categories"].items()}
    low = {name: f"{scores[name]} < {floor}; failing audits: {failing_audits(best, name)}"
           for name, floor in LIGHTHOUSE_FLOORS.items() if (scores[name] or 0) < floor}
    assert low == {}, f"{url}: {scores}"


def performance(report: dict) -> float:
    return report["categories"]["performance"]["score"] or 0.0  # None when the page never painted


def failing_audits(report: dict, category: str) -> list[str]:
    """The audits that cost a Lighthouse category points."""
    refs = [ref["id"] for ref in report["categories"][category]["auditRefs"] if ref.get("weight")]
    return [
        f"{ref} ({report['audits'][ref].get('displayValue', '')})".replace(" ()", "")
        for ref in refs
        if report["audits"][ref].get("score") is not None and report["audits"][ref]["score"] < 1
    ]
