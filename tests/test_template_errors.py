"""A template that fails during `roundup build` is named by its file and line, in one line, with
exit status 1 and no traceback; the previous site is left as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2
import pytest

from conftest import FIXTURES, ROOT, run_cli
from generator.errors import BuildError
from generator.template_errors import template_failure
from generator.workers import parallel_map

ISSUE_TEMPLATE = "themes/default/templates/issue.html"
BLOCK = "{% block content %}\n"


@pytest.fixture
def site(tmp_path, monkeypatch) -> Path:
    """The minimal content, with a copy of the default theme beside it (where it is looked up)."""
    shutil.copytree(FIXTURES / "minimal", tmp_path / "content")
    shutil.copytree(ROOT / "themes" / "default", tmp_path / "themes" / "default")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def line_of(path: str, text: str) -> int:
    return Path(path).read_text().splitlines().index(text.rstrip("\n")) + 1


def insert_after_block(path: str, code: str) -> int:
    """Put `code` on a line of its own after `{% block content %}`; returns that line's number."""
    template = Path(path)
    assert BLOCK in template.read_text()
    template.write_text(template.read_text().replace(BLOCK, BLOCK + code + "\n", 1))
    return line_of(path, BLOCK) + 1


def failed_build() -> str:
    result = run_cli("build", "--content", "content", "--output", "site")
    assert result.exit_code == 1
    assert "Traceback" not in result.output + result.stderr
    assert "Error: unexpected" not in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    return result.stderr.rstrip("\n")


@pytest.mark.parametrize("code, what", [
    ("{{ issue.nothing.here }}", "template: UndefinedError: 'generator.model.Issue object' has no "
                                 "attribute 'nothing'"),
    ("{{ issue.number / 0 }}", "template: ZeroDivisionError: division by zero"),
    ("{% if %}", "template: Expected an expression, got 'end of statement block'"),
    ('{% include "partials/nowhere.html" %}', "template: 'partials/nowhere.html' is not a template "
     "of the theme (expected a file in its templates/ folder, or in the theme it extends)"),
])
def test_a_failing_template_is_named_by_its_file_and_line(site, code, what):
    line = insert_after_block(ISSUE_TEMPLATE, code)
    message = failed_build()
    assert message.startswith(f"Error: {ISSUE_TEMPLATE}:{line}: {what} (while making issues/")


def test_a_broken_partial_is_named_not_the_page_that_includes_it(site):
    Path("themes/default/templates/partials/broken.html").write_text("<p>\n{{ paper.title\n")
    insert_after_block(ISSUE_TEMPLATE, '{% include "partials/broken.html" %}')
    assert failed_build().startswith("Error: themes/default/templates/partials/broken.html:2: "
                                     "template: unexpected end of template")


def test_a_failed_build_leaves_the_previous_site_as_it_was(site):
    assert run_cli("build", "--content", "content", "--output", "site").exit_code == 0
    before = {path: path.read_bytes() for path in Path("site").rglob("*") if path.is_file()}
    insert_after_block(ISSUE_TEMPLATE, "{{ issue.nothing.here }}")
    Path("content/issues/2024-01-14.yaml").write_text(
        Path("content/issues/2024-01-14.yaml").read_text().replace("Second issue", "Changed"))
    failed_build()
    assert {path: path.read_bytes() for path in Path("site").rglob("*") if path.is_file()} == before


def _render_in_a_worker(template: jinja2.Template) -> str:
    try:
        return template.render()
    except Exception as error:
        raise template_failure(error, "page.html") from None


def test_the_template_line_survives_a_build_worker(tmp_path):
    """Pages are made in forked workers: the location is read there, where the traceback is."""
    (tmp_path / "page.html").write_text("<p>\n{{ 1 // 0 }}\n")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)))
    template = env.get_template("page.html")
    with pytest.raises(BuildError) as failure:
        parallel_map(_render_in_a_worker, [template] * 4, jobs=2, min_per_worker=1, batch=1)
    assert str(failure.value) == (f"{tmp_path / 'page.html'}:2: template: ZeroDivisionError: "
                                  "integer division or modulo by zero (while making page.html)")
