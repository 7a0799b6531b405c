"""Author pages: every author's papers across issues, linked from every name on the site."""

from __future__ import annotations

import datetime as dt
import re

import yaml

from conftest import build, run_cli, soup
from tools import BASE_PATH, CATEGORY_NAMES, ISSUES_YAML, JUNE, arxiv_id

from generator.urls import slugify


def author_slug(name: str) -> str:
    return slugify(name, "author")


def papers_by_author() -> dict[str, list[tuple[str, str]]]:
    """author slug -> [(issue slug, arXiv id)] newest issue first, read from the sample's YAML."""
    found: dict[str, list[tuple[str, str]]] = {}
    for slug in sorted(ISSUES_YAML, reverse=True):
        for paper in ISSUES_YAML[slug]["papers"]:
            for name in dict.fromkeys(paper.get("authors", [])):
                found.setdefault(author_slug(name), []).append((slug, arxiv_id(paper)))
    return found


def test_every_author_has_a_page_listing_their_papers_newest_first(sample_site):
    expected = papers_by_author()
    assert len(expected) > 100
    built = {path.name for path in (sample_site / "authors").iterdir() if path.is_dir()}
    assert built == set(expected)
    for slug, papers in expected.items():
        page = soup(sample_site / "authors" / slug / "index.html")
        rows = page.select("article.paper-row")
        shown = [
            (row.select_one(".kicker a")["href"], row.select_one("h2 a")["href"]) for row in rows
        ]
        assert shown == [
            (f"{BASE_PATH}issues/{issue}/#paper-{paper}", f"{BASE_PATH}papers/{paper}/")
            for issue, paper in papers
        ], slug
        assert page.select_one(".kicker").get_text(strip=True) == "Author"
        # the page's own author is named (in bold) in every row, the co-authors link to their pages
        name = page.h1.get_text(strip=True)
        for row in rows:
            assert name in [
                strong.get_text(strip=True) for strong in row.select(".authors strong")
            ], (slug, name)
            for link in row.select(".authors a"):
                assert (
                    link["href"].startswith(f"{BASE_PATH}authors/")
                    and link["href"] != f"{BASE_PATH}authors/{slug}/"
                )


def test_a_paper_in_two_issues_is_listed_once_per_issue(sample_site):
    page = soup(sample_site / "authors" / "haoran-you" / "index.html")
    links = [a["href"] for a in page.select("article.paper-row h2 a")]
    assert links == [f"{BASE_PATH}papers/2406.05981/"] * 2
    assert page.select_one(".listing-header .meta").get_text(strip=True) == "2 papers, newest first"


def test_author_names_link_to_their_pages_on_issue_paper_and_listing_pages(sample_site):
    issue = soup(sample_site / "issues" / JUNE / "index.html")
    first = ISSUES_YAML[JUNE]["papers"][0]
    article = issue.find("article", id=f"paper-{arxiv_id(first)}")
    links = article.select(".authors a")
    assert [a.get_text(strip=True) for a in links] == first["authors"][:8]
    assert [a["href"] for a in links] == [
        f"{BASE_PATH}authors/{author_slug(n)}/" for n in first["authors"][:8]
    ]

    paper = soup(sample_site / "papers" / "2406.05981" / "index.html")
    names = [a.get_text(strip=True) for a in paper.select("header .authors a")]
    assert names[0] == "Haoran You" and len(names) == 9  # every author on the paper page
    assert paper.select_one("header .authors a")["href"] == f"{BASE_PATH}authors/haoran-you/"

    card = soup(sample_site / "tags" / "kv-cache" / "index.html").select_one("article.paper-card")
    assert card.select(".authors a") and all(a["href"].startswith(f"{BASE_PATH}authors/")
                                             for a in card.select(".authors a"))


def _issue(number: int, papers: list[dict]) -> str:
    return yaml.safe_dump(
        {"title": f"Issue {number}", "date": dt.date(2024, 2, number), "papers": papers},
        sort_keys=False,
        allow_unicode=True,
    )


