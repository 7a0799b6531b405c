"""pyproject.toml in the forms setuptools accepts without a deprecation warning, so that `make site`
and `make test` install quietly (setuptools printed ~30 lines of warnings for the old forms)."""

from __future__ import annotations

import re
import tomllib

from conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_license_is_an_spdx_expression_not_a_table_or_classifier():
    project = PYPROJECT["project"]
    license_ = project["license"]
    assert isinstance(license_, str) and re.fullmatch(r"[A-Za-z0-9.\-+ ()]+", license_)
    assert not [c for c in project.get("classifiers", []) if c.startswith("License ::")]


def test_the_build_needs_a_setuptools_that_reads_that_license():
    [requirement] = [r for r in PYPROJECT["build-system"]["requires"] if r.startswith("setuptools")]
    version = re.fullmatch(r"setuptools>=(\d+)(\.\d+)*", requirement.replace(" ", ""))
    assert version and int(version.group(1)) >= 77, requirement


def test_the_editable_install_is_a_plain_path_entry():
    # with packages found from the project folder, setuptools writes a .pth line and no warning
    # (its import-hook finder, for any other layout, warns on every `pip install -e`)
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {"": "."}
