"""The build cache is correct: after every kind of edit, an incremental build gives exactly the
files a cold build (no cache, empty output) gives for the same content."""

from __future__ import annotations

import datetime
import json
import os
import random
import shutil
import tempfile
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, build, run_cli
from generator.incremental.cache import BuildCache, cache_folder, load_cache
from generator.incremental.door import Incremental
from generator.options import BuildOptions
from generator.content.site import load_site
from generator.serve.live import LiveMemory, load_live_site
from generator.catalog import build_catalog
from generator.incremental.catalog import update_catalog
from generator.incremental.missing import MissingFiles


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def assert_same_as_cold_build(content: Path, output: Path, tmp_path: Path, *extra: str) -> None:
    """Build `content` from scratch elsewhere and compare every file with the incremental `output`.
    """
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
    """A writable project: content/ (the minimal fixture plus a third issue) and themes/ (default).
    """
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


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def issue(root: Path, date: str) -> Path:
    return root / "content" / "issues" / f"{date}.yaml"


def built(root: Path, path: str) -> Path:
    return root / "site" / path


def page(root: Path, path: str) -> str:
    return built(root, path).read_text(encoding="utf-8")


def test_a_second_build_with_no_change_rewrites_nothing(project, tmp_path):
    before = {
        path: path.stat().st_mtime_ns for path in (project / "site").rglob("*") if path.is_file()
    }
    rebuild(project)
    after = {
        path: path.stat().st_mtime_ns for path in (project / "site").rglob("*") if path.is_file()
    }
    assert after == before
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


# --- one edit, then an incremental build equals a cold build ------------------------------------

def edit_a_summary_and_delete_the_cache(root: Path) -> None:
    edit(issue(root, "2024-01-07"), "summary: It reasons.", "summary: Changed.")
    shutil.rmtree(root / ".roundup-cache")


def an_edit(name: str, change, check=None):
    """One row of EDITS: change(root) edits the built project; check(root), if given, is true when
    the rebuilt site shows the change (a cold build that ignored it too would still compare equal).
    """
    return pytest.param(change, check, id=name)


