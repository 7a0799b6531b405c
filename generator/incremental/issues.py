"""Work done ahead while issues are checked, kept with each issue in the cache."""

from __future__ import annotations

from ..markdown import render_html
from ..markdown_text import render_text


def prerender(issue, page_url: str) -> dict:
    """An issue's Markdown rendered ahead, as the pages (HTML) and its email (text) will ask for it."""
    rendered = {}
    for text, indent in [(issue.intro, "")] + [(entry.paper.summary, "    ") for entry in issue.entries]:
        if text:
            rendered[text] = render_html(text)
            rendered[(text, page_url, indent)] = render_text(text, page_url, 72, indent)
    return rendered
