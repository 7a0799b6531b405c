"""Paper pages show related papers; every issue offers a .bib of all its papers."""

from __future__ import annotations

import random
import re

import pytest

from conftest import build, soup
from tools import BASE_PATH, CATEGORY_ORDER, ISSUE_SLUGS, ISSUES_YAML, arxiv_id

from generator.bibtex import render_bibliography
from generator.model import Paper
from generator.related import find_related_ids, update_related


# --- related papers -------------------------------------------------------------------------------

def sample_papers() -> list[dict]:
    """Each paper as in its newest issue, newest first (issue order within an issue), from the YAML.
    """
    seen: dict[str, dict] = {}
    for slug in sorted(ISSUES_YAML, reverse=True):
        for paper in ISSUES_YAML[slug]["papers"]:
            seen.setdefault(arxiv_id(paper), {**paper, "issue": slug})
    return list(seen.values())


def issue_order(papers: list[dict]) -> list[dict]:
    """Issue pages group papers by category in site.yaml order: that is the order 'newest first'
    means."""
    return sorted(
        papers,
        key=lambda p: (-int(p["issue"].replace("-", "")), CATEGORY_ORDER.index(p["category"])),
    )


def expected_related(papers: list[dict], index: int) -> list[str]:
    """The rule, brute force: a point per shared tag and for the same category; best scores, then
    the papers closest in time (the newer on a tie); shown newest first."""
    me = papers[index]
    scored = []
    for other_index, other in enumerate(papers):
        if other_index == index:
            continue
        score = len(set(me.get("tags", [])) & set(other.get("tags", []))) + (
            me["category"] == other["category"]
        )
        if score:
            scored.append((-score, abs(other_index - index), other_index))
    best = sorted(scored)[:5]
    return [
        arxiv_id(papers[other_index])
        for _, _, other_index in sorted(best, key=lambda item: item[2])
    ]


def brute_force_related(
    order: tuple[str, ...], groups: dict[str, tuple]
) -> dict[str, tuple[str, ...]]:
    """The rule as in expected_related, over ids with (category, tags) groups."""
    related = {}
    for index, paper in enumerate(order):
        scored = sorted(
            (-len(set(groups[paper]) & set(groups[other])), abs(other_index - index), other_index)
            for other_index, other in enumerate(order)
            if other != paper and set(groups[paper]) & set(groups[other])
        )
        related[paper] = tuple(
            order[other_index] for other_index in sorted(item[2] for item in scored[:5])
        )
    return related


def random_groups(rng: random.Random) -> tuple:
    # few categories and tags: many ties, so closeness decides often
    return (
        ("category", rng.choice("abc")),
        *(("tag", tag) for tag in rng.sample("tuvwxyz", rng.randint(0, 3))),
    )


def an_edit_of(rng: random.Random, order: tuple[str, ...], groups: dict[str, tuple], serial: int):
    """Papers added (anywhere, often at the top as in a new issue), removed or given other tags."""
    order, groups = list(order), dict(groups)
    for step in range(rng.randint(1, 4)):
        kind = rng.choice(["add", "add", "remove", "regroup"])
        if kind == "add" or len(order) < 3:
            paper = f"new{serial}-{step}"
            order.insert(rng.choice([0, rng.randint(0, len(order))]), paper)
            groups[paper] = random_groups(rng)
        elif kind == "remove":
            del groups[order.pop(rng.randrange(len(order)))]
        else:
            groups[rng.choice(order)] = random_groups(rng)
    return tuple(order), groups


@pytest.mark.parametrize("seed", range(40))
def test_related_papers_updated_after_an_edit_equal_those_found_from_scratch(seed):
    """update_related (what `roundup serve` and `roundup build` use after an edit) gives what
    finding every paper's related papers again gives, edit after edit."""
    rng = random.Random(seed)
    order = tuple(f"p{number}" for number in range(rng.randint(5, 60)))
    groups = {paper: random_groups(rng) for paper in order}
    state = find_related_ids(order, groups)
    assert state.related == brute_force_related(order, groups)
    for serial in range(8):
        order, groups = an_edit_of(rng, order, groups, serial)
        updated = update_related(state, order, groups)
        assert updated is not None  # adding, removing and regrouping papers are updates
        assert updated.related == brute_force_related(order, groups)
        fresh = find_related_ids(order, groups)
        assert updated._replace(reach=None) == fresh._replace(reach=None)
        # what it keeps of a paper it did not look at again is a bound: where closeness decided,
        # the farthest paper chosen is at most that far and the nearest left out at least that far
        for paper, bounds in updated.reach.items():
            assert (bounds is None) == (fresh.reach[paper] is None), paper
            if bounds is not None:
                assert bounds[0] >= fresh.reach[paper][0] and bounds[1] <= fresh.reach[paper][1], (
                    paper
                )
        state = updated


def test_a_paper_featured_again_moves_so_related_papers_are_found_from_scratch():
    order = ("p0", "p1", "p2", "p3")
    groups = {paper: (("category", "a"),) for paper in order}
    state = find_related_ids(order, groups)
    assert update_related(state, ("p3", "p0", "p1", "p2"), groups) is None
    assert update_related(state, order, groups, limit=3) is None


def test_related_papers_share_tags_or_category_best_first_shown_newest_first(sample_site):
    papers = issue_order(sample_papers())
    assert len(papers) > 50
    for index, paper in enumerate(papers):
        page = soup(sample_site / "papers" / arxiv_id(paper) / "index.html")
        shown = [a["href"] for a in page.select(".related-list li > a")]
        assert shown == [
            f"{BASE_PATH}papers/{paper_id}/" for paper_id in expected_related(papers, index)
        ], paper["title"]
        assert f"{BASE_PATH}papers/{arxiv_id(paper)}/" not in shown


def test_related_papers_show_their_issue_and_the_shared_tags(sample_site):
    page = soup(sample_site / "papers" / "2406.05981" / "index.html")
    items = page.select(".related-list li")
    assert len(items) == 5
    first = items[0].select_one(".meta").get_text(" ", strip=True)
    assert first.startswith("Issue 2 · August 17, 2025") and "#quantization" in first
    # not searched as this paper
    assert page.select_one("section.related")["data-pagefind-ignore"] is not None


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


def test_bib_keys_of_papers_alike_differ_by_their_own_id():
    papers = [
        Paper(
            title="Attention Is All",
            category="x",
            summary="s",
            authors=("Ann Lee",),
            arxiv=f"2401.0000{n}",
        )
        for n in range(3)
    ]
    bib = render_bibliography(papers)
    assert re.findall(r"^@misc\{([^,]+),$", bib, flags=re.M) == \
        ["leeattention-2401.00000", "leeattention-2401.00001", "leeattention-2401.00002"]
