"""One digest for every cache key and file fingerprint: BLAKE2b, 16 bytes, as hex."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from . import __version__


def digest(data: bytes | str) -> str:
    return hashlib.blake2b(
        data.encode() if isinstance(data, str) else data, digest_size=16
    ).hexdigest()


@functools.cache
def generator_stamp() -> str:
    """The version and a digest of the generator's own code: a checkout edited in place (or an
    upgrade that kept the version number) never reuses what older code made. ~1 ms."""
    package = Path(__file__).resolve().parent
    sources = sorted(package.rglob("*.py"))
    return __version__ + "-" + digest(b"".join(path.read_bytes() for path in sources))