EDITS = [
    an_edit(
        "a summary edited",
        lambda root: edit(
            issue(root, "2024-01-07"), "summary: It reasons.", "summary: It reasons *well*."
        ),
        check=lambda root: "<em>well</em>" in page(root, "issues/2024-01-07/index.html"),
    ),
    an_edit(
        "an issue retitled",
        lambda root: edit(
            issue(root, "2024-01-14"), "title: Second issue", "title: The Renamed Issue"
        ),
        # the next issue links to it, and the archive lists it
        check=lambda root: (
            "The Renamed Issue" in page(root, "issues/2024-01-21/index.html")
            and "The Renamed Issue" in page(root, "archive/index.html")
        ),
    ),
    an_edit(
        "a paper added",
        lambda root: append(
            issue(root, "2024-01-14"),
            "  - title: A New Paper\n    category: efficiency\n"
            '    arxiv: "2401.00009"\n    summary: Brand new.\n    tags: [new-tag]\n',
        ),
        check=lambda root: (
            built(root, "papers/2401.00009/index.html").is_file()
            and built(root, "tags/new-tag/index.html").is_file()
        ),
    ),
    an_edit(
        "a tag dropped from its only paper",
        lambda root: edit(
            issue(root, "2024-01-21"), "tags: [reasoning, search]", "tags: [reasoning]"
        ),
        check=lambda root: not built(root, "tags/search").exists(),
    ),
    an_edit(
        "a paper moved to another category",
        lambda root: edit(issue(root, "2024-01-21"), "category: reasoning", "category: efficiency"),
        check=lambda root: (
            "A Third Paper" in page(root, "categories/efficiency/index.html")
            and "A Third Paper" not in page(root, "categories/reasoning/index.html")
        ),
    ),
    an_edit(
        "a category renamed in site settings",
        lambda root: edit(
            root / "content" / "site.yaml", "name: Reasoning", "name: Thinking Machines"
        ),
        check=lambda root: "Thinking Machines" in page(root, "issues/2024-01-07/index.html"),
    ),
    an_edit(
        "a template changed",
        lambda root: edit(
            root / "themes" / "default" / "templates" / "paper.html",
            '<h2 id="cite-title">Cite</h2>',
            '<h2 id="cite-title">Cite this paper</h2>',
        ),
        check=lambda root: "Cite this paper" in page(root, "papers/2401.00001/index.html"),
    ),
    an_edit(
        "the base template changed",
        lambda root: edit(
            root / "themes" / "default" / "templates" / "base.html",
            "<body>",
            '<body class="changed">',
        ),
        # every page includes it
        check=lambda root: all(
            'class="changed"' in path.read_text(encoding="utf-8")
            for path in (root / "site").rglob("index.html")
        ),
    ),
    an_edit(
        "a stylesheet changed",
        lambda root: append(
            root / "themes" / "default" / "static" / "css" / "style.css", "\n/* changed */\n"
        ),
        check=lambda root: page(root, "static/css/style.css").endswith("/* changed */\n"),
    ),
    an_edit(
        "an issue file deleted",
        lambda root: issue(root, "2024-01-21").unlink(),
        check=lambda root: (
            not built(root, "issues/2024-01-21").exists()
            and not built(root, "papers/2401.00005").exists()
        ),
    ),
    an_edit(
        "an older issue added",
        lambda root: issue(root, "2023-12-31").write_text(
            "title: Issue zero\ndate: 2023-12-31\npapers:\n  - title: An Early Paper\n    "
            "category: reasoning\n"
            "    url: https://example.com/early\n    summary: Early.\n",
            encoding="utf-8",
        ),
        # the later issues are numbered again
        check=lambda root: "Issue 4" in page(root, "issues/2024-01-21/index.html"),
    ),
    an_edit(
        "an output file deleted by hand",
        lambda root: built(root, "archive/index.html").unlink(),
        check=lambda root: built(root, "archive/index.html").is_file(),
    ),
    an_edit("a summary edited and the cache deleted", edit_a_summary_and_delete_the_cache),
    an_edit(
        "a paper added by an existing author",
        lambda root: append(
            issue(root, "2024-01-21"),
            "  - title: Lovelace Again\n    category: efficiency\n"
            '    arxiv: "2401.00011"\n    authors: [Ada Lovelace, Grace Hopper]\n'
            "    summary: More.\n",
        ),
        check=lambda root: (
            "Lovelace Again" in page(root, "authors/ada-lovelace/index.html")
            and "A Reasoning Paper" in page(root, "authors/ada-lovelace/index.html")
            and built(root, "authors/grace-hopper/index.html").is_file()
        ),
    ),
    an_edit(
        "an author renamed",
        lambda root: edit(issue(root, "2024-01-07"), "Alan Turing", "Alan M. Turing"),
        # their page moves
        check=lambda root: (
            not built(root, "authors/alan-turing").exists()
            and built(root, "authors/alan-m-turing/index.html").is_file()
        ),
    ),
    an_edit(
        "a related paper retitled",
        lambda root: edit(
            issue(root, "2024-01-21"), "title: A Third Paper", "title: A Renamed Third Paper"
        ),
        # the pages that list it as related show the new title
        check=lambda root: "A Renamed Third Paper" in page(root, "papers/2401.00001/index.html"),
    ),
]


@pytest.mark.parametrize("change, check", EDITS)
def test_an_incremental_build_equals_a_cold_build(project, tmp_path, change, check):
    change(project)
    rebuild(project)
    if check is not None:
        assert check(project), "the rebuilt site does not show the edit"
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)
    # The cache records what a cold build in the same place records: a file whose fingerprint was
    # not worked out again (it shows no edited issue, and the site kept its shape) kept the right
    # one.
    records = load_cache(project / "site").outputs
    shutil.rmtree(project / ".roundup-cache", ignore_errors=True)
    shutil.rmtree(project / "site")
    rebuild(project)
    cold = load_cache(project / "site").outputs
    assert sorted(records) == sorted(cold)
    assert [path for path in cold if records[path] != cold[path]] == []


@pytest.mark.parametrize("change, check", EDITS)
def test_after_an_edit_roundup_serve_serves_what_a_cold_build_writes(
    project, tmp_path, change, check
):
    """`roundup serve` loads the site again after each edit, keeping what the edit left unchanged.
    """
    options = BuildOptions(content_dir=project / "content", output_dir=project / "site")
    # as serve: the last build's cache
    memory = LiveMemory(BuildCache(cache_folder(project / "site")))
    load_live_site(options, memory)
    change(project)
    live = load_live_site(options, memory)
    shutil.copytree(project / "content", tmp_path / "fresh" / "content")
    shutil.copytree(project / "themes", tmp_path / "fresh" / "themes")
    build(tmp_path / "fresh" / "content", tmp_path / "fresh" / "site", "--no-search")
    cold = tree(tmp_path / "fresh" / "site")
    assert sorted(live.makers) == sorted(cold)
    assert [path for path in cold if live.file(path) != cold[path]] == []


