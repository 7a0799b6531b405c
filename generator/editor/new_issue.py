"""A new issue file: the next date and number, and a template that shows every field.

``parse_issue_dates`` and ``render_issue_template`` are pure; ``write_new_issue`` never overwrites.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path, PurePath

from ..errors import EditorError
from ..content.files import LineDict, Source, parse_yaml
from ..workers import parallel_map
from .http import clean_text


@dataclass(frozen=True)
class IssueDate:
    slug: str
    date: dt.date
    number: int | None


def parse_issue_dates(
    sources: tuple[Source, ...] | list[Source], validated: dict | None = None
) -> list[IssueDate]:
    """The date and number of every issue that has a date (files with mistakes are read as far as
    possible).

    `validated`: path -> the Issue a build made of that file (its date and its own number, if any):
    those files are not parsed again."""
    validated = validated or {}
    # the others are parsed whole, on every core: ~2.5 s on one core for ten years of issues
    parsed = iter(
        parallel_map(
            _issue_date, [s for s in sources if s.path not in validated], min_per_worker=16
        )
    )
    found = []
    for source in sources:
        issue = validated.get(source.path)
        found.append(
            IssueDate(issue.slug, issue.date, issue.number or None) if issue else next(parsed)
        )
    return [issue_date for issue_date in found if issue_date]


def _issue_date(source: Source) -> IssueDate | None:
    data, _ = parse_yaml(source)
    if not isinstance(data, LineDict):
        return None
    date, number = data.get("date"), data.get("number")
    if isinstance(date, dt.datetime):
        date = date.date()
    if not isinstance(date, dt.date):
        return None
    number = (
        number if isinstance(number, int) and not isinstance(number, bool) and number > 0 else None
    )
    return IssueDate(PurePath(source.path).stem, date, number)


def _numbers(issues: list[IssueDate]) -> list[int]:
    """Each issue's number as the build gives it: its own, else its position by date."""
    ordered = sorted(issues, key=lambda issue: (issue.date, issue.slug))
    return [issue.number or position for position, issue in enumerate(ordered, start=1)]


def next_issue(
    issues: list[IssueDate], today: dt.date, date: dt.date | None = None
) -> tuple[dt.date, int | None]:
    """The new issue's date (a week after the latest, or today) and number (None: it would clash).

    Issues are numbered by date: one dated before the latest gets the number after the issue
    before it, when that number is free and no issue after it changes number; else EditorError."""
    if date is None:
        date = max(issue.date for issue in issues) + dt.timedelta(days=7) if issues else today
    latest = max(issues, key=lambda issue: (issue.date, issue.slug), default=None)
    if latest is not None and (date, date.isoformat()) < (latest.date, latest.slug):
        return date, _number_between(issues, date)
    number = max(_numbers(issues), default=0) + 1
    with_new = issues + [IssueDate(date.isoformat(), date, number)]
    numbers = _numbers(with_new)
    return date, (number if len(numbers) == len(set(numbers)) else None)


def _number_between(issues: list[IssueDate], date: dt.date) -> int:
    """The number of a new issue dated among the others: the one after the issue before it, given
    in the file; refused when it is taken, or when an issue after it would be numbered again."""
    ordered = sorted(issues, key=lambda issue: (issue.date, issue.slug))
    numbers = dict(zip((issue.slug for issue in ordered), _numbers(ordered), strict=True))
    before = [issue for issue in ordered if (issue.date, issue.slug) < (date, date.isoformat())]
    after = [issue for issue in ordered if issue not in before]
    number = numbers[before[-1].slug] + 1 if before else 1
    with_new = _numbers(before + [IssueDate(date.isoformat(), date, number)] + after)
    then = with_new[:len(before)] + with_new[len(before) + 1:]
    renumbered = [(issue, numbers[issue.slug], now)
                  for issue, now in zip(ordered, then, strict=True) if numbers[issue.slug] != now]
    expected = f"expected a date after {ordered[-1].date}, the latest issue"
    if renumbered:
        issue, was, now = renumbered[0]
        raise EditorError(f"issues are numbered by date: an issue dated {date} would come before "
                          f"issue {was} ({issue.slug}) and change its number to {now} ({expected}; "
                          "a published issue keeps its number)")
    if number >= numbers[after[0].slug]:
        previous = f"issue {number - 1} ({before[-1].slug})" if before else "the start"
        raise EditorError(f"no issue number is free between {previous} and issue "
                          f"{numbers[after[0].slug]} ({after[0].slug}) for an issue dated {date} "
                          f"({expected})")
    return number


def long_date(value: dt.date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def default_title(start: dt.date, end: dt.date) -> str:
    first = f"{start:%B} {start.day}" if start.year == end.year else long_date(start)
    return f"Papers of the Week from {first} to {long_date(end)}"


def render_issue_template(
    date: dt.date, number: int | None, title: str, categories: list[str]
) -> str:
    """The new issue's YAML: the fields it needs filled in, every other one as a comment."""
    start = date - dt.timedelta(days=6)
    title_text = title or default_title(start, date)
    quoted = json.dumps(clean_text(title_text), ensure_ascii=False)  # a valid YAML string
    slug = date.isoformat()
    one_of = ", ".join(categories) or "a slug from site.yaml"
    fields = [
        (f"title: {quoted}", ""),
        (f"date: {slug}", "the publication date"),
        (f"period: {{start: {start.isoformat()}, end: {slug}}}", "the week the papers come from"),
        (
            f"number: {number}" if number else "# number: 1",
            "optional; by default the position by date",
        ),
        ("# draft: true", "drafts are built only with --drafts"),
        ("# summary: One-line teaser", "for cards, feeds and the meta description"),
        ("# intro: |", "Markdown, shown at the top of the issue"),
        ("#   This week ...", ""),
        ("papers:", ""),
    ]
    paper = [
        ('#  - title: "The Paper\'s Title"', "required"),
        ("#    category: SLUG", f"required, one of: {one_of}"),
        ('#    arxiv: "2406.04692"', "new-style (optional vN) or old-style (hep-th/9901001)"),
        ("#    url: https://example.org/paper", "required when there is no arXiv id"),
        ('#    authors: ["First Author", "Second Author"]', ""),
        ("#    published: 2024-06-07", ""),
        ("#    summary: |", "required: your summary, in Markdown"),
        ("#      What the paper does and why it matters.", ""),
        ('#    links: {code: "https://github.com/owner/repo"}', ""),
        ("#    tags: [agents, evaluation]", ""),
        ("#    upvotes: 58", ""),
        ("#    revisit: true", "featured in an earlier issue, and again on purpose"),
        ("#    status: {hide: [upvotes]}", "what readers see of `roundup refresh`'s facts"),
    ]
    help_lines = [
        "# A new issue, created by 'roundup new'. Every field is described in the README "
        "(\"Content format\").",
        *_aligned(fields),
        f"# Add papers with 'roundup add 2406.04692 --issue {slug} --category SLUG'",
        f"# or 'roundup import hf-daily --issue {slug}', or by hand:",
        *_aligned(paper),
    ]
    return "\n".join(help_lines) + "\n"


def _aligned(lines: list[tuple[str, str]]) -> list[str]:
    width = max((len(text) for text, note in lines if note), default=0) + 2
    return [f"{text:<{width}}# {note}" if note else text for text, note in lines]


def write_new_issue(path: Path, text: str) -> None:
    """Create the file; an existing one is never overwritten."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as stream:
            stream.write(text)
    except FileExistsError:
        raise EditorError(f"{path} already exists; it was not overwritten (choose another --date, "
                          "or edit that file)") from None
