"""`roundup import hf-daily`: a day's Hugging Face papers as candidates (a local fake of the API).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, SAMPLE_CONTENT, run_cli
from fake_api import FakeApi, closed_port_url, hf_reply
from generator.editor.hfdaily import parse_hf_daily
from generator.editor.http import FetchError

NEW = "content/issues/2025-08-31.yaml"
CATEGORIES = ("progress-benchmarking, training-evaluation-inference, quantization-alignment, "
              "prompt-engineering-fine-tuning, reasoning, attention-models")

LLAMAGEN = f"""\
  # Candidate from Hugging Face daily papers of 2024-06-10, 65 upvotes
  - title: "Autoregressive Model Beats Diffusion: Llama for Scalable Image Generation"
    category: unsorted  # choose one of: {CATEGORIES}
    arxiv: "2406.06525"
    authors: ["Peize Sun", "Yi Jiang", "Shoufa Chen", "Shilong Zhang", "Bingyue Peng", "Ping Luo", "Zehuan Yuan"]
    published: 2024-06-10
    links: {{code: "https://github.com/FoundationVision/LlamaGen"}}
    upvotes: 65
    # Abstract from Hugging Face, a starting point for your summary (these comment lines are not published):
    #   We introduce LlamaGen, a new family of image generation models that apply original
    #   ``next-token prediction'' paradigm of large language models to visual generation domain.
    summary: "TODO: write the editor's summary"
