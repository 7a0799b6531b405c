"""The editor's commands as steps: new issue, add papers from arXiv, import Hugging Face daily
papers.

Each raises EditorError (a one-line reason) and then leaves every file as it was."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from .append import Featured, find_featured, insert_records, render_record, write_issue_text
from .arxiv import ARXIV_API, EXPECTED_REF, load_arxiv_papers, parse_arxiv_ref
from ..errors import EditorError, Problem
from ..content.fields import did_you_mean
from .hfdaily import HF_DAILY_API, load_hf_daily
from ..content.files import ContentFiles, load_content_files
from ..model import Site
from .http import HttpSettings, PaperMetadata
from .new_issue import next_issue, parse_issue_dates, render_issue_template, write_new_issue
from ..content.settings import validate_site
from ..content.issues import UNSORTED
from ..refresh.lock import open_lock, record_featured_versions

Say = Callable[[str], None]


@dataclass(frozen=True)
class Added:
    """What a command appended, for its summary line."""

    path: str
    papers: tuple[PaperMetadata, ...]
    skipped: int


def _site_settings(files: ContentFiles) -> Site:
    if files.site is None:
        raise EditorError(
            "site.yaml is missing (expected a content folder with site.yaml; see --content)"
        )
    problems: list[Problem] = []
    site = validate_site(files.site, problems)
    if site is None or not site.categories:
        raise EditorError(
            f"{files.site.path}: cannot read the categories; run 'roundup check' first"
        )
    return site


def _category_slugs(site: Site) -> list[str]:
    return [category.slug for category in site.categories]


def _built_issues(files: ContentFiles, site: Site | None) -> dict:
    """Path -> the Issue the last `roundup build` into the default folder made of each issue file
    unchanged since (read from its cache, never written): those files are not parsed again."""
    if site is None:
        return {}
    from ..build import issues_built_before

    return issues_built_before(files.issues, site)


def create_issue(
    content_dir: Path, today: dt.date, date: dt.date | None = None, title: str = ""
) -> Path:
    """Write content/issues/<date>.yaml from the template; returns its path."""
    files, _ = load_content_files(content_dir)
    if files.site is None:
        raise EditorError(
            f"{content_dir} has no site.yaml (expected a content folder; see --content)"
        )
    try:
        site = _site_settings(files)
    except EditorError:  # a site.yaml being edited: the template just lists no categories
        site = None
    categories = _category_slugs(site) if site else []
    date, number = next_issue(
        parse_issue_dates(files.issues, _built_issues(files, site)), today, date
    )
    path = content_dir / "issues" / f"{date.isoformat()}.yaml"
    write_new_issue(path, render_issue_template(date, number, title, categories))
    return path


def _find_issue(content_dir: Path, files: ContentFiles, slug: str) -> tuple[Path, str]:
    slug = slug.removesuffix(".yaml").removesuffix(".yml")
    for source in files.issues:
        if Path(source.path).stem == slug:
            for suffix in (".yaml", ".yml"):
                path = content_dir / "issues" / f"{slug}{suffix}"
                if path.is_file():
                    return path, source.path
    known = sorted(Path(source.path).stem for source in files.issues)
    hint = did_you_mean(slug, known)
    expected = (
        f"one of: {', '.join(known[-5:])}" if known else "an issue created with 'roundup new'"
    )
    raise EditorError(f"no issue '{slug}' in {content_dir / 'issues'}{hint} (expected {expected})")


def _check_category(category: str, categories: list[str]) -> None:
    if category not in categories:
        raise EditorError(f"unknown category '{category}'{did_you_mean(category, categories)} "
                          f"(expected one of: {', '.join(categories)})")


def _triage(
    papers_or_ids: list[str],
    featured: dict[str, list[Featured]],
    issue_path: str,
    force: bool,
    say: Say,
) -> tuple[list[str], dict[str, str]]:
    """Ids to add, and for papers added again with --force, where they were before."""
    wanted, revisits = [], {}
    for arxiv in papers_or_ids:
        places = featured.get(arxiv, [])
        here = [place for place in places if place.path == issue_path]
        elsewhere = [place for place in places if place.path != issue_path]
        if here:
            say(f"{arxiv} is already in this issue, {here[0]}; skipped")
        elif elsewhere and not force:
            say(f"{arxiv} is already in {elsewhere[0]}; skipped (use --force to add it again)")
        else:
            wanted.append(arxiv)
            if elsewhere:
                revisits[arxiv] = f"also in {elsewhere[0]}"
    return wanted, revisits


def _append(path: Path, shown: str, text: str, records: list[list[str]]) -> None:
    write_issue_text(path, text, insert_records(text, records, shown))


def add_papers(
    content_dir: Path,
    issue: str,
    category: str,
    refs: list[str],
    force: bool = False,
    api_url: str = ARXIV_API,
    settings: HttpSettings = HttpSettings(),
    say: Say = print,
) -> Added:
    """Fetch each paper from the arXiv API (one request) and append its record to the issue."""
    ids, bad = [], []
    for ref in refs:
        arxiv = parse_arxiv_ref(ref)
        if arxiv is None:
            bad.append(ref)
        elif arxiv not in ids:
            ids.append(arxiv)
    if bad:
        what = "is not an arXiv id or link" if len(bad) == 1 else "are not arXiv ids or links"
        raise EditorError(f"{', '.join(repr(ref) for ref in bad)} {what} (expected {EXPECTED_REF})")
    files, _ = load_content_files(content_dir)
    site = _site_settings(files)
    _check_category(category, _category_slugs(site))
    path, shown = _find_issue(content_dir, files, issue)
    text = path.read_bytes().decode("utf-8")
    insert_records(text, [], shown)  # refuse a file we cannot append to before asking arXiv
    wanted, revisits = _triage(
        ids, find_featured(files.issues, _built_issues(files, site)), shown, force, say
    )
    if not wanted:
        return Added(shown, (), len(ids))
    # a lock file that does not read refuses before anything is fetched
    lock = open_lock(content_dir)
    say(
        f"Fetching {len(wanted)} paper{'s' if len(wanted) != 1 else ''} from "
        f"{urlsplit(api_url).netloc} ..."
    )
    papers = load_arxiv_papers(wanted, api_url, settings)
    records = [
        render_record(paper, category, revisit=revisits.get(paper.arxiv, "")) for paper in papers
    ]
    _append(path, shown, text, records)
    record_featured_versions(
        lock, {paper.arxiv: paper.version for paper in papers if paper.version}
    )
    return Added(shown, tuple(papers), len(ids) - len(wanted))


def import_hf_daily(content_dir: Path, issue: str, date: dt.date, force: bool = False,
                    api_url: str = HF_DAILY_API, settings: HttpSettings = HttpSettings(),
                    say: Say = print) -> Added:
    """Append the day's Hugging Face papers as candidates (category 'unsorted'), most upvoted first.
    """
    files, _ = load_content_files(content_dir)
    site = _site_settings(files)
    categories = _category_slugs(site)
    path, shown = _find_issue(content_dir, files, issue)
    text = path.read_bytes().decode("utf-8")
    insert_records(text, [], shown)
    say(f"Fetching the daily papers of {date} from {urlsplit(api_url).netloc} ...")
    papers = load_hf_daily(date, api_url, settings)
    featured = find_featured(files.issues, _built_issues(files, site))
    wanted, revisits = _triage([paper.arxiv for paper in papers], featured, shown, force, say)
    chosen = [paper for paper in papers if paper.arxiv in wanted]
    records = [
        render_record(
            paper,
            UNSORTED,
            note=f"Candidate from Hugging Face daily papers of {date}, "
            f"{paper.upvotes} upvote{'s' if paper.upvotes != 1 else ''}",
            category_note=f"choose one of: {', '.join(categories)}",
            revisit=revisits.get(paper.arxiv, ""),
            source="Hugging Face",
        )
        for paper in chosen
    ]
    if records:
        _append(path, shown, text, records)
    return Added(shown, tuple(chosen), len(papers) - len(chosen))
