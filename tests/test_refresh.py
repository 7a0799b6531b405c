"""`roundup refresh`: fake arXiv and Hugging Face servers on 127.0.0.1 in their real formats; what
the lock file records, and that a failed or partial run changes nothing it did not confirm."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from conftest import FIXTURES, run_cli
from fake_api import FakeApi, PaperWorld, arxiv_entry, arxiv_reply, closed_port_url, hf_paper
from generator.editor.http import HttpSettings
from generator.refresh.arxiv import load_arxiv_facts, parse_arxiv_facts
from generator.refresh.hf import hf_api_base, parse_hf_paper
from generator.refresh.lock import Checked, Fact, LockEntry, parse_lock, render_lock
from generator.content.files import Source

WITHDRAWN = "This paper has been withdrawn by the authors due to an error in Theorem 2"


@pytest.fixture
def world():
    """2401.00001 (featured 2024-01-07 as v1) and 2401.00003 (featured as v2 on 2024-01-14)."""
    world = PaperWorld()
    world.entries["2401.00001"] = arxiv_entry(
        "2401.00001", 1, "2024-01-02T10:00:00Z", "A Reasoning Paper"
    )
    world.entries["2401.00003"] = arxiv_entry(
        "2401.00003",
        2,
        "2024-01-10T10:00:00Z",
        "Another Efficient Paper",
        published="2024-01-05T10:00:00Z",
    )
    world.hf["2401.00001"] = hf_paper("2401.00001", "A Reasoning Paper", 12)
    return world


@pytest.fixture
def servers(world):
    with FakeApi(world.arxiv) as arxiv, FakeApi(world.papers, path="/api") as hf:
        yield arxiv, hf


@pytest.fixture
def content(tmp_path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "minimal", target)
    return target


def refresh(content: Path, servers, day: str, *extra: str):
    arxiv, hf = servers
    epoch = int(dt.datetime.fromisoformat(day).replace(tzinfo=dt.timezone.utc).timestamp())
    return run_cli(
        "refresh",
        "--content",
        str(content),
        "--arxiv-api",
        arxiv.url,
        "--hf-api",
        hf.url,
        "--pause",
        "0",
        *extra,
        env={"SOURCE_DATE_EPOCH": str(epoch)},
    )


def lock_of(content: Path) -> dict:
    return yaml.safe_load((content / "papers.lock.yaml").read_text(encoding="utf-8"))


# ---- the whole command, run twice as the papers change ----


def test_first_run_records_versions_and_what_hf_knows(content, servers):
    result = refresh(content, servers, "2024-02-01")
    assert result.exit_code == 0, result.output + result.stderr
    day = dt.date(2024, 2, 1)
    assert lock_of(content) == {
        "2401.00001": {
            "featured_version": 1,
            "arxiv_checked": {"first": day, "last": day},
            "version": {"value": 1, "posted": dt.date(2024, 1, 2), "first_seen": day},
            "hf_checked": {"first": day, "last": day},
            "upvotes": {"value": 12, "first_seen": day},
        },
        # named as v2 in its issue; Hugging Face does not know it (404): checked, with no facts
        "2401.00003": {
            "featured_version": 2,
            "arxiv_checked": {"first": day, "last": day},
            "version": {"value": 2, "posted": dt.date(2024, 1, 10), "first_seen": day},
            "hf_checked": {"first": day, "last": day},
        },
    }
    text = (content / "papers.lock.yaml").read_text(encoding="utf-8")
    assert text.index('"2401.00001":') < text.index('"2401.00003":')  # sorted, one block each
    assert "  version: {value: 1, posted: 2024-01-02, first_seen: 2024-02-01}\n" in text


def test_a_new_version_a_withdrawal_a_doi_and_code_are_recorded_with_the_day_seen(
    content, servers, world
):
    assert refresh(content, servers, "2024-02-01").exit_code == 0
    world.entries["2401.00001"] = arxiv_entry(
        "2401.00001",
        3,
        "2024-03-01T09:00:00Z",
        "A Reasoning Paper",
        published="2024-01-02T10:00:00Z",
        journal_ref="Proceedings of NeurIPS 2024, pp. 1-12",
        doi="10.1234/neurips.2024.42",
    )
    world.entries["2401.00003"] = arxiv_entry(
        "2401.00003", 3, "2024-03-02T09:00:00Z", "Another Efficient Paper", comment=WITHDRAWN
    )
    world.hf["2401.00001"] = hf_paper(
        "2401.00001",
        "A Reasoning Paper",
        40,
        repo="https://github.com/example/reasoner",
        stars=321,
        project_page="https://example.org/reasoner",
    )
    result = refresh(content, servers, "2024-03-05")
    assert result.exit_code == 0, result.output + result.stderr
    assert "2401.00001, 2401.00003" in result.output
    lock, first, now = lock_of(content), dt.date(2024, 2, 1), dt.date(2024, 3, 5)
    paper = lock["2401.00001"]
    assert paper["featured_version"] == 1  # what was current when featured stays
    assert paper["arxiv_checked"] == {"first": first, "last": now}
    assert paper["version"] == {"value": 3, "posted": dt.date(2024, 3, 1), "first_seen": now}
    assert paper["journal_ref"] == {
        "value": "Proceedings of NeurIPS 2024, pp. 1-12",
        "first_seen": now,
    }
    assert paper["doi"] == {"value": "10.1234/neurips.2024.42", "first_seen": now}
    assert paper["code"] == {"value": "https://github.com/example/reasoner", "first_seen": now}
    assert paper["stars"] == {"value": 321, "first_seen": now}
    assert paper["upvotes"] == {"value": 40, "first_seen": now}
    assert paper["project_page"] == {"value": "https://example.org/reasoner", "first_seen": now}
    other = lock["2401.00003"]
    assert other["withdrawn"] == {"value": True, "first_seen": now}
    assert other["version"]["value"] == 3 and other["featured_version"] == 2

    # a week later nothing changed: only the dates checked move, every fact keeps its first day
    later = dt.date(2024, 3, 12)
    result = refresh(content, servers, "2024-03-12")
    assert result.exit_code == 0 and "nothing changed" in result.output
    again = lock_of(content)
    assert again["2401.00001"]["doi"] == {"value": "10.1234/neurips.2024.42", "first_seen": now}
    assert again["2401.00001"]["arxiv_checked"] == {"first": first, "last": later}


def test_a_second_run_with_the_same_answers_on_the_same_day_writes_nothing(content, servers):
    assert refresh(content, servers, "2024-02-01").exit_code == 0
    path = content / "papers.lock.yaml"
    stamp = path.stat().st_mtime_ns
    result = refresh(content, servers, "2024-02-01")
    assert result.exit_code == 0 and "Unchanged:" in result.output
    assert path.stat().st_mtime_ns == stamp


def test_only_asks_about_the_papers_of_one_issue(content, servers):
    arxiv, hf = servers
    result = refresh(content, servers, "2024-02-01", "--only", "2024-01-07")
    assert result.exit_code == 0, result.output + result.stderr
    assert set(lock_of(content)) == {"2401.00001"}
    asked = [parse_qs(urlsplit(path).query)["id_list"][0] for path, _ in arxiv.requests]
    assert asked == ["2401.00001"] and [path for path, _ in hf.requests] == [
        "/api/papers/2401.00001"
    ]
    bad = refresh(content, servers, "2024-02-01", "--only", "2024-01-7")
    assert bad.exit_code == 1 and "did you mean '2024-01-07'?" in bad.stderr


# ---- a failed or partial run changes nothing it did not confirm ----


def test_arxiv_down_keeps_every_arxiv_fact_and_still_records_what_hf_confirmed(
    content, servers, world
):
    assert refresh(content, servers, "2024-02-01").exit_code == 0
    before = lock_of(content)
    world.hf["2401.00001"]["upvotes"] = 99
    arxiv, hf = servers
    result = run_cli(
        "refresh",
        "--content",
        str(content),
        "--arxiv-api",
        closed_port_url(),
        "--hf-api",
        hf.url,
        "--pause",
        "0",
        env={"SOURCE_DATE_EPOCH": "1710201600"},
    )  # 2024-03-12
    assert result.exit_code == 1
    assert (
        "Not confirmed: arXiv: cannot reach 127.0.0.1" in result.stderr
        and "partial" in result.stderr
    )
    after = lock_of(content)
    for arxiv_id in before:
        for name in ("arxiv_checked", "version", "featured_version"):
            assert after[arxiv_id][name] == before[arxiv_id][name]
    assert after["2401.00001"]["upvotes"]["value"] == 99
    assert after["2401.00001"]["hf_checked"]["last"] == dt.date(2024, 3, 12)


def test_hf_failing_midway_keeps_the_facts_of_the_papers_not_answered(content, servers, world):
    assert refresh(content, servers, "2024-02-01").exit_code == 0
    before = lock_of(content)
    arxiv, hf = servers
    hf.respond = lambda path: (500, {"Content-Type": "text/plain"}, b"Internal Error")
    result = refresh(content, servers, "2024-03-12")
    assert result.exit_code == 1 and "Hugging Face: 127.0.0.1" in result.stderr
    after = lock_of(content)
    assert after["2401.00001"]["hf_checked"] == before["2401.00001"]["hf_checked"]
    assert after["2401.00001"]["upvotes"] == before["2401.00001"]["upvotes"]
    assert after["2401.00001"]["arxiv_checked"]["last"] == dt.date(2024, 3, 12)  # arXiv did answer


def test_a_paper_arxiv_does_not_return_is_left_as_it_was(content, servers, world):
    assert refresh(content, servers, "2024-02-01").exit_code == 0
    del world.entries["2401.00003"]
    before = lock_of(content)["2401.00003"]
    result = refresh(content, servers, "2024-03-12")
    assert result.exit_code == 1 and "arXiv has no paper 2401.00003" in result.stderr
    assert lock_of(content)["2401.00003"]["arxiv_checked"] == before["arxiv_checked"]


def test_a_broken_lock_file_is_reported_with_its_line_and_left_alone(content, servers):
    path = content / "papers.lock.yaml"
    path.write_text(
        '"2401.00001":\n  featured_version: 1\n  version: {value: three, first_seen: 2024-02-01}\n',
        encoding="utf-8",
    )
    before = path.read_bytes()
    result = refresh(content, servers, "2024-02-01")
    assert result.exit_code == 1
    assert (
        f"{path}:3: \"2401.00001\".version.value: 'three' is not valid "
        "(expected a whole number >= 1)"
        in result.stderr
    )
    assert path.read_bytes() == before and not servers[0].requests


# ---- the pieces: replies in the APIs' formats, batching, busy servers ----


def test_parse_arxiv_facts_reads_the_real_atom_format():
    feed = (
        (FIXTURES / "arxiv" / "empty.xml")
        .read_text(encoding="utf-8")
        .replace(
            "</feed>",
            arxiv_entry(
                "2401.00001",
                4,
                "2024-05-06T07:08:09Z",
                "T",
                comment=f"v4: {WITHDRAWN}",
                journal_ref="ICML 2024",
                doi="10.5555/x.y",
            )
            + arxiv_entry("2401.00002", 1, "2024-01-01T00:00:00Z", "U", doi="not a doi")
            + "</feed>",
        )
    )
    facts = parse_arxiv_facts(feed.encode("utf-8"))
    first = facts["2401.00001"]
    assert (first.version, first.posted, first.withdrawn, first.journal_ref, first.doi) == (
        4,
        dt.date(2024, 5, 6),
        True,
        "ICML 2024",
        "10.5555/x.y",
    )
    assert facts["2401.00002"].doi == "" and not facts["2401.00002"].withdrawn


def test_the_recorded_arxiv_reply_gives_its_version():
    data = (FIXTURES / "arxiv" / "2406.04692.xml").read_bytes()
    facts = parse_arxiv_facts(data)["2406.04692"]
    assert (facts.version, facts.posted, facts.journal_ref) == (1, dt.date(2024, 6, 7), "")


def test_ids_are_asked_for_at_most_100_a_request_with_a_pause_between():
    ids = [f"2401.{number:05d}" for number in range(1, 206)]
    world = PaperWorld()
    world.entries = {arxiv: arxiv_entry(arxiv, 1, "2024-01-01T00:00:00Z", "T") for arxiv in ids}
    pauses: list[float] = []
    with FakeApi(world.arxiv) as api:
        found, failures = load_arxiv_facts(ids, api.url, pause=3.0, sleep=pauses.append)
    sizes = [
        len(parse_qs(urlsplit(path).query)["id_list"][0].split(",")) for path, _ in api.requests
    ]
    assert sizes == [100, 100, 5] and pauses == [3.0, 3.0]
    assert set(found) == set(ids) and not failures
    assert all(headers["User-Agent"].startswith("paper-roundup/") for _, headers in api.requests)


def test_a_busy_arxiv_is_asked_again():
    with FakeApi(arxiv_reply) as api:
        api.queued = [(503, {"Retry-After": "0"}, b"busy"), (503, {"Retry-After": "0"}, b"busy")]
        found, failures = load_arxiv_facts(
            ["2406.04692"], api.url, HttpSettings(backoff=0), sleep=lambda s: None
        )
    assert len(api.requests) == 3 and "2406.04692" in found and not failures


def test_parse_hf_paper_keeps_only_safe_links():
    paper = hf_paper(
        "2401.00001", "T", 5, repo="javascript:alert(1)", stars=3, project_page="http://x.org"
    )
    facts = parse_hf_paper("2401.00001", __import__("json").dumps(paper).encode())
    assert (facts.upvotes, facts.code, facts.stars, facts.project_page) == (5, "", None, "")
    good = hf_paper("2401.00001", "T", 5, repo="https://github.com/a/b", stars=7)
    facts = parse_hf_paper("2401.00001", __import__("json").dumps(good).encode())
    assert (facts.code, facts.stars) == ("https://github.com/a/b", 7)
    assert hf_api_base("https://huggingface.co/api/daily_papers") == "https://huggingface.co/api"


def test_render_and_parse_the_lock_round_trip():
    day = dt.date(2024, 2, 1)
    lock = {
        "2401.00002": LockEntry(
            2,
            (("arxiv", Checked(day, day)),),
            (
                ("version", Fact(3, day, dt.date(2024, 1, 30))),
                ("journal_ref", Fact('Say "hi": a\\b', day)),
            ),
        ),
        "2401.00001": LockEntry(None, (), (("withdrawn", Fact(True, day)),)),
    }
    text = render_lock(lock)
    assert text.index('"2401.00001"') < text.index('"2401.00002"')
    problems: list = []
    assert parse_lock(Source("papers.lock.yaml", text), problems) == lock and not problems


# ---- add records the version it fetched ----


def test_add_records_the_version_it_fetched(content):
    with FakeApi(arxiv_reply) as api:
        result = run_cli(
            "add",
            "2406.04692",
            "--issue",
            "2024-01-14",
            "--category",
            "reasoning",
            "--content",
            str(content),
            "--api-url",
            api.url,
        )
    assert result.exit_code == 0, result.output + result.stderr
    assert lock_of(content) == {"2406.04692": {"featured_version": 1}}


# ---- the weekly workflow ----

def test_the_refresh_workflow_runs_weekly_and_opens_a_pull_request():
    from conftest import ROOT

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "refresh.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["schedule"][0]["cron"].split()[2:] == ["*", "*", "1"]  # Mondays
    assert workflow["permissions"] == {"contents": "read"}
    job = workflow["jobs"]["refresh"]
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    steps = job["steps"]
    assert all("@" in step["uses"] and len(step["uses"].split("@")[1]) == 40
               for step in steps if "uses" in step)  # pinned by commit
    script = next(step["run"] for step in steps if step.get("name") == "Open a pull request")
    assert "gh pr create" in script and "content/papers.lock.yaml" in script
    assert "${{" not in script  # expressions only through env:, never spliced into the script
