"""Turn a content folder into one validated Site (load -> validate -> model)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path, PurePath

from ..incremental.cache import BuildCache, issue_key, site_key
from ..options import BuildOptions
from ..errors import ContentError, Problem
from .fields import is_http_url
from .warnings import find_empty_categories, find_repeats
from .files import ContentFiles, Source, load_content_files
from ..incremental.issues import prerender
from ..model import Issue, Site
from ..theme import find_themes_dir, theme_names
from ..workers import parallel_map
from .settings import validate_site
from .issues import validate_issue, validate_page
from ..refresh.attach import attach_status
from ..refresh.lock import parse_lock


@dataclass(frozen=True)
class Checked:
    """One issue file after validation, as a worker returns it."""

    path: str
    key: str
    issue: Issue | None
    problems: list[Problem]
    markdown: dict[str, str]  # its Markdown texts rendered ahead, so no page renders them again


def _check_issues(sources: list[tuple[Source, str]], site: Site, settings_key: str, cache: BuildCache,
                  render_ahead: bool) -> list[Checked]:
    """Validate issue files, in parallel; files unchanged since the last build come from the cache."""
    done, todo = {}, []
    for source, slug in sources:
        key = issue_key(settings_key, source.path, source.text_digest)
        cached = cache.issue(key)
        if cached:
            done[source.path] = Checked(source.path, key, cached[0], list(cached[1]), cached[2])
        else:
            todo.append((source, slug, key))

    def check(job: tuple[Source, str, str]) -> Checked:
        source, slug, key = job
        problems: list[Problem] = []
        issue = validate_issue(source, slug, site, problems)
        markdown = {}
        if issue is not None:
            issue = dataclasses.replace(issue, digest=key)
            if render_ahead:
                markdown = prerender(issue, site.absolute(issue.url))
        return Checked(source.path, key, issue, problems, markdown)

    for checked in parallel_map(check, todo, min_per_worker=4):  # an issue file is a lot of work
        done[checked.path] = checked
        if checked.issue is not None and not any(p.severity == "error" for p in checked.problems):
            cache.add_issue(checked.key, (checked.issue, checked.problems, checked.markdown))
    return [done[source.path] for source, _ in sources]


def build_site(files: ContentFiles, options: BuildOptions, cache: BuildCache | None = None,
               markdown: dict[str, str] | None = None) -> tuple[Site, list[Problem]]:
    """Validate every file; raise ContentError with all problems, or return the site and warnings.

    `markdown`, when given, receives the HTML of Markdown texts rendered while validating.
    """
    problems: list[Problem] = []
    themes = theme_names(find_themes_dir(Path(options.content_dir), options.themes_dir))
    site = validate_site(files.site, problems, themes) if files.site else None
    if site is None:
        raise ContentError(problems)
    if options.base_url:
        if not is_http_url(options.base_url):
            problems.append(Problem("--base-url", 0, "", f"'{options.base_url}' is not an http(s) URL "
                                    "(expected https://...)"))
        site = dataclasses.replace(site, base_url=options.base_url.rstrip("/") + "/")

    sources, sources_by_slug = [], {}
    for source in files.issues:
        slug = PurePath(source.path).stem
        if slug in sources_by_slug:
            problems.append(Problem(source.path, 1, "", f"issue '{slug}' is also defined by "
                                    f"{sources_by_slug[slug]} (expected one file per issue slug)"))
            continue
        sources_by_slug[slug] = source.path
        sources.append((source, slug))
    cache = cache if cache is not None else BuildCache(Path(), enabled=False)
    issues: list[Issue] = []
    for checked in _check_issues(sources, site, site_key(files.site.text, site.base_url), cache, markdown is not None):
        problems += checked.problems
        if checked.issue is not None:
            issues.append(checked.issue)
        if markdown is not None:
            markdown.update(checked.markdown)
    issues = _assign_numbers(attach_status(issues, parse_lock(files.lock, problems)), problems, cache)

    pages = []
    for source in files.pages:
        page = validate_page(source, PurePath(source.path).stem, problems)
        if page:
            pages.append(page)

    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ContentError(problems)
    problems += _scheduled_notes(issues, options)
    problems += find_repeats(issues) + find_empty_categories(site, issues, files.site.path)
    published = [issue for issue in issues
                 if (options.drafts or not issue.draft) and (options.future or not _is_scheduled(issue, options))]
    published.sort(key=lambda issue: (issue.date, issue.number, issue.slug), reverse=True)
    build_date = options.build_date or (published[0].date if published else site.build_date)
    site = dataclasses.replace(site, issues=tuple(published), pages=tuple(sorted(pages, key=lambda p: p.slug)),
                               build_date=build_date)
    return site, [p for p in problems if p.severity != "error"]


def _is_scheduled(issue: Issue, options: BuildOptions) -> bool:
    return options.today is not None and issue.date > options.today


def _scheduled_notes(issues: list[Issue], options: BuildOptions) -> list[Problem]:
    """Issues written ahead are published on their day by a scheduled build, so this is only a note."""
    return [Problem(issue.source_path, issue.date_line, "date", f"scheduled for {issue.date}: published from that day on "
                    "(build with --future to preview it now)", "note")
            for issue in issues if _is_scheduled(issue, options) and not issue.draft]


def _assign_numbers(issues: list[Issue], problems: list[Problem], cache: BuildCache) -> list[Issue]:
    """Issues without a number are numbered by their position by date; numbers must be unique."""
    ordered = sorted(issues, key=lambda issue: (issue.date, issue.slug))
    numbered, taken = [], {}
    for position, issue in enumerate(ordered, start=1):
        number = issue.number or position
        if number in taken:
            problems.append(Problem(issue.source_path, issue.number_line, "number", f"issue number {number} is also used by "
                                    f"{taken[number]} (expected a unique number per issue)"))
            continue
        taken[number] = issue.source_path
        known = cache.numbered.get((issue.digest, number))
        if known is None:
            known = cache.numbered[issue.digest, number] = dataclasses.replace(issue, number=number)
        numbered.append(known)
    return numbered


def load_site(options: BuildOptions, cache: BuildCache | None = None, markdown: dict[str, str] | None = None,
              loaded: tuple[ContentFiles, list[Problem]] | None = None) -> tuple[Site, list[Problem]]:
    """`loaded`: the content files when the caller has read them already (load_content_files)."""
    files, problems = loaded or load_content_files(Path(options.content_dir))
    try:
        site, warnings = build_site(files, options, cache, markdown)
    except ContentError as error:
        raise ContentError(problems + error.problems) from None
    if problems:
        raise ContentError(problems)
    return site, warnings
