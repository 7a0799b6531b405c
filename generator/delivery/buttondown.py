"""The issue as a Buttondown draft, made once: the editor reviews it there and presses send.

A draft is found again by the id in the record or, when the record lacks it (a reply lost on
the way back), by the issue's canonical URL among the newsletter's emails, so a second run never
makes a second draft. API: POST/GET {base}/emails, `Authorization: Token KEY`.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import urlsplit

import click

from ..editor.http import HttpSettings
from .api import ApiError, request_json, text_field
from .message import UNSUBSCRIBE_MARK, Edition, render_edition

if TYPE_CHECKING:
    from .commands import Loaded

API_KEY = "ROUNDUP_BUTTONDOWN_API_KEY"
BASE_VARIABLE = "ROUNDUP_BUTTONDOWN_API"
API_BASE = "https://api.buttondown.com/v1"
# Buttondown keeps a body that starts with this as it is, rather than reading it as Markdown.
RAW_HTML = "<!-- buttondown-editor-mode: plaintext -->"
UNSUBSCRIBE = "{{ unsubscribe_url }}"  # Buttondown puts each reader's link there
MAX_PAGES = 20


def api_base(environ: dict[str, str]) -> str:
    return (environ.get(BASE_VARIABLE) or API_BASE).rstrip("/")


def draft_body(edition: Edition) -> str:
    """The HTML edition's body, styles inline, with Buttondown's unsubscribe link."""
    match = re.search(r"<body[^>]*>(.*)</body>", edition.html, re.S | re.I)
    inner = match.group(1).strip() if match else edition.html
    return f"{RAW_HTML}\n{inner.replace(UNSUBSCRIBE_MARK, UNSUBSCRIBE)}\n"


def find_draft(base: str, headers: dict[str, str], url: str, settings: HttpSettings,
               sleep: Callable[[float], None]) -> dict[str, Any] | None:
    """The newsletter's email whose canonical URL is the issue's, newest first; None if none."""
    page: str | None = f"{base}/emails?ordering=-creation_date"
    for _ in range(MAX_PAGES):
        assert page is not None
        data = request_json("GET", page, headers=headers, settings=settings, sleep=sleep)
        for email in (data or {}).get("results") or []:
            if isinstance(email, dict) and email.get("canonical_url") == url:
                return email
        page = (data or {}).get("next")
        # the next page only from the same service: the API key goes nowhere else
        if not isinstance(page, str) or not page.startswith(base + "/"):
            return None
    return None


def run_buttondown(loaded: "Loaded", secrets: dict[str, str], environment: Callable[..., Any],
                   *, dry_run: bool, test_address: str | None,
                   sleep: Callable[[float], None] = time.sleep) -> int:
    newsletter, site, issue, record = loaded.newsletter, loaded.site, loaded.issue, loaded.record
    assert newsletter is not None and site is not None and issue is not None and record is not None
    base = api_base(secrets)
    host = urlsplit(base).netloc
    edition = render_edition(environment, site, issue, newsletter)
    known = record.find("buttondown", host)
    if dry_run:
        click.echo("Dry run: nothing is sent.")
        if known:
            click.echo(f"The Buttondown draft of this issue was made on {known.when} "
                       f"(id {known.detail}); nothing would be made.")
        else:
            click.echo(f"Would make a Buttondown draft '{edition.subject}' for {edition.url} "
                       f"({len(draft_body(edition))} characters), unless one exists.")
        if test_address:
            click.echo(f"Would send a test copy of it to {test_address}.")
        return 0
    headers = {"Authorization": f"Token {secrets[API_KEY]}"}
    settings = HttpSettings()
    try:
        if known is None:
            draft_id = _find_or_make(base, headers, edition, issue.summary, settings, sleep,
                                     record, host)
        else:
            draft_id = known.detail.split()[0]
            click.echo(f"The Buttondown draft of this issue was made on {known.when} "
                       f"(id {draft_id}); nothing made. Review it and send it there.")
        if test_address:
            request_json("POST", f"{base}/emails/{draft_id}/send-draft", headers=headers,
                         body={"recipients": [test_address]}, settings=settings, sleep=sleep,
                         idempotent=False)
            click.echo(f"Buttondown sent a test copy of the draft to {test_address}.")
    except ApiError as error:
        raise click.ClickException(f"Buttondown: {error}") from None
    return 0


def _find_or_make(base: str, headers: dict[str, str], edition: Edition, summary: str,
                  settings: HttpSettings, sleep: Callable[[float], None], record: Any,
                  host: str) -> str:
    found = find_draft(base, headers, edition.url, settings, sleep)
    if found is not None:
        draft_id, status = text_field(found, "id"), text_field(found, "status") or "draft"
        record.add("buttondown", host, "draft", f"{draft_id} {status}")
        click.echo(f"Found the Buttondown email made earlier for this issue (id {draft_id}, "
                   f"{status}); nothing made.")
        return draft_id
    body = {"subject": edition.subject, "body": draft_body(edition), "status": "draft",
            "canonical_url": edition.url, "description": summary,
            "metadata": {"paper-roundup": edition.slug}}
    # not retried when busy (but 429): a lost reply is found by its URL on the next run
    made = request_json("POST", f"{base}/emails", headers=headers, body=body, settings=settings,
                        sleep=sleep, idempotent=False)
    draft_id = text_field(made, "id")
    if not draft_id:
        raise ApiError(f"{host} made the draft but sent back no id")
    record.add("buttondown", host, "draft", f"{draft_id} draft")
    click.echo(f"Made the Buttondown draft '{edition.subject}' (id {draft_id}): review it and "
               "send it there.")
    return draft_id