def load_kept(options: BuildOptions, cache: BuildCache):
    """The site as `roundup serve` loads it: unchanged issues are the objects of the last load."""
    speed = Incremental(cache, options.output_dir)
    site, _ = load_site(options, check=speed.issues)
    return speed.reuse(site)


def test_an_edit_that_keeps_the_site_shape_updates_the_catalog_in_place(project):
    """update_catalog is what makes serve's reload quick; it must agree with build_catalog."""
    options = BuildOptions(content_dir=project / "content", output_dir=project / "site")
    cache = BuildCache(cache_folder(project / "site"))
    before = load_kept(options, cache)
    catalog = build_catalog(before)
    edit(issue(project, "2024-01-07"), "summary: It reasons.", "summary: It reasons *well*.")
    cache.keep_used()
    after = load_kept(options, cache)
    updated = update_catalog(catalog, before, after)
    assert updated is not None and updated == build_catalog(after)
    assert any(
        "*well*" in appearance.entry.paper.summary
        for appearance in updated.paper_index["2401.00001"].appearances
    )
    untouched = [
        listing
        for listing in catalog.tags + catalog.authors
        if all(appearance.issue.slug != "2024-01-07" for appearance in listing.appearances)
    ]
    assert untouched and all(listing in updated.tags + updated.authors for listing in untouched)
    assert {id(listing) for listing in untouched} <= {
        id(listing) for listing in updated.tags + updated.authors
    }
    append(issue(project, "2024-01-14"), "  - title: A New Paper\n    category: efficiency\n"
           "    arxiv: \"2401.00009\"\n    summary: Brand new.\n")
    cache.keep_used()
    # a new paper: made anew
    assert update_catalog(updated, after, load_kept(options, cache)) is None


# --- edits whose rebuild is checked more closely ------------------------------------------------

def test_editing_a_summary_remakes_only_the_pages_that_show_that_paper(project, tmp_path):
    edit(issue(project, "2024-01-07"), "summary: It reasons.", "summary: It reasons *well*.")
    made = rebuild_listing_made(project)
    assert {
        "issues/2024-01-07/index.html",
        "categories/reasoning/index.html",
        "tags/reasoning/index.html",
    } <= made
    # the pages of the issue's other paper, and of papers in other issues, are left alone
    assert not made & {"papers/an-efficient-paper/index.html", "categories/efficiency/index.html",
                       "papers/2401.00005/index.html", "tags/search/index.html"}
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_publishing_a_new_issue_leaves_the_pages_of_unrelated_papers_alone(project, tmp_path):
    # The build date follows the newest issue; no page shows it, so it must not remake every page.
    issue(project, "2024-01-28").write_text(
        "title: Fourth issue\ndate: 2024-01-28\nsummary: The fourth.\npapers:\n"
        "  - title: A Fourth Paper\n    category: reasoning\n    arxiv: \"2401.00006\"\n"
        "    summary: Searches.\n    tags: [search]\n", encoding="utf-8")
    made = rebuild_listing_made(project)
    assert {
        "issues/2024-01-28/index.html",
        "papers/2401.00006/index.html",
        "feed.xml",
        "index.html",
    } <= made
    assert not made & {"papers/an-efficient-paper/index.html", "categories/efficiency/index.html",
                       "tags/chain-of-thought/index.html", "issues/2024-01-07/index.html"}
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_a_failed_build_keeps_the_cache_and_the_output_consistent(project, tmp_path):
    good = issue(project, "2024-01-07").read_text()
    issue(project, "2024-01-07").write_text(good.replace("category: reasoning", "category: nope"))
    assert (
        run_cli(
            "build", "--content", str(project / "content"), "--output", str(project / "site")
        ).exit_code
        == 1
    )
    issue(project, "2024-01-07").write_text(good.replace("summary: It reasons.", "summary: Fixed."))
    rebuild(project)
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_no_cache_flag_builds_everything_again(project, tmp_path):
    result = run_cli(
        "build",
        "--no-cache",
        "--content",
        str(project / "content"),
        "--output",
        str(project / "site"),
    )
    assert result.exit_code == 0, result.output
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_a_template_that_lists_issues_itself_is_made_again_when_they_change(project, tmp_path):
    # the About page of a theme may show the latest issue: it then depends on every issue
    (project / "content" / "pages").mkdir(exist_ok=True)
    (project / "content" / "pages" / "about.md").write_text("---\ntitle: About\n---\nHello.\n")
    edit(project / "themes" / "default" / "templates" / "page.html", "{% block content %}",
         "{% block content %}<p class=\"latest\">{{ site.issues[0].title }}</p>")
    rebuild(project)
    edit(issue(project, "2024-01-21"), "title: Third issue", "title: Newest Title")
    rebuild(project)
    assert "Newest Title" in page(project, "about/index.html")
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_a_paper_of_the_newest_issue_featured_again_in_an_older_one_is_named_by_the_feeds(
    project, tmp_path
):
    # the feeds hold only the newest issue; the papers feed names the other issues its papers were
    # in
    append(project / "content" / "site.yaml", "feed: {items: 1}\n")
    rebuild(project)
    assert "issues/2024-01-07/" not in page(project, "papers/feed.xml")
    append(
        issue(project, "2024-01-07"),
        '  - title: A Third Paper\n    category: reasoning\n    arxiv: "2401.00005"\n'
        "    summary: Seen early.\n    revisit: true\n",
    )
    rebuild(project)
    assert "issues/2024-01-07/" in page(project, "papers/feed.xml")
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_files_deleted_by_hand_are_found_however_many_there_are(tmp_path):
    # one bit per file travels back from the process that looks: here more than a pipe holds at once
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept" / "index.html").write_text("kept")
    paths = ("kept/index.html", *(f"gone/{number}/index.html" for number in range(540_000)), "kept")
    missing = MissingFiles(tmp_path, paths)
    try:
        assert missing() == set(paths) - {"kept/index.html"}  # a folder is not a file
    finally:
        missing.close()
    assert MissingFiles(tmp_path, ())() == set()