def test_names_with_the_same_slug_share_one_safe_page(minimal_content, tmp_path):
    papers = [
        {
            "title": "One",
            "category": "reasoning",
            "url": "https://example.com/1",
            "summary": "One.",
            "authors": ["José García", "../../etc", "<script>alert(1)</script>"],
        },
        {
            "title": "Two",
            "category": "reasoning",
            "url": "https://example.com/2",
            "summary": "Two.",
            "authors": ["Jose Garcia", "推理"],
        },
    ]
    (minimal_content / "issues" / "2024-02-01.yaml").write_text(_issue(1, papers), encoding="utf-8")
    site = tmp_path / "site"
    build(minimal_content, site)
    shared = soup(site / "authors" / "jose-garcia" / "index.html")
    assert shared.h1.get_text(strip=True) == "José García"  # the first spelling met names the page
    assert [a.get_text(strip=True) for a in shared.select("article.paper-row h2 a")] == [
        "One",
        "Two",
    ]
    assert (site / "authors" / "etc" / "index.html").is_file()
    assert (site / "authors" / "script-alert-1-script" / "index.html").is_file()
    other = [path.name for path in (site / "authors").iterdir() if path.name.startswith("author-")]
    # a name in another script
    assert len(other) == 1 and re.fullmatch(r"author-[0-9a-f]{8}", other[0])
    for path in (site / "authors").iterdir():
        assert re.fullmatch(r"[a-z0-9-]+", path.name), path.name
    assert not (tmp_path / "etc").exists()


def test_author_pages_are_paginated_like_tag_pages(minimal_content, tmp_path):
    papers = [
        {
            "title": f"Paper {n}",
            "category": "reasoning",
            "url": f"https://example.com/{n}",
            "summary": "Text.",
            "authors": ["Prolific Author", f"Coauthor {n}"],
        }
        for n in range(45)
    ]
    (minimal_content / "issues" / "2024-02-01.yaml").write_text(_issue(1, papers), encoding="utf-8")
    site = tmp_path / "site"
    build(minimal_content, site)
    first = soup(site / "authors" / "prolific-author" / "index.html")
    second = soup(site / "authors" / "prolific-author" / "page" / "2" / "index.html")
    assert (
        len(first.select("article.paper-row")) == 40
        and len(second.select("article.paper-row")) == 5
    )
    assert first.select_one("a[rel~=next]")["href"] == "/authors/prolific-author/page/2/"
    assert second.select_one("a[rel~=prev]")["href"] == "/authors/prolific-author/"
    assert "(page 2)" in second.title.get_text()


def test_a_standalone_page_may_not_take_the_search_folder(minimal_content, tmp_path):
    (minimal_content / "pages").mkdir()
    (minimal_content / "pages" / "pagefind.md").write_text(
        "---\ntitle: Mine\n---\nHello.\n", encoding="utf-8"
    )
    result = run_cli("build", "--content", str(minimal_content), "--output", str(tmp_path / "site"))
    assert result.exit_code == 1
    assert "pagefind" in result.stderr and "collides" in result.stderr


def test_an_author_past_the_eighth_is_still_named_on_their_page(minimal_content, tmp_path):
    names = [f"Author {n}" for n in range(1, 10)] + ["Last Author"]
    papers = [
        {
            "title": "Many Hands",
            "category": "reasoning",
            "url": "https://example.com/m",
            "summary": "Text.",
            "authors": names,
        }
    ]
    (minimal_content / "issues" / "2024-02-01.yaml").write_text(_issue(1, papers), encoding="utf-8")
    site = tmp_path / "site"
    build(minimal_content, site)
    row = soup(site / "authors" / "last-author" / "index.html").select_one(
        "article.paper-row .authors"
    )
    assert row.get_text().endswith("Author 8 and 2 more, including Last Author")
    assert [s.get_text() for s in row.select("strong")] == ["Last Author"]
    assert len(row.select("a")) == 8


def test_paper_rows_and_cards_name_the_category_of_their_paper(sample_site):
    """The theme looks categories up with the `category` filter, in every row and card of a listing.
    """
    category_of = {
        arxiv_id(paper): paper["category"]
        for issue in ISSUES_YAML.values()
        for paper in issue["papers"]
    }
    pages = [
        *(sample_site / "authors").glob("*/index.html"),
        *(sample_site / "tags").glob("*/index.html"),
        *(sample_site / "categories").glob("*/index.html"),
    ]
    checked = 0
    for path in pages:
        for article in soup(path).select("article.paper-row, article.paper-card"):
            paper = article.select_one("h2 a")["href"].rstrip("/").rpartition("/")[2]
            kicker = article.select_one(".kicker").get_text(" ", strip=True)
            assert kicker.endswith("· " + CATEGORY_NAMES[category_of[paper]]), (path, kicker)
            checked += 1
    assert checked > 300
