"""The search page in Chromium on the sample's Pagefind index: an arXiv id finds its paper first,
excerpts start at a sentence of the editor's summary, and no filter value is offered that would
give no result. (tests/test_browser.py covers the header's box and a category filter.)"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import SAMPLE_CONTENT, build, soup
from tools import chromium_tab, served_folder


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(site folder, base URL) of the sample with its search index, served on 127.0.0.1."""
    site = tmp_path_factory.mktemp("search-browser") / "site"
    site.mkdir()
    with served_folder(site) as base_url:
        build(SAMPLE_CONTENT, site, "--base-url", base_url, "-q")
        yield site, base_url


@pytest.fixture(scope="module")
def tab(tmp_path_factory):
    with chromium_tab(tmp_path_factory.mktemp("search-profile"), 1280, 800) as page:
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        yield page
        assert page.errors == []


def search(tab, base_url: str, query: str) -> list[tuple[str, str]]:
    """(href, excerpt) of the first results shown for query."""
    tab.goto(base_url + "search/?q=" + quote(query), wait_until="load")
    tab.wait_for_function("() => /results? for|No paper/.test("
                          "document.querySelector('.search-status').textContent)", timeout=15000)
    if tab.locator(".search-status").inner_text().startswith("No paper"):
        return []
    tab.locator(".search-result").first.wait_for(timeout=10000)
    return [(item.locator(".search-result-title a").get_attribute("href"),
             item.locator(".search-result-excerpt").inner_text())
            for item in tab.locator(".search-result").all()]


@pytest.mark.parametrize("query", ["2406.04692", "arXiv:2406.04692", "arxiv:2406.04692v2",
                                   "https://arxiv.org/abs/2406.04692"])
def test_an_arxiv_id_shows_that_paper_first(tab, served, query):
    _, base_url = served
    results = search(tab, base_url, query)
    assert results and results[0][0] == "/papers/2406.04692/", results[:3]


def summary_of(site: Path, href: str) -> str:
    page = soup(site / href.strip("/") / "index.html")
    return " ".join(page.select_one(".summary").get_text(" ").split())


@pytest.mark.parametrize("query", ["model", "quantization", "Mixture-of-Agents", "Haoran You"])
def test_excerpts_start_at_a_sentence_of_the_summary(tab, served, query):
    site, base_url = served
    results = search(tab, base_url, query)
    assert results
    for href, excerpt in results:
        text = " ".join(excerpt.removesuffix("…").split())
        summary = summary_of(site, href)
        assert text and text in summary.replace(" ,", ",").replace(" .", "."), (href, excerpt)
        at = summary.replace(" ,", ",").replace(" .", ".").index(text)
        before = summary.replace(" ,", ",").replace(" .", ".")[:at].rstrip()
        assert not before or re.search(r"[.!?…][\"”’)\]]*$", before), (href, excerpt, before[-40:])


def offered(tab) -> dict[str, dict[str, int]]:
    """group -> value -> the count shown, for every filter value the page offers."""
    groups = {}
    for details in tab.locator("details.search-filter").all():
        name = details.locator("summary").inner_text()
        groups[name] = {}
        for label in details.locator("label").all():
            value, count = re.fullmatch(r"(.*) \((\d+)\)", label.text_content().strip()).groups()
            groups[name][value] = int(count)
    return groups


def test_filters_offer_only_values_that_give_results(tab, served):
    site, base_url = served
    papers = []
    for page_file in site.glob("papers/*/index.html"):
        body = soup(page_file).select_one("[data-pagefind-body]")
        filters: dict[str, list[str]] = {}
        for element in body.select("[data-pagefind-filter]"):
            name, _, value = element["data-pagefind-filter"].partition(":")
            filters.setdefault(name, []).append(value or element.get_text(strip=True))
        papers.append(filters)
    chosen = "Attention Models"
    within = [paper for paper in papers if paper["category"] == [chosen]]
    assert 0 < len(within) < len(papers)
    tab.goto(base_url + "search/", wait_until="load")
    tab.locator("summary", has_text="Category").click()
    tab.get_by_role("checkbox", name=chosen).check()
    tab.wait_for_function(f"() => /^{len(within)} results?/.test("
                          "document.querySelector('.search-status').textContent)", timeout=10000)
    tab.locator(".search-result").first.wait_for(timeout=10000)
    shown = offered(tab)
    # another category widens the search (any of them): counted over every paper
    assert shown["Category"] == dict(Counter(p["category"][0] for p in papers))
    # a tag or a year narrows it: only those of the chosen category's papers, with their counts
    assert shown.get("Tag", {}) == dict(Counter(tag for p in within for tag in p.get("tag", [])))
    assert shown["Year"] == dict(Counter(year for p in within for year in set(p["year"])))
