"""Problems found in content, reported as ``path:line: field: message``."""

from __future__ import annotations

from dataclasses import dataclass


SEVERITY_LABELS = {"error": "", "draft": "warning (draft)"}


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    field: str
    message: str
    # "error" stops the build, "warning" fails only --strict, "note" never; "draft": any problem
    # inside a draft issue, shown as a warning and never failing unless --drafts is given
    severity: str = "error"

    def __str__(self) -> str:
        location = f"{self.path}:{self.line}" if self.line else self.path
        field = f" {self.field}:" if self.field else ""
        label = SEVERITY_LABELS.get(self.severity, self.severity)
        prefix = f" {label}:" if label else ""
        return f"{location}:{prefix}{field} {self.message}"


class ContentError(Exception):
    """Raised once with every problem found, so the editor sees them all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class BuildError(Exception):
    """A failure that is not the content's fault (theme, output folder)."""


class EditorError(Exception):
    """An editor command (new, add, import) could not do what was asked; nothing was changed."""
