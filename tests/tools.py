"""Locate the external checkers; a missing one skips its test, except in CI where it must run."""

from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_BIN = ROOT / "node_modules" / ".bin"


def require(path_or_command: str | Path, why: str) -> str:
    """Return the tool's path, or skip (fail under CI=true) with a clear reason."""
    candidate = Path(path_or_command)
    found = str(candidate) if candidate.exists() else shutil.which(str(path_or_command))
    if found:
        return found
    message = f"{path_or_command} is not installed: {why}"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true: the tool must be installed, see .ci/run and the Makefile)")
    pytest.skip(message)


def require_module(name: str, why: str):
    """Import and return a Python module, or skip (fail under CI=true) with a clear reason."""
    try:
        return importlib.import_module(name)
    except ImportError:
        message = f"Python module {name} is not installed: {why}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: it must be installed, see pyproject.toml's test extras)")
        pytest.skip(message)
