"""The built site as a reader sees it: pages, structure, links, drafts, pagination, rebuilds."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup
from lxml import etree

from conftest import SAMPLE_CONTENT, build, soup
from tools import (
    BASE_PATH,
    CATEGORY_NAMES,
    CATEGORY_ORDER,
    ISSUE_SLUGS,
    ISSUES_YAML,
    JUNE,
    arxiv_id,
    html_pages,
)

BASE_URL = "https://example.github.io/paper-roundup/"
PREFIX_URL = "https://example.github.io/some/prefix/"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
LINK_ATTRIBUTES = ("href", "src", "action", "poster", "data")


# --- what the sample's pages show, from its YAML (read in tests/tools.py) ---------------------

def expected_numbering(issue: dict) -> list[tuple[str, str, str]]:
    """(number, title, category) for every paper, grouped by category in site.yaml order."""
    rows = []
    section = 0
    for category in CATEGORY_ORDER:
        papers = [p for p in issue["papers"] if p["category"] == category]
        if not papers:
            continue
        section += 1
        rows += [(f"{section}.{i}", p["title"], category) for i, p in enumerate(papers, start=1)]
    return rows


def page_path(site: Path, html_file: Path) -> str:
    """Site-relative URL path of a built HTML file: ``issues/x/`` or ``404.html``."""
    relative = html_file.relative_to(site).as_posix()
    return relative.removesuffix("index.html")


# --- internal link checker ----------------------------------------------------------------

_ID_CACHE: dict[Path, set[str]] = {}


def ids_of(path: Path) -> set[str]:
    if path not in _ID_CACHE:
        parsed = soup(path)
        _ID_CACHE[path] = {tag["id"] for tag in parsed.find_all(id=True)} | {
            tag["name"] for tag in parsed.find_all("a", attrs={"name": True})}
    return _ID_CACHE[path]


def target_file(site: Path, base_path: str, url_path: str) -> Path | None:
    """The file a web server would serve for url_path, or None when it is outside the site."""
    if not url_path.startswith(base_path):
        return None
    relative = unquote(url_path[len(base_path):])
    target = site / relative
    if relative == "" or relative.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def check_links(site: Path, base_url: str) -> tuple[int, list[str]]:
    """Check every internal href/src of every HTML page; returns (links checked, problems)."""
    base = urlsplit(base_url)
    base_path = base.path
    checked, problems = 0, []
    for html_file in html_pages(site):
        page_url = base_url + page_path(site, html_file)
        parsed = soup(html_file)
        for element in parsed.find_all(True):
            for attribute in LINK_ATTRIBUTES:
                value = element.get(attribute)
                if not isinstance(value, str) or not value.strip():
                    continue
                where = f"{html_file.relative_to(site)}: <{element.name} {attribute}={value!r}>"
                raw = value.strip()
                if (
                    raw.startswith("/")
                    and not raw.startswith("//")
                    and not raw.startswith(base_path)
                ):
                    problems.append(f"{where} escapes the base path {base_path}")
                    continue
                resolved = urlsplit(urljoin(page_url, raw))
                if resolved.scheme not in ("http", "https") or resolved.netloc != base.netloc:
                    continue  # mailto:, external sites ...
                if not resolved.path.startswith(base_path):
                    problems.append(f"{where} escapes the base path {base_path}")
                    continue
                checked += 1
                target = target_file(site, base_path, resolved.path)
                if target is None or not target.is_file():
                    problems.append(f"{where} -> {resolved.path} does not exist")
                    continue
                if resolved.fragment and target.suffix == ".html" \
                        and unquote(resolved.fragment) not in ids_of(target):
                    problems.append(
                        f"{where} -> no id '{resolved.fragment}' on {target.relative_to(site)}"
                    )
    return checked, problems


# --- pages exist ------------------------------------------------------------------------------

def test_every_expected_page_exists(themed_site):
    expected = [
        "index.html",
        "archive/index.html",
        "about/index.html",
        "404.html",
        "tags/index.html",
        "sitemap.xml",
        "robots.txt",
        "feed.xml",
        "atom.xml",
    ]
    expected += [f"issues/{slug}/index.html" for slug in ISSUE_SLUGS]
    expected += [f"categories/{slug}/index.html" for slug in CATEGORY_ORDER]
    tags = {
        tag for issue in ISSUES_YAML.values() for p in issue["papers"] for tag in p.get("tags", [])
    }
    assert tags, "the sample has tags"
    expected += [f"tags/{tag}/index.html" for tag in tags]  # sample tags are already slugs
    papers = {arxiv_id(p) for issue in ISSUES_YAML.values() for p in issue["papers"]}
    assert len(papers) >= 31
    expected += [f"papers/{paper}/index.html" for paper in papers]
    missing = [path for path in expected if not (themed_site / path).is_file()]
    assert missing == []
    # and every one of them is an HTML page with content, not an empty file
    for path in expected:
        if path.endswith(".html"):
            assert soup(themed_site / path).find("main") is not None, path


def test_paper_pages_show_their_paper(themed_site):
    for issue in ISSUES_YAML.values():
        for paper in issue["papers"]:
            page = soup(themed_site / "papers" / arxiv_id(paper) / "index.html")
            assert page.h1.get_text(strip=True) == paper["title"]
            hrefs = {a["href"] for a in page.select("ul.paper-links a")}
            assert f"https://arxiv.org/abs/{arxiv_id(paper)}" in hrefs


def test_category_and_tag_pages_list_their_papers(themed_site):
    for slug in CATEGORY_ORDER:
        page = soup(themed_site / "categories" / slug / "index.html")
        assert page.h1.get_text(strip=True) == CATEGORY_NAMES[slug]
        shown = [
            a.get_text(strip=True) for a in page.select("article.paper-card :is(h2, h3, h4) a")
        ]
        expected = [p["title"] for issue in ISSUES_YAML.values() for p in issue["papers"]
                    if p["category"] == slug]
        assert sorted(shown) == sorted(expected), slug
    page = soup(themed_site / "tags" / "kv-cache" / "index.html")
    shown = {a.get_text(strip=True) for a in page.select("article.paper-card :is(h2, h3, h4) a")}
    expected = {p["title"] for issue in ISSUES_YAML.values() for p in issue["papers"]
                if "kv-cache" in p.get("tags", [])}
    assert expected and shown == expected


def test_sitemap_lists_every_page_with_absolute_url_and_lastmod(sample_site):
    tree = etree.parse(str(sample_site / "sitemap.xml"))
    urls = tree.getroot().findall(f"{SITEMAP_NS}url")
    locs = []
    for url in urls:
        loc = url.findtext(f"{SITEMAP_NS}loc")
        lastmod = url.findtext(f"{SITEMAP_NS}lastmod")
        assert loc and loc.startswith(BASE_URL), loc
        assert lastmod and re.fullmatch(
            r"\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d\d:\d\d))?", lastmod
        ), loc
        locs.append(loc)
    assert len(locs) == len(set(locs))
    built = {BASE_URL + page_path(sample_site, f) for f in sample_site.rglob("index.html")}
    assert set(locs) == built
    assert BASE_URL + f"issues/{JUNE}/" in locs
    lastmods = {
        url.findtext(f"{SITEMAP_NS}loc"): url.findtext(f"{SITEMAP_NS}lastmod") for url in urls
    }
    assert lastmods[BASE_URL + f"issues/{JUNE}/"] == "2024-06-16"


def test_robots_txt_points_to_absolute_sitemap(sample_site):
    lines = (sample_site / "robots.txt").read_text(encoding="utf-8").splitlines()
    sitemap_lines = [line for line in lines if line.lower().startswith("sitemap:")]
    assert sitemap_lines == [f"Sitemap: {BASE_URL}sitemap.xml"]
    assert any(line.lower().startswith("user-agent:") for line in lines)


# --- the June issue ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def june(themed_site) -> BeautifulSoup:
    """The June issue's page, in each shipped theme."""
    return soup(themed_site / "issues" / JUNE / "index.html")


