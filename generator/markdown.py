"""One configured Markdown renderer: CommonMark with tables, raw HTML off, http(s) links only.

Texts are rendered with markdown-it-pyrs (markdown-it in Rust, ~20x faster than markdown-it-py:
on a ten-year archive Markdown was the largest cost of a build). markdown-it-py, which lets us
decide which links are allowed, renders inline text and any text whose links the fast renderer
would let through but our rule does not (say ``mailto:``): such a link stays plain text.
"""

from __future__ import annotations

import html as html_module
import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from markdown_it import MarkdownIt
from markdown_it_pyrs import MarkdownIt as FastMarkdownIt
from markupsafe import Markup, escape


def is_safe_link(url: str) -> bool:
    # Only web links and links within the page or site; never javascript:, data:, file: ...
    url = url.strip()
    if url.startswith(("https://", "http://")):  # most links: no need to split them (~2 us each)
        return True
    return urlsplit(url).scheme.lower() in ("", "http", "https")


def _demote_headings(state) -> None:
    # The page owns the one <h1>: a "# Heading" in content becomes an <h2>.
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"


def _make_renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": True})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.validateLink = is_safe_link  # type: ignore[method-assign]  # markdown-it's documented hook
    md.core.ruler.push("demote_headings", _demote_headings)
    return md


_RENDERER = _make_renderer()

# The same syntax as _RENDERER: CommonMark without raw HTML, plus tables, strikethrough, typography.
FAST_RENDERER = FastMarkdownIt("zero").enable_many(
    [
        "paragraph",
        "heading",
        "lheading",
        "list",
        "blockquote",
        "code",
        "fence",
        "hr",
        "reference",
        "newline",
        "escape",
        "backticks",
        "emphasis",
        "link",
        "image",
        "autolink",
        "entity",
        "table",
        "strikethrough",
        "replacements",
        "smartquotes",
    ]
)
_URL_VALUE = re.compile(r'\s(?:href|src)="([^"]*)"')
_H1_TAG = re.compile(r"<(/?)h1>")  # raw HTML is escaped, so every such tag comes from a "# Heading"


def render_html(text: str) -> str:
    html = FAST_RENDERER.render(text)
    if not all(is_safe_link(html_module.unescape(url)) for url in _URL_VALUE.findall(html)):
        return _RENDERER.render(text)
    return _H1_TAG.sub(r"<\1h2>", html)  # the page owns the one <h1>


@lru_cache(maxsize=65536)
def render_markdown(text: str) -> Markup:
    """Render untrusted Markdown to safe HTML; the same text is only rendered once per process."""
    return Markup(render_html(text)) if text else Markup("")


def render_inline(text: str) -> Markup:
    """Render a one-line Markdown text (a category description) without a wrapping paragraph."""
    return Markup(_RENDERER.renderInline(text)) if text else Markup("")


def render_plain(text: str) -> str:
    """Markdown as one line of plain text without markup or URLs, for short descriptions."""
    html = re.sub(r"<[^>]+>", "", str(render_markdown(text)))  # blocks end with a newline
    return " ".join(html_module.unescape(html).split())


_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')


def absolutize(html: str, page_url: str) -> Markup:
    """Make every href and src of rendered HTML absolute, resolved as a browser on page_url would.

    For feeds and email, where a relative link such as ``../about/`` or ``/about/`` has no page to
    be relative to. Our HTML always quotes attributes with ``"``, and text never contains a bare
    ``"``."""
    def resolve(match: re.Match) -> str:
        url = urljoin(page_url, html_module.unescape(match.group(2)).strip())
        return f"{match.group(1)}{escape(url)}{match.group(3)}"

    return Markup(_URL_ATTRIBUTE.sub(resolve, str(html)))
