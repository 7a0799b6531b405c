"""A Review as one report: Markdown (for a pull request's job summary) or plain text.

Pure: a Review in, text out. Titles, messages and URLs come from the proposed content, so they
are untrusted: in Markdown, text is backslash-escaped and URLs and paths are code spans (never
links or HTML); in both formats control characters are dropped.
"""

from __future__ import annotations

import re
from typing import Callable

from ..errors import Problem
from .assemble import Review
from .diff import Featured, IssueChange, PaperChange
from .preview import GMAIL_CLIP_BYTES

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# Markdown syntax, and GitHub's: links, HTML, tables, math ($), emoji (:x:), mentions, #refs and
# autolinks (https:, www.). Other punctuation means nothing in the middle of a line.
_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~!#()@:$])|(?<=www)(\.)", re.IGNORECASE)


def clean(text: object) -> str:
    return " ".join(_CONTROL.sub("", str(text)).split())


class Style:
    """How one format writes text, code, headings and list items."""

    def __init__(self, markdown: bool):
        self.markdown = markdown

    def text(self, value: object) -> str:
        value = clean(value)
        return (
            _SPECIAL.sub(lambda m: "\\" + (m.group(1) or m.group(2)), value)
            if self.markdown
            else value
        )

    def code(self, value: object) -> str:
        value = clean(value)
        if not self.markdown:
            return value
        fence = "`" * (max((len(run) for run in re.findall("`+", value)), default=0) + 1)
        pad = " " if value.startswith("`") or value.endswith("`") else ""
        return f"{fence}{pad}{value}{pad}{fence}"

    def heading(self, level: int, title: str) -> list[str]:
        if self.markdown:
            return ["", "#" * (level + 1) + " " + title, ""]
        return ["", title, ("=" if level == 1 else "-") * len(title)]

    def item(self, line: str, depth: int = 0) -> str:
        return "  " * depth + "- " + line


def _plural(count: int, noun: str, plural: str = "") -> str:
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def _paper(s: Style, number: str, title: str, arxiv: str) -> str:
    where = f" (arXiv {s.code(arxiv)})" if arxiv else ""
    return f"{s.text(number)} {s.text(title)}{where}"


def _issue_heading(s: Style, change: IssueChange) -> str:
    issue = change.issue
    if issue is None:
        return (
            f"{change.kind.capitalize()}: {s.code(change.path)} (not compared: the file has errors)"
        )
    flags = " (draft)" if issue.draft else ""
    flags += f" (was issue {change.was_number})" if change.was_number else ""
    return (
        f"{change.kind.capitalize()}: issue {issue.number}, {issue.date}, {s.text(issue.title)}"
        f"{flags} ({s.code(change.path)})"
    )


def _paper_line(s: Style, change: PaperChange) -> str:
    line = f"{change.kind} {_paper(s, change.number, change.title, change.arxiv)}"
    if change.kind == "moved":
        return f"{line}: from {s.text(change.was)} to {s.text(change.category)}"
    if change.kind == "renumbered":
        return f"{line}: was {s.text(change.was)}"
    return f"{line}: {s.text(change.category)}"


def _featured_line(s: Style, found: Featured) -> str:
    places = "; ".join(
        f"issue {issue.number}, {issue.date}, as {entry.number}"
        for issue, entry in reversed(found.earlier)
    )
    paper = found.entry.paper
    purpose = " (revisit: true, on purpose)" if found.on_purpose else ""
    return (
        f"{_paper(s, found.entry.number, paper.title, paper.arxiv)} in issue {found.issue.number}: "
        f"already in {places}{purpose}"
    )


def _problem_line(s: Style, problem: Problem) -> str:
    where = f"{problem.path}:{problem.line}" if problem.line else problem.path
    field = f" {s.text(problem.field)}:" if problem.field else ""
    return f"{s.code(where)}: {problem.severity}:{field} {s.text(problem.message)}"


def _summary(review: Review) -> str:
    kinds = [c.kind for c in review.comparison.changes]
    counts = ", ".join(
        f"{kinds.count(kind)} {kind}" for kind in ("added", "changed", "removed") if kind in kinds
    )
    issues = f"issues: {counts}" if counts else "no issue changed"
    parts = [issues, _plural(len(review.errors), "error"), _plural(len(review.warnings), "warning")]
    if review.links is not None:
        parts.append(_plural(len(review.links.dead), "dead link"))
    parts.append(_plural(review.repeats, "paper") + " already featured")
    return "; ".join(parts)


def render(review: Review, markdown: bool = True) -> str:
    s = Style(markdown)
    lines = [
        ("## " if markdown else "") + f"Review of {s.code(review.content_dir)}",
        "",
        f"Compared the work tree with {s.text(review.base.described)}: {_summary(review)}.",
    ]
    verdict = "does not build: fix the errors below" if review.errors else "builds"
    lines += ["", f"{'**Result:**' if markdown else 'Result:'} the site {verdict}."]
    for section in (_issues, _problems, _featured, _links, _emails, _feeds):
        lines += section(review, s)
    return "\n".join(lines).strip() + "\n"


