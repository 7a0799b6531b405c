"""The `newsletter:` and `announce:` sections of site.yaml, validated with their lines.

Pure: a parsed mapping in, settings and problems out. content/settings.py calls these so that
`roundup check` reports their mistakes too; `roundup send` and `announce` read them here.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import PurePosixPath
from urllib.parse import quote

from ..content.fields import Fields, is_http_url
from ..content.files import LineDict, Source, parse_yaml
from ..errors import Problem

PROVIDERS = ("smtp", "buttondown")
SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
SUBJECT_FIELDS = ("title", "number", "date", "site")
NEWSLETTER_FIELDS = ("provider", "from", "reply_to", "subject", "smtp", "subscribers",
                     "unsubscribe", "pace", "buttondown", "subscribe")
SMTP_FIELDS = ("host", "port", "security", "auth")
ANNOUNCE_FIELDS = ("mastodon", "bluesky")
# One address a mail server takes: no spaces, brackets, quotes, commas or control characters.
_ATOM = r"[^\s@<>()\[\],;:\"\\]"
_ADDRESS_RE = re.compile(rf"^{_ATOM}+@(?:(?!\.){_ATOM})+(?:\.(?:(?!\.){_ATOM})+)+$")
_HANDLE_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$",
                        re.IGNORECASE)
BUTTONDOWN_FORM = "https://buttondown.com/api/emails/embed-subscribe/"
EXPECTED_ADDRESS = "an address such as reader@example.org"


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: str  # starttls | ssl | none
    auth: bool  # log in with ROUNDUP_SMTP_USER / ROUNDUP_SMTP_PASSWORD
    line: int


@dataclass(frozen=True)
class Newsletter:
    provider: str
    sender: str  # the From header, "Name <address>" or an address
    reply_to: str
    subject: str  # a pattern with {title} {number} {date} {site}
    smtp: SmtpServer | None
    subscribers: str  # a path inside the content folder
    subscribers_line: int
    unsubscribe: str  # mailto: or https:// ({email} is the reader's address, URL-quoted)
    pace: float  # messages a minute; 0: as fast as the server takes them
    buttondown_username: str  # for the subscribe form (Buttondown's embed form)
    subscribe: str  # a mailto: link to join an SMTP list
    path: str
    line: int

    @property
    def sender_address(self) -> str:
        return parseaddr(self.sender)[1]

    def unsubscribe_link(self, address: str) -> str:
        return self.unsubscribe.replace("{email}", quote(address, safe="@"))


@dataclass(frozen=True)
class Mastodon:
    instance: str  # https://mastodon.social
    visibility: str
    line: int


@dataclass(frozen=True)
class Bluesky:
    handle: str
    line: int


@dataclass(frozen=True)
class Announce:
    mastodon: Mastodon | None
    bluesky: Bluesky | None
    path: str
    line: int


def address_problem(text: str) -> str:
    """Why text is not one email address (optionally "Name <address>"), or ''."""
    name, address = parseaddr(text)
    bare = text.strip()
    if "<" in bare:
        if not bare.endswith(">") or not address or bare.count("<") != 1:
            return f"'{text}' is not an address ({'expected Name <reader@example.org>'})"
    elif address != bare:
        return f"'{text}' is not an address (expected {EXPECTED_ADDRESS})"
    if not _ADDRESS_RE.match(address) or any(ord(c) < 32 for c in text):
        return f"'{text}' is not an address (expected {EXPECTED_ADDRESS})"
    return ""


def validate_newsletter(site: Fields) -> Newsletter | None:
    """site.yaml's `newsletter:` mapping, or None when there is none (or it is not a mapping)."""
    data = site.mapping("newsletter")
    if data is None:
        return None
    fields = Fields(data, site.path, "newsletter.", site.problems)
    fields.check_keys(NEWSLETTER_FIELDS)
    provider = fields.text("provider", True, f"one of: {', '.join(PROVIDERS)}")
    if provider and provider not in PROVIDERS:
        fields.fail("provider", f"unknown provider '{provider}' "
                                f"(expected one of: {', '.join(PROVIDERS)})")
        provider = ""
    smtp = provider == "smtp"
    sender = _address(fields, "from", required=smtp)
    unsubscribe = _unsubscribe(fields, required=smtp)
    subscribers = _subscribers(fields, required=smtp)
    server = _smtp_server(fields, required=smtp)
    if not smtp:
        for key in ("smtp", "subscribers"):
            if key in data and provider:
                fields.fail(key, f"is only for provider smtp (expected no '{key}' with {provider})")
    username = ""
    buttondown = fields.mapping("buttondown")
    if buttondown is not None:
        bd = Fields(buttondown, site.path, "newsletter.buttondown.", site.problems)
        bd.check_keys(("username",))
        username = bd.text("username", True, "your Buttondown username")
        if username and not re.fullmatch(r"[A-Za-z0-9_-]+", username):
            bd.fail("username", f"'{username}' is not a Buttondown username "
                                "(expected letters, digits, '-' and '_')")
            username = ""
    subscribe = fields.text("subscribe", expected="a mailto: link")
    if subscribe and not subscribe.lower().startswith("mailto:"):
        fields.fail("subscribe", f"'{subscribe}' is not a mailto: link "
                                 "(expected mailto:you@example.org?subject=subscribe)")
        subscribe = ""
    if not subscribe and smtp and sender:
        subscribe = f"mailto:{parseaddr(sender)[1]}?subject=subscribe"
    pace = fields.integer("pace", 1) or 0
    return Newsletter(provider=provider, sender=sender, reply_to=_address(fields, "reply_to"),
                      subject=_subject(fields), smtp=server, subscribers=subscribers,
                      subscribers_line=data.line_of("subscribers"), unsubscribe=unsubscribe,
                      pace=float(pace), buttondown_username=username, subscribe=subscribe,
                      path=site.path, line=site.data.line_of("newsletter"))


