"""A small CBOR (RFC 8949) reader and writer, enough for Pagefind's index files (pure).

Integers, byte and text strings, arrays and maps are read into Python values (a map into a `Map`,
which keeps its order); tags and simple values (major type 7: floats, true, null ...) are kept
as the exact bytes they were, so anything written back is unchanged except where it was edited.
Lengths are written in their shortest form, as Pagefind writes them.
"""

from __future__ import annotations


class Map(list):
    """A CBOR map as a list of (key, value) pairs, in the order they were read."""


class Raw(bytes):
    """An item written back exactly as read (a tag with its content, or a simple value)."""


def loads(data: bytes):
    value, end = _read(data, 0)
    if end != len(data):
        raise ValueError(f"{len(data) - end} bytes after the CBOR item")
    return value


def dumps(value) -> bytes:
    out = bytearray()
    _write(value, out)
    return bytes(out)


def _head(data: bytes, at: int) -> tuple[int, int, int]:
    """(major type, argument, offset after the head) of the item at `at`."""
    major, info = data[at] >> 5, data[at] & 31
    if info < 24:
        return major, info, at + 1
    if info > 27:
        raise ValueError(f"unsupported CBOR length {info} at byte {at}")
    size = 1 << (info - 24)
    return major, int.from_bytes(data[at + 1:at + 1 + size], "big"), at + 1 + size


def _read(data: bytes, at: int):
    start = at
    major, argument, at = _head(data, at)
    if major == 0:
        return argument, at
    if major == 1:
        return -1 - argument, at
    if major in (2, 3):
        chunk = data[at:at + argument]
        return (bytes(chunk) if major == 2 else chunk.decode("utf-8")), at + argument
    if major in (4, 5):
        items = []
        for _ in range(argument * (2 if major == 5 else 1)):
            item, at = _read(data, at)
            items.append(item)
        return (Map(zip(items[::2], items[1::2], strict=True)) if major == 5 else items), at
    if major == 6:  # a tag: kept with the item it tags
        _, at = _read(data, at)
    return Raw(data[start:at]), at


def _write_head(major: int, argument: int, out: bytearray) -> None:
    if argument < 24:
        out.append(major << 5 | argument)
        return
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if argument < 1 << (8 * size):
            out.append(major << 5 | info)
            out += argument.to_bytes(size, "big")
            return
    raise ValueError(f"integer too large for CBOR: {argument}")


def _write(value, out: bytearray) -> None:
    if isinstance(value, Raw):
        out += value
    elif isinstance(value, bool) or value is None:
        raise TypeError("booleans and null are kept as Raw items")
    elif isinstance(value, int):
        _write_head(0, value, out) if value >= 0 else _write_head(1, -1 - value, out)
    elif isinstance(value, bytes):
        _write_head(2, len(value), out)
        out += value
    elif isinstance(value, str):
        encoded = value.encode("utf-8")
        _write_head(3, len(encoded), out)
        out += encoded
    elif isinstance(value, Map):
        _write_head(5, len(value), out)
        for key, item in value:
            _write(key, out)
            _write(item, out)
    elif isinstance(value, list):
        _write_head(4, len(value), out)
        for item in value:
            _write(item, out)
    else:
        raise TypeError(f"cannot write {type(value).__name__} as CBOR")
