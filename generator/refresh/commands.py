"""`roundup refresh`: the click command (the work is in run.py, imported only when it runs)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..options import ARXIV_API

HF_API = "https://huggingface.co/api"


@click.command("refresh")
@click.option(
    "--content",
    "content_dir",
    default="content",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder with site.yaml and issues/.",
)
@click.option(
    "--only",
    multiple=True,
    metavar="SLUG",
    help="Only the papers of this issue (or this arXiv id); may be given several times.",
)
@click.option(
    "--arxiv-api",
    default=ARXIV_API,
    show_default=True,
    envvar="ROUNDUP_ARXIV_API",
    show_envvar=True,
    help="The arXiv API's query URL.",
)
@click.option(
    "--hf-api",
    default=HF_API,
    show_default=True,
    envvar="ROUNDUP_HF_API",
    show_envvar=True,
    help="The Hugging Face API's base URL (…/api/daily_papers works too).",
)
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds to wait for each reply.",
)
@click.option(
    "--pause",
    type=click.FloatRange(min=0.0),
    default=None,
    help="Seconds between requests [default: 3 for arXiv, 0.5 for Hugging Face].",
)
def refresh_command(
    content_dir: Path,
    only: tuple[str, ...],
    arxiv_api: str,
    hf_api: str,
    timeout: float,
    pause: float | None,
) -> None:
    """Record what became of every featured paper (new versions, withdrawals, DOIs, code, upvotes)
    in content/papers.lock.yaml, for the next build; only what the APIs confirmed is written."""
    from ..editor.http import HttpSettings
    from ..errors import ContentError, EditorError
    from .run import refresh_lock

    def say(text: str) -> None:
        click.echo(text, err=True)

    try:
        result = refresh_lock(
            content_dir,
            only,
            arxiv_api,
            hf_api,
            HttpSettings(timeout=timeout),
            pause=pause,
            say=say,
        )
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(
            "Error: the content has problems; nothing was changed (run 'roundup check').", err=True
        )
        sys.exit(1)
    except EditorError as error:
        raise click.ClickException(f"{error}; nothing was changed") from None
    for failure in result.failures:
        click.echo(f"Not confirmed: {failure}", err=True)
    changed = ", ".join(result.changed) if result.changed else "nothing changed"
    click.echo(f"{'Updated' if result.written else 'Unchanged:'} {result.path}: {changed}")
    if result.failures:
        click.echo(
            "Error: the run was partial; only what was confirmed was written (run it again later).",
            err=True,
        )
        sys.exit(1)
