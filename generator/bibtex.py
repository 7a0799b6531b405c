"""BibTeX entries for papers (pure text).

Values are escaped for LaTeX inside BibTeX's braces: braces stay balanced whatever the text holds
(an unbalanced brace ends the field), and text is UTF-8 as written (biber, or BibTeX with
inputenc, reads it). A citation key is made from the paper alone, so it is the same in every
.bib file and on the paper's page, build after build, and no two papers of a site share one.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from .hashing import digest
from .model import Paper

# LaTeX's special characters; a brace is a command, not \{ (BibTeX counts \{ as an open brace)
_SPECIAL = str.maketrans({
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "#": r"\#", "%": r"\%", "&": r"\&", "$": r"\$", "_": r"\_",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
})
_SPACE = re.compile(r"\s+")
# Words that say a name is an organisation's: it must be one BibTeX name in braces, not split
# at "and" or read as first and last names ("Center for AI and Society", "Qwen Team").
_ORGANISATION_WORDS = frozenset("""
    and for of the on in at & team lab labs laboratory laboratories center centre institute
    university college school society foundation group consortium collaboration project
    association council committee organization organisation research corporation corp inc
    ltd llc gmbh academy department initiative alliance network company agency ministry
""".split())
_LATIN = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe",
                        "Œ": "OE", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th"})
_KEY_WORD_LENGTH = 20  # a very long first word would make a key nobody can type


def _text(value: str) -> str:
    """Text as one line, without control characters, LaTeX specials escaped."""
    visible = "".join(" " if unicodedata.category(char) == "Cc" else char for char in value)
    return _SPACE.sub(" ", visible).strip().translate(_SPECIAL)


def is_organisation(name: str) -> bool:
    words = _SPACE.split(name.strip().lower())
    return any(word.strip(".,") in _ORGANISATION_WORDS for word in words) or name.count(",") > 2


def _name(name: str) -> str:
    """One author: an organisation braced whole, so BibTeX keeps it one name as written."""
    text = _text(name)
    return "{" + text + "}" if is_organisation(name) else text


def _ascii_letters(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.translate(_LATIN))
    return re.sub(r"[^a-z]", "", plain.encode("ascii", "ignore").decode().lower())


def bibtex_key(paper: Paper) -> str:
    """surname + year + first long title word, then the arXiv id (or a digest of the paper's id):
    readable, and unique because the part after the dash is the paper's own identity."""
    first = paper.authors[0] if paper.authors else ""
    words = _SPACE.split(first.strip())
    name = words[0] if is_organisation(first) else words[-1]
    surname = _ascii_letters(name) or "anon"
    year = paper.published.year if paper.published else ""
    title_words = [_ascii_letters(word) for word in _SPACE.split(paper.title)]
    word = next((w for w in title_words if len(w) > 3), "paper")[:_KEY_WORD_LENGTH]
    identity = paper.id if paper.arxiv else digest(paper.id)[:8]
    return f"{surname}{year}{word}-{identity}"


def _url(url: str) -> str:
    """A URL as url.sty and biblatex read it (verbatim): only what would unbalance BibTeX's braces
    or end the field is percent-encoded."""
    return quote(url, safe="".join(chr(c) for c in range(33, 127) if chr(c) not in '{}\\"%')
                 + "%")


def render_bibtex(paper: Paper) -> str:
    fields = [("title", "{" + _text(paper.title) + "}")]
    if paper.authors:
        fields.append(("author", " and ".join(_name(name) for name in paper.authors)))
    if paper.published:
        fields.append(("year", str(paper.published.year)))
    if paper.arxiv:
        fields += [("eprint", paper.arxiv), ("archivePrefix", "arXiv"),
                   ("url", f"https://arxiv.org/abs/{paper.arxiv}")]
    else:
        fields.append(("url", _url(paper.url)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{bibtex_key(paper)},\n{body}\n}}\n"


def render_bibliography(papers: list[Paper]) -> str:
    """A .bib file of papers in order, a paper listed twice once."""
    entries = {bibtex_key(paper): render_bibtex(paper) for paper in papers}
    return "\n".join(entries.values())