# --- related papers and the search index --------------------------------------------------------

def test_changing_tags_changes_the_related_papers(project, tmp_path):
    # the third issue's paper shares the tag `reasoning` with the first one; give it `efficiency`
    # instead
    assert "A Third Paper" in page(project, "papers/2401.00001/index.html")
    edit(issue(project, "2024-01-21"), "category: reasoning", "category: efficiency")
    edit(issue(project, "2024-01-21"), "tags: [reasoning, search]", "tags: [efficiency]")
    rebuild(project)
    assert "A Third Paper" not in page(project, "papers/2401.00001/index.html")
    assert "A Third Paper" in page(project, "papers/2401.00003/index.html")
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_the_search_index_follows_an_edited_paper_page(project, tmp_path):
    entry = built(project, "pagefind/pagefind-entry.json")
    before = entry.read_bytes()
    edit(issue(project, "2024-01-21"), "summary: Thinks harder.", "summary: Thinks of zebras.")
    rebuild(project)
    assert entry.read_bytes() != before  # a new index, named by its entry file
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


def test_no_search_leaves_the_index_alone_and_the_next_build_catches_up(project, tmp_path):
    index = {p: p.stat().st_mtime_ns for p in built(project, "pagefind").rglob("*") if p.is_file()}
    assert index, "the first build made a search index"
    edit(issue(project, "2024-01-07"), "summary: It reasons.", "summary: Indexed later.")
    result = run_cli(
        "build",
        "--no-search",
        "--content",
        str(project / "content"),
        "--output",
        str(project / "site"),
    )
    assert result.exit_code == 0, result.output
    assert "Indexed later." in page(project, "issues/2024-01-07/index.html")
    assert {
        p: p.stat().st_mtime_ns for p in built(project, "pagefind").rglob("*") if p.is_file()
    } == index
    rebuild(project)
    assert_same_as_cold_build(project / "content", project / "site", tmp_path)


@pytest.fixture
def ram_path(tmp_path: Path):
    """A folder on /dev/shm where there is one: there (tmpfs) a folder lists its entries in the
    order they were made, which is where a search index that follows that order differs from a cold
    build's."""
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
    edit(
        root / "content" / "issues" / "2024-01-14.yaml",
        "papers:\n",
        "papers:\n  - title: An Early Paper\n"
        '    category: reasoning\n    arxiv: "2401.00000"\n    summary: First in line.\n',
    )
    build(root / "content", root / "site")
    assert (root / "site" / "papers" / "2401.00000" / "index.html").is_file()
    assert_same_as_cold_build(root / "content", root / "site", ram_path)


