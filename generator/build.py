"""The build, as a short list of steps: load -> validate -> model -> render -> write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .config import BuildOptions
from .content import load_site
from .email import render_email_html, render_email_text
from .errors import BuildError, Problem
from .feeds import render_feed_files
from .model import build_catalog
from .opml import render_opml
from .output import StagedOutput
from .render import (make_environment, page_urls, render_feed_content, render_feed_stylesheet, render_pages,
                     render_paper_feed_content, render_robots, render_sitemap)
from .syndication import OPML, STYLESHEET, build_channels, build_feeds
from .themes import find_themes_dir, load_theme
from .validate import did_you_mean


@dataclass(frozen=True)
class BuildResult:
    pages: int
    feeds: int
    files: tuple[str, ...]
    warnings: tuple[Problem, ...]


def build(options: BuildOptions, progress: Callable[[str], None] = lambda path: None) -> BuildResult:
    """Build the whole site; on any error the previous output is left as it was. progress(path) per page."""
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
            progress(path)
        feeds = build_feeds(site, catalog, lambda issue: render_feed_content(env, issue),
                            lambda record: render_paper_feed_content(env, record))
        feed_files = 0
        for path, data in render_feed_files(site, feeds):
            output.write(path, data)
            feed_files += 1
        output.write(STYLESHEET, render_feed_stylesheet(env))
        output.write(OPML, render_opml(site, build_channels(site)))
        for issue in site.issues:
            output.write(f"{issue.url}email.html", render_email_html(env, site, issue))
            output.write(f"{issue.url}email.txt", render_email_text(env, site, issue))
        output.write("sitemap.xml", render_sitemap(site, catalog, page_urls(pages)))
        output.write("robots.txt", render_robots(site))
        for static_dir in theme.static_dirs:
            output.copy_tree(static_dir, "static")
        output.write(".nojekyll", "")  # GitHub Pages: serve files as they are
        output.commit()
    except BaseException:
        output.discard()
        raise
    return BuildResult(len(pages), feed_files, tuple(sorted(output.written)), tuple(warnings))


def render_email(options: BuildOptions, slug: str, text: bool = False) -> str:
    """One issue's email edition, HTML or plain text (``text``), without writing anything."""
    site, _ = load_site(options)
    issue = next((issue for issue in site.issues if issue.slug == slug), None)
    if issue is None:
        slugs = [issue.slug for issue in site.issues]
        raise BuildError(f"no issue '{slug}'{did_you_mean(slug, slugs)} "
                         f"(expected one of: {', '.join(sorted(slugs)) or 'no issues yet'})")
    env = make_environment(load_theme(site.theme, find_themes_dir(Path(options.content_dir), options.themes_dir)),
                           site)
    return (render_email_text if text else render_email_html)(env, site, issue)
