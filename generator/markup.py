"""One configured Markdown renderer: CommonMark with tables, raw HTML off, http(s) links only."""

from __future__ import annotations

import html as html_module
import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from markdown_it import MarkdownIt
from markupsafe import Markup, escape


def _is_safe_link(url: str) -> bool:
    # Only web links and links within the page or site; never javascript:, data:, file: ...
    scheme = urlsplit(url.strip()).scheme.lower()
    return scheme in ("", "http", "https")


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


@lru_cache(maxsize=65536)
def render_markdown(text: str) -> Markup:
    """Render untrusted Markdown to safe HTML; the same text is only rendered once per process."""
    return Markup(_RENDERER.render(text)) if text else Markup("")


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
            tokens = _RENDERER.parse(text)  # parsed once for both forms
            rendered[text] = _RENDERER.renderer.render(tokens, _RENDERER.options, {})
            rendered[(text, page_url, indent)] = render_text(text, page_url, 72, indent, tokens)
    return rendered


def wrap_words(text: str, width: int, first: str, rest: str) -> list[str]:
    """Greedy word wrap that never breaks a word or a URL (textwrap's result, several times faster)."""
    lines, line, length = [], first, len(first)
    fresh = True
    for word in text.split():
        if not fresh and length + 1 + len(word) > width:
            lines.append(line)
            line, length, fresh = rest, len(rest), True
        if fresh:
            line, length, fresh = line + word, length + len(word), False
        else:
            line, length = f"{line} {word}", length + 1 + len(word)
    if not fresh:
        lines.append(line)
    return lines


def render_text(text: str, page_url: str, width: int = 72, indent: str = "", tokens: list | None = None) -> str:
    """Markdown as readable plain text wrapped at ``width``: every link as ``label (full URL)``.

    `tokens`, when given, are the text already parsed by the Markdown renderer.
    """
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

    for token in tokens if tokens is not None else _RENDERER.parse(text or ""):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            lists.append([kind == "ordered_list_open", int(token.attrGet("start") or 1)])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            last_was_item = last_was_item and bool(lists)  # a blank line after the whole list
        elif kind == "list_item_open":
            ordered, number = lists[-1]
            marker = f"{number}. " if ordered else "- "
            lists[-1][1] += 1
        elif kind in ("blockquote_open", "blockquote_close"):
            quote += 1 if kind == "blockquote_open" else -1
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close":
            emit(" | ".join(row), tight=True, wrap=False)
            last_was_item, row = True, None
        elif kind == "inline" and row is not None:
            row.append(_inline_text(token, page_url))
        elif kind == "inline":
            emit(_inline_text(token, page_url), tight=bool(lists))
        elif kind in ("fence", "code_block"):
            emit("\n".join("    " + line for line in token.content.rstrip("\n").split("\n")), wrap=False)
        elif kind == "hr":
            emit("* * *", wrap=False)
    return "\n".join(lines)


def _inline_text(token, page_url: str) -> str:
    parts: list[str] = []
    links: list[tuple[int, str]] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "link_open":
            links.append((len(parts), urljoin(page_url, str(child.attrGet("href") or ""))))
        elif child.type == "link_close" and links:
            start, url = links.pop()
            label = "".join(parts[start:]).strip()
            if url != label:
                parts.append(f" ({url})")
        elif child.type == "image":
            parts.append(f"{child.content or 'image'} ({urljoin(page_url, str(child.attrGet('src') or ''))})")
    return "".join(parts).strip()
