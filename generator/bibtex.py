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


def render_bibtex(paper: Paper) -> str:
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
    return f"{kind}{{{bibtex_key(paper)},\n{body}\n}}\n"
