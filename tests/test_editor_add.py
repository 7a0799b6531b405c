"""`roundup add`: papers from the arXiv API (a local fake serving recorded replies) appended as
text."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, SAMPLE_CONTENT, run_cli
from fake_api import FakeApi, arxiv_reply, closed_port_url
from generator.editor.append import find_slot, insert_records, render_record
from generator.editor.arxiv import parse_arxiv_feed, parse_arxiv_ref
from generator.errors import EditorError
from generator.editor.http import FetchError, HttpSettings, PaperMetadata, find_code_url, load_url

ISSUE = "content/issues/2024-01-14.yaml"

MOA_RECORD = """\
  - title: "Mixture-of-Agents Enhances Large Language Model Capabilities"
    category: reasoning
    arxiv: "2406.04692"
    authors: ["Junlin Wang", "Jue Wang", "Ben Athiwaratkun", "Ce Zhang", "James Zou"]
    published: 2024-06-07
    links: {code: "https://github.com/togethercomputer/moa"}
    # Abstract from arXiv, a starting point for your summary (these comment lines are not published):
    #   Recent advances in large language models (LLMs) demonstrate substantial capabilities in
    #   natural language understanding and generation tasks. With the growing number of LLMs, how to
    #   harness the collective expertise of multiple LLMs is an exciting open direction. Toward this
    #   goal, we propose a new approach that leverages the collective strengths of multiple LLMs
    #   through a Mixture-of-Agents (MoA) methodology. In our approach, we construct a layered MoA
    #   architecture wherein each layer comprises multiple LLM agents. Each agent takes all the
    #   outputs from agents in the previous layer as auxiliary information in generating its response.
    #   MoA models achieves state-of-art performance on AlpacaEval 2.0, MT-Bench and FLASK, surpassing
    #   GPT-4 Omni. For example, our MoA using only open-source LLMs is the leader of AlpacaEval 2.0
    #   by a substantial gap, achieving a score of 65.1% compared to 57.5% by GPT-4 Omni. Our code is
    #   available at https://github.com/togethercomputer/moa.
    summary: "TODO: write the editor's summary"
