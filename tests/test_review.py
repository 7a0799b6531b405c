"""`roundup review`: what a proposed change does to the digest, in one report."""

from __future__ import annotations

import shutil

import pytest
from markdown_it import MarkdownIt

from conftest import FIXTURES, run_cli
from review_repo import commit_all, git, make_repo, put


@pytest.fixture
def repo(tmp_path, monkeypatch):
    root = make_repo(tmp_path / "digest")
    monkeypatch.chdir(root)
    return root


def review(*args: str, env: dict | None = None):
    return run_cli("review", "--no-links", *args, env=env)


def test_reports_added_and_changed_issues_with_papers_numbered_as_they_will_appear(repo):
    put(repo, "new-issue.yaml", "content/issues/2024-01-21.yaml")
    put(repo, "edited-2024-01-14.yaml", "content/issues/2024-01-14.yaml")
    result = review("--base", "HEAD")
    assert result.exit_code == 0, result.output + result.stderr
    out = result.output
    assert "Compared the work tree with HEAD (" in out
    assert "issues: 1 added, 1 changed" in out
    assert (
        "- Added: issue 3, 2024-01-21, Third issue (content/issues/2024-01-21.yaml)\n"
        "  - added 1.1 A Brand New Paper (arXiv 2401.00010): Reasoning\n"
        "  - added 2.1 A Reasoning Paper (arXiv 2401.00001): Efficiency\n"
        "  - added 2.2 A Paper Still to Summarise: Efficiency\n"
    ) in out
    assert (
        "- Changed: issue 2, 2024-01-14, Second issue (content/issues/2024-01-14.yaml)\n"
        "  - moved 1.1 Another Efficient Paper (arXiv 2401.00003): "
        "from Efficiency, 2.1 to Reasoning\n"
        "  - added 2.1 A Third Efficient Paper (arXiv 2401.00004): Efficiency\n"
        "  - removed 1.1 A Reasoning Paper (arXiv 2401.00001): Reasoning\n"
    ) in out
    assert "2024-01-07" not in out.split("Problems")[0]  # the unchanged issue is not listed


def test_lists_problems_of_changed_files_with_path_and_line_and_papers_featured_before(repo):
    put(repo, "new-issue.yaml", "content/issues/2024-01-21.yaml")
    out = review("--base", "HEAD").output
    problems = out.split("Problems\n--------\n")[1].split("\n\n")[0].splitlines()
    assert any(
        line.startswith(
            "- content/issues/2024-01-21.yaml:10: warning: papers[1]: '2401.00001' "
            "was already featured in content/issues/2024-01-14.yaml:"
        )
        for line in problems
    ), problems
    assert (
        "- content/issues/2024-01-21.yaml:17: warning: papers[2].summary: is still a placeholder "
        "(expected the editor's own summary)" in problems
    )
    assert any(":16: warning: papers[2].url:" in line for line in problems), problems
    # site.yaml's warning existed before the change and is in no changed file
    assert not any("site.yaml" in line for line in problems)
    assert (
        "- 2.1 A Reasoning Paper (arXiv 2401.00001) in issue 3: already in issue 2, 2024-01-14, "
        "as 1.1; issue 1, 2024-01-07, as 1.1\n"
    ) in out
    assert "1 paper already featured" in out


def test_exit_status_is_zero_with_warnings_and_one_with_strict_or_errors(repo):
    put(repo, "new-issue.yaml", "content/issues/2024-01-21.yaml")
    assert review("--base", "HEAD").exit_code == 0
    strict = review("--base", "HEAD", "--strict")
    assert strict.exit_code == 1
    assert "Error: the review found warnings, dead links or repeats with --strict." in strict.stderr
    put(repo, "broken-issue.yaml", "content/issues/2024-01-28.yaml")
    failed = review("--base", "HEAD")
    assert failed.exit_code == 1
    assert "Traceback" not in failed.output + failed.stderr
    assert (
        "- content/issues/2024-01-28.yaml:5: error: papers[0].category: "
        "unknown category 'reasonig'; "
        "did you mean 'reasoning'?"
    ) in failed.output
    assert (
        "- Added: content/issues/2024-01-28.yaml (not compared: the file has errors)"
        in failed.output
    )
    assert (
        "- Added: issue 3, 2024-01-21, Third issue" in failed.output
    )  # the rest is still compared
    assert "Result: the site does not build: fix the errors below." in failed.output


def test_works_when_the_base_has_no_content_yet(tmp_path, monkeypatch):
    root = make_repo(tmp_path / "new-digest", fixture=None)
    shutil.copytree(FIXTURES / "minimal", root / "content")
    monkeypatch.chdir(root)
    result = review("--base", "HEAD")
    assert result.exit_code == 0, result.output + result.stderr
    assert "issues: 2 added" in result.output
    assert (
        "- Added: issue 1, 2024-01-07, First issue (content/issues/2024-01-07.yaml)"
        in result.output
    )
    assert "- added 1.1 A Reasoning Paper (arXiv 2401.00001): Reasoning" in result.output