def _issues(review: Review, s: Style) -> list[str]:
    lines = s.heading(2, "Issues")
    if not review.comparison.changes:
        return lines + ["No issue is added, changed or removed."]
    for change in review.comparison.changes:
        lines.append(s.item(_issue_heading(s, change)))
        lines += [s.item(_paper_line(s, paper), 1) for paper in change.papers]
        if change.kind == "changed" and change.issue is not None and not change.papers:
            lines.append(s.item("no paper added, removed, moved or edited", 1))
    return lines


def _problems(review: Review, s: Style) -> list[str]:
    lines = s.heading(2, "Problems")
    problems = review.comparison.problems
    if not problems:
        return lines + ["No error or warning in the changed files."]
    return lines + [s.item(_problem_line(s, problem)) for problem in problems]


def _featured(review: Review, s: Style) -> list[str]:
    lines = s.heading(2, "Already featured")
    if not review.comparison.featured:
        return lines + ["No added paper was featured in an earlier issue."]
    return lines + [s.item(_featured_line(s, found)) for found in review.comparison.featured]


def _links(review: Review, s: Style) -> list[str]:
    lines = s.heading(2, "Links")
    report = review.links
    if report is None:
        return lines + ["Not checked (--no-links)."]
    total = len({ref.url for ref, _ in report.refs})
    fine = len({ref.url for ref, verdict in report.refs if verdict.state == "ok"})
    lines.append(
        f"{_plural(total, 'changed or added link')}: {fine} fine, "
        f"{len({r.url for r, _ in report.moved})} moved, "
        f"{len({r.url for r, _ in report.dead})} dead "
        f"({report.checked} checked now, the others within the last day)."
    )
    for ref, verdict in report.dead:
        where = s.code(f"{ref.path}:{ref.line}")
        archived = (
            f"; newest snapshot: {s.code(verdict.snapshot)}"
            if verdict.snapshot
            else f"; {s.text(verdict.archived)}"
        )
        lines.append(s.item(f"{where}: {s.code(ref.url)}: {s.text(verdict.status)}{archived}"))
    for ref, verdict in report.moved:
        lines.append(
            s.item(
                f"{s.code(f'{ref.path}:{ref.line}')}: {s.code(ref.url)}: moved "
                f"permanently to {s.code(verdict.new_url)}"
            )
        )
    return lines


def _emails(review: Review, s: Style) -> list[str]:
    lines = s.heading(2, "Email editions")
    if not review.emails:
        return lines + ["No new or changed issue."]
    for email in review.emails:
        size = f"{email.html_bytes / 1024:.1f} KB"
        limit = (
            f"over Gmail's {GMAIL_CLIP_BYTES // 1024} KB: Gmail clips it"
            if email.clipped
            else f"under Gmail's {GMAIL_CLIP_BYTES // 1024} KB clipping limit"
        )
        where = review.preview.format(slug=email.slug)
        lines.append(
            s.item(
                f'{s.code(email.slug)}: subject "{s.text(email.subject)}"; HTML {size}, {limit}; '
                f"plain text {email.text_bytes / 1024:.1f} KB; preview: {where}"
            )
        )
    return lines


def _feeds(review: Review, s: Style) -> list[str]:
    lines = s.heading(2, "Feeds")
    if not review.feeds:
        return lines + ["No feed entry is added, changed or removed."]
    for change in review.feeds:
        files = ", ".join(s.code(path) for path in change.files)
        lines.append(s.item(f"{change.kind}: {s.text(change.title)} in {files}"))
    return lines


def github_annotations(review: Review) -> list[str]:
    """GitHub workflow commands that show each problem and dead link on the pull request's diff."""

    def escape(value: str, chars: Callable[[str], str]) -> str:
        return chars(value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))

    def command(level: str, path: str, line: int, message: str) -> str:
        path = escape(path, lambda v: v.replace(":", "%3A").replace(",", "%2C"))
        where = f"file={path},line={line}" if line else f"file={path}"
        return f"::{level} {where}::{escape(message, lambda v: v)}"

    found = []
    for p in review.comparison.problems:
        level = {"error": "error", "warning": "warning"}.get(p.severity, "notice")
        found.append(
            command(level, p.path, p.line, f"{p.field}: {p.message}" if p.field else p.message)
        )
    for ref, verdict in review.links.dead if review.links else ():
        snapshot = f" (newest snapshot: {verdict.snapshot})" if verdict.snapshot else ""
        found.append(
            command("warning", ref.path, ref.line, f"{ref.url}: {verdict.status}{snapshot}")
        )
    return found
