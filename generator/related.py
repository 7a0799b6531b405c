"""Related papers: for each paper, up to five others that share its tags or its category (pure).

A candidate scores one point per shared tag and one for the same category. The best scores win;
among equal scores, the papers featured closest in time to this one (the newer one on a tie), so
that a new issue seldom changes the related papers of old paper pages. They are shown newest first.

Papers are bits of Python integers (bit 0 is the newest paper), one integer per tag and category,
so scoring every paper against every other takes a few big-integer operations per paper. After an
edit, only the papers whose answer it can change are scored again (update_related, which
incremental/related.py uses).
"""

from __future__ import annotations

import bisect
from typing import NamedTuple

from .catalog import Catalog, PaperRecord
from .model import Issue

RELATED_LIMIT = 5


class RelatedState(NamedTuple):
    """The related papers of every paper, with what they were found from: an edit that adds, removes
    or retags a few papers finds again only the answers it can change (update_related)."""

    order: tuple[str, ...]  # paper ids, newest first (as featured)
    groups: dict[str, tuple]  # paper id -> its groups (_groups)
    related: dict[str, tuple[str, ...]]  # paper id -> its related papers' ids, newest first
    # paper id -> where closeness (in papers featured) decided among equally good candidates: at
    # most how far the farthest one it chose is, at least how far the nearest one it left out is.
    # Papers added or removed farther away, or too few to close the gap, cannot change its choice.
    # None: closeness decided nothing.
    reach: dict[str, tuple[int, int] | None]
    # paper id -> the fewest groups a paper must share with it to be a candidate for its places
    # (as many as its worst related paper shares when all places are taken, else 1)
    floor: dict[str, int]
    limit: int


