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


def _is_safe_link(url: str) -> bool:
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
    md.validateLink = _is_safe_link
    md.core.ruler.push("demote_headings", _demote_headings)
    return md


_RENDERER = _make_renderer()

# The same syntax as _RENDERER: CommonMark without raw HTML, plus tables, strikethrough, typography.
_FAST = FastMarkdownIt("zero").enable_many([
    "paragraph", "heading", "lheading", "list", "blockquote", "code", "fence", "hr", "reference", "newline",
    "escape", "backticks", "emphasis", "link", "image", "autolink", "entity", "table", "strikethrough",
    "replacements", "smartquotes"])
_URL_VALUE = re.compile(r'\s(?:href|src)="([^"]*)"')
_H1_TAG = re.compile(r"<(/?)h1>")  # raw HTML is escaped, so every such tag comes from a "# Heading"


def _render_html(text: str) -> str:
    html = _FAST.render(text)
    if not all(_is_safe_link(html_module.unescape(url)) for url in _URL_VALUE.findall(html)):
        return _RENDERER.render(text)
    return _H1_TAG.sub(r"<\1h2>", html)  # the page owns the one <h1>


@lru_cache(maxsize=65536)
def render_markdown(text: str) -> Markup:
    """Render untrusted Markdown to safe HTML; the same text is only rendered once per process."""
    return Markup(_render_html(text)) if text else Markup("")


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

    For feeds and email, where a relative link such as ``../about/`` or ``/about/`` has no page to be
    relative to. Our HTML always quotes attributes with ``"``, and text never contains a bare ``"``.
    """
    def resolve(match: re.Match) -> str:
        url = urljoin(page_url, html_module.unescape(match.group(2)).strip())
        return f"{match.group(1)}{escape(url)}{match.group(3)}"

    return Markup(_URL_ATTRIBUTE.sub(resolve, str(html)))


def prerender(issue, page_url: str) -> dict:
    """An issue's Markdown rendered ahead, as the pages (HTML) and its email (text) will ask for it."""
    rendered = {}
    for text, indent in [(issue.intro, "")] + [(entry.paper.summary, "    ") for entry in issue.entries]:
        if text:
            rendered[text] = _render_html(text)
            rendered[(text, page_url, indent)] = render_text(text, page_url, 72, indent)
    return rendered


def wrap_words(text: str, width: int, first: str, rest: str) -> list[str]:
    """Greedy word wrap that never breaks a word or a URL (textwrap's result, many times faster).

    Each line is cut at the last space that fits, found with str.rfind, not a Python step per word.
    """
    words = " ".join(text.split())
    lines, start, prefix, end_of_text = [], 0, first, len(words)
    while start < end_of_text:
        limit = start + max(1, width - len(prefix))  # the first character that no longer fits
        if limit >= end_of_text:
            cut = end_of_text
        elif words[limit] == " ":
            cut = limit
        else:
            cut = words.rfind(" ", start, limit)
            if cut == -1:  # a word longer than the line: it gets a line of its own
                cut = words.find(" ", limit)
                cut = end_of_text if cut == -1 else cut
        lines.append(prefix + words[start:cut])
        start, prefix = cut + 1, rest
    return lines


def render_text(text: str, page_url: str, width: int = 72, indent: str = "") -> str:
    """Markdown as readable plain text wrapped at ``width``: every link as ``label (full URL)``."""
    lines: list[str] = []
    lists: list[list] = []  # per open list: [ordered, next number]
    marker, quote, row, last_was_item = "", 0, None, False

    def emit(block: str, tight: bool = False, wrap: bool = True) -> None:
        nonlocal marker, last_was_item
        depth = "  " * max(0, len(lists) - 1) if lists else ""
        prefix = indent + "> " * quote + depth
        first, rest = prefix + marker, prefix + " " * len(marker) if lists else prefix
        if lines and lines[-1] and not (tight and last_was_item):
            lines.append("")
        for index, segment in enumerate(block.split("\n")):
            start = first if index == 0 else rest
            if not wrap:
                lines.append((start + segment).rstrip())
                continue
            lines.extend(wrap_words(segment, width, start, rest) or [start.rstrip()])
        last_was_item, marker = bool(marker) or (tight and last_was_item), ""

    for kind, node in _events(_FAST.tree(text or "")):
        if kind in ("bullet_list_open", "ordered_list_open"):
            lists.append([kind == "ordered_list_open", int(node.meta.get("start", 1))])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            last_was_item = last_was_item and bool(lists)  # a blank line after the whole list
        elif kind == "list_item_open":
            ordered, number = lists[-1]
            marker = f"{number}. " if ordered else "- "
            lists[-1][1] += 1
        elif kind in ("blockquote_open", "blockquote_close"):
            quote += 1 if kind == "blockquote_open" else -1
        elif kind == "trow_open":
            row = []
        elif kind == "trow_close":
            emit(" | ".join(row), tight=True, wrap=False)
            last_was_item, row = True, None
        elif kind == "inline" and row is not None:
            row.append(_inline_text(node, page_url))
        elif kind == "inline":
            emit(_inline_text(node, page_url), tight=bool(lists))
        elif kind in ("fence", "code_block"):
            emit("\n".join("    " + line for line in node.meta["content"].rstrip("\n").split("\n")), wrap=False)
        elif kind == "hr":
            emit("* * *", wrap=False)
    return "\n".join(lines)


_INLINE_HOLDERS = {"paragraph", "heading", "lheading", "tcell"}  # blocks whose children are inline
_CONTAINERS = {"bullet_list", "ordered_list", "list_item", "blockquote", "trow"}
_BLOCKS = _INLINE_HOLDERS | _CONTAINERS | {"table", "thead", "tbody", "fence", "code_block", "hr"}


def _events(node):
    """The tree as a stream: (name_open, node), (name_close, node), ("inline", [nodes]), (leaf name, node).

    A tight list item holds its inline nodes directly, without a paragraph around them.
    """
    run = []
    for child in node.children:
        name = child.name
        if name not in _BLOCKS:
            run.append(child)
            continue
        if run:
            yield "inline", run
            run = []
        if name in _INLINE_HOLDERS:
            yield "inline", child.children
        elif name in _CONTAINERS:
            yield f"{name}_open", child
            yield from _events(child)
            yield f"{name}_close", child
        elif name in ("table", "thead", "tbody"):
            yield from _events(child)
        else:
            yield name, child
    if run:
        yield "inline", run


def _inline_text(nodes, page_url: str) -> str:
    parts: list[str] = []
    _collect_text(nodes, page_url, parts)
    return "".join(parts).strip()


def _collect_text(nodes, page_url: str, parts: list[str]) -> None:
    for node in nodes:
        name = node.name
        if name in ("text", "text_special"):
            parts.append(node.meta["content"])
        elif name == "softbreak":
            parts.append(" ")
        elif name == "hardbreak":
            parts.append("\n")
        elif name in ("link", "autolink"):
            start = len(parts)
            _collect_text(node.children, page_url, parts)
            url = node.meta.get("url", "")
            if _is_safe_link(url):  # else the label alone, as the HTML shows such a link as text
                url = urljoin(page_url, url)
                if url != "".join(parts[start:]).strip():
                    parts.append(f" ({url})")
        elif name == "image":
            alt: list[str] = []
            _collect_text(node.children, page_url, alt)
            url = node.meta.get("url", "")
            parts.append(f"{''.join(alt) or 'image'}" + (f" ({urljoin(page_url, url)})" if _is_safe_link(url) else ""))
        else:  # emphasis, strong, strikethrough, inline code: their text
            _collect_text(node.children, page_url, parts)