def test_june_issue_groups_and_numbers_papers_like_the_roundup(june):
    sections = june.select("section.category-section")
    headings = [s.find("h2").get_text(" ", strip=True) for s in sections]
    assert headings[0] == "1. LLM Progress & Benchmarking"
    first = sections[0].select("article.paper h3")[0].get_text(" ", strip=True)
    assert first == "1.1 Mixture-of-Agents Enhances Large Language Model Capabilities"

    expected = expected_numbering(ISSUES_YAML[JUNE])
    assert len(expected) == 31
    shown = [(h3.select_one(".num").get_text(strip=True), h3.find("a").get_text(strip=True))
             for h3 in june.select("article.paper h3")]
    assert shown == [(number, title) for number, title, _ in expected]
    assert len(june.select("article.paper")) == 31

    # sections follow site.yaml order and hold exactly their category's papers
    present = [
        c for c in CATEGORY_ORDER if any(p["category"] == c for p in ISSUES_YAML[JUNE]["papers"])
    ]
    assert headings == [f"{i}. {CATEGORY_NAMES[c]}" for i, c in enumerate(present, start=1)]
    for section, category in zip(sections, present, strict=False):
        titles = [a.get_text(strip=True) for a in section.select("article.paper h3 a")]
        assert titles == [t for _, t, c in expected if c == category]


