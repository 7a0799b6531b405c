"""The ``roundup`` command: thin click commands; the only place that decides exit codes."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from . import __version__
from .build import build
from .config import BuildOptions, date_from_environment, today_from_environment
from .content import load_site
from .errors import BuildError, ContentError, Problem

CONTENT_OPTION = click.option("--content", "content_dir", default="content", show_default=True,
                              type=click.Path(file_okay=False, path_type=Path),
                              help="Folder with site.yaml, issues/ and pages/.")


def _report(problems: list[Problem]) -> None:
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    for problem in problems:
        click.echo(str(problem), err=True)
        if annotate:  # shown on the pull request's diff
            click.echo(github_annotation(problem))


def github_annotation(problem: Problem) -> str:
    level = {"error": "error", "warning": "warning"}.get(problem.severity, "notice")
    message = f"{problem.field}: {problem.message}" if problem.field else problem.message
    message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    line = f",line={problem.line}" if problem.line else ""
    return f"::{level} file={problem.path}{line}::{message}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _fail(problems: list[Problem]) -> None:
    _report(problems)
    errors = sum(1 for p in problems if p.severity == "error")
    click.echo(f"Error: {errors} problem{'s' if errors != 1 else ''} found; nothing was written.", err=True)
    sys.exit(1)


class RoundupGroup(click.Group):
    """Turns an unexpected exception into one line; --debug shows the traceback instead."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as error:  # noqa: BLE001 - the last line of defence for the editor
            if (ctx.obj or {}).get("debug"):
                raise
            raise click.ClickException(f"unexpected {type(error).__name__}: {error} "
                                       "(run 'roundup --debug ...' for details)") from None


@click.group(cls=RoundupGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="roundup")
@click.option("--debug", is_flag=True, help="Show full tracebacks for unexpected failures.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """paper-roundup: build a static digest site of curated research papers."""
    ctx.obj = {"debug": debug}


@main.command("build")
@CONTENT_OPTION
@click.option("--output", "output_dir", default="site", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder to write the site to.")
@click.option("--drafts", is_flag=True, help="Include issues marked draft: true.")
@click.option("--future", is_flag=True, help="Include issues dated after today (scheduled issues).")
@click.option("--base-url", default="", help="Override base_url from site.yaml (for previews).")
@click.pass_context
def build_command(ctx: click.Context, content_dir: Path, output_dir: Path, drafts: bool, future: bool,
                  base_url: str) -> None:
    """Validate content/ and write the complete static site."""
    options = BuildOptions(content_dir=content_dir, output_dir=output_dir, drafts=drafts, future=future,
                           base_url=base_url, build_date=date_from_environment(),
                           today=today_from_environment())
    started = time.perf_counter()
    try:
        result = build(options)
    except ContentError as error:
        _fail(error.problems)
    except BuildError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        if ctx.obj["debug"]:
            raise
        raise click.ClickException(f"cannot write the site: {error}") from None
    _report(list(result.warnings))
    elapsed = time.perf_counter() - started
    click.echo(f"Built {result.pages} pages, {result.feeds} feeds in {elapsed:.2f} s -> {output_dir}/")


@main.command("check")
@CONTENT_OPTION
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
def check_command(content_dir: Path, strict: bool) -> None:
    """Validate everything and write nothing; exit 0 when the content is valid."""
    options = BuildOptions(content_dir=content_dir, drafts=True, future=True, today=today_from_environment())
    try:
        site, warnings = load_site(options)
    except ContentError as error:
        _fail(error.problems)
    _report(warnings)
    if strict and any(w.severity == "warning" for w in warnings):
        count = sum(1 for w in warnings if w.severity == "warning")
        click.echo(f"Error: {count} warning{'s' if count != 1 else ''} with --strict.", err=True)
        sys.exit(1)
    papers = sum(len(issue.entries) for issue in site.issues)
    click.echo(f"OK: {_count(len(site.issues), 'issue')}, {_count(papers, 'paper')}, "
               f"{_count(len(site.pages), 'page')} are valid.")


if __name__ == "__main__":  # pragma: no cover
    main()
