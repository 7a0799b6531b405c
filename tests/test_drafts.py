"""Drafts never block publishing: problems inside a `draft: true` issue are warnings that fail
neither `build`, `check` nor `check --strict`, unless `--drafts` is given; `build` says what it
left out. Each case: the minimal fixture copied to tmp_path, with one draft added."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli
from generator.cli import github_annotation
from generator.errors import Problem

DRAFT = "content/issues/2024-01-21.yaml"
# what `roundup import hf-daily` and `roundup add` leave in next week's issue
HALF_DONE = """title: Next week
date: 2024-01-21
draft: true
papers:
  - title: A Candidate
    category: unsorted
    arxiv: "2401.00009"
    upvotes: 12
    summary: "TODO: write the editor's summary"
  - title: A Kept Paper
    category: reasoning
    arxiv: "2401.00010"
    summary: "TODO: write the editor's summary"
"""
UNSORTED = (f"{DRAFT}:6: warning (draft): papers[0].category: 'unsorted' is a placeholder left by "
            "'roundup import'; choose the paper's category or delete the candidate (expected one "
            "of: reasoning, efficiency)")
PLACEHOLDER = (f"{DRAFT}:13: warning (draft): papers[1].summary: is still a placeholder (expected "
               "the editor's own summary)")
LEFT_OUT = "content/issues: note: 1 draft not published; use --drafts to include it"


@pytest.fixture
def content(tmp_path, monkeypatch) -> Path:
    shutil.copytree(FIXTURES / "minimal", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return Path("content")


def roundup(*args: str, env: dict | None = None):
    result = run_cli(*args, "--content", "content", env=env)
    assert "Traceback" not in result.output + result.stderr
    return result


def build(*extra: str, env: dict | None = None):
    return roundup("build", "--output", "site", *extra, env=env)


def test_a_half_done_draft_fails_neither_check_nor_strict_nor_build(content):
    Path(DRAFT).write_text(HALF_DONE)
    for args in (("check",), ("check", "--strict")):
        result = roundup(*args)
        assert result.exit_code == 0, result.stderr
        assert UNSORTED in result.stderr.splitlines() and PLACEHOLDER in result.stderr.splitlines()
        assert "Error" not in result.stderr
        assert result.stdout == "OK: 2 issues, 4 papers, 0 pages are valid.\n"
    built = build()
    assert built.exit_code == 0, built.stderr
    assert UNSORTED in built.stderr.splitlines() and LEFT_OUT in built.stderr.splitlines()
    assert (Path("site") / "issues" / "2024-01-14" / "index.html").is_file()
    assert not (Path("site") / "issues" / "2024-01-21").exists()


def test_with_drafts_a_drafts_problems_are_errors_and_warnings_again(content):
    Path(DRAFT).write_text(HALF_DONE)
    for args in (("check", "--drafts"), ("build", "--output", "site", "--drafts")):
        result = roundup(*args)
        assert result.exit_code == 1
        lines = result.stderr.splitlines()
        assert UNSORTED.replace(" warning (draft):", "") in lines
        assert PLACEHOLDER.replace("warning (draft)", "warning") in lines
        assert lines[-1] == "Error: 1 problem found; nothing was written."
    assert not Path("site").exists()
    # only warnings left: --strict fails on them, as on any issue's
    Path(DRAFT).write_text(HALF_DONE.replace("unsorted", "efficiency"))
    assert roundup("check", "--drafts").exit_code == 0
    strict = roundup("check", "--drafts", "--strict")
    assert strict.exit_code == 1
    assert strict.stderr.splitlines()[-1] == "Error: 2 warnings with --strict."


def test_a_draft_that_is_not_even_valid_yaml_does_not_block_publishing(content):
    Path(DRAFT).write_text("title: Next week: the agents issue\ndate: 2024-01-21\ndraft: true\n")
    for args in (("check", "--strict"), ("build", "--output", "site")):
        result = roundup(*args)
        assert result.exit_code == 0, result.stderr
        assert result.stderr.startswith(f"{DRAFT}:1: warning (draft): the value of 'title' ")
    assert roundup("check", "--drafts").exit_code == 1


def test_a_paper_of_a_draft_featured_before_is_a_draft_warning(content):
    Path(DRAFT).write_text(HALF_DONE.replace("category: unsorted", "category: efficiency")
                           .replace('"2401.00009"', '"2401.00001"'))
    result = roundup("check", "--strict")
    assert result.exit_code == 0, result.stderr
    assert (f"{DRAFT}:5: warning (draft): papers[0]: '2401.00001' was already featured in "
            "content/issues/2024-01-14.yaml:11") in result.stderr


def test_build_says_how_many_drafts_and_scheduled_issues_it_left_out(content):
    for name in ("2024-01-07.yaml", "2024-01-14.yaml"):
        path = content / "issues" / name
        path.write_text(path.read_text().replace("\nsummary:", "\ndraft: true\nsummary:", 1))
    Path("content/issues/2024-02-04.yaml").write_text(
        "title: Scheduled\ndate: 2024-02-04\npapers:\n  - {title: Later, category: reasoning, "
        "url: 'https://example.org/later', summary: Soon.}\n")
    today = {"SOURCE_DATE_EPOCH": "1706400000"}  # 2024-01-28
    result = build(env=today)
    assert result.exit_code == 0, result.stderr
    notes = result.stderr.splitlines()
    assert "content/issues: note: 2 drafts not published; use --drafts to include them" in notes
    assert ("content/issues: note: 1 scheduled issue not published; use --future to include it"
            in notes)
    assert build("--drafts", "--future", env=today).stderr.count("not published") == 0
    with_drafts = build("--drafts", env=today).stderr
    assert "drafts not published" not in with_drafts
    assert "1 scheduled issue not published" in with_drafts


def test_an_issue_taken_from_the_cache_gets_the_severities_of_this_run(content):
    """The cache keeps an issue's problems as validated; --drafts decides what they count for."""
    Path(DRAFT).write_text(HALF_DONE.replace("unsorted", "efficiency"))  # valid: it is cached
    placeholder = PLACEHOLDER
    assert build().exit_code == 0
    for _ in range(2):  # validated, then taken from the build's cache
        strict = roundup("check", "--strict")
        assert strict.exit_code == 0 and placeholder in strict.stderr.splitlines()
        with_drafts = roundup("check", "--strict", "--drafts")
        assert with_drafts.exit_code == 1
        assert placeholder.replace("warning (draft)", "warning") in with_drafts.stderr.splitlines()
    drafts_build = build("--drafts")
    assert drafts_build.exit_code == 0 and "warning (draft)" not in drafts_build.stderr
    again = build()
    assert again.exit_code == 0 and placeholder in again.stderr.splitlines()
    assert LEFT_OUT in again.stderr.splitlines()


def test_a_draft_problem_is_a_warning_annotation_on_the_pull_request():
    problem = Problem(DRAFT, 6, "papers[0].category", "'unsorted' is a placeholder", "draft")
    assert github_annotation(problem) == (f"::warning file={DRAFT},line=6::papers[0].category: "
                                          "'unsorted' is a placeholder")
