"""Hostile content (tests/fixtures/hostile) must not inject script or write outside the output."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURES, build, soup
from tools import dangers, feed_fragments

HOSTILE = FIXTURES / "hostile"
BASE_PATH = "/hostile/"
TAGS = ["kv/cache", "../../etc", "..", "CON", "推理", "<script>alert(1)</script>",
        '" onmouseover="alert(1)', "NUL", "../.."]
PAPER_TITLE = "<script>alert(1)</script> Attention <img src=x onerror=alert(1)>"
AUTHORS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>']

WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                    *(f"lpt{i}" for i in range(1, 10))}


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory) -> tuple[Path, Path]:
    """(tmp root, built site): content copied to root/content, site built deep inside root."""
    root = tmp_path_factory.mktemp("hostile")
    content = root / "content"
    shutil.copytree(HOSTILE, content)
    site = root / "a" / "b" / "site"
    build(content, site)
    return root, site


def test_the_hostile_fixture_carries_the_attacks():
    """Guard against the fixture being defanged: the attacks are really in it."""
    issue = (HOSTILE / "issues" / "2024-03-03.yaml").read_text(encoding="utf-8")
    for attack in (
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[y](JAVASCRIPT:alert(1))",
        "[z](data:text/html,boo)",
        '<a href="javascript:alert(1)">',
    ):
        assert attack in issue
    assert dangers("<p><script>x</script><img src=x onerror=y><a href=' JaVa\tScript:x'>a</a>"
                   "<a href='data:text/html,x'>b</a><a href='https://example.org/'>c</a></p>") == [
        "<script> element", "<img onerror=...> event handler", "<a href=' JaVa\\tScript:x'>",
        "<a href='data:text/html,x'>"]
    assert (
        dangers('<script type="application/ld+json">{"name": "\\u003cscript\\u003e"}</script>')
        == []
    )
    assert dangers(
        '<script type="application/ld+json">{"name": "</script><script>alert(1)</script>"}'
    ) == ["<script> element", "<script> element"]
    # the theme's own scripts from the site's /static/js/ where pages allow them, and nothing else
    theme_js = BASE_PATH + "static/js/"
    allowed = f'<script src="{theme_js}copy.js" defer></script>'
    assert dangers(allowed, theme_js) == []
    # feed and email content allows no script at all
    assert dangers(allowed) == ["<script> element"]
    for script in (f'<script src="{theme_js}copy.js">alert(1)</script>',
                   f'<script src="{theme_js}../copy.js"></script>',
                   f'<script src="{theme_js}copy.js?x=1"></script>',
                   f'<script src="{theme_js}copy.js" type="text/html"></script>',
                   f'<script src="{theme_js}copy.js" onload="alert(1)"></script>',
                   f'<script src="https://evil.example{theme_js}copy.js"></script>',
                   f'<script src="//evil.example{theme_js}copy.js"></script>',
                   '<script src="/static/js/copy.js"></script>',  # outside the site's base path
                   f'<script src="{BASE_PATH}tags/x/copy.js"></script>',
                   f'<script src=" {theme_js}copy.js"></script>'):
        assert "<script> element" in dangers(script, theme_js), script


def test_no_page_contains_script_handlers_or_script_urls(hostile_build):
    _, site = hostile_build
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 10
    problems = [
        f"{page.relative_to(site)}: {problem}"
        for page in pages
        for problem in dangers(page.read_text(encoding="utf-8"), BASE_PATH + "static/js/")
    ]
    assert problems == []


def test_no_feed_content_contains_script_handlers_or_script_urls(hostile_build):
    _, site = hostile_build
    checked = 0
    for name in ("feed.xml", "atom.xml"):
        fragments = feed_fragments(site / name)
        problems = [f"{where}: {problem}" for where, html in fragments for problem in dangers(html)]
        assert problems == []
        checked += len(fragments)
        # the hostile paper is really in the feed content, as text
        text = " ".join(BeautifulSoup(html, "html.parser").get_text() for _, html in fragments)
        assert PAPER_TITLE in text, name
    # RSS: channel description, item description, content:encoded; Atom: content (its summary is
    # text)
    assert checked >= 4


def test_hostile_text_is_shown_as_text(hostile_build):
    _, site = hostile_build
    issue = soup(site / "issues" / "2024-03-03" / "index.html")
    titles = [a.get_text(strip=True) for a in issue.select("article.paper h3 a")]
    assert PAPER_TITLE in titles
    article = next(
        a
        for a in issue.select("article.paper")
        if a.select_one("h3 a").get_text(strip=True) == PAPER_TITLE
    )
    authors = article.select_one(".authors").get_text()
    for name in AUTHORS:
        assert name in authors
    summary = article.select_one(".summary").get_text()
    assert "[x](javascript:alert(1))" in summary  # an unsafe Markdown link stays plain text
    # links that CommonMark allows but we do not (only http(s) and relative links) stay text too
    assert "[m](mailto:x@example.org) [f](ftp://example.org/f)" in summary
    assert not article.select(
        ".summary a[href^=mailto], .summary a[href^=ftp], .summary img[src^=data]"
    )
    assert (
        issue.h1.get_text(strip=True)
        == "Issue <script>alert(1)</script> <img src=x onerror=alert(1)>"
    )
    paper = soup(site / "papers" / "2403.00001" / "index.html")
    assert paper.h1.get_text(strip=True) == PAPER_TITLE
    # safe links in the same content still work
    plain = soup(site / "papers" / "plain-paper" / "index.html")
    assert "https://example.com/ok" in {a["href"] for a in plain.select(".summary a")}


def test_tags_get_safe_slugs_and_their_own_pages(hostile_build):
    _, site = hostile_build
    tag_links: dict[str, str] = {}
    for page in (
        "issues/2024-03-03/index.html",
        "papers/2403.00001/index.html",
        "papers/plain-paper/index.html",
    ):
        for a in soup(site / page).select("ul.tags a"):
            tag_links[a.get_text(strip=True)] = a["href"]
    assert set(tag_links) == {f"#{tag}" for tag in TAGS}
    slugs = {}
    for tag in TAGS:
        href = tag_links[f"#{tag}"]
        match = re.fullmatch(re.escape(BASE_PATH) + r"tags/([a-z0-9][a-z0-9-]*)/", href)
        assert match, (tag, href)
        slugs[tag] = match.group(1)
        page = site / "tags" / match.group(1) / "index.html"
        assert page.is_file(), (tag, href)
        assert soup(page).h1.get_text(strip=True) == f"#{tag}"
    assert len(set(slugs.values())) == len(TAGS), slugs  # no two of these tags share a page
    assert slugs["kv/cache"] == "kv-cache"
    # the topics page lists every tag
    topics = {a["href"] for a in soup(site / "tags" / "index.html").select("ul.tag-cloud a")}
    assert {tag_links[f"#{tag}"] for tag in TAGS} <= topics


def test_every_file_is_written_inside_the_output_folder(hostile_build):
    root, site = hostile_build
    content = root / "content"
    # the build cache, documented beside the output
    cache = site.parent / ".roundup-cache" / site.name
    outside = [path for path in root.rglob("*")
               if path.is_file() and not path.resolve().is_relative_to(site.resolve())
               and not path.resolve().is_relative_to(content.resolve())
               and not path.resolve().is_relative_to(cache.resolve())]
    assert outside == []
    assert sorted(p.name for p in (root / "a").iterdir()) == ["b"]
    assert sorted(p.name for p in (root / "a" / "b").iterdir()) == [".roundup-cache", "site"]
    for path in site.rglob("*"):
        assert ".." not in path.relative_to(site).parts
    assert (site / "tags").is_dir() and len(list((site / "tags").glob("*/index.html"))) >= len(TAGS)


def test_no_output_path_is_a_reserved_windows_device_name(hostile_build):
    """Sites are often checked out on Windows, where a folder named CON or NUL cannot exist."""
    _, site = hostile_build
    reserved = [path.relative_to(site).as_posix() for path in site.rglob("*")
                if path.name.split(".")[0].lower() in WINDOWS_RESERVED]
    assert reserved == []
    for tag in ("CON", "NUL"):
        # the tag still has a page, just under a safe name
        assert any(
            soup(p).h1.get_text(strip=True) == f"#{tag}"
            for p in (site / "tags").glob("*/index.html")
        )
