"""Script-running payloads in every field an editor or a remote API fills never run for a reader.

tests/fixtures/payloads plants markup in the site's title and description, category names, the
issue's title, summary and intro, paper titles, authors, tags and links, and a page's title and
body; `roundup add` and `roundup import hf-daily` bring in a title, authors and an abstract from
(local fake) arXiv and Hugging Face APIs that carry more. Every kind of page is opened in Chromium,
the search page with and without a query and with its filters open: a payload that ran would open
a dialog or set window.pwned. Every page also carries a Content-Security-Policy.
"""

from __future__ import annotations

import html
import json
import re
import shutil

import pytest

from conftest import FIXTURES, build, run_cli, soup
from fake_api import ARXIV_FIXTURES, FakeApi, hf_reply
from tools import chromium_tab, served_folder

RUN = "window.pwned='{where}'"
IMG = '<img src=x onerror="' + RUN + '">'
ISSUE = "2024-03-03"
PAGES = ["", f"issues/{ISSUE}/", "categories/reasoning/", "categories/attention-models/",
         "tags/", "archive/", "notes/", "subscribe/", "no/such/page/", "search/",
         "search/?q=attention", "search/?q=" + IMG.format(where="query") + "#<svg/onload=alert(1)>"]
QUERY_SCRIPT = "() => window.pwned === undefined"


def _arxiv_payload(path: str):
    """The recorded arXiv entry, its title, authors and abstract replaced by payloads."""
    entry = re.search(r"<entry>.*</entry>", (ARXIV_FIXTURES / "2406.04692.xml").read_text(), re.S)
    assert entry is not None
    text = entry.group(0)
    escaped = html.escape(IMG)
    title = escaped.format(where="arxiv title")
    text = re.sub(r"<title>.*?</title>", f"<title>arXiv {title}</title>", text, flags=re.S)
    abstract = escaped.format(where="abstract")
    text = re.sub(r"<summary>.*?</summary>", f"<summary>{abstract}</summary>", text, flags=re.S)
    author = escaped.format(where="arxiv author")
    text = text.replace("<name>Junlin Wang</name>", f"<name>{author}</name>")
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            '<opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1'
            f"</opensearch:totalResults>\n{text}\n</feed>\n")
    return 200, {"Content-Type": "application/atom+xml; charset=utf-8"}, body.encode()


def _hf_payload(path: str):
    status, headers, body = hf_reply(path.replace("2024-06-11", "2024-06-10"))
    papers = json.loads(body)[:1]
    for paper in papers:
        for holder in (paper, paper["paper"]):
            holder["title"] = "HF " + IMG.format(where="hf title")
            holder["summary"] = IMG.format(where="hf summary")
        paper["paper"]["authors"][0]["name"] = IMG.format(where="hf author")
    return status, headers, json.dumps(papers).encode()


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory):
    """The payload fixture with papers added and imported from the fake APIs, built and served."""
    root = tmp_path_factory.mktemp("payloads")
    content = root / "content"
    shutil.copytree(FIXTURES / "payloads", content)
    with FakeApi(_arxiv_payload) as arxiv:
        added = run_cli("add", "2406.04692", "--issue", ISSUE, "--category", "reasoning",
                        "--content", str(content), "--api-url", arxiv.url)
    assert added.exit_code == 0, added.output + added.stderr
    with FakeApi(_hf_payload, path="/api/daily_papers") as hf:
        imported = run_cli("import", "hf-daily", "--date", "2024-06-11", "--issue", ISSUE,
                           "--content", str(content), "--api-url", hf.url)
    assert imported.exit_code == 0, imported.output + imported.stderr
    issue = content / "issues" / f"{ISSUE}.yaml"
    issue.write_text(issue.read_text().replace("category: unsorted", "category: attention-models"))
    site = root / "site"
    site.mkdir()
    with served_folder(site) as base_url:
        build(content, site, "--base-url", base_url, "-q")
        yield site, base_url


