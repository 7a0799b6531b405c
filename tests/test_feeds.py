"""RSS 2.0 and Atom feeds as a feed reader sees them."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
import yaml
from bs4 import BeautifulSoup
from lxml import etree

from conftest import SAMPLE_CONTENT, assert_site_link_resolves, build

BASE_URL = "https://example.github.io/paper-roundup/"
ISSUES_NEWEST_FIRST = ("2025-08-24", "2025-08-17", "2024-06-16")
FEEDS = ("feed.xml", "atom.xml")
ATOM = "{http://www.w3.org/2005/Atom}"
TAG_URI = re.compile(r"tag:[a-z0-9.-]+,\d{4}(-\d{2}(-\d{2})?)?:\S+")
RFC822_WITH_ZONE = re.compile(
    r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} ([+-]\d{4}|GMT|UT|Z)"
)
RFC3339_WITH_ZONE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def issue_yaml(slug: str) -> dict:
    return yaml.safe_load((SAMPLE_CONTENT / "issues" / f"{slug}.yaml").read_text(encoding="utf-8"))


def parse(site: Path, name: str):
    parsed = feedparser.parse(str(site / name))
    assert parsed.bozo == 0, (name, parsed.get("bozo_exception"))
    return parsed


def entry_html(entry) -> str:
    assert entry.get("content"), "entry has full content"
    return entry.content[0].value


def ids(site: Path) -> dict[str, dict[str, str]]:
    """{feed name: {entry link: entry id}}."""
    return {name: {e.link: e.id for e in parse(site, name).entries} for name in FEEDS}


@pytest.mark.parametrize("name, version", [("feed.xml", "rss20"), ("atom.xml", "atom10")])
def test_feed_parses_cleanly(sample_site, name, version):
    parsed = parse(sample_site, name)
    assert parsed.version == version
    assert parsed.feed.title == "Top LLM Papers of the Week"


@pytest.mark.parametrize("name", FEEDS)
def test_one_entry_per_issue_newest_first_with_absolute_links(sample_site, name):
    entries = parse(sample_site, name).entries
    assert [e.link for e in entries] == [
        f"{BASE_URL}issues/{slug}/" for slug in ISSUES_NEWEST_FIRST
    ]
    for entry, slug in zip(entries, ISSUES_NEWEST_FIRST, strict=False):
        assert entry.title == issue_yaml(slug)["title"]
        assert (sample_site / "issues" / slug / "index.html").is_file()


@pytest.mark.parametrize("name", FEEDS)
def test_entry_ids_are_unique_tag_uris(sample_site, name):
    entries = parse(sample_site, name).entries
    entry_ids = [e.id for e in entries]
    assert len(set(entry_ids)) == len(entries) == 3
    for entry_id in entry_ids:
        assert TAG_URI.fullmatch(entry_id), entry_id
    for entry, slug in zip(entries, ISSUES_NEWEST_FIRST, strict=False):
        assert entry.id.endswith(slug)


def test_rss_and_atom_use_the_same_ids_and_rss_guids_are_not_permalinks(sample_site):
    assert ids(sample_site)["feed.xml"] == ids(sample_site)["atom.xml"]
    channel = etree.parse(str(sample_site / "feed.xml")).getroot().find("channel")
    for item in channel.findall("item"):
        guid = item.find("guid")
        assert guid is not None and guid.get("isPermaLink") == "false"
        assert TAG_URI.fullmatch(guid.text)


def test_entry_ids_survive_edits_to_the_issue(minimal_content, tmp_path):
    build(minimal_content, tmp_path / "before")
    issue = minimal_content / "issues" / "2024-01-07.yaml"
    text = issue.read_text(encoding="utf-8")
    edited = (
        text.replace(
            "summary: The first issue.", "summary: The first issue, now with a better summary."
        )
        .replace("title: First issue", "title: First issue (corrected)")
        .replace("summary: It reasons.", "summary: It reasons, carefully.")
    )
    assert edited != text
    issue.write_text(edited, encoding="utf-8")
    build(minimal_content, tmp_path / "after")
    before, after = ids(tmp_path / "before"), ids(tmp_path / "after")
    assert before == after
    assert len(before["atom.xml"]) == 2
    # the edit really is in the new feed
    titles = [e.title for e in parse(tmp_path / "after", "atom.xml").entries]
    assert "First issue (corrected)" in titles


def test_entry_ids_survive_adding_an_older_issue(minimal_content, tmp_path):
    """Backfilling an old issue (or publishing a draft) must not re-id every existing entry."""
    build(minimal_content, tmp_path / "before")
    (minimal_content / "issues" / "2023-12-31.yaml").write_text(
        "title: A backfilled issue\ndate: 2023-12-31\npapers:\n"
        "  - {title: Old Paper, category: reasoning, arxiv: '2312.00001', summary: Old.}\n",
        encoding="utf-8")
    build(minimal_content, tmp_path / "after")
    for name in FEEDS:
        before, after = ids(tmp_path / "before")[name], ids(tmp_path / "after")[name]
        assert len(after) == 3
        assert {link: after[link] for link in before} == before, name


def test_entry_dates_have_time_zones(sample_site):
    channel = etree.parse(str(sample_site / "feed.xml")).getroot().find("channel")
    items = channel.findall("item")
    assert len(items) == 3
    for item in items:
        published = item.findtext("pubDate")
        assert published and RFC822_WITH_ZONE.fullmatch(published.strip()), published
    atom = etree.parse(str(sample_site / "atom.xml")).getroot()
    entries = atom.findall(f"{ATOM}entry")
    assert len(entries) == 3
    for entry in entries:
        for field in ("published", "updated"):
            value = entry.findtext(f"{ATOM}{field}")
            assert value and RFC3339_WITH_ZONE.fullmatch(value.strip()), (field, value)
    for name in FEEDS:
        for entry, slug in zip(parse(sample_site, name).entries, ISSUES_NEWEST_FIRST, strict=False):
            published = dt.date(*entry.published_parsed[:3])
            assert published == dt.date.fromisoformat(slug)


@pytest.mark.parametrize("name", FEEDS)
def test_entry_content_is_html_with_every_paper_title(sample_site, name):
    for entry, slug in zip(parse(sample_site, name).entries, ISSUES_NEWEST_FIRST, strict=False):
        html = BeautifulSoup(entry_html(entry), "html.parser")
        headings = [h.get_text(" ", strip=True) for h in html.find_all("h3")]
        text = html.get_text(" ", strip=True)
        papers = issue_yaml(slug)["papers"]
        assert len(headings) == len(papers)
        for paper in papers:
            assert paper["title"] in text, (slug, paper["title"])
            assert any(h.endswith(paper["title"]) for h in headings), (slug, paper["title"])
        hrefs = {a["href"] for a in html.find_all("a", href=True)}
        for paper in papers:
            assert f"https://arxiv.org/abs/{paper['arxiv']}" in hrefs


@pytest.mark.parametrize("name", FEEDS)
def test_entry_content_is_declared_html(sample_site, name):
    for entry in parse(sample_site, name).entries:
        assert entry.content[0].type == "text/html", entry.content[0].type
    if name == "atom.xml":
        atom = etree.parse(str(sample_site / name)).getroot()
        for content in atom.iter(f"{ATOM}content"):
            assert content.get("type") in ("html", "xhtml"), content.get("type")


def _assert_all_hrefs_absolute(site: Path) -> int:
    count = 0
    for name in FEEDS:
        for entry in parse(site, name).entries:
            html = BeautifulSoup(entry_html(entry), "html.parser")
            for element in html.find_all(True):
                for attribute in ("href", "src"):
                    if element.get(attribute) is not None:
                        count += 1
                        assert urlsplit(element[attribute]).scheme in ("http", "https"), \
                            (name, entry.link, element[attribute])
    return count


def test_every_href_in_entry_content_is_absolute(sample_site):
    assert _assert_all_hrefs_absolute(sample_site) > 100


def test_links_to_the_site_in_entry_content_resolve(sample_site):
    """Absolute links back to the site point at built pages and existing anchors."""
    checked = 0
    for entry in parse(sample_site, "atom.xml").entries:
        for a in BeautifulSoup(entry_html(entry), "html.parser").find_all("a", href=True):
            if a["href"].startswith(BASE_URL):
                assert_site_link_resolves(sample_site, BASE_URL, a["href"])
                checked += 1
    assert checked > 100


def test_markdown_links_in_content_become_absolute_in_feeds(minimal_content, tmp_path):
    issue = minimal_content / "issues" / "2024-01-07.yaml"
    text = issue.read_text(encoding="utf-8")
    text = text.replace(
        "intro: Welcome to the **first** issue.",
        "intro: Welcome. See [the archive](/archive/) and [the first paper](#paper-2401.00001).",
    )
    text = text.replace(
        "summary: It reasons.",
        "summary: It reasons, like [the other one](../../papers/2401.00003/).",
    )
    issue.write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    build(minimal_content, site)
    assert _assert_all_hrefs_absolute(site) > 0


def test_rss_channel_links_to_site_and_to_itself(sample_site):
    root = etree.parse(str(sample_site / "feed.xml")).getroot()
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("link").strip() == BASE_URL
    self_links = [link for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert len(self_links) == 1
    assert self_links[0].get("href") == BASE_URL + "feed.xml"
    assert channel.findtext("title") and channel.findtext("description")


def test_atom_feed_links_to_site_and_to_itself(sample_site):
    root = etree.parse(str(sample_site / "atom.xml")).getroot()
    links = {link.get("rel", "alternate"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["self"] == BASE_URL + "atom.xml"
    assert links["alternate"] == BASE_URL
    assert root.findtext(f"{ATOM}id")
    assert RFC3339_WITH_ZONE.fullmatch(root.findtext(f"{ATOM}updated").strip())


def test_one_author_per_item(sample_site):
    channel = etree.parse(str(sample_site / "feed.xml")).getroot().find("channel")
    dc_creator = "{http://purl.org/dc/elements/1.1/}creator"
    for item in channel.findall("item"):
        authors = item.findall("author") + item.findall(dc_creator)
        assert len(authors) == 1
        assert "The paper-roundup editors" in authors[0].text
    for name in FEEDS:
        for entry in parse(sample_site, name).entries:
            assert len(entry.authors) == 1
            assert entry.authors[0]["name"] == "The paper-roundup editors"


def test_feed_items_setting_caps_the_entries(minimal_content, tmp_path):
    site_yaml = minimal_content / "site.yaml"
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8") + "feed: {items: 1}\n", encoding="utf-8"
    )
    site = tmp_path / "site"
    build(minimal_content, site)
    for name in FEEDS:
        entries = parse(site, name).entries
        assert [e.link for e in entries] == ["https://example.org/issues/2024-01-14/"]
    # the cap only limits the feeds: both issues are still on the site
    assert (site / "issues" / "2024-01-07" / "index.html").is_file()


def test_without_a_cap_every_issue_is_in_the_feed(minimal_content, tmp_path):
    site = tmp_path / "site"
    build(minimal_content, site)
    for name in FEEDS:
        assert len(parse(site, name).entries) == 2