"""


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """A copy of the minimal content in the current directory, so paths read content/issues/..."""
    shutil.copytree(FIXTURES / "minimal", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def arxiv():
    with FakeApi(arxiv_reply) as api:
        yield api


def add(api_url: str, *args: str):
    return run_cli("add", *args, "--api-url", api_url)


def check_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line]


# ---- the whole command ----

def test_add_appends_the_exact_record_and_keeps_the_file_text(workdir, arxiv):
    before = Path(ISSUE).read_text()
    result = add(arxiv.url, "2406.04692", "--issue", "2024-01-14", "--category", "reasoning")
    assert result.exit_code == 0, result.output + result.stderr
    after = Path(ISSUE).read_text()
    assert after == before + MOA_RECORD
    paper = yaml.safe_load(after)["papers"][-1]
    assert paper == {
        "title": "Mixture-of-Agents Enhances Large Language Model Capabilities",
        "category": "reasoning",
        "arxiv": "2406.04692",
        "authors": ["Junlin Wang", "Jue Wang", "Ben Athiwaratkun", "Ce Zhang", "James Zou"],
        "published": dt.date(2024, 6, 7),
        "links": {"code": "https://github.com/togethercomputer/moa"},
        "summary": "TODO: write the editor's summary",
    }
    assert "Added 1 paper to content/issues/2024-01-14.yaml:" in result.stdout
    assert (
        "2406.04692  Mixture-of-Agents Enhances Large Language Model Capabilities" in result.stdout
    )


def test_the_result_passes_check_with_only_the_placeholder_warning(workdir, arxiv):
    add(arxiv.url, "2406.04692", "--issue", "2024-01-14", "--category", "reasoning")
    result = run_cli("check", "--content", "content")
    assert result.exit_code == 0, result.stderr
    assert check_lines(result) == [
        f"{ISSUE}:34: warning: papers[2].summary: is still a placeholder "
        "(expected the editor's own summary)"
    ]
    assert run_cli("check", "--content", "content", "--strict").exit_code == 1
    Path(ISSUE).write_text(Path(ISSUE).read_text().replace('"TODO: write the editor\'s summary"',
                                                           "Agents in layers beat GPT-4o."))
    result = run_cli("check", "--content", "content", "--strict")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""


def test_many_ids_in_every_accepted_form_take_one_request(workdir, arxiv):
    result = add(arxiv.url, "arXiv:2406.04692", "https://arxiv.org/abs/2406.06525v1",
                 "https://arxiv.org/pdf/2406.07394v2", "2406.04692v2",
                 "--issue", "2024-01-14", "--category", "efficiency")
    assert result.exit_code == 0, result.stderr
    assert len(arxiv.requests) == 1
    path, headers = arxiv.requests[0]
    assert path == "/api/query?id_list=2406.04692,2406.06525,2406.07394&max_results=3"
    assert headers["User-Agent"].startswith("paper-roundup/0.1.0 ")
    papers = yaml.safe_load(Path(ISSUE).read_text())["papers"]
    assert [p["arxiv"] for p in papers[2:]] == ["2406.04692", "2406.06525", "2406.07394"]
    # whitespace in titles is collapsed; a repository in arxiv:comment counts too
    assert (
        papers[3]["title"]
        == "Autoregressive Model Beats Diffusion: Llama for Scalable Image Generation"
    )
    assert papers[3]["links"] == {"code": "https://github.com/FoundationVision/LlamaGen"}
    assert "links" not in papers[4]


def test_the_api_url_comes_from_the_environment(workdir, arxiv):
    result = run_cli("add", "2406.04692", "--issue", "2024-01-14", "--category", "reasoning",
                     env={"ROUNDUP_ARXIV_API": arxiv.url})
    assert result.exit_code == 0, result.stderr
    assert len(arxiv.requests) == 1


# ---- duplicates ----

@pytest.fixture
def sample_workdir(tmp_path, monkeypatch) -> Path:
    shutil.copytree(SAMPLE_CONTENT, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    assert run_cli("new", "--date", "2025-08-31").exit_code == 0
    return tmp_path


def test_a_paper_already_featured_is_reported_and_skipped_before_fetching(sample_workdir, arxiv):
    new_issue = Path("content/issues/2025-08-31.yaml")
    before = new_issue.read_text()
    result = add(arxiv.url, "2406.04692", "--issue", "2025-08-31", "--category", "reasoning")
    assert result.exit_code == 0
    assert ("2406.04692 is already in content/issues/2024-06-16.yaml:16; skipped "
            "(use --force to add it again)") in result.stderr
    assert "Nothing added to content/issues/2025-08-31.yaml." in result.stdout
    assert arxiv.requests == []
    assert new_issue.read_text() == before


def test_force_adds_it_again_marked_as_a_revisit(sample_workdir, arxiv):
    result = add(arxiv.url, "2406.04692", "2406.06525", "--force", "--issue", "2025-08-31",
                 "--category", "reasoning")
    assert result.exit_code == 0, result.stderr
    text = Path("content/issues/2025-08-31.yaml").read_text()
    assert "    revisit: true  # also in content/issues/2024-06-16.yaml:16\n" in text
    assert yaml.safe_load(text)["papers"][0]["revisit"] is True
    assert "revisit" not in yaml.safe_load(text)["papers"][1]


def test_a_paper_already_in_the_same_issue_is_skipped_even_with_force(workdir, arxiv):
    add(arxiv.url, "2406.04692", "--issue", "2024-01-14", "--category", "reasoning")
    before = Path(ISSUE).read_text()
    result = add(
        arxiv.url, "2406.04692", "--force", "--issue", "2024-01-14", "--category", "reasoning"
    )
    assert result.exit_code == 0
    assert f"2406.04692 is already in this issue, {ISSUE}:16; skipped" in result.stderr
    assert Path(ISSUE).read_text() == before


# ---- failures leave the file unchanged ----

@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["2406.99999"],
            "Error: arXiv has no paper 2406.99999 (expected an existing arXiv id); nothing was "
            "changed",
        ),
        (["2406.04692", "2406.99998"], "Error: arXiv has no paper 2406.99998"),
        (["2406.0469"], None),  # caught before any request
    ],
)
def test_an_unknown_id_fails_and_changes_nothing(workdir, arxiv, args, message):
    before = Path(ISSUE).read_text()
    result = add(arxiv.url, *args, "--issue", "2024-01-14", "--category", "reasoning")
    assert result.exit_code == 1
    assert "Traceback" not in result.output + result.stderr
    if message:
        assert message in result.stderr
    else:
        assert (
            "Error: '2406.0469' is not an arXiv id or link (expected an id or link such as "
            "2406.04692, "
            "2406.04692v2, arXiv:2406.04692 or https://arxiv.org/abs/2406.04692); nothing was "
            "changed"
            in result.stderr
        )
        assert arxiv.requests == []
    assert Path(ISSUE).read_text() == before


def test_the_api_error_entry_is_reported():
    with pytest.raises(
        FetchError, match="the arXiv API refused the request: incorrect id format for 2406.0469"
    ):
        parse_arxiv_feed((FIXTURES / "arxiv" / "error.xml").read_bytes())


@pytest.mark.parametrize("reply, message", [
    ((200, {}, b"<html>maintenance</html"), "the arXiv API sent a reply that is not XML"),
    ((200, {}, b"<html><body>maintenance</body></html>"), "not an Atom feed"),
    ((500, {}, b"oops"), "answered HTTP 500 Internal Server Error"),
])
def test_a_bad_reply_fails_and_changes_nothing(workdir, arxiv, reply, message):
    before = Path(ISSUE).read_text()
    arxiv.queued.append(reply)
    result = add(arxiv.url, "2406.04692", "--issue", "2024-01-14", "--category", "reasoning")
    assert result.exit_code == 1
    assert message in result.stderr and "nothing was changed" in result.stderr
    assert Path(ISSUE).read_text() == before


def test_network_failure_fails_and_changes_nothing(workdir):
    before = Path(ISSUE).read_text()
    result = add(
        closed_port_url(), "2406.04692", "--issue", "2024-01-14", "--category", "reasoning"
    )
    assert result.exit_code == 1
    assert "Error: cannot reach 127.0.0.1:" in result.stderr
    assert Path(ISSUE).read_text() == before


def test_busy_replies_are_retried_after_the_servers_retry_after(workdir, arxiv):
    arxiv.queued += [(503, {"Retry-After": "0"}, b"busy"), (503, {"Retry-After": "0"}, b"busy")]
    result = add(arxiv.url, "2406.04692", "--issue", "2024-01-14", "--category", "reasoning")
    assert result.exit_code == 0, result.stderr
    assert len(arxiv.requests) == 3


def test_retries_back_off_and_then_give_up(arxiv):
    arxiv.queued += [(503, {}, b"busy")] * 4
    waits = []
    with pytest.raises(FetchError, match=r"answered HTTP 503 Service Unavailable after 4 tries"):
        load_url(arxiv.url, HttpSettings(retries=3, backoff=3.0), sleep=waits.append)
    assert waits == [3.0, 6.0, 12.0]


def test_a_server_that_does_not_answer_in_time_is_reported():
    import socket
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/api/query"
        with pytest.raises(FetchError, match=r"did not answer within 0.3 s"):
            load_url(url, HttpSettings(timeout=0.3))


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--issue", "2024-01-14", "--category", "reasonig"],
            "Error: unknown category 'reasonig'; did you mean 'reasoning'? (expected one of: "
            "reasoning, efficiency)",
        ),
        (
            ["--issue", "2024-01-15", "--category", "reasoning"],
            "Error: no issue '2024-01-15' in content/issues; did you mean '2024-01-14'?",
        ),
    ],
)
def test_a_wrong_category_or_issue_is_refused_before_fetching(workdir, arxiv, args, message):
    result = add(arxiv.url, "2406.04692", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert arxiv.requests == []


# ---- pure parts ----

@pytest.mark.parametrize(
    "text, expected",
    [
        ("2406.04692", "2406.04692"),
        ("2406.04692v2", "2406.04692"),
        ("arXiv:2406.04692", "2406.04692"),
        ("arxiv:2406.04692v3", "2406.04692"),
        ("https://arxiv.org/abs/2406.04692", "2406.04692"),
        ("http://arxiv.org/abs/2406.04692v2", "2406.04692"),
        ("https://arxiv.org/pdf/2406.04692", "2406.04692"),
        ("https://arxiv.org/pdf/2406.04692v1.pdf", "2406.04692"),
        ("arxiv.org/abs/2406.04692", "2406.04692"),
        ("https://export.arxiv.org/abs/2406.04692/", "2406.04692"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("https://arxiv.org/abs/hep-th/9901001v2", "hep-th/9901001"),
        ("https://huggingface.co/papers/2406.04692", "2406.04692"),
        ("2406.4692", None),
        ("1412.4692", "1412.4692"),
        ("2406.046921", None),
        ("2413.04692", None),
        ("https://example.org/abs/2406.04692", None),
        ("https://arxiv.org/list/cs.CL", None),
        ("", None),
    ],
)
def test_parse_arxiv_ref(text, expected):
    assert parse_arxiv_ref(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Code: https://github.com/togethercomputer/MoA.", "https://github.com/togethercomputer/MoA"),
    ("see github.com/jy-yuan/KIVI.git for code", "https://github.com/jy-yuan/KIVI"),
    ("http://www.github.com/a/b)", "https://github.com/a/b"),
    ("no code here", ""), ("https://github.com/orgs/foo", ""),
])
def test_find_code_url(text, expected):
    assert find_code_url(text) == expected


def test_records_with_awkward_text_read_back_exactly():
    paper = PaperMetadata(
        arxiv="2406.00001",
        title='A "quoted" title: with # and \\ and ünïcödé',
        authors=("O'Brien, Jr.", "- dash", "[bracket]"),
        abstract="# not a key: value\n",
        published=dt.date(2024, 6, 1),
        upvotes=0,
    )
    text = "title: T\ndate: 2024-06-16\npapers:\n"
    result = insert_records(text, [render_record(paper, "true")], "x.yaml")
    record = yaml.safe_load(result)["papers"][0]
    assert record["title"] == paper.title
    assert record["authors"] == list(paper.authors)
    assert record["category"] == "true"  # quoted, so YAML does not read a boolean
    assert record["upvotes"] == 0


@pytest.mark.parametrize("text, tail", [
    # papers is not the last field: the records go before the next field and its comment
    ("title: T\npapers:\n  - title: A\n    arxiv: '2401.00001'\n\n# the intro\nintro: hi\n",
     "  - title: A\n    arxiv: '2401.00001'\n  - title: \"P\"\n"),
    # items at column 0, CRLF line ends, no newline at the end
    ("title: T\r\npapers:\r\n- title: A\r\n  arxiv: '2401.00001'",
     "- title: A\r\n  arxiv: '2401.00001'\r\n- title: \"P\"\r\n"),
    # no papers field yet
    ("title: T\n", "title: T\npapers:\n  - title: \"P\"\n"),
])
def test_insert_records_keeps_every_existing_line(text, tail):
    paper = PaperMetadata(arxiv="2406.00002", title="P")
    result = insert_records(text, [render_record(paper, "reasoning")], "x.yaml")
    assert tail in result
    for line in text.splitlines():
        assert line in result.splitlines()
    assert [p["arxiv"] for p in yaml.safe_load(result)["papers"]][-1] == "2406.00002"


@pytest.mark.parametrize("text, message", [
    ("title: T\npapers: []\n", "x.yaml:2: papers: is written as a flow list"),
    ("title: T\npapers: 3\n", "x.yaml:2: papers: is not a list"),
    ("title: [T\n", "the file is not valid YAML"),
    ("- a\n- b\n", "x.yaml:1: the file is not a mapping"),
])
def test_files_that_cannot_be_appended_to_are_refused(text, message):
    with pytest.raises(EditorError, match=message.replace("[", r"\[")):
        find_slot(text, "x.yaml")


def test_a_flow_papers_list_is_refused_before_fetching(workdir, arxiv):
    Path(ISSUE).write_text("title: T\ndate: 2024-01-14\npapers: []\n")
    result = add(arxiv.url, "2406.04692", "--issue", "2024-01-14", "--category", "reasoning")
    assert result.exit_code == 1
    assert f"{ISSUE}:3: papers: is written as a flow list" in result.stderr
    assert arxiv.requests == []


def test_after_a_build_the_papers_already_featured_come_from_its_cache(
    sample_workdir, arxiv, monkeypatch
):
    import generator.editor.append

    new_issue = Path("content/issues/2025-08-31.yaml")
    text = new_issue.read_text()
    new_issue.unlink()  # no papers yet: it would fail the build
    # into site/, whose cache `add` reads
    assert run_cli("build", "-q", "--no-search").exit_code == 0
    new_issue.write_text(text)
    parsed = []
    real_featured_in = generator.editor.append._featured_in
    monkeypatch.setattr(
        generator.editor.append,
        "_featured_in",
        lambda source: parsed.append(source.path) or real_featured_in(source),
    )
    result = add(arxiv.url, "2406.04692", "--issue", "2025-08-31", "--category", "reasoning")
    assert result.exit_code == 0
    assert parsed == [str(new_issue)]  # not in the build: the other three came from its cache
    assert ("2406.04692 is already in content/issues/2024-06-16.yaml:16; skipped "
            "(use --force to add it again)") in result.stderr
