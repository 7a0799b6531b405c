"""The arXiv API: paper ids from what an editor pastes, and metadata from the API's Atom replies.

``parse_*`` functions are pure; ``load_arxiv_papers`` makes one request for many ids.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import unquote, urlsplit

from ..options import ARXIV_API
from .http import (
    FetchError,
    HttpSettings,
    PaperMetadata,
    clean_text,
    find_code_url,
    load_url,
    parse_date,
    query_url,
)
from ..content.issues import parse_arxiv

NS = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom",
      "opensearch": "http://a9.com/-/spec/opensearch/1.1/"}
EXPECTED_REF = "an id or link such as 2406.04692, 2406.04692v2, arXiv:2406.04692 or https://arxiv.org/abs/2406.04692"


def parse_arxiv_ref(text: str) -> str | None:
    """The arXiv id (without version) that a pasted id or link names, or None."""
    value = text.strip()
    value = re.sub(r"^arxiv:\s*", "", value, flags=re.IGNORECASE)
    if "://" in value or value.lower().startswith(("arxiv.org/", "www.arxiv.org/")):
        parts = urlsplit(value if "://" in value else "https://" + value)
        host = (parts.hostname or "").lower()
        path = unquote(parts.path)
        if host == "arxiv.org" or host.endswith(".arxiv.org"):
            match = re.match(r"^/(?:abs|pdf|html|format)/(.+?)(?:\.pdf)?/?$", path)
        elif host in ("huggingface.co", "www.huggingface.co"):
            match = re.match(r"^/papers/(.+?)/?$", path)
        else:
            return None
        if not match:
            return None
        value = match.group(1)
    parsed = parse_arxiv(value)
    return parsed[0] if parsed else None


def _id_of_entry(entry_id: str) -> str | None:
    """http://arxiv.org/abs/2406.04692v1 -> 2406.04692."""
    match = re.search(r"/abs/(.+)$", entry_id.strip())
    parsed = parse_arxiv(match.group(1)) if match else None
    return parsed[0] if parsed else None


def parse_arxiv_feed(data: bytes) -> dict[str, PaperMetadata]:
    """Every paper of an arXiv API reply, by id; an error entry or a reply that is not Atom raises.
    """
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise FetchError(f"the arXiv API sent a reply that is not XML ({error})") from None
    if root.tag != f"{{{NS['atom']}}}feed":
        raise FetchError(
            f"the arXiv API sent a reply that is not an Atom feed (root element {root.tag!r})"
        )
    papers: dict[str, PaperMetadata] = {}
    for entry in root.findall("atom:entry", NS):
        entry_id = entry.findtext("atom:id", "", NS)
        title = clean_text(entry.findtext("atom:title", "", NS))
        abstract = clean_text(entry.findtext("atom:summary", "", NS))
        if "/api/errors" in entry_id:
            raise FetchError(f"the arXiv API refused the request: {abstract or title or entry_id}")
        arxiv = _id_of_entry(entry_id)
        if arxiv is None or not title:  # an unknown id may come back as an empty entry
            continue
        comment = clean_text(entry.findtext("arxiv:comment", "", NS))
        version = re.search(r"v(\d+)$", entry_id.strip())
        papers[arxiv] = PaperMetadata(
            arxiv=arxiv,
            title=title,
            authors=tuple(
                name
                for name in (
                    clean_text(author.findtext("atom:name", "", NS))
                    for author in entry.findall("atom:author", NS)
                )
                if name
            ),
            published=parse_date(entry.findtext("atom:published", "", NS)),
            abstract=abstract,
            code_url=find_code_url(abstract) or find_code_url(comment),
            version=int(version.group(1)) if version else None,
        )
    return papers


def load_arxiv_papers(ids: list[str], api_url: str = ARXIV_API,
                      settings: HttpSettings = HttpSettings()) -> list[PaperMetadata]:
    """Metadata for every id, in the order asked, with one request; an id arXiv does not know
    raises."""
    if not ids:
        return []
    url = query_url(api_url, id_list=",".join(ids), max_results=str(len(ids)))
    found = parse_arxiv_feed(load_url(url, settings, accept="application/atom+xml"))
    missing = [arxiv for arxiv in ids if arxiv not in found]
    if missing:
        raise FetchError(f"arXiv has no paper {', '.join(missing)} (expected an existing arXiv id)")
    return [found[arxiv] for arxiv in ids]
