"""An incremental build equals a cold build whatever input changed, not only the content.

Random sequences of changes to site.yaml, the build options (--base-url, --drafts, --future),
templates (including a theme that reads the issue list under another name), the theme, the build
day (moving past a scheduled issue) and the content; after each, every file of the incremental
build is compared with a cold build (--no-cache, an empty folder) of the same inputs.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, build


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@dataclass
class Inputs:
    """What a build is made from besides the files: its options and its day."""

    base_url: str | None = None
    drafts: bool = False
    future: bool = False
    day: dt.date = dt.date(2024, 1, 20)
    log: list[str] = field(default_factory=list)

    def args(self) -> list[str]:
        return ([*(["--base-url", self.base_url] if self.base_url else [])]
                + (["--drafts"] if self.drafts else []) + (["--future"] if self.future else []))

    def env(self) -> dict[str, str]:
        moment = dt.datetime.combine(self.day, dt.time(12), tzinfo=dt.timezone.utc)
        return {"SOURCE_DATE_EPOCH": str(calendar.timegm(moment.utctimetuple()))}


def make_project(root: Path) -> Path:
    """Minimal content, an About page, a draft and an issue scheduled for 2024-01-28; both themes.
    """
    shutil.copytree(FIXTURES / "minimal", root / "content")
    for theme in ("default", "classic"):
        shutil.copytree(ROOT / "themes" / theme, root / "themes" / theme)
    (root / "content" / "pages").mkdir()
    (root / "content" / "pages" / "about.md").write_text(
        "---\ntitle: About\n---\nWhat this digest is.\n", encoding="utf-8")
    issues = root / "content" / "issues"
    (issues / "2024-01-21.yaml").write_text(
        "title: Draft issue\ndate: 2024-01-21\ndraft: true\nsummary: Not yet.\npapers:\n"
        "  - title: A Draft Paper\n    category: efficiency\n    arxiv: \"2401.00007\"\n"
        "    summary: Drafted.\n    tags: [drafts]\n", encoding="utf-8")
    (issues / "2024-01-28.yaml").write_text(
        "title: Scheduled issue\ndate: 2024-01-28\nsummary: Soon.\npapers:\n"
        "  - title: A Scheduled Paper\n    category: reasoning\n    arxiv: \"2401.00009\"\n"
        "    summary: Later.\n    tags: [reasoning]\n", encoding="utf-8")
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def set_line(path: Path, key: str, value: str) -> None:
    """Sets a top-level `key: value` line of a YAML file (adds it when missing)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if not line.startswith(f"{key}:")]
    path.write_text("\n".join([f"{key}: {value}", *lines]) + "\n", encoding="utf-8")


# A theme that shows the newest issue's title on every page it makes, without the literal
# `site.issues` (each spelling must be seen as reading every issue).
ALIASES = (
    '{% set s = site %}<p class="newest">{{ s.issues[0].title }}</p>',
    '<p class="newest">{{ site["issues"][0].title }}</p>',
    '<p class="newest">{{ (site|attr("issues"))[0].title }}</p>',
)


def change_site_yaml(root: Path, rng: random.Random, inputs: Inputs) -> str:
    site = root / "content" / "site.yaml"
    field_name, value = rng.choice([
        ("title", f"Digest {rng.randint(0, 999)}"),
        ("description", f"About {rng.randint(0, 999)} papers."),
        ("base_url", rng.choice(["https://example.org/", "https://example.org/weekly/",
                                 "http://localhost:8000/"])),
        ("per_page", str(rng.randint(1, 3))),
        ("language", rng.choice(["en", "en-GB"])),
        ("subscribe_url", rng.choice(["https://example.org/join", "https://example.net/s"])),
    ])
    set_line(site, field_name, value)
    return f"site.yaml {field_name}: {value}"


def change_option(root: Path, rng: random.Random, inputs: Inputs) -> str:
    which = rng.choice(["base_url", "drafts", "future"])
    if which == "base_url":
        inputs.base_url = rng.choice([None, "http://localhost:8000/", "http://127.0.0.1:9/x/"])
    else:
        setattr(inputs, which, not getattr(inputs, which))
    return f"option {which} = {getattr(inputs, which)}"


