"""What arXiv says now of featured papers: latest version, its date, journal ref, DOI, withdrawal.

``parse_arxiv_facts`` is pure (the API's Atom reply in, facts out); ``load_arxiv_facts`` asks the
API for at most 100 ids a request, pausing between requests as arXiv asks of API users.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Callable

from ..content.issues import parse_arxiv
from ..editor.arxiv import NS
from ..editor.http import FetchError, HttpSettings, clean_text, load_url, parse_date, query_url
from .values import DOI_RE

BATCH = 100  # ids per request: arXiv's advice for id_list queries
PAUSE = 3.0  # seconds between requests (arXiv's terms of use for the API)
_VERSIONED = re.compile(r"/abs/(.+?)v(\d+)$")
# arXiv replaces a withdrawn paper by a version whose comment (or abstract) says so
_WITHDRAWN = re.compile(r"\bwithdrawn\b", re.IGNORECASE)
MAX_TEXT = 300


@dataclass(frozen=True)
class ArxivFacts:
    arxiv: str  # without version
    version: int
    posted: dt.date | None  # when that version was submitted
    withdrawn: bool = False
    journal_ref: str = ""
    doi: str = ""


def _entry_facts(entry: ET.Element) -> ArxivFacts | None:
    match = _VERSIONED.search(entry.findtext("atom:id", "", NS).strip())
    parsed = parse_arxiv(match.group(1)) if match else None
    if match is None or parsed is None or not clean_text(entry.findtext("atom:title", "", NS)):
        return None
    comment = clean_text(entry.findtext("arxiv:comment", "", NS))
    abstract = clean_text(entry.findtext("atom:summary", "", NS))
    title = clean_text(entry.findtext("atom:title", "", NS))
    withdrawn = (
        bool(_WITHDRAWN.search(comment))
        or abstract.lower().startswith(("this paper has been withdrawn", "withdrawn"))
        or title.upper().startswith("[WITHDRAWN]")
    )
    doi = clean_text(entry.findtext("arxiv:doi", "", NS))
    return ArxivFacts(
        arxiv=parsed[0],
        version=int(match.group(2)),
        posted=parse_date(entry.findtext("atom:updated", "", NS)),
        withdrawn=withdrawn,
        journal_ref=clean_text(entry.findtext("arxiv:journal_ref", "", NS))[:MAX_TEXT],
        doi=doi if DOI_RE.match(doi) and len(doi) <= MAX_TEXT else "",
    )


def parse_arxiv_facts(data: bytes) -> dict[str, ArxivFacts]:
    """The facts of every paper in a reply, by id; an error entry or a non-Atom reply raises."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise FetchError(f"the arXiv API sent a reply that is not XML ({error})") from None
    if root.tag != f"{{{NS['atom']}}}feed":
        raise FetchError("the arXiv API sent a reply that is not an Atom feed")
    found = {}
    for entry in root.findall("atom:entry", NS):
        if "/api/errors" in entry.findtext("atom:id", "", NS):
            reason = clean_text(entry.findtext("atom:summary", "", NS))
            raise FetchError(f"the arXiv API refused the request: {reason}")
        facts = _entry_facts(entry)
        if facts is not None:
            found[facts.arxiv] = facts
    return found


def load_arxiv_facts(
    ids: list[str],
    api_url: str,
    settings: HttpSettings | None = None,
    pause: float = PAUSE,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[dict[str, ArxivFacts], list[str]]:
    """(facts found, why the others are not) for the ids, BATCH a request. After a request fails
    (busy replies are retried by load_url) no more are sent: what is not confirmed stays unknown."""
    found: dict[str, ArxivFacts] = {}
    failures: list[str] = []
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        if start:
            sleep(pause)
        url = query_url(api_url, id_list=",".join(batch), max_results=str(len(batch)))
        try:
            reply = parse_arxiv_facts(
                load_url(
                    url, settings or HttpSettings(), accept="application/atom+xml", sleep=sleep
                )
            )
        except FetchError as error:
            left = len(ids) - start
            failures.append(f"arXiv: {error}; {left} paper{'s' if left != 1 else ''} not checked")
            break
        found.update((arxiv, reply[arxiv]) for arxiv in batch if arxiv in reply)
        missing = [arxiv for arxiv in batch if arxiv not in reply]
        if missing:
            failures.append(f"arXiv has no paper {', '.join(missing)}; left as it was")
    return found, failures
