"""The build, as a short list of steps: load -> validate -> model -> render -> write."""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

# Only what a build with nothing to do needs is imported here; the rest of the pipeline (Jinja,
# markdown-it, feedgen ...) is imported when there is work, which saves a no-op build ~0.5 s.
from .hashing import digest, generator_stamp
from .incremental.cache import BuildCache, forget, load_cache, save_cache
from .options import BuildOptions
from .content.files import ContentFiles, load_content_files
from .incremental.missing import MissingFiles
from .errors import Problem
from .search.pagefind import SearchIndex, is_search_file, tool_stamp, update_search_index
from .runtime import paused_garbage_collection
from .theme import find_themes_dir, load_theme

FEED_SUFFIXES = ("feed.xml", "atom.xml", "feed.json")


@dataclass(frozen=True)
class BuildResult:
    pages: int
    feeds: int
    files: tuple[str, ...]  # written by this build (unchanged files are left alone)
    warnings: tuple[Problem, ...]
    made: tuple[str, ...] = ()  # made again because something they are made from changed (maybe unchanged)


def build(options: BuildOptions, progress: Callable[[str], None] = lambda path: None,
          planned: Callable[[int], None] = lambda count: None) -> BuildResult:
    """progress(path) for each file made, after planned(count) with how many will be."""
    try:
        return _build(options, progress, planned)
    finally:
        gc.unfreeze()  # a long-running `roundup serve` must be able to free the previous site


def _build(options: BuildOptions, progress: Callable[[str], None],
           planned: Callable[[int], None]) -> BuildResult:
    """Build the site; on any error the previous output is left as it was. progress(path) per file made.

    Only files whose inputs changed since the last build are made again (see plan.py), in
    parallel, and only files whose bytes changed are written.
    """
    cache = load_cache(options.output_dir, enabled=options.use_cache)
    missing = MissingFiles(Path(options.output_dir), tuple(cache.outputs))  # looked for while the content is read
    try:
        return _build_with(cache, missing, options, progress, planned)
    finally:
        missing.close()


