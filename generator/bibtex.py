"""BibTeX entries for papers (pure text)."""

from __future__ import annotations

import re

from .model import Paper

_SPECIAL = str.maketrans({"{": r"\{", "}": r"\}", "\\": r"\textbackslash{}", "&": r"\&",
                          "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_"})


def _escape(text: str) -> str:
    return text.translate(_SPECIAL)


def bibtex_key(paper: Paper) -> str:
    surname = re.sub(r"[^A-Za-z]", "", paper.authors[0].split()[-1]) if paper.authors else "anon"
    year = paper.published.year if paper.published else ""
    word = next((w for w in re.findall(r"[A-Za-z]+", paper.title) if len(w) > 3), "paper")
    return f"{surname.lower()}{year}{word.lower()}"


def render_bibtex(paper: Paper, key: str = "") -> str:
    fields = [("title", "{" + _escape(paper.title) + "}")]
    if paper.authors:
        fields.append(("author", " and ".join(_escape(name) for name in paper.authors)))
    if paper.published:
        fields.append(("year", str(paper.published.year)))
    if paper.arxiv:
        fields += [("eprint", paper.arxiv), ("archivePrefix", "arXiv"),
                   ("url", f"https://arxiv.org/abs/{paper.arxiv}")]
        kind = "@misc"
    else:
        fields.append(("url", paper.url))
        kind = "@misc"
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"{kind}{{{key or bibtex_key(paper)},\n{body}\n}}\n"


def render_bibliography(papers: list[Paper]) -> str:
    """A .bib file of papers in order; a key taken by an earlier entry gets a suffix (b, c ...)."""
    entries, taken = [], set()
    for paper in papers:
        base = key = bibtex_key(paper)
        count = 0
        while key in taken:
            count += 1
            key = base + _letters(count)
        taken.add(key)
        entries.append(render_bibtex(paper, key))
    return "\n".join(entries)


def _letters(number: int) -> str:
    """1 -> b, 2 -> c ... 25 -> z, 26 -> ba: letters, so the key stays a plain word."""
    letters = ""
    while number:
        number, digit = divmod(number, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
    return letters
