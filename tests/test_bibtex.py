"""BibTeX read back by a real BibTeX parser (pybtex): every .bib file and every paper page's entry,
for the sample and for valid content with awkward values (tests/fixtures/awkward)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from pybtex.database import BibliographyData, parse_string

from conftest import FIXTURES, SAMPLE_CONTENT, build, soup

AWKWARD = FIXTURES / "awkward"

# What LaTeX prints for each escape: an independent statement of what the text must come back as.
_LATEX = [(r"\textbackslash{}", "\\"), (r"\textbraceleft{}", "{"), (r"\textbraceright{}", "}"),
          (r"\textasciitilde{}", "~"), (r"\textasciicircum{}", "^"), (r"\#", "#"), (r"\%", "%"),
          (r"\&", "&"), (r"\$", "$"), (r"\_", "_")]
_MACROS = re.compile("|".join(re.escape(latex) for latex, _ in _LATEX))


def latex_text(value: str) -> str:
    """The text LaTeX prints for a field value (only our escapes; anything else is wrong)."""
    assert value.startswith("{") and value.endswith("}"), value  # the title's case is kept
    inner = value[1:-1]
    rest = _MACROS.sub("", inner)
    assert not re.search(r"[\\{}#%&$_~^]", rest), f"unescaped LaTeX special in {value!r}"
    return _MACROS.sub(lambda m: dict(_LATEX)[m.group()], inner)


def issues_of(content: Path) -> dict[str, dict]:
    return {path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
            for path in sorted((content / "issues").glob("*.yaml"))}


def parse(text: str) -> BibliographyData:
    assert text.count("{") == text.count("}")
    return parse_string(text, "bibtex")  # strict: raises on any syntax error or duplicate key


def bib_entries(site: Path) -> dict[str, dict[str, str]]:
    """key -> {slug: the entry's text} for every .bib of the site."""
    found: dict[str, dict[str, str]] = {}
    for path in sorted(site.glob("issues/*/papers.bib")):
        text = path.read_text(encoding="utf-8")
        parse(text)
        for chunk in text.split("\n\n"):
            key = re.match(r"@misc\{([^,]+),", chunk).group(1)
            found.setdefault(key, {})[path.parent.name] = chunk.strip()
    return found


@pytest.fixture(scope="module")
def awkward_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("awkward") / "site"
    build(AWKWARD, site)
    return site


def test_the_awkward_fixture_is_awkward():
    text = "".join(path.read_text(encoding="utf-8") for path in AWKWARD.rglob("*.yaml"))
    for char in "#%&~^${}\\_" + "עש" + "Éü漢🧪":
        assert char in text, char
    assert "Center for AI and Society" in text and re.search(r"[A-Za-z]{60}", text)


@pytest.mark.parametrize("content, built",
                         [(AWKWARD, "awkward_site"), (SAMPLE_CONTENT, "sample_site")],
                         ids=["awkward", "sample"])
def test_every_entry_parses_with_the_fields_of_its_paper(content, built, request):
    site = request.getfixturevalue(built)
    pages = {soup(page).select_one("h1").get_text(" ", strip=True): page
             for page in site.glob("papers/*/index.html")}
    for slug, issue in issues_of(content).items():
        bib = parse((site / "issues" / slug / "papers.bib").read_text(encoding="utf-8"))
        assert len(bib.entries) == len(issue["papers"])
        by_title = {latex_text(entry.fields["title"]): entry for entry in bib.entries.values()}
        for paper in issue["papers"]:
            entry = by_title[" ".join(paper["title"].split())]
            assert entry.type == "misc"
            authors = entry.persons.get("author", [])
            assert len(authors) == len(paper.get("authors", [])), paper["title"]
            if paper.get("published"):
                assert entry.fields["year"] == str(paper["published"].year)
            if paper.get("arxiv"):
                arxiv = re.sub(r"v\d+$", "", str(paper["arxiv"]))
                assert entry.fields["eprint"] == arxiv
                assert entry.fields["url"] == f"https://arxiv.org/abs/{arxiv}"
            else:
                assert not re.search(r"[\s{}\\\"]", entry.fields["url"])
            # the same entry on the paper's own page
            page = soup(pages[" ".join(paper["title"].split())])
            on_page = parse(page.select_one("pre.bibtex").get_text())
            assert list(on_page.entries) == [key for key, e in bib.entries.items() if e is entry]
            assert on_page.entries[entry.key].fields == entry.fields


def test_an_organisation_is_one_name_and_people_are_first_and_last_names(awkward_site):
    bib = parse((awkward_site / "issues" / "2024-05-05" / "papers.bib").read_text(encoding="utf-8"))
    first = next(e for e in bib.entries.values() if e.fields["eprint"] == "2405.00001")
    center, lee, fontaine, muller = first.persons["author"]
    assert center.last_names == ["{Center for AI and Society}"] and not center.first_names
    assert (lee.first_names, lee.last_names) == (["Ann"], ["Lee"])
    assert (fontaine.first_names, fontaine.prelast_names, fontaine.last_names) == \
        (["Jean"], ["de", "la"], ["Fontaine"])
    assert (muller.first_names, muller.last_names) == (["Émile"], ["Müller"])
    team = next(e for e in bib.entries.values() if "eprint" not in e.fields)
    assert [str(p) for p in team.persons["author"]] == ["{Qwen Team}"]


def test_citation_keys_are_unique_across_the_site(awkward_site, sample_site):
    for site in (awkward_site, sample_site):
        entries = bib_entries(site)
        for key, places in entries.items():
            # a key names one paper: the same entry wherever it is listed
            assert len(set(places.values())) == 1, (key, places)
        papers = list(site.glob("papers/*/index.html"))
        assert len(entries) == len(papers)
        for page in papers:
            key = re.match(r"@misc\{([^,]+),", soup(page).select_one("pre.bibtex").get_text())
            assert key and key.group(1) in entries
        for key in entries:
            assert re.fullmatch(r"[a-z0-9][a-z0-9.\-]{0,60}", key), key


def test_keys_stay_the_same_when_issues_are_added_and_rebuilt(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(AWKWARD, content)
    build(content, tmp_path / "one")
    before = bib_entries(tmp_path / "one")
    (content / "issues" / "2024-05-19.yaml").write_text(
        "title: Third\ndate: 2024-05-19\nsummary: More.\npapers:\n"
        "  - title: Attention once more\n    category: reasoning\n    arxiv: '2405.00009'\n"
        "    authors: [Ann Lee]\n    published: 2024-05-01\n    summary: Same key base.\n",
        encoding="utf-8")
    build(content, tmp_path / "two", "--no-cache")
    after = bib_entries(tmp_path / "two")
    assert {key: places for key, places in after.items() if key in before} == before
    assert len(after) == len(before) + 1