"""


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """The sample content plus a new, empty issue for 2025-08-31."""
    shutil.copytree(SAMPLE_CONTENT, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    assert run_cli("new", "--date", "2025-08-31").exit_code == 0
    return tmp_path


@pytest.fixture
def hf():
    with FakeApi(hf_reply, "/api/daily_papers") as api:
        yield api


def hf_import(api_url: str, *args: str):
    return run_cli("import", "hf-daily", "--date", "2024-06-10", "--issue", "2025-08-31", *args,
                   "--api-url", api_url)


def test_candidates_are_appended_most_upvoted_first(workdir, hf):
    before = Path(NEW).read_text()
    result = hf_import(hf.url)
    assert result.exit_code == 0, result.stderr
    assert hf.requests[0][0] == "/api/daily_papers?date=2024-06-10"
    assert hf.requests[0][1]["User-Agent"].startswith("paper-roundup/")
    text = Path(NEW).read_text()
    assert text.startswith(before + LLAMAGEN)
    papers = yaml.safe_load(text)["papers"]
    assert [(p["arxiv"], p["upvotes"], p["category"]) for p in papers] == [
        ("2406.06525", 65, "unsorted")
    ]
    # the other three are in the sample's June 2024 issue: reported where, and skipped
    assert result.stderr.splitlines()[1:] == [
        "2406.06282 is already in content/issues/2024-06-16.yaml:252; skipped (use --force to add "
        "it again)",
        "2406.06469 is already in content/issues/2024-06-16.yaml:357; skipped (use --force to add "
        "it again)",
        "2406.05981 is already in content/issues/2024-06-16.yaml:293; skipped (use --force to add "
        "it again)",
    ]
    assert "Added 1 candidate to content/issues/2025-08-31.yaml:" in result.stdout


def test_unsorted_is_reported_by_check_and_refused_by_build(workdir, hf):
    hf_import(hf.url)
    result = run_cli("check", "--content", "content")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if "category" in line]
    assert errors == [
        f"{NEW}:28: papers[0].category: 'unsorted' is a placeholder left by 'roundup import'; "
        "choose the "
        f"paper's category or delete the candidate (expected one of: {CATEGORIES})"
    ]
    result = run_cli("build", "--content", "content", "--output", "site")
    assert result.exit_code == 1
    assert not Path("site").exists()
    # once triaged, only the placeholder summaries are left, as warnings
    path = Path(NEW)
    path.write_text(path.read_text().replace("category: unsorted", "category: reasoning"))
    result = run_cli("check", "--content", "content")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"{NEW}:37: warning: papers[0].summary: is still a placeholder (expected the editor's own "
        "summary)"
    ]


def test_force_imports_papers_featured_before_as_revisits(workdir, hf):
    result = hf_import(hf.url, "--force")
    assert result.exit_code == 0, result.stderr
    papers = yaml.safe_load(Path(NEW).read_text())["papers"]
    assert [p["arxiv"] for p in papers] == ["2406.06525", "2406.06282", "2406.06469", "2406.05981"]
    assert [p.get("revisit", False) for p in papers] == [False, True, True, True]
    assert (
        "    revisit: true  # also in content/issues/2024-06-16.yaml:252\n" in Path(NEW).read_text()
    )


def test_importing_the_same_day_twice_adds_nothing_new(workdir, hf):
    hf_import(hf.url)
    before = Path(NEW).read_text()
    result = hf_import(hf.url)
    assert result.exit_code == 0
    assert f"2406.06525 is already in this issue, {NEW}:27; skipped" in result.stderr
    assert "Nothing added" in result.stdout
    assert Path(NEW).read_text() == before


def test_a_day_without_papers_adds_nothing(workdir, hf):
    before = Path(NEW).read_text()
    result = run_cli(
        "import", "hf-daily", "--date", "2024-06-09", "--issue", "2025-08-31", "--api-url", hf.url
    )
    assert result.exit_code == 0
    assert result.stdout == f"Nothing added to {NEW}.\n"
    assert Path(NEW).read_text() == before


@pytest.mark.parametrize("reply, message", [
    ((200, {}, b"<!doctype html>"), "Hugging Face sent a reply that is not JSON"),
    ((200, {}, b'{"error": "Invalid date"}'), "expected a list of papers"),
    ((200, {}, b'[{"paper": {"title": "No id"}}]'), "item 0 has no arXiv id or no title"),
    ((200, {}, b'[{"title": "No paper"}]'), "item 0 has no 'paper' object"),
    ((404, {}, b"not found"), "answered HTTP 404 Not Found"),
])
def test_a_bad_reply_fails_and_changes_nothing(workdir, hf, reply, message):
    before = Path(NEW).read_text()
    hf.queued.append(reply)
    result = hf_import(hf.url)
    assert result.exit_code == 1
    assert message in result.stderr and "nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr
    assert Path(NEW).read_text() == before


def test_network_failure_fails_and_changes_nothing(workdir):
    before = Path(NEW).read_text()
    result = run_cli(
        "import", "hf-daily", "--issue", "2025-08-31", env={"ROUNDUP_HF_API": closed_port_url()}
    )
    assert result.exit_code == 1
    assert "Error: cannot reach 127.0.0.1:" in result.stderr
    assert Path(NEW).read_text() == before


def test_the_date_defaults_to_today(workdir, hf):
    run_cli("import", "hf-daily", "--issue", "2025-08-31", "--api-url", hf.url,
            env={"SOURCE_DATE_EPOCH": "1718020800"})  # 2024-06-10 12:00 UTC
    assert hf.requests[0][0] == "/api/daily_papers?date=2024-06-10"


def test_parse_hf_daily_reads_the_real_shape():
    papers = parse_hf_daily((FIXTURES / "hf" / "daily_2024-06-10.json").read_bytes())
    assert [(p.arxiv, p.upvotes) for p in papers] == [("2406.06525", 65), ("2406.06282", 36),
                                                      ("2406.06469", 23), ("2406.05981", 12)]
    power = papers[1]
    assert power.published == dt.date(2024, 6, 10)
    assert power.authors[:2] == ("Zhenliang Xue", "Yixin Song")
    assert power.code_url == ""
    # named in the abstract
    assert papers[3].code_url == "https://github.com/GATECH-EIC/ShiftAddLLM"


def test_a_non_https_repository_is_not_trusted_as_a_link():
    reply = json.dumps([{"paper": {"id": "2406.06525", "title": "T", "upvotes": 1,
                                   "githubRepo": "javascript:alert(1)"}}]).encode()
    assert parse_hf_daily(reply)[0].code_url == ""
    with pytest.raises(FetchError):
        parse_hf_daily(b"[1, 2]")


def test_imported_into_minimal_content_the_file_stays_valid_yaml(tmp_path, monkeypatch, hf):
    shutil.copytree(FIXTURES / "minimal", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    before = Path("content/issues/2024-01-14.yaml").read_text()
    result = run_cli(
        "import", "hf-daily", "--date", "2024-06-10", "--issue", "2024-01-14", "--api-url", hf.url
    )
    assert result.exit_code == 0, result.stderr
    text = Path("content/issues/2024-01-14.yaml").read_text()
    assert text.startswith(before)
    assert len(yaml.safe_load(text)["papers"]) == 2 + 4
