"""Related papers: for each paper, up to five others that share its tags or its category (pure).

A candidate scores one point per shared tag and one for the same category. The best scores win;
among equal scores, the papers featured closest in time to this one (the newer one on a tie), so
that a new issue seldom changes the related papers of old paper pages. They are shown newest first.

Papers are bits of Python integers (bit 0 is the newest paper), one integer per tag and category,
so scoring every paper against every other takes a few big-integer operations per paper.
"""

from __future__ import annotations

from .cache import BuildCache, digest
from .model import Catalog, Issue, PaperRecord

RELATED_LIMIT = 5


def related_papers(issues: tuple[Issue, ...], catalog: Catalog, cache: BuildCache) -> dict[str, tuple[str, ...]]:
    """Paper id -> the ids of its related papers: find_related(), or the last build's answer when no
    paper's place, category or tags changed (~1.5 s on a ten-year archive, for an edit that seldom
    changes them). Ids, not records: a page looks up the few it shows (catalog.paper_index)."""
    # every paper in the order featured, with its category and tags each time: what the answer depends on
    key = digest("".join(section.related_key for issue in issues for section in issue.sections))
    saved = cache.recall("related", key)
    if isinstance(saved, dict) and saved.keys() == catalog.paper_index.keys():
        return saved
    related = {paper_id: tuple(record.paper.id for record in records)
               for paper_id, records in find_related(issues, catalog).items()}
    cache.remember("related", key, related)
    return related


def find_related(issues: tuple[Issue, ...], catalog: Catalog,
                 limit: int = RELATED_LIMIT) -> dict[str, tuple[PaperRecord, ...]]:
    """Paper id -> its related papers, newest first. `issues` newest first, as in Site."""
    order = dict.fromkeys(entry.paper.id for issue in issues for entry in issue.entries)
    records = [catalog.paper_index[paper_id] for paper_id in order]
    groups: dict[tuple[str, str], int] = {}  # ("tag", slug) or ("category", slug) -> papers as bits
    for bit, record in enumerate(records):
        for group in _groups(record):
            groups[group] = groups.get(group, 0) | (1 << bit)
    related = {}
    for bit, record in enumerate(records):
        chosen = _best(bit, [groups[group] for group in _groups(record)], limit)
        related[record.paper.id] = tuple(records[other] for other in sorted(chosen))
    return related


def _groups(record: PaperRecord) -> list[tuple[str, str]]:
    return [("category", record.paper.category), *(("tag", tag.slug) for tag in record.paper.tags)]


def _best(bit: int, masks: list[int], limit: int) -> list[int]:
    """Bits of the `limit` best other papers: most shared groups first, then closest to `bit`."""
    at_least = [-1] + [0] * len(masks)  # at_least[j]: papers in at least j of the masks
    for mask in masks:
        for j in range(len(masks), 0, -1):
            at_least[j] |= at_least[j - 1] & mask
    chosen: list[int] = []
    others = ~(1 << bit)
    for j in range(len(masks), 0, -1):
        exactly = at_least[j] & ~(at_least[j + 1] if j < len(masks) else 0) & others
        chosen += _closest(exactly, bit, limit - len(chosen))
        if len(chosen) == limit:
            break
    return chosen


def _closest(mask: int, bit: int, count: int) -> list[int]:
    """Up to `count` set bits of mask nearest to `bit`; the lower (newer) one on a tie."""
    newer = mask & ((1 << bit) - 1)  # bits below: featured after this paper
    older = mask >> (bit + 1)  # bits above, shifted so bit + 1 is bit 0
    found: list[int] = []
    while len(found) < count and (newer or older):
        below = newer.bit_length() - 1 if newer else None
        above = bit + 1 + ((older & -older).bit_length() - 1) if older else None
        if above is None or (below is not None and bit - below <= above - bit):
            found.append(below)
            newer ^= 1 << below
        else:
            found.append(above)
            older ^= 1 << (above - bit - 1)
    return found
