"""Full-text search: a Pagefind index of the paper pages, made once the pages are in the output.

Pagefind (the `pagefind[bin]` package) reads the built paper pages and writes a static index, the
JavaScript that queries it and its search UI to /pagefind/. Only paper pages are indexed (one result
per paper; filters by category, tag and year; see themes/default/templates/paper.html), and only
the `papers/*/index.html` files are read, which keeps the cost down on big sites.

The index is made after the pages are committed, staged beside the output like every other file
(writer.StagedOutput): new and changed files are moved in, `pagefind-entry.json` (which names the
rest) last, then files of the old index are removed. Its files are recorded in the build cache with
the index's own fingerprint, the digests of every indexed page, so an incremental build indexes
again only when an indexed page changed (or a file of the index is missing).
"""

from __future__ import annotations

import gzip
import importlib.util
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import cbor
from ..hashing import digest
from ..errors import BuildError, Problem
from ..writer import StagedOutput, remove_files, safe_target

FOLDER = "pagefind"  # where the index goes in the site
INDEXED = "papers/*/index.html"  # the pages Pagefind reads (a glob relative to the site)
_INDEXED = re.compile(r"papers/[^/]+/index\.html")
ENTRY = f"{FOLDER}/pagefind-entry.json"  # names the index's other files: moved in last


@dataclass(frozen=True)
class SearchIndex:
    files: dict[str, tuple[str, str]]  # site-relative path -> (fingerprint of the index, digest)
    written: tuple[str, ...] = ()  # files this build moved into the output
    notes: tuple[Problem, ...] = ()  # why there is no index


def is_search_file(path: str) -> bool:
    return path.startswith(FOLDER + "/")


def pagefind_executable() -> Path | None:
    """The Pagefind binary: $PAGEFIND_BINARY_PATH, else the one the `pagefind[bin]` package ships,
    else one on PATH; the order of Pagefind's own Python API, found without importing it (slow to
    import)."""
    configured = os.environ.get("PAGEFIND_BINARY_PATH")
    candidates = [Path(configured)] if configured else []
    if not configured:
        for package in ("pagefind_bin_extended", "pagefind_bin"):
            spec = importlib.util.find_spec(package)
            for folder in (spec.submodule_search_locations or []) if spec else []:
                candidates += [
                    Path(folder) / name
                    for name in (
                        "pagefind_extended",
                        "pagefind",
                        "pagefind_extended.exe",
                        "pagefind.exe",
                    )
                ]
        candidates += [
            Path(found) for found in map(shutil.which, ("pagefind_extended", "pagefind")) if found
        ]
    return next((candidate for candidate in candidates if candidate.is_file()), None)


def tool_stamp() -> str:
    """Which Pagefind binary a build would use: a different one (or none) means indexing again."""
    executable = pagefind_executable()
    if executable is None:
        return "no pagefind"
    stat = executable.stat()
    return f"{executable}:{stat.st_size}:{stat.st_mtime_ns}"


def update_search_index(output_dir: Path, outputs: dict[str, tuple[str, str]],
                        previous: dict[str, tuple[str, str]]) -> SearchIndex:
    """Index the paper pages of the committed output unless the index of `previous` still fits them.

    `outputs`: every file of this build (path -> (fingerprint, digest of its bytes)); `previous`:
    what the last build recorded, including the index's own files."""
    output_dir = Path(output_dir).resolve()
    old = {path: record for path, record in previous.items() if is_search_file(path)}
    pages = sorted(
        (path, record[1]) for path, record in outputs.items() if _INDEXED.fullmatch(path)
    )
    executable = pagefind_executable()
    if executable is None:
        remove_files(output_dir, sorted(old))
        return SearchIndex(
            {},
            notes=(
                Problem(
                    "search",
                    0,
                    "",
                    "the Pagefind binary was not found, so the site has "
                    "no search index (pip install 'pagefind[bin]')",
                    "note",
                ),
            ),
        )
    if not pages:  # nothing to search (yet)
        remove_files(output_dir, sorted(old))
        return SearchIndex({})
    fingerprint = digest(repr((tool_stamp(), INDEXED, pages)))
    if old and all(
        record[0] == fingerprint and (output_dir / path).is_file() for path, record in old.items()
    ):
        return SearchIndex(old)  # no indexed page changed since the index was made
    staged = StagedOutput(output_dir)
    try:
        _run_pagefind(executable, output_dir, [path for path, _ in pages], staged.root / FOLDER)
        _make_deterministic(staged.root / FOLDER)
        made = {path.relative_to(staged.root).as_posix(): digest(path.read_bytes())
                for path in sorted((staged.root / FOLDER).rglob("*")) if path.is_file()}
        changed = sorted(
            (
                path
                for path, file_digest in made.items()
                if old.get(path, ("", ""))[1] != file_digest or not (output_dir / path).is_file()
            ),
            # the entry file names the others: last
            key=lambda path: (path == ENTRY, path),
        )
        staged.commit(changed, sorted(path for path in old if path not in made), replace_all=False)
    except BaseException:
        staged.discard()
        raise
    return SearchIndex(
        {path: (fingerprint, file_digest) for path, file_digest in made.items()}, tuple(changed)
    )


