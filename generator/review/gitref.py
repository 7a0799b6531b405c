"""The content folder as it is at a git ref, read with `git` itself (no work tree is touched).

Files are read straight from git's object store into Sources named exactly as the working tree's
loader names them (content/issues/x.yaml), so problems and changes line up between the two sides.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..content.files import ContentFiles, Source
from ..errors import Problem

DEFAULT_UPSTREAM = "origin/main"


class GitRefError(Exception):
    """git is missing, the folder is not in a repository, or the ref names no commit."""


@dataclass(frozen=True)
class Base:
    ref: str  # as asked for (or chosen), e.g. origin/main
    commit: str  # the full commit id it names
    described: str  # for the report: "origin/main (merge base 1a2b3c4)"


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=True, timeout=120, check=False
        )
    except FileNotFoundError:
        raise GitRefError("git is not installed (expected the git command on PATH)") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitRefError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def _existing(folder: Path) -> Path:
    folder = folder.resolve()
    while not folder.is_dir():
        folder = folder.parent
    return folder


def repository_root(content_dir: Path) -> Path:
    try:
        top = _git(_existing(content_dir), "rev-parse", "--show-toplevel")
    except GitRefError:
        raise GitRefError(
            f"{content_dir} is not in a git repository (expected a clone of the "
            "digest, since review compares the content with a git ref)"
        ) from None
    return Path(top.decode().strip())


def resolve_base(content_dir: Path, ref: str | None) -> Base:
    """The commit to compare with: `ref`, else the merge base with origin/main, else HEAD."""
    root = repository_root(content_dir)
    if ref:
        try:
            commit = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        except GitRefError:
            raise GitRefError(
                f"--base: '{ref}' is not a commit in this repository (expected a "
                f"branch, tag or commit, such as {DEFAULT_UPSTREAM})"
            ) from None
        sha = commit.decode().strip()
        return Base(ref, sha, f"{ref} ({sha[:7]})")
    try:
        sha = _git(root, "merge-base", "HEAD", DEFAULT_UPSTREAM).decode().strip()
        return Base(DEFAULT_UPSTREAM, sha, f"{DEFAULT_UPSTREAM} (merge base {sha[:7]})")
    except GitRefError:
        pass
    try:
        sha = _git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").decode().strip()
    except GitRefError:
        raise GitRefError(
            "the repository has no commit yet (expected --base REF, or a first "
            "commit to compare with)"
        ) from None
    return Base("HEAD", sha, f"HEAD ({sha[:7]})")


def shown_path(path: Path) -> str:
    """A path as the content loader shows it: relative to the current folder when under it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def content_at(content_dir: Path, commit: str) -> tuple[ContentFiles, list[Problem]]:
    """The content folder's files at `commit`; an empty ContentFiles when it had no such folder."""
    root = repository_root(content_dir)
    prefix = PurePosixPath(Path(content_dir).resolve().relative_to(root).as_posix())
    listed = _git(root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", f"{prefix}/")
    names = [
        name.split("\t", 1)[1]
        for name in listed.decode("utf-8", "surrogateescape").split("\0")
        if "\t" in name and " blob " in name.split("\t", 1)[0]
    ]
    wanted = [name for name in names if _kind(PurePosixPath(name).relative_to(prefix)) is not None]
    texts = _read_blobs(root, commit, wanted)
    problems: list[Problem] = []
    site, issues, pages = None, [], []
    for name in wanted:
        relative = PurePosixPath(name).relative_to(prefix)
        shown = shown_path(Path(content_dir) / relative)
        try:
            source = Source(shown, texts[name].decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            line = texts[name][: exc.start].count(b"\n") + 1
            problems.append(
                Problem(shown, line, "", "the file is not valid UTF-8 (expected UTF-8 text)")
            )
            continue
        kind = _kind(relative)
        if kind == "site":
            site = source
        elif kind == "issue":
            issues.append(source)
        else:
            pages.append(source)
    by_path = lambda source: source.path  # noqa: E731 - the loader's order: sorted paths
    return ContentFiles(
        site, tuple(sorted(issues, key=by_path)), tuple(sorted(pages, key=by_path))
    ), problems


def _kind(relative: PurePosixPath) -> str | None:
    """Which of the loader's files this is: site.yaml, issues/*.yaml|yml, pages/*.md; else None."""
    parts = relative.parts
    if parts == ("site.yaml",):
        return "site"
    if len(parts) == 2 and parts[0] == "issues" and relative.suffix in (".yaml", ".yml"):
        return "issue"
    if len(parts) == 2 and parts[0] == "pages" and relative.suffix == ".md":
        return "page"
    return None


def _read_blobs(root: Path, commit: str, names: list[str]) -> dict[str, bytes]:
    """Every named file's bytes at `commit`, in one `git cat-file --batch` process."""
    if not names:
        return {}
    request = "".join(f"{commit}:{name}\n" for name in names).encode("utf-8", "surrogateescape")
    data = _git(root, "cat-file", "--batch", stdin=request)
    blobs, position = {}, 0
    for name in names:
        end = data.index(b"\n", position)
        header = data[position:end].split()
        size = int(header[2])
        blobs[name] = data[end + 1 : end + 1 + size]
        position = end + 1 + size + 1  # the blob, then its newline
    return blobs
