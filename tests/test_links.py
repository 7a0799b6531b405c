"""`roundup links`: every verdict, reported as path:line, cached for a day, within a time bound."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import FIXTURES, run_cli
from generator import __version__
from link_server import link_server, write_links_issue
from review_repo import git, make_repo

PATH = "content/issues/2024-02-04.yaml"


@pytest.fixture
def server():
    with link_server() as running:
        yield running


@pytest.fixture
def content(tmp_path, monkeypatch, server):
    """site.yaml of the minimal fixture and one issue whose every link is on the local server."""
    folder = tmp_path / "content"
    folder.mkdir()
    shutil.copyfile(FIXTURES / "minimal" / "site.yaml", folder / "site.yaml")
    write_links_issue(folder, server)
    monkeypatch.chdir(tmp_path)
    return folder


def links(server, *args: str):
    # a timeout well under the slow link's delay, one retry: the slow link costs 2 x 1 s
    return run_cli(
        "links",
        "--content",
        "content",
        "--timeout",
        "1",
        "--retries",
        "1",
        *args,
        env={"ROUNDUP_WAYBACK_API": f"{server.url}/wayback/available"},
    )


def test_every_verdict_with_path_line_and_the_newest_snapshot(content, server):
    result = links(server, "--all")
    assert result.exit_code == 0, result.output + result.stderr
    s = server.url
    lines = result.output.splitlines()
    assert lines[:5] == [
        f"{PATH}:8: {s}/gone: HTTP 404 Not Found; newest snapshot: {s}/web/20240101000000/{s}/gone",
        f"{PATH}:11: {s}/removed: HTTP 410 Gone; no snapshot in the Internet Archive",
        f"{PATH}:13: {s}/slow: no answer within 1 s (2 tries); no snapshot in the Internet Archive",
        f"{PATH}:16: {s}/busy: HTTP 429 Too Many Requests (2 tries); no snapshot in the Internet "
        "Archive",
        f"{PATH}:8: {s}/old: moved permanently to {s}/fine-new",
    ]
    # fine: /fine; flaky (503 once, then 200) is fine; a temporary redirect is not a move
    assert lines[5] == (
        "Checked 8 links of every file: 3 fine, 1 moved, 4 dead "
        "(8 asked for now, the others known from the last day)."
    )
    assert server.asked("/flaky") == 2 and server.asked("/busy") == 2 and server.asked("/slow") == 2
    assert server.asked("/gone") == 1
    assert {agent for path, agent in server.requests if not path.startswith("/wayback/")} == {
        f"paper-roundup/{__version__} (link checker of a paper digest; Python-urllib)"
    }
    assert all(agent.startswith("paper-roundup/") for _, agent in server.requests)


def test_strict_fails_on_a_dead_link(content, server):
    assert links(server, "--all", "--strict").exit_code == 1


def test_a_second_run_within_a_day_checks_nothing_again(content, server):
    links(server, "--all")
    asked = len(server.requests)
    again = links(server, "--all")
    assert len(server.requests) == asked  # not one request
    assert f"{PATH}:11: {server.url}/removed: HTTP 410 Gone" in again.output  # still reported
    assert "(0 asked for now, the others known from the last day)" in again.output
    cache = json.loads((content.parent / ".roundup-cache" / "links.json").read_text())
    assert cache["verdicts"][f"{server.url}/gone"]["state"] == "broken"


def test_a_cached_verdict_older_than_a_day_is_checked_again(content, server):
    links(server, "--all")
    cache_file = content.parent / ".roundup-cache" / "links.json"
    cache = json.loads(cache_file.read_text())
    cache["verdicts"][f"{server.url}/gone"]["checked"] -= 25 * 3600
    cache_file.write_text(json.dumps(cache))
    again = links(server, "--all")
    assert "(1 asked for now" in again.output
    assert server.asked("/gone") == 2


def test_by_default_only_the_files_changed_since_the_last_run(content, server):
    first = links(server)  # the first run: every file is new to it
    assert "Checked 8 links of 1 changed files" in first.output
    second = links(server)
    assert second.output == (
        "Checked 0 links of 0 changed files: 0 fine, 0 moved, 0 dead "
        "(0 asked for now, the others known from the last day).\n"
    )
    issue = content / "issues" / "2024-02-04.yaml"
    issue.write_text(issue.read_text().replace("It was withdrawn.", "It was withdrawn, alas."))
    third = links(server)
    assert "Checked 8 links of 1 changed files" in third.output and "410 Gone" in third.output


def test_content_errors_are_reported_and_the_other_files_still_checked(content, server):
    (content / "issues" / "2024-03-03.yaml").write_text("title: Broken\ndate: 2024-03-03\n")
    result = links(server, "--all")
    assert result.exit_code == 1
    assert "content/issues/2024-03-03.yaml:1: papers: is missing" in result.stderr
    assert "Checked 8 links" in result.output and "Traceback" not in result.stderr


def test_review_reports_the_changed_and_added_links(tmp_path, monkeypatch, server):
    root = make_repo(tmp_path / "digest")
    write_links_issue(root / "content", server)
    monkeypatch.chdir(root)
    result = run_cli(
        "review",
        "--base",
        "HEAD",
        "--timeout",
        "1",
        "--retries",
        "1",
        env={"ROUNDUP_WAYBACK_API": f"{server.url}/wayback/available"},
    )
    assert result.exit_code == 0, result.output + result.stderr
    out, s = result.output, server.url
    section = out.split("Links\n-----\n")[1].split("\n\n")[0].splitlines()
    assert section[0] == (
        "8 changed or added links: 3 fine, 1 moved, 4 dead "
        "(8 checked now, the others within the last day)."
    )
    assert (
        f"- {PATH}:8: {s}/gone: HTTP 404 Not Found; newest snapshot: "
        f"{s}/web/20240101000000/{s}/gone"
    ) in section
    assert f"- {PATH}:8: {s}/old: moved permanently to {s}/fine-new" in section
    assert "4 dead links" in out
    assert run_cli("review", "--base", "HEAD", "--strict", "--timeout", "1").exit_code == 1
    git(root, "add", "-A")
    git(root, "commit", "-qm", "links")
    assert "0 changed or added links" in run_cli("review", "--base", "HEAD").output


def test_an_archive_that_does_not_answer_is_not_taken_for_no_snapshot(content, server):
    result = run_cli(
        "links",
        "--all",
        "--content",
        "content",
        "--timeout",
        "1",
        "--retries",
        "0",
        env={"ROUNDUP_WAYBACK_API": f"{server.url}/no-such-api"},
    )
    assert (
        f"{PATH}:11: {server.url}/removed: HTTP 410 Gone; the Internet Archive did not answer"
        in result.output.splitlines()
    )
