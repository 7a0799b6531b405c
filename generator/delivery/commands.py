"""`roundup send SLUG` and `roundup announce SLUG`: thin click commands over this package."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import click

from ..content.fields import did_you_mean
from ..content.files import Source, read_source
from ..errors import BuildError, ContentError, Problem
from ..model import Issue, Site
from ..options import BuildOptions, today_from_environment
from .config import Announce, Newsletter, address_problem, read_delivery_settings
from .record import Record, load_record

CONTENT_OPTION = click.option("--content", "content_dir", default="content", show_default=True,
                              type=click.Path(file_okay=False, path_type=Path),
                              help="Folder with site.yaml, issues/ and the record in sent/.")


def _sleep(seconds: float) -> None:  # the tests replace it, so that back-off takes no time
    time.sleep(seconds)


def _fail(problems: list[Problem], what: str = "nothing was sent") -> None:
    for problem in sorted(problems):
        click.echo(str(problem), err=True)
    count = sum(1 for p in problems if p.severity == "error")
    raise click.ClickException(f"{count} problem{'s' if count != 1 else ''} found; {what}.")


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Loaded:
    site: Site | None  # None: the content has mistakes
    issue: Issue | None
    source: Source
    newsletter: Newsletter | None
    announce: Announce | None
    record: Record | None
    scheduled: bool


def load_delivery(content_dir: Path, slug: str) -> tuple[Loaded | None, list[Problem]]:
    """The validated site, the issue, the delivery settings and the record, or the problems
    (with the delivery settings alone when the rest of the content has mistakes)."""
    from ..build import load_checked_site

    today = today_from_environment()
    options = BuildOptions(content_dir=content_dir, drafts=True, future=True, today=today)
    source, problems = read_source(content_dir / "site.yaml", _shown(content_dir / "site.yaml"))
    if source is None:
        return None, problems
    newsletter, announce, found = read_delivery_settings(source)
    try:
        site, _ = load_checked_site(options)
    except ContentError as error:  # the delivery settings' own problems are among these
        return Loaded(None, None, source, newsletter, announce, None, False), error.problems
    issue = next((issue for issue in site.issues if issue.slug == slug), None)
    if issue is None:
        slugs = [issue.slug for issue in site.issues]
        known = ', '.join(sorted(slugs)) or 'no issues yet'
        raise click.ClickException(f"no issue '{slug}'{did_you_mean(slug, slugs)} "
                                   f"(expected one of: {known})")
    record, record_problems = load_record(content_dir, slug, _shown(content_dir))
    return (Loaded(site, issue, source, newsletter, announce, record, issue.date > today),
            found + record_problems)


@contextlib.contextmanager
def deferred_interrupt() -> Iterator[list[bool]]:
    """Ctrl-C asks the run to stop after the message under way is recorded; a second one stops
    at once. Yields a flag that is true once asked."""
    asked = [False]

    def handler(signum, frame):  # noqa: ARG001 - the signal module's signature
        if asked[0]:
            raise KeyboardInterrupt
        asked[0] = True
        click.echo("Stopping after this message (Ctrl-C again to stop at once) ...", err=True)

    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread: Ctrl-C cannot reach us anyway
        yield asked
        return
    try:
        yield asked
    finally:
        signal.signal(signal.SIGINT, previous)


@click.command("send")
@click.argument("slug")
@click.option("--dry-run", is_flag=True, help="Print who would get what; send nothing.")
@click.option("--test", "test_address", metavar="ADDRESS",
              help="Send one copy to ADDRESS only, subject prefixed [TEST]; never recorded.")
@click.option("--pace", type=click.FloatRange(min=0.1), default=None,
              help="Messages a minute at most (overrides newsletter.pace in site.yaml).")
@click.option("-v", "--verbose", is_flag=True, help="Print a line for every message.")
@CONTENT_OPTION
def send_command(slug: str, dry_run: bool, test_address: str | None, pace: float | None,
                 verbose: bool, content_dir: Path) -> None:
    """Send issue SLUG to the newsletter's subscribers, exactly once each.

    Configured in site.yaml's `newsletter:` section. Everyone the record
    (content/sent/SLUG.txt) names is skipped, so an interrupted run is resumed by running it again.
    """
    from .send import prepare_send, run_send

    environ = dict(os.environ)
    loaded, problems = load_delivery(content_dir, slug)
    if loaded is None:
        _fail(problems)
    assert loaded is not None
    if loaded.newsletter is None and not problems:
        _fail([Problem(loaded.source.path, 0, "newsletter", "is missing (expected a newsletter: "
                       "section with provider: smtp or buttondown; see the README's 'Send it by "
                       "email')")])
    if test_address is not None and address_problem(test_address):
        raise click.ClickException(f"--test: {address_problem(test_address)}")
    prepared = None
    if loaded.newsletter is not None:
        prepared, more = prepare_send(loaded.newsletter, content_dir, _shown(content_dir),
                                      environ, dry_run=dry_run, test=test_address is not None)
        problems = sorted(set(problems + more))
    if problems or prepared is None:
        _fail(problems)
    assert prepared is not None
    try:
        with deferred_interrupt() as asked:
            code = run_send(loaded, prepared, content_dir, dry_run=dry_run,
                            test_address=test_address, pace=pace, verbose=verbose, sleep=_sleep,
                            interrupted=lambda: asked[0])
    except BuildError as error:
        raise click.ClickException(str(error)) from None
    if code:
        raise click.exceptions.Exit(code)


@click.command("announce")
@click.argument("slug")
@click.option("--dry-run", is_flag=True, help="Print the posts; post nothing.")
@CONTENT_OPTION
def announce_command(slug: str, dry_run: bool, content_dir: Path) -> None:
    """Post issue SLUG to Mastodon and Bluesky, once per network.

    Configured in site.yaml's `announce:` section; tokens from ROUNDUP_MASTODON_TOKEN and
    ROUNDUP_BLUESKY_PASSWORD. The record (content/sent/SLUG.txt) says what was posted.
    """
    from .announce import run_announce, secret_problems

    environ = dict(os.environ)
    loaded, problems = load_delivery(content_dir, slug)
    if loaded is None or problems:
        _fail(problems, "nothing was posted")
    assert loaded is not None and loaded.issue is not None
    if loaded.announce is None:
        _fail([Problem(loaded.source.path, 0, "announce", "is missing (expected an announce: "
                       "section with mastodon: {instance: ...} or bluesky: {handle: ...})")],
              "nothing was posted")
    assert loaded.announce is not None
    if not dry_run:
        issue = loaded.issue
        if issue.draft or loaded.scheduled:
            state = "a draft" if issue.draft else f"scheduled for {issue.date}"
            raise click.ClickException(f"issue {issue.slug} is {state}: only a published issue "
                                       "is announced (expected --dry-run to see the posts)")
        missing = secret_problems(loaded.announce, environ)
        if missing:
            _fail(missing, "nothing was posted")
    code = run_announce(loaded, environ, dry_run=dry_run)
    if code:
        raise click.exceptions.Exit(code)
