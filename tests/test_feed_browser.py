"""A feed opened in Chromium: its own XML styled by CSS (no XSLT, which Chromium is removing and
flags with a banner), readable on a phone: the channel's title, every entry's title, no sideways
scrolling, nothing of the machinery (ids, dates in RFC 822) hidden behind XSLT."""

from __future__ import annotations

import feedparser
import pytest

from conftest import FIXTURES, build
from tools import chromium_tab, served_folder

FEEDS = ("feed.xml", "atom.xml", "papers/feed.xml", "categories/reasoning/atom.xml")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    site = tmp_path_factory.mktemp("feed-browser") / "site"
    site.mkdir()
    with served_folder(site) as base_url:
        build(FIXTURES / "awkward", site, "--base-url", base_url, "-q", "--no-search")
        yield site, base_url


@pytest.mark.parametrize("name", FEEDS)
def test_a_feed_in_the_browser_is_its_xml_styled_by_css_and_readable(served, name, tmp_path):
    site, base_url = served
    assert (site / name).is_file(), name
    parsed = feedparser.parse((site / name).read_bytes())
    assert not parsed.bozo and parsed.entries
    with chromium_tab(tmp_path / "profile", 390, 844) as tab:
        messages: list[str] = []
        tab.on("console", lambda message: messages.append(message.text))
        tab.goto(base_url + name, wait_until="load")
        view = tab.evaluate("""() => {
          const shown = (element) => element && element.getBoundingClientRect().height > 0;
          const named = (parent, name) => [...parent.children].filter(c => c.localName === name);
          const root = document.documentElement;
          const channel = root.localName === "rss" ? named(root, "channel")[0] : root;
          const entries = named(channel, root.localName === "rss" ? "item" : "entry");
          const id = root.localName === "rss" ? "guid" : "id";
          return {root: root.localName, title: shown(named(channel, "title")[0]),
                  entries: entries.length,
                  titles: entries.filter(e => shown(named(e, "title")[0])).length,
                  ids: entries.filter(e => shown(named(e, id)[0])).length,
                  scroll: root.scrollWidth, width: window.innerWidth};
        }""")
    assert view["root"] in ("rss", "feed"), view  # not turned into an HTML page by XSLT
    assert view["title"] and view["entries"] == len(parsed.entries) == view["titles"], view
    assert view["ids"] == 0, view
    assert view["scroll"] <= view["width"], view
    assert not [text for text in messages if "XSLT" in text or "xslt" in text], messages
