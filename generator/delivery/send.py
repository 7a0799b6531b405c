"""What `roundup send` does, step by step: check everything, then send (or show, or test)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

import click

from ..errors import Problem
from ..model import Site
from .config import Newsletter
from .message import Edition, build_message, render_edition
from .smtp import Connection, Endpoint, SendSettings, Sleep, StopSending, endpoint_for, send_list
from .smtp import try_one
from .subscribers import load_subscribers

if TYPE_CHECKING:
    from .commands import Loaded

def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


def secret_problems(newsletter: Newsletter, endpoint: Endpoint) -> list[Problem]:
    """Missing secrets, or a password that would cross the network unencrypted."""
    server = newsletter.smtp
    if server is None or not server.auth:
        return []
    where = (newsletter.path, server.line, "newsletter.smtp")
    if not (endpoint.user and endpoint.password):
        missing = [name for name, value in (("ROUNDUP_SMTP_USER", endpoint.user),
                                            ("ROUNDUP_SMTP_PASSWORD", endpoint.password))
                   if not value]
        return [Problem(*where, f"{' and '.join(missing)} not set in the environment (expected "
                        "the login of your mail server there, or auth: false for a relay that "
                        "needs none)")]
    if endpoint.security == "none" and not _is_loopback(endpoint.host):
        return [Problem(*where, f"security: none would send your password to {endpoint.host} "
                        "unencrypted (expected security: starttls or ssl)")]
    return []


def _environment(site: Site, content_dir: Path) -> Callable[[Site], Any]:
    from ..templates import make_environment
    from ..theme import find_themes_dir, load_theme

    theme = load_theme(site.theme, find_themes_dir(content_dir, None))
    return lambda marked: make_environment(theme, marked)


@dataclass(frozen=True)
class Prepared:
    """What the settings and the environment gave: the readers, and where to send."""

    addresses: list[str]
    endpoint: Endpoint | None
    secrets: dict[str, str]


def prepare_send(newsletter: Newsletter, content_dir: Path, shown_dir: str, environ: dict[str, str],
                 *, dry_run: bool, test: bool) -> tuple[Prepared | None, list[Problem]]:
    """Every problem of the subscriber file and the secrets, before anything is sent."""
    if newsletter.provider == "buttondown":
        from .buttondown import API_KEY, BASE_VARIABLE

        key = environ.get(API_KEY, "")
        if not key and not dry_run:
            return None, [Problem(newsletter.path, newsletter.line, "newsletter.provider",
                                  f"{API_KEY} is not set in the environment (expected your "
                                  "Buttondown API key there)")]
        secrets = {API_KEY: key, BASE_VARIABLE: environ.get(BASE_VARIABLE, "")}
        return Prepared([], None, secrets), []
    if newsletter.smtp is None:  # reported by the site's validation
        return None, []
    problems: list[Problem] = []
    addresses: list[str] = []
    if not test:
        addresses, problems = load_subscribers(content_dir, newsletter.subscribers, shown_dir,
                                               newsletter.path, newsletter.subscribers_line)
    endpoint = endpoint_for(newsletter.smtp, environ)
    if not dry_run:
        problems += secret_problems(newsletter, endpoint)
    return Prepared(addresses, endpoint, {}), problems


def run_send(loaded: "Loaded", prepared: Prepared, content_dir: Path, *, dry_run: bool,
             test_address: str | None, pace: float | None, verbose: bool, sleep: Sleep,
             interrupted: Callable[[], bool]) -> int:
    """The exit status of a run whose settings are all valid."""
    newsletter, issue, site, record = loaded.newsletter, loaded.issue, loaded.site, loaded.record
    assert newsletter is not None and issue is not None and site is not None and record is not None
    if not (test_address or dry_run) and (issue.draft or loaded.scheduled):
        state = "a draft" if issue.draft else f"scheduled for {issue.date}"
        raise click.ClickException(f"issue {issue.slug} is {state}: only a published issue is "
                                   f"sent (expected 'roundup send {issue.slug} --test ADDRESS' "
                                   "to see it first)")
    environment = _environment(site, content_dir)
    if newsletter.provider == "buttondown":
        from .buttondown import run_buttondown

        return run_buttondown(loaded, prepared.secrets, environment, dry_run=dry_run,
                              test_address=test_address)
    assert prepared.endpoint is not None
    edition = render_edition(environment, site, issue, newsletter)
    addresses, endpoint = prepared.addresses, prepared.endpoint
    if dry_run:
        return _dry_run(edition, newsletter, addresses, loaded, test_address)
    settings = SendSettings(pace=pace if pace is not None else newsletter.pace)
    connection = Connection(endpoint, settings.timeout)
    where = f"{endpoint.host}:{endpoint.port}"
    if test_address:
        return _test_send(edition, newsletter, test_address, connection, settings, sleep, where)
    say = click.echo if verbose else (lambda text: None)
    click.echo(f"Sending '{edition.subject}' to {_plural(len(addresses), 'subscriber')} "
               f"through {where} ...")
    outcome = send_list(edition, newsletter, addresses, record, connection, settings,
                        sleep=sleep, interrupted=interrupted, say=say)
    for address, reason in outcome.failed:
        click.echo(f"failed: {address}: the server refused it: {reason} (recorded in "
                   f"{record.shown}; delete that line to try again)", err=True)
    failed = len(outcome.failed) + len(outcome.failed_before)
    earlier = f" ({len(outcome.failed_before)} earlier)" if outcome.failed_before else ""
    click.echo(f"Sent: {len(outcome.sent)}, already sent: {len(outcome.already)}, "
               f"failed: {failed}{earlier}.")
    if outcome.stopped or outcome.left:
        why = "interrupted" if outcome.stopped == "interrupted" else \
            outcome.stopped or f"the server refused them for now ({outcome.left[0][1]})"
        click.echo(f"Not sent yet: {len(outcome.left)} ({why}). Run 'roundup send {issue.slug}' "
                   "again to send to them; nobody gets it twice.", err=True)
        return 1
    return 0


def _dry_run(edition: Edition, newsletter: Newsletter, addresses: list[str], loaded: "Loaded",
             test_address: str | None) -> int:
    record, issue = loaded.record, loaded.issue
    assert record is not None and issue is not None
    click.echo("Dry run: nothing is sent.")
    click.echo(f"From: {newsletter.sender}")
    click.echo(f"Subject: {'[TEST] ' if test_address else ''}{edition.subject}")
    click.echo(f"Unsubscribe: {newsletter.unsubscribe}")
    if test_address:
        click.echo(f"Would send one test copy to {test_address} (not recorded).")
        return 0
    if issue.draft or loaded.scheduled:
        click.echo(f"Note: issue {issue.slug} is not published yet; 'roundup send' refuses it "
                   "until it is.")
    todo = [a for a in addresses if record.find("email", a) is None]
    done = len(addresses) - len(todo)
    click.echo(f"Would send to {len(todo)} of {_plural(len(addresses), 'subscriber')} "
               f"({done} already in {record.shown}):")
    for address in todo:
        click.echo(f"  {address}")
    return 0


def _test_send(edition: Edition, newsletter: Newsletter, address: str, connection: Connection,
               settings: SendSettings, sleep: Sleep, where: str) -> int:
    message = build_message(edition, newsletter, address, test=True)
    try:
        status, reason = try_one(connection, message, newsletter.sender_address, address,
                                  settings, sleep)
    except StopSending as stop:
        raise click.ClickException(f"{stop}; the test copy was not sent") from None
    finally:
        connection.close()
    if status != "sent":
        raise click.ClickException(f"{where} refused the test copy to {address}: {reason}")
    click.echo(f"Sent a test copy of '{edition.subject}' to {address} (not recorded).")
    return 0
