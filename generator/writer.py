"""The only module that writes to the output: files are staged in a temporary folder, then moved in.

A full build swaps the whole folder in; an incremental one moves only the changed files in and
removes the files no longer made. Either way nothing is touched until every file is ready.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath

from .errors import BuildError


def safe_target(root: Path, relative: str) -> Path:
    """Resolve a site-relative path, refusing anything that would land outside the root."""
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise BuildError(f"refusing to write outside the output folder: {relative!r}")
    return root.joinpath(*pure.parts)


class StagedOutput:
    """Collects a build in a temporary folder beside the output; nothing is visible until commit().
    """

    def __init__(self, output_dir: Path):
        self.output_dir = Path(output_dir).resolve()
        self.output_dir.parent.mkdir(parents=True, exist_ok=True)
        self.root = Path(
            tempfile.mkdtemp(prefix=f".{self.output_dir.name}-build-", dir=self.output_dir.parent)
        )
        # site-relative folder -> its staged path, made and checked
        self._folders: dict[str, str] = {}

    def write(self, relative: str, data: bytes) -> None:
        """Stage one file (in the parent or in a build worker)."""
        folder, _, name = relative.rpartition("/")
        staged = self._folders.get(folder)
        if staged is None or name in ("", ".", ".."):
            staged = os.path.join(safe_target(self.root, relative).parent, "")
            try:
                os.mkdir(staged)  # one system call where its parent exists, as it mostly does
            except FileExistsError:
                pass
            except FileNotFoundError:
                os.makedirs(staged, exist_ok=True)
            self._folders[folder] = staged
        with open(staged + name, "wb") as stream:  # plain os paths: tens of thousands of files
            stream.write(data)

    def commit(self, staged: list[str], stale: list[str], replace_all: bool) -> None:
        """Make the staged files the output: swap the whole folder, or move files in one by one."""
        os.chmod(self.root, 0o755)  # mkdtemp makes it private; a web server must read it
        if replace_all or not self.output_dir.is_dir():
            self._swap()
            return
        for relative in staged:
            target = safe_target(self.output_dir, relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(safe_target(self.root, relative), target)
        remove_files(self.output_dir, stale)
        self.discard()

    def _swap(self) -> None:
        """Swap the new site in: the old one is renamed aside first, then removed."""
        old = None
        if self.output_dir.exists():
            if not self.output_dir.is_dir():
                self.discard()
                raise BuildError(f"{self.output_dir} exists and is not a folder")
            old = Path(
                tempfile.mkdtemp(prefix=f".{self.output_dir.name}-old-", dir=self.output_dir.parent)
            )
            os.rmdir(old)
            os.rename(self.output_dir, old)
        os.rename(self.root, self.output_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def remove_files(output_dir: Path, stale: list[str]) -> None:
    """Remove files no longer made from the output, and the folders they leave empty."""
    for relative in stale:
        target = safe_target(output_dir, relative)
        target.unlink(missing_ok=True)
        _remove_empty_folders(target.parent, output_dir)


def _remove_empty_folders(folder: Path, root: Path) -> None:
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:  # not empty
            return
        folder = folder.parent


def has_files(output_dir: Path) -> bool:
    try:
        with os.scandir(output_dir) as entries:
            return any(True for _ in entries)
    except OSError:
        return False
