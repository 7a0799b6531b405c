"""Editor mistakes are reported as ``path:line: field: what is wrong (what is expected)``.

Each case is tests/fixtures/invalid/base/ (a small valid site) with one change that makes exactly
one mistake (``three_mistakes`` makes three): the change is written into tmp_path/<case>/ and the
tests run ``roundup check --content <case>`` from tmp_path, so paths are printed as
``<case>/issues/...``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import FIXTURES, SAMPLE_CONTENT, build, run_cli

INVALID = FIXTURES / "invalid"
BASE = INVALID / "base"
MINIMAL = FIXTURES / "minimal"
ISSUE = "issues/2024-01-07.yaml"
ISSUE2 = "issues/2024-01-14.yaml"


# --- the changes that make a case out of the base site ----------------------------------------

@dataclass(frozen=True)
class Replace:
    """In file, the one occurrence of old becomes new (new "" removes it)."""

    file: str
    old: str
    new: str

    def apply(self, content: Path) -> None:
        path = content / self.file
        text = path.read_text(encoding="utf-8")
        assert text.count(self.old) == 1, f"{self.old!r} is not once in base/{self.file}"
        path.write_text(text.replace(self.old, self.new), encoding="utf-8")


@dataclass(frozen=True)
class Write:
    """file (a new one, or one of the base's) holds exactly text."""

    file: str
    text: str

    def apply(self, content: Path) -> None:
        (content / self.file).parent.mkdir(parents=True, exist_ok=True)
        (content / self.file).write_text(self.text, encoding="utf-8")


@dataclass(frozen=True)
class Remove:
    """file of the base is not there."""

    file: str

    def apply(self, content: Path) -> None:
        (content / self.file).unlink()


Change = Replace | Write | Remove

FIRST_ISSUE = (BASE / ISSUE).read_text(encoding="utf-8")
SECOND_PAPER_END = "    summary: It is fast.\n"  # the last line of the first issue


def make_case(root: Path, case: str) -> Path:
    """root/case: a copy of the base site with the case's changes."""
    content = root / case
    shutil.copytree(BASE, content)
    for change in CHANGES[case]:
        change.apply(content)
    return content


# (case, its changes to the base site, the file of the message, the exact rest of the line
# after "<case>/<file>")
CASES: list[tuple[str, list[Change], str, str]] = [
    # YAML that does not parse at all
    ("yaml_syntax", [Replace(ISSUE, "summary: It reasons.", "summary: Note: it reasons.")], ISSUE,
     ":10: the value of 'summary' contains ': ', which YAML reads as the start of another "
     "field; put the value in quotes (expected, for example: summary: \"Note: it reasons.\")"),
    ("empty_issue", [Write(ISSUE, "")], ISSUE, ":1: the file is empty (expected a YAML mapping)"),
    ("comment_only_issue", [Write(ISSUE, "# TODO: write this issue\n")], ISSUE,
     ":1: the file has no content (expected a YAML mapping)"),
    ("duplicate_key",
     [Replace(ISSUE, "summary: The first issue.\n",
              "summary: The first issue.\ntitle: First issue, again\n")], ISSUE,
     ":4: title: is given twice (expected each field once)"),
    # required fields
    ("missing_title", [Replace(ISSUE, "title: First issue\n", "")], ISSUE,
     ":1: title: is missing (expected the issue's title)"),
    ("missing_date", [Replace(ISSUE, "date: 2024-01-07\n", "")], ISSUE,
     ":1: date: is missing (expected a date such as 2024-06-16)"),
    ("missing_papers",
     [Write(ISSUE, "title: First issue\ndate: 2024-01-07\nsummary: The first issue.\n")], ISSUE,
     ":1: papers: is missing (expected a list of at least one paper)"),
    ("missing_paper_summary", [Replace(ISSUE, "    summary: It reasons.\n", "")], ISSUE,
     ":5: papers[0].summary: is missing (expected the editor's Markdown summary)"),
    ("missing_paper_category", [Replace(ISSUE, "    category: efficiency\n", "")], ISSUE,
     ":12: papers[1].category: is missing (expected a category slug from site.yaml)"),
    ("missing_url_without_arxiv", [Replace(ISSUE, "    url: https://example.com/efficient\n", "")],
     ISSUE, ":12: papers[1].url: is missing (expected an http(s) URL, or an arxiv id)"),
    # wrong types
    ("papers_is_mapping",
     [Write(ISSUE, "title: First issue\ndate: 2024-01-07\nsummary: The first issue.\npapers:\n"
                   "  title: A Reasoning Paper\n  category: reasoning\n  arxiv: \"2401.00001\"\n"
                   "  summary: It reasons.\n")], ISSUE,
     ":4: papers: is a mapping (expected a list of at least one paper)"),
    ("authors_is_number", [Replace(ISSUE, "authors: [Ada Lovelace, Alan Turing]", "authors: 42")],
     ISSUE, ":8: papers[0].authors: is a number (expected a list such as [a, b])"),
    ("upvotes_is_text", [Replace(ISSUE, "upvotes: 12", "upvotes: many")], ISSUE,
     ":9: papers[0].upvotes: 'many' is not a whole number (expected a whole number >= 0)"),
    ("negative_upvotes", [Replace(ISSUE, "upvotes: 12", "upvotes: -3")], ISSUE,
     ":9: papers[0].upvotes: -3 is too small (expected a whole number >= 0)"),
    # categories
    ("unknown_category_misspelled", [Replace(ISSUE, "category: reasoning", "category: reasonnig")],
     ISSUE, ":6: papers[0].category: unknown category 'reasonnig'; did you mean 'reasoning'? "
     "(expected one of: reasoning, efficiency)"),
    ("unknown_category", [Replace(ISSUE, "category: efficiency", "category: biology")], ISSUE,
     ":13: papers[1].category: unknown category 'biology' "
     "(expected one of: reasoning, efficiency)"),
    # dates
    ("impossible_date", [Replace(ISSUE, "date: 2024-01-07", "date: 2024-02-30")], ISSUE,
     ":2: date: '2024-02-30' is not a valid date (expected YYYY-MM-DD, such as 2024-06-16)"),
    ("date_is_text", [Replace(ISSUE, "date: 2024-01-07", "date: next week")], ISSUE,
     ":2: date: 'next week' is not a valid date (expected YYYY-MM-DD, such as 2024-06-16)"),
    # identifiers and links
    ("invalid_arxiv", [Replace(ISSUE, 'arxiv: "2401.00001"', 'arxiv: "2401.1"')], ISSUE,
     ":7: papers[0].arxiv: '2401.1' is not an arXiv id (expected a new-style id such as "
     "\"2406.04692\" or \"2406.04692v2\", or an old-style one such as hep-th/9901001)"),
    ("javascript_link",
     [Replace(ISSUE, 'links: {code: "https://github.com/example/reasoning"}',
              'links: {code: "javascript:alert(1)"}')], ISSUE,
     ":11: papers[0].links.code: 'javascript:alert(1)' is not an http(s) URL (expected "
     "https://...)"),
    ("ftp_url",
     [Replace(ISSUE, "url: https://example.com/efficient", "url: ftp://example.com/efficient.pdf")],
     ISSUE, ":14: papers[1].url: 'ftp://example.com/efficient.pdf' is not an http(s) URL "
     "(expected https://...)"),
    # duplicates
    ("duplicate_paper",
     [Replace(ISSUE, SECOND_PAPER_END,
              SECOND_PAPER_END + "  - title: A Reasoning Paper\n    category: reasoning\n"
              "    arxiv: \"2401.00001\"\n    summary: The same paper again.\n")], ISSUE,
     ":16: papers[2]: 'A Reasoning Paper' is already in this issue at line 5 "
     "(expected each paper once per issue)"),
    ("duplicate_issue_slug", [Write("issues/2024-01-07.yml", FIRST_ISSUE)], "issues/2024-01-07.yml",
     ":1: issue '2024-01-07' is also defined by duplicate_issue_slug/issues/2024-01-07.yaml "
     "(expected one file per issue slug)"),
    ("duplicate_issue_number",
     [Replace(ISSUE, "summary: The first issue.\n", "summary: The first issue.\nnumber: 3\n"),
      Replace(ISSUE2, "summary: The second issue.\n", "summary: The second issue.\nnumber: 3\n")],
     ISSUE2, ":4: number: issue number 3 is also used by "
     "duplicate_issue_number/issues/2024-01-07.yaml (expected a unique number per issue)"),
    # unknown fields
    ("misspelled_field", [Replace(ISSUE, "summary: The first issue.", "sumary: The first issue.")],
     ISSUE, ":3: sumary: unknown field; did you mean 'summary'? "
     "(expected one of: title, date, period, number, draft, summary, intro, papers)"),
    # pages
    ("reserved_page_slug",
     [Write("pages/about.md", "---\ntitle: About\n---\nWhat this digest is.\n"),
      Write("pages/archive.md", "---\ntitle: Archive\n---\nWhat this digest is.\n")],
     "pages/archive.md",
     ":1: the page name 'archive' collides with the generated /archive/ "
     "(expected another file name, such as archive-page.md)"),
    # site.yaml
    ("site_missing_base_url", [Replace("site.yaml", "base_url: https://example.org/\n", "")],
     "site.yaml", ":1: base_url: is missing (expected an http(s) URL)"),
    ("site_missing_categories",
     [Replace("site.yaml", "categories:\n"
              "  - {slug: reasoning, name: Reasoning, description: Thinking step by step.}\n"
              "  - {slug: efficiency, name: Efficiency}\n", "")], "site.yaml",
     ":1: categories: is missing (expected a list of {slug, name, description})"),
    ("site_yaml_missing", [Remove("site.yaml")], "site.yaml",
     ": site settings file is missing (expected content/site.yaml with title, description, "
     "base_url, categories)"),
]
THREE_MISTAKES: list[Change] = [
    Replace(ISSUE, "date: 2024-01-07", "date: 2024-02-30"),
    Replace(ISSUE, "category: reasoning", "category: reasonnig"),
    Replace(ISSUE, "upvotes: 12", "upvotes: -3"),
]
CHANGES: dict[str, list[Change]] = {case: changes for case, changes, _, _ in CASES}
CHANGES["three_mistakes"] = THREE_MISTAKES


def check(content: str):
    result = run_cli("check", "--content", content)
    assert "Traceback" not in result.output
    return result


def problem_lines(result) -> list[str]:
    """stderr without the closing 'Error: N problems found' summary."""
    return [line for line in result.stderr.splitlines() if not line.startswith("Error:")]


@pytest.mark.parametrize("case, file, rest", [(c, f, r) for c, _, f, r in CASES],
                         ids=[c[0] for c in CASES])
def test_each_mistake_is_reported_with_path_line_and_field(case, file, rest, tmp_path, monkeypatch):
    make_case(tmp_path, case)
    monkeypatch.chdir(tmp_path)
    result = check(case)
    expected = f"{case}/{file}{rest}"
    assert result.exit_code == 1, result.output
    assert expected in result.stderr.splitlines(), result.stderr
    # one defect, one message: nothing else (no second, misleading line)
    assert problem_lines(result) == [expected], result.stderr
    assert "Error: 1 problem found; nothing was written." in result.stderr
    assert "OK:" not in result.stdout


def test_the_base_is_valid_and_each_case_changes_it(tmp_path, monkeypatch):
    """So each case's messages come from its change alone; no case folder is left over."""
    assert sorted(path.name for path in INVALID.iterdir()) == ["base"]
    assert len(CHANGES) == len(CASES) + 1  # case names are unique
    monkeypatch.chdir(INVALID)
    result = check("base")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["OK: 2 issues, 3 papers, 0 pages are valid."]
    base = _snapshot(BASE)
    for case in CHANGES:
        assert _snapshot(make_case(tmp_path, case)) != base, case


def _copy_minimal(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(MINIMAL, target)
    return target


def test_non_utf8_issue_file(tmp_path, monkeypatch):
    content = _copy_minimal(tmp_path, "latin1")
    (content / ISSUE).write_bytes(
        b"title: First issue\ndate: 2024-01-07\n"
        b"summary: Caf\xe9 papers.\npapers:\n"
        b"  - {title: P, category: reasoning, arxiv: '2401.00001', summary: S}\n"
    )
    monkeypatch.chdir(tmp_path)
    result = check("latin1")
    assert result.exit_code == 1
    assert problem_lines(result) == [
        "latin1/issues/2024-01-07.yaml:3: the file is not valid UTF-8 (expected UTF-8 text)"]


def test_non_utf8_site_yaml_gives_one_problem_with_the_real_path(tmp_path, monkeypatch):
    content = _copy_minimal(tmp_path, "latin1")
    (content / "site.yaml").write_bytes(b"title: Caf\xe9 Digest\n")
    monkeypatch.chdir(tmp_path)
    result = check("latin1")
    assert result.exit_code == 1
    assert problem_lines(result) == [
        "latin1/site.yaml:1: the file is not valid UTF-8 (expected UTF-8 text)"
    ]


def test_three_mistakes_in_one_file_are_all_reported_sorted_by_line(tmp_path, monkeypatch):
    make_case(tmp_path, "three_mistakes")
    monkeypatch.chdir(tmp_path)
    result = check("three_mistakes")
    path = f"three_mistakes/{ISSUE}"
    assert result.exit_code == 1
    assert problem_lines(result) == [
        f"{path}:2: date: '2024-02-30' is not a valid date (expected YYYY-MM-DD, such as "
        "2024-06-16)",
        f"{path}:6: papers[0].category: unknown category 'reasonnig'; did you mean 'reasoning'? "
        "(expected one of: reasoning, efficiency)",
        f"{path}:9: papers[0].upvotes: -3 is too small (expected a whole number >= 0)",
    ]
    assert result.stderr.splitlines()[-1] == "Error: 3 problems found; nothing was written."


def test_mistakes_in_different_files_are_all_reported_in_one_run(minimal_content, monkeypatch):
    site = minimal_content / "site.yaml"
    site.write_text(site.read_text().replace("\ndescription:", "\ndescripton:"))
    first = minimal_content / ISSUE
    first.write_text(first.read_text().replace("date: 2024-01-07", "date: 2024-01-32"))
    second = minimal_content / ISSUE2
    second.write_text(second.read_text().replace('"2401.00003v2"', '"2401.3"'))
    (minimal_content / "pages").mkdir()
    (minimal_content / "pages" / "about.md").write_text("---\ndescription: No title.\n---\nBody.\n")
    monkeypatch.chdir(minimal_content.parent)
    result = check("content")
    assert result.exit_code == 1
    assert problem_lines(result) == [
        "content/issues/2024-01-07.yaml:2: date: '2024-01-32' is not a valid date "
        "(expected YYYY-MM-DD, such as 2024-06-16)",
        "content/issues/2024-01-14.yaml:7: papers[0].arxiv: '2401.3' is not an arXiv id (expected "
        "a new-style "
        'id such as "2406.04692" or "2406.04692v2", or an old-style one such as hep-th/9901001)',
        "content/pages/about.md:2: title: is missing (expected the page's title)",
        "content/site.yaml:1: description: is missing (expected a one-sentence description)",
        "content/site.yaml:2: descripton: unknown field; did you mean 'description'? (expected one "
        "of: "
        "title, description, base_url, language, author, theme, subscribe_url, feed, email, "
        "categories, per_page, "
        "newsletter, announce)",
    ]


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every folder (as None), by relative path."""
    return {path.relative_to(folder).as_posix(): (path.read_bytes() if path.is_file() else None)
            for path in sorted(folder.rglob("*"))}


@pytest.mark.parametrize("case", ["yaml_syntax", "three_mistakes", "duplicate_issue_number",
                                  "reserved_page_slug", "site_missing_categories"])
def test_build_with_invalid_content_leaves_the_previous_site_untouched(case, tmp_path):
    output = tmp_path / "site"
    build(MINIMAL, output)
    content = make_case(tmp_path, case)
    before, beside = _snapshot(output), sorted(p.name for p in tmp_path.iterdir())
    assert "index.html" in before

    result = run_cli("build", "--content", str(content), "--output", str(output))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "nothing was written" in result.stderr
    assert "Built" not in result.stdout
    assert _snapshot(output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == beside  # no staging folder left behind


def test_build_with_invalid_content_creates_no_output_folder(tmp_path):
    content = make_case(tmp_path / "cases", "three_mistakes")
    result = run_cli("build", "--content", str(content), "--output", str(tmp_path / "site"))
    assert result.exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases"]


@pytest.mark.parametrize("case", [None, "three_mistakes"], ids=["valid", "invalid"])
def test_check_writes_nothing(case, tmp_path, monkeypatch):
    if case is None:
        shutil.copytree(MINIMAL, tmp_path / "content")
    else:
        make_case(tmp_path, case).rename(tmp_path / "content")
    before = _snapshot(tmp_path)
    monkeypatch.chdir(tmp_path)
    check("content")
    assert _snapshot(tmp_path) == before


def test_check_on_the_valid_minimal_fixture_says_ok(monkeypatch):
    monkeypatch.chdir(FIXTURES)
    result = check("minimal")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["OK: 2 issues, 4 papers, 0 pages are valid."]
    assert result.stderr == ""


def test_check_on_the_shipped_sample_content_passes():
    result = check(str(SAMPLE_CONTENT))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK: ")
    assert "Error" not in result.stderr


def test_real_command_reports_problems_on_stderr_without_traceback(tmp_path):
    """The installed `roundup` script, as an editor runs it (a real process, real stderr)."""
    roundup = Path(sys.executable).parent / "roundup"
    make_case(tmp_path, "three_mistakes")
    completed = subprocess.run([str(roundup), "check", "--content", "three_mistakes"], cwd=tmp_path,
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr + completed.stdout
    assert completed.stdout == ""
    assert f"three_mistakes/{ISSUE}:9: papers[0].upvotes: -3 is too small" in completed.stderr


def test_a_misspelt_theme_is_reported_by_check_with_a_suggestion(minimal_content, monkeypatch):
    monkeypatch.chdir(minimal_content.parent)
    site = minimal_content / "site.yaml"
    site.write_text(site.read_text() + "theme: clasic\n")
    result = run_cli("check", "--content", "content")
    assert result.exit_code == 1
    assert problem_lines(result) == [
        "content/site.yaml:8: theme: no theme 'clasic'; did you mean 'classic'? "
        "(expected one of: classic, default)"]
    site.write_text(site.read_text().replace("clasic", "classic"))
    assert run_cli("check", "--content", "content").exit_code == 0


def test_a_quoted_date_is_the_date_it_says(minimal_content, tmp_path):
    issue = minimal_content / "issues" / "2024-01-07.yaml"
    issue.write_text(issue.read_text().replace("date: 2024-01-07", 'date: "2024-01-07"'))
    build(minimal_content, tmp_path / "site")
    assert (tmp_path / "site" / "issues" / "2024-01-07" / "index.html").is_file()
    issue.write_text(issue.read_text().replace('"2024-01-07"', '"2024-01-32"'))
    result = run_cli("check", "--content", str(minimal_content))
    assert result.exit_code == 1 and "'2024-01-32' is not a valid date" in result.stderr