def _run_pagefind(executable: Path, site: Path, pages: list[str], bundle: Path) -> None:
    """Index `pages` of `site` into `bundle`.

    Pagefind numbers pages in the order the folder lists them, which on some file systems is the
    order they were made in: an incremental build, which adds a paper's folder last, would get a
    different index from a cold build. So it reads a copy of the pages (hard links) made in sorted
    order."""
    view = Path(tempfile.mkdtemp(prefix=f".{site.name}-search-", dir=site.parent))
    try:
        for path in sorted(pages):
            target = safe_target(view, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(safe_target(site, path), target)
            except OSError:  # a file system without hard links
                shutil.copyfile(safe_target(site, path), target)
        command = [
            str(executable),
            "--site",
            str(view),
            "--glob",
            INDEXED,
            "--output-path",
            str(bundle),
            "--silent",
        ]
        finished = subprocess.run(command, capture_output=True, text=True, timeout=1800,
                                  env={**os.environ, "NO_COLOR": "1"})
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BuildError(f"the search index could not be made: {error}") from None
    finally:
        shutil.rmtree(view, ignore_errors=True)
    if finished.returncode != 0 or not (bundle / "pagefind-entry.json").is_file():
        details = (finished.stderr or finished.stdout).strip().splitlines()[-5:]
        raise BuildError("the search index could not be made (pagefind exited with status "
                         f"{finished.returncode}): " + " / ".join(details))


_MAGIC = b"pagefind_dcd"  # what every index file starts with, once unzipped


def _make_deterministic(bundle: Path) -> None:
    """Sort what Pagefind writes in hash-map order, which changes from run to run (its issue #638).

    The values of each filter, and the list of filters in each language's meta file, come out in a
    random order. Sorted, each file is named after its content as Pagefind names its files, and the
    names in the meta and entry files follow. Nothing is changed unless every file reads as
    expected."""
    try:
        files: dict[Path, tuple[Path, bytes]] = {}  # old file -> (new file, its bytes)
        renamed: dict[str, str] = {}  # "en_1a2b3c4" -> "en_…" (the names files use for each other)
        for path in sorted((bundle / "filter").glob("*.pf_filter")):
            name, values = _read_index_file(path)
            values.sort(key=lambda pair: pair[0])
            files[path] = _index_file(path, [name, values], 7)
            renamed[path.stem] = files[path][0].stem
        filters, referenced = set(renamed), set[str]()
        for path in sorted(bundle.glob("pagefind.*.pf_meta")):
            meta = _read_index_file(path)
            for part in meta:  # the language's filters: [name, file] pairs
                if isinstance(part, list) and part and all(isinstance(pair, list) and len(pair) == 2
                                                           and pair[1] in filters for pair in part):
                    referenced.update(old for _, old in part)
                    part[:] = sorted([name, renamed[old]] for name, old in part)
            files[path] = _index_file(path, meta, 10)
            renamed[path.stem.removeprefix("pagefind.")] = files[path][0].stem.removeprefix(
                "pagefind."
            )
        if referenced != filters:
            raise ValueError("a filter file that no meta file names")
    except (ValueError, TypeError, IndexError, EOFError, gzip.BadGzipFile):
        return  # not the files this was written for: leave the index as Pagefind made it
    entry = bundle / "pagefind-entry.json"
    text = entry.read_text(encoding="utf-8")
    for old, new in renamed.items():
        text = text.replace(f'"{old}"', f'"{new}"')
    for old_path, (new_path, data) in files.items():
        old_path.unlink()
        new_path.write_bytes(data)
    entry.write_text(text, encoding="utf-8")


def _read_index_file(path: Path):
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_MAGIC):
        raise ValueError(f"{path.name} is not a Pagefind index file")
    return cbor.loads(data[len(_MAGIC):])


def _index_file(path: Path, content, digits: int) -> tuple[Path, bytes]:
    """The file for content in place of path, named after its digest as Pagefind names it."""
    data = gzip.compress(_MAGIC + cbor.dumps(content), mtime=0)
    stem = f"{path.stem.rpartition('_')[0]}_{digest(data)[:digits]}"  # "en_…" or "pagefind.en_…"
    return path.parent / (stem + path.suffix), data
