"""The README's "Project layout" names every module of generator/, and only modules that exist.

A module is named by its path relative to generator/ (``content/site.py``, ``__init__.py``), so a
newcomer can find any behaviour from the README; a renamed or deleted module cannot linger there.
"""

from __future__ import annotations

import re

from tools import ROOT

GENERATOR = ROOT / "generator"
# A path ending in .py that is not part of a longer path or word: `content/site.py`, `cli.py`.
MODULE_NAME = re.compile(r"(?<![\w./-])((?:[A-Za-z_]\w*/)*[A-Za-z_]\w*\.py)(?![\w/])")


def layout_section(readme: str) -> str:
    """The text of the "## Project layout" section, up to the next second-level heading."""
    match = re.search(r"^## Project layout\n(.*?)(?=^## |\Z)", readme, flags=re.M | re.S)
    assert match, 'README.md has no "## Project layout" section'
    return match.group(1)


def layout_problems(readme: str, modules: set[str]) -> list[str]:
    """What the section gets wrong about modules (paths relative to generator/), sorted."""
    named = set(MODULE_NAME.findall(layout_section(readme)))
    return ([f"generator/{name} is not named in the README's Project layout"
             for name in sorted(modules - named)]
            + [f"the README's Project layout names generator/{name}, which does not exist"
               for name in sorted(named - modules)])


def generator_modules() -> set[str]:
    return {path.relative_to(GENERATOR).as_posix() for path in GENERATOR.rglob("*.py")}


def test_the_readme_names_every_module_of_generator_and_no_other():
    modules = generator_modules()
    assert {"cli.py", "content/site.py", "content/__init__.py"} <= modules  # the walk finds them
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert layout_problems(readme, modules) == []


def test_a_missing_or_stale_module_name_is_reported():
    readme = ("# Title\n\nSee cli.py.\n\n## Project layout\n\n```text\n"
              "generator/\n  cli.py      the command\n  content/old.py   gone\n```\n\n"
              "## Next\n\nmodel.py is named only outside the section.\n")
    assert layout_problems(readme, {"cli.py", "model.py", "content/site.py"}) == [
        "generator/content/site.py is not named in the README's Project layout",
        "generator/model.py is not named in the README's Project layout",
        "the README's Project layout names generator/content/old.py, which does not exist",
    ]
