"""Shared helpers: build a content folder into tmp_path through the real CLI."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from generator.cli import main
from tools import FIXTURES, ROOT, SAMPLE_CONTENT  # noqa: F401 (test files import ROOT from here)

# The shipped themes. A test that takes `themed_site` runs once for each (see `theme`).
SHIPPED_THEMES = ("default", "classic")


def run_cli(*args: str, env: dict | None = None):
    """Run `roundup ARGS` in-process; returns click's Result (exit_code, stdout, stderr)."""
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def build(content: Path, output: Path, *extra: str, env: dict | None = None):
    result = run_cli("build", "--content", str(content), "--output", str(output), *extra, env=env)
    assert result.exit_code == 0, result.output + result.stderr
    return result


def themed_content(target: Path, theme: str) -> Path:
    """A copy of the sample content at target, with `theme:` in site.yaml set to theme."""
    shutil.copytree(SAMPLE_CONTENT, target)
    site_yaml = target / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    assert "\ntheme: default\n" in text, "the sample's site.yaml names its theme"
    site_yaml.write_text(
        text.replace("\ntheme: default\n", f"\ntheme: {theme}\n"), encoding="utf-8"
    )
    return target


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def assert_site_link_resolves(site: Path, base_url: str, href: str) -> None:
    """An absolute link into the built site names an existing file, and its #fragment an element."""
    parts = urlsplit(href)
    relative = unquote(parts.path[len(urlsplit(base_url).path):])
    target = (
        site / relative / "index.html"
        if relative.endswith("/") or not relative
        else site / relative
    )
    assert target.is_file(), href
    if parts.fragment:
        assert soup(target).find(id=parts.fragment) is not None, href


@pytest.fixture
def minimal_content(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/minimal to edit in a test."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "minimal", target)
    return target


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The shipped sample content, built once per test session."""
    output = tmp_path_factory.mktemp("sample") / "site"
    build(SAMPLE_CONTENT, output)
    return output


@pytest.fixture(scope="session")
def classic_site(tmp_path_factory) -> Path:
    """The sample content built with the shipped `classic` theme, once per test session."""
    root = tmp_path_factory.mktemp("classic")
    output = root / "site"
    build(themed_content(root / "content", "classic"), output)
    return output


@pytest.fixture(scope="session", params=SHIPPED_THEMES)
def theme(request) -> str:
    """Each shipped theme in turn: the tests that hold for any theme run once per theme."""
    return request.param


@pytest.fixture(scope="session")
def themed_site(theme: str, request) -> Path:
    """The sample content built with `theme` (the same build as sample_site or classic_site)."""
    return request.getfixturevalue({"default": "sample_site", "classic": "classic_site"}[theme])
