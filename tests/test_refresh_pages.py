"""What readers see of papers.lock.yaml: the paper page and the issue's paper card (both themes),
the editor's `status:` overrides, mistakes in the lock reported with their line, and an edit of
the lock remaking exactly the pages that show the papers it changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, build, run_cli, soup
from test_soundness import Inputs, assert_incremental_equals_cold, make_project

LOCK = '''\
"2401.00001":
  featured_version: 1
  arxiv_checked: {first: 2024-02-01, last: 2024-03-05}
  version: {value: 3, posted: 2024-03-01, first_seen: 2024-03-05}
  journal_ref: {value: "Proceedings of NeurIPS 2024 <script>alert(1)</script>",
                first_seen: 2024-03-05}
  doi: {value: "10.1234/neurips.2024.42", first_seen: 2024-03-05}
  hf_checked: {first: 2024-02-01, last: 2024-03-05}
  upvotes: {value: 40, first_seen: 2024-03-05}
  code: {value: "https://github.com/example/reasoner", first_seen: 2024-03-05}
  stars: {value: 1321, first_seen: 2024-03-05}

"2401.00003":
  featured_version: 2
  arxiv_checked: {first: 2024-02-01, last: 2024-03-05}
  version: {value: 3, posted: 2024-03-02, first_seen: 2024-03-05}
  withdrawn: {value: true, first_seen: 2024-03-05}
  hf_checked: {first: 2024-02-01, last: 2024-03-05}
  code: {value: "https://github.com/example/fast", first_seen: 2024-02-01}
  stars: {value: 12, first_seen: 2024-02-01}
'''


def content_with_lock(root: Path, theme: str = "default", lock: str = LOCK) -> Path:
    content = root / "content"
    shutil.copytree(FIXTURES / "minimal", content)
    (content / "papers.lock.yaml").write_text(lock, encoding="utf-8")
    if theme != "default":
        site = content / "site.yaml"
        site.write_text(site.read_text(encoding="utf-8") + f"theme: {theme}\n", encoding="utf-8")
    return content


def card(page, arxiv: str):
    return page.find("article", id=f"paper-{arxiv}")


def text_of(element) -> str:
    return " ".join(element.get_text().split())


@pytest.mark.parametrize("theme", ["default", "classic"])
def test_the_paper_card_of_an_issue_tells_what_became_of_the_paper(tmp_path, theme):
    site = tmp_path / "site"
    build(content_with_lock(tmp_path, theme), site)
    page = soup(site / "issues" / "2024-01-14" / "index.html")
    reasoning = card(page, "2401.00001")
    status = reasoning.find("ul", class_="paper-status")
    version = status.find("li", class_="status-version")
    assert text_of(version) == "v3 since featured, March 1, 2024"
    assert version.a["href"] == "https://arxiv.org/abs/2401.00001v3"
    assert version.time["datetime"] == "2024-03-01"
    published = status.find("li", class_="status-published")
    # the journal ref is text from an API: shown, never run
    assert text_of(published).startswith(
        "Published in Proceedings of NeurIPS 2024 <script>alert(1)</script>")
    assert published.find("script") is None
    assert published.a["href"] == "https://doi.org/10.1234/neurips.2024.42"
    code = status.find("li", class_="status-code")
    assert code.a["href"] == "https://github.com/example/reasoner" and "★ 1,321" in text_of(code)
    assert "▲ 40 upvotes on Hugging Face" in text_of(status.find("li", class_="status-upvotes"))

    withdrawn = card(page, "2401.00003")  # still in the issue, numbered and listed
    notice = withdrawn.find(class_="status-notice")
    assert text_of(notice).startswith("Withdrawn by the authors (noticed March 5, 2024).")
    assert notice["role"] == "note"
    assert page.find("nav", class_="toc-box").find("a", href="/issues/2024-01-14/#paper-2401.00003")
    # the editor's own code link carries the stars refresh found for it, and is not listed twice
    links = withdrawn.find("ul", class_="paper-links")
    code_link = links.find("a", href="https://github.com/example/fast")
    assert "★ 12" in text_of(code_link.parent)
    assert withdrawn.find("li", class_="status-code") is None

    older = soup(site / "issues" / "2024-01-07" / "index.html")
    assert "v3 since featured" in text_of(card(older, "2401.00001"))


def test_the_paper_page_shows_the_same(tmp_path):
    site = tmp_path / "site"
    build(content_with_lock(tmp_path), site)
    page = soup(site / "papers" / "2401.00003" / "index.html")
    article = page.find("article", class_="paper-page")
    assert "Withdrawn by the authors" in text_of(article.find(class_="status-notice"))
    version = article.find("li", class_="status-version")
    assert text_of(version) == "v3 since featured, March 2, 2024"
    other = soup(site / "papers" / "2401.00001" / "index.html")
    doi = other.find("li", class_="status-published").a["href"]
    assert doi == "https://doi.org/10.1234/neurips.2024.42"
    # a paper refresh knows nothing of shows nothing
    plain = soup(site / "papers" / "an-efficient-paper" / "index.html")
    assert plain.find(class_="paper-status") is None and plain.find(class_="status-notice") is None


def test_the_editor_hides_or_sets_what_is_shown(tmp_path):
    content = content_with_lock(tmp_path)
    issue = content / "issues" / "2024-01-14.yaml"
    text = issue.read_text(encoding="utf-8")
    issue.write_text(text.replace(
        '    arxiv: "2401.00003v2"\n',
        '    arxiv: "2401.00003v2"\n    status: {withdrawn: false, hide: [stars]}\n').replace(
        "    summary: Featured again.\n",
        '    summary: Featured again.\n    status:\n      hide: [upvotes, version]\n'
        '      journal_ref: "ICLR 2024 (oral)"\n      doi: ""\n'), encoding="utf-8")
    site = tmp_path / "site"
    build(content, site)
    page = soup(site / "issues" / "2024-01-14" / "index.html")
    withdrawn = card(page, "2401.00003")
    assert withdrawn.find(class_="status-notice") is None and "★" not in text_of(withdrawn)
    reasoning = card(page, "2401.00001")
    published = reasoning.find("li", class_="status-published")
    assert text_of(published) == "Published in ICLR 2024 (oral)"
    assert reasoning.find("li", class_="status-upvotes") is None
    assert reasoning.find("li", class_="status-version") is None
    # the first issue's record has no status: of its own, so there the lock's facts show
    assert card(soup(site / "issues" / "2024-01-07" / "index.html"), "2401.00001").find(
        "li", class_="status-upvotes")


def test_mistakes_in_the_lock_and_in_status_are_reported_with_their_lines(tmp_path):
    content = content_with_lock(tmp_path, lock=LOCK.replace(
        '"https://github.com/example/reasoner"', '"javascript:alert(1)"').replace(
        "featured_version: 2", "featured_version: two"))
    issue = content / "issues" / "2024-01-14.yaml"
    issue.write_text(issue.read_text(encoding="utf-8").replace(
        '    arxiv: "2401.00003v2"\n', '    arxiv: "2401.00003v2"\n    status: {hide: [stras]}\n'),
        encoding="utf-8")
    result = run_cli("check", "--content", str(content))
    assert result.exit_code == 1
    lock = content / "papers.lock.yaml"
    assert f"{lock}:10: \"2401.00001\".code.value: 'javascript:alert(1)' is not valid " \
           "(expected an https:// URL)" in result.stderr
    assert f"{lock}:14: \"2401.00003\".featured_version: 'two' is not a whole number" \
        in result.stderr
    assert f"{issue}:8: papers[0].status.hide: 'stras' is not something shown" \
        in result.stderr


def test_an_edit_of_the_lock_writes_exactly_the_pages_of_that_paper(tmp_path):
    content = content_with_lock(tmp_path)
    site = tmp_path / "site"
    build(content, site)
    lock = content / "papers.lock.yaml"
    lock.write_text(LOCK.replace("stars: {value: 12,", "stars: {value: 13,"), encoding="utf-8")
    result = build(content, site, "-v", "--no-search")
    written = sorted(line.split(f"{site}/")[1] for line in result.output.splitlines()
                     if "  wrote " in line)
    assert written == ["issues/2024-01-14/index.html", "papers/2401.00003/index.html"]
    # only the dates checked moved: nothing a reader sees, nothing written
    lock.write_text(LOCK.replace("last: 2024-03-05", "last: 2024-03-12"), encoding="utf-8")
    build(content, site, "--no-search")
    lock.write_text(LOCK.replace("last: 2024-03-05", "last: 2024-03-19"), encoding="utf-8")
    result = build(content, site, "-v", "--no-search")
    assert "  wrote " not in result.output


@pytest.mark.parametrize("step", ["add", "change", "remove"])
def test_incremental_equals_cold_after_lock_edits(tmp_path, step):
    root = make_project(tmp_path / "project")
    inputs = Inputs()
    build(root / "content", root / "site", "-q", env=inputs.env())
    lock = root / "content" / "papers.lock.yaml"
    lock.write_text(LOCK, encoding="utf-8")
    inputs.log.append("lock added")
    assert_incremental_equals_cold(root, inputs, tmp_path)
    if step == "change":
        lock.write_text(LOCK.replace("  withdrawn: {value: true, first_seen: 2024-03-05}\n", ""),
                        encoding="utf-8")
    elif step == "remove":
        lock.unlink()
    else:
        lock.write_text(LOCK + '\n"2401.00009":\n  version: {value: 2, posted: 2024-01-30, '
                        'first_seen: 2024-02-01}\n', encoding="utf-8")
    inputs.log.append(f"lock {step}")
    assert_incremental_equals_cold(root, inputs, tmp_path)


def test_the_themes_ship_the_partials():
    for name in ("paper_status.html", "link_stars.html"):
        assert (ROOT / "themes" / "default" / "templates" / "partials" / name).is_file()


# ---- the Updates page and its feeds ----

def test_the_updates_page_lists_changes_newest_first(tmp_path):
    site = tmp_path / "site"
    build(content_with_lock(tmp_path), site)
    page = soup(site / "updates" / "index.html")
    rows = [(item.time["datetime"], text_of(item.find(class_="update-what")), item.h2.a["href"])
            for item in page.select("ol.updates-list > li")]
    assert rows == [
        ("2024-03-05", "Withdrawn by the authors", "/papers/2401.00003/"),
        ("2024-03-05", "Published in Proceedings of NeurIPS 2024 <script>alert(1)</script>",
         "/papers/2401.00001/"),
        ("2024-03-05", "Code released", "/papers/2401.00001/"),
        ("2024-03-02", "Version 3 posted on arXiv", "/papers/2401.00003/"),
        ("2024-03-01", "Version 3 posted on arXiv", "/papers/2401.00001/"),
    ]  # the withdrawn paper's code was already there at the first check: not news
    assert page.find("script", string=lambda text: text and "alert" in text) is None
    first = page.select_one("ol.updates-list > li .meta a")
    assert first["href"] == "/issues/2024-01-14/#paper-2401.00003"
    feeds = {link["href"] for link in page.find_all("link", rel="alternate")}
    assert {"https://example.org/updates/atom.xml", "https://example.org/updates/feed.xml"} <= feeds
    paper = soup(site / "papers" / "2401.00001" / "index.html")
    assert paper.find("p", class_="status-more").a["href"] == "/updates/"


def test_the_updates_feeds_carry_each_change_once_with_a_stable_id(tmp_path):
    feedparser = pytest.importorskip("feedparser")
    from lxml import etree

    site = tmp_path / "site"
    build(content_with_lock(tmp_path), site)
    atom = feedparser.parse((site / "updates" / "atom.xml").read_bytes())
    rss = feedparser.parse((site / "updates" / "feed.xml").read_bytes())
    assert not atom.bozo and not rss.bozo
    ids = [entry.id for entry in atom.entries]
    assert ids[0] == "tag:example.org,2024:updates/2401.00003/withdrawn"
    assert "tag:example.org,2024:updates/2401.00001/version-3" in ids
    assert len(ids) == len(set(ids)) == 5 and [entry.id for entry in rss.entries] == ids
    assert atom.entries[0].link == "https://example.org/papers/2401.00003/"
    assert atom.entries[0].title == "Withdrawn by the authors: Another Efficient Paper"
    schema = etree.RelaxNG(etree.parse(str(Path(__file__).parent / "atom.rng")))
    assert schema.validate(etree.parse(str(site / "updates" / "atom.xml"))), schema.error_log
    # a later refresh adds an event: the others keep their ids
    content = tmp_path / "content"
    (content / "papers.lock.yaml").write_text(LOCK.replace(
        "  stars: {value: 12, first_seen: 2024-02-01}\n",
        "  stars: {value: 12, first_seen: 2024-02-01}\n"
        '  project_page: {value: "https://example.org/fast", first_seen: 2024-03-12}\n').replace(
        "version: {value: 3, posted: 2024-03-01", "version: {value: 4, posted: 2024-03-10"),
        encoding="utf-8")
    build(content, site)
    again = [entry.id for entry in
             feedparser.parse((site / "updates" / "atom.xml").read_bytes()).entries]
    assert again[0] == "tag:example.org,2024:updates/2401.00001/version-4"
    assert set(ids) - set(again) == {"tag:example.org,2024:updates/2401.00001/version-3"}


def test_a_site_without_a_lock_has_no_updates_page(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "minimal", content)
    site = tmp_path / "site"
    build(content, site)
    assert not (site / "updates").exists()


# ---- in a real browser: nothing scrolls sideways, axe finds nothing, screenshots to look at ----

AXE_RUN = ("async () => (await axe.run(document)).violations"
           ".map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' '))")
BROWSER_PAGES = {"issue": "issues/2024-01-14/", "paper": "papers/2401.00001/",
                 "withdrawn": "papers/2401.00003/", "updates": "updates/"}


@pytest.mark.parametrize("theme", ["default", "classic"])
def test_the_pages_in_chromium_at_375_and_1280(tmp_path, theme):
    from tools import CHROMIUM, chromium_tab, require, served_folder

    require(CHROMIUM, "apt-get install -y chromium")
    axe = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    require(axe, "run `npm ci` (axe-core is pinned in package.json)")
    site = tmp_path / "site"
    build(content_with_lock(tmp_path, theme), site)
    (site / "__tests__").mkdir()
    shutil.copy(axe, site / "__tests__" / "axe.min.js")
    shots = ROOT / "site-screenshots"
    shots.mkdir(exist_ok=True)
    problems = []
    with served_folder(site) as base, chromium_tab(tmp_path / "profile", 375, 800) as tab:
        for width in (375, 1280):
            tab.set_viewport_size({"width": width, "height": 900})
            for kind, path in BROWSER_PAGES.items():
                tab.goto(base + path, wait_until="load")
                scroll = tab.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
                if scroll > 0:
                    problems.append(f"{kind} at {width}px scrolls sideways by {scroll}px")
                tab.add_script_tag(url=base + "__tests__/axe.min.js")
                violations = tab.evaluate(AXE_RUN)
                problems += [f"{kind} at {width}px: {violation}" for violation in violations]
                shot = shots / f"refresh-{theme}-{kind}-{width}.png"
                tab.screenshot(path=str(shot), full_page=True)
    assert problems == []
