"""The build's progress bar on a terminal: files made out of those the build plans to make."""

from __future__ import annotations

import contextlib
from typing import Any, Iterator, TextIO

import click


class Progress:
    """progress(path) for each file made; planned(count) once the build knows how many it makes."""

    def __init__(self, bar: Any = None):  # a click ProgressBar
        self.bar = bar

    def __call__(self, path: str) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def planned(self, count: int) -> None:
        if self.bar is not None:
            self.bar.length = count  # from here on the bar shows n/count and a percentage


@contextlib.contextmanager
def progress_bar(stream: TextIO, enabled: bool = True) -> Iterator[Progress]:
    """A bar counting the files made when the stream is a terminal; nothing at all otherwise."""
    if not (enabled and stream.isatty()):
        yield Progress()
        return
    files: Iterator[str] = iter(())  # the total comes from Progress.planned
    with click.progressbar(files, label="Building", file=stream, show_pos=True, show_percent=True,
                           show_eta=False) as bar:
        yield Progress(bar)
        if not bar.length:  # a build with nothing to make: 0 of 0 is all of it
            bar.length, bar.finished = bar.pos, True
            bar.render_progress()
