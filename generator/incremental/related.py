"""Related papers kept from the last build, or updated from it where an edit can change them."""

from __future__ import annotations

from ..catalog import Catalog
from ..hashing import digest
from ..model import Issue
from ..related import RelatedState, find_related_ids, paper_groups, update_related
from .cache import BuildCache


def kept_related_papers(
    issues: tuple[Issue, ...], catalog: Catalog, cache: BuildCache
) -> dict[str, tuple[str, ...]]:
    """Paper id -> the ids of its related papers: the last build's answer when no paper's place,
    category or tags changed; else updated from it where an edit can have changed it
    (update_related), or found for every paper (~0.4-1.5 s on a ten-year archive). Ids, not records:
    a page looks up the few it shows (catalog.paper_index)."""
    # every paper in the order featured, with its category and tags each time: what the answer
    # depends on
    key = digest("".join(section.related_key for issue in issues for section in issue.sections))
    saved = cache.recall("related", key)
    if isinstance(saved, dict) and saved.keys() == catalog.paper_index.keys():
        return saved
    order, groups = paper_groups(issues, catalog)
    previous = cache.recall("related_state", _LAST)
    state = update_related(previous, order, groups) if isinstance(previous, RelatedState) else None
    state = state or find_related_ids(order, groups)
    cache.remember("related", key, state.related)
    cache.remember("related_state", _LAST, state)
    return state.related


# the state saved by the last build that found related papers, whatever it was made from
_LAST = "last"
