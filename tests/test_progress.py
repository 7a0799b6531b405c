"""The build's progress bar on a terminal: it knows how many files it makes and ends at 100%."""

from __future__ import annotations

import io
import re

from conftest import FIXTURES
from generator.build import build
from generator.progress import progress_bar
from generator.options import BuildOptions


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def last_line(stream: Terminal) -> str:
    return re.split(r"[\r\n]", stream.getvalue().rstrip("\r\n"))[-1]


def test_the_bar_of_a_build_ends_at_100_percent_with_every_file_counted(tmp_path):
    options = BuildOptions(content_dir=FIXTURES / "minimal", output_dir=tmp_path / "site",
                           search=False)
    stream = Terminal()
    with progress_bar(stream) as progress:
        result = build(options, progress, progress.planned)
    line = last_line(stream)
    made = len(result.made)
    assert made > 20
    assert "100%" in line and f"{made}/{made}" in line, line
    # a second build makes nothing: the bar does not stop short of a total either
    again = Terminal()
    with progress_bar(again) as progress:
        build(options, progress, progress.planned)
    assert "0/0" in last_line(again) and "100%" in last_line(again), last_line(again)


def test_no_bar_when_the_stream_is_not_a_terminal(tmp_path):
    stream = io.StringIO()
    with progress_bar(stream) as progress:
        build(BuildOptions(content_dir=FIXTURES / "minimal", output_dir=tmp_path / "site",
                           search=False), progress, progress.planned)
    assert stream.getvalue() == ""
