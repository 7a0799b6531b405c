"""The email edition of each issue (issues/<slug>/email.html and email.txt, `roundup email`), as a
mail client and a reader of plain text see it."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup, Comment

from conftest import SAMPLE_CONTENT, assert_site_link_resolves, build, run_cli, soup

BASE_URL = "https://example.github.io/paper-roundup/"
JUNE = "2024-06-16"
SITE_YAML = yaml.safe_load((SAMPLE_CONTENT / "site.yaml").read_text(encoding="utf-8"))
CATEGORIES = [c["slug"] for c in SITE_YAML["categories"]]
CATEGORY_NAMES = {c["slug"]: c["name"] for c in SITE_YAML["categories"]}
ISSUES = {path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
          for path in sorted((SAMPLE_CONTENT / "issues").glob("*.yaml"))}


def arxiv_id(paper: dict) -> str:
    return re.sub(r"v\d+$", "", str(paper["arxiv"]))


def numbered(issue: dict) -> list[tuple[str, dict]]:
    """(number, paper) grouped by category in site.yaml order, as the issue numbers them."""
    rows, section = [], 0
    for category in CATEGORIES:
        papers = [p for p in issue["papers"] if p["category"] == category]
        if papers:
            section += 1
            rows += [(f"{section}.{i}", p) for i, p in enumerate(papers, start=1)]
    return rows


def email_html(site: Path, slug: str) -> BeautifulSoup:
    return soup(site / "issues" / slug / "email.html")


def email_text(site: Path, slug: str) -> str:
    return (site / "issues" / slug / "email.txt").read_text(encoding="utf-8")


def test_every_issue_has_an_html_and_a_text_email(sample_site):
    for slug in ISSUES:
        assert email_html(sample_site, slug).find("body") is not None
        assert email_text(sample_site, slug).strip()


# --- HTML --------------------------------------------------------------------------------------

def test_every_style_is_inline_and_only_media_queries_stay_in_a_style_block(sample_site):
    for slug in ISSUES:
        page = email_html(sample_site, slug)
        for style in page.find_all("style"):
            css = re.sub(r"/\*.*?\*/", "", style.get_text(), flags=re.S).strip()
            assert css.startswith("@media"), css[:80]
            depth, rules = 0, []
            for char in css:  # every top-level rule is an @media block
                if char == "{":
                    depth += 1
                elif char == "}":
                    depth -= 1
                elif depth == 0 and not char.isspace():
                    rules.append(char)
            assert "".join(rules).count("@media") == "".join(rules).count("@")
        styled = [element for element in page.body.find_all(True) if element.get("class")]
        assert len(styled) > 100
        for element in styled:  # every element the stylesheet styles carries its styles itself
            assert element.get("style", "").strip(), element.name
        for element in [page.body] + page.find_all(["a", "table", "h1", "h2", "h3", "p"]):
            assert element.get("style", "").strip(), element
        assert page.select_one(".preheader")["style"].replace(" ", "").startswith("display:none")


def test_no_script_no_stylesheet_link_no_external_css(sample_site):
    for slug in ISSUES:
        page = email_html(sample_site, slug)
        assert page.find_all(["script", "link", "iframe", "object", "embed", "form"]) == []
        text = str(page)
        assert "@import" not in text and "url(" not in text
        for element in page.find_all(True):
            assert not [a for a in element.attrs if a.lower().startswith("on")], element.name


def test_the_layout_is_a_600px_table(sample_site):
    page = email_html(sample_site, JUNE)
    container = page.select_one("table.container")
    assert container["role"] == "presentation"
    assert "max-width: 600px" in container["style"] and "width: 100%" in container["style"]
    assert all(table.get("role") == "presentation" for table in page.find_all("table"))
    ghost = [c for c in page.find_all(string=lambda s: isinstance(s, Comment)) if "[if mso]" in c]
    assert any('width="600"' in comment for comment in ghost)  # Outlook, which ignores max-width
    assert page.find("meta", attrs={"name": "viewport"})


def test_every_link_and_image_is_absolute_and_the_site_links_resolve(sample_site):
    checked = 0
    for slug in ISSUES:
        for a in email_html(sample_site, slug).find_all("a", href=True):
            if a["href"] == "*|UNSUB|*":
                continue
            parts = urlsplit(a["href"])
            assert parts.scheme in ("http", "https") and parts.netloc, a["href"]
            if a["href"].startswith(BASE_URL):
                assert_site_link_resolves(sample_site, BASE_URL, a["href"])
                checked += 1
    assert checked > 150


def test_markdown_links_and_images_become_absolute(minimal_content, tmp_path):
    issue = minimal_content / "issues" / "2024-01-07.yaml"
    issue.write_text(
        issue.read_text(encoding="utf-8").replace(
            "intro: Welcome to the **first** issue.",
            "intro: 'Welcome. See [about](/about/), [the second](../2024-01-14/) and "
            "![logo](logo.png).'",
        ),
        encoding="utf-8",
    )
    build(minimal_content, tmp_path / "site")
    page = email_html(tmp_path / "site", "2024-01-07")
    hrefs = {a["href"] for a in page.find_all("a", href=True)}
    assert {"https://example.org/about/", "https://example.org/issues/2024-01-14/"} <= hrefs
    assert [img["src"] for img in page.find_all("img")] == ["https://example.org/issues/2024-01-07/logo.png"]
    text = " ".join(email_text(tmp_path / "site", "2024-01-07").split())
    assert "about (https://example.org/about/)" in text
    assert "logo (https://example.org/issues/2024-01-07/logo.png)" in text


def test_preheader_view_in_browser_toc_and_papers_by_category(sample_site):
    issue = ISSUES[JUNE]
    page = email_html(sample_site, JUNE)
    first = page.body.find(True)
    assert "preheader" in first["class"] and first.get_text().startswith(issue["summary"])
    view = page.find("a", string=re.compile("View this issue in your browser"))
    assert view["href"] == f"{BASE_URL}issues/{JUNE}/"
    assert page.h1.get_text(strip=True) == issue["title"]
    toc = [a.get_text(" ", strip=True) for a in page.select("p.toc-entry a")]
    assert toc == [f"{number} {paper['title']}" for number, paper in numbered(issue)]
    sections = [h2.get_text(" ", strip=True) for h2 in page.select("h2.section-title")]
    used = [c for c in CATEGORIES if any(p["category"] == c for p in issue["papers"])]
    assert sections == [f"{i}. {CATEGORY_NAMES[c]}" for i, c in enumerate(used, start=1)]
    papers = [h3.get_text(" ", strip=True) for h3 in page.find_all("h3")]
    assert papers == [f"{number} {paper['title']}" for number, paper in numbered(issue)]
    hrefs = {a["href"] for a in page.find_all("a", href=True)}
    for _, paper in numbered(issue):
        assert f"https://arxiv.org/abs/{arxiv_id(paper)}" in hrefs


def sent_html(content: Path, slug: str) -> BeautifulSoup:
    """What `roundup email` prints to paste into the mail service: the only copy with the
    placeholder."""
    result = run_cli("email", slug, "--content", str(content))
    assert result.exit_code == 0, result.stderr
    return BeautifulSoup(result.stdout, "html.parser")


def sent_text(content: Path, slug: str) -> str:
    result = run_cli("email", slug, "--text", "--content", str(content))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_the_footer_has_the_unsubscribe_placeholder():
    footer = sent_html(SAMPLE_CONTENT, JUNE).select_one("td.footer")
    assert footer.find("a", string="Unsubscribe")["href"] == "*|UNSUB|*"  # Mailchimp's, by default
    assert "Unsubscribe: *|UNSUB|*" in sent_text(SAMPLE_CONTENT, JUNE)


def test_the_unsubscribe_placeholder_is_configurable(minimal_content, tmp_path):
    site_yaml = minimal_content / "site.yaml"
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8") + 'email: {unsubscribe: "{{ unsubscribe_url }}"}\n',
        encoding="utf-8",
    )
    footer = sent_html(minimal_content, "2024-01-07").select_one("td.footer")
    assert footer.find("a", string="Unsubscribe")["href"] == "{{ unsubscribe_url }}"  # Buttondown's
    assert "Unsubscribe: {{ unsubscribe_url }}" in sent_text(minimal_content, "2024-01-07")


@pytest.mark.parametrize(
    "settings, message",
    [
        (
            'email: {unsubscribe: "javascript:alert(1)"}',
            "email.unsubscribe: 'javascript:alert(1)' is not an unsubscribe link (expected your "
            "mail service's placeholder "
            'such as "*|UNSUB|*" or "{{ unsubscribe_url }}", or an https:// or mailto: link)',
        ),
        (
            "email: {unsub: x}",
            "email.unsub: unknown field; did you mean 'unsubscribe'? (expected one of: "
            "unsubscribe)",
        ),
        ("email: yes", "email: is true/false (expected a mapping of name: value)"),
    ],
)
def test_bad_email_settings_are_reported_with_their_line(
    minimal_content, monkeypatch, settings, message
):
    site_yaml = minimal_content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + settings + "\n", encoding="utf-8")
    monkeypatch.chdir(minimal_content.parent)
    result = run_cli("check", "--content", "content")
    assert result.exit_code == 1
    line = len(site_yaml.read_text(encoding="utf-8").splitlines())
    assert result.stderr.splitlines()[0] == f"content/site.yaml:{line}: {message}"


# --- plain text --------------------------------------------------------------------------------

def test_the_text_version_has_every_title_number_and_url(sample_site):
    for slug, issue in ISSUES.items():
        text = email_text(sample_site, slug)
        flat = " ".join(text.split())
        assert issue["title"] in flat
        assert f"View this issue in your browser: {BASE_URL}issues/{slug}/" in text
        lines = text.splitlines()
        for number, paper in numbered(issue):
            assert f"{number} {paper['title']}" in flat, paper["title"]
            for url in [f"https://arxiv.org/abs/{arxiv_id(paper)}", f"https://arxiv.org/pdf/{arxiv_id(paper)}",
                        f"{BASE_URL}papers/{arxiv_id(paper)}/", *paper.get("links", {}).values()]:
                assert any(line.strip().endswith(url) for line in lines), url  # whole, on one line


def test_the_text_version_is_wrapped_at_72_columns(sample_site):
    for slug in ISSUES:
        for line in email_text(sample_site, slug).splitlines():
            if len(line) > 72:  # only a URL that is longer on its own may pass the margin
                assert re.search(r"https?://\S+$", line) and len(line.split()[-1]) > 40, line
        assert "<" not in email_text(sample_site, slug).replace("<script>", "")  # no HTML


def test_the_text_version_keeps_summaries_readable(sample_site):
    text = email_text(sample_site, JUNE)
    paper = ISSUES[JUNE]["papers"][0]
    words = " ".join(paper["summary"].replace("**", "").split()).replace("'", "’")
    assert words in " ".join(text.split())
    assert "**" not in text and "&amp;" not in text


# --- the command --------------------------------------------------------------------------------

def test_roundup_email_prints_the_built_html_or_text_with_the_unsubscribe_link(sample_site):
    """What is sent is the website's copy plus the unsubscribe placeholder (only there)."""
    built = (sample_site / "issues" / JUNE / "email.html").read_text(encoding="utf-8")
    html = run_cli("email", JUNE, "--content", str(SAMPLE_CONTENT))
    assert html.exit_code == 0, html.stderr
    link = re.search(r'<a href="\*\|UNSUB\|\*"[^>]*>Unsubscribe</a> · ', html.stdout)
    assert link and html.stdout.replace(link.group(), "") == built
    text = run_cli("email", JUNE, "--text", "--content", str(SAMPLE_CONTENT))
    assert text.exit_code == 0
    assert text.stdout.replace("Unsubscribe: *|UNSUB|*\n", "") == email_text(sample_site, JUNE)


