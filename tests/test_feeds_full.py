"""Every feed of the site (issues, papers, categories; RSS, Atom, JSON Feed), the OPML list, the
browser view (static/css/feed.css) and the subscribe page, as feed readers and people see them."""

from __future__ import annotations

import email.utils
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
import yaml
from bs4 import BeautifulSoup
from lxml import etree

from conftest import SAMPLE_CONTENT, build, run_cli, soup

BASE_URL = "https://example.github.io/paper-roundup/"
TESTS = Path(__file__).resolve().parent
ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM = f"{{{ATOM_NS}}}"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
TAG_URI = re.compile(r"tag:[a-z0-9.-]+,\d{4}(-\d{2}(-\d{2})?)?:[\w./-]+")
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
SITE_YAML = yaml.safe_load((SAMPLE_CONTENT / "site.yaml").read_text(encoding="utf-8"))
CATEGORIES = [c["slug"] for c in SITE_YAML["categories"]]
ISSUES = {path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
          for path in sorted((SAMPLE_CONTENT / "issues").glob("*.yaml"))}


def paper_id(paper: dict) -> str:
    return re.sub(r"v\d+$", "", str(paper["arxiv"]))


def feed_files(site: Path) -> dict[str, list[str]]:
    """Every feed file of a built site, by format, as site-relative paths."""
    found = {"rss": [], "atom": [], "json": []}
    for path in sorted(site.rglob("*")):
        relative = path.relative_to(site).as_posix()
        kind = {"feed.xml": "rss", "atom.xml": "atom", "feed.json": "json"}.get(path.name)
        if kind:
            found[kind].append(relative)
    return found


def parse(site: Path, name: str):
    """A feed as a reader sees it: feedparser for RSS and Atom, json for JSON Feed (feedparser 6 has
    none)."""
    if name.endswith(".json"):
        data = json.loads((site / name).read_text(encoding="utf-8"))
        entries = [feedparser.FeedParserDict(link=item["url"], id=item["id"], title=item["title"],
                                             content=[feedparser.FeedParserDict(value=item["content_html"])])
                   for item in data["items"]]
        return feedparser.FeedParserDict(version="json11", feed=data, entries=entries)
    parsed = feedparser.parse(str(site / name))
    assert parsed.bozo == 0, (name, parsed.get("bozo_exception"))
    return parsed


def rfc822(value: str):
    parsed = email.utils.parsedate_to_datetime(value)
    assert parsed.tzinfo is not None, value
    return parsed


@pytest.fixture(scope="module")
def atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(TESTS / "atom.rng")))


# --- which feeds exist -------------------------------------------------------------------------

def test_the_site_has_every_feed(sample_site):
    expected = {
        "rss": ["feed.xml", "papers/feed.xml"] + [f"categories/{c}/feed.xml" for c in CATEGORIES],
        "atom": ["atom.xml"] + [f"categories/{c}/atom.xml" for c in CATEGORIES],
        "json": ["feed.json"],
    }
    assert {kind: sorted(paths) for kind, paths in feed_files(sample_site).items()} == \
        {kind: sorted(paths) for kind, paths in expected.items()}


def test_every_feed_parses_without_bozo(sample_site):
    files = feed_files(sample_site)
    for name in files["rss"] + files["atom"] + files["json"]:
        parsed = parse(sample_site, name)
        expected = {"feed.xml": "rss20", "atom.xml": "atom10", "feed.json": "json11"}[
            Path(name).name
        ]
        assert parsed.version == expected, name
        assert parsed.entries, name


# --- Atom: the RFC 4287 schema --------------------------------------------------------------

def test_every_atom_feed_is_valid_against_the_rfc_4287_schema(sample_site, atom_schema):
    for name in feed_files(sample_site)["atom"]:
        document = etree.parse(str(sample_site / name))
        assert atom_schema.validate(document), (name, str(atom_schema.error_log))
        root = document.getroot()
        # the schema's Schematron rules, which RELAX NG does not check
        entries = root.findall(f"{ATOM}entry")
        assert root.find(f"{ATOM}author") is not None or all(
            e.find(f"{ATOM}author") is not None for e in entries
        )
        for entry in entries:
            alternate = [
                link
                for link in entry.findall(f"{ATOM}link")
                if link.get("rel", "alternate") == "alternate"
            ]
            assert alternate or entry.find(f"{ATOM}content") is not None, name


