"""One configured Markdown renderer: CommonMark with tables, raw HTML off, http(s) links only."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markupsafe import Markup


def _is_safe_link(url: str) -> bool:
    # Only web links and links within the page or site; never javascript:, data:, file: ...
    scheme = urlsplit(url.strip()).scheme.lower()
    return scheme in ("", "http", "https")


def _make_renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": True})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.validateLink = _is_safe_link
    return md


_RENDERER = _make_renderer()


@lru_cache(maxsize=65536)
def render_markdown(text: str) -> Markup:
    """Render untrusted Markdown to safe HTML; the same text is only rendered once per process."""
    return Markup(_RENDERER.render(text)) if text else Markup("")


def render_inline(text: str) -> Markup:
    """Render a one-line Markdown text (a category description) without a wrapping paragraph."""
    return Markup(_RENDERER.renderInline(text)) if text else Markup("")
