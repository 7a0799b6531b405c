"""Which values a fact of the lock, or an editor's override of one, may have: what an API or a pull
request puts there reaches readers, so links are https and a DOI is a DOI."""

from __future__ import annotations

import re

from ..content.fields import is_http_url

DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")


def valid_value(name: str, value: object) -> bool:
    """Whether a value may stand for a fact: what an API or an edit puts here is checked."""
    if name in ("version",):
        return isinstance(value, int) and not isinstance(value, bool) and value >= 1
    if name in ("upvotes", "stars"):
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if name == "withdrawn":
        return value is True
    if name == "doi":
        return isinstance(value, str) and bool(DOI_RE.match(value))
    if name in ("code", "project_page"):
        return isinstance(value, str) and is_http_url(value) and value.startswith("https://")
    return isinstance(value, str) and bool(value.strip()) and "\n" not in value  # journal_ref


EXPECTED = {
    "version": "a whole number >= 1",
    "upvotes": "a whole number >= 0",
    "stars": "a whole number >= 0",
    "withdrawn": "true",
    "doi": "a DOI such as 10.1000/xyz",
    "code": "an https:// URL",
    "project_page": "an https:// URL",
    "journal_ref": "one line of text",
}