# --- random edits of papers on a site big enough to paginate its listings ------------------------

CATEGORIES = ("reasoning", "efficiency")
TAGS = ("agents", "rl", "vision")
AUTHORS = ("Ada Lovelace", "Alan Turing", "Grace Hopper", "Kurt Gödel")


def a_random_paper(rng: random.Random, arxiv: str) -> dict:
    return {
        "title": f"Paper {arxiv} {rng.choice(['A', 'B', 'C'])}",
        "category": rng.choice(CATEGORIES),
        "arxiv": arxiv,
        "authors": rng.sample(AUTHORS, rng.randint(1, 2)),
        "tags": rng.sample(TAGS, rng.randint(1, 2)),
        "summary": rng.choice(["Short.", "It *works*."]),
    }


def write_issue(path: Path, date: str, papers: list[dict]) -> None:
    lines = [f"title: Issue of {date}", f"date: {date}", "papers:"]
    for paper in papers:
        lines.append(f"  - title: {json.dumps(paper['title'])}")
        lines += [
            f"    {name}: {json.dumps(paper[name])}"
            for name in ("category", "arxiv", "authors", "tags", "summary")
        ]
        if paper.get("revisit"):
            lines.append("    revisit: true")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def a_random_edit(rng: random.Random, issues: dict[str, list[dict]], serial: int) -> str:
    """Change the papers of one issue as an editor would; the issues themselves stay as they are."""
    date = rng.choice(sorted(issues))
    papers = issues[date]
    kind = rng.choice(
        ["add", "add again", "remove", "category", "tags", "authors", "summary", "move up"]
    )
    paper = rng.choice(papers)
    if kind == "add":
        papers.insert(rng.randint(0, len(papers)), a_random_paper(rng, f"2501.{serial:05d}"))
    # a paper of another issue featured again (its newest appearance may move)
    elif kind == "add again":
        others = [other for day, listed in issues.items() if day != date for other in listed
                  if other["arxiv"] not in {mine["arxiv"] for mine in papers}]
        papers.append({**rng.choice(others), "revisit": True})
    elif kind == "remove" and len(papers) > 1:
        papers.remove(paper)
    elif kind == "category":
        paper["category"] = next(c for c in CATEGORIES if c != paper["category"])
    elif kind == "tags":
        paper["tags"] = rng.sample(TAGS, rng.randint(1, 3))
    elif kind == "authors":
        paper["authors"] = rng.sample(AUTHORS, rng.randint(1, 3))
    elif kind == "summary":
        paper["summary"] += " Edited."
    elif kind == "move up":
        papers.insert(0, papers.pop(papers.index(paper)))
    return f"{kind} in {date}"


@pytest.mark.parametrize("seed", range(4))
def test_random_edits_of_papers_rebuild_as_a_cold_build_does(tmp_path, seed):
    """Papers added, featured again, removed, moved and retagged shift listings' pages (a listing
    has ~40 papers a page: here most have two pages, and an issue has one or two papers in each),
    related papers and feeds (here of the newest 4 issues): the incremental build must find every
    file that changed, and record what a cold build records."""
    rng = random.Random(seed)
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "minimal", root / "content")
    (root / "content" / "site.yaml").write_text((FIXTURES / "minimal" / "site.yaml").read_text()
                                               + "per_page: 3\nfeed: {items: 4}\n")
    for old in (root / "content" / "issues").iterdir():
        old.unlink()
    start = datetime.date(2024, 1, 1)
    issues = {
        str(start + datetime.timedelta(weeks=week)): [
            a_random_paper(rng, f"24{week % 12 + 1:02d}.{week:02d}{n:03d}")
            for n in range(rng.randint(3, 5))
        ]
        for week in range(24)
    }
    for date, papers in issues.items():
        write_issue(issue(root, date), date, papers)
    build(root / "content", root / "site", "--no-search")
    for step in range(6):
        what = a_random_edit(rng, issues, step)
        date = what.rsplit(" ", 1)[1]
        write_issue(issue(root, date), date, issues[date])
        build(root / "content", root / "site", "--no-search")
        cold = tmp_path / f"cold{step}"
        build(root / "content", cold, "--no-search")
        assert tree(root / "site") == tree(cold), what
        records, cold_records = load_cache(root / "site").outputs, load_cache(cold).outputs
        assert sorted(records) == sorted(cold_records), what
        assert [path for path in cold_records if records[path] != cold_records[path]] == [], what
