"""`roundup send` with provider buttondown: one draft per issue, found again on a second run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURES, run_cli
from fake_delivery_api import buttondown, serve

SLUG = "2024-01-14"
KEY = "bd-secret-key"
ISSUE_URL = f"https://example.org/issues/{SLUG}/"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "minimal", target)
    with (target / "site.yaml").open("a", encoding="utf-8") as site:
        site.write("newsletter:\n  provider: buttondown\n  subject: \"{site}: {title}\"\n"
                   "  buttondown: {username: minimal}\n")
    return target


def send(folder: Path, base: str, *extra: str, key: str = KEY):
    return run_cli("send", SLUG, "--content", str(folder), *extra,
                   env={"ROUNDUP_BUTTONDOWN_API_KEY": key, "ROUNDUP_BUTTONDOWN_API": f"{base}/v1"})


def test_the_issue_becomes_one_draft_and_a_second_run_finds_it(content):
    api = buttondown(KEY)
    with serve(api) as base:
        first = send(content, base)
        assert first.exit_code == 0, first.output + first.stderr
        assert "Made the Buttondown draft 'Minimal Digest: Second issue'" in first.output
        (made,) = api.emails
        assert made["status"] == "draft" and made["canonical_url"] == ISSUE_URL
        assert made["subject"] == "Minimal Digest: Second issue"
        assert made["description"] == "The second issue."
        assert made["body"].startswith("<!-- buttondown-editor-mode: plaintext -->")
        page = BeautifulSoup(made["body"], "html.parser")
        assert page.find("a", string="Unsubscribe")["href"] == "{{ unsubscribe_url }}"
        assert "Another Efficient Paper" in page.get_text()
        assert page.find("script") is None and "ROUNDUP-UNSUBSCRIBE" not in made["body"]
        second = send(content, base)
    assert second.exit_code == 0
    assert "nothing made" in second.output
    assert len(api.emails) == 1
    assert [r.method for r in api.requests] == ["GET", "POST"]  # the second run asked nothing
    record = (content / "sent" / f"{SLUG}.txt").read_text(encoding="utf-8")
    assert "\tbuttondown\t127.0.0.1:" in record and f"\tdraft\t{made['id']} draft" in record


def test_a_draft_whose_reply_was_lost_is_found_by_the_issues_url(content):
    older = [{"id": f"em_{n}", "creation_date": f"2024-12-0{n}T00:00:00Z", "status": "sent",
              "subject": f"Old {n}", "canonical_url": f"https://example.org/issues/old-{n}/"}
             for n in range(1, 6)]
    ours = {"id": "em_ours", "creation_date": "2024-11-01T00:00:00Z", "status": "draft",
            "subject": "Second issue", "canonical_url": ISSUE_URL}
    api = buttondown(KEY, older + [ours])  # the oldest: on the third page
    with serve(api) as base:
        result = send(content, base)
    assert result.exit_code == 0, result.output + result.stderr
    assert "Found the Buttondown email made earlier for this issue (id em_ours" in result.output
    assert [r.method for r in api.requests] == ["GET", "GET", "GET"]
    assert all(r.headers["Authorization"] == f"Token {KEY}" for r in api.requests)
    assert len(api.emails) == 6


def test_a_test_copy_is_sent_from_the_draft_and_drafts_are_never_sent(content):
    issue = content / "issues" / f"{SLUG}.yaml"
    issue.write_text(issue.read_text(encoding="utf-8") + "draft: true\n", encoding="utf-8")
    api = buttondown(KEY)
    with serve(api) as base:
        refused = send(content, base)
        assert refused.exit_code == 1 and "is a draft" in refused.stderr
        assert api.requests == []
        result = send(content, base, "--test", "me@example.org")
    assert result.exit_code == 0, result.output + result.stderr
    assert api.requests[-1].path.endswith(f"/emails/{api.emails[0]['id']}/send-draft")
    assert api.requests[-1].body == {"recipients": ["me@example.org"]}


def test_dry_run_asks_nothing_and_a_missing_key_is_reported_first(content):
    api = buttondown(KEY)
    with serve(api) as base:
        dry = send(content, base, "--dry-run", key="")
        missing = send(content, base, key="")
        wrong = send(content, base, key="not-the-key")
    assert dry.exit_code == 0 and "Would make a Buttondown draft" in dry.output
    assert missing.exit_code == 1
    assert "site.yaml:" in missing.stderr
    assert "ROUNDUP_BUTTONDOWN_API_KEY is not set in the environment" in missing.stderr
    assert wrong.exit_code == 1 and "HTTP 401" in wrong.stderr and "Invalid token" in wrong.stderr
    assert "not-the-key" not in wrong.output + wrong.stderr
    assert not (content / "sent").exists()
