"""The only module that writes to the output: files are staged in a temporary folder, then moved in.

A full build swaps the whole folder in; an incremental one moves only the changed files in and
removes the files no longer made. Either way nothing is touched until every file is ready.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from pathlib import Path, PurePosixPath
from typing import Sequence

from .errors import BuildError


def safe_target(root: Path, relative: str) -> Path:
    """Resolve a site-relative path, refusing anything that would land outside the root."""
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise BuildError(f"refusing to write outside the output folder: {relative!r}")
    return root.joinpath(*pure.parts)


class StagedOutput:
    """Collects a build in a temporary folder beside the output; nothing is visible until commit()."""

    def __init__(self, output_dir: Path):
        self.output_dir = Path(output_dir).resolve()
        self.output_dir.parent.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix=f".{self.output_dir.name}-build-", dir=self.output_dir.parent))
        self._folders: dict[str, str] = {}  # site-relative folder -> its staged path, made and checked

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
            old = Path(tempfile.mkdtemp(prefix=f".{self.output_dir.name}-old-", dir=self.output_dir.parent))
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


class MissingFiles:
    """Which of `paths` are not in the output folder (say, deleted by hand since the last build).

    Looked for by a forked process while the build reads its content: stat() of the 26,700 files of a
    ten-year archive takes ~0.09 s, about what reading and hashing the content does. close() when done.
    """

    def __init__(self, output_dir: Path, paths: Sequence[str]):
        self.prefix, self.paths = os.path.join(output_dir, ""), paths
        self._found: set[str] | None = None
        self._child = 0
        if not paths or not hasattr(os, "fork"):
            return
        receiver, sender = os.pipe()
        try:
            self._child = os.fork()
        except OSError:  # no process to spare: look when asked
            os.close(receiver)
            os.close(sender)
            return
        if self._child == 0:
            try:
                os.close(receiver)
                data = memoryview(self._bits())
                while data:
                    data = data[os.write(sender, data):]
            finally:
                os._exit(0)
        os.close(sender)
        self._receiver = receiver

    def __call__(self) -> set[str]:
        if self._found is None:
            bits = self._receive() if self._child else b""
            if len(bits) != (len(self.paths) + 7) // 8:  # no child, or it failed: look here
                bits = self._bits()
            self._found = {self.paths[at * 8 + bit] for at, byte in enumerate(bits) if byte
                           for bit in range(8) if byte >> bit & 1}
        return self._found

    def _bits(self) -> bytearray:
        """One bit per path, set where the file is missing: a few kB for a ten-year archive."""
        bits, isfile, prefix = bytearray((len(self.paths) + 7) // 8), os.path.isfile, self.prefix
        for index, path in enumerate(self.paths):
            if not isfile(prefix + path):
                bits[index >> 3] |= 1 << (index & 7)
        return bits

    def _receive(self) -> bytes:
        chunks = []
        while chunk := os.read(self._receiver, 1 << 16):
            chunks.append(chunk)
        self.close()
        return b"".join(chunks)

    def close(self) -> None:
        """Stop the child if it still runs (a build that failed early) and reap it."""
        if self._child:
            child, self._child = self._child, 0
            os.close(self._receiver)
            try:
                os.kill(child, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(child, 0)
