"""Turn a content folder into one validated Site (load -> validate -> model)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Callable

from ..options import BuildOptions
from ..errors import ContentError, Problem
from ..hashing import digest
from .fields import is_http_url
from .warnings import find_empty_categories, find_repeats
from .files import ContentFiles, Source, load_content_files
from ..model import Issue, Site
from ..theme import find_themes_dir, theme_names
from ..workers import parallel_map
from .settings import validate_site
from .issues import marked_draft, validate_issue, validate_page
from ..refresh.attach import attach_status
from ..refresh.lock import parse_lock


@dataclass(frozen=True)
class Checked:
    """One issue file after validation."""

    path: str
    issue: Issue | None
    problems: list[Problem]
    marked_draft: bool = False  # the file says `draft: true`, even when it does not validate

    @property
    def draft(self) -> bool:
        return self.issue.draft if self.issue is not None else self.marked_draft


# Validates issue files [(source, slug)] against the site settings; the build's speed layer
# (incremental/) passes one that takes files unchanged since the last build from its cache.
CheckIssues = Callable[[list[tuple[Source, str]], Site], list[Checked]]


def check_issue(source: Source, slug: str, site: Site) -> Checked:
    problems: list[Problem] = []
    issue = validate_issue(source, slug, site, problems)
    if issue is not None:
        issue = dataclasses.replace(issue, digest=digest(source.path + "\0" + source.text_digest))
    return Checked(source.path, issue, problems, issue is None and marked_draft(source.text))


def check_issues(sources: list[tuple[Source, str]], site: Site) -> list[Checked]:
    """Validate issue files, in parallel: an issue file is a lot of work."""
    return parallel_map(lambda job: check_issue(*job, site), sources, min_per_worker=4)


def build_site(files: ContentFiles, options: BuildOptions,
               check: CheckIssues = check_issues) -> tuple[Site, list[Problem]]:
    """Validate every file; raise ContentError with all problems, or return the site and warnings.
    """
    problems: list[Problem] = []
    themes = theme_names(find_themes_dir(Path(options.content_dir), options.themes_dir))
    site = validate_site(files.site, problems, themes) if files.site else None
    if site is None:
        raise ContentError(problems)
    if options.base_url:
        if not is_http_url(options.base_url):
            problems.append(
                Problem(
                    "--base-url",
                    0,
                    "",
                    f"'{options.base_url}' is not an http(s) URL (expected https://...)",
                )
            )
        site = dataclasses.replace(site, base_url=options.base_url.rstrip("/") + "/")

    sources: list[tuple[Source, str]] = []
    sources_by_slug: dict[str, str] = {}
    for source in files.issues:
        slug = PurePath(source.path).stem
        if slug in sources_by_slug:
            problems.append(Problem(source.path, 1, "", f"issue '{slug}' is also defined by "
                                    f"{sources_by_slug[slug]} (expected one file per issue slug)"))
            continue
        sources_by_slug[slug] = source.path
        sources.append((source, slug))
    checked = check(sources, site)
    issues = [one.issue for one in checked if one.issue is not None]
    problems += [problem for one in checked for problem in one.problems]
    # `check` may take issues from a cache, with their problems as validated: what those count
    # for is decided here, by this build's options
    drafts = set() if options.drafts else {one.path for one in checked if one.draft}
    issues = _assign_numbers(attach_status(issues, parse_lock(files.lock, problems)), problems)

    pages = []
    for source in files.pages:
        page = validate_page(source, PurePath(source.path).stem, problems)
        if page:
            pages.append(page)

    problems = _in_drafts(problems, drafts)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ContentError(problems)
    problems += _scheduled_notes(issues, options)
    problems += _in_drafts(find_repeats(issues), drafts)
    problems += find_empty_categories(site, issues, files.site.path if files.site else "site.yaml")
    published = [
        issue
        for issue in issues
        if (options.drafts or not issue.draft)
        and (options.future or not _is_scheduled(issue, options))
    ]
    problems += _left_out_notes(sources, drafts, issues, published, options)
    published.sort(key=lambda issue: (issue.date, issue.number, issue.slug), reverse=True)
    build_date = options.build_date or (published[0].date if published else site.build_date)
    site = dataclasses.replace(
        site,
        issues=tuple(published),
        pages=tuple(sorted(pages, key=lambda p: p.slug)),
        build_date=build_date,
    )
    return site, [p for p in problems if p.severity != "error"]


def _in_drafts(problems: list[Problem], drafts: set[str]) -> list[Problem]:
    """A half-done draft never stops a build: its errors and warnings become "draft" problems."""
    return [dataclasses.replace(p, severity="draft")
            if p.path in drafts and p.severity in ("error", "warning") else p for p in problems]


def _left_out_notes(sources: list[tuple[Source, str]], drafts: set[str], issues: list[Issue],
                    published: list[Issue], options: BuildOptions) -> list[Problem]:
    """How many issues the site leaves out, and why: an all-draft digest must not give an empty
    site without a word."""
    if not sources:
        return []
    folder = str(PurePath(sources[0][0].path).parent)
    shown = {issue.source_path for issue in published}
    scheduled = sum(1 for issue in issues if issue.source_path not in shown and
                    issue.source_path not in drafts and _is_scheduled(issue, options))
    notes = []
    for count, what, option in ((len(drafts), "draft", "--drafts"),
                                (scheduled, "scheduled issue", "--future")):
        if count:
            them = "it" if count == 1 else "them"
            notes.append(Problem(folder, 0, "", f"{count} {what}{'' if count == 1 else 's'} not "
                                 f"published; use {option} to include {them}", "note"))
    return notes


def _is_scheduled(issue: Issue, options: BuildOptions) -> bool:
    return options.today is not None and issue.date > options.today


def _scheduled_notes(issues: list[Issue], options: BuildOptions) -> list[Problem]:
    """Issues written ahead are published on their day by a scheduled build, so this is only a note.
    """
    return [
        Problem(
            issue.source_path,
            issue.date_line,
            "date",
            f"scheduled for {issue.date}: published from that day on "
            "(build with --future to preview it now)",
            "note",
        )
        for issue in issues
        if _is_scheduled(issue, options) and not issue.draft
    ]


def _assign_numbers(issues: list[Issue], problems: list[Problem]) -> list[Issue]:
    """Issues without a number are numbered by their position by date; numbers must be unique."""
    ordered = sorted(issues, key=lambda issue: (issue.date, issue.slug))
    numbered: list[Issue] = []
    taken: dict[int, str] = {}
    for position, issue in enumerate(ordered, start=1):
        number = issue.number or position
        if number in taken:
            problems.append(
                Problem(
                    issue.source_path,
                    issue.number_line,
                    "number",
                    f"issue number {number} is also used by "
                    f"{taken[number]} (expected a unique number per issue)",
                )
            )
            continue
        taken[number] = issue.source_path
        numbered.append(
            issue if issue.number == number else dataclasses.replace(issue, number=number)
        )
    return numbered


def load_site(options: BuildOptions, loaded: tuple[ContentFiles, list[Problem]] | None = None,
              check: CheckIssues = check_issues) -> tuple[Site, list[Problem]]:
    """`loaded`: the content files when the caller has read them already (load_content_files)."""
    files, problems = loaded or load_content_files(Path(options.content_dir))
    try:
        site, warnings = build_site(files, options, check)
    except ContentError as error:
        raise ContentError(problems + error.problems) from None
    if problems:
        raise ContentError(problems)
    return site, warnings
