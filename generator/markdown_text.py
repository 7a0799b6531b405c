"""Markdown as plain text wrapped at a width, every link spelled out: the email's text edition."""

from __future__ import annotations

from urllib.parse import urljoin

from .markdown import FAST_RENDERER, is_safe_link


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
    marker, quote, last_was_item = "", 0, False
    row: list[str] | None = None  # the cells of a table row being read

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

    for kind, node in _events(FAST_RENDERER.tree(text or "")):
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
        elif kind == "trow_close" and row is not None:
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
            if is_safe_link(url):  # else the label alone, as the HTML shows such a link as text
                url = urljoin(page_url, url)
                if url != "".join(parts[start:]).strip():
                    parts.append(f" ({url})")
        elif name == "image":
            alt: list[str] = []
            _collect_text(node.children, page_url, alt)
            url = node.meta.get("url", "")
            parts.append(f"{''.join(alt) or 'image'}" + (f" ({urljoin(page_url, url)})" if is_safe_link(url) else ""))
        else:  # emphasis, strong, strikethrough, inline code: their text
            _collect_text(node.children, page_url, parts)