def _build_with(cache: BuildCache, missing: MissingFiles, options: BuildOptions,
                progress: Callable[[str], None], planned: Callable[[int], None]) -> BuildResult:
    output_dir = Path(options.output_dir)
    loaded = load_content_files(Path(options.content_dir))
    themes_dir = find_themes_dir(Path(options.content_dir), options.themes_dir)
    inputs = input_digest(loaded[0], themes_dir, options)
    if inputs == cache.inputs and cache.outputs and not loaded[1] and not missing():
        pages, feeds, warnings = cache.summary  # nothing changed since the last build
        return BuildResult(pages, feeds, (), warnings)

    from .content.site import load_site
    from .catalog import build_catalog
    from .writer import StagedOutput, has_files
    from .workers import parallel_map
    from .pages import AppearanceKeys, Fingerprints, plan_site
    from .related import related_papers
    from .templates import make_environment
    from .email import oversized_editions

    markdown: dict[str, str] = {}
    with paused_garbage_collection():  # millions of long-lived objects: collecting finds nothing
        site, warnings = load_site(options, cache, markdown, loaded)
        catalog = build_catalog(site)
        theme = load_theme(site.theme, themes_dir)
        env = make_environment(theme, site, markdown, compiled_templates(cache))
        appearances = AppearanceKeys(site)
        related = related_papers(site.issues, catalog, cache)
        artifacts = plan_site(env, site, catalog, theme, related, appearances)

    occupied = has_files(output_dir)
    trusted = cache.outputs if occupied else {}  # what the cache says the output folder holds
    fingerprints = Fingerprints(env, site, artifacts, appearances, cache.recall("parsed_templates", generator_stamp()))
    # saved by a build with the same settings, templates and issues
    dependencies = cache.recall("dependencies", fingerprints.frame) if trusted else None
    # None: all, and it records what each file shows
    suspects = fingerprints.suspects(dependencies, related, lambda: cache.previous("related"))
    todo, fresh = [], {}
    gone = missing() if trusted else set()
    for index, artifact in enumerate(artifacts):
        known = trusted.get(artifact.path)
        if known and artifact.path in gone:
            known = None  # removed by hand since: make it again
        if known and suspects is not None and index not in suspects:
            fresh[artifact.path] = known  # the edit cannot have changed it (Fingerprints.suspects)
            continue
        if not known:  # made in any case: the worker that makes it works out its fingerprint
            todo.append((artifact, index, None, None))
            continue
        fingerprint = fingerprints.of(artifact, index)
        if fingerprint and known[0] == fingerprint:
            fresh[artifact.path] = known
        else:
            todo.append((artifact, index, fingerprint, known[1]))

    planned(len(todo))
    output = StagedOutput(options.output_dir)
    try:
        def make(job) -> tuple[str, str | None, str, bool, tuple | None]:
            artifact, index, fingerprint, old_digest = job
            traced = None  # (index, the issues it shows) for fingerprints.record()
            if old_digest is None:
                fingerprint, shown = fingerprints.measure(artifact)
                traced = (index, shown) if fingerprints.trace else None
            data = artifact.make()
            data = data.encode("utf-8") if isinstance(data, str) else data
            new_digest = digest(data)
            changed = new_digest != old_digest
            if changed:
                output.write(artifact.path, data)
            return artifact.path, fingerprint, new_digest, changed, traced

        def done(result) -> None:
            if result[4] is not None:
                fingerprints.record(*result[4])
            progress(result[0])

        made = parallel_map(make, todo, on_result=done, group=lambda job: job[0].group)
        staged = [path for path, _, _, changed, _ in made if changed]
        paths = {artifact.path for artifact in artifacts}
        stale = sorted(path for path in trusted if path not in paths and not is_search_file(path))
        replace_all = occupied and not trusted  # no record of what is there: start afresh
        outputs = {**fresh, **{path: (fingerprint or "", new_digest) for path, fingerprint, new_digest, _, _ in made}}
        forget(cache)  # until the new record is saved, the old one no longer describes the output
        output.commit(staged, stale, replace_all)
        if options.search:
            search = update_search_index(output_dir, outputs, trusted)  # reads the pages just committed
        else:  # keep the index that is there (maybe behind); the next build with search updates it
            search = SearchIndex({path: record for path, record in trusted.items() if is_search_file(path)})
        outputs.update(search.files)
        warnings = [*warnings, *oversized_editions(site, output_dir)]  # on the files as written
    except BaseException:
        output.discard()
        raise
    result = BuildResult(sum(1 for a in artifacts if a.is_page), sum(1 for a in artifacts if a.path.endswith(FEED_SUFFIXES)),
                         tuple(sorted(staged + list(search.written))), tuple(warnings) + search.notes,
                         made=tuple(sorted(path for path, *_ in made)))
    cache.outputs, cache.inputs = outputs, inputs
    cache.remember("parsed_templates", generator_stamp(), fingerprints.parsed)
    cache.remember("dependencies", fingerprints.frame, fingerprints.dependencies(dependencies))
    cache.summary = (result.pages, result.feeds, result.warnings)
    save_cache(cache)
    return result


def compiled_templates(cache: BuildCache):
    """Templates compiled by earlier builds, kept in the cache folder (Jinja compiles a template
    whose source changed again): compiling the theme takes ~0.3 s, in every worker process."""
    import jinja2

    from .jinja_speedups import BYTECODE_PATTERN

    folder = cache.folder / "templates"
    try:
        if cache.enabled:
            folder.mkdir(parents=True, exist_ok=True)
            return jinja2.FileSystemBytecodeCache(str(folder), BYTECODE_PATTERN)
    except OSError:
        pass
    return None


def input_digest(files: ContentFiles, themes_dir: Path, options: BuildOptions) -> str:
    """One digest of everything a build reads: content, themes, options and the generator itself."""
    parts = [generator_stamp(), repr(options), tool_stamp(), *(source.path + "\0" + source.text_digest for source in files.all_sources)]
    for folder, _, names in sorted(os.walk(themes_dir)):
        for name in sorted(names):
            path = os.path.join(folder, name)
            with open(path, "rb") as stream:
                parts.append(path + "\0" + digest(stream.read()))
    return digest("\0".join(parts))
