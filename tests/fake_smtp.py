"""A real SMTP server on 127.0.0.1 (aiosmtpd, in a thread of the test process) with faults to order.

It keeps every message it accepted, exactly as it arrived, and can: answer chosen recipients with
chosen replies (450, 421, 550 ...), drop the connection instead of accepting the Nth message, and
call a function after each message it accepted (to press Ctrl-C half-way through a run).
"""

from __future__ import annotations

import contextlib
import email
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from typing import Callable, Iterator

from tools import require_module


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Arrived:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=default)  # type: ignore[return-value]


@dataclass
class FaultyHandler:
    arrived: list[Arrived] = field(default_factory=list)
    replies: dict[str, list[str]] = field(default_factory=dict)  # address -> replies, one a try
    refuse: dict[str, str] = field(default_factory=dict)  # address -> a reply for every try
    drop_at: set[int] = field(default_factory=set)  # drop instead of accepting message number N
    gone_after: int | None = None  # drop every try once this many messages were accepted
    after_accept: Callable[[int], None] | None = None
    sessions: int = 0
    tries: int = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        if self.replies.get(address):
            return self.replies[address].pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.tries += 1
        gone = self.gone_after is not None and len(self.arrived) >= self.gone_after
        if gone or len(self.arrived) + 1 in self.drop_at:
            self.drop_at.discard(len(self.arrived) + 1)
            server.transport.close()  # gone before the message was accepted
            return "421 4.4.2 closing the connection"
        self.arrived.append(Arrived(envelope.mail_from, list(envelope.rcpt_tos),
                                    envelope.original_content or envelope.content))
        if self.after_accept:
            self.after_accept(len(self.arrived))
        return "250 2.0.0 OK"


@contextlib.contextmanager
def smtp_server(handler: FaultyHandler, port: int | None = None, **options) -> Iterator[int]:
    """Serve handler on 127.0.0.1; yields the port."""
    controller_module = require_module("aiosmtpd.controller", "the tests of roundup send")
    port = port or free_port()
    controller = controller_module.Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
