"""Render every page of the site to strings with the theme's Jinja templates."""

from __future__ import annotations

import functools
import math
import re
from html import unescape
from typing import Any, Callable, NamedTuple

import jinja2
from markupsafe import Markup, escape

from .bibtex import render_bibtex
from .hashing import digest, generator_stamp
from .markdown import absolutize, render_inline, render_markdown
from .markdown_text import render_text, wrap_words
from .catalog import Appearance, Listing, PaperRecord
from .model import Category, Issue, Page, Paper, Site, Tag
from .jsonld import issue_data, paper_data, render_json_ld, website_data
from .feeds.model import build_channels
from .jinja_speedups import SpeedyEnvironment
from .theme import Theme
from .urls import author_url

ISSUES_PER_PAGE = 10
PAPERS_PER_PAGE = 40
TEXT_WIDTH = 72  # columns of plain-text email

# What of the site a template may read without depending on its issues: every field but the issues
# and the build date (which follows the newest issue), and what is derived from those fields alone.
SITE_SETTINGS = frozenset(name for name in Site.__dataclass_fields__
                          if name not in ("issues", "build_date")) | {
    "base_path", "domain", "absolute", "category"}


def settings_of(site: Site) -> str:
    """Every field of the site but its issues and build date: title, base URL, categories, pages ...
    """
    return repr(tuple((name, getattr(site, name)) for name in sorted(SITE_SETTINGS)
                      if name in Site.__dataclass_fields__))


class _FoldedInputs(jinja2.BytecodeCache):
    """Compiled templates keyed by what their code may have folded in, as well as by their source.

    Jinja evaluates a filter on constant arguments when it compiles (`'static/x.css' | url` becomes
    the string with the base path in it), so compiled code depends on what our filters read: the
    site's settings and the generator's code. Whatever cache make_environment is given, it is read
    through this key, so a changed base_url or site.yaml field never reuses a stale template."""

    def __init__(self, stored: jinja2.BytecodeCache, folded: str):
        self.stored, self.folded = stored, folded

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return digest(self.folded + super().get_cache_key(name, filename))

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.stored.load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.stored.dump_bytecode(bucket)


class Pager(NamedTuple):
    """One page of a paginated listing; page 1 lives at the listing's own URL."""

    items: tuple
    number: int
    count: int  # type: ignore[assignment]  # the number of pages, not tuple.count()
    base_url: str  # site-relative URL of page 1

    def url_of(self, number: int) -> str:
        return self.base_url if number == 1 else f"{self.base_url}page/{number}/"

    @property
    def url(self) -> str:
        return self.url_of(self.number)


def paginate(items: tuple, per_page: int, base_url: str) -> list[Pager]:
    count = max(1, math.ceil(len(items) / per_page))
    return [Pager(tuple(items[i * per_page:(i + 1) * per_page]), i + 1, count, base_url)
            for i in range(count)]


def site_path(target) -> str:
    """The site-relative URL of anything that has a page (or of a plain path)."""
    url_of = _URL_OF.get(type(target)) or next(
        # subclasses: Markup
        (url_of for kind, url_of in _URL_OF.items() if isinstance(target, kind)), None)
    if url_of is None:
        raise TypeError(f"no URL for {type(target).__name__}")
    return url_of(target)


# by exact type: templates ask for URLs hundreds of times per page
_URL_OF: dict[type, Callable[[Any], str]] = {
    str: lambda target: target,
    Paper: lambda paper: paper.page_url,
    PaperRecord: lambda record: record.paper.page_url,
    Appearance: lambda appearance: f"{appearance.issue.url}#{appearance.entry.anchor}",
    **{kind: lambda target: target.url for kind in (Issue, Category, Tag, Page, Listing, Pager)},
}


def plain_text(html: str) -> str:
    """Text of an HTML fragment, unescaped: autoescape escapes it again exactly once."""
    text = re.sub(r"</(p|li|h[1-6]|blockquote|pre|td|th)>", " ", str(html))
    return " ".join(unescape(re.sub(r"<[^>]+>", "", text)).split())


@functools.lru_cache(maxsize=4096)  # a few hundred dates, each shown thousands of times
def long_date(value) -> str:
    return f"{value:%B} {value.day}, {value.year}" if value else ""