def test_june_table_of_contents_links_to_every_paper(june):
    toc = june.select_one("ol.toc")
    assert toc is not None
    ids = {tag["id"] for tag in june.find_all(id=True)}
    toc_links = toc.find_all("a")
    for link in toc_links:
        path, _, fragment = link["href"].partition("#")
        assert path == f"{BASE_PATH}issues/{JUNE}/"
        assert fragment in ids, link["href"]
    paper_links = [a for a in toc_links if "toc-section" not in (a.get("class") or [])]
    assert len(paper_links) == 31
    anchors = [article["id"] for article in june.select("article.paper")]
    assert [a["href"].partition("#")[2] for a in paper_links] == anchors
    expected = expected_numbering(ISSUES_YAML[JUNE])
    assert [a.get_text(" ", strip=True) for a in paper_links] == [
        f"{n} {t}" for n, t, _ in expected
    ]
    # every section is in the TOC too
    sections = toc.select("a.toc-section")
    assert [a["href"].partition("#")[2] for a in sections] == \
        [s["id"] for s in june.select("section.category-section")]


def test_june_papers_show_authors_links_and_tags(sample_site):
    june = soup(sample_site / "issues" / JUNE / "index.html")
    articles = june.select("article.paper")
    by_title = {a.select_one("h3 a").get_text(strip=True): a for a in articles}
    for paper in ISSUES_YAML[JUNE]["papers"]:
        article = by_title[paper["title"]]
        authors = article.select_one(".authors").get_text(" ", strip=True)
        assert authors.startswith(paper["authors"][0]), paper["title"]
        for name in paper["authors"][:8]:
            assert name in authors
        links = {a.get_text(strip=True): a["href"] for a in article.select("ul.paper-links a")}
        assert links["arXiv"] == f"https://arxiv.org/abs/{arxiv_id(paper)}"
        assert links["PDF"] == f"https://arxiv.org/pdf/{arxiv_id(paper)}"
        hrefs = set(links.values())
        for url in paper.get("links", {}).values():
            assert url in hrefs, (paper["title"], url)
        tag_links = article.select("ul.tags a")
        assert [a.get_text(strip=True).lstrip("#") for a in tag_links] == paper.get("tags", [])
        for a in tag_links:
            assert a["href"] == f"{BASE_PATH}tags/{a.get_text(strip=True).lstrip('#')}/"
            assert (sample_site / a["href"][len(BASE_PATH):] / "index.html").is_file()
    code = [
        a
        for a in articles
        if any(x.get_text(strip=True) == "code" for x in a.select("ul.paper-links a"))
    ]
    assert code, "papers with a code link show it"


def test_issue_pages_link_to_previous_and_next_issue(themed_site):
    def nav(slug):
        page = soup(themed_site / "issues" / slug / "index.html")
        prev = page.select_one("a[rel~=prev]")
        nxt = page.select_one("a[rel~=next]")
        return (prev["href"] if prev else None), (nxt["href"] if nxt else None)

    assert nav("2024-06-16") == (None, f"{BASE_PATH}issues/2025-08-17/")
    assert nav("2025-08-17") == (f"{BASE_PATH}issues/2024-06-16/", f"{BASE_PATH}issues/2025-08-24/")
    assert nav("2025-08-24") == (f"{BASE_PATH}issues/2025-08-17/", None)


def test_paper_in_two_issues_lists_both_and_has_bibtex(themed_site):
    page = soup(themed_site / "papers" / "2406.05981" / "index.html")
    featured = [a["href"] for a in page.select("ul.featured-in a")]
    assert len(featured) == 2
    assert {href.partition("#")[0] for href in featured} == {
        f"{BASE_PATH}issues/2024-06-16/", f"{BASE_PATH}issues/2025-08-17/"}
    for href in featured:
        assert href.endswith("#paper-2406.05981")
    bibtex = page.select_one("pre.bibtex").get_text()
    assert bibtex.lstrip().startswith("@")
    assert re.search(r"eprint\s*=\s*\{2406\.05981\}", bibtex)
    assert "ShiftAddLLM" in bibtex
    # a paper featured once lists exactly one issue
    once = soup(themed_site / "papers" / "2406.04692" / "index.html")
    assert len(once.select("ul.featured-in a")) == 1