def test_a_removed_issue_and_its_feed_entries(repo):
    (repo / "content/issues/2024-01-07.yaml").unlink()
    out = review("--base", "HEAD").output
    assert "- Removed: issue 1, 2024-01-07, First issue (content/issues/2024-01-07.yaml)" in out
    assert "- Changed: issue 1, 2024-01-14, Second issue (was issue 2)" in out  # numbered by date
    assert "- removed: First issue in feed.xml, atom.xml, feed.json" in out
    assert (
        "- removed: An Efficient Paper in papers/feed.xml, categories/efficiency/feed.xml, "
        "categories/efficiency/atom.xml" in out
    )


def test_email_editions_and_feed_entries_of_new_and_changed_issues(repo):
    put(repo, "new-issue.yaml", "content/issues/2024-01-21.yaml")
    out = review("--base", "HEAD", "--artifact", "review-preview-7").output
    emails = out.split("Email editions\n--------------\n")[1].split("\n\n")[0]
    line = next(line for line in emails.splitlines() if line.startswith("- 2024-01-21: "))
    assert "subject \"Third issue · Minimal Digest\"; HTML " in line
    assert "KB, under Gmail's 102 KB clipping limit; plain text " in line
    assert line.endswith("preview: issues/2024-01-21/email.html in the artifact review-preview-7")
    feeds = out.split("Feeds\n-----\n")[1]
    assert "- added: Third issue in feed.xml, atom.xml, feed.json" in feeds
    assert (
        "- added: A Brand New Paper in papers/feed.xml, categories/reasoning/feed.xml, "
        "categories/reasoning/atom.xml" in feeds
    )
    # featured again: its paper entry changes (a new issue, a newer date) rather than being added
    assert "- changed: A Reasoning Paper in papers/feed.xml" in feeds


def test_a_draft_or_scheduled_issue_gets_an_email_but_no_feed_entry(repo):
    text = (
        (FIXTURES / "review" / "new-issue.yaml")
        .read_text()
        .replace("date: 2024-01-21", "date: 2024-01-21\ndraft: true")
    )
    (repo / "content/issues/2024-01-21.yaml").write_text(text)
    out = review("--base", "HEAD").output
    assert "- Added: issue 3, 2024-01-21, Third issue (draft)" in out
    assert "preview: roundup email 2024-01-21" in out
    assert "No feed entry is added, changed or removed." in out


def test_default_base_is_the_merge_base_with_origin_main(repo):
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "update-ref", "refs/remotes/origin/main", base)
    git(repo, "checkout", "-q", "-b", "proposal")
    put(repo, "new-issue.yaml", "content/issues/2024-01-21.yaml")
    commit_all(repo, "propose issue 3")
    out = review().output
    assert f"Compared the work tree with origin/main (merge base {base[:7]})" in out
    assert "- Added: issue 3, 2024-01-21, Third issue" in out  # committed on the branch: still new
    git(repo, "update-ref", "-d", "refs/remotes/origin/main")
    assert "Compared the work tree with HEAD (" in review().output  # no origin/main: HEAD


def test_an_unknown_ref_or_a_folder_outside_git_is_one_line(repo, tmp_path, monkeypatch):
    result = review("--base", "no-such-branch")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --base: 'no-such-branch' is not a commit in this repository "
        "(expected a branch, tag or commit, such as origin/main)\n"
    )
    outside = tmp_path / "outside"
    shutil.copytree(FIXTURES / "minimal", outside / "content")
    monkeypatch.chdir(outside)
    result = review()
    assert result.exit_code == 1
    assert "is not in a git repository" in result.stderr and "Traceback" not in result.stderr


def test_markdown_report_escapes_what_the_content_says(repo):
    put(repo, "hostile-issue.yaml", "content/issues/2024-01-21.yaml")
    result = review("--base", "HEAD", "--format", "markdown")
    assert result.exit_code == 0, result.output + result.stderr
    md = result.output
    assert md.startswith("## Review of `content`\n")
    assert "\n### Issues\n" in md and "\n### Email editions\n" in md
    html = MarkdownIt("commonmark", {"html": True}).render(md)  # GitHub renders some HTML: allow it
    assert (
        "<script" not in html
        and "<img" not in html
        and "javascript:" not in str([a for a in html.split("<a ")[1:]])
    )
    assert "<a " not in html  # nothing from the content becomes a link
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text
    assert "<code>content/issues/2024-01-21.yaml</code>" in html


def test_annotations_on_the_diff_in_github_actions(repo):
    put(repo, "new-issue.yaml", "content/issues/2024-01-21.yaml")
    report = repo / "report.md"
    result = review(
        "--base",
        "HEAD",
        "--format",
        "markdown",
        "--output",
        str(report),
        env={"GITHUB_ACTIONS": "true"},
    )
    assert result.exit_code == 0
    assert report.read_text().startswith("## Review of `content`")
    lines = result.output.splitlines()
    assert (
        "::warning file=content/issues/2024-01-21.yaml,line=17::papers[2].summary: is still a "
        "placeholder (expected the editor's own summary)" in lines
    )
    assert all(line.startswith("::") for line in lines)
