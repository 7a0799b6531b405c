"""`roundup build` output: a progress bar only on a terminal, -q for errors only, -v for every file.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys

from conftest import FIXTURES, run_cli
from generator.cli import progress_bar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_not_a_terminal_no_progress_and_one_summary_line(tmp_path):
    result = run_cli(
        "build", "--content", str(FIXTURES / "minimal"), "--output", str(tmp_path / "site")
    )
    assert result.exit_code == 0
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == 1
    assert result.stdout.startswith("Built ")


def test_quiet_prints_nothing_but_errors(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "minimal", content)
    issue = content / "issues" / "2024-01-07.yaml"
    # a warning
    issue.write_text(issue.read_text().replace("summary: It is fast.", "summary: TODO"))
    result = run_cli("build", "-q", "--content", str(content), "--output", str(tmp_path / "site"))
    assert result.exit_code == 0
    assert (result.stdout, result.stderr) == ("", "")
    issue.write_text(issue.read_text().replace("date: 2024-01-07", "date: 2024-01-32"))
    result = run_cli("build", "-q", "--content", str(content), "--output", str(tmp_path / "site"))
    assert result.exit_code == 1
    assert "date: '2024-01-32' is not a valid date" in result.stderr


def test_the_installed_command_flushes_its_output_and_keeps_its_exit_status(tmp_path):
    """`roundup` ends its process at once after a command (generator.cli.run): nothing it printed
    may be lost, and the exit status is the command's."""
    def roundup(*args: str) -> subprocess.CompletedProcess:
        environment = {
            name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"
        }
        return subprocess.run([sys.executable, "-c", "from generator.cli import run; run()", *args],
                              capture_output=True, text=True, timeout=120, env=environment)

    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "minimal", content)
    built = roundup("build", "-v", "--content", str(content), "--output", str(tmp_path / "site"))
    assert built.returncode == 0, built.stderr
    lines = built.stdout.splitlines()  # every file written, then the summary: all of it arrives
    assert f"  wrote {tmp_path / 'site'}/papers/2401.00001/index.html" in lines and lines[
        -1
    ].startswith("Built ")
    issue = content / "issues" / "2024-01-07.yaml"
    issue.write_text(issue.read_text().replace("date: 2024-01-07", "date: 2024-01-32"))
    failed = roundup("build", "--content", str(content), "--output", str(tmp_path / "site"))
    assert failed.returncode == 1
    assert (
        "2024-01-07.yaml:" in failed.stderr
        and "date: '2024-01-32' is not a valid date" in failed.stderr
    )
    assert roundup("build", "--no-such-option").returncode == 2  # click's usage error
    assert roundup("--version").stdout.startswith("roundup, version")


def test_output_piped_into_a_reader_that_stops_early_is_no_error(tmp_path):
    """`roundup build -v | head -1`: the site is built, and no "unexpected BrokenPipeError"."""
    command = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from generator.cli import run; run()",
            "build",
            "-v",
            "--content",
            str(FIXTURES / "minimal"),
            "--output",
            str(tmp_path / "site"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    command.stdout.close()  # before the list of files is written
    errors = command.stderr.read()
    assert command.wait(timeout=120) == 1 and errors == ""
    assert (tmp_path / "site" / "index.html").is_file()


def test_verbose_lists_every_file_written(tmp_path):
    output = tmp_path / "site"
    result = run_cli("build", "-v", "--content", str(FIXTURES / "minimal"), "--output", str(output))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    written = sorted(
        path.relative_to(output).as_posix() for path in output.rglob("*") if path.is_file()
    )
    assert lines[:-1] == [f"  wrote {output}/{path}" for path in written]
    assert lines[-1].startswith("Built ")


def test_on_a_terminal_the_bar_counts_pages():
    terminal = Terminal()
    with progress_bar(terminal) as progress:
        for index in range(3):
            progress(f"page-{index}/index.html")
    assert "Building" in terminal.getvalue()
    assert "3" in terminal.getvalue()


def test_the_bar_is_silent_when_disabled_or_not_a_terminal():
    for stream, enabled in ((Terminal(), False), (io.StringIO(), True)):
        with progress_bar(stream, enabled) as progress:
            progress("index.html")
        assert stream.getvalue() == ""