def test_the_schema_rejects_what_rfc_4287_forbids(atom_schema):
    """The shipped schema is not vacuous: the mistakes a generator makes are caught."""
    feed = ('<feed '
            'xmlns="http://www.w3.org/2005/Atom"><id>tag:example.org,2024:f</id><title>T</title>'
            '<updated>2024-06-16T00:00:00Z</updated>{}</feed>')
    entry = ('<entry><id>tag:example.org,2024:e</id><title>E</title><updated>{updated}</updated>'
             '<content type="{type}">x</content></entry>')
    valid = feed.format(entry.format(updated="2024-06-16T00:00:00+00:00", type="html"))
    assert atom_schema.validate(etree.fromstring(valid))
    # not a type
    for broken in (feed.format(entry.format(updated="2024-06-16T00:00:00+00:00", type="CDATA")),
                   feed.format(entry.format(updated="June 16, 2024", type="html")),  # not RFC 3339
                   feed.replace("<id>tag:example.org,2024:f</id>", "").format("")):  # no feed id
        assert not atom_schema.validate(etree.fromstring(broken)), broken


# --- RSS: required elements -------------------------------------------------------------------

def test_every_rss_feed_has_the_required_elements(sample_site):
    for name in feed_files(sample_site)["rss"]:
        root = etree.parse(str(sample_site / name)).getroot()
        assert root.tag == "rss" and root.get("version") == "2.0", name
        channel = root.find("channel")
        for required in ("title", "link", "description"):
            assert (channel.findtext(required) or "").strip(), (name, required)
        home = BASE_URL + (name.removesuffix("feed.xml") if name.startswith("categories/") else "")
        assert [link.text for link in channel.findall("link")] == [home], name
        self_links = [
            link.get("href") for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"
        ]
        assert self_links == [BASE_URL + name]
        rfc822(channel.findtext("lastBuildDate"))
        items = channel.findall("item")
        assert items, name
        for item in items:
            assert item.findtext("title") and item.findtext("description"), name
            assert item.findtext("link").startswith(BASE_URL)
            guid = item.find("guid")
            assert guid.get("isPermaLink") == "false" and TAG_URI.fullmatch(guid.text), guid.text
            rfc822(item.findtext("pubDate"))
            assert len(item.findall("author") + item.findall(DC_CREATOR)) == 1, name
            assert item.findall("category"), name
            encoded = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
            assert encoded and "<p>" in encoded, name


# --- ids --------------------------------------------------------------------------------------

def _ids_by_link(site: Path) -> dict[str, dict[str, str]]:
    files = feed_files(site)
    return {name: {entry.link: entry.id for entry in parse(site, name).entries}
            for name in files["rss"] + files["atom"] + files["json"]}


def test_entry_ids_are_unique_tag_uris_and_one_entry_keeps_one_id_everywhere(sample_site):
    id_of: dict[str, str] = {}
    for name, ids in _ids_by_link(sample_site).items():
        assert len(set(ids.values())) == len(ids), name
        for link, entry_id in ids.items():
            assert TAG_URI.fullmatch(entry_id), entry_id
            assert id_of.setdefault(link, entry_id) == entry_id, (name, link)  # same paper, same id
    assert len({entry_id for entry_id in id_of.values()}) == len(id_of)
    issue_ids = [e.id for e in parse(sample_site, "atom.xml").entries]
    assert issue_ids[-1] == "tag:example.github.io,2024:issues/2024-06-16"
    assert id_of[BASE_URL + "papers/2406.04692/"] == "tag:example.github.io,2024:papers/2406.04692"


