"""The email edition with awkward content (tests/fixtures/awkward): images a mail client shows, no
sideways scrolling on a phone in Chromium with or without the <style> block, a warning before Gmail
clips it, and the provider's merge tag only in what is sent, never in the copy on the website."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURES, SAMPLE_CONTENT, build, run_cli, soup
from tools import chromium_tab

AWKWARD = FIXTURES / "awkward"
SLUGS = ("2024-05-05", "2024-05-12")
PHONE = 375
MERGE_TAG = "*|UNSUB|*"


@pytest.fixture(scope="module")
def awkward_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("awkward-email") / "site"
    build(AWKWARD, site)
    return site


def test_no_svg_image_reaches_a_mail_client(awkward_site):
    assert ".svg" in (AWKWARD / "issues" / "2024-05-12.yaml").read_text(encoding="utf-8")
    for slug in SLUGS:
        page = soup(awkward_site / "issues" / slug / "email.html")
        assert page.find("svg") is None
        for img in page.find_all("img"):
            assert not re.search(r"\.svgz?(\?|#|$)|^data:image/svg", img["src"], re.I), img
    page = soup(awkward_site / "issues" / "2024-05-12" / "email.html")
    link = page.find("a", href="https://example.org/figures/architecture.svg")
    assert link is not None and link.get_text(strip=True) == "The architecture"  # the image's alt
    assert [img["src"] for img in page.find_all("img")] == ["https://example.org/figures/plot.png"]


def _scroll(tab, html: str) -> tuple[int, int]:
    tab.set_content(html, wait_until="load")
    return tab.evaluate("[document.documentElement.scrollWidth,"
                        " document.documentElement.clientWidth]")


def test_no_sideways_scrolling_at_375px_with_or_without_the_style_block(awkward_site, tmp_path):
    with chromium_tab(tmp_path / "profile", PHONE, 800) as tab:
        tab.route("**/*", lambda route: route.abort())  # nothing leaves the machine
        for slug in SLUGS:
            html = (awkward_site / "issues" / slug / "email.html").read_text(encoding="utf-8")
            bare = BeautifulSoup(html, "html.parser")
            for style in bare.find_all("style"):  # as Gmail and others show it: inline styles only
                style.decompose()
            for name, variant in (("with <style>", html), ("without <style>", str(bare))):
                scroll_width, client_width = _scroll(tab, variant)
                assert scroll_width <= client_width, (slug, name, scroll_width, client_width)


def test_build_warns_when_an_edition_is_over_100_kb(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(AWKWARD, content)
    issue = content / "issues" / "2024-05-12.yaml"
    long = "A long summary sentence that goes on. " * 40
    papers = "".join(f"  - title: Filler paper {n}\n    category: efficiency\n"
                     f"    arxiv: '2405.{10000 + n}'\n    summary: '{long}'\n" for n in range(80))
    issue.write_text(issue.read_text(encoding="utf-8") + papers, encoding="utf-8")
    result = build(content, tmp_path / "site")
    size = (tmp_path / "site" / "issues" / "2024-05-12" / "email.html").stat().st_size
    assert size > 100 * 1024
    warnings = [line for line in result.stderr.splitlines() if "email" in line]
    assert len(warnings) == 1, result.stderr
    assert warnings[0].endswith(
        f"2024-05-12.yaml: warning: its email edition (issues/2024-05-12/email.html) is "
        f"{size // 1024} KB; Gmail clips an email over about 102 KB (expected at most 100 KB: "
        "shorten the summaries or split the issue)"), warnings[0]
    small = [line for line in result.stderr.splitlines() if "2024-05-05" in line]
    assert small == []


def test_the_website_copy_has_no_merge_tag_and_what_is_sent_has_it(sample_site):
    slug = "2024-06-16"
    for name in ("email.html", "email.txt"):
        assert MERGE_TAG not in (sample_site / "issues" / slug / name).read_text(encoding="utf-8")
    footer = soup(sample_site / "issues" / slug / "email.html").select_one("td.footer")
    assert footer.find("a", string="Unsubscribe") is None
    sent = run_cli("email", slug, "--content", str(SAMPLE_CONTENT))
    assert sent.exit_code == 0, sent.stderr
    page = BeautifulSoup(sent.stdout, "html.parser")
    assert page.select_one("td.footer").find("a", string="Unsubscribe")["href"] == MERGE_TAG
    text = run_cli("email", slug, "--text", "--content", str(SAMPLE_CONTENT))
    assert f"Unsubscribe: {MERGE_TAG}" in text.stdout
