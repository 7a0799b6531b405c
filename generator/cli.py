"""The ``roundup`` command: thin click commands; the only place that decides exit codes."""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import time
from pathlib import Path
from typing import Callable

import click

from . import __version__
from .build import build, load_checked_site
from .options import (
    ARXIV_API,
    HF_DAILY_API,
    BuildOptions,
    date_from_environment,
    today_from_environment,
)
from .errors import BuildError, ContentError, EditorError, Problem
from .progress import progress_bar
from .runtime import exit_now

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
    levels = {"error": "error", "warning": "warning", "draft": "warning"}
    level = levels.get(problem.severity, "notice")
    message = f"{problem.field}: {problem.message}" if problem.field else problem.message
    message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    line = f",line={problem.line}" if problem.line else ""
    return f"::{level} file={problem.path}{line}::{message}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _fail(problems: list[Problem]) -> None:
    _report(problems)
    errors = sum(1 for p in problems if p.severity == "error")
    click.echo(
        f"Error: {errors} problem{'s' if errors != 1 else ''} found; nothing was written.", err=True
    )
    sys.exit(1)


# Commands defined in their own packages, imported when asked for: `roundup build` with nothing to
# do must not pay for importing the delivery, review and refresh code (~0.1 s).
LAZY_COMMANDS = {
    "review": "generator.review.commands:review_command",
    "links": "generator.review.commands:links_command",
    "send": "generator.delivery.commands:send_command",
    "announce": "generator.delivery.commands:announce_command",
    "refresh": "generator.refresh.commands:refresh_command",
}


class RoundupGroup(click.Group):
    """Turns an unexpected exception into one line; --debug shows the traceback instead."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS and name not in self.commands:
            module, _, attribute = LAZY_COMMANDS[name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        # what reads our output is gone (`roundup build -v | head`): stop quietly
        except BrokenPipeError:
            with contextlib.suppress(OSError, ValueError):  # no more writes to the closed pipe
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise click.exceptions.Exit(1) from None
        except Exception as error:  # noqa: BLE001 - the last line of defence for the editor
            if (ctx.obj or {}).get("debug"):
                raise
            raise click.ClickException(f"unexpected {type(error).__name__}: {error} "
                                       "(run 'roundup --debug ...' for details)") from None


def run() -> None:
    """The `roundup` command: main(), then the end of the process without Python freeing the loaded
    site object by object, which took ~1.3 s of a 5 s one-summary rebuild of a ten-year archive.
    (Tests call main() in-process; only the installed command ends this way.)"""
    code: object = 0
    try:
        main()
    except SystemExit as done:
        code = done.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    exit_now(code)


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
@click.option("--no-cache", is_flag=True, help="Make every file again, ignoring .roundup-cache/.")
@click.option(
    "--no-search", is_flag=True, help="Leave the search index as it is (faster edits on big sites)."
)
@click.option("--future", is_flag=True, help="Include issues dated after today (scheduled issues).")
@click.option("--base-url", default="", help="Override base_url from site.yaml (for previews).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option(
    "-v", "--verbose", is_flag=True, help="List every file written, and those made again unchanged."
)
@click.pass_context
def build_command(
    ctx: click.Context,
    content_dir: Path,
    output_dir: Path,
    drafts: bool,
    no_cache: bool,
    no_search: bool,
    future: bool,
    base_url: str,
    quiet: bool,
    verbose: bool,
) -> None:
    """Validate content/ and write the complete static site."""
    options = BuildOptions(
        content_dir=content_dir,
        output_dir=output_dir,
        drafts=drafts,
        future=future,
        use_cache=not no_cache,
        search=not no_search,
        base_url=base_url,
        build_date=date_from_environment(),
        today=today_from_environment(),
    )
    started = time.perf_counter()
    try:
        with progress_bar(sys.stderr, enabled=not quiet) as progress:
            result = build(options, progress, progress.planned)
    except ContentError as error:
        _fail(error.problems)
    except BuildError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        if ctx.obj["debug"]:
            raise
        raise click.ClickException(f"cannot write the site: {error}") from None
    if quiet:
        return
    _report(list(result.warnings))
    if verbose:
        for path in result.files:
            click.echo(f"  wrote {output_dir}/{path}")
        for path in sorted(set(result.made) - set(result.files)):
            click.echo(f"  made again, unchanged: {output_dir}/{path}")
    elapsed = time.perf_counter() - started
    click.echo(
        f"Built {result.pages} pages, {result.feeds} feeds in {elapsed:.2f} s -> {output_dir}/"
    )


@main.command("check")
@CONTENT_OPTION
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@click.option("--drafts", is_flag=True, help="Hold drafts to the same rules (their problems fail).")
def check_command(content_dir: Path, strict: bool, drafts: bool) -> None:
    """Validate everything and write nothing; exit 0 when the content is valid."""
    options = BuildOptions(content_dir=content_dir, drafts=drafts, future=True,
                           today=today_from_environment())
    try:
        # issues unchanged since the last `roundup build` into the default folder are not validated
        # again
        site, warnings = load_checked_site(options)
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


@main.command("email")
@click.argument("slug")
@click.option("--text", is_flag=True, help="Print the plain-text version instead of the HTML.")
@CONTENT_OPTION
def email_command(slug: str, text: bool, content_dir: Path) -> None:
    """Print the email edition of issue SLUG (HTML, or plain text with --text), drafts included."""
    from .email import render_email  # not at the top: it imports Jinja and css_inline

    options = BuildOptions(
        content_dir=content_dir, drafts=True, future=True, today=today_from_environment()
    )
    try:
        click.echo(render_email(options, slug, text), nl=False)
    except ContentError as error:
        _fail(error.problems)
    except BuildError as error:
        raise click.ClickException(str(error)) from None


# ---- the editor's commands: new issue, add papers, import candidates, preview ----

DATE = click.DateTime(formats=["%Y-%m-%d"])
TIMEOUT_OPTION = click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds to wait for the server's reply.",
)
FORCE_OPTION = click.option(
    "--force",
    is_flag=True,
    help="Add papers already featured in another issue (marked 'revisit: true').",
)


def _say(text: str) -> None:
    click.echo(text, err=True)


def _run_editor(command: Callable, *args):
    """An editor command's result; its EditorError becomes one line saying nothing was changed."""
    try:
        return command(*args)
    except EditorError as error:
        raise click.ClickException(f"{error}; nothing was changed") from None


