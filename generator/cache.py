"""The build cache: what each output file was made from, and issues already validated.

It lives in `.roundup-cache/<output folder name>/` beside the output folder. It only ever saves
work: a missing, stale or unreadable cache means a full build, and deleting it never changes
the output.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__

CACHE_FORMAT = 1


def digest(data: bytes | str) -> str:
    return hashlib.blake2b(data.encode() if isinstance(data, str) else data, digest_size=16).hexdigest()


@dataclass
class BuildCache:
    """Loaded at the start of a build, saved after a successful one."""

    folder: Path
    # site-relative path -> (fingerprint of its inputs, digest of its bytes)
    outputs: dict[str, tuple[str, str]] = field(default_factory=dict)
    # issue file path -> (digest of the file and site settings, validated Issue, its warnings)
    issues: dict[str, tuple[str, object, list]] = field(default_factory=dict)
    changed: bool = False  # issues were added to the cache during this build

    @property
    def file(self) -> Path:
        return self.folder / "cache.pickle"


def cache_folder(output_dir: Path) -> Path:
    output_dir = Path(output_dir).resolve()
    return output_dir.parent / ".roundup-cache" / output_dir.name


def load_cache(output_dir: Path, enabled: bool = True) -> BuildCache:
    folder = cache_folder(output_dir)
    empty = BuildCache(folder)
    if not enabled:
        return empty
    try:
        with open(folder / "cache.pickle", "rb") as stream:
            stamp, outputs, issues = pickle.load(stream)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return empty
    if stamp != (CACHE_FORMAT, __version__):
        return empty
    return BuildCache(folder, outputs, issues)


def save_cache(cache: BuildCache) -> None:
    """Write the cache atomically; failing to save only costs the next build time."""
    try:
        cache.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cache.folder, prefix=".cache-")
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(((CACHE_FORMAT, __version__), cache.outputs, cache.issues), stream,
                        protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, cache.file)
    except OSError:
        pass


def forget(cache: BuildCache) -> None:
    """Drop the cache file, e.g. before a build that may leave the output half-updated."""
    try:
        cache.file.unlink()
    except OSError:
        pass
