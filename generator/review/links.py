"""Every outbound link of the content, with the file and line where the editor wrote it.

Pure: a validated site and its source texts in, LinkRefs out. The links are those a reader can
follow: a paper's abstract (its arXiv PDF link is made from the same id, so it is not checked
twice), its own `links:`, and the http(s) links and images of summaries, intros and pages, as
the renderer writes them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ..content.files import ContentFiles
from ..markdown import render_markdown
from ..model import Site

_URL_VALUE = re.compile(r'\s(?:href|src)="(https?://[^"]*)"')


@dataclass(frozen=True, order=True)
class LinkRef:
    path: str
    line: int
    url: str


def markdown_links(text: str) -> list[str]:
    """The http(s) links and images of a Markdown text, as rendered for readers."""
    return [html.unescape(url) for url in _URL_VALUE.findall(str(render_markdown(text)))]


def _line_of(lines: list[str], needle: str, start: int) -> int:
    """The first line at or after `start` (1-based) that contains `needle`; else `start`."""
    for number in range(max(start, 1), len(lines) + 1):
        if needle in lines[number - 1]:
            return number
    return max(start, 1)


def collect_links(site: Site, files: ContentFiles, paths: set[str] | None = None) -> list[LinkRef]:
    """The links of the issue and page files named in `paths` (all of them when None), sorted."""
    texts = {source.path: source.text.splitlines() for source in files.all_sources}
    found: set[LinkRef] = set()
    for issue in site.issues:
        if paths is not None and issue.source_path not in paths:
            continue
        lines = texts.get(issue.source_path, [])
        for url in markdown_links(issue.intro):
            found.add(LinkRef(issue.source_path, _line_of(lines, url, 1), url))
        for entry in issue.entries:
            paper = entry.paper
            start = paper.source_line
            urls = [(paper.abstract_url, paper.arxiv or paper.url)]
            urls += [(link.url, link.url) for link in paper.links]
            urls += [(url, url) for url in markdown_links(paper.summary)]
            for url, written in urls:
                if url.startswith(("https://", "http://")):
                    found.add(LinkRef(issue.source_path, _line_of(lines, written, start), url))
    for page in site.pages:
        if paths is not None and page.source_path not in paths:
            continue
        lines = texts.get(page.source_path, [])
        for url in markdown_links(page.body):
            found.add(LinkRef(page.source_path, _line_of(lines, url, 1), url))
    return sorted(found)
