"""The pull-request review workflow: safe for forks, pinned, and its review step really works."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import yaml

from review_repo import make_repo

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())  # PyYAML reads the key `on` as True


def steps() -> list[dict]:
    return load("review.yml")["jobs"]["review"]["steps"]


def step(name: str) -> dict:
    return next(s for s in steps() if s.get("name") == name)


def test_runs_on_pull_request_only_with_read_only_permissions():
    workflow = load("review.yml")
    assert workflow[True] == {"pull_request": None}
    assert "pull_request_target" not in (WORKFLOWS / "review.yml").read_text().split("# ", 1)[0]
    assert workflow["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in workflow["jobs"].values())


def test_actions_are_pinned_by_commit_as_in_the_other_workflows():
    uses = [s["uses"] for s in steps() if "uses" in s]
    assert uses and all(re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", use) for use in uses)
    ci = {s["uses"] for s in load("ci.yml")["jobs"]["test"]["steps"] if "uses" in s}
    shared = [use for use in uses if use.split("@")[0] in {u.split("@")[0] for u in ci}]
    assert set(shared) == ci  # checkout and setup-python: the very same commits
    text = (WORKFLOWS / "review.yml").read_text()
    assert "actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2" in text
    checkout = next(s for s in steps() if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"] == {"persist-credentials": False, "fetch-depth": 0}


def test_the_review_compares_with_the_base_and_the_artifact_is_named_in_the_summary():
    job = load("review.yml")["jobs"]["review"]
    assert job["env"]["ARTIFACT"] == "review-preview-pr-${{ github.event.pull_request.number }}"
    review = step("Review the proposed content")
    assert review["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    assert '--base "$BASE_SHA" --format markdown' in review["run"]
    assert '--artifact "$ARTIFACT"' in review["run"]
    assert 'cat review.md >> "$GITHUB_STEP_SUMMARY"' in review["run"]
    build = step("Build the preview (drafts and scheduled issues included)")["run"]
    assert "roundup build --drafts --future" in build and "--output preview" in build
    upload = next(s for s in steps() if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["name"] == "${{ env.ARTIFACT }}" and upload["with"]["path"] == "preview"
    names = [s.get("name") or s["uses"] for s in steps()]
    assert names.index("Review the proposed content") < names.index(
        "Fail when the review found errors"
    )
    assert names[-1] == "Fail when the review found errors"  # after the preview is uploaded


def test_the_review_step_writes_the_summary_and_annotations(tmp_path):
    repo = make_repo(tmp_path / "digest")
    base = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    issue = repo / "content" / "issues" / "2024-01-14.yaml"  # an edit that adds no link
    issue.write_text(issue.read_text().replace("summary: Faster still.", 'summary: "TODO: later"'))
    (repo / ".venv").symlink_to(ROOT / ".venv")
    summary, output = tmp_path / "summary.md", tmp_path / "output"
    env = {
        **os.environ,
        "BASE_SHA": base,
        "ARTIFACT": "review-preview-pr-7",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_ACTIONS": "true",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    done = subprocess.run(
        ["bash", "-e", "-c", step("Review the proposed content")["run"]],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert output.read_text() == "status=0\n"
    report = summary.read_text()
    assert report.startswith("## Review of `content`\n")
    assert (
        "- Changed: issue 2, 2024-01-14, Second issue (`content/issues/2024-01-14.yaml`)" in report
    )
    assert "preview: issues/2024-01-14/email.html in the artifact review-preview-pr-7" in report
    assert (
        "::warning file=content/issues/2024-01-14.yaml,line=8::papers[0].summary: is still a "
        "placeholder (expected the editor's own summary)"
    ) in done.stdout.splitlines()
