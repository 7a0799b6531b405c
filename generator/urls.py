"""Slugs and the site-relative URLs of papers and authors."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata


def slugify(text: str, fallback_prefix: str = "x") -> str:
    """A lowercase ASCII slug; never empty and never a path (``kv/cache`` -> ``kv-cache``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug:  # e.g. a tag in another script: keep it distinct but safe
        slug = f"{fallback_prefix}-{hashlib.sha1(text.encode()).hexdigest()[:8]}"
    slug = slug[:80].rstrip("-")
    # Names Windows cannot create as files or folders, so the site still checks out there.
    if slug in _WINDOWS_RESERVED:
        slug = f"{slug}-{fallback_prefix}"
    return slug


_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                     *(f"lpt{i}" for i in range(10))}


def paper_url(paper_id: str) -> str:
    """The page of a paper, by its id (Paper.id)."""
    return f"papers/{paper_id}/"


@functools.lru_cache(maxsize=65536)
def author_url(name: str) -> str:
    """The author page of a name: ``authors/<slug>/``; names with the same slug share it, like tags.
    """
    return f"authors/{slugify(name, 'author')}/"