def test_ids_survive_edits_a_backfill_and_a_new_issue(minimal_content, tmp_path):
    build(minimal_content, tmp_path / "before")
    issue = minimal_content / "issues" / "2024-01-07.yaml"
    issue.write_text(
        issue.read_text(encoding="utf-8")
        .replace("title: First issue", "title: First issue (corrected)")
        .replace("summary: It reasons.", "summary: It reasons, [see](../about/)."),
        encoding="utf-8",
    )
    (minimal_content / "issues" / "2023-12-31.yaml").write_text(
        "title: Backfilled\ndate: 2023-12-31\npapers:\n"
        "  - {title: Old Paper, category: reasoning, arxiv: '2312.00001', summary: Old.}\n",
        encoding="utf-8",
    )
    (minimal_content / "issues" / "2024-01-21.yaml").write_text(
        "title: Third\ndate: 2024-01-21\npapers:\n"
        "  - {title: A Reasoning Paper, category: reasoning, arxiv: '2401.00001', summary: Once "
        "more.}\n",
        encoding="utf-8",
    )
    build(minimal_content, tmp_path / "after")
    before, after = _ids_by_link(tmp_path / "before"), _ids_by_link(tmp_path / "after")
    assert before.keys() == after.keys()
    for name, ids in before.items():
        assert {link: after[name][link] for link in ids} == ids, name
        assert len(after[name]) > len(ids) or name.startswith("categories/efficiency"), name
    # the paper featured again moves to the top of the paper feed, with its old id and first date
    papers = parse(tmp_path / "after", "papers/feed.xml").entries
    assert papers[0].link == "https://example.org/papers/2401.00001/"
    assert papers[0].id == before["papers/feed.xml"]["https://example.org/papers/2401.00001/"]
    atom = {e.link: e for e in parse(tmp_path / "after", "categories/reasoning/atom.xml").entries}
    reasoning = atom["https://example.org/papers/2401.00001/"]
    assert reasoning.published.startswith("2024-01-07") and reasoning.updated.startswith(
        "2024-01-21"
    )


def test_a_pinned_id_authority_keeps_ids_when_the_site_moves(minimal_content, tmp_path):
    site_yaml = minimal_content / "site.yaml"
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8") + 'feed: {id_authority: "example.org,2020"}\n',
        encoding="utf-8",
    )
    build(minimal_content, tmp_path / "here")
    build(minimal_content, tmp_path / "moved", "--base-url", "https://digest.example.net/weekly/")
    here, moved = _ids_by_link(tmp_path / "here"), _ids_by_link(tmp_path / "moved")
    for name in here:
        assert sorted(here[name].values()) == sorted(moved[name].values()), name
        assert all(i.startswith("tag:example.org,2020:") for i in here[name].values())
    assert "tag:example.org,2020:issues/2024-01-07" in here["atom.xml"].values()
    assert next(iter(moved["atom.xml"])).startswith("https://digest.example.net/weekly/issues/")
    root = etree.parse(str(tmp_path / "moved" / "atom.xml")).getroot()
    assert root.findtext(f"{ATOM}id") == "tag:example.org,2020:feeds/issues"


@pytest.mark.parametrize(
    "value",
    [
        "example.org",
        "example.org,24",
        "example.org,2024-13",
        "exa mple.org,2024",
        "https://example.org,2024",
    ],
)
def test_a_bad_id_authority_is_reported_with_its_line(minimal_content, monkeypatch, value):
    site_yaml = minimal_content / "site.yaml"
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8") + f'feed:\n  id_authority: "{value}"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(minimal_content.parent)
    result = run_cli("check", "--content", "content")
    assert result.exit_code == 1
    line = len(site_yaml.read_text(encoding="utf-8").splitlines())
    assert result.stderr.splitlines()[0] == (
        f"content/site.yaml:{line}: feed.id_authority: '{value}' is not a tag: authority (expected "
        "a domain or "
        'email address you owned, a comma and a date when you owned it, such as "example.org,2024" '
        'or '
        '"editor@example.org,2024-06-16")'
    )


# --- entries: links, dates, content --------------------------------------------------------------

def test_every_link_in_every_feed_is_absolute(sample_site):
    checked = 0
    for name, ids in _ids_by_link(sample_site).items():
        for link in ids:
            assert link.startswith(BASE_URL), (name, link)
        for entry in parse(sample_site, name).entries:
            for element in BeautifulSoup(entry.content[0].value, "html.parser").find_all(True):
                for attribute in ("href", "src"):
                    if element.get(attribute) is not None:
                        checked += 1
                        assert urlsplit(element[attribute]).scheme in ("http", "https"), (
                            name,
                            element,
                        )
    assert checked > 1000


