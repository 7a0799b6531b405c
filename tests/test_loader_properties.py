"""Property-based robustness: whatever an issue file holds, validation gives a model or our own
problems with a file and a line, never an unhandled exception."""

from __future__ import annotations

import datetime as dt

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import Problem
from generator.content.files import Source
from generator.model import Category, Site
from generator.content.issues import validate_issue

SITE = Site(title="T", description="D", base_url="https://example.org/",
            categories=(Category("reasoning", "Reasoning"), Category("efficiency", "Efficiency")))
PATH = "content/issues/2024-06-16.yaml"

VALID = """\
title: Top papers
date: 2024-06-16
period: {start: 2024-06-10, end: 2024-06-16}
number: 3
draft: false
summary: A teaser.
intro: |
  Hello **world**.
papers:
  - title: "A: Paper"
    category: reasoning
    arxiv: "2406.04692v2"
    authors: [Ada, Alan]
    published: 2024-06-07
    summary: |
      It reasons.
    links: {code: "https://github.com/a/b"}
    tags: [agents, kv/cache]
    upvotes: 58
  - title: Another
    category: efficiency
    url: https://example.com/x
    summary: Fast.
"""

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=30), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
                    st.sampled_from(["reasoning", "2406.04692", "javascript:alert(1)", "https://x.org/",
                                     "2024-02-30", "-1", "hep-th/9901001", "", " ", "<script>"]))
values = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)),
    max_leaves=12)
field_names = st.sampled_from(
    [
        "title",
        "date",
        "period",
        "number",
        "draft",
        "summary",
        "intro",
        "papers",
        "category",
        "arxiv",
        "url",
        "authors",
        "published",
        "links",
        "tags",
        "upvotes",
        "revisit",
        "sumary",
        "start",
        "end",
        "code",
    ]
)


def check(text: str) -> None:
    problems: list[Problem] = []
    issue = validate_issue(Source(PATH, text), "2024-06-16", SITE, problems)
    errors = [p for p in problems if p.severity == "error"]
    assert issue is not None or errors, "no model, yet no error to tell the editor why"
    for problem in problems:
        assert problem.path == PATH and isinstance(problem.line, int) and problem.line >= 0
        assert str(problem).startswith(PATH)
    if issue is not None:
        assert issue.entries


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=st.dictionaries(field_names, values, max_size=8))
def test_random_documents_give_a_model_or_located_problems(document):
    try:
        text = yaml.safe_dump(document, allow_unicode=True, default_flow_style=False)
    except yaml.YAMLError:
        return
    check(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_valid_documents_give_a_model_or_located_problems(data):
    text = VALID
    for _ in range(data.draw(st.integers(1, 4))):
        kind = data.draw(st.sampled_from(["delete", "insert", "replace", "truncate", "line"]))
        position = data.draw(st.integers(0, len(text)))
        if kind == "delete":
            text = text[:position] + text[position + data.draw(st.integers(1, 20)):]
        elif kind == "insert":
            text = text[:position] + data.draw(st.text(max_size=10)) + text[position:]
        elif kind == "replace":
            text = (
                text[:position]
                + data.draw(
                    st.sampled_from(
                        [
                            ":",
                            "-",
                            "[",
                            "{",
                            "'",
                            '"',
                            "\t",
                            "&a",
                            "*a",
                            "!!python/object:os.system",
                            "%",
                            "\n  ",
                        ]
                    )
                )
                + text[position + 1 :]
            )
        elif kind == "truncate":
            text = text[:position]
        else:
            lines = text.splitlines(keepends=True)
            if lines:
                index = data.draw(st.integers(0, len(lines) - 1))
                lines.insert(index, lines[data.draw(st.integers(0, len(lines) - 1))])
                text = "".join(lines)
    check(text)


def test_the_unmutated_document_is_valid():
    problems: list[Problem] = []
    issue = validate_issue(Source(PATH, VALID), "2024-06-16", SITE, problems)
    assert issue is not None and problems == []
    assert [entry.number for entry in issue.entries] == ["1.1", "2.1"]