def change_template(root: Path, rng: random.Random, inputs: Inputs) -> str:
    template = root / "themes" / "default" / "templates" / rng.choice(["page.html", "404.html"])
    text = template.read_text(encoding="utf-8")
    for alias in ALIASES:
        text = text.replace(alias, "")
    alias = rng.choice(ALIASES + ("",))
    text = text.replace("{% block content %}", "{% block content %}" + alias, 1)
    template.write_text(text, encoding="utf-8")
    return f"template {template.name}: {alias or 'no alias'}"


def change_theme(root: Path, rng: random.Random, inputs: Inputs) -> str:
    theme = rng.choice(["default", "classic"])
    set_line(root / "content" / "site.yaml", "theme", theme)
    return f"theme {theme}"


def change_day(root: Path, rng: random.Random, inputs: Inputs) -> str:
    inputs.day = rng.choice([dt.date(2024, 1, 20), dt.date(2024, 1, 27), dt.date(2024, 1, 28),
                             dt.date(2024, 2, 5)])
    return f"day {inputs.day}"


def change_content(root: Path, rng: random.Random, inputs: Inputs) -> str:
    newest = root / "content" / "issues" / rng.choice(["2024-01-14.yaml", "2024-01-28.yaml"])
    lines = newest.read_text(encoding="utf-8").splitlines()
    kind = rng.choice(["title", "summary", "paper"])
    if kind == "title":
        lines[0] = f"title: Retitled {rng.randint(0, 999)}"
    elif kind == "summary":
        lines = [f"    summary: Edited {rng.randint(0, 999)}." if line.startswith("    summary:")
                 else line for line in lines]
    else:
        serial = rng.randint(10, 99)
        lines += [f"  - title: Added Paper {serial}", "    category: efficiency",
                  f'    arxiv: "2401.000{serial}"', "    summary: Added.", "    tags: [added]"]
    newest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f"content {newest.name}: {kind}"


CHANGES = (change_site_yaml, change_option, change_template, change_theme, change_day,
           change_content)


def assert_incremental_equals_cold(root: Path, inputs: Inputs, scratch: Path) -> None:
    build(root / "content", root / "site", "-q", *inputs.args(), env=inputs.env())
    cold = scratch / "cold"
    shutil.rmtree(cold, ignore_errors=True)
    shutil.copytree(root / "content", cold / "content")
    shutil.copytree(root / "themes", cold / "themes")
    build(cold / "content", cold / "site", "-q", "--no-cache", *inputs.args(), env=inputs.env())
    incremental, fresh = tree(root / "site"), tree(cold / "site")
    assert sorted(incremental) == sorted(fresh), (inputs.log, set(incremental) ^ set(fresh))
    different = [path for path in fresh if incremental[path] != fresh[path]]
    assert different == [], inputs.log


@pytest.mark.parametrize("seed", range(3))
def test_random_changes_of_any_input_rebuild_as_a_cold_build_does(tmp_path, seed):
    rng = random.Random(seed)
    root = make_project(tmp_path / "project")
    inputs = Inputs()
    build(root / "content", root / "site", "-q", env=inputs.env())
    for _ in range(8):
        inputs.log.append(rng.choice(CHANGES)(root, rng, inputs))
        assert_incremental_equals_cold(root, inputs, tmp_path)


def test_changing_the_base_url_changes_every_link(tmp_path):
    """The compiled templates hold the base path folded in (`'static/css/style.css' | url`)."""
    root = make_project(tmp_path / "project")
    inputs = Inputs()
    build(root / "content", root / "site", "-q", env=inputs.env())
    for step in ("option", "site.yaml"):
        if step == "option":
            inputs.base_url = "http://localhost:8000/"
        else:
            inputs.base_url = None
            set_line(root / "content" / "site.yaml", "base_url", "https://example.org/digest/")
        inputs.log.append(step)
        assert_incremental_equals_cold(root, inputs, tmp_path)
    page = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="/digest/static/css/style.css"' in page


@pytest.mark.parametrize("alias", ALIASES)
def test_a_template_reading_the_issues_under_another_name_follows_them(tmp_path, alias):
    root = make_project(tmp_path / "project")
    inputs = Inputs()
    template = root / "themes" / "default" / "templates" / "page.html"
    edit(template, "{% block content %}", "{% block content %}" + alias)
    build(root / "content", root / "site", "-q", env=inputs.env())
    edit(root / "content" / "issues" / "2024-01-14.yaml", "title: ", "title: Retitled ")
    inputs.log.append(alias)
    assert_incremental_equals_cold(root, inputs, tmp_path)
    assert "Retitled" in (root / "site" / "about" / "index.html").read_text(encoding="utf-8")
