"""The site in memory for `roundup serve`: every file's maker by path, rendered when it is asked
for.

An edit is shown after loading the site again, with the issues and templates unchanged since taken
from memory, instead of fingerprinting and writing 25,000 files. Files are made by the same
artifacts as in `roundup build`, so the browser gets the bytes a build would write."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..incremental.cache import BuildCache
from ..incremental.door import Incremental
from ..options import BuildOptions
from ..content.site import load_site
from ..errors import Problem
from ..content.files import load_content_files
from ..catalog import Catalog, build_catalog
from ..incremental.catalog import update_catalog
from ..model import Site
from ..pages import plan_site
from ..jinja_speedups import CompiledTemplates, release_environment
from ..templates import make_environment
from ..theme import find_themes_dir, load_theme


@dataclass
class LiveMemory:
    """What one load of the site leaves for the next: validated issues, related papers, templates.
    """

    cache: BuildCache
    templates: CompiledTemplates = field(default_factory=CompiledTemplates)
    indexed: tuple[Site, Catalog] | None = None  # the last site loaded and its catalog


@dataclass(frozen=True)
class LiveSite:
    makers: dict[str, Callable[[], str | bytes]]  # site-relative path -> make
    pages: int = 0
    warnings: tuple[Problem, ...] = ()

    def __contains__(self, path: str) -> bool:
        return path in self.makers

    def file(self, path: str) -> bytes:
        """The file's bytes, made now (a page takes milliseconds; raises what its template raises).
        Not kept: a crawler going through 25,000 pages must not fill the memory."""
        data = self.makers[path]()
        return data.encode("utf-8") if isinstance(data, str) else data


def load_live_site(options: BuildOptions, memory: LiveMemory) -> LiveSite:
    """Load and plan the site: ContentError or a Jinja error when it does not build."""
    memory.cache.keep_used()
    speed = Incremental(memory.cache, options.output_dir)  # what earlier loads left in memory
    with speed.loading():  # hundreds of thousands of new objects, none of them garbage yet
        site, warnings = load_site(
            options, load_content_files(Path(options.content_dir)), speed.issues
        )
        site = speed.reuse(site)
        catalog = (
            update_catalog(memory.indexed[1], memory.indexed[0], site) if memory.indexed else None
        )
        if catalog is None:  # the first load, or an edit that moved a paper
            catalog = build_catalog(site)
        memory.indexed = (site, catalog)
        theme = load_theme(
            site.theme, find_themes_dir(Path(options.content_dir), options.themes_dir)
        )
        env = make_environment(theme, site, speed.markdown, memory.templates)
        # a template that does not compile fails now, not on a request
        for name in env.list_templates():
            env.get_template(name)
        artifacts = plan_site(env, site, catalog, theme, speed.related_papers(site, catalog))
    live = LiveSite({artifact.path: artifact.make for artifact in artifacts},
                    sum(1 for artifact in artifacts if artifact.is_page), tuple(warnings))
    weakref.finalize(live, release_environment, env)
    return live
