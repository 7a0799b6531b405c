"""A fork that replaces content/ with its own digest keeps a green test suite.

The suite reads only tests/fixtures/ (the sample is copied to tests/fixtures/sample), so the
content-independent part of it is run here in a copy of the project whose content/ holds another
valid digest, and must pass there too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, ROOT

# Fast modules that build the sample, check editor commands and the model: enough to show that
# nothing reads content/ (tests that start a browser or servers add time, not evidence).
MODULES = ("tests/test_site.py", "tests/test_editor_check.py", "tests/test_editor_new.py",
           "tests/test_validation.py")


def test_no_test_module_names_the_shipped_content_folder():
    for module in sorted((ROOT / "tests").glob("*.py")):
        if module.name == Path(__file__).name:
            continue
        text = module.read_text(encoding="utf-8")
        assert 'ROOT / "content"' not in text and "ROOT/'content'" not in text, module.name


def test_the_suite_passes_in_a_fork_whose_content_is_another_digest(tmp_path):
    fork = tmp_path / "fork"
    for name in ("generator", "themes", "tests"):
        shutil.copytree(ROOT / name, fork / name,
                        ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    shutil.copy(ROOT / "pyproject.toml", fork / "pyproject.toml")
    shutil.copytree(FIXTURES / "minimal", fork / "content")  # a different, valid digest
    env = {**os.environ, "PYTHONPATH": str(fork), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                             *MODULES], cwd=fork, env=env, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout.splitlines()[-1]