def related_papers(issues: tuple[Issue, ...], catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """Paper id -> the ids of its related papers. Ids, not records: a page looks up the few it
    shows (catalog.paper_index)."""
    return find_related_ids(*paper_groups(issues, catalog)).related


def paper_groups(
    issues: tuple[Issue, ...], catalog: Catalog
) -> tuple[tuple[str, ...], dict[str, tuple]]:
    order = tuple(dict.fromkeys(entry.paper.id for issue in issues for entry in issue.entries))
    return order, {paper_id: _groups(catalog.paper_index[paper_id]) for paper_id in order}


def _groups(record: PaperRecord) -> tuple[tuple[str, str], ...]:
    return (("category", record.paper.category), *(("tag", tag.slug) for tag in record.paper.tags))


def _masks(order: tuple[str, ...], groups: dict[str, tuple]) -> dict[tuple[str, str], int]:
    """("tag", slug) or ("category", slug) -> its papers as bits (bit i: order[i])."""
    members: dict[tuple[str, str], list[int]] = {}
    for bit, paper_id in enumerate(order):
        for group in groups[paper_id]:
            members.setdefault(group, []).append(bit)
    return {group: _as_bits(bits) for group, bits in members.items()}


def _as_bits(bits: list[int]) -> int:
    # set in a byte array, then one integer: or-ing bits into a growing integer copies it every time
    array = bytearray((max(bits) >> 3) + 1 if bits else 0)
    for bit in bits:
        array[bit >> 3] |= 1 << (bit & 7)
    return int.from_bytes(array, "little")


def find_related_ids(
    order: tuple[str, ...], groups: dict[str, tuple], limit: int = RELATED_LIMIT
) -> RelatedState:
    """The related papers of every paper of `order` (newest first) with its `groups`."""
    masks = _masks(order, groups)
    related, reach, floor = {}, {}, {}
    for bit, paper_id in enumerate(order):
        chosen, reach[paper_id], floor[paper_id] = _best(
            bit, [masks[group] for group in groups[paper_id]], limit
        )
        related[paper_id] = tuple(order[other] for other in sorted(chosen))
    return RelatedState(order, groups, related, reach, floor, limit)


def update_related(previous: RelatedState, order: tuple[str, ...], groups: dict[str, tuple],
                   limit: int = RELATED_LIMIT, most: int = 500) -> RelatedState | None:
    """find_related_ids(order, groups), made from `previous` by finding again only the answers an
    edit can change; None when the edit is not one that keeps the other papers in order, or changes
    more than `most` papers. A paper's answer can change when a paper added, removed or regrouped
    shares (or shared) with it at least as many groups as its worst related paper does, or when a
    paper was added or removed within its reach."""
    if previous.limit != limit:
        return None
    old_position = {paper_id: bit for bit, paper_id in enumerate(previous.order)}
    new_position = {paper_id: bit for bit, paper_id in enumerate(order)}
    removed = [paper_id for paper_id in previous.order if paper_id not in new_position]
    added = [paper_id for paper_id in order if paper_id not in old_position]
    kept = [paper_id for paper_id in order if paper_id in old_position]
    if [paper_id for paper_id in previous.order if paper_id in new_position] != kept:
        return None  # a paper featured again moved: everything between moved
    regrouped = [paper_id for paper_id in kept if groups[paper_id] != previous.groups[paper_id]]
    if len(removed) + len(added) + len(regrouped) > most:
        return None
    masks = _masks(order, groups)
    with_floor: dict[int, list[int]] = {}
    for bit, paper_id in enumerate(order):
        if paper_id in old_position:
            with_floor.setdefault(previous.floor[paper_id], []).append(bit)
    # floor -> its papers (bits)
    floors = {floor: _as_bits(bits) for floor, bits in with_floor.items()}
    todo = 0  # papers (bits) that a changed paper is, or was, a candidate for
    for paper_id in added + regrouped:
        todo |= _candidate_for(groups[paper_id], masks, floors)
    for paper_id in removed + regrouped:
        todo |= _candidate_for(previous.groups[paper_id], masks, floors)
    # and the regrouped papers themselves (added ones are new to `previous`)
    for paper_id in regrouped:
        todo |= 1 << new_position[paper_id]
    # Where papers were added or removed, as places in the new order. Each moves the papers past it
    # by one, so a paper with one within its reach is found again, unless they are too few to close
    # the gap between what it chose and what it left out (then its reach only widens).
    shifts = sorted(
        [new_position[paper_id] for paper_id in added]
        + _removed_places(previous.order, removed, new_position)
    )
    margin = len(shifts) + 1  # each distance moves by at most one per place (plus one to spare)
    todo_bits = set(_bits_of(todo))
    related, reach, floor = {}, {}, {}
    for bit, paper_id in enumerate(order):
        near = bit in todo_bits or paper_id not in old_position
        bounds = None if near else previous.reach[paper_id]
        if bounds is not None and shifts:
            near, bounds = _after_shifts(bit, bounds, shifts, margin, len(order))
        if near:
            chosen, reach[paper_id], floor[paper_id] = _best(
                bit, [masks[group] for group in groups[paper_id]], limit
            )
            related[paper_id] = tuple(order[other] for other in sorted(chosen))
        else:
            related[paper_id], reach[paper_id] = previous.related[paper_id], bounds
            floor[paper_id] = previous.floor[paper_id]
    return RelatedState(order, groups, related, reach, floor, limit)


def _after_shifts(bit: int, bounds: tuple[int, int], shifts: list[int], margin: int,
                  count: int) -> tuple[bool, tuple[int, int]]:
    """(whether the paper at `bit` must be scored again, its reach) after papers were added or
    removed at the places `shifts`: only one within its reach can change its choice."""
    farthest_in, nearest_out = bounds
    place = bisect.bisect_left(shifts, bit)
    closest = min(abs(shifts[place - 1] - bit) if place else count,
                  abs(shifts[place] - bit) if place < len(shifts) else count)
    if closest > nearest_out + margin:
        return False, bounds
    return nearest_out - farthest_in <= 2 * margin, (farthest_in + margin, nearest_out - margin)


def _candidate_for(groups: tuple, masks: dict[tuple[str, str], int], floors: dict[int, int]) -> int:
    """The papers (bits) with which a paper in `groups` shares at least their floor of groups."""
    at_least = _at_least([masks.get(group, 0) for group in groups])
    found = 0
    for floor, papers in floors.items():
        if floor < len(at_least):
            found |= papers & at_least[floor]
    return found


def _bits_of(mask: int) -> list[int]:
    bits = []
    while mask:
        lowest = mask & -mask
        bits.append(lowest.bit_length() - 1)
        mask ^= lowest
    return bits


def _at_least(masks: list[int]) -> list[int]:
    """at_least[j]: the papers (bits) in at least j of the masks."""
    at_least = [-1] + [0] * len(masks)
    for mask in masks:
        for j in range(len(masks), 0, -1):
            at_least[j] |= at_least[j - 1] & mask
    return at_least


def _removed_places(
    old_order: tuple[str, ...], removed: list[str], new_position: dict[str, int]
) -> list[int]:
    """Each removed paper's place in the new order: that of the next paper that stayed."""
    places, gone, end = [], set(removed), len(new_position)
    next_kept = end
    for paper_id in reversed(old_order):
        if paper_id in gone:
            places.append(next_kept)
        else:
            next_kept = new_position[paper_id]
    return places


def _best(bit: int, masks: list[int], limit: int) -> tuple[list[int], tuple[int, int] | None, int]:
    """Bits of the `limit` best other papers: most shared groups first, then closest to `bit`; where
    closeness decided among papers of one score, the distances of the farthest taken and of the
    nearest left out (else None); and the fewest shared groups that compete for a place (1 while
    places are free)."""
    at_least = _at_least(masks)
    chosen: list[int] = []
    others = ~(1 << bit)
    for j in range(len(masks), 0, -1):
        exactly = at_least[j] & ~(at_least[j + 1] if j < len(masks) else 0) & others
        wanted = limit - len(chosen)
        found = _closest(exactly, bit, wanted + 1)  # one more: the nearest left out, if any
        chosen += found[:wanted]
        if len(chosen) == limit:
            if len(found) > wanted:  # closeness decided which of them
                return (
                    chosen,
                    (max(abs(other - bit) for other in found[:wanted]), abs(found[wanted] - bit)),
                    j,
                )
            return chosen, None, j
    return chosen, None, 1

def _closest(mask: int, bit: int, count: int) -> list[int]:
    """Up to `count` set bits of mask nearest to `bit`; the lower (newer) one on a tie."""
    newer = mask & ((1 << bit) - 1)  # bits below: featured after this paper
    older = mask >> (bit + 1)  # bits above, shifted so bit + 1 is bit 0
    found: list[int] = []
    while len(found) < count and (newer or older):
        below = newer.bit_length() - 1 if newer else None
        above = bit + 1 + ((older & -older).bit_length() - 1) if older else None
        if below is not None and (above is None or bit - below <= above - bit):
            found.append(below)
            newer ^= 1 << below
        else:
            assert above is not None  # newer or older has a bit left
            found.append(above)
            older ^= 1 << (above - bit - 1)
    return found
