"""Hostile content (tests/fixtures/hostile) must not inject script or write outside the output."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from lxml import etree

from conftest import FIXTURES, build, soup

HOSTILE = FIXTURES / "hostile"
BASE_PATH = "/hostile/"
TAGS = ["kv/cache", "../../etc", "..", "CON", "推理", "<script>alert(1)</script>",
        '" onmouseover="alert(1)', "NUL", "../.."]
PAPER_TITLE = "<script>alert(1)</script> Attention <img src=x onerror=alert(1)>"
AUTHORS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>']

DANGEROUS_ELEMENTS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "background",
                  "cite", "ping", "srcset", "lowsrc", "dynsrc"}
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                    *(f"lpt{i}" for i in range(1, 10))}


def _normalise_url(value: str) -> str:
    # What a browser does before reading the scheme: strip C0 controls and spaces at both ends,
    # drop tabs and newlines anywhere, compare case-insensitively.
    value = value.strip("".join(chr(c) for c in range(0x21)))
    return re.sub(r"[\t\n\r]", "", value).lower()


def _is_json_data_block(element) -> bool:
    """A <script type=application/ld+json> holding only valid JSON is data, not code."""
    if (element.get("type") or "").strip().lower() not in ("application/ld+json", "application/json"):
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
    return re.fullmatch(re.escape(script_path) + r"[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*\.js", src) is not None


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
        for attribute, value in element.attrs.items():
            values = value if isinstance(value, list) else [value]
            if attribute.lower().startswith("on"):
                found.append(f"<{element.name} {attribute}=...> event handler")
            if attribute.lower() in URL_ATTRIBUTES:
                for url in values:
                    urls = [part.strip().split(" ")[0] for part in url.split(",")] \
                        if attribute.lower() == "srcset" else [url]
                    for candidate in urls:
                        if _normalise_url(candidate).startswith(DANGEROUS_SCHEMES):
                            found.append(f"<{element.name} {attribute}={candidate!r}>")
        if element.name == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
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
    for attack in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
                   "[y](JAVASCRIPT:alert(1))", "[z](data:text/html,boo)", '<a href="javascript:alert(1)">'):
        assert attack in issue
    assert dangers("<p><script>x</script><img src=x onerror=y><a href=' JaVa\tScript:x'>a</a>"
                   "<a href='data:text/html,x'>b</a><a href='https://example.org/'>c</a></p>") == [
        "<script> element", "<img onerror=...> event handler", "<a href=' JaVa\\tScript:x'>",
        "<a href='data:text/html,x'>"]
    assert dangers('<script type="application/ld+json">{"name": "\\u003cscript\\u003e"}</script>') == []
    assert dangers('<script type="application/ld+json">{"name": "</script><script>alert(1)</script>"}') == [
        "<script> element", "<script> element"]
    # the theme's own scripts from the site's /static/js/ where pages allow them, and nothing else
    theme_js = BASE_PATH + "static/js/"
    allowed = f'<script src="{theme_js}copy.js" defer></script>'
    assert dangers(allowed, theme_js) == []
    assert dangers(allowed) == ["<script> element"]  # feed and email content allows no script at all
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
    problems = [f"{page.relative_to(site)}: {problem}"
                for page in pages for problem in dangers(page.read_text(encoding="utf-8"), BASE_PATH + "static/js/")]
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
    # RSS: channel description, item description, content:encoded; Atom: content (its summary is text)
    assert checked >= 4


def test_hostile_text_is_shown_as_text(hostile_build):
    _, site = hostile_build
    issue = soup(site / "issues" / "2024-03-03" / "index.html")
    titles = [a.get_text(strip=True) for a in issue.select("article.paper h3 a")]
    assert PAPER_TITLE in titles
    article = next(a for a in issue.select("article.paper") if a.select_one("h3 a").get_text(strip=True) == PAPER_TITLE)
    authors = article.select_one(".authors").get_text()
    for name in AUTHORS:
        assert name in authors
    summary = article.select_one(".summary").get_text()
    assert "[x](javascript:alert(1))" in summary  # an unsafe Markdown link stays plain text
    # links that CommonMark allows but we do not (only http(s) and relative links) stay text too
    assert "[m](mailto:x@example.org) [f](ftp://example.org/f)" in summary
    assert not article.select(".summary a[href^=mailto], .summary a[href^=ftp], .summary img[src^=data]")
    assert issue.h1.get_text(strip=True) == "Issue <script>alert(1)</script> <img src=x onerror=alert(1)>"
    paper = soup(site / "papers" / "2403.00001" / "index.html")
    assert paper.h1.get_text(strip=True) == PAPER_TITLE
    # safe links in the same content still work
    plain = soup(site / "papers" / "plain-paper" / "index.html")
    assert "https://example.com/ok" in {a["href"] for a in plain.select(".summary a")}


def test_tags_get_safe_slugs_and_their_own_pages(hostile_build):
    _, site = hostile_build
    tag_links: dict[str, str] = {}
    for page in ("issues/2024-03-03/index.html", "papers/2403.00001/index.html", "papers/plain-paper/index.html"):
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
    cache = site.parent / ".roundup-cache" / site.name  # the build cache, documented beside the output
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
        assert any(soup(p).h1.get_text(strip=True) == f"#{tag}" for p in (site / "tags").glob("*/index.html"))