# --- internal links ---------------------------------------------------------------------------

def test_link_checker_finds_broken_links(tmp_path):
    """The checker itself: a missing page, a missing anchor and an escaping path are reported."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text(
        '<a href="/p/a/">ok</a><a href="/p/a/#here">ok</a><a href="/p/b/">missing</a>'
        '<a href="/p/a/#nowhere">no anchor</a><a href="/elsewhere/">escapes</a>'
        '<a href="https://other.example/">external</a>', encoding="utf-8")
    (site / "a" / "index.html").write_text(
        '<h1 id="here">A</h1><a href="../">up</a>', encoding="utf-8"
    )
    checked, problems = check_links(site, "https://example.org/p/")
    assert checked == 5  # four links on the home page, one back up from /p/a/
    assert len(problems) == 3
    assert any("/p/b/" in p for p in problems)
    assert any("nowhere" in p for p in problems)
    assert any("escapes" in p for p in problems)


def test_every_internal_link_resolves(themed_site):
    checked, problems = check_links(themed_site, BASE_URL)
    assert problems == []
    assert checked > 1000  # every page links to its stylesheet, nav, feeds ...


def test_every_internal_link_resolves_under_a_path_prefix(tmp_path):
    site = tmp_path / "site"
    build(SAMPLE_CONTENT, site, "--base-url", PREFIX_URL)
    checked, problems = check_links(site, PREFIX_URL)
    assert problems == []
    assert checked > 1000
    for html_file in html_pages(site):
        parsed = soup(html_file)
        for element in parsed.find_all(True):
            for attribute in LINK_ATTRIBUTES:
                value = element.get(attribute)
                if isinstance(value, str) and value.startswith("/"):
                    assert value.startswith("/some/prefix/"), (html_file, value)
                if isinstance(value, str) and value.startswith("https://example.github.io"):
                    assert value.startswith(PREFIX_URL), (html_file, value)
    canonical = soup(site / "index.html").find("link", rel="canonical")["href"]
    assert canonical == PREFIX_URL
    assert f"Sitemap: {PREFIX_URL}sitemap.xml" in (site / "robots.txt").read_text(encoding="utf-8")


# --- drafts -----------------------------------------------------------------------------------

DRAFT = """\
title: Draft issue
date: 2024-01-21
draft: true
summary: Not ready yet.
papers:
  - title: A Draft-Only Paper
    category: reasoning
    arxiv: "2401.00099"
    summary: Unpublished.
    tags: [draft-only]
