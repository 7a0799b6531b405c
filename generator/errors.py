"""Problems found in content, reported as ``path:line: field: message``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    field: str
    message: str
    severity: str = "error"  # "error" stops the build, "warning" only with --strict, "note" never

    def __str__(self) -> str:
        location = f"{self.path}:{self.line}" if self.line else self.path
        field = f" {self.field}:" if self.field else ""
        prefix = f" {self.severity}:" if self.severity != "error" else ""
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
