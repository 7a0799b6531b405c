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
    writer = _PlainText(page_url, width, indent)
    for kind, node in _events(FAST_RENDERER.tree(text or "")):
        writer.take(kind, node)
    return "\n".join(writer.lines)


class _PlainText:
    """The lines of render_text, written one event of the Markdown tree at a time (_events)."""

    def __init__(self, page_url: str, width: int, indent: str):
        self.page_url, self.width, self.indent = page_url, width, indent
        self.lines: list[str] = []
        self.lists: list[list] = []  # per open list: [ordered, next number]
        self.marker, self.quote, self.last_was_item = "", 0, False
        self.row: list[str] | None = None  # the cells of a table row being read

    def emit(self, block: str, tight: bool = False, wrap: bool = True) -> None:
        lists, lines = self.lists, self.lines
        depth = "  " * max(0, len(lists) - 1) if lists else ""
        prefix = self.indent + "> " * self.quote + depth
        first, rest = prefix + self.marker, prefix + " " * len(self.marker) if lists else prefix
        if lines and lines[-1] and not (tight and self.last_was_item):
            lines.append("")
        for index, segment in enumerate(block.split("\n")):
            start = first if index == 0 else rest
            if not wrap:
                lines.append((start + segment).rstrip())
                continue
            lines.extend(wrap_words(segment, self.width, start, rest) or [start.rstrip()])
        self.last_was_item, self.marker = bool(self.marker) or (tight and self.last_was_item), ""

    def take(self, kind: str, node) -> None:
        handler = getattr(self, "_" + kind, None)
        if handler is not None:
            handler(node)

    def _bullet_list_open(self, node) -> None:
        self.lists.append([node.name == "ordered_list", int(node.meta.get("start", 1))])

    _ordered_list_open = _bullet_list_open

    def _bullet_list_close(self, node) -> None:
        self.lists.pop()
        self.last_was_item = self.last_was_item and bool(self.lists)  # a blank line after the list

    _ordered_list_close = _bullet_list_close

    def _list_item_open(self, node) -> None:
        ordered, number = self.lists[-1]
        self.marker = f"{number}. " if ordered else "- "
        self.lists[-1][1] += 1

    def _blockquote_open(self, node) -> None:
        self.quote += 1

    def _blockquote_close(self, node) -> None:
        self.quote -= 1

    def _trow_open(self, node) -> None:
        self.row = []

    def _trow_close(self, node) -> None:
        if self.row is not None:
            self.emit(" | ".join(self.row), tight=True, wrap=False)
        self.last_was_item, self.row = True, None

    def _inline(self, nodes) -> None:
        if self.row is not None:
            self.row.append(_inline_text(nodes, self.page_url))
        else:
            self.emit(_inline_text(nodes, self.page_url), tight=bool(self.lists))

    def _fence(self, node) -> None:
        code = node.meta["content"].rstrip("\n").split("\n")
        self.emit("\n".join("    " + line for line in code), wrap=False)

    _code_block = _fence

    def _hr(self, node) -> None:
        self.emit("* * *", wrap=False)


_INLINE_HOLDERS = {"paragraph", "heading", "lheading", "tcell"}  # blocks whose children are inline
_CONTAINERS = {"bullet_list", "ordered_list", "list_item", "blockquote", "trow"}
_BLOCKS = _INLINE_HOLDERS | _CONTAINERS | {"table", "thead", "tbody", "fence", "code_block", "hr"}


def _events(node):
    """The tree as a stream: (name_open, node), (name_close, node), ("inline", [nodes]), (leaf name,
    node).

    A tight list item holds its inline nodes directly, without a paragraph around them."""
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
            parts.append(
                f"{''.join(alt) or 'image'}"
                + (f" ({urljoin(page_url, url)})" if is_safe_link(url) else "")
            )
        else:  # emphasis, strong, strikethrough, inline code: their text
            _collect_text(node.children, page_url, parts)
