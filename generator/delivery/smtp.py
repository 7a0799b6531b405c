"""Send an issue to an SMTP list, one message per reader, each recorded once the server took it.

One connection serves many messages and is opened again when the server drops it. A reader the
server refuses for now (4xx) is tried again after a pause; one it refuses for good (5xx) is
recorded as failed and the run goes on. A run that stops (the server gone, Ctrl-C) leaves the
record of what was sent, and running it again sends the rest.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Callable

from .config import Newsletter, SmtpServer
from .message import Edition, build_message
from .record import Record

Sleep = Callable[[float], None]
Say = Callable[[str], None]


@dataclass(frozen=True)
class SendSettings:
    retries: int = 3  # further tries of one reader after a 4xx or a dropped connection
    backoff: float = 5.0  # seconds before the first retry, doubled each time
    timeout: float = 30.0  # seconds for each exchange with the server
    pace: float = 0.0  # messages a minute; 0: no limit


@dataclass(frozen=True)
class Endpoint:
    """Where to connect and how to log in (from site.yaml and the environment)."""

    host: str
    port: int
    security: str
    user: str = ""
    password: str = ""


def endpoint_for(server: SmtpServer, environ: dict[str, str]) -> Endpoint:
    """ROUNDUP_SMTP_HOST (host or host:port) overrides site.yaml; secrets come only from the
    environment."""
    host, port = server.host, server.port
    override = environ.get("ROUNDUP_SMTP_HOST", "").strip()
    if override:
        name, _, number = override.rpartition(":")
        host, port = (name, int(number)) if override.count(":") == 1 and number.isdigit() \
            else (override, port)
    user = environ.get("ROUNDUP_SMTP_USER", "") if server.auth else ""
    password = environ.get("ROUNDUP_SMTP_PASSWORD", "") if server.auth else ""
    return Endpoint(host, port, server.security, user, password)


class StopSending(Exception):
    """Nothing more can be sent in this run (the server is gone, or refuses us as a sender)."""


class Connection:
    """One SMTP session, opened when first needed and again after the server closed it."""

    def __init__(self, endpoint: Endpoint, timeout: float):
        self.endpoint, self.timeout = endpoint, timeout
        self.smtp: smtplib.SMTP | None = None
        self.opened = 0

    def _open(self) -> smtplib.SMTP:
        e = self.endpoint
        context = ssl.create_default_context()
        try:
            if e.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(e.host, e.port, timeout=self.timeout,
                                                      context=context)
            else:
                smtp = smtplib.SMTP(e.host, e.port, timeout=self.timeout)
            smtp.ehlo()
            if e.security == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
            if e.user:
                smtp.login(e.user, e.password)
        except smtplib.SMTPAuthenticationError as error:
            raise StopSending(f"{e.host} refused the login of ROUNDUP_SMTP_USER: "
                              f"{_reply(error.smtp_code, error.smtp_error)}") from None
        except smtplib.SMTPNotSupportedError as error:
            raise StopSending(f"{e.host}:{e.port} does not offer what security: {e.security} "
                              f"needs ({error})") from None
        except ssl.SSLCertVerificationError as error:
            raise StopSending(f"{e.host}'s certificate is not valid: "
                              f"{error.verify_message}") from None
        self.opened += 1
        return smtp

    def send(self, message: EmailMessage, sender: str, address: str) -> None:
        if self.smtp is None or self.smtp.sock is None:  # smtplib closes it on a 421
            self.smtp = self._open()
        self.smtp.send_message(message, sender, [address])

    def reset(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.close()
            except OSError:  # pragma: no cover - already gone
                pass
        self.smtp = None

    def close(self) -> None:
        if self.smtp is not None and self.smtp.sock is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
        self.reset()


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(words.split())}"


@dataclass
class Outcome:
    """What a run did, for the closing count."""

    sent: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (address, the server's reply)
    failed_before: list[str] = field(default_factory=list)
    left: list[tuple[str, str]] = field(default_factory=list)  # not sent; a later run tries again
    stopped: str = ""  # why the run ended early


def _server_reply(error: OSError) -> tuple[int, bytes | str] | None:
    """The server's refusal in an smtplib error, or None when the connection itself failed."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return next(iter(error.recipients.values()))
    if isinstance(error, smtplib.SMTPResponseException):  # sender refused, data refused ...
        return error.smtp_code, error.smtp_error
    return None


