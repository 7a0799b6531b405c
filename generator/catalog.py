"""Papers across issues, and the listings of categories, tags and authors."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from .model import Entry, Issue, Paper, Site


# not a frozen dataclass: ~3x cheaper to make, and there are one per entry
class Appearance(NamedTuple):
    """A paper's appearance in one issue, for paper, category and tag pages."""

    issue: Issue
    entry: Entry


class PaperRecord(NamedTuple):  # one per paper: cheaper to make than a frozen dataclass
    """A paper across issues: the newest issue's record plus every appearance, newest first."""

    paper: Paper
    appearances: tuple[Appearance, ...]

    @property
    def latest(self) -> Appearance:
        return self.appearances[0]


class Listing(NamedTuple):  # one per category, tag and author
    """Papers gathered under a category or a tag, newest issue first."""

    slug: str
    name: str
    url: str
    appearances: tuple[Appearance, ...]
    description: str = ""
    kind: str = "category"


@dataclass(frozen=True)
class Catalog:
    """Indexes derived from the site, built once for every page that needs them."""

    papers: tuple[PaperRecord, ...]
    categories: tuple[Listing, ...]
    tags: tuple[Listing, ...]
    authors: tuple[Listing, ...] = ()
    by_year: tuple[tuple[int, tuple[Issue, ...]], ...] = field(default=())

    @functools.cached_property
    def paper_index(self) -> dict[str, PaperRecord]:
        return {record.paper.id: record for record in self.papers}


def build_catalog(site: Site) -> Catalog:
    # ~15,000 papers in ~150,000 places on a ten-year archive: this loop is kept to the bare minimum
    by_paper: defaultdict[str, list[Appearance]] = defaultdict(list)
    by_category: dict[str, list[Appearance]] = {c.slug: [] for c in site.categories}
    by_tag: defaultdict[str, list[Appearance]] = defaultdict(list)
    by_author: defaultdict[str, list[Appearance]] = defaultdict(list)
    for issue in site.issues:  # newest first, so every list is too
        for entry in issue.entries:
            appearance = Appearance(issue, entry)
            paper = entry.paper
            by_paper[paper.id].append(appearance)
            by_category[paper.category].append(appearance)
            # tags are unique per paper (content.issues), so no duplicates here
            for tag in paper.tags:
                by_tag[tag.slug].append(appearance)
            for url in paper.author_pages:
                by_author[url].append(appearance)
    papers = tuple(PaperRecord(found[0].entry.paper, tuple(found))
                   for _, found in sorted(by_paper.items()))
    categories = tuple(Listing(c.slug, c.name, c.url, tuple(by_category[c.slug]), c.description)
                       for c in site.categories)
    # a tag or an author page is named as the newest paper spells it
    tags = tuple(
        Listing(
            slug,
            next(tag.name for tag in found[0].entry.paper.tags if tag.slug == slug),
            f"tags/{slug}/",
            tuple(found),
            kind="tag",
        )
        for slug, found in sorted(by_tag.items())
    )
    authors = tuple(
        Listing(
            url.split("/")[1],
            found[0].entry.paper.author_pages[url],
            url,
            tuple(found),
            kind="author",
        )
        for url, found in sorted(by_author.items())
    )
    return Catalog(papers, categories, tags, authors, issues_by_year(site))


def issues_by_year(site: Site) -> tuple[tuple[int, tuple[Issue, ...]], ...]:
    years: dict[int, list[Issue]] = {}
    for issue in site.issues:
        years.setdefault(issue.date.year, []).append(issue)
    return tuple((year, tuple(issues)) for year, issues in sorted(years.items(), reverse=True))
