"""Small git repositories in tmp_path for the review tests: a commit of tests/fixtures content,
then edits in the work tree, as a pull request would bring them."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REVIEW_FIXTURES = FIXTURES / "review"


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
    }
    done = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def make_repo(root: Path, fixture: str | None = "minimal") -> Path:
    """A repository at root whose first commit holds tests/fixtures/<fixture> as content/
    (no content/ at all when fixture is None)."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    (root / "README.md").write_text("A digest.\n", encoding="utf-8")
    if fixture:
        shutil.copytree(FIXTURES / fixture, root / "content")
    commit_all(root, "base")
    return root


def put(repo: Path, fixture_name: str, target: str) -> None:
    """Copy tests/fixtures/review/<fixture_name> to <repo>/<target>."""
    destination = repo / target
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REVIEW_FIXTURES / fixture_name, destination)
