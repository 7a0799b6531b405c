"""Incremental: the one door through which `build` and `serve` reach what makes them fast.

The pipeline (build.py) is written as if every build were cold; at each step it hands the work to
this object, which may take it from the last build instead: the build as a whole when no input
changed, validated issues and their rendered Markdown, compiled templates, related papers, and the
files whose fingerprint says they cannot have changed. A cache may make a build faster, never
different: tests/test_soundness.py compares incremental builds with cold ones, byte for byte.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

# Only what a build with nothing to do needs is imported here (see build.py); the rest when used.
from ..content.files import ContentFiles
from ..errors import Problem
from ..hashing import digest, generator_stamp
from ..options import BuildOptions
from ..runtime import paused_garbage_collection, release_frozen_objects
from ..search.pagefind import SearchIndex, is_search_file, tool_stamp, update_search_index
from .cache import BuildCache, forget, load_cache, save_cache
from .missing import MissingFiles

if TYPE_CHECKING:
    import jinja2

    from ..catalog import Catalog
    from ..made_from import AppearanceKeys, Artifact
    from ..model import Site
    from .issues import KeptIssues
    from .work import Work

FEED_SUFFIXES = ("feed.xml", "atom.xml", "feed.json")


@dataclass(frozen=True)
class BuildResult:
    pages: int
    feeds: int
    files: tuple[str, ...]  # written by this build (unchanged files are left alone)
    warnings: tuple[Problem, ...]
    made: tuple[str, ...] = ()  # made again because what they are made from changed


class Incremental:
    """What one build (or one `roundup serve` load) may take from earlier ones. Open with
    for_build(), read_only() or BuildCache; close() when done."""

    def __init__(self, cache: BuildCache, output_dir: Path = Path("site")):
        self.cache = cache
        self.output_dir = Path(output_dir)
        self._issues: KeptIssues | None = None
        self._missing: MissingFiles | None = None
        self._inputs = ""

    @classmethod
    def for_build(cls, options: BuildOptions) -> Incremental:
        door = cls(load_cache(options.output_dir, enabled=options.use_cache), options.output_dir)
        # files deleted by hand since the last build, looked for while the content is read
        door._missing = MissingFiles(door.output_dir, tuple(door.cache.outputs))
        return door

    @classmethod
    def read_only(cls, output_dir: Path) -> Incremental:
        """For commands that write no site (check, email, new, add, import): the issues the last
        build into `output_dir` validated, each read when asked for; nothing is ever saved."""
        from .cache import read_only_cache

        door = cls(read_only_cache(output_dir), output_dir)
        door.issues.render_ahead = False
        return door

    @property
    def issues(self) -> KeptIssues:
        """A content.site.CheckIssues: issue files unchanged since the last build from the cache."""
        if self._issues is None:
            from .issues import KeptIssues

            self._issues = KeptIssues(self.cache)
        return self._issues

    def close(self) -> None:
        if self._missing is not None:
            self._missing.close()
        release_frozen_objects()

    def __enter__(self) -> Incremental:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- before the content is validated ---------------------------------------------------

    def unchanged(self, loaded: tuple[ContentFiles, list[Problem]], themes_dir: Path,
                  options: BuildOptions) -> BuildResult | None:
        """The last build's result when no input of the build changed and its files are there."""
        self._inputs = input_digest(loaded[0], themes_dir, options)
        cache = self.cache
        if (self._inputs == cache.inputs and cache.outputs and not loaded[1]
                and self._missing is not None and not self._missing()):
            pages, feeds, warnings = cache.summary
            return BuildResult(pages, feeds, (), warnings)
        return None

    @contextlib.contextmanager
    def loading(self) -> Iterator[None]:
        """Loading and planning make millions of long-lived objects: collecting finds nothing."""
        with paused_garbage_collection():
            yield

    # --- the steps of the pipeline, as given to it -------------------------------------------

    def reuse(self, site: Site) -> Site:
        import dataclasses

        return dataclasses.replace(site, issues=self.issues.reuse(site.issues))

    @property
    def markdown(self) -> dict:
        return self.issues.markdown

    def compiled_templates(self) -> jinja2.BytecodeCache | None:
        """Templates compiled by earlier builds, kept in the cache folder (Jinja compiles a template
        whose source changed again): compiling the theme takes ~0.3 s, in every worker process."""
        import jinja2

        from ..jinja_speedups import BYTECODE_PATTERN

        folder = self.cache.folder / "templates"
        try:
            if self.cache.enabled:
                folder.mkdir(parents=True, exist_ok=True)
                return jinja2.FileSystemBytecodeCache(str(folder), BYTECODE_PATTERN)
        except OSError:
            pass
        return None

    def related_papers(self, site: Site, catalog: Catalog) -> dict[str, tuple[str, ...]]:
        from .related import kept_related_papers

        return kept_related_papers(site.issues, catalog, self.cache)

    def appearance_keys(self, site: Site) -> AppearanceKeys:
        from ..made_from import AppearanceKeys

        return AppearanceKeys(site)

    def work(self, env: jinja2.Environment, site: Site, artifacts: list[Artifact],
             appearances: AppearanceKeys, related: dict[str, tuple[str, ...]]) -> Work:
        """The files to make again: those whose fingerprint changed, or that are not there."""
        from .work import Work

        work = Work(self.cache, env, site, artifacts, appearances, self._missing)
        work.plan(self.output_dir, related)
        return work

    def search_index(self, work: Work, enabled: bool) -> SearchIndex:
        """The search index of the committed pages, made again only when an indexed page changed.
        Without search, the index that is there is kept (maybe behind); the next build updates it.
        """
        if enabled:
            return update_search_index(self.output_dir, work.outputs, work.trusted)
        return SearchIndex({path: record for path, record in work.trusted.items()
                            if is_search_file(path)})

    def finish(self, work: Work, search: SearchIndex, warnings: list[Problem]) -> BuildResult:
        """The build's result; the record of what it made is saved for the next build."""
        artifacts = work.artifacts
        result = BuildResult(sum(1 for a in artifacts if a.is_page),
                             sum(1 for a in artifacts if a.path.endswith(FEED_SUFFIXES)),
                             tuple(sorted(work.written + list(search.written))),
                             tuple(warnings) + search.notes, made=work.made_paths)
        cache = self.cache
        cache.outputs, cache.inputs = {**work.outputs, **search.files}, self._inputs
        work.remember()
        cache.summary = (result.pages, result.feeds, result.warnings)
        save_cache(cache)
        return result

    def forget_outputs(self) -> None:
        """Until the new record is saved, the old one no longer describes the output."""
        forget(self.cache)


def input_digest(files: ContentFiles, themes_dir: Path, options: BuildOptions) -> str:
    """One digest of everything a build reads: content, themes, options and the generator itself."""
    parts = [generator_stamp(), repr(options), tool_stamp(),
             *(source.path + "\0" + source.text_digest for source in files.all_sources)]
    for folder, _, names in sorted(os.walk(themes_dir)):
        for name in sorted(names):
            path = os.path.join(folder, name)
            with open(path, "rb") as stream:
                parts.append(path + "\0" + digest(stream.read()))
    return digest("\0".join(parts))

