"""The only module that writes to disk: a fresh folder, swapped in whole at the end."""

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
    """Collects a build in a temporary folder beside the output; nothing is visible until commit()."""

    def __init__(self, output_dir: Path):
        self.output_dir = Path(output_dir).resolve()
        self.output_dir.parent.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix=f".{self.output_dir.name}-build-", dir=self.output_dir.parent))
        self.written: list[str] = []

    def write(self, relative: str, data: str | bytes) -> None:
        target = safe_target(self.root, relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        self.written.append(relative)

    def copy_tree(self, source: Path, relative: str) -> None:
        """Copy a static folder; later copies overwrite earlier ones (a theme over its parent)."""
        for path in sorted(source.rglob("*")):
            if path.is_file():
                self.write(f"{relative}/{path.relative_to(source).as_posix()}", path.read_bytes())

    def commit(self) -> None:
        """Swap the new site in: the old one is renamed aside first, then removed."""
        os.chmod(self.root, 0o755)  # mkdtemp makes it private; a web server must read it
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