def test_relative_markdown_links_become_absolute_in_every_feed(minimal_content, tmp_path):
    """Resolved as a browser on the entry's page would: the issue page, or the paper page."""
    issue = minimal_content / "issues" / "2024-01-14.yaml"
    issue.write_text(
        issue.read_text(encoding="utf-8").replace(
            "summary: Faster still.",
            "summary: 'See [about](/about/), [the first](../2401.00001/) and ![a "
            "chart](chart.png).'",
        ),
        encoding="utf-8",
    )
    site = tmp_path / "site"
    build(minimal_content, site, "--base-url", "https://example.org/digest/")

    def hrefs(name: str) -> set[str]:
        found = set()
        for entry in parse(site, name).entries:
            html = BeautifulSoup(entry.content[0].value, "html.parser")
            found |= {a["href"] for a in html.find_all("a", href=True)} | {
                i["src"] for i in html.find_all("img")
            }
        return found

    for name in ("feed.xml", "atom.xml", "feed.json"):
        assert {"https://example.org/about/", "https://example.org/digest/issues/2401.00001/",
                "https://example.org/digest/issues/2024-01-14/chart.png"} <= hrefs(name), name
    for name in ("papers/feed.xml", "categories/efficiency/atom.xml"):
        assert {"https://example.org/about/", "https://example.org/digest/papers/2401.00001/",
                "https://example.org/digest/papers/2401.00003/chart.png"} <= hrefs(name), name
    for name in (
        "feed.xml",
        "atom.xml",
        "feed.json",
        "papers/feed.xml",
        "categories/efficiency/atom.xml",
    ):
        assert all(urlsplit(href).scheme == "https" for href in hrefs(name)), name


def test_dates_have_time_zones_and_come_from_the_content(sample_site):
    for name in feed_files(sample_site)["atom"]:
        root = etree.parse(str(sample_site / name)).getroot()
        values = [root.findtext(f"{ATOM}updated")] + [
            entry.findtext(f"{ATOM}{field}") for entry in root.findall(f"{ATOM}entry")
            for field in ("published", "updated")]
        for value in values:
            assert RFC3339.fullmatch(value), (name, value)
            assert value[:10] in {"2024-06-16", "2025-08-17", "2025-08-24"}, (name, value)
    channel = etree.parse(str(sample_site / "feed.xml")).getroot().find("channel")
    assert channel.findtext("lastBuildDate") == "Sun, 24 Aug 2025 00:00:00 +0000"


def test_entries_have_an_author_categories_a_summary_and_full_content(sample_site):
    june = ISSUES["2024-06-16"]
    atom = parse(sample_site, "atom.xml").entries[-1]
    assert atom.summary == june["summary"]
    assert [t.term for t in atom.tags] == [c for c in CATEGORIES
                                           if any(p["category"] == c for p in june["papers"])]
    assert atom.authors == [{"name": "The paper-roundup editors", "email": "editors@example.org"}]
    content = BeautifulSoup(atom.content[0].value, "html.parser")
    assert len(content.find_all("h3")) == len(june["papers"])
    paper = next(
        e for e in parse(sample_site, "papers/feed.xml").entries if e.link.endswith("/2406.04692/")
    )
    assert paper.title == "Mixture-of-Agents Enhances Large Language Model Capabilities"
    assert paper.summary.startswith("Instead of betting on one model, Mixture-of-Agents stacks")
    assert len(paper.summary) <= 301
    # RSS: the labels
    assert {t.term for t in paper.tags} >= {"LLM Progress & Benchmarking", "agents"}
    atom = next(e for e in parse(sample_site, "categories/progress-benchmarking/atom.xml").entries
                if e.link == paper.link)
    assert [(t.term, t.scheme) for t in atom.tags][:2] == [
        ("progress-benchmarking", BASE_URL + "categories/"),
        ("agents", BASE_URL + "tags/"),
    ]
    hrefs = {a["href"] for a in BeautifulSoup(paper.content[0].value, "html.parser").find_all("a")}
    assert {"https://arxiv.org/abs/2406.04692", "https://github.com/togethercomputer/MoA",
            BASE_URL + "issues/2024-06-16/#paper-2406.04692"} <= hrefs


