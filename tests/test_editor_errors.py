"""Errors an editor understands: YAML syntax errors in plain words at the line to fix, wrong shapes
refused with the right form shown, and control characters refused by `check` before they break a
feed. Each case: the minimal fixture copied to tmp_path, with one change."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import feedparser
import pytest

from conftest import FIXTURES, run_cli

FIRST = "content/issues/2024-01-07.yaml"
SECOND = "content/issues/2024-01-14.yaml"
# PyYAML's words, which name its parser rather than the mistake
JARGON = ("mapping values", "scanning", "token", "stream", "scalar", "YAML syntax error",
          "<unicode string>", "block end", "in this context")


@pytest.fixture
def content(tmp_path, monkeypatch) -> Path:
    shutil.copytree(FIXTURES / "minimal", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return Path("content")


def edit(path: str, old: str, new: str) -> None:
    text = Path(path).read_text(encoding="utf-8")
    assert old in text, old
    Path(path).write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(command: str = "check") -> list[str]:
    """The problem lines of a failing run, checked for what every such run must be."""
    args = ("--output", "site") if command == "build" else ()
    result = run_cli(command, "--content", "content", *args)
    assert result.exit_code == 1
    assert "Traceback" not in result.output + result.stderr
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("Error: ")
    for line in lines[:-1]:
        assert re.match(r"^content/\S+:\d+: ", line), line
        assert not any(word in line for word in JARGON), line
    return lines[:-1]


# --- YAML syntax -----------------------------------------------------------------------------

def test_a_title_with_colon_space_says_to_quote_it_and_shows_the_line_quoted(content):
    edit(FIRST, "title: First issue", "title: Agents: the first issue")
    assert problems() == [
        f"{FIRST}:1: the value of 'title' contains ': ', which YAML reads as the start of another "
        "field; put the value in quotes (expected, for example: "
        'title: "Agents: the first issue")']
    assert problems("build") == problems()


def test_a_papers_title_with_colon_space_keeps_its_dash_and_comment_in_the_example(content):
    edit(FIRST, "  - title: A Reasoning Paper", '  - title: Chain "of" Thought: A Study  # new')
    assert problems() == [
        f"{FIRST}:6: the value of 'title' contains ': ', which YAML reads as the start of another "
        "field; put the value in quotes (expected, for example: "
        "- title: 'Chain \"of\" Thought: A Study'  # new)"]


def test_the_quoted_line_of_the_example_reads_as_the_title_meant(content):
    edit(FIRST, "title: First issue", "title: Agents: the first issue")
    example = problems()[0].split("for example: ", 1)[1][:-1]
    edit(FIRST, "title: Agents: the first issue", example)
    assert run_cli("check", "--content", "content").exit_code == 0


@pytest.mark.parametrize("indent", ["\t", "  \t"])
def test_a_tab_in_the_indentation_says_tab(content, indent):
    edit(FIRST, "    summary: It reasons.", f"{indent}summary: It reasons.")
    assert problems() == [f"{FIRST}:11: a tab in the indentation; YAML indents with spaces only "
                          "(expected spaces: replace the tab with spaces)"]


def test_an_unclosed_quote_points_at_the_line_where_it_opened(content):
    edit(SECOND, 'arxiv: "2401.00001"', 'arxiv: "2401.00001')
    assert problems() == [f'{SECOND}:13: the quote " opened on this line is not closed on it '
                          '(expected a closing " at the end of the value)']


def test_an_unclosed_quote_closed_by_a_later_quote_points_at_where_it_opened(content):
    edit(SECOND, 'arxiv: "2401.00003v2"', 'arxiv: "2401.00003v2')  # the next " is on line 9
    assert problems() == [f'{SECOND}:7: the quote " opened on this line is not closed on it '
                          '(expected a closing " at the end of the value)']


def test_a_list_not_closed_points_at_its_opening_bracket(content):
    edit(FIRST, "tags: [reasoning, chain-of-thought]", "tags: [reasoning, chain-of-thought")
    assert problems() == [f"{FIRST}:12: the list opened with '[' on this line is not closed "
                          "(expected ']' at its end, and any item with ',' or ': ' in it in "
                          "quotes)"]


def test_a_value_starting_with_a_yaml_character_says_to_quote_it(content):
    edit(FIRST, "summary: It is fast.", "summary: `fast` mode")
    assert problems() == [f"{FIRST}:16: a value cannot start with '`' unless it is in quotes "
                          '(expected the value in quotes, for example: summary: "`fast` mode")']


def test_a_raw_control_character_in_the_file_is_named_at_its_line(content):
    edit(FIRST, "summary: It is fast.", "summary: It is\x07 fast.")
    assert problems() == [f"{FIRST}:16: an invisible control character (U+0007) is in this line "
                          "(expected plain text: delete the character)"]


def test_a_front_matter_mistake_is_at_the_pages_line(content):
    Path("content/pages").mkdir()
    Path("content/pages/about.md").write_text("---\ntitle: About: us\n---\nText.\n")
    assert problems() == [
        "content/pages/about.md:2: the value of 'title' contains ': ', which YAML reads as the "
        'start of another field; put the value in quotes (expected, for example: '
        'title: "About: us")']


# --- wrong shapes ----------------------------------------------------------------------------

def test_authors_as_one_text_is_refused_with_the_list_form(content):
    edit(FIRST, "authors: [Ada Lovelace, Alan Turing]",
         "authors: Ada Lovelace, Alan Turing, Grace Hopper")
    assert problems() == [f"{FIRST}:9: papers[0].authors: is one piece of text, 'Ada Lovelace, "
                          "Alan Turing, Grace Hopper' (expected a list, such as authors: "
                          "[Ada Lovelace, Alan Turing, Grace Hopper])"]


def test_tags_as_one_text_is_refused_with_the_list_form(content):
    edit(SECOND, "tags: [efficiency]", "tags: agents, ensembles")
    assert problems() == [f"{SECOND}:10: papers[0].tags: is one piece of text, 'agents, ensembles' "
                          "(expected a list, such as tags: [agents, ensembles])"]


def test_one_author_without_a_list_is_still_one_author(content):
    edit(FIRST, "authors: [Ada Lovelace, Alan Turing]", "authors: Center for AI and Society")
    assert run_cli("check", "--content", "content").exit_code == 0


def test_an_empty_papers_list_says_empty_not_missing(content):
    Path(SECOND).write_text("title: Second issue\ndate: 2024-01-14\npapers:\n")
    assert problems() == [f"{SECOND}:3: papers: is empty (expected a list of at least one paper)"]
    Path(SECOND).write_text("title: Second issue\ndate: 2024-01-14\n")
    assert problems() == [f"{SECOND}:1: papers: is missing (expected a list of at least one paper)"]


# --- control characters, which no feed can carry -------------------------------------------

@pytest.mark.parametrize("old, new, expected", [
    ("title: First issue", r'title: "First\x01 issue"',
     f"{FIRST}:1: title: contains an invisible control character (U+0001) after 'First'"),
    ("summary: It is fast.", r'summary: "It is \u0008fast."',
     f"{FIRST}:16: papers[1].summary: contains an invisible control character (U+0008) after "
     "'It is'"),
    ("authors: [Ada Lovelace, Alan Turing]", r'authors: [Ada Lovelace, "\x1bAlan Turing"]',
     f"{FIRST}:9: papers[0].authors[1]: contains an invisible control character (U+001B) at its "
     "start"),
    ("summary: The first issue.", r'summary: "The first\x85 issue."',
     f"{FIRST}:3: summary: contains an invisible control character (U+0085) after 'The first'"),
])
def test_check_refuses_a_control_character_with_file_and_line(content, old, new, expected):
    edit(FIRST, old, new)
    assert problems() == [f"{expected} (expected text without control characters: delete it)"]
    assert not Path("site").exists()
    assert problems("build")  # refused before anything is written, not while writing the feed
    assert not Path("site").exists()


def test_tabs_and_newlines_in_a_markdown_summary_are_text(content):
    edit(FIRST, "summary: It reasons.", 'summary: "It\\treasons.\\n\\nStep by step."')
    result = run_cli("build", "--content", "content", "--output", "site")
    assert result.exit_code == 0, result.stderr
    feed = feedparser.parse(Path("site/feed.xml").read_bytes())
    first = next(entry for entry in feed.entries if entry.title == "First issue")
    assert not feed.bozo and "Step by step." in first.content[0].value
