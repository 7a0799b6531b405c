"""Full-text search: the Pagefind index of the paper pages, the /search/ page and the header's box.

The browser half (a query returns the expected paper) is in tests/test_browser.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import generator.search.pagefind
from conftest import FIXTURES, SAMPLE_CONTENT, build, run_cli, soup
from tools import BASE_PATH, ISSUES_YAML, arxiv_id, html_pages

SEARCH = "search/index.html"


def paper_ids() -> set[str]:
    return {arxiv_id(p) for issue in ISSUES_YAML.values() for p in issue["papers"]}


# --- the pages ------------------------------------------------------------------------------------

def test_every_page_but_the_search_page_has_a_search_box_that_works_without_javascript(sample_site):
    for html_file in html_pages(sample_site):
        page = soup(html_file)
        forms = page.select("header form[role=search]")
        if html_file == sample_site / SEARCH:
            assert forms == []  # the page has Pagefind's own box
            continue
        assert len(forms) == 1, html_file
        form = forms[0]
        assert form["action"] == f"{BASE_PATH}search/" and form["method"] == "get"
        field = form.select_one("input[name=q]")
        assert field["type"] == "search"
        # a name for screen readers
        assert page.select_one(f'label[for="{field["id"]}"]').get_text(strip=True)
        assert form.select_one("button[type=submit]").get_text(strip=True) == "Search"


def test_the_search_page_loads_pagefind_ui_and_explains_what_to_do_without_javascript(sample_site):
    page = soup(sample_site / SEARCH)
    assert page.h1.get_text(strip=True) == "Search"
    box = page.select_one("#search")
    assert box["data-bundle"] == f"{BASE_PATH}pagefind/" and box["data-base"] == BASE_PATH
    assert [s["src"] for s in page.select("script[src]")] == [f"{BASE_PATH}static/js/search.js"]
    assert (sample_site / "static" / "js" / "search.js").is_file()
    fallback = soup(sample_site / SEARCH).select_one("noscript")
    assert fallback is not None and "JavaScript" in fallback.get_text()
    # html.parser keeps <noscript> content as markup: the archive and the topics are linked there
    hrefs = {a["href"] for a in fallback.select("a")}
    assert hrefs == {f"{BASE_PATH}archive/", f"{BASE_PATH}tags/"}


def test_only_paper_pages_are_marked_for_the_index(sample_site):
    for html_file in html_pages(sample_site):
        bodies = soup(html_file).select("[data-pagefind-body]")
        relative = html_file.relative_to(sample_site).as_posix()
        if relative.startswith("papers/") and relative.count("/") == 2:
            assert [b.name for b in bodies] == ["article"], relative
        else:
            assert bodies == [], relative


def test_paper_pages_carry_filters_and_the_issue_link_and_leave_out_the_noise(sample_site):
    page = soup(sample_site / "papers" / "2406.05981" / "index.html")
    body = page.select_one("[data-pagefind-body]")
    filters = {}
    for element in body.select("[data-pagefind-filter]"):
        name, _, value = element["data-pagefind-filter"].partition(":")
        filters.setdefault(name, []).append(value or element.get_text(strip=True))
    assert filters == {"category": ["LLM Quantization & Alignment"], "arxiv": ["2406.05981"],
                       "tag": ["quantization", "efficiency"], "year": ["2025", "2024"]}
    meta = body.select_one("[data-pagefind-meta]")
    assert meta["data-pagefind-meta"] == "issue_url[href], issue[data-label]"
    assert meta["href"] == f"{BASE_PATH}issues/2025-08-17/#paper-2406.05981"
    assert meta["data-label"] == "Issue 2 · August 17, 2025 · 3.1"
    ignored = body.select("[data-pagefind-ignore]")
    assert {next(iter(e.get("class", [])), e.name) for e in ignored} >= {
        "paper-links",
        "related",
        "section",
    }
    # the BibTeX entry repeats title and authors
    assert any(e.select_one("pre.bibtex") for e in ignored)


# --- the index ------------------------------------------------------------------------------------

def entry(site: Path) -> dict:
    return json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))


def test_the_index_holds_every_paper_page_and_the_ui_files(sample_site):
    (language,) = entry(sample_site)["languages"].values()
    assert language["page_count"] == len(paper_ids())
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css"):
        assert (sample_site / "pagefind" / name).is_file(), name
    assert list((sample_site / "pagefind" / "filter").glob("*.pf_filter"))  # category, tag, year


def test_the_index_is_the_same_bytes_on_every_build(tmp_path):
    build(SAMPLE_CONTENT, tmp_path / "one")
    build(SAMPLE_CONTENT, tmp_path / "two", "--no-cache")
    one = {
        p.relative_to(tmp_path / "one").as_posix(): p.read_bytes()
        for p in (tmp_path / "one" / "pagefind").rglob("*")
        if p.is_file()
    }
    two = {
        p.relative_to(tmp_path / "two").as_posix(): p.read_bytes()
        for p in (tmp_path / "two" / "pagefind").rglob("*")
        if p.is_file()
    }
    assert len(one) > 10 and one == two


@pytest.fixture
def counted_runs(monkeypatch) -> list[Path]:
    """Records every run of Pagefind by the builds of this test (the build runs in this process)."""
    runs: list[Path] = []
    real = generator.search.pagefind._run_pagefind

    def counting(executable, site, pages, bundle):
        runs.append(site)
        real(executable, site, pages, bundle)

    monkeypatch.setattr(generator.search.pagefind, "_run_pagefind", counting)
    return runs


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_incremental_build_indexes_again_only_when_a_paper_page_changed(
    minimal_content, tmp_path, counted_runs
):
    site = tmp_path / "site"
    build(minimal_content, site)
    assert len(counted_runs) == 1
    files = {p: p.stat().st_mtime_ns for p in (site / "pagefind").rglob("*") if p.is_file()}

    build(minimal_content, site)  # nothing changed
    edit(
        minimal_content / "issues" / "2024-01-07.yaml", "intro: Welcome", "intro: Hello and welcome"
    )
    build(minimal_content, site)  # only the issue page (and feeds) changed: paper pages did not
    assert len(counted_runs) == 1
    assert {p: p.stat().st_mtime_ns for p in (site / "pagefind").rglob("*") if p.is_file()} == files

    edit(
        minimal_content / "issues" / "2024-01-07.yaml",
        "summary: It is fast.",
        "summary: It is fast as zebras.",
    )
    build(minimal_content, site)
    assert len(counted_runs) == 2
    fragments = b"".join(p.read_bytes() for p in (site / "pagefind" / "fragment").iterdir())
    assert fragments  # gzip'd; the new word is in the new index
    old_files = set(files) - {p for p in (site / "pagefind").rglob("*") if p.is_file()}
    assert old_files  # the old index's fragment and meta files were removed

    shutil.rmtree(site / "pagefind" / "fragment")  # removed by hand: made again
    build(minimal_content, site)
    assert len(counted_runs) == 3 and list((site / "pagefind" / "fragment").iterdir())


def test_without_pagefind_the_build_succeeds_with_one_note_and_no_index(minimal_content, tmp_path):
    site = tmp_path / "site"
    build(minimal_content, site)
    assert (site / "pagefind").is_dir()
    result = build(
        minimal_content, site, env={"PAGEFIND_BINARY_PATH": str(tmp_path / "no-such-binary")}
    )
    notes = [line for line in result.stderr.splitlines() if "search" in line.lower()]
    assert notes == [
        "search: note: the Pagefind binary was not found, so the site has no search index "
        "(pip install 'pagefind[bin]')"
    ]
    assert not (site / "pagefind").exists()  # the old index is gone with the tool
    assert (site / SEARCH).is_file()
    build(minimal_content, site)  # installed again: indexed again
    assert (site / "pagefind" / "pagefind-entry.json").is_file()


def test_a_failing_pagefind_fails_the_build_with_its_message(minimal_content, tmp_path):
    failing = tmp_path / "pagefind"
    failing.write_text("#!/bin/sh\necho 'Error: something broke' >&2\nexit 3\n", encoding="utf-8")
    failing.chmod(0o755)
    result = run_cli("build", "--content", str(minimal_content), "--output", str(tmp_path / "site"),
                     env={"PAGEFIND_BINARY_PATH": str(failing)})
    assert result.exit_code == 1
    assert (
        "search index could not be made (pagefind exited with status 3): Error: something broke"
        in result.stderr
    )
    build(minimal_content, tmp_path / "site")  # and the next build, with Pagefind working, recovers
    assert (tmp_path / "site" / "pagefind" / "pagefind-entry.json").is_file()


def test_a_site_without_papers_has_no_index(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "minimal", content)
    for issue in (content / "issues").iterdir():
        issue.write_text(
            issue.read_text(encoding="utf-8").replace("draft: false", "") + "draft: true\n",
            encoding="utf-8",
        )
    site = tmp_path / "site"
    build(content, site)
    assert not (site / "pagefind").exists() and (site / SEARCH).is_file()


def test_cbor_reads_and_writes_pagefind_index_files_unchanged(sample_site):
    import gzip

    from generator.search import cbor

    files = [
        *(sample_site / "pagefind").glob("*.pf_meta"),
        *(sample_site / "pagefind" / "filter").iterdir(),
        *(sample_site / "pagefind" / "index").iterdir(),
    ]
    assert len(files) >= 5
    for path in files:
        data = gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd")
        assert cbor.dumps(cbor.loads(data)) == data, path.name
    # maps keep their order; tags and simple values (here a float, true and null) are kept as read
    sample = (
        bytes.fromhex("a2616101616282f5f6")
        + bytes.fromhex("c11a514b67b0")
        + bytes.fromhex("fb3ff8000000000000")
    )
    items = cbor.loads(bytes.fromhex("83") + sample)
    assert items[0] == cbor.Map([("a", 1), ("b", [cbor.Raw(b"\xf5"), cbor.Raw(b"\xf6")])])
    assert cbor.dumps(items) == bytes.fromhex("83") + sample
    assert cbor.dumps([-1, -500, 2**40, b"\x00", "é"]) == bytes.fromhex(
        "85203901f31b0000010000000000410062c3a9"
    )
