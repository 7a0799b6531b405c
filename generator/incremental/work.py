"""Which files of a build to make again, and the record of what each file was made from."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import jinja2

from ..hashing import digest, generator_stamp
from ..made_from import AppearanceKeys, Artifact
from ..model import Site
from ..search.pagefind import is_search_file
from ..template_errors import template_failure
from ..writer import has_files
from .cache import BuildCache
from .fingerprints import Fingerprints
from .missing import MissingFiles

# (artifact, its index in plan order, its fingerprint, the digest of its bytes last time)
Job = tuple[Artifact, int, "str | None", "str | None"]
# (path, fingerprint, digest of its bytes, whether they changed, (index, issues shown) or None)
Made = tuple[str, "str | None", str, bool, "tuple | None"]


class Work:
    """The files of one build to make: todo. Only files whose fingerprint changed since the last
    build are made again, and only files whose bytes changed are written (make)."""

    def __init__(self, cache: BuildCache, env: jinja2.Environment, site: Site,
                 artifacts: list[Artifact], appearances: AppearanceKeys,
                 missing: MissingFiles | None):
        self.cache, self.artifacts = cache, artifacts
        self.occupied = False  # whether the output folder has files (plan)
        self.trusted: dict[str, tuple[str, str]] = {}
        self.outputs: dict[str, tuple[str, str]] = {}
        self.written: list[str] = []
        self.made_paths: tuple[str, ...] = ()
        self.fingerprints = Fingerprints(env, site, artifacts, appearances,
                                         cache.recall("parsed_templates", generator_stamp()))
        self._missing = missing
        self._previous = None
        self.todo: list[Job] = []
        self._fresh: dict[str, tuple[str, str]] = {}

    def plan(self, output_dir: Path, related: dict[str, tuple[str, ...]]) -> None:
        cache, fingerprints = self.cache, self.fingerprints
        self.occupied = has_files(output_dir)
        # what the cache says the output folder holds
        self.trusted = trusted = cache.outputs if self.occupied else {}
        # saved by a build with the same settings, templates and issues; None: it records anew
        self._previous = cache.recall("dependencies", fingerprints.frame) if trusted else None
        suspects = fingerprints.suspects(self._previous, related,
                                         lambda: cache.previous("related"))
        gone = self._missing() if trusted and self._missing is not None else set()
        for index, artifact in enumerate(self.artifacts):
            known = trusted.get(artifact.path)
            if known and artifact.path in gone:
                known = None  # removed by hand since: make it again
            if known and suspects is not None and index not in suspects:
                self._fresh[artifact.path] = known  # the edit cannot have changed it
                continue
            if not known:  # made in any case: the worker that makes it works out its fingerprint
                self.todo.append((artifact, index, None, None))
                continue
            fingerprint = fingerprints.of(artifact, index)
            if fingerprint and known[0] == fingerprint:
                self._fresh[artifact.path] = known
            else:
                self.todo.append((artifact, index, fingerprint, known[1]))

    def maker(self, write: Callable[[str, bytes], None]) -> Callable[[Job], Made]:
        """make(job), run in a build worker: the file's bytes, written when they changed."""
        fingerprints = self.fingerprints

        def make(job: Job) -> Made:
            artifact, index, fingerprint, old_digest = job
            traced = None  # (index, the issues it shows) for fingerprints.record()
            try:  # a template's file and line are in the traceback, which stays in this worker
                if old_digest is None:
                    fingerprint, shown = fingerprints.measure(artifact)
                    traced = (index, shown) if fingerprints.trace else None
                data = artifact.make()
            except Exception as error:
                failure = template_failure(error, artifact.path)
                if failure is error:
                    raise
                raise failure from None
            data = data.encode("utf-8") if isinstance(data, str) else data
            new_digest = digest(data)
            changed = new_digest != old_digest
            if changed:
                write(artifact.path, data)
            return artifact.path, fingerprint, new_digest, changed, traced

        return make

    def on_made(self, progress: Callable[[str], None]) -> Callable[[Made], None]:
        def done(result: Made) -> None:
            if result[4] is not None:
                self.fingerprints.record(*result[4])
            progress(result[0])

        return done

    def changes(self, made: list[Made]) -> tuple[list[str], list[str], bool]:
        """(files to move in, files to remove, whether to replace the whole output folder)."""
        self.written = [path for path, _, _, changed, _ in made if changed]
        self.made_paths = tuple(sorted(path for path, *_ in made))
        self.outputs = {**self._fresh, **{path: (fingerprint or "", new_digest)
                                          for path, fingerprint, new_digest, _, _ in made}}
        paths = {artifact.path for artifact in self.artifacts}
        stale = sorted(path for path in self.trusted
                       if path not in paths and not is_search_file(path))
        replace_all = bool(self.occupied) and not self.trusted  # no record of what is there
        return self.written, stale, replace_all

    def remember(self) -> None:
        cache, fingerprints = self.cache, self.fingerprints
        cache.remember("parsed_templates", generator_stamp(), fingerprints.parsed)
        cache.remember("dependencies", fingerprints.frame,
                       fingerprints.dependencies(self._previous))


def group_of(job: Job) -> str | None:
    """Artifacts of one group share work, so one worker makes them all."""
    return job[0].group
