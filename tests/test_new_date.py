"""`roundup new --date D` with D before the latest issue: issues are numbered by date, and a
published issue keeps its number, so the new one gets the number that fits between its
neighbours (written in the file) or a refusal that says why; never the next number."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, run_cli, soup
from generator.editor.new_issue import IssueDate, next_issue
from generator.errors import EditorError

FIRST = Path("content/issues/2024-01-07.yaml")
SECOND = Path("content/issues/2024-01-14.yaml")


@pytest.fixture
def content(tmp_path, monkeypatch) -> Path:
    shutil.copytree(FIXTURES / "minimal", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return Path("content")


def number(path: Path, value: int) -> None:
    path.write_text(path.read_text().replace("\ndate:", f"\nnumber: {value}\ndate:", 1))


def new(date: str):
    result = run_cli("new", "--content", "content", "--date", date)
    assert "Traceback" not in result.output + result.stderr
    return result


def kicker(site: Path, slug: str) -> str:
    return soup(site / "issues" / slug / "index.html").select_one(".kicker").get_text()


def test_a_date_between_issues_numbered_by_position_is_refused(content):
    files = sorted(Path("content/issues").iterdir())
    result = new("2024-01-10")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: issues are numbered by date: an issue dated 2024-01-10 would come before issue 2 "
        "(2024-01-14) and change its number to 3 (expected a date after 2024-01-14, the latest "
        "issue; a published issue keeps its number); nothing was changed\n")
    assert sorted(Path("content/issues").iterdir()) == files


def test_a_date_before_every_issue_is_refused_too(content):
    result = new("2023-12-31")
    assert result.exit_code == 1
    assert "would come before issue 1 (2024-01-07) and change its number to 2" in result.stderr
    assert not Path("content/issues/2023-12-31.yaml").exists()


def test_a_date_between_issues_with_a_free_number_gets_that_number(content):
    number(FIRST, 10)
    number(SECOND, 12)
    result = new("2024-01-10")
    assert result.exit_code == 0, result.stderr
    created = Path("content/issues/2024-01-10.yaml")
    assert yaml.safe_load(created.read_text())["number"] == 11
    created.write_text(created.read_text().replace(
        "papers:", "papers:\n  - {title: Backfilled, category: reasoning, "
                   "url: 'https://example.org/b', summary: Late.}"))
    built = run_cli("build", "--content", "content", "--output", "site")
    assert built.exit_code == 0, built.stderr
    site = Path("site")
    slugs = ("2024-01-07", "2024-01-10", "2024-01-14")
    shown = [kicker(site, slug).split(" · ")[0] for slug in slugs]
    assert shown == ["Issue 10", "Issue 11", "Issue 12"]


def test_a_date_between_issues_with_no_free_number_is_refused(content):
    number(FIRST, 1)
    number(SECOND, 2)
    result = new("2024-01-10")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no issue number is free between issue 1 (2024-01-07) and issue 2 (2024-01-14) for "
        "an issue dated 2024-01-10 (expected a date after 2024-01-14, the latest issue); nothing "
        "was changed\n")


def test_a_date_after_the_latest_still_gets_the_next_number(content):
    assert new("2024-03-03").exit_code == 0
    assert yaml.safe_load(Path("content/issues/2024-03-03.yaml").read_text())["number"] == 3


def test_next_issue_numbers_by_date():
    issues = [IssueDate("2024-01-07", dt.date(2024, 1, 7), 4),
              IssueDate("2024-01-21", dt.date(2024, 1, 21), 9)]
    today = dt.date(2030, 1, 1)
    assert next_issue(issues, today, dt.date(2024, 1, 14)) == (dt.date(2024, 1, 14), 5)
    assert next_issue(issues, today, dt.date(2024, 1, 1)) == (dt.date(2024, 1, 1), 1)
    assert next_issue(issues, today) == (dt.date(2024, 1, 28), 10)
    positional = [IssueDate("2024-01-07", dt.date(2024, 1, 7), None), issues[1]]
    with pytest.raises(EditorError, match="before issue 1 .2024-01-07. and change its number to 2"):
        next_issue(positional, today, dt.date(2024, 1, 1))
