"""The `roundup review` and `roundup links` commands (registered in cli.py)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from ..content.files import load_content_files
from ..errors import Problem
from ..options import BuildOptions, today_from_environment
from .checker import WAYBACK_API, LinkSettings
from .gitref import GitRefError, resolve_base

CONTENT_OPTION = click.option(
    "--content",
    "content_dir",
    default="content",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder with site.yaml, issues/ and pages/.",
)
TIMEOUT_OPTION = click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.05),
    help="Seconds to wait for each link's server.",
)
RETRIES_OPTION = click.option(
    "--retries",
    default=2,
    show_default=True,
    type=click.IntRange(0, 10),
    help="Further tries of a link whose server is busy (429, 503) or silent.",
)
WAYBACK_OPTION = click.option(
    "--wayback-api",
    default=WAYBACK_API,
    show_default=True,
    envvar="ROUNDUP_WAYBACK_API",
    show_envvar=True,
    help="The Wayback Machine availability API, for snapshots of dead links.",
)


def _settings(timeout: float, retries: int, wayback_api: str) -> LinkSettings:
    return LinkSettings(timeout=timeout, retries=retries, wayback_api=wayback_api)


def _print_problems(problems: list[Problem] | tuple[Problem, ...]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


@click.command("review")
@click.option(
    "--base",
    "base_ref",
    default=None,
    metavar="GIT_REF",
    help="The commit to compare with [default: the merge base with origin/main, else HEAD].",
)
@CONTENT_OPTION
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "text"]),
    default="text",
    show_default=True,
    help="Markdown for a pull request's summary, or plain text.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Also fail (exit 1) on warnings, dead links and papers featured before.",
)
@click.option("--no-links", is_flag=True, help="Do not check the changed and added links.")
@TIMEOUT_OPTION
@RETRIES_OPTION
@WAYBACK_OPTION
@click.option(
    "--artifact", default="", help="The name of the build artifact that holds the previews."
)
@click.option(
    "--output",
    "output_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output.",
)
def review_command(
    base_ref: str | None,
    content_dir: Path,
    output_format: str,
    strict: bool,
    no_links: bool,
    timeout: float,
    retries: int,
    wayback_api: str,
    artifact: str,
    output_file: Path | None,
) -> None:
    """Report what the work tree's content changes against GIT_REF: issues and papers, problems,
    papers featured before, dead links, email editions and feed entries."""
    from .assemble import review  # not at the top: `roundup --help` need not import Jinja
    from .report import github_annotations, render

    if not Path(content_dir).is_dir():
        raise click.ClickException(
            f"{content_dir}: no such folder (expected the content folder, e.g. --content content)"
        )
    try:
        base = resolve_base(content_dir, base_ref)
    except GitRefError as error:
        raise click.ClickException(str(error)) from None
    preview = (
        f"issues/{{slug}}/email.html in the artifact {artifact}"
        if artifact
        else "roundup email {slug}"
    )
    result = review(
        content_dir,
        base,
        today_from_environment(),
        None if no_links else _settings(timeout, retries, wayback_api),
        preview,
    )
    text = render(result, markdown=output_format == "markdown")
    if output_file is not None:
        output_file.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    if os.environ.get("GITHUB_ACTIONS") == "true":  # shown on the pull request's diff
        for line in github_annotations(result):
            click.echo(line)
    failed = bool(result.errors)
    if strict:
        dead = len(result.links.dead) if result.links else 0
        failed = failed or bool(result.warnings) or bool(dead) or bool(result.repeats)
    if failed:
        why = (
            "errors in the content"
            if result.errors
            else "warnings, dead links or repeats with --strict"
        )
        click.echo(f"Error: the review found {why}.", err=True)
        sys.exit(1)


@click.command("links")
@click.option(
    "--all",
    "check_all",
    is_flag=True,
    help="Check every link, not only those of files changed since the last run.",
)
@CONTENT_OPTION
@click.option("--strict", is_flag=True, help="Exit 1 when a link is dead.")
@TIMEOUT_OPTION
@RETRIES_OPTION
@WAYBACK_OPTION
def links_command(
    check_all: bool, content_dir: Path, strict: bool, timeout: float, retries: int, wayback_api: str
) -> None:
    """Check the outbound links of the issues changed since the last run (--all: of every file)."""
    from .assemble import check_refs
    from .diff import load_side
    from .linkcache import links_cache_path, load_link_cache
    from .links import collect_links

    options = BuildOptions(
        content_dir=content_dir, drafts=True, future=True, today=today_from_environment()
    )
    files, read = load_content_files(content_dir)
    side = load_side(files, read, options)
    errors = [p for p in side.problems if p.severity == "error"]
    _print_problems(errors)
    if side.site is None:
        click.echo(f"Error: {len(errors)} problems found; no link was checked.", err=True)
        sys.exit(1)
    digests = {
        source.path: source.text_digest
        for source in files.all_sources
        if source.path not in side.unloaded
    }
    known = load_link_cache(links_cache_path(content_dir), time.time()).files
    paths = (
        None
        if check_all
        else {path for path, digest in digests.items() if known.get(path) != digest}
    )
    refs = collect_links(side.site, files, paths)
    report = check_refs(refs, _settings(timeout, retries, wayback_api), content_dir, digests)
    for ref, verdict in report.dead:
        click.echo(f"{ref.path}:{ref.line}: {ref.url}: {verdict.status}; {verdict.archived}")
    for ref, verdict in report.moved:
        click.echo(f"{ref.path}:{ref.line}: {ref.url}: moved permanently to {verdict.new_url}")
    urls = {ref.url for ref in refs}
    scope = "every file" if check_all else f"{len({ref.path for ref in refs})} changed files"
    click.echo(
        f"Checked {len(urls)} links of {scope}: "
        f"{len(urls) - len({r.url for r, _ in report.dead + report.moved})} fine, "
        f"{len({r.url for r, _ in report.moved})} moved, "
        f"{len({r.url for r, _ in report.dead})} dead "
        f"({report.checked} asked for now, the others known from the last day)."
    )
    if errors:
        click.echo(
            f"Error: {len(errors)} problems found; the links of those files were not checked.",
            err=True,
        )
        sys.exit(1)
    if strict and report.dead:
        sys.exit(1)