def _address(fields: Fields, key: str, required: bool = False) -> str:
    value = fields.text(key, required, f"the sender, such as \"Digest <{'digest@example.org'}>\"")
    problem = address_problem(value) if value else ""
    if problem:
        fields.fail(key, problem)
        return ""
    return value


def _unsubscribe(fields: Fields, required: bool) -> str:
    value = fields.text("unsubscribe", required, "a mailto: or https:// link")
    if not value:
        return ""
    if value.lower().startswith("mailto:"):
        if address_problem(value[7:].split("?", 1)[0]):
            fields.fail("unsubscribe", f"'{value}' has no address after mailto: "
                                       "(expected mailto:you@example.org?subject=unsubscribe)")
            return ""
        return value
    if value.startswith("https://") and is_http_url(value.replace("{email}", "x")):
        return value
    fields.fail("unsubscribe", f"'{value}' is not an unsubscribe link (expected a mailto: link "
                               "or an https:// link, where {email} stands for the reader's "
                               "address)")
    return ""


def _subscribers(fields: Fields, required: bool) -> str:
    value = fields.text("subscribers", required,
                        "a file in the content folder, such as subscribers.txt")
    path = PurePosixPath(value)
    if value and (path.is_absolute() or ".." in path.parts or "\\" in value):
        fields.fail("subscribers", f"'{value}' is not a file in the content folder "
                                   "(expected a relative path such as subscribers.txt)")
        return ""
    return value


def _smtp_server(fields: Fields, required: bool) -> SmtpServer | None:
    data = fields.mapping("smtp")
    if data is None:
        if required and "smtp" not in fields.data:
            fields.fail("smtp", "is missing (expected {host: smtp.example.org, port: 587, "
                                "security: starttls})")
        return None
    smtp = Fields(data, fields.path, "newsletter.smtp.", fields.problems)
    smtp.check_keys(SMTP_FIELDS)
    host = smtp.text("host", True, "the mail server's name, such as smtp.example.org")
    if host and not re.fullmatch(r"[A-Za-z0-9.:\[\]-]+", host):
        smtp.fail("host", f"'{host}' is not a host name (expected a name such as smtp.example.org)")
    security = smtp.text("security") or "starttls"
    if security not in SECURITY:
        smtp.fail("security", f"'{security}' is not a kind of security (expected one of: "
                              f"{', '.join(SECURITY)})")
        security = "starttls"
    port = smtp.integer("port", 1)
    if port is not None and port > 65535:
        smtp.fail("port", f"{port} is not a port (expected a number from 1 to 65535)")
    auth = smtp.boolean("auth") if "auth" in data else True
    return SmtpServer(host, port or DEFAULT_PORTS[security], security, auth, data.line)


def _subject(fields: Fields) -> str:
    value = fields.text("subject", expected="a pattern such as \"{site}: {title}\"") or "{title}"
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError:
        names = {"?"}
    unknown = sorted(names - set(SUBJECT_FIELDS))
    if unknown:
        known = ", ".join("{" + name + "}" for name in SUBJECT_FIELDS)
        fields.fail("subject", f"'{value}' has an unknown or broken placeholder "
                               f"(expected only {known})")
        return "{title}"
    return value


def signup_form(newsletter: Newsletter | None) -> str:
    """Where the subscribe form posts: Buttondown's embed form, for a Buttondown newsletter."""
    if newsletter is None or newsletter.provider != "buttondown":
        return ""
    if not newsletter.buttondown_username:
        return ""
    return f"{BUTTONDOWN_FORM}{newsletter.buttondown_username}"


def validate_announce(site: Fields) -> Announce | None:
    data = site.mapping("announce")
    if data is None:
        return None
    fields = Fields(data, site.path, "announce.", site.problems)
    fields.check_keys(ANNOUNCE_FIELDS)
    mastodon = bluesky = None
    masto = fields.mapping("mastodon")
    if masto is not None:
        m = Fields(masto, site.path, "announce.mastodon.", site.problems)
        m.check_keys(("instance", "visibility"))
        instance = m.text("instance", True, "your server, such as https://mastodon.social")
        if instance and not (instance.startswith("https://") and is_http_url(instance)):
            m.fail("instance", f"'{instance}' is not an https:// address "
                               "(expected your server, such as https://mastodon.social)")
            instance = ""
        visibility = m.text("visibility") or "public"
        if visibility not in ("public", "unlisted", "private"):
            m.fail("visibility", f"'{visibility}' is not a visibility "
                                 "(expected one of: public, unlisted, private)")
        if instance:
            mastodon = Mastodon(instance.rstrip("/"), visibility, masto.line)
    sky = fields.mapping("bluesky")
    if sky is not None:
        b = Fields(sky, site.path, "announce.bluesky.", site.problems)
        b.check_keys(("handle",))
        handle = b.text("handle", True, "your handle, such as digest.bsky.social").lstrip("@")
        if handle and not _HANDLE_RE.match(handle):
            b.fail("handle", f"'{handle}' is not a Bluesky handle (expected a name such as "
                             "digest.bsky.social)")
            handle = ""
        if handle:
            bluesky = Bluesky(handle, sky.line)
    return Announce(mastodon, bluesky, site.path, site.data.line_of("announce"))


def read_delivery_settings(source: Source) -> tuple[Newsletter | None, Announce | None,
                                                    list[Problem]]:
    """The two sections of a site.yaml on their own (`roundup send` and `announce`)."""
    data, problems = parse_yaml(source)
    if not isinstance(data, LineDict):
        return None, None, problems
    fields = Fields(data, source.path, "", problems)
    return validate_newsletter(fields), validate_announce(fields), problems
