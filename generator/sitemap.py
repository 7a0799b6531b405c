"""sitemap.xml and robots.txt."""

from __future__ import annotations

from html import escape as html_escape

from .catalog import Catalog
from .model import Site


def render_sitemap(site: Site, catalog: Catalog, urls: list[str]) -> str:
    """A sitemap of every page; lastmod is the newest issue date a page shows."""
    lastmod: dict[str, str] = {}
    for issue in site.issues:
        lastmod.setdefault(issue.url, issue.date.isoformat())
    for record in catalog.papers:
        lastmod[record.paper.page_url] = record.latest.issue.date.isoformat()
    for listing in catalog.categories + catalog.tags:
        if listing.appearances:
            lastmod[listing.url] = listing.appearances[0].issue.date.isoformat()
    default = site.issues[0].date.isoformat() if site.issues else site.build_date.isoformat()
    rows = "".join(
        f"  <url><loc>{html_escape(site.base_url + url, quote=False)}</loc>"
        f"<lastmod>{lastmod.get(url, default)}</lastmod></url>\n" for url in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + rows + "</urlset>\n")


def render_robots(site: Site) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {site.base_url}sitemap.xml\n"
