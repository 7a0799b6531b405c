"""The build cache: what each output file was made from, and issues already validated.

It lives in `.roundup-cache/<output folder name>/` beside the output folder. It only ever saves
work: a missing, stale or unreadable cache means a full build, and deleting it never changes
the output. `state.pickle` is small and read by every build; `issues/<key>.pickle` holds one
validated issue each, read only when some input changed, and written only when that issue is.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from dataclasses import dataclass, field
from typing import Any
from pathlib import Path

from ..hashing import generator_stamp

CACHE_FORMAT = 8  # 8: issue keys made from the validated site settings (incremental/issues.py)
_ERRORS = (
    OSError,
    EOFError,
    pickle.UnpicklingError,
    ValueError,
    TypeError,
    AttributeError,
    ImportError,
)


@dataclass
class BuildCache:
    """Loaded at the start of a build, saved after a successful one."""

    folder: Path
    enabled: bool = True
    inputs: str = ""  # digest of every input of the last build: equal means nothing to do
    # the last build's result (pages, feeds, warnings), for a build with nothing to do
    summary: tuple = ()
    # site-relative path -> (fingerprint of its inputs, digest of its bytes)
    outputs: dict[str, tuple[str, str]] = field(default_factory=dict)
    new_issues: dict[str, tuple] = field(default_factory=dict)  # key -> entry, saved with the cache
    used_issues: set[str] = field(default_factory=set)
    new_results: dict[str, tuple[str, object]] = field(default_factory=dict)  # name -> (key, value)
    # key -> entry read from disk, kept by keep_used()
    read_issues: dict[str, tuple] = field(default_factory=dict)
    # name -> (key, value) read from disk
    read_results: dict[str, tuple | None] = field(default_factory=dict)
    # (issue key, its number) -> the numbered Issue: an issue unchanged since the last load of
    # `roundup serve` is then the same object, so what was derived from it can be kept
    # (model.update_catalog)
    numbered: dict[tuple[str, str, int], Any] = field(default_factory=dict)

    def keep_used(self) -> None:
        """Between builds of a long-running process (`roundup serve`): start a new build that knows
        in memory the issues the last one used; those edited or deleted since are forgotten."""
        known = {**self.read_issues, **self.new_issues}
        self.read_issues = {key: known[key] for key in self.used_issues if key in known}
        self.new_issues, self.used_issues = {}, set()
        self.read_results = {**self.read_results, **self.new_results}
        self.new_results = {}
        self.numbered = {
            key: issue for key, issue in self.numbered.items() if key[0] in self.read_issues
        }

    def issue(self, key: str) -> tuple | None:
        """(validated Issue, its problems, its Markdown rendered ahead) for an issue file's key."""
        self.used_issues.add(key)
        known = self.new_issues.get(key) or self.read_issues.get(key)
        if known:
            return known
        entry = _read(self.folder / "issues" / f"{key}.pickle") if self.enabled else None
        if not (isinstance(entry, tuple) and len(entry) == 3):
            return None
        self.read_issues[key] = entry
        return entry

    def add_issue(self, key: str, entry: tuple) -> None:
        self.used_issues.add(key)
        self.new_issues[key] = entry

    def recall(self, name: str, key: str):
        """The result saved as `name` by the last build, if it was made from the same `key`; else
        None."""
        saved = self.new_results.get(name) or self.read_results.get(name)
        if saved is None and self.enabled:
            saved = self.read_results[name] = _read(self.folder / f"{name}.pickle")
        return (
            saved[1] if isinstance(saved, tuple) and len(saved) == 2 and saved[0] == key else None
        )

    def previous(self, name: str):
        """The result the last build saved as `name`, whatever it was made from; None if there is
        none."""
        if name not in self.read_results and self.enabled:
            self.read_results[name] = _read(self.folder / f"{name}.pickle")
        saved = self.read_results.get(name)
        return saved[1] if isinstance(saved, tuple) and len(saved) == 2 else None

    def remember(self, name: str, key: str, value) -> None:
        """Save a whole-site result (say, related papers) with the cache, for recall()."""
        self.new_results[name] = (key, value)


def cache_folder(output_dir: Path) -> Path:
    output_dir = Path(output_dir).resolve()
    return output_dir.parent / ".roundup-cache" / output_dir.name


def _read(path: Path):
    try:
        with open(path, "rb") as stream:
            stamp, data = pickle.load(stream)
    except _ERRORS:
        return None
    return data if stamp == (CACHE_FORMAT, generator_stamp()) else None


def _write(path: Path, data) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".cache-")
    with os.fdopen(handle, "wb") as stream:
        pickle.dump(
            ((CACHE_FORMAT, generator_stamp()), data), stream, protocol=pickle.HIGHEST_PROTOCOL
        )
    os.replace(temporary, path)


def load_cache(output_dir: Path, enabled: bool = True) -> BuildCache:
    folder = cache_folder(output_dir)
    state = _read(folder / "state.pickle") if enabled else None
    if not (isinstance(state, tuple) and len(state) == 3):
        return BuildCache(folder, enabled)
    inputs, summary, outputs = state
    return BuildCache(folder, enabled, inputs, summary, outputs)


def read_only_cache(output_dir: Path) -> BuildCache:
    """The issues the last build into `output_dir` validated, for commands that write no site
    (check, email, new, add, import): each read when asked for, and this cache is never saved."""
    return BuildCache(cache_folder(output_dir))


def save_cache(cache: BuildCache) -> None:
    """Write the cache atomically; failing to save only costs the next build time."""
    try:
        issues = cache.folder / "issues"
        issues.mkdir(parents=True, exist_ok=True)
        for key, entry in cache.new_issues.items():
            _write(issues / f"{key}.pickle", entry)
        for path in issues.glob("*.pickle"):  # issues edited or deleted since
            if path.stem not in cache.used_issues:
                path.unlink(missing_ok=True)
        for name, saved in cache.new_results.items():
            _write(cache.folder / f"{name}.pickle", saved)
        _write(cache.folder / "state.pickle", (cache.inputs, cache.summary, cache.outputs))
    except OSError:
        pass


def forget(cache: BuildCache) -> None:
    """Drop the record of the outputs, e.g. before a build that may leave the output half-updated.
    """
    try:
        (cache.folder / "state.pickle").unlink()
    except OSError:
        pass
