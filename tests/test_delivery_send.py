"""`roundup send` over SMTP against a real server on 127.0.0.1 with faults injected: what arrived,
each subscriber exactly once, and a record that lets an interrupted run finish the job."""

from __future__ import annotations

import _thread
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURES, run_cli
from fake_smtp import FaultyHandler, smtp_server
from tools import require_module

SLUG = "2024-01-14"
READERS = ["ada@example.org", "bob@example.net", "cy@example.com", "dee@example.org",
           "eve@example.org"]
NO_LOGIN = {"ROUNDUP_SMTP_USER": "", "ROUNDUP_SMTP_PASSWORD": ""}


def newsletter_yaml(port: int, unsubscribe: str = "mailto:digest@example.org?subject=unsubscribe",
                    extra: str = "") -> str:
    return (f"newsletter:\n  provider: smtp\n  from: \"Minimal Digest <digest@example.org>\"\n"
            f"  reply_to: editor@example.org\n  subject: \"{{site}} #{{number}}: {{title}}\"\n"
            f"  smtp: {{host: 127.0.0.1, port: {port}, security: none, auth: false}}\n"
            f"  subscribers: subscribers.txt\n  unsubscribe: \"{unsubscribe}\"\n{extra}")


@pytest.fixture
def content(tmp_path: Path):
    """A copy of the minimal digest with an SMTP newsletter; call it with the server's port."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "minimal", target)
    (target / "subscribers.txt").write_text("# our readers\n" + "\n".join(READERS) + "\n",
                                            encoding="utf-8")
    original = (target / "site.yaml").read_text(encoding="utf-8")

    def configure(port: int, **options) -> Path:
        (target / "site.yaml").write_text(original + newsletter_yaml(port, **options),
                                          encoding="utf-8")
        return target
    return configure


@pytest.fixture
def no_pause(monkeypatch):
    """Back-off without waiting; the pauses asked for are kept."""
    pauses: list[float] = []
    monkeypatch.setattr("generator.delivery.commands._sleep", pauses.append)
    return pauses


def send(folder: Path, *extra: str, env: dict | None = None):
    return run_cli("send", SLUG, "--content", str(folder), *extra, env={**NO_LOGIN, **(env or {})})


def record_lines(folder: Path) -> list[list[str]]:
    path = folder / "sent" / f"{SLUG}.txt"
    if not path.exists():
        return []
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]


def delivered_to(handler: FaultyHandler) -> list[str]:
    return [address for arrived in handler.arrived for address in arrived.recipients]


def test_each_subscriber_gets_one_message_addressed_to_them_alone(content):
    handler = FaultyHandler()
    with smtp_server(handler) as port:
        folder = content(port)
        result = send(folder)
    assert result.exit_code == 0, result.output
    assert "Sent: 5, already sent: 0, failed: 0." in result.output
    assert sorted(delivered_to(handler)) == sorted(READERS)
    assert handler.sessions == 1  # one connection for every message
    for arrived in handler.arrived:
        message = arrived.message
        (reader,) = arrived.recipients
        assert arrived.sender == "digest@example.org"
        assert message["To"] == reader and message["Cc"] is None and message["Bcc"] is None
        assert not any(other in arrived.data.decode() for other in READERS if other != reader)
        assert message["From"] == "Minimal Digest <digest@example.org>"
        assert message["Reply-To"] == "editor@example.org"
        assert message["Subject"] == "Minimal Digest #2: Second issue"
        assert message["Message-ID"].startswith("<roundup.2024-01-14.")
        assert message["Date"].datetime is not None
        assert message["List-Id"] == "Minimal Digest <digest.example.org>"
        assert message["List-Unsubscribe"] == "<mailto:digest@example.org?subject=unsubscribe>"
        assert message["List-Unsubscribe-Post"] is None  # one-click is for https links only
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert [part.get_content_type() for part in message.iter_parts()] == \
            ["text/plain", "text/html"]
        assert "Another Efficient Paper" in text and "Another Efficient Paper" in html
        assert "Unsubscribe: mailto:digest@example.org?subject=unsubscribe" in text
        page = BeautifulSoup(html, "html.parser")
        link = page.find("a", string="Unsubscribe")
        assert link["href"] == "mailto:digest@example.org?subject=unsubscribe"
        assert "*|UNSUB|*" not in html + text and "ROUNDUP-UNSUBSCRIBE" not in html + text
    ids = {arrived.message["Message-ID"] for arrived in handler.arrived}
    assert len(ids) == 5
    lines = record_lines(folder)
    assert [(line[1], line[2], line[3]) for line in lines] == \
        [("email", reader, "sent") for reader in READERS]
    assert {line[4] for line in lines} == ids


def test_an_https_unsubscribe_link_is_each_readers_own_and_one_click(content):
    handler = FaultyHandler()
    with smtp_server(handler) as port:
        result = send(content(port, unsubscribe="https://example.org/leave?who={email}&x=1"))
    assert result.exit_code == 0, result.output
    for arrived in handler.arrived:
        message = arrived.message
        (reader,) = arrived.recipients
        link = f"https://example.org/leave?who={reader}&x=1"
        assert message["List-Unsubscribe"] == f"<{link}>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        page = BeautifulSoup(message.get_body(("html",)).get_content(), "html.parser")
        assert page.find("a", string="Unsubscribe")["href"] == link
        assert f"Unsubscribe: {link}" in message.get_body(("plain",)).get_content()


def test_a_second_run_sends_to_nobody_again(content):
    handler = FaultyHandler()
    with smtp_server(handler) as port:
        folder = content(port)
        assert send(folder).exit_code == 0
        again = send(folder)
    assert again.exit_code == 0
    assert "Sent: 0, already sent: 5, failed: 0." in again.output
    assert len(handler.arrived) == 5


def test_a_dropped_connection_is_opened_again_and_nobody_is_missed(content, no_pause):
    handler = FaultyHandler(drop_at={3})
    with smtp_server(handler) as port:
        result = send(content(port))
    assert result.exit_code == 0, result.output
    assert sorted(delivered_to(handler)) == sorted(READERS)
    assert handler.sessions == 2 and handler.tries == 6
    assert no_pause == []  # the first reconnection needs no pause


def test_refused_for_now_is_tried_again_and_refused_for_good_is_recorded(content, no_pause):
    handler = FaultyHandler(replies={"bob@example.net": ["450 4.2.0 greylisted", "451 4.3.0 busy"],
                                     "dee@example.org": ["421 4.7.0 too many, closing"]},
                            refuse={"cy@example.com": "550 5.1.1 no such mailbox"})
    with smtp_server(handler) as port:
        folder = content(port)
        result = send(folder)
    assert result.exit_code == 0, result.output
    assert sorted(delivered_to(handler)) == sorted(set(READERS) - {"cy@example.com"})
    assert no_pause == [5.0, 10.0, 5.0]  # bob: back-off doubling; dee: a pause, a new connection
    assert handler.sessions == 2
    assert "Sent: 4, already sent: 0, failed: 1." in result.output
    assert "cy@example.com: the server refused it: 550 5.1.1 no such mailbox" in result.stderr
    failed = [line for line in record_lines(folder) if line[3] == "failed"]
    assert [(line[2], line[4]) for line in failed] == [("cy@example.com",
                                                        "550 5.1.1 no such mailbox")]
    with smtp_server(handler) as port2:
        again = send(folder, env={"ROUNDUP_SMTP_HOST": f"127.0.0.1:{port2}"})
    assert "Sent: 0, already sent: 4, failed: 1 (1 earlier)." in again.output
    assert len(handler.arrived) == 4


def test_refused_for_now_after_every_retry_is_left_for_the_next_run(content, no_pause):
    handler = FaultyHandler(refuse={"bob@example.net": "452 4.2.2 mailbox full"})
    with smtp_server(handler) as port:
        folder = content(port)
        first = send(folder)
        assert first.exit_code == 1
        assert "Sent: 4, already sent: 0, failed: 0." in first.output
        assert "Not sent yet: 1 (the server refused them for now (452 4.2.2 mailbox full))" \
            in first.stderr
        assert "bob@example.net" not in (folder / "sent" / f"{SLUG}.txt").read_text()
        del handler.refuse["bob@example.net"]
        second = send(folder)
    assert second.exit_code == 0, second.output
    assert "Sent: 1, already sent: 4, failed: 0." in second.output
    assert sorted(delivered_to(handler)) == sorted(READERS)


def test_ctrl_c_half_way_stops_after_a_recorded_message_and_a_rerun_sends_the_rest(content):
    handler = FaultyHandler(after_accept=lambda count: count == 2 and _thread.interrupt_main())
    with smtp_server(handler) as port:
        folder = content(port)
        first = send(folder)
        assert first.exit_code == 1
        assert "Not sent yet: 3 (interrupted)" in first.stderr
        assert [line[2] for line in record_lines(folder)] == delivered_to(handler) == READERS[:2]
        handler.after_accept = None
        second = send(folder)
    assert second.exit_code == 0, second.output
    assert "Sent: 3, already sent: 2, failed: 0." in second.output
    assert delivered_to(handler) == READERS  # each exactly once, in the file's order


def test_a_server_that_goes_away_half_way_is_resumed_by_running_send_again(content, no_pause):
    handler = FaultyHandler(gone_after=3)
    with smtp_server(handler) as port:
        folder = content(port)
        first = send(folder)
    assert first.exit_code == 1
    assert "Sent: 3, already sent: 0, failed: 0." in first.output
    assert "Not sent yet: 2 (cannot send through 127.0.0.1:" in first.stderr
    assert no_pause == [5.0, 10.0]  # reconnected at once, then twice after a pause
    assert [line[2] for line in record_lines(folder)] == READERS[:3]
    handler.gone_after = None
    with smtp_server(handler) as port2:
        second = send(folder, env={"ROUNDUP_SMTP_HOST": f"127.0.0.1:{port2}"})
    assert second.exit_code == 0, second.output
    assert delivered_to(handler) == READERS


def test_dry_run_lists_who_would_get_what_and_sends_nothing(content):
    handler = FaultyHandler()
    with smtp_server(handler) as port:
        folder = content(port)
        result = send(folder, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Subject: Minimal Digest #2: Second issue" in result.output
    assert "Would send to 5 of 5 subscribers" in result.output
    assert all(f"  {reader}" in result.output for reader in READERS)
    assert handler.arrived == [] and handler.sessions == 0
    assert not (folder / "sent").exists()


def test_a_test_copy_goes_to_one_address_only_and_is_never_recorded(content):
    handler = FaultyHandler()
    with smtp_server(handler) as port:
        folder = content(port)
        issue = folder / "issues" / f"{SLUG}.yaml"
        issue.write_text(issue.read_text(encoding="utf-8") + "draft: true\n", encoding="utf-8")
        refused = send(folder)
        assert refused.exit_code == 1 and "is a draft" in refused.stderr
        result = send(folder, "--test", "me@example.org")
    assert result.exit_code == 0, result.output
    (arrived,) = handler.arrived
    assert arrived.recipients == ["me@example.org"]
    assert arrived.message["Subject"] == "[TEST] Minimal Digest #2: Second issue"
    assert not (folder / "sent").exists()


def test_bad_settings_are_reported_with_their_lines_before_anything_is_sent(content):
    handler = FaultyHandler()
    with smtp_server(handler) as port:
        folder = content(port)
        site = folder / "site.yaml"
        site.write_text(site.read_text(encoding="utf-8")
                        .replace('  from: "Minimal Digest <digest@example.org>"\n', "")
                        .replace("auth: false", "auth: true"), encoding="utf-8")
        (folder / "subscribers.txt").write_text("ada@example.org\nbob at example.net\n"
                                                "ada@example.org\n", encoding="utf-8")
        result = send(folder)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    first = [n for n, text in enumerate(site.read_text().splitlines(), 1) if "provider:" in text]
    assert f"{folder}/site.yaml:{first[0]}: newsletter.from: is missing" in result.stderr
    assert any(line.startswith(f"{folder}/subscribers.txt:2: 'bob at example.net' is not an "
                               "address") for line in lines)
    assert f"{folder}/subscribers.txt:3: 'ada@example.org' is also on line 1" in result.stderr
    assert "ROUNDUP_SMTP_USER and ROUNDUP_SMTP_PASSWORD not set in the environment" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert handler.sessions == 0


def test_roundup_check_reports_newsletter_mistakes_at_their_line(content):
    folder = content(25, extra="  pace: fast\n")
    result = run_cli("check", "--content", str(folder))
    assert result.exit_code == 1
    line = len((folder / "site.yaml").read_text().splitlines())
    assert f"site.yaml:{line}: newsletter.pace: 'fast' is not a whole number" in result.stderr


def test_starttls_and_login_with_secrets_from_the_environment(content, tmp_path, monkeypatch):
    import ssl

    trustme = require_module("trustme", "the STARTTLS test of roundup send")
    authenticate = require_module("aiosmtpd.smtp", "the tests of roundup send")
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1")
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(server_tls)
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))  # trusted like a real CA
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return authenticate.AuthResult(success=auth_data.password == b"s3cret", handled=False)

    handler = FaultyHandler()
    with smtp_server(handler, tls_context=server_tls, require_starttls=True,
                     authenticator=authenticator, auth_required=True) as port:
        folder = content(port)
        site = folder / "site.yaml"
        site.write_text(site.read_text().replace("security: none, auth: false",
                                                 "security: starttls"))
        wrong = send(folder, env={"ROUNDUP_SMTP_USER": "editor",
                                  "ROUNDUP_SMTP_PASSWORD": "nope"})
        assert wrong.exit_code == 1 and "refused the login of ROUNDUP_SMTP_USER" in wrong.stderr
        assert "nope" not in wrong.output + wrong.stderr
        result = send(folder, env={"ROUNDUP_SMTP_USER": "editor",
                                   "ROUNDUP_SMTP_PASSWORD": "s3cret"})
    assert result.exit_code == 0, result.output + result.stderr
    assert sorted(delivered_to(handler)) == sorted(READERS)
    assert logins[-1] == (b"editor", b"s3cret")


def test_a_password_is_never_sent_unencrypted_to_another_host(content):
    folder = content(25)
    site = folder / "site.yaml"
    site.write_text(site.read_text().replace("host: 127.0.0.1", "host: smtp.example.org")
                    .replace("auth: false", "auth: true"))
    result = send(folder, env={"ROUNDUP_SMTP_USER": "editor", "ROUNDUP_SMTP_PASSWORD": "pw"})
    assert result.exit_code == 1
    assert "security: none would send your password to smtp.example.org unencrypted" \
        in result.stderr


def test_a_csv_of_subscribers_is_read_by_its_email_column(content):
    handler = FaultyHandler()
    with smtp_server(handler) as port:
        folder = content(port)
        site = folder / "site.yaml"
        site.write_text(site.read_text().replace("subscribers.txt", "readers.csv"))
        (folder / "readers.csv").write_text('name,Email\n"Lovelace, Ada",ada@example.org\n'
                                            "Bob,bob@example.net\n", encoding="utf-8")
        result = send(folder)
    assert result.exit_code == 0, result.output
    assert delivered_to(handler) == ["ada@example.org", "bob@example.net"]


def test_pace_spaces_the_messages(tmp_path):
    from generator.delivery.config import Newsletter
    from generator.delivery.message import Edition
    from generator.delivery.record import Record
    from generator.delivery.smtp import SendSettings, send_list

    now = [0.0]
    starts: list[float] = []

    class Recorded:
        endpoint = None

        def send(self, message, sender, address):
            starts.append(now[0])

        def close(self):
            pass

    def sleep(seconds: float) -> None:
        now[0] += seconds

    newsletter = Newsletter("smtp", "d@example.org", "", "{title}", None, "s.txt", 1,
                            "mailto:d@example.org", 0.0, "", "", "site.yaml", 1)
    edition = Edition("x", "Subject", "<p>ROUNDUP-UNSUBSCRIBE-LINK-c2f1</p>",
                      "ROUNDUP-UNSUBSCRIBE-LINK-c2f1", "https://example.org/x/", "Site")
    record = Record(tmp_path / "sent" / "x.txt", "sent/x.txt", "x")
    outcome = send_list(edition, newsletter, READERS, record, Recorded(),  # type: ignore[arg-type]
                        SendSettings(pace=30), sleep=sleep, clock=lambda: now[0])
    assert outcome.sent == READERS
    assert starts == [0.0, 2.0, 4.0, 6.0, 8.0]  # 30 a minute: one every two seconds
