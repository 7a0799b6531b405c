"""The build cache is correct: after every kind of edit, an incremental build gives exactly the
files a cold build (no cache, empty output) gives for the same content."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, build


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def assert_same_as_cold_build(content: Path, output: Path, tmp_path: Path, *extra: str) -> None:
    """Build `content` from scratch elsewhere and compare every file with the incremental `output`."""
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(content, fresh / "content")
    themes = content.parent / "themes"
    if themes.is_dir():
        shutil.copytree(themes, fresh / "themes")
    build(fresh / "content", fresh / "site", *extra)
    incremental, cold = tree(output), tree(fresh / "site")
    assert sorted(incremental) == sorted(cold), set(incremental) ^ set(cold)
    different = [path for path in cold if incremental[path] != cold[path]]
    assert different == []


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A writable project: content/ (the minimal fixture plus a third issue) and themes/ (default)."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "minimal", root / "content")
    shutil.copytree(ROOT / "themes" / "default", root / "themes" / "default")
    (root / "content" / "issues" / "2024-01-21.yaml").write_text(
        "title: Third issue\ndate: 2024-01-21\nsummary: The third.\npapers:\n"
        "  - title: A Third Paper\n    category: reasoning\n    arxiv: \"2401.00005\"\n"
        "    summary: Thinks harder.\n    tags: [reasoning, search]\n", encoding="utf-8")
    build(root / "content", root / "site")
    return root


def rebuild(root: Path) -> None:
    build(root / "content", root / "site")


def rebuild_listing_made(root: Path) -> set[str]:
    """Rebuild; the site paths made again (written or not), as `roundup build -v` lists them."""
    output = build(root / "content", root / "site", "-v").output
    return {line.rsplit("/site/", 1)[1] for line in output.splitlines() if line.startswith("  ")}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_second_build_with_no_change_rewrites_nothing(project, tmp_path):
    before = {path: path.stat().st_mtime_ns for path in (project / "site").rglob("*") if path.is_file()}
    rebuild(project)
    after = {path: path.stat().st_mtime_ns for path in (project / "site").rglob("*") if path.is_file()}
    assert after == before
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_editing_a_summary(project, tmp_path):
    edit(project / "content" / "issues" / "2024-01-07.yaml", "summary: It reasons.", "summary: It reasons *well*.")
    rebuild(project)
    assert "<em>well</em>" in (project / "site" / "issues" / "2024-01-07" / "index.html").read_text()
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_editing_a_summary_remakes_only_the_pages_that_show_that_paper(project, tmp_path):
    edit(project / "content" / "issues" / "2024-01-07.yaml", "summary: It reasons.", "summary: It reasons *well*.")
    made = rebuild_listing_made(project)
    assert {"issues/2024-01-07/index.html", "categories/reasoning/index.html", "tags/reasoning/index.html"} <= made
    # the pages of the issue's other paper, and of papers in other issues, are left alone
    assert not made & {"papers/an-efficient-paper/index.html", "categories/efficiency/index.html",
                       "papers/2401.00005/index.html", "tags/search/index.html"}
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_publishing_a_new_issue_leaves_the_pages_of_unrelated_papers_alone(project, tmp_path):
    # The build date follows the newest issue; no page shows it, so it must not remake every page.
    (project / "content" / "issues" / "2024-01-28.yaml").write_text(
        "title: Fourth issue\ndate: 2024-01-28\nsummary: The fourth.\npapers:\n"
        "  - title: A Fourth Paper\n    category: reasoning\n    arxiv: \"2401.00006\"\n"
        "    summary: Searches.\n    tags: [search]\n", encoding="utf-8")
    made = rebuild_listing_made(project)
    assert {"issues/2024-01-28/index.html", "papers/2401.00006/index.html", "feed.xml", "index.html"} <= made
    assert not made & {"papers/an-efficient-paper/index.html", "categories/efficiency/index.html",
                       "tags/chain-of-thought/index.html", "issues/2024-01-07/index.html"}
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_editing_an_issue_title_updates_its_neighbours_and_listings(project, tmp_path):
    edit(project / "content" / "issues" / "2024-01-14.yaml", "title: Second issue", "title: The Renamed Issue")
    rebuild(project)
    assert "The Renamed Issue" in (project / "site" / "issues" / "2024-01-21" / "index.html").read_text()
    assert "The Renamed Issue" in (project / "site" / "archive" / "index.html").read_text()
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_adding_a_paper(project, tmp_path):
    issue = project / "content" / "issues" / "2024-01-14.yaml"
    issue.write_text(issue.read_text() + "  - title: A New Paper\n    category: efficiency\n"
                     "    arxiv: \"2401.00009\"\n    summary: Brand new.\n    tags: [new-tag]\n")
    rebuild(project)
    assert (project / "site" / "papers" / "2401.00009" / "index.html").is_file()
    assert (project / "site" / "tags" / "new-tag" / "index.html").is_file()
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_removing_a_paper_removes_its_pages(project, tmp_path):
    issue = project / "content" / "issues" / "2024-01-21.yaml"
    issue.write_text(issue.read_text().replace("tags: [reasoning, search]", "tags: [reasoning]"))
    rebuild(project)
    assert not (project / "site" / "tags" / "search").exists()
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_moving_a_paper_to_another_category(project, tmp_path):
    edit(project / "content" / "issues" / "2024-01-21.yaml", "category: reasoning", "category: efficiency")
    rebuild(project)
    page = (project / "site" / "categories" / "efficiency" / "index.html").read_text()
    assert "A Third Paper" in page
    assert "A Third Paper" not in (project / "site" / "categories" / "reasoning" / "index.html").read_text()
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_renaming_a_category_in_site_settings(project, tmp_path):
    edit(project / "content" / "site.yaml", "name: Reasoning", "name: Thinking Machines")
    rebuild(project)
    assert "Thinking Machines" in (project / "site" / "issues" / "2024-01-07" / "index.html").read_text()
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_changing_a_template_changes_the_pages_that_use_it(project, tmp_path):
    template = project / "themes" / "default" / "templates" / "paper.html"
    edit(template, "<h2 id=\"cite-title\">Cite</h2>", "<h2 id=\"cite-title\">Cite this paper</h2>")
    rebuild(project)
    assert "Cite this paper" in (project / "site" / "papers" / "2401.00001" / "index.html").read_text()
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_changing_a_partial_changes_every_page_that_includes_it(project, tmp_path):
    edit(project / "themes" / "default" / "templates" / "base.html", "<body>", "<body class=\"changed\">")
    rebuild(project)
    for page in (project / "site").rglob("index.html"):
        assert 'class="changed"' in page.read_text(), page
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_changing_a_stylesheet(project, tmp_path):
    css = project / "themes" / "default" / "static" / "css" / "style.css"
    css.write_text(css.read_text() + "\n/* changed */\n")
    rebuild(project)
    assert (project / "site" / "static" / "css" / "style.css").read_text().endswith("/* changed */\n")
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_deleting_an_issue_file(project, tmp_path):
    (project / "content" / "issues" / "2024-01-21.yaml").unlink()
    rebuild(project)
    assert not (project / "site" / "issues" / "2024-01-21").exists()
    assert not (project / "site" / "papers" / "2401.00005").exists()
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_adding_an_older_issue_renumbers_the_later_ones(project, tmp_path):
    (project / "content" / "issues" / "2023-12-31.yaml").write_text(
        "title: Issue zero\ndate: 2023-12-31\npapers:\n  - title: An Early Paper\n    category: reasoning\n"
        "    url: https://example.com/early\n    summary: Early.\n", encoding="utf-8")
    rebuild(project)
    assert "Issue 4" in (project / "site" / "issues" / "2024-01-21" / "index.html").read_text()
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_a_file_deleted_from_the_output_by_hand_is_made_again(project, tmp_path):
    (project / "site" / "archive" / "index.html").unlink()
    rebuild(project)
    assert (project / "site" / "archive" / "index.html").is_file()
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_deleting_the_cache_never_changes_the_output(project, tmp_path):
    edit(project / "content" / "issues" / "2024-01-07.yaml", "summary: It reasons.", "summary: Changed.")
    shutil.rmtree(project / ".roundup-cache")
    rebuild(project)
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_a_failed_build_keeps_the_cache_and_the_output_consistent(project, tmp_path):
    issue = project / "content" / "issues" / "2024-01-07.yaml"
    good = issue.read_text()
    issue.write_text(good.replace("category: reasoning", "category: nope"))
    from conftest import run_cli
    assert run_cli("build", "--content", str(project / "content"), "--output", str(project / "site")).exit_code == 1
    issue.write_text(good.replace("summary: It reasons.", "summary: Fixed."))
    rebuild(project)
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_no_cache_flag_builds_everything_again(project, tmp_path):
    from conftest import run_cli
    result = run_cli("build", "--no-cache", "--content", str(project / "content"), "--output", str(project / "site"))
    assert result.exit_code == 0, result.output
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_a_template_that_lists_issues_itself_is_made_again_when_they_change(project, tmp_path):
    # the About page of a theme may show the latest issue: it then depends on every issue
    (project / "content" / "pages").mkdir(exist_ok=True)
    (project / "content" / "pages" / "about.md").write_text("---\ntitle: About\n---\nHello.\n")
    edit(project / "themes" / "default" / "templates" / "page.html", "{% block content %}",
         "{% block content %}<p class=\"latest\">{{ site.issues[0].title }}</p>")
    rebuild(project)
    edit(project / "content" / "issues" / "2024-01-21.yaml", "title: Third issue", "title: Newest Title")
    rebuild(project)
    assert "Newest Title" in (project / "site" / "about" / "index.html").read_text()
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


# --- author pages, related papers and the search index ------------------------------------------

def test_adding_a_paper_by_an_existing_author(project, tmp_path):
    issue = project / "content" / "issues" / "2024-01-21.yaml"
    issue.write_text(issue.read_text() + "  - title: Lovelace Again\n    category: efficiency\n"
                     "    arxiv: \"2401.00011\"\n    authors: [Ada Lovelace, Grace Hopper]\n    summary: More.\n")
    rebuild(project)
    page = (project / "site" / "authors" / "ada-lovelace" / "index.html").read_text()
    assert "Lovelace Again" in page and "A Reasoning Paper" in page
    assert (project / "site" / "authors" / "grace-hopper" / "index.html").is_file()
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_renaming_an_author_moves_their_page(project, tmp_path):
    edit(project / "content" / "issues" / "2024-01-07.yaml", "Alan Turing", "Alan M. Turing")
    rebuild(project)
    assert not (project / "site" / "authors" / "alan-turing").exists()
    assert (project / "site" / "authors" / "alan-m-turing" / "index.html").is_file()
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_changing_tags_changes_the_related_papers(project, tmp_path):
    # the third issue's paper shares the tag `reasoning` with the first one; give it `efficiency` instead
    before = (project / "site" / "papers" / "2401.00001" / "index.html").read_text()
    assert "A Third Paper" in before
    edit(project / "content" / "issues" / "2024-01-21.yaml", "category: reasoning", "category: efficiency")
    edit(project / "content" / "issues" / "2024-01-21.yaml", "tags: [reasoning, search]", "tags: [efficiency]")
    rebuild(project)
    assert "A Third Paper" not in (project / "site" / "papers" / "2401.00001" / "index.html").read_text()
    assert "A Third Paper" in (project / "site" / "papers" / "2401.00003" / "index.html").read_text()
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_retitling_a_related_paper_updates_the_pages_that_show_it(project, tmp_path):
    edit(project / "content" / "issues" / "2024-01-21.yaml", "title: A Third Paper", "title: A Renamed Third Paper")
    rebuild(project)
    assert "A Renamed Third Paper" in (project / "site" / "papers" / "2401.00001" / "index.html").read_text()
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_the_search_index_follows_an_edited_paper_page(project, tmp_path):
    entry = project / "site" / "pagefind" / "pagefind-entry.json"
    before = entry.read_bytes()
    edit(project / "content" / "issues" / "2024-01-21.yaml", "summary: Thinks harder.", "summary: Thinks of zebras.")
    rebuild(project)
    assert entry.read_bytes() != before  # a new index, named by its entry file
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_no_search_leaves_the_index_alone_and_the_next_build_catches_up(project, tmp_path):
    from conftest import run_cli
    index = {p: p.stat().st_mtime_ns for p in (project / "site" / "pagefind").rglob("*") if p.is_file()}
    assert index, "the first build made a search index"
    edit(project / "content" / "issues" / "2024-01-07.yaml", "summary: It reasons.", "summary: Indexed later.")
    result = run_cli("build", "--no-search", "--content", str(project / "content"), "--output", str(project / "site"))
    assert result.exit_code == 0, result.output
    assert "Indexed later." in (project / "site" / "issues" / "2024-01-07" / "index.html").read_text()
    assert {p: p.stat().st_mtime_ns for p in (project / "site" / "pagefind").rglob("*") if p.is_file()} == index
    rebuild(project)
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


@pytest.fixture
def ram_path(tmp_path: Path):
    """A folder on /dev/shm where there is one: there (tmpfs) a folder lists its entries in the order
    they were made, which is where a search index that follows that order differs from a cold build's."""
    if not os.access("/dev/shm", os.W_OK):
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(dir="/dev/shm", prefix="roundup-test-") as folder:
        yield Path(folder)


def test_the_search_index_does_not_depend_on_the_order_paper_folders_were_made(ram_path):
    root = ram_path / "project"
    shutil.copytree(FIXTURES / "minimal", root / "content")
    build(root / "content", root / "site")
    # a paper whose folder sorts first is made last by the incremental build
    edit(root / "content" / "issues" / "2024-01-14.yaml", "papers:\n", "papers:\n  - title: An Early Paper\n"
         "    category: reasoning\n    arxiv: \"2401.00000\"\n    summary: First in line.\n")
    build(root / "content", root / "site")
    assert (root / "site" / "papers" / "2401.00000" / "index.html").is_file()
    assert_same_as_cold_build(root / "content", root / "site", ram_path)
