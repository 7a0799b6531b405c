"""One digest for every cache key and file fingerprint: BLAKE2b, 16 bytes, as hex."""

from __future__ import annotations

import hashlib


def digest(data: bytes | str) -> str:
    return hashlib.blake2b(data.encode() if isinstance(data, str) else data, digest_size=16).hexdigest()
