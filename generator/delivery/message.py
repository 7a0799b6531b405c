"""One issue's email edition as the message each subscriber gets (pure: no network, no files)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import html
import re
from dataclasses import dataclass
from typing import Callable
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

import jinja2

from ..email import render_email_html, render_email_text
from ..errors import BuildError
from ..model import Issue, Site
from .config import Newsletter

# Rendered where the edition's unsubscribe link goes, then replaced by each reader's real link.
# Letters and dashes only, so that neither Jinja nor the CSS inliner changes it.
UNSUBSCRIBE_MARK = "ROUNDUP-UNSUBSCRIBE-LINK-c2f1"


def _one_line(text: str) -> str:
    return " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", text).split())


@dataclass(frozen=True)
class Edition:
    """An issue ready to be addressed: the subject and both parts with the unsubscribe mark."""

    slug: str
    subject: str
    html: str
    text: str
    url: str  # the issue's canonical URL
    list_name: str  # the site's title, for List-Id


def subject_for(pattern: str, site: Site, issue: Issue) -> str:
    return _one_line(pattern.format(title=issue.title, number=issue.number,
                                    date=issue.date.isoformat(), site=site.title))


def render_edition(env_for: Callable[[Site], jinja2.Environment], site: Site, issue: Issue,
                   newsletter: Newsletter) -> Edition:
    """Both parts of the edition; a theme without an unsubscribe link is refused."""
    marked = dataclasses.replace(site, email_unsubscribe=UNSUBSCRIBE_MARK)
    env = env_for(marked)
    # the templates put the link where they are given one; the website's copy has none
    html_part = render_email_html(env, marked, issue, UNSUBSCRIBE_MARK)
    text_part = render_email_text(env, marked, issue, UNSUBSCRIBE_MARK)
    for name, part in (("email/issue.html", html_part), ("email/issue.txt", text_part)):
        if UNSUBSCRIBE_MARK not in part:
            raise BuildError(f"the theme's {name} has no unsubscribe link (expected "
                             "{{ unsubscribe }} in it): nothing was sent")
    return Edition(issue.slug, subject_for(newsletter.subject, site, issue), html_part, text_part,
                   site.absolute(issue.url), _one_line(site.title))


def message_id(slug: str, address: str, domain: str) -> str:
    """The same for one issue and reader on every run: a copy sent again is a duplicate that
    mail clients can recognise, not a new message."""
    token = hashlib.sha256(f"{slug}\n{address.lower()}".encode()).hexdigest()[:24]
    return f"<roundup.{slug}.{token}@{domain}>"


def list_id(newsletter: Newsletter, name: str) -> str:
    """RFC 2919: the list's name and an id made of the sender's address (digest.example.org)."""
    local, _, domain = newsletter.sender_address.partition("@")
    label = re.sub(r"[^A-Za-z0-9-]+", "-", local).strip("-").lower() or "newsletter"
    phrase = re.sub(r'[<>"\\]', "", name)
    return f"{phrase} <{label}.{domain.lower()}>"


def build_message(edition: Edition, newsletter: Newsletter, address: str, *,
                  test: bool = False, now: dt.datetime | None = None) -> EmailMessage:
    """The message for one reader, addressed to that reader alone."""
    link = newsletter.unsubscribe_link(address)
    message = EmailMessage(policy=SMTP)
    domain = newsletter.sender_address.rpartition("@")[2] or "localhost"
    message["From"] = newsletter.sender
    message["To"] = address
    if newsletter.reply_to:
        message["Reply-To"] = newsletter.reply_to
    message["Subject"] = f"[TEST] {edition.subject}" if test else edition.subject
    message["Date"] = format_datetime(now or dt.datetime.now(dt.timezone.utc))
    message["Message-ID"] = make_msgid("roundup-test", domain) if test \
        else message_id(edition.slug, address, domain)
    message["List-Id"] = list_id(newsletter, edition.list_name)
    message["List-Unsubscribe"] = f"<{link}>"
    if link.startswith("https://"):  # RFC 8058: the mail client may unsubscribe with one POST
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["List-Archive"] = f"<{edition.url}>"
    message.set_content(edition.text.replace(UNSUBSCRIBE_MARK, link))
    message.add_alternative(edition.html.replace(UNSUBSCRIBE_MARK, html.escape(link)),
                            subtype="html")
    return message