def test_an_editor_without_email_is_named_once_per_rss_item(minimal_content, tmp_path):
    site_yaml = minimal_content / "site.yaml"
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8").replace(
            "author: {name: Test Editor, email: editor@example.org}", "author: {name: Test Editor}"
        ),
        encoding="utf-8",
    )
    build(minimal_content, tmp_path / "site")
    for name in ("feed.xml", "papers/feed.xml"):
        for item in etree.parse(str(tmp_path / "site" / name)).getroot().iter("item"):
            assert item.findall("author") == []
            assert [c.text for c in item.findall(DC_CREATOR)] == ["Test Editor"]
        assert all(e.author == "Test Editor" for e in parse(tmp_path / "site", name).entries)
    site_yaml.write_text(
        re.sub(r"author: .*\n", "", site_yaml.read_text(encoding="utf-8")), encoding="utf-8"
    )
    build(minimal_content, tmp_path / "anonymous")
    assert {e.author for e in parse(tmp_path / "anonymous", "atom.xml").entries} == {
        "Minimal Digest"
    }


# --- paper and category feeds
# ----------------------------------------------------------------------

def _newest_records() -> dict[str, tuple[str, dict]]:
    """paper id -> (slug of its newest issue, its record there), from the YAML."""
    records = {}
    for slug in sorted(ISSUES):
        for paper in ISSUES[slug]["papers"]:
            records[paper_id(paper)] = (slug, paper)
    return records


def test_the_paper_feed_has_one_entry_per_paper_newest_first(sample_site):
    entries = parse(sample_site, "papers/feed.xml").entries
    records = _newest_records()
    assert sorted(e.link for e in entries) == sorted(f"{BASE_URL}papers/{pid}/" for pid in records)
    dates = [e.updated_parsed if "updated_parsed" in e else e.published_parsed for e in entries]
    newest = [records[e.link.split("/")[-2]][0] for e in entries]
    assert newest == sorted(newest, reverse=True) and len(dates) == len(records)
    # within an issue, papers keep the issue's numbering
    june = [e.title for e in entries if records[e.link.split("/")[-2]][0] == "2024-06-16"]
    june_order = [
        p["title"]
        for c in CATEGORIES
        for p in ISSUES["2024-06-16"]["papers"]
        if p["category"] == c and records[paper_id(p)][0] == "2024-06-16"
    ]
    assert june == june_order


def test_each_category_feed_has_the_papers_of_its_category(sample_site):
    records = _newest_records()
    for category in CATEGORIES:
        for name in (f"categories/{category}/feed.xml", f"categories/{category}/atom.xml"):
            parsed = parse(sample_site, name)
            assert parsed.feed.title.endswith(next(c["name"] for c in SITE_YAML["categories"]
                                                   if c["slug"] == category))
            links = [e.link for e in parsed.entries]
            expected = {
                f"{BASE_URL}papers/{pid}/"
                for pid, (_, p) in records.items()
                if p["category"] == category
            }
            assert set(links) == expected and len(links) == len(expected), name
            issues = [records[link.split("/")[-2]][0] for link in links]
            assert issues == sorted(issues, reverse=True), name


def test_feed_items_limits_every_feed_to_the_newest_issues(minimal_content, tmp_path):
    site_yaml = minimal_content / "site.yaml"
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8") + "feed: {items: 1}\n", encoding="utf-8"
    )
    build(minimal_content, tmp_path / "site")
    site = tmp_path / "site"
    assert [e.link for e in parse(site, "feed.json").entries] == ["https://example.org/issues/2024-01-14/"]
    assert sorted(e.link for e in parse(site, "papers/feed.xml").entries) == [
        "https://example.org/papers/2401.00001/", "https://example.org/papers/2401.00003/"]


# --- JSON Feed --------------------------------------------------------------------------------

def test_json_feed_has_the_required_fields_and_the_atom_ids(sample_site):
    data = json.loads((sample_site / "feed.json").read_text(encoding="utf-8"))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["title"] == SITE_YAML["title"]
    assert data["home_page_url"] == BASE_URL and data["feed_url"] == BASE_URL + "feed.json"
    assert data["authors"] == [{"name": "The paper-roundup editors"}]
    atom_ids = [e.id for e in parse(sample_site, "atom.xml").entries]
    assert [item["id"] for item in data["items"]] == atom_ids
    for item in data["items"]:
        assert item["url"].startswith(BASE_URL + "issues/")
        assert item["content_html"].startswith("<") and item["title"] and item["summary"]
        for field in ("date_published", "date_modified"):
            assert RFC3339.fullmatch(item[field]), item[field]
        assert set(item) <= {
            "id",
            "url",
            "title",
            "summary",
            "content_html",
            "date_published",
            "date_modified",
            "authors",
            "tags",
        }


# --- the browser view, OPML, subscribe page, autodiscovery -----------------------------------

