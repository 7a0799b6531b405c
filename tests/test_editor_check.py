"""`roundup check` warnings: exit 0, but --strict makes them fail; each names its file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, SAMPLE_CONTENT, build, run_cli

FIRST = "content/issues/2024-01-07.yaml"
SECOND = "content/issues/2024-01-14.yaml"


@pytest.fixture
def content(tmp_path, monkeypatch) -> Path:
    shutil.copytree(FIXTURES / "minimal", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return Path("content")


def edit(path: str, old: str, new: str) -> None:
    text = Path(path).read_text()
    assert old in text
    Path(path).write_text(text.replace(old, new))


def check(*extra: str):
    result = run_cli("check", "--content", "content", *extra)
    assert "Traceback" not in result.output + result.stderr
    return result


def assert_warning(expected: str) -> None:
    result = check()
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [expected]
    assert result.stdout.startswith("OK: ")
    strict = check("--strict")
    assert strict.exit_code == 1
    assert strict.stderr.splitlines() == [expected, "Error: 1 warning with --strict."]


def test_the_shipped_sample_content_has_no_warnings_even_with_strict():
    result = run_cli("check", "--content", str(SAMPLE_CONTENT), "--strict")
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr


def test_a_paper_featured_in_an_earlier_issue_is_a_warning(content):
    edit(SECOND, "    revisit: true  # featured again on purpose\n", "")
    assert_warning(
        f"{SECOND}:11: warning: papers[1]: '2401.00001' was already featured in {FIRST}:6 "
        "(expected a paper not featured before, or 'revisit: true' to feature it again on purpose)"
    )


def test_revisit_true_silences_it_and_must_be_true_or_false(content):
    assert check("--strict").exit_code == 0
    edit(SECOND, "revisit: true", "revisit: often")
    result = check()
    assert result.exit_code == 1
    assert (
        f"{SECOND}:15: papers[1].revisit: 'often' is not true or false (expected true or false)"
        in result.stderr
    )


def test_a_paper_without_arxiv_id_featured_again_is_named_by_its_title(content):
    Path(SECOND).write_text(
        Path(SECOND).read_text() + "  - title: An Efficient Paper\n    category: efficiency\n"
        "    url: https://example.com/efficient\n    summary: Again.\n"
    )
    assert_warning(
        f"{SECOND}:16: warning: papers[2]: 'An Efficient Paper' was already featured in {FIRST}:13 "
        "(expected a paper not featured before, or 'revisit: true' to feature it again on purpose)"
    )


def test_a_placeholder_summary_is_a_warning(content):
    edit(FIRST, "summary: It is fast.", 'summary: "TODO: write the editor\'s summary"')
    assert_warning(f"{FIRST}:16: warning: papers[1].summary: is still a placeholder "
                   "(expected the editor's own summary)")


def test_a_category_with_no_papers_is_a_warning(content):
    edit("content/site.yaml", "  - {slug: efficiency, name: Efficiency}",
         "  - {slug: efficiency, name: Efficiency}\n  - {slug: robotics, name: Robotics}")
    assert_warning(
        "content/site.yaml:8: warning: categories[2]: 'robotics' has no papers in any issue "
        "(expected at least one paper in it, or remove the category)"
    )


def test_a_link_that_is_not_https_is_a_warning_and_the_paper_is_still_built(content, tmp_path):
    edit(SECOND, "https://github.com/example/fast", "http://github.com/example/fast")
    assert_warning(
        f"{SECOND}:9: warning: papers[0].links.code: 'http://github.com/example/fast' is not https "
        "(expected an https:// link)"
    )
    result = check()
    # a warning drops nothing
    assert result.stdout == "OK: 2 issues, 4 papers, 0 pages are valid.\n"
    build(content, tmp_path / "site")
    assert (tmp_path / "site" / "papers" / "2401.00003" / "index.html").is_file()


def test_warnings_become_github_annotations(content):
    edit(FIRST, "summary: It is fast.", "summary: TODO")
    result = run_cli("check", "--content", "content", env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 0
    assert (f"::warning file={FIRST},line=16::papers[1].summary: is still a placeholder "
            "(expected the editor's own summary)") in result.stdout.splitlines()


def test_misspelled_revisit_gets_a_did_you_mean(content):
    edit(SECOND, "revisit: true", "revist: true")
    result = check()
    assert result.exit_code == 1
    assert f"{SECOND}:15: papers[1].revist: unknown field; did you mean 'revisit'?" in result.stderr


@pytest.mark.parametrize("arxiv", ["2406.4692", "2406.0469", "2413.04692", "1412.04692"])
def test_arxiv_ids_with_the_wrong_number_of_digits_for_their_month_are_refused(content, arxiv):
    edit(FIRST, '"2401.00001"', f'"{arxiv}"')
    result = check()
    assert result.exit_code == 1
    assert f"{FIRST}:8: papers[0].arxiv: '{arxiv}' is not an arXiv id" in result.stderr


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_check_after_a_build_validates_again_only_the_issues_edited_since(content, monkeypatch):
    import generator.content.site

    # a warning of the issue itself, kept in the cache
    edit(FIRST, "summary: It is fast.", "summary: TODO")
    expected = check()
    assert expected.exit_code == 0 and "still a placeholder" in expected.stderr
    build(content, Path("site"))  # the default output folder, whose cache check reads
    validated: list[str] = []
    real_validate = generator.content.site.validate_issue

    def counting_validate(source, *args):
        validated.append(source.path)
        return real_validate(source, *args)

    monkeypatch.setattr(generator.content.site, "validate_issue", counting_validate)
    cache = Path(".roundup-cache")
    before = snapshot(cache)
    result = check()
    assert validated == []
    assert (result.exit_code, result.stdout, result.stderr) == (
        expected.exit_code,
        expected.stdout,
        expected.stderr,
    )

    edit(SECOND, "revisit: true", "revisit: often")
    result = check()
    assert validated == [SECOND]
    assert result.exit_code == 1
    assert (
        f"{SECOND}:15: papers[1].revisit: 'often' is not true or false (expected true or false)"
        in result.stderr
    )
    assert "still a placeholder" in result.stderr  # FIRST's warning, from the cache
    assert snapshot(cache) == before  # check writes nothing, not even the cache


def test_email_after_a_build_reads_the_validated_issues_from_the_cache(content, monkeypatch):
    import generator.content.site

    build(content, Path("site"))
    monkeypatch.setattr(
        generator.content.site, "validate_issue", lambda *args: pytest.fail("validated again")
    )
    result = run_cli("email", "2024-01-14", "--content", "content", "--text")
    assert result.exit_code == 0, result.stderr
    assert "2401.00003" in result.stdout
