"""The build, as a short list of steps: load -> validate -> model -> render -> write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import BuildOptions
from .content import load_site
from .errors import Problem
from .feeds import render_feeds
from .model import build_catalog
from .output import StagedOutput
from .render import (make_environment, page_urls, render_feed_content, render_pages, render_robots,
                     render_sitemap)
from .themes import find_themes_dir, load_theme


@dataclass(frozen=True)
class BuildResult:
    pages: int
    feeds: int
    files: tuple[str, ...]
    warnings: tuple[Problem, ...]


def build(options: BuildOptions) -> BuildResult:
    """Build the whole site; on any error the previous output is left as it was."""
    site, warnings = load_site(options)
    catalog = build_catalog(site)
    theme = load_theme(site.theme, find_themes_dir(Path(options.content_dir), options.themes_dir))
    env = make_environment(theme, site)

    output = StagedOutput(options.output_dir)
    try:
        pages = []
        for path, html in render_pages(env, site, catalog):
            output.write(path, html)
            pages.append(path)
        feeds = render_feeds(site, lambda issue: render_feed_content(env, issue))
        for path, data in feeds.items():
            output.write(path, data)
        output.write("sitemap.xml", render_sitemap(site, catalog, page_urls(pages)))
        output.write("robots.txt", render_robots(site))
        for static_dir in theme.static_dirs:
            output.copy_tree(static_dir, "static")
        output.write(".nojekyll", "")  # GitHub Pages: serve files as they are
        output.commit()
    except BaseException:
        output.discard()
        raise
    return BuildResult(len(pages), len(feeds), tuple(sorted(output.written)), tuple(warnings))
