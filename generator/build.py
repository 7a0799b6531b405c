"""The build, as a short list of steps: read -> check -> model -> pages -> files.

Written as if every build were cold. `speed` (incremental/) is the one door to what an earlier
build can save this one: at each step it may hand back the last build's answer instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

# Only what a build with nothing to do needs is imported here; the rest of the pipeline (Jinja,
# markdown-it, feedgen ...) is imported when there is work, which saves a no-op build ~0.5 s.
from .content.files import load_content_files
from .incremental.door import BuildResult, Incremental
from .options import BuildOptions
from .theme import find_themes_dir, load_theme

if TYPE_CHECKING:
    from .content.files import Source
    from .errors import Problem
    from .model import Issue, Site

__all__ = ["BuildResult", "build", "load_checked_site", "issues_built_before"]


def build(options: BuildOptions, progress: Callable[[str], None] = lambda path: None,
          planned: Callable[[int], None] = lambda count: None) -> BuildResult:
    """Build the site; on any error the previous output is left as it was. progress(path) for
    each file made, after planned(count) with how many will be."""
    with Incremental.for_build(options) as speed:
        files = load_content_files(Path(options.content_dir))
        themes_dir = find_themes_dir(Path(options.content_dir), options.themes_dir)
        if (unchanged := speed.unchanged(files, themes_dir, options)) is not None:
            return unchanged

        from .catalog import build_catalog
        from .content.site import load_site
        from .email import oversized_editions
        from .incremental.work import group_of
        from .pages import plan_site
        from .templates import make_environment
        from .workers import parallel_map
        from .writer import StagedOutput

        from .template_errors import template_failure

        try:
            with speed.loading():
                site, warnings = load_site(options, files, speed.issues)
                site = speed.reuse(site)
                catalog = build_catalog(site)
                theme = load_theme(site.theme, themes_dir)
                env = make_environment(theme, site, speed.markdown, speed.compiled_templates())
                related = speed.related_papers(site, catalog)
                appearances = speed.appearance_keys(site)
                artifacts = plan_site(env, site, catalog, theme, related, appearances)
            work = speed.work(env, site, artifacts, appearances, related)  # the files to make again
        except Exception as error:  # a template that does not compile: its file and line
            if (failure := template_failure(error)) is error:
                raise
            raise failure from None
        planned(len(work.todo))
        output = StagedOutput(options.output_dir)
        try:
            made = parallel_map(work.maker(output.write), work.todo,
                                on_result=work.on_made(progress), group=group_of)
            changes = work.changes(made)
            speed.forget_outputs()
            output.commit(*changes)
            search = speed.search_index(work, options.search)  # reads the committed pages
            warnings = [*warnings, *oversized_editions(site, Path(options.output_dir))]
        except BaseException:
            output.discard()
            raise
        return speed.finish(work, search, warnings)


def load_checked_site(options: BuildOptions) -> tuple[Site, list[Problem]]:
    """The site as `build` would make it, writing nothing (check, email): issue files unchanged
    since the last build into the output folder are taken from its cache, never written to."""
    from .content.site import load_site

    with Incremental.read_only(options.output_dir) as speed, speed.loading():
        return load_site(options, check=speed.issues)


def issues_built_before(sources: tuple[Source, ...], site: Site,
                        output_dir: Path | None = None) -> dict[str, Issue]:
    """Path -> the Issue the last build into `output_dir` made of each of `sources` unchanged
    since (new, add, import: those files need not be parsed again)."""
    with Incremental.read_only(output_dir or BuildOptions().output_dir) as speed, speed.loading():
        return speed.issues.known(sources, site)