@main.command("new")
@CONTENT_OPTION
@click.option(
    "--date", type=DATE, help="Publication date [default: a week after the latest issue, or today]."
)
@click.option(
    "--title", default="", help="The issue's title [default: Papers of the Week from ... to ...]."
)
def new_command(content_dir: Path, date, title: str) -> None:
    """Create content/issues/<date>.yaml for the next issue, from a commented template."""
    # the editor commands' modules are imported only when used
    from .editor.commands import create_issue

    path = _run_editor(
        create_issue, content_dir, today_from_environment(), date.date() if date else None, title
    )
    click.echo(f"Created {path}")
    click.echo(f"Next: roundup add ARXIV_ID... --issue {path.stem} --category SLUG")


@main.command("add")
@CONTENT_OPTION
@click.argument("refs", metavar="ID_OR_URL...", nargs=-1, required=True)
@click.option("--issue", required=True, help="The issue's slug (its file name without .yaml).")
@click.option("--category", required=True, help="A category slug from site.yaml.")
@FORCE_OPTION
@click.option(
    "--api-url",
    default=ARXIV_API,
    show_default=True,
    envvar="ROUNDUP_ARXIV_API",
    show_envvar=True,
    help="The arXiv API's query URL.",
)
@TIMEOUT_OPTION
def add_command(content_dir: Path, refs: tuple[str, ...], issue: str, category: str, force: bool,
                api_url: str, timeout: float) -> None:
    """Fetch papers from the arXiv API and append them to an issue.

    ID_OR_URL is 2406.04692, 2406.04692v2, arXiv:2406.04692 or https://arxiv.org/abs/2406.04692.
    """
    from .editor.commands import add_papers
    from .editor.http import HttpSettings

    added = _run_editor(add_papers, content_dir, issue, category, list(refs), force, api_url,
                        HttpSettings(timeout=timeout), _say)
    _added_summary(
        added,
        "paper",
        "Next: replace each TODO summary (the abstract is in the comment above "
        "it), then run 'roundup check'.",
    )


@main.group("import")
def import_group() -> None:
    """Add candidate papers from another service to an issue."""


@import_group.command("hf-daily")
@CONTENT_OPTION
@click.option("--date", type=DATE, help="The day whose papers to import [default: today].")
@click.option("--issue", required=True, help="The issue's slug (its file name without .yaml).")
@FORCE_OPTION
@click.option(
    "--api-url",
    default=HF_DAILY_API,
    show_default=True,
    envvar="ROUNDUP_HF_API",
    show_envvar=True,
    help="The Hugging Face daily papers API URL.",
)
@TIMEOUT_OPTION
def import_hf_daily_command(content_dir: Path, date, issue: str, force: bool, api_url: str,
                            timeout: float) -> None:
    """Append a day's Hugging Face daily papers as candidates, most upvoted first."""
    day = date.date() if date else today_from_environment()
    from .editor.commands import import_hf_daily
    from .editor.http import HttpSettings

    added = _run_editor(
        import_hf_daily,
        content_dir,
        issue,
        day,
        force,
        api_url,
        HttpSettings(timeout=timeout),
        _say,
    )
    _added_summary(added, "candidate", "Next: give each candidate you keep a category (instead of "
                   "'unsorted') and a summary, delete the others, then run 'roundup check'.")


def _added_summary(added, noun: str, next_step: str) -> None:
    if not added.papers:
        click.echo(f"Nothing added to {added.path}.")
        return
    click.echo(f"Added {_count(len(added.papers), noun)} to {added.path}:")
    for paper in added.papers:
        click.echo(f"  {paper.arxiv}  {paper.title}")
    click.echo(next_step)


@main.command("serve")
@CONTENT_OPTION
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--drafts", is_flag=True, help="Include issues marked draft: true.")
def serve_command(content_dir: Path, port: int, drafts: bool) -> None:
    """Preview the site on 127.0.0.1, rebuilding and reloading the browser when files change.

    Scheduled issues (dated after today) are included. Nothing is written to site/.
    """
    from .serve.server import DevServer  # not at the top: it imports Jinja and watchfiles

    options = BuildOptions(content_dir=content_dir, drafts=drafts, future=True,
                           build_date=date_from_environment(), today=today_from_environment())
    server = DevServer(options, port, echo=lambda text, err: click.echo(text, err=err))
    try:
        server.start()
    except OSError as error:
        server.stop()
        raise click.ClickException(f"cannot listen on 127.0.0.1:{port}: {error.strerror or error} "
                                   "(expected a free port, e.g. --port 8001)") from None
    click.echo(f"Serving {server.url} (Ctrl-C to stop)")
    try:
        while not server.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    click.echo("Stopped.")


if __name__ == "__main__":  # pragma: no cover
    main()
