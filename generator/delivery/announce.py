"""What `roundup announce` does: the issue's title, summary and URL on each configured network,
once each, recorded like `send`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Callable

import click

from ..errors import Problem
from .api import ApiError
from .bluesky import BASE_VARIABLE as BLUESKY_BASE, DEFAULT_BASE, PASSWORD, post_to_bluesky
from .bluesky import LIMIT as BLUESKY_LIMIT, record_key
from .config import Announce, Bluesky, Mastodon
from .mastodon import BASE_VARIABLE as MASTODON_BASE, LIMIT, LINK_LENGTH, TOKEN, Post, compose
from .mastodon import post_status
from .record import Record

if TYPE_CHECKING:
    from .commands import Loaded


def secret_problems(announce: Announce, environ: dict[str, str]) -> list[Problem]:
    problems = []
    for network, name, line in (("mastodon", TOKEN, announce.mastodon and announce.mastodon.line),
                                ("bluesky", PASSWORD, announce.bluesky and announce.bluesky.line)):
        if line and not environ.get(name):
            what = "an access token with write:statuses" if network == "mastodon" \
                else "an app password (Settings -> App passwords)"
            problems.append(Problem(announce.path, line, f"announce.{network}",
                                    f"{name} is not set in the environment (expected {what})"))
    return problems


def run_announce(loaded: "Loaded", environ: dict[str, str], *, dry_run: bool,
                 now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)) -> int:
    announce, site, issue, record = loaded.announce, loaded.site, loaded.issue, loaded.record
    assert announce is not None and site is not None and issue is not None and record is not None
    summary = issue.summary or f"{len(issue.entries)} papers"
    post = Post(" ".join(issue.title.split()), " ".join(summary.split()), site.absolute(issue.url))
    if dry_run:
        click.echo("Dry run: nothing is posted.")
    failures = 0
    if announce.mastodon is not None:
        failures += _to_mastodon(announce.mastodon, post, issue.slug, record, environ, dry_run)
    if announce.bluesky is not None:
        rkey = record_key(issue.slug, issue.date)
        failures += _to_bluesky(announce.bluesky, post, rkey, record, environ, dry_run, now())
    if failures:
        click.echo(f"Run 'roundup announce {issue.slug}' again to post the rest; nothing is "
                   "posted twice.", err=True)
    return 1 if failures else 0


def _to_mastodon(settings: Mastodon, post: Post, slug: str, record: Record,
                 environ: dict[str, str], dry_run: bool) -> int:
    """1 when it failed, else 0."""
    instance, text = settings.instance, compose(post, LIMIT, LINK_LENGTH)
    done = record.find("mastodon", instance)
    if done:
        click.echo(f"Mastodon: posted on {done.when}: {done.detail}")
    elif dry_run:
        click.echo(f"Mastodon ({instance}) would get:\n{_indent(text)}")
    else:
        try:
            url, earlier = post_status(environ.get(MASTODON_BASE) or instance, environ[TOKEN],
                                       slug, text, post.url, settings.visibility)
        except ApiError as error:
            click.echo(f"Mastodon: not posted: {error}", err=True)
            return 1
        record.add("mastodon", instance, "posted", url)
        click.echo(f"Mastodon: {'found the post made earlier' if earlier else 'posted'}: {url}")
    return 0


def _to_bluesky(settings: Bluesky, post: Post, rkey: str, record: Record,
                environ: dict[str, str], dry_run: bool, now: dt.datetime) -> int:
    handle = settings.handle
    done = record.find("bluesky", handle)
    if done:
        click.echo(f"Bluesky: posted on {done.when}: {done.detail}")
    elif dry_run:
        click.echo(f"Bluesky (@{handle}) would get, with a link card:\n"
                   f"{_indent(compose(post, BLUESKY_LIMIT))}")
    else:
        try:
            uri, earlier = post_to_bluesky(environ.get(BLUESKY_BASE) or DEFAULT_BASE, handle,
                                           environ[PASSWORD], post, rkey, now)
        except ApiError as error:
            click.echo(f"Bluesky: not posted: {error}", err=True)
            return 1
        record.add("bluesky", handle, "posted", uri)
        click.echo(f"Bluesky: {'found the post made earlier' if earlier else 'posted'}: {uri}")
    return 0


def _indent(text: str) -> str:
    return "\n".join(f"  | {line}" for line in text.splitlines())
