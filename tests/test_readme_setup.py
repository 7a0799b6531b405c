"""The README tells a new editor what `make test` needs beyond Python and make, what is skipped
without it, and that a fork rewrites the About page when it publishes."""

from __future__ import annotations

import re

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.M | re.S)
    assert match, title
    return match.group(1)


def test_setup_names_the_tools_make_test_also_uses_and_what_is_skipped_without_them():
    setup = section("Set-up commands")
    for tool in ("npm", "Chromium", "Java"):
        row = next((line for line in setup.splitlines() if line.startswith(f"| {tool}")), "")
        assert "skipped" in row, tool
    assert "CI=true" in setup


def test_the_publishing_steps_say_to_rewrite_the_about_page():
    steps = section("Publish your own digest on GitHub Pages")
    assert "content/pages/about.md" in steps
