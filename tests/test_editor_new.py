"""`roundup new`: the next issue's file from a commented template."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, SAMPLE_CONTENT, run_cli
from generator.editor.new_issue import IssueDate, next_issue
from generator.content.issues import ISSUE_FIELDS, PAPER_FIELDS


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    shutil.copytree(FIXTURES / "minimal", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_new_creates_the_next_issue_a_week_after_the_latest(workdir):
    result = run_cli("new")
    assert result.exit_code == 0, result.stderr
    path = Path("content/issues/2024-01-21.yaml")
    assert result.stdout.splitlines()[0] == f"Created {path}"
    data = yaml.safe_load(path.read_text())
    assert data["title"] == "Papers of the Week from January 15 to January 21, 2024"
    assert data["date"] == dt.date(2024, 1, 21)
    assert data["period"] == {"start": dt.date(2024, 1, 15), "end": dt.date(2024, 1, 21)}
    assert data["number"] == 3
    assert data["papers"] is None  # filled by `roundup add`


def test_the_template_shows_every_field_as_a_comment(workdir):
    run_cli("new")
    text = Path("content/issues/2024-01-21.yaml").read_text()
    for field in ISSUE_FIELDS:
        assert f"{field}:" in text, field
    for field in PAPER_FIELDS:
        assert f"#    {field}:" in text or f"#  - {field}:" in text, field
    assert "one of: reasoning, efficiency" in text


def test_date_and_title_can_be_given(workdir):
    result = run_cli("new", "--date", "2024-12-31", "--title", 'The "Year-End" Issue: Reasoning')
    assert result.exit_code == 0, result.stderr
    data = yaml.safe_load(Path("content/issues/2024-12-31.yaml").read_text())
    assert data["title"] == 'The "Year-End" Issue: Reasoning'
    assert data["period"] == {"start": dt.date(2024, 12, 25), "end": dt.date(2024, 12, 31)}


def test_new_refuses_to_overwrite(workdir):
    path = Path("content/issues/2024-01-14.yaml")
    before = path.read_text()
    result = run_cli("new", "--date", "2024-01-14")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path} already exists; it was not overwritten (choose another --date, "
        "or edit that file); nothing was changed\n"
    )
    assert path.read_text() == before


def test_without_issues_the_date_is_today(tmp_path, monkeypatch):
    shutil.copytree(FIXTURES / "minimal", tmp_path / "content")
    shutil.rmtree(tmp_path / "content" / "issues")
    monkeypatch.chdir(tmp_path)
    result = run_cli("new", env={"SOURCE_DATE_EPOCH": "1718539200"})  # 2024-06-16 12:00 UTC
    assert result.exit_code == 0, result.stderr
    data = yaml.safe_load(Path("content/issues/2024-06-16.yaml").read_text())
    assert data["number"] == 1
    assert data["title"] == "Papers of the Week from June 10 to June 16, 2024"


def test_a_new_issue_with_a_paper_passes_check(workdir):
    run_cli("new")
    path = Path("content/issues/2024-01-21.yaml")
    result = run_cli("check", "--content", "content")
    assert result.exit_code == 1  # no papers yet
    assert f"{path}:10: papers: is empty (expected a list of at least one paper)" in result.stderr
    path.write_text(path.read_text() + "  - title: A Paper\n    category: reasoning\n"
                    "    arxiv: \"2401.00009\"\n    summary: Good.\n")
    result = run_cli("check", "--content", "content", "--strict")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "OK: 3 issues, 5 papers, 0 pages are valid.\n"


def test_the_sample_content_gets_issue_number_four(tmp_path, monkeypatch):
    shutil.copytree(SAMPLE_CONTENT, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    assert run_cli("new").exit_code == 0
    data = yaml.safe_load(Path("content/issues/2025-08-31.yaml").read_text())
    assert (data["date"], data["number"]) == (dt.date(2025, 8, 31), 4)


def test_a_number_that_would_clash_is_left_out():
    issues = [IssueDate("a", dt.date(2024, 1, 7), None), IssueDate("b", dt.date(2024, 1, 14), None)]
    assert next_issue(issues, dt.date(2030, 1, 1)) == (dt.date(2024, 1, 21), 3)
    # dated between the two: refused, as it would renumber the later one (tests/test_new_date.py)


def test_a_folder_without_site_yaml_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_cli("new", "--content", "contnet")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: contnet has no site.yaml (expected a content folder")
    assert list(tmp_path.iterdir()) == []


def test_ten_years_of_issues_are_read_on_every_core_in_order(monkeypatch):
    from generator.editor.append import Featured, find_featured
    from generator.content.files import Source
    from generator.editor.new_issue import parse_issue_dates

    sources = []
    for week in range(40):
        date = dt.date(2024, 1, 7) + dt.timedelta(weeks=week)
        text = (
            f"title: Week {week}\ndate: {date}\nsummary: s\n"
            + (f"number: {week + 100}\n" if week % 3 == 0 else "")
            + f'papers:\n  - title: P\n    arxiv: "2401.{week:05d}"\n    category: c\n    summary: '
              's\n'
        )
        if week == 37:  # a file that does not parse: its arXiv lines still count, it has no date
            text = text.replace("papers:\n", "papers: [\n")
        sources.append(Source(f"content/issues/{date}.yaml", text))
    monkeypatch.setenv("ROUNDUP_JOBS", "2")
    dates, featured = parse_issue_dates(sources), find_featured(sources)
    assert len(dates) == 39 and dates[0] == IssueDate("2024-01-07", dt.date(2024, 1, 7), 100)
    assert dates[-1] == IssueDate("2024-10-06", dt.date(2024, 10, 6), 139)  # week 39, in order
    assert "2024-09-22" not in [issue.slug for issue in dates]  # week 37
    # its arxiv line
    assert featured["2401.00037"] == [Featured("content/issues/2024-09-22.yaml", 6)]
    assert featured["2401.00039"] == [Featured("content/issues/2024-10-06.yaml", 6)]  # its paper
    monkeypatch.setenv("ROUNDUP_JOBS", "1")
    assert (parse_issue_dates(sources), find_featured(sources)) == (dates, featured)


def test_after_a_build_new_reads_the_dates_of_unchanged_issues_from_its_cache(workdir, monkeypatch):
    import generator.editor.new_issue

    assert run_cli("build", "-q").exit_code == 0  # into site/, the folder whose cache `new` reads
    edited = Path("content/issues/2024-01-07.yaml")
    edited.write_text(
        edited.read_text().replace("summary: The first issue.", "summary: The first one.")
    )
    parsed = []
    real_issue_date = generator.editor.new_issue._issue_date
    monkeypatch.setattr(
        generator.editor.new_issue,
        "_issue_date",
        lambda source: parsed.append(source.path) or real_issue_date(source),
    )
    result = run_cli("new")
    assert result.exit_code == 0, result.stderr
    assert parsed == [str(edited)]  # the latest issue, 2024-01-14, came from the cache
    data = yaml.safe_load(Path("content/issues/2024-01-21.yaml").read_text())
    assert (data["date"], data["number"]) == (dt.date(2024, 1, 21), 3)