@functools.lru_cache(maxsize=4096)
def iso_date(value) -> str:
    return value.isoformat() if value else ""


def reading_minutes(issue: Issue) -> int:
    words = len(issue.intro.split()) + sum(len(e.paper.summary.split()) + len(e.paper.title.split())
                                           for e in issue.entries)
    return max(1, round(words / 230))


def make_environment(theme: Theme, site: Site, rendered: dict | None = None,
                     compiled: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """The theme's templates with our filters. `rendered` holds Markdown rendered ahead
    (incremental.issues.prerender); `compiled` keeps compiled templates for the next environment
    (`roundup serve`)."""
    rendered = rendered if rendered is not None else {}  # text, or (text, page URL, indent)

    def markdown(text: str) -> Markup:
        html = rendered.get(text)
        return Markup(html) if html is not None else render_markdown(text)

    def text(markdown: str, page_url: str, indent: str = "") -> str:
        plain = rendered.get((markdown, page_url, indent))
        return plain if plain is not None else render_text(markdown, page_url, TEXT_WIDTH, indent)

    env = SpeedyEnvironment(
        loader=jinja2.FileSystemLoader(theme.template_dirs),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one environment per build: no need to stat templates on every include
        cache_size=-1,
        bytecode_cache=None if compiled is None else _FoldedInputs(
            compiled, digest(repr((generator_stamp(), settings_of(site))))),
    )
    base_path = site.base_path
    name_links: dict[str, tuple[str, str, str]] = {}  # name -> (href, link, the name in bold)
    paper_links: dict[tuple[str, ...], list[tuple[str, str, str]]] = {}

    def links_of(name: str) -> tuple[str, str, str]:
        links = name_links.get(name)
        if links is None:
            href = escape(base_path + author_url(name))
            links = name_links[name] = (
                href,
                f'<a href="{href}">{escape(name)}</a>',
                f"<strong>{escape(name)}</strong>",
            )
        return links

    def author_links(names: tuple[str, ...], limit: int | None = None, current: str = "") -> Markup:
        """Authors as links to their pages, comma-separated; `current` (this page's URL) in bold.

        Made once per name and kept per paper: author pages show each paper many times over.
        """
        links = paper_links.get(names)
        if links is None:
            links = paper_links[names] = [links_of(name) for name in names]
        return Markup(
            ", ".join(strong if href == current else link for href, link, strong in links[:limit])
        )

    env.filters.update(
        author_links=author_links,
        url=lambda target: base_path + site_path(target),
        absolute=lambda target: site.base_url + site_path(target),
        author_url=lambda name: base_path + author_url(name),
        # a filter: Jinja calls a method (site.category(slug)) with far more ceremony
        category=site.category,
        markdown=markdown,
        markdown_inline=render_inline,
        long_date=long_date,
        iso_date=iso_date,
        bibtex=lambda paper: render_bibtex(paper),
        reading_minutes=reading_minutes,
        plain=plain_text,
        text=text,
        wrap=wrap_text,
        absolute_links=lambda html, page_url: absolutize(html, page_url),
        website_ld=lambda _: render_json_ld(website_data(site)),
        issue_ld=lambda issue: render_json_ld(issue_data(site, issue)),
        paper_ld=lambda record: render_json_ld(paper_data(site, record)),
    )
    env.globals.update(site=site, feeds=feed_links(site))
    return env


def wrap_text(value, indent: str = "", first: str | None = None) -> str:
    """Plain text wrapped at 72 columns for the email's text version; URLs are never broken."""
    return "\n".join(wrap_words(str(value), TEXT_WIDTH, indent if first is None else first, indent))


def feed_links(site: Site) -> tuple[tuple[str, str, str], ...]:
    """(title, type, site-relative path) of the site-wide feeds, linked from every page."""
    return build_channels(site)[0].links


def render_feed_content(env: jinja2.Environment, issue: Issue) -> Markup:
    """The full HTML of an issue for feed readers, every link absolute."""
    return Markup(env.get_template("feed/issue.html").render(issue=issue))


def render_paper_feed_content(env: jinja2.Environment, record: PaperRecord) -> Markup:
    """The full HTML of a paper for the paper and category feeds: summary, links, issues."""
    return Markup(env.get_template("feed/paper.html").render(record=record, paper=record.paper))

