"""The catalog of an edited site made from the last one's, for `roundup serve`."""

from __future__ import annotations

from ..catalog import Appearance, Catalog, Listing, PaperRecord, issues_by_year
from ..model import Paper, Site


def update_catalog(catalog: Catalog, old: Site, new: Site) -> Catalog | None:
    """build_catalog(new), made from `catalog` (that of `old`) when every issue is where it was and
    no paper's id, category, tags or authors changed; None otherwise. Issues unchanged are the same
    objects in both sites, and only the listings that show an edited issue are made again: a few
    milliseconds instead of ~0.3 s for `roundup serve` on a ten-year archive."""
    if len(old.issues) != len(new.issues) or old.categories != new.categories:
        return None
    replaced: dict[int, Appearance] = {}  # id() of an entry of `old` -> its appearance in `new`
    edited: list[Paper] = []
    for before, after in zip(old.issues, new.issues, strict=True):
        if before is after:
            continue
        if before.slug != after.slug or [s.outline for s in before.sections] != [
            s.outline for s in after.sections
        ]:
            return None
        for entry, new_entry in zip(before.entries, after.entries, strict=True):
            replaced[id(entry)] = Appearance(after, new_entry)
            edited.append(entry.paper)
    if not replaced:
        return catalog

    def swap(appearances: tuple[Appearance, ...]) -> tuple[Appearance, ...]:
        return tuple(replaced.get(id(appearance.entry), appearance) for appearance in appearances)

    def swap_in(listings: tuple[Listing, ...], touched: set[str]) -> tuple[Listing, ...]:
        return tuple(
            listing._replace(appearances=swap(listing.appearances))
            if listing.url in touched
            else listing
            for listing in listings
        )

    papers = {paper.id for paper in edited}
    records = []
    for record in catalog.papers:
        if record.paper.id in papers:
            appearances = swap(record.appearances)
            # named as its newest issue has it
            record = PaperRecord(appearances[0].entry.paper, appearances)
        records.append(record)
    return Catalog(
        tuple(records),
        swap_in(catalog.categories, {f"categories/{paper.category}/" for paper in edited}),
        swap_in(catalog.tags, {tag.url for paper in edited for tag in paper.tags}),
        swap_in(catalog.authors, {url for paper in edited for url in paper.author_pages}),
        issues_by_year(new))