def test_roundup_email_names_an_unknown_issue_and_previews_drafts(minimal_content, tmp_path):
    result = run_cli("email", "2024-01-08", "--content", str(minimal_content))
    assert result.exit_code == 1
    assert result.stderr.strip() == ("Error: no issue '2024-01-08'; did you mean '2024-01-07'? "
                                     "(expected one of: 2024-01-07, 2024-01-14)")
    (minimal_content / "issues" / "2024-01-21.yaml").write_text(
        "title: Draft issue\ndate: 2024-01-21\ndraft: true\npapers:\n"
        "  - {title: Draft Paper, category: reasoning, arxiv: '2401.00099', summary: Not yet.}\n",
        encoding="utf-8",
    )
    draft = run_cli("email", "2024-01-21", "--text", "--content", str(minimal_content))
    assert draft.exit_code == 0 and "1.1 Draft Paper" in draft.stdout


def test_roundup_email_reports_content_problems_without_a_traceback(minimal_content):
    issue = minimal_content / "issues" / "2024-01-07.yaml"
    issue.write_text(
        issue.read_text(encoding="utf-8").replace("date: 2024-01-07", "date: 2024-01-32"),
        encoding="utf-8",
    )
    result = run_cli("email", "2024-01-07", "--content", str(minimal_content))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "date: '2024-01-32' is not a valid date" in result.stderr