def test_feeds_point_browsers_to_a_css_stylesheet_not_xslt(sample_site):
    """Browsers are removing XSLT: a feed is styled by CSS on its own XML
    (tests/test_feed_browser.py opens it in Chromium)."""
    assert (sample_site / "static" / "css" / "feed.css").is_file()
    assert not (sample_site / "feed.xsl").exists()
    for name in ("feed.xml", "atom.xml", "categories/reasoning/atom.xml"):
        text = (sample_site / name).read_text(encoding="utf-8")
        assert text.splitlines()[1] == \
            '<?xml-stylesheet type="text/css" href="/paper-roundup/static/css/feed.css"?>'
        assert "text/xsl" not in text


def test_opml_lists_every_feed(sample_site):
    root = etree.parse(str(sample_site / "feeds.opml")).getroot()
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title")
    rfc822(root.findtext("head/dateCreated"))
    outlines = [o for o in root.iter("outline") if o.get("xmlUrl")]
    files = feed_files(sample_site)
    assert sorted(o.get("xmlUrl") for o in outlines) == sorted(
        BASE_URL + p for p in sum(files.values(), [])
    )
    for outline in outlines:
        assert (
            outline.get("type") == "rss"
            and outline.get("text")
            and outline.get("htmlUrl").startswith(BASE_URL)
        )
    assert [o.get("text") for o in root.find("body")] == [
        "Every issue",
        "Every paper",
        "Papers by category",
    ]


def test_the_subscribe_page_lists_every_feed_with_its_address(sample_site):
    page = soup(sample_site / "subscribe" / "index.html")
    files = sum(feed_files(sample_site).values(), [])
    shown = [code.get_text(strip=True) for code in page.select("code.feed-url")]
    assert sorted(shown) == sorted(BASE_URL + path for path in files)
    linked = {a["href"] for a in page.select("a.feed-format")}
    assert linked == {"/paper-roundup/" + path for path in files}
    assert "/paper-roundup/feeds.opml" in {a["href"] for a in page.find_all("a", href=True)}
    assert page.select_one(".subscribe-box a.button") is None  # no subscribe_url in the sample


def test_the_subscribe_page_offers_the_newsletter_and_is_in_the_nav(minimal_content, tmp_path):
    site_yaml = minimal_content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "subscribe_url: "
                                                                 "https://buttondown.com/x\n",
                         encoding="utf-8")
    build(minimal_content, tmp_path / "site")
    page = soup(tmp_path / "site" / "subscribe" / "index.html")
    assert page.select_one(".subscribe-box a.button")["href"] == "https://buttondown.com/x"
    for html_file in ("index.html", "archive/index.html", "issues/2024-01-07/index.html"):
        nav = {
            a.get_text(strip=True): a["href"]
            for a in soup(tmp_path / "site" / html_file).select("nav.site-nav a")
        }
        assert nav["Subscribe"] == "/subscribe/", html_file


def test_every_page_discovers_the_site_feeds_and_category_pages_their_own(sample_site):
    site_feeds = [BASE_URL + "feed.xml", BASE_URL + "atom.xml", BASE_URL + "feed.json"]
    for html_file in sorted(sample_site.rglob("index.html")):
        hrefs = [
            link["href"] for link in soup(html_file).find_all("link", rel="alternate", type=True)
        ]
        relative = html_file.relative_to(sample_site).parent.as_posix()
        if relative.startswith("categories/"):
            own = relative.split("/page/")[0]
            assert hrefs[:2] == [f"{BASE_URL}{own}/feed.xml", f"{BASE_URL}{own}/atom.xml"], relative
            hrefs = hrefs[2:]
        assert hrefs == site_feeds, relative


def test_hostile_content_stays_text_in_every_feed_and_in_the_browser_view(tmp_path):
    from conftest import FIXTURES
    from tools import dangers, feed_fragments

    site = tmp_path / "site"
    build(FIXTURES / "hostile", site)
    files = feed_files(site)
    checked = 0
    for name in files["rss"] + files["atom"]:
        fragments = feed_fragments(site / name)
        assert [(where, found) for where, html in fragments for found in dangers(html)] == [], name
        checked += len(fragments)
    for item in json.loads((site / "feed.json").read_text(encoding="utf-8"))["items"]:
        assert dangers(item["content_html"]) == []
    assert checked > 10
