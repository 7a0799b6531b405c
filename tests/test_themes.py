"""The shipped `classic` theme extends the default one (the key site tests run on both themes:
see `themed_site` in tests/conftest.py); a theme overriding one template works."""

from __future__ import annotations

import re
import shutil

import yaml

from conftest import FIXTURES, ROOT, SAMPLE_CONTENT, build, soup
from tools import dangers

CLASSIC = ROOT / "themes" / "classic"
# The site tests that hold for any theme take the `themed_site` fixture (tests/conftest.py), so
# tests/test_site.py and tests/test_standards.py run them on the classic theme too.


def test_classic_extends_default_and_overrides_only_a_few_templates():
    settings = yaml.safe_load((CLASSIC / "theme.yaml").read_text(encoding="utf-8"))
    assert settings["name"] == "classic" and settings["extends"] == "default"
    templates = sorted(p.relative_to(CLASSIC / "templates").as_posix()
                       for p in (CLASSIC / "templates").rglob("*") if p.is_file())
    assert len(templates) <= 4, templates
    assert (CLASSIC / "static" / "css" / "classic.css").is_file()


def test_classic_site_links_its_stylesheet_after_the_default_one(classic_site, sample_site):
    for page in (
        "index.html",
        "issues/2024-06-16/index.html",
        "papers/2406.04692/index.html",
        "404.html",
    ):
        sheets = [
            link["href"] for link in soup(classic_site / page).select('link[rel="stylesheet"]')
        ]
        assert sheets == [
            "/paper-roundup/static/css/style.css",
            "/paper-roundup/static/css/classic.css",
        ], page
    assert (classic_site / "static" / "css" / "classic.css").is_file()
    assert (classic_site / "static" / "js" / "copy.js").is_file()  # inherited from default
    # the default theme links only its own stylesheet
    sheets = [
        link["href"] for link in soup(sample_site / "index.html").select('link[rel="stylesheet"]')
    ]
    assert sheets == ["/paper-roundup/static/css/style.css"]
    assert not (sample_site / "static" / "css" / "classic.css").exists()


def test_classic_theme_keeps_hostile_content_inert(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "hostile", content)
    site_yaml = content / "site.yaml"
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8") + "theme: classic\n", encoding="utf-8"
    )
    site = tmp_path / "site"
    build(content, site)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 10
    assert soup(site / "index.html").select('link[href$="classic.css"]')
    problems = [f"{page.relative_to(site)}: {problem}" for page in pages
                for problem in dangers(page.read_text(encoding="utf-8"), "/hostile/static/js/")]
    assert problems == []


def readme_block(first_line: str) -> str:
    """The fenced block of README.md whose first line is first_line."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```[a-z]*\n(.*?)```", readme, flags=re.S)
    (block,) = [b for b in blocks if b.startswith(first_line)]
    return block


def test_the_readme_theme_example_overrides_one_template_and_falls_back_to_default(tmp_path):
    """themes/compact/ beside content/, as the README shows it: theme.yaml and one template."""
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    site_yaml = content / "site.yaml"
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8").replace("\ntheme: default\n", "\ntheme: compact\n"),
        encoding="utf-8",
    )
    theme = tmp_path / "themes" / "compact"
    (theme / "templates" / "partials").mkdir(parents=True)
    (theme / "theme.yaml").write_text(readme_block("# themes/compact/theme.yaml"), encoding="utf-8")
    (theme / "templates" / "partials" / "paper_card.html").write_text(
        readme_block("{# themes/compact/templates/partials/paper_card.html"), encoding="utf-8")
    site = tmp_path / "site"
    build(content, site)
    cards = soup(site / "categories" / "reasoning" / "index.html").select("article.paper-card")
    assert len(cards) == 9
    assert all(card.select_one(".summary") is None for card in cards)  # the override, not default's
    assert cards[0].select_one(".meta").get_text(strip=True).startswith("Issue 3 · August 24, 2025")
    issue = soup(site / "issues" / "2024-06-16" / "index.html")
    assert len(issue.select("article.paper")) == 31  # every other template comes from default
    assert (site / "static" / "css" / "style.css").is_file()
