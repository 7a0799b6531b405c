"""`roundup announce`: the issue on Mastodon and Bluesky, in their real request formats, once
each."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

from conftest import FIXTURES, run_cli
from fake_delivery_api import bluesky, mastodon, serve

SLUG = "2024-01-14"
ISSUE_URL = f"https://example.org/issues/{SLUG}/"
TOKEN, HANDLE, PASSWORD = "masto-token", "digest.bsky.social", "app-pass-word"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "minimal", target)
    with (target / "site.yaml").open("a", encoding="utf-8") as site:
        site.write("announce:\n  mastodon: {instance: https://mastodon.example}\n"
                   f"  bluesky: {{handle: {HANDLE}}}\n")
    return target


def announce(folder: Path, masto: str, sky: str, *extra: str, **env: str):
    return run_cli("announce", SLUG, "--content", str(folder), *extra,
                   env={"ROUNDUP_MASTODON_TOKEN": TOKEN, "ROUNDUP_BLUESKY_PASSWORD": PASSWORD,
                        "ROUNDUP_MASTODON_API": masto, "ROUNDUP_BLUESKY_API": sky, **env})


def test_one_post_on_each_network_and_none_on_a_second_run(content):
    masto, sky = mastodon(TOKEN), bluesky(HANDLE, PASSWORD)
    with serve(masto) as masto_url, serve(sky) as sky_url:
        first = announce(content, masto_url, sky_url)
        assert first.exit_code == 0, first.output + first.stderr
        second = announce(content, masto_url, sky_url)
    assert second.exit_code == 0
    assert "Mastodon: posted on" in second.output and "Bluesky: posted on" in second.output
    (status,) = masto.statuses
    posts = [r for r in masto.requests if r.method == "POST"]
    assert len(posts) == 1
    assert posts[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert posts[0].headers["Idempotency-Key"].startswith(f"paper-roundup-{SLUG}-")
    assert posts[0].body == {"status": f"Second issue\n\nThe second issue.\n\n{ISSUE_URL}",
                             "visibility": "public"}
    (record,) = sky.records.values()
    assert record["$type"] == "app.bsky.feed.post"
    assert record["text"] == f"Second issue\n\nThe second issue.\n\n{ISSUE_URL}"
    (facet,) = record["facets"]
    start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
    assert record["text"].encode()[start:end].decode() == ISSUE_URL
    assert facet["features"] == [{"$type": "app.bsky.richtext.facet#link", "uri": ISSUE_URL}]
    assert record["embed"] == {"$type": "app.bsky.embed.external", "external": {
        "uri": ISSUE_URL, "title": "Second issue", "description": "The second issue."}}
    assert record["createdAt"].endswith("Z")
    lines = (content / "sent" / f"{SLUG}.txt").read_text(encoding="utf-8").splitlines()
    entries = [line.split("\t")[1:4] for line in lines if not line.startswith("#")]
    assert entries == [["mastodon", "https://mastodon.example", "posted"],
                       ["bluesky", HANDLE, "posted"]]
    assert status["url"] in lines[-2] and list(sky.records)[0] in lines[-1]


def test_a_post_whose_reply_was_lost_is_found_and_not_made_again(content):
    masto, sky = mastodon(TOKEN, lose_reply=True), bluesky(HANDLE, PASSWORD, lose_reply=True)
    with serve(masto) as masto_url, serve(sky) as sky_url:
        first = announce(content, masto_url, sky_url)
        assert first.exit_code == 1
        assert "Mastodon: not posted:" in first.stderr and "HTTP 500" in first.stderr
        assert "Bluesky: not posted:" in first.stderr
        assert not (content / "sent").exists()
        second = announce(content, masto_url, sky_url)
    assert second.exit_code == 0, second.output + second.stderr
    assert second.output.count("found the post made earlier") == 2
    assert len(masto.statuses) == 1 and len(sky.records) == 1


def test_long_text_fits_each_networks_limit(content):
    issue = content / "issues" / f"{SLUG}.yaml"
    long = " ".join(["A summary that goes on"] * 40)
    issue.write_text(issue.read_text(encoding="utf-8").replace("The second issue.", long),
                     encoding="utf-8")
    masto, sky = mastodon(TOKEN), bluesky(HANDLE, PASSWORD)
    with serve(masto) as masto_url, serve(sky) as sky_url:
        result = announce(content, masto_url, sky_url)
    assert result.exit_code == 0, result.output + result.stderr
    text = masto.requests[-1].body["status"]
    assert len(text.replace(ISSUE_URL, "x" * 23)) <= 500 and text.endswith(ISSUE_URL)
    assert "…" in text
    (record,) = sky.records.values()
    assert len(record["text"]) <= 300 and record["text"].endswith(ISSUE_URL)


def test_dry_run_prints_the_posts_and_asks_nothing(content):
    masto, sky = mastodon(TOKEN), bluesky(HANDLE, PASSWORD)
    with serve(masto) as masto_url, serve(sky) as sky_url:
        result = announce(content, masto_url, sky_url, "--dry-run",
                          ROUNDUP_MASTODON_TOKEN="", ROUNDUP_BLUESKY_PASSWORD="")
    assert result.exit_code == 0, result.output + result.stderr
    assert "Mastodon (https://mastodon.example) would get:" in result.output
    assert f"  | {ISSUE_URL}" in result.output
    assert masto.requests == [] and sky.requests == []


def test_missing_secrets_and_bad_logins_are_reported(content):
    masto, sky = mastodon(TOKEN), bluesky(HANDLE, PASSWORD)
    with serve(masto) as masto_url, serve(sky) as sky_url:
        missing = announce(content, masto_url, sky_url, ROUNDUP_BLUESKY_PASSWORD="")
        assert len(masto.requests) == 0  # checked before anything is posted
        wrong = announce(content, masto_url, sky_url, ROUNDUP_MASTODON_TOKEN="nope",
                         ROUNDUP_BLUESKY_PASSWORD="nope")
    assert missing.exit_code == 1
    assert "announce.bluesky: ROUNDUP_BLUESKY_PASSWORD is not set" in missing.stderr
    assert "site.yaml:" in missing.stderr
    assert wrong.exit_code == 1
    assert "The access token is invalid" in wrong.stderr
    assert "Invalid identifier or password" in wrong.stderr
    assert "nope" not in unquote(wrong.output + wrong.stderr)
