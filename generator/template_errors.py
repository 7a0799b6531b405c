"""A failure inside a theme's template, as one line naming the template file and line.

Shared by `roundup build` (which raises it as a BuildError) and `roundup serve` (which shows it
over the page): Jinja puts the template's file and line in the traceback frames of the code it
compiled, so they are read from there, in the process where the template ran.
"""

from __future__ import annotations

import os
import traceback

import jinja2

from .errors import BuildError

TEMPLATE_SUFFIXES = (".html", ".txt", ".xml", ".xsl", ".css")


def shown_path(filename: str) -> str:
    """A template's file as the editor would type it: relative to the working folder when inside."""
    try:
        relative = os.path.relpath(filename)
    except ValueError:  # another drive
        return filename
    return filename if relative.startswith("..") else relative


def describe_template_error(error: BaseException) -> str | None:
    """`path:line: template: what went wrong`, or None when no template is to blame."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        where = shown_path(error.filename) if error.filename else (error.name or "a template")
        return f"{where}:{error.lineno}: template: {error.message}"
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if frame.filename.endswith(TEMPLATE_SUFFIXES)]
    if not frames and not isinstance(error, jinja2.TemplateError):
        return None
    place = f"{shown_path(frames[-1].filename)}:{frames[-1].lineno}: " if frames else ""
    if isinstance(error, jinja2.TemplateNotFound):
        return (f"{place}template: '{error.name}' is not a template of the theme (expected a file "
                "in its templates/ folder, or in the theme it extends)")
    return f"{place}template: {type(error).__name__}: {error}"


def template_failure(error: BaseException, making: str = "") -> BaseException:
    """A BuildError naming the template when one is to blame (and the file it was making), else
    the error itself."""
    described = describe_template_error(error)
    if described is None:
        return error
    return BuildError(f"{described} (while making {making})" if making else described)