def test_the_imported_payloads_reached_the_built_pages(payload_site):
    """Guards the test itself: the API payloads are on the issue page, as text."""
    site, _ = payload_site
    text = soup(site / "issues" / ISSUE / "index.html").get_text()
    for where in ("arxiv title", "hf title", "arxiv author", "paper title", "issue title"):
        assert RUN.format(where=where) in text, where


def test_every_page_carries_a_content_security_policy_without_inline_script(payload_site):
    site, _ = payload_site
    pages = [path for path in site.rglob("*.html")]
    assert len(pages) > 10
    for path in pages:
        page = soup(path)
        policy = page.select_one('meta[http-equiv="Content-Security-Policy"]')
        assert policy is not None, path
        rules = dict(rule.strip().split(" ", 1)
                     for rule in policy["content"].split(";") if rule.strip())
        if path.name == "email.html":  # a mail client's page: no script at all
            assert rules["default-src"] == "'none'" and "script-src" not in rules, path
            continue
        assert rules["script-src"] == "'self' 'wasm-unsafe-eval'", path
        assert "'unsafe-inline'" not in policy["content"], path
        for script in page.select("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", path


def ready(tab) -> None:
    """Waits until the search page has loaded its index and drawn what it found."""
    tab.wait_for_selector('#search[aria-busy="false"]', timeout=10000, state="attached")


def _open(tab, url: str) -> None:
    tab.goto(url, wait_until="load")
    if "/search/" in url:
        ready(tab)
        for summary in tab.locator(".search-filter summary").all():
            summary.click()
        for index in range(3):  # the values offered change with each one ticked
            inputs = tab.locator(".search-filter input")
            if inputs.count() <= index:
                break
            inputs.nth(index).check(timeout=5000)
            ready(tab)
    for element in tab.locator("a, b, svg, label").all()[:60]:  # mouse-over handlers
        try:
            element.hover(timeout=200)
        except Exception:  # noqa: BLE001 - hidden or covered elements cannot be hovered
            pass


def test_no_payload_runs_in_any_page(payload_site, tmp_path):
    site, base_url = payload_site
    papers = sorted(path.parent.name for path in (site / "papers").glob("*/index.html"))
    authors = sorted(path.parent.name for path in (site / "authors").glob("*/index.html"))[:4]
    tags = sorted(path.parent.name for path in (site / "tags").glob("*/index.html"))
    urls = PAGES + [f"papers/{p}/" for p in papers] + [f"authors/{a}/" for a in authors] + [
        f"tags/{t}/" for t in tags]
    ran: list[str] = []
    with chromium_tab(tmp_path / "profile", 1280, 800) as tab:
        def refuse(dialog) -> None:
            ran.append(f"dialog {dialog.message!r}")
            dialog.dismiss()

        tab.on("dialog", refuse)
        for url in urls:
            _open(tab, base_url + url)
            if not tab.evaluate(QUERY_SCRIPT):
                ran.append(f"{url}: window.pwned = {tab.evaluate('window.pwned')!r}")
        assert ran == []
        tab.goto(base_url + "search/?q=attention", wait_until="load")
        tab.wait_for_selector(".search-result-title a", timeout=10000)
        assert tab.locator(".search-result").count() >= 2  # the payload papers were found


def test_the_search_filters_have_valid_unique_ids_and_show_names_as_text(payload_site, tmp_path):
    _, base_url = payload_site
    with chromium_tab(tmp_path / "profile", 390, 844) as tab:
        tab.goto(base_url + "search/", wait_until="load")
        ready(tab)
        ids = tab.evaluate("() => [...document.querySelectorAll('#search [id]')].map(e => e.id)")
        labels = tab.evaluate("() => [...document.querySelectorAll('.search-filter label')]"
                              ".map(l => l.textContent)")
        injected = tab.evaluate(
            "() => document.querySelectorAll('#search img, #search svg').length")
    assert ids and len(ids) == len(set(ids)) and not [i for i in ids if re.search(r"\s", i)], ids
    assert any(IMG.format(where="category") in label for label in labels), labels
    assert injected == 0

