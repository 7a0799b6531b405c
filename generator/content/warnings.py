"""Warnings that need the whole content at once: papers featured again, categories left empty.

Pure: validated issues in, problems (severity "warning") out. ``roundup check --strict`` fails on
them."""

from __future__ import annotations

from ..errors import Problem
from ..model import Issue, Paper, Site


def _papers_in_file_order(issue: Issue) -> list[Paper]:
    """The issue's papers as written (entries are grouped by category), so papers[i] names the right
    one."""
    return sorted((entry.paper for entry in issue.entries), key=lambda paper: paper.source_line)


def _name(paper: Paper) -> str:
    return f"'{paper.arxiv}'" if paper.arxiv else f"'{paper.title}'"


def find_repeats(issues: list[Issue]) -> list[Problem]:
    """A paper featured in an earlier issue, unless its record says ``revisit: true``."""
    problems: list[Problem] = []
    seen: dict[str, tuple[Issue, Paper]] = {}
    for issue in sorted(issues, key=lambda issue: (issue.date, issue.slug)):
        for index, paper in enumerate(_papers_in_file_order(issue)):
            earlier = seen.get(paper.id)
            seen[paper.id] = (issue, paper)
            if earlier is None or paper.revisit:
                continue
            where = f"{earlier[0].source_path}:{earlier[1].source_line}"
            problems.append(
                Problem(
                    issue.source_path,
                    paper.source_line,
                    f"papers[{index}]",
                    f"{_name(paper)} was already featured in {where} (expected a paper not "
                    "featured before, or 'revisit: true' to feature it again on purpose)",
                    "warning",
                )
            )
    return problems


def find_empty_categories(site: Site, issues: list[Issue], site_path: str) -> list[Problem]:
    """A category of site.yaml that no issue uses: a typo'd slug, or one to remove."""
    used = {entry.paper.category for issue in issues for entry in issue.entries}
    return [
        Problem(
            site_path,
            category.source_line,
            f"categories[{index}]",
            f"'{category.slug}' has no papers in any issue (expected at least one paper in it, "
            "or remove the category)",
            "warning",
        )
        for index, category in enumerate(site.categories)
        if category.slug not in used
    ]
