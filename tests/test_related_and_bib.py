"""Paper pages show related papers; every issue offers a .bib of all its papers."""

from __future__ import annotations

import re

import pytest

from conftest import build, soup
from test_site import BASE_PATH, ISSUE_SLUGS, ISSUES_YAML, arxiv_id

from generator.bibtex import render_bibliography
from generator.model import Paper


# --- related papers -------------------------------------------------------------------------------

def sample_papers() -> list[dict]:
    """Each paper as in its newest issue, newest first (issue order within an issue), from the YAML."""
    seen: dict[str, dict] = {}
    for slug in sorted(ISSUES_YAML, reverse=True):
        for paper in ISSUES_YAML[slug]["papers"]:
            seen.setdefault(arxiv_id(paper), {**paper, "issue": slug})
    return list(seen.values())


def issue_order(papers: list[dict]) -> list[dict]:
    """Issue pages group papers by category in site.yaml order: that is the order 'newest first' means."""
    from test_site import CATEGORY_ORDER
    return sorted(papers, key=lambda p: (-int(p["issue"].replace("-", "")), CATEGORY_ORDER.index(p["category"])))


def expected_related(papers: list[dict], index: int) -> list[str]:
    """The rule, brute force: a point per shared tag and for the same category; best scores, then the
    papers closest in time (the newer on a tie); shown newest first."""
    me = papers[index]
    scored = []
    for other_index, other in enumerate(papers):
        if other_index == index:
            continue
        score = len(set(me.get("tags", [])) & set(other.get("tags", []))) + (me["category"] == other["category"])
        if score:
            scored.append((-score, abs(other_index - index), other_index))
    best = sorted(scored)[:5]
    return [arxiv_id(papers[other_index]) for _, _, other_index in sorted(best, key=lambda item: item[2])]


def test_related_papers_share_tags_or_category_best_first_shown_newest_first(sample_site):
    papers = issue_order(sample_papers())
    assert len(papers) > 50
    for index, paper in enumerate(papers):
        page = soup(sample_site / "papers" / arxiv_id(paper) / "index.html")
        shown = [a["href"] for a in page.select(".related-list li > a")]
        assert shown == [f"{BASE_PATH}papers/{paper_id}/" for paper_id in expected_related(papers, index)], \
            paper["title"]
        assert f"{BASE_PATH}papers/{arxiv_id(paper)}/" not in shown


def test_related_papers_show_their_issue_and_the_shared_tags(sample_site):
    page = soup(sample_site / "papers" / "2406.05981" / "index.html")
    items = page.select(".related-list li")
    assert len(items) == 5
    first = items[0].select_one(".meta").get_text(" ", strip=True)
    assert first.startswith("Issue 2 · August 17, 2025") and "#quantization" in first
    assert page.select_one("section.related")["data-pagefind-ignore"] is not None  # not searched as this paper


def test_a_paper_with_nothing_in_common_has_no_related_section(minimal_content, tmp_path):
    site = tmp_path / "site"
    build(minimal_content, site)
    for page in (site / "papers").glob("*/index.html"):
        parsed = soup(page)
        related = parsed.select(".related-list li")
        assert len(related) <= 5
        if not related:
            assert parsed.select_one("section.related") is None


# --- the issue's .bib -----------------------------------------------------------------------------

@pytest.mark.parametrize("slug", ISSUE_SLUGS)
def test_each_issue_offers_a_bib_of_all_its_papers(sample_site, slug):
    page = soup(sample_site / "issues" / slug / "index.html")
    link = page.select_one('.issue-header a[href$="papers.bib"]')
    assert link is not None and link["href"] == f"{BASE_PATH}issues/{slug}/papers.bib"
    assert "BibTeX" in link.get_text()
    bib = (sample_site / "issues" / slug / "papers.bib").read_text(encoding="utf-8")
    keys = re.findall(r"^@misc\{([^,]+),$", bib, flags=re.M)
    papers = ISSUES_YAML[slug]["papers"]
    assert len(keys) == len(papers) and len(set(keys)) == len(keys)
    eprints = re.findall(r"eprint = \{([^}]+)\}", bib)
    assert sorted(eprints) == sorted(arxiv_id(p) for p in papers)
    assert bib.count("{") == bib.count("}")


def test_bib_keys_that_collide_get_letter_suffixes():
    papers = [Paper(title="Attention Is All", category="x", summary="s", authors=("Ann Lee",), arxiv=f"2401.0000{n}")
              for n in range(3)]
    bib = render_bibliography(papers)
    assert re.findall(r"^@misc\{([^,]+),$", bib, flags=re.M) == ["leeattention", "leeattentionb", "leeattentionc"]