"""


def _issue_links(site: Path, page: str) -> set[str]:
    return {
        a["href"] for a in soup(site / page).find_all("a", href=True) if "/issues/" in a["href"]
    }


def _feed_links(site: Path) -> set[str]:
    links = set()
    for name in ("feed.xml", "atom.xml"):
        links |= {entry.link for entry in feedparser.parse(str(site / name)).entries}
    return links


def _sitemap_locs(site: Path) -> set[str]:
    return {
        loc.text
        for loc in etree.parse(str(site / "sitemap.xml")).getroot().iter(f"{SITEMAP_NS}loc")
    }


def test_draft_issues_are_left_out_unless_drafts_is_given(minimal_content, tmp_path):
    (minimal_content / "issues" / "2024-01-21.yaml").write_text(DRAFT, encoding="utf-8")
    draft_url = "https://example.org/issues/2024-01-21/"

    default = tmp_path / "default"
    build(minimal_content, default)
    assert not (default / "issues" / "2024-01-21").exists()
    assert not (default / "papers" / "2401.00099").exists()
    assert not (default / "tags" / "draft-only").exists()
    assert "/issues/2024-01-21/" not in _issue_links(default, "index.html")
    assert "/issues/2024-01-21/" not in _issue_links(default, "archive/index.html")
    assert "/issues/2024-01-14/" in _issue_links(default, "index.html")
    assert draft_url not in _feed_links(default)
    assert "https://example.org/issues/2024-01-14/" in _feed_links(default)
    assert draft_url not in _sitemap_locs(default)
    assert "https://example.org/issues/2024-01-14/" in _sitemap_locs(default)

    drafts = tmp_path / "drafts"
    build(minimal_content, drafts, "--drafts")
    assert (drafts / "issues" / "2024-01-21" / "index.html").is_file()
    assert (drafts / "papers" / "2401.00099" / "index.html").is_file()
    assert "/issues/2024-01-21/" in _issue_links(drafts, "index.html")
    assert "/issues/2024-01-21/" in _issue_links(drafts, "archive/index.html")
    assert draft_url in _feed_links(drafts)
    assert draft_url in _sitemap_locs(drafts)


# --- reproducible builds ----------------------------------------------------------------------

def _all_files(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def _assert_identical(first: Path, second: Path):
    a, b = _all_files(first), _all_files(second)
    assert sorted(a) == sorted(b)
    different = [path for path in a if a[path] != b[path]]
    assert different == []
    assert len(a) > 100


def test_rebuilding_gives_byte_identical_files(tmp_path):
    build(SAMPLE_CONTENT, tmp_path / "one")
    build(SAMPLE_CONTENT, tmp_path / "two")
    _assert_identical(tmp_path / "one", tmp_path / "two")


def test_rebuilding_with_source_date_epoch_gives_byte_identical_files(tmp_path):
    env = {"SOURCE_DATE_EPOCH": "1756684800"}  # 2025-09-01, after the newest issue
    build(SAMPLE_CONTENT, tmp_path / "one", env=env)
    build(SAMPLE_CONTENT, tmp_path / "two", env=env)
    _assert_identical(tmp_path / "one", tmp_path / "two")
    # the build date really comes from SOURCE_DATE_EPOCH
    channel = etree.parse(str(tmp_path / "one" / "feed.xml")).getroot().find("channel")
    assert channel.findtext("lastBuildDate") == "Mon, 01 Sep 2025 00:00:00 +0000"


# --- home page and pagination ------------------------------------------------------------------

def test_home_shows_latest_issue_first_with_its_contents(themed_site):
    home = soup(themed_site / "index.html")
    main = home.find("main")
    first_issue_link = next(a for a in main.find_all("a", href=True) if "/issues/" in a["href"])
    assert first_issue_link["href"] == f"{BASE_PATH}issues/2025-08-24/"
    assert home.h1.get_text(strip=True) == ISSUES_YAML["2025-08-24"]["title"]
    toc = main.select_one("ol.toc")
    assert toc is not None
    toc_titles = [
        a.get_text(" ", strip=True)
        for a in toc.find_all("a")
        if "toc-section" not in (a.get("class") or [])
    ]
    expected = expected_numbering(ISSUES_YAML["2025-08-24"])
    assert toc_titles == [f"{n} {t}" for n, t, _ in expected]
    for a in toc.find_all("a"):
        assert a["href"].startswith(f"{BASE_PATH}issues/2025-08-24/#")
    # the older issues follow, newest first
    older = [a["href"] for a in main.select("article.issue-card :is(h2, h3, h4) a")]
    assert older == [f"{BASE_PATH}issues/2025-08-17/", f"{BASE_PATH}issues/2024-06-16/"]
    # three issues fit on one page: no second page
    assert not (themed_site / "page" / "2").exists()


def test_home_is_paginated_when_there_are_more_issues_than_per_page(minimal_content, tmp_path):
    site_yaml = minimal_content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "per_page: 1\n", encoding="utf-8")
    site = tmp_path / "site"
    build(minimal_content, site)
    home = soup(site / "index.html")
    assert home.h1.get_text(strip=True) == "Second issue"
    assert home.select_one("a[rel~=next]")["href"] == "/page/2/"
    assert home.select_one("a[rel~=prev]") is None
    page2 = soup(site / "page" / "2" / "index.html")
    main = page2.find("main")
    assert [a["href"] for a in main.find_all("a", href=True) if "/issues/" in a["href"]] == [
        "/issues/2024-01-07/"
    ]
    assert page2.select_one("a[rel~=prev]")["href"] == "/"
    assert page2.select_one("a[rel~=next]") is None
    assert not (site / "page" / "3").exists()
    assert "https://example.org/page/2/" in _sitemap_locs(site)


# --- every page's head and structure -----------------------------------------------------------

def test_every_page_has_the_required_head_and_structure(themed_site):
    pages = html_pages(themed_site)
    assert len(pages) > 100
    for html_file in pages:
        page = soup(html_file)
        where = html_file.relative_to(themed_site).as_posix()
        assert len(page.find_all("h1")) == 1, where
        assert page.html.get("lang") == "en", where
        assert page.title and page.title.get_text(strip=True), where
        description = page.find("meta", attrs={"name": "description"})
        assert description and description.get("content", "").strip(), where
        canonical = page.find_all("link", rel="canonical")
        assert len(canonical) == 1, where
        assert canonical[0]["href"] == BASE_URL + page_path(themed_site, html_file), where
        og_title = page.find("meta", property="og:title")
        assert og_title and og_title.get("content", "").strip(), where
        skip = page.body.find("a")
        assert skip["href"] == "#main", where
        assert page.find(id="main") is not None and page.find(id="main").name == "main", where
        alternates = {
            link.get("type"): link["href"] for link in page.find_all("link", rel="alternate")
        }
        assert alternates.get("application/rss+xml") == BASE_URL + "feed.xml", where
        assert alternates.get("application/atom+xml") == BASE_URL + "atom.xml", where


def test_titles_and_descriptions_are_plain_text(minimal_content, tmp_path):
    """Markdown and ampersands in a summary read as plain text in <title> and meta description."""
    issue = minimal_content / "issues" / "2024-01-14.yaml"  # the paper page shows the newest record
    issue.write_text(issue.read_text(encoding="utf-8").replace(
        "summary: Featured again.", 'summary: "Fast & cheap **GPUs**."'), encoding="utf-8")
    site_yaml = minimal_content / "site.yaml"
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8").replace(
            "description: Thinking step by step.", 'description: "Steps & **plans**."'
        ),
        encoding="utf-8",
    )
    site = tmp_path / "site"
    build(minimal_content, site)
    paper = soup(site / "papers" / "2401.00001" / "index.html")
    assert paper.find("meta", attrs={"name": "description"})["content"] == "Fast & cheap GPUs."
    category = soup(site / "categories" / "reasoning" / "index.html")
    assert category.find("meta", attrs={"name": "description"})["content"] == "Steps & plans."
    for html_file in html_pages(site):
        page = soup(html_file)
        for text in (
            page.title.get_text(),
            page.find("meta", attrs={"name": "description"})["content"],
            page.find("meta", property="og:title")["content"],
        ):
            assert not re.search(r"&(amp|lt|gt|quot|#\d+);|<[a-z/]", text), (html_file, text)


def test_markdown_headings_in_content_do_not_add_a_second_h1(minimal_content, tmp_path):
    first = minimal_content / "issues" / "2024-01-07.yaml"
    first.write_text(
        first.read_text(encoding="utf-8").replace(
            "intro: Welcome to the **first** issue.",
            'intro: "# Welcome\\n\\nTo the **first** issue."',
        ),
        encoding="utf-8",
    )
    second = minimal_content / "issues" / "2024-01-14.yaml"  # the paper page shows this record
    second.write_text(second.read_text(encoding="utf-8").replace(
        "summary: Featured again.", 'summary: "# Again\\n\\nFeatured again."'), encoding="utf-8")
    (minimal_content / "pages").mkdir()
    (minimal_content / "pages" / "about.md").write_text(
        "---\ntitle: About\n---\n# About us\n\nHello.\n", encoding="utf-8"
    )
    site = tmp_path / "site"
    build(minimal_content, site)
    pages = ("issues/2024-01-07/index.html", "issues/2024-01-14/index.html",
             "papers/2401.00001/index.html", "about/index.html")
    assert "Welcome" in soup(site / pages[0]).select_one(".intro").get_text()  # the edits are there
    h1_texts = {
        page: [h1.get_text(strip=True) for h1 in soup(site / page).find_all("h1")] for page in pages
    }
    assert h1_texts == {pages[0]: ["First issue"], pages[1]: ["Second issue"],
                        pages[2]: ["A Reasoning Paper"], pages[3]: ["About"]}


# --- command line -----------------------------------------------------------------------------

def test_cli_reports_pages_and_feeds_written(tmp_path):
    output = tmp_path / "site"
    result = build(SAMPLE_CONTENT, output)
    summary = [line for line in result.stdout.splitlines() if line.startswith("Built ")]
    assert len(summary) == 1, result.stdout
    match = re.fullmatch(
        r"Built (\d+) pages, (\d+) feeds in \d+(?:\.\d+)? s -> (.+)/", summary[0].strip()
    )
    assert match, summary[0]
    feeds = [p for p in output.rglob("*") if p.name in ("feed.xml", "atom.xml", "feed.json")]
    assert int(match.group(2)) == len(feeds) > 2
    written = [p for p in output.rglob("*") if p.is_file() and p.name in ("index.html", "404.html")]
    assert int(match.group(1)) == len(written)
    assert len(written) > 100
    assert Path(match.group(3)) == output