def try_one(connection: Connection, message: EmailMessage, sender: str, address: str,
            settings: SendSettings, sleep: Sleep) -> tuple[str, str]:
    """('sent', ''), ('failed', reply) or ('later', reply); StopSending when nothing can be sent."""
    reason, dropped, pauses = "", False, 0
    for attempt in range(settings.retries + 1):
        if attempt and not (dropped and attempt == 1):  # a first reconnect needs no pause
            sleep(settings.backoff * 2 ** pauses)
            pauses += 1
        try:
            connection.send(message, sender, address)
            return "sent", ""
        except smtplib.SMTPNotSupportedError as error:  # e.g. an address that needs SMTPUTF8
            return "failed", str(error)
        except OSError as error:  # smtplib's own errors are OSErrors too
            reply = _server_reply(error)
            if reply is None:  # the connection dropped or could not be opened
                connection.reset()
                reason, dropped = str(error) or type(error).__name__, True
                continue
            reason, dropped = _reply(*reply), False
            if isinstance(error, smtplib.SMTPSenderRefused) and reply[0] >= 500:
                raise StopSending(f"the server refused the sender {sender}: {reason}") from None
        if reason[:1] == "5":
            return "failed", reason
        if reason.startswith("421"):  # the server is closing the session: open a new one
            connection.reset()
    if dropped:
        endpoint = connection.endpoint
        raise StopSending(f"cannot send through {endpoint.host}:{endpoint.port}: {reason}")
    return "later", reason


def send_list(edition: Edition, newsletter: Newsletter, addresses: list[str], record: Record,
              connection: Connection, settings: SendSettings, *, sleep: Sleep = time.sleep,
              clock: Callable[[], float] = time.monotonic,
              interrupted: Callable[[], bool] = lambda: False,
              say: Say = lambda text: None) -> Outcome:
    """Send to every address the record has no line for, recording each as it is confirmed."""
    outcome = Outcome()
    sender = newsletter.sender_address
    interval = 60.0 / settings.pace if settings.pace else 0.0
    last_start: float | None = None
    todo = []
    for address in addresses:
        entry = record.find("email", address)
        if entry is None:
            todo.append(address)
        elif entry.status == "failed":
            outcome.failed_before.append(address)
        else:
            outcome.already.append(address)
    for index, address in enumerate(todo):
        if last_start is not None and interval:
            _wait_until(last_start + interval, sleep, clock, interrupted)
        if interrupted():
            outcome.stopped = "interrupted"
            outcome.left += [(rest, "interrupted") for rest in todo[index:]]
            break
        last_start = clock()
        message = build_message(edition, newsletter, address)
        try:
            status, reason = try_one(connection, message, sender, address, settings, sleep)
        except StopSending as stop:
            outcome.stopped = str(stop)
            outcome.left += [(rest, "not tried") for rest in todo[index:]]
            break
        if status == "sent":
            record.add("email", address, "sent", str(message["Message-ID"]))
            outcome.sent.append(address)
            say(f"sent to {address}")
        elif status == "failed":
            record.add("email", address, "failed", reason)
            outcome.failed.append((address, reason))
            say(f"failed: {address}: {reason}")
        else:
            outcome.left.append((address, reason))
            say(f"not sent for now: {address}: {reason}")
    connection.close()
    return outcome


def _wait_until(moment: float, sleep: Sleep, clock: Callable[[], float],
                interrupted: Callable[[], bool]) -> None:
    """Sleep until moment in short steps, so that Ctrl-C is noticed within a second."""
    while not interrupted():
        remaining = moment - clock()
        if remaining <= 0:
            return
        sleep(min(remaining, 1.0))
