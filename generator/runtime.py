"""Tricks on the Python process: exit without teardown, and one garbage-collector pause."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from typing import Iterator


def exit_now(code: int) -> None:
    """End the process: output flushed, no clean-up of objects (the OS frees the memory at once;
    Python freeing a loaded site object by object takes ~1 s on a ten-year archive)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe, a closed stream
            stream.flush()
    os._exit(code)


@contextlib.contextmanager
def paused_garbage_collection() -> Iterator[None]:
    """No cyclic garbage collection while the site is loaded; afterwards its objects are frozen
    (never scanned again, and never copied into forked workers by the collector touching them)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def release_frozen_objects() -> None:
    """Let the collector see again what paused_garbage_collection froze: a long-running
    `roundup serve` must be able to free the previous site."""
    gc.unfreeze()
