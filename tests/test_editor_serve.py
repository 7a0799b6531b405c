"""`roundup serve`: in-process on 127.0.0.1 port 0; every wait is a bounded polling loop."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import weakref
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURES, SAMPLE_CONTENT, run_cli
from generator.build import build
from generator.incremental.cache import BuildCache
from generator.options import BuildOptions
from generator.serve.live import LiveMemory, load_live_site
from generator.serve.server import DevServer, inject_live_reload, Snapshot

WAIT = 30  # seconds: generous, but every wait ends


@pytest.fixture
def content(tmp_path, monkeypatch) -> Path:
    """The minimal content, published under a path prefix, with a copy of the default theme beside
    it."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "minimal", target)
    site = target / "site.yaml"
    site.write_text(site.read_text().replace("base_url: https://example.org/", "base_url: "
                                                                               "https://example.org/weekly/"))
    shutil.copytree(
        Path(__file__).resolve().parent.parent / "themes" / "default",
        tmp_path / "themes" / "default",
    )
    monkeypatch.chdir(tmp_path)
    return target


@pytest.fixture
def server(content):
    messages: list[str] = []
    dev = DevServer(BuildOptions(content_dir=content, future=True), port=0,
                    echo=lambda text, err: messages.append(text))
    dev.start()
    dev.messages = messages
    yield dev
    dev.stop()


def get(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status, reply.read().decode("utf-8"), dict(reply.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8"), dict(error.headers)


def status(dev: DevServer) -> dict:
    return json.loads(get(f"http://127.0.0.1:{dev.port}/__roundup__/status")[1])


def wait_until(done, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"not done within {timeout} s"
        time.sleep(0.1)


def change_until(path: Path, text: str, done, timeout: float = WAIT):
    """Write the file, then poll until done() is true; rewrite it now and then in case an event was
    missed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        path.write_text(text)
        rewrite_at = min(deadline, time.monotonic() + 8)
        while time.monotonic() < rewrite_at:
            result = done()
            if result:
                return result
            time.sleep(0.1)
    raise AssertionError(f"no rebuild seen within {timeout} s")


def test_serves_the_site_under_the_base_path_with_the_reload_script(server, tmp_path):
    assert server.url == f"http://127.0.0.1:{server.port}/weekly/"
    code, page, headers = get(server.url)
    assert code == 200 and headers["Cache-Control"] == "no-store"
    html = BeautifulSoup(page, "html.parser")
    assert html.select("script#roundup-live")
    internal = [a["href"] for a in html.select("a[href^='/']")]
    assert internal and all(href.startswith("/weekly/") for href in internal)
    code, page, _ = get(server.url + "issues/2024-01-07/")
    assert code == 200 and "First issue" in page
    # XML is served as it was built: no script, absolute links to the local server
    code, feed, headers = get(server.url + "feed.xml")
    assert code == 200 and "roundup-live" not in feed
    assert f"http://127.0.0.1:{server.port}/weekly/issues/2024-01-14/" in feed
    # nothing outside the prefix, no way out of the folder; a folder without its slash is redirected
    assert get(f"http://127.0.0.1:{server.port}/issues/2024-01-07/")[0] == 404
    assert get(server.url + "..%2f..%2fcontent/site.yaml")[0] == 404
    assert get(server.url + "index.html%00.txt")[0] == 404
    assert get(server.url + "issues/2024-01-07")[0] == 200
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", "/")
    reply = connection.getresponse()
    assert (reply.status, reply.getheader("Location")) == (302, "/weekly/")
    connection.close()
    # the search index is made in the background, in a folder kept for the next run on this port,
    # then served; the script is only in responses: never in a built file, and nothing goes to site/
    assert get(server.url + "pagefind/pagefind.js")[0] in (200, 404)
    wait_until(lambda: server.snapshot.root is not None)
    assert server.snapshot.root == tmp_path / ".roundup-cache" / "serve" / str(server.port) / "site"
    code, script, headers = get(server.url + "pagefind/pagefind.js")
    assert (
        code == 200
        and headers["Content-Type"] == "text/javascript; charset=utf-8"
        and "roundup-live" not in script
    )
    assert not (tmp_path / "site").exists()
    built = [path for path in Path(server.snapshot.root).rglob("*.html")]
    assert built and not any("roundup-live" in path.read_text() for path in built)


def test_a_change_is_rebuilt_and_an_error_shows_an_overlay_over_the_last_good_site(server, content):
    issue = content / "issues" / "2024-01-07.yaml"
    original = issue.read_text()
    assert status(server) == {"version": 1, "problems": [], "changes": 1}

    change_until(issue, original.replace("title: First issue", "title: Renamed issue"),
                 lambda: status(server)["version"] == 2)
    page = BeautifulSoup(get(server.url + "issues/2024-01-07/")[1], "html.parser")
    assert "Renamed issue" in page.get_text() and not page.select("#roundup-overlay")

    broken = original.replace("title: First issue", "title: Broken issue").replace(
        "date: 2024-01-07", "date: 2024-01-32"
    )
    found = change_until(issue, broken, lambda: status(server)["problems"])
    expected = ("content/issues/2024-01-07.yaml:2: date: '2024-01-32' is not a valid date "
                "(expected YYYY-MM-DD, such as 2024-06-16)")
    assert found == [expected]
    assert status(server)["version"] == 2
    page = BeautifulSoup(get(server.url + "issues/2024-01-07/")[1], "html.parser")
    assert page.select_one("#roundup-overlay pre").get_text() == expected
    assert "Renamed issue" in page.get_text()  # the last good site is still served
    assert expected in server.messages  # and the terminal shows it too

    change_until(issue, original, lambda: status(server)["version"] == 3)
    assert status(server)["problems"] == []
    page = BeautifulSoup(get(server.url + "issues/2024-01-07/")[1], "html.parser")
    assert "First issue" in page.get_text() and not page.select("#roundup-overlay")


def test_a_broken_template_is_shown_with_its_file_and_line(server, tmp_path):
    template = tmp_path / "themes" / "default" / "templates" / "404.html"
    found = change_until(
        template, template.read_text() + "\n{% if %}\n", lambda: status(server)["problems"]
    )
    assert len(found) == 1 and "404.html:" in found[0] and ": template: " in found[0]
    assert get(server.url)[0] == 200


def test_after_an_edit_every_file_served_is_the_file_a_build_writes(server, content, tmp_path):
    issue = content / "issues" / "2024-01-07.yaml"
    edited = issue.read_text().replace("summary: It reasons.", "summary: It reasons *twice*.")
    change_until(issue, edited, lambda: status(server)["version"] == 2)
    assert server.snapshot.live is not None  # served from memory, not from the first build's folder
    built = tmp_path / "built"
    build(BuildOptions(content_dir=content, output_dir=built, future=True, search=False,
                       base_url=server.url))
    files = sorted(
        path.relative_to(built).as_posix() for path in built.rglob("*") if path.is_file()
    )
    assert "papers/2401.00001/index.html" in files and "feed.xml" in files
    for name in files:
        code, served, _ = get(server.url + name.removesuffix("index.html"))
        expected = (built / name).read_text()
        if name.endswith(".html"):
            expected = inject_live_reload(expected, server.snapshot)
        assert (code, served) == (200, expected), name
    page = BeautifulSoup(get(server.url + "issues/2024-01-07/")[1], "html.parser")
    assert page.select_one("main em").get_text() == "twice"


def test_a_page_whose_issue_is_deleted_is_gone_after_the_reload(server, content):
    assert get(server.url + "issues/2024-01-07/")[0] == 200
    issue = content / "issues" / "2024-01-07.yaml"
    issue.unlink()
    wait_until(lambda: status(server)["version"] == 2)
    code, page, _ = get(server.url + "issues/2024-01-07/")
    assert code == 404 and "Page not found" in page
    assert get(server.url + "issues/2024-01-14/")[0] == 200


def test_a_waiting_browser_hears_of_the_change_at_once(server, content):
    """The page's script asks with ?after=: the answer waits for the next version, not a polling
    tick."""
    changes = status(server)["changes"]
    answers: list[dict] = []
    waiting = threading.Thread(target=lambda: answers.append(json.loads(get(
        f"http://127.0.0.1:{server.port}/__roundup__/status?after={changes}")[1])), daemon=True)
    waiting.start()
    time.sleep(1)
    assert waiting.is_alive()  # nothing changed yet: still waiting
    issue = content / "issues" / "2024-01-07.yaml"
    change_until(issue, issue.read_text().replace("title: First issue", "title: Waited for"),
                 lambda: not waiting.is_alive())
    assert answers[0]["version"] == 2 and answers[0]["changes"] == changes + 1


def test_a_template_that_fails_on_one_page_says_so_on_that_page(server, tmp_path):
    template = tmp_path / "themes" / "default" / "templates" / "paper.html"
    change_until(
        template,
        template.read_text().replace(
            "{% block content %}", "{% block content %}{{ paper.nothing.here }}", 1
        ),
        lambda: status(server)["version"] == 2,
    )
    code, page, _ = get(server.url + "papers/2401.00001/")
    overlay = BeautifulSoup(page, "html.parser").select_one("#roundup-overlay pre")
    assert (
        code == 500 and "UndefinedError" in overlay.get_text() and "nothing" in overlay.get_text()
    )
    # the template's file and line, from the working folder as content files are
    assert overlay.get_text().startswith(f"{template.relative_to(Path.cwd())}:9: template: ")
    heading = BeautifulSoup(page, "html.parser").select_one("#roundup-overlay strong").get_text()
    # nothing else is shown
    assert "this page does not build" in heading and "last good site" not in heading
    assert get(server.url + "issues/2024-01-07/")[0] == 200  # other pages are served as usual


def test_the_search_index_of_the_sample_site_is_made_in_the_background(tmp_path, monkeypatch):
    """A site big enough for the background build to render pages in worker processes of its own."""
    shutil.copytree(SAMPLE_CONTENT, tmp_path / "content")
    shutil.copytree(Path(__file__).resolve().parent.parent / "themes", tmp_path / "themes")
    monkeypatch.chdir(tmp_path)
    # its reply must arrive from a buffered stdout too
    monkeypatch.delenv("PYTHONUNBUFFERED", raising=False)
    messages: list[str] = []
    dev = DevServer(
        BuildOptions(content_dir=tmp_path / "content"),
        port=0,
        echo=lambda text, err: messages.append(text),
    )
    dev.start()
    try:
        wait_until(
            lambda: any("search index" in message.lower() for message in messages), timeout=120
        )
        assert [m for m in messages if "search index" in m.lower()][0].startswith(
            "Search index ready in "
        )
        assert dev.snapshot.root is not None
        code, page, _ = get(dev.url + "pagefind/pagefind-entry.json")
        assert code == 200 and json.loads(page)["languages"]
    finally:
        dev.stop()


def test_a_site_loaded_again_lets_the_previous_one_go(content, tmp_path):
    """Loaded objects are frozen (never collected by gc): a site kept alive by a reference cycle
    would stay in memory for good, ~2 MiB each edit on a ten-year archive."""
    memory = LiveMemory(BuildCache(tmp_path / "cache", enabled=False))
    options = BuildOptions(content_dir=content, future=True)
    live = load_live_site(options, memory)
    # the Site its pages see
    first_site = weakref.ref(live.makers["index.html"].args[0].globals["site"])
    assert "<html" in live.file("index.html").decode()
    for _ in range(3):
        live = load_live_site(options, memory)
        assert "<html" in live.file("index.html").decode()
    assert first_site() is None


def test_stop_closes_the_port(content):
    dev = DevServer(BuildOptions(content_dir=content), port=0)
    dev.start()
    port = dev.port
    dev.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_ctrl_c_before_the_search_build_starts_leaves_no_build_running(content):
    """stop() may come before the search thread has started its build process (Ctrl-C right after
    `Serving ...`): that thread must then start none, or the build would run on unstopped."""
    dev = DevServer(BuildOptions(content_dir=content), port=0)
    dev.stop()
    dev._index()  # as the search thread would, late
    assert dev._indexer is None


def test_when_the_first_build_fails_the_overlay_explains_why(content):
    (content / "issues" / "2024-01-07.yaml").write_text("title: [broken\n")
    dev = DevServer(BuildOptions(content_dir=content), port=0)
    dev.start()
    try:
        code, page, _ = get(dev.url)
        assert code == 503
        shown = BeautifulSoup(page, "html.parser").get_text()
        assert "content/issues/2024-01-07.yaml:1: the list opened with '[' on this line" in shown
    finally:
        dev.stop()


def test_the_script_goes_before_the_closing_body_tag():
    page = inject_live_reload("<html><body><p>x</p></body></html>", Snapshot(version=7))
    assert page.index("roundup-live") < page.index("</body>")
    script = BeautifulSoup(page, "html.parser").select_one("script#roundup-live")
    assert (script["data-version"], script["data-changes"]) == ("7", "0")
    # no inline script (CSP)
    assert script["src"] == "/__roundup__/live.js" and not script.get_text()


def test_the_reload_script_and_its_style_are_served_as_files(server):
    root = f"http://127.0.0.1:{server.port}"
    code, script, headers = get(root + "/__roundup__/live.js")
    assert code == 200 and headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert "textContent = problems.join" in script and "innerHTML" not in script
    code, style, headers = get(root + "/__roundup__/live.css")
    assert code == 200 and headers["Content-Type"] == "text/css; charset=utf-8"
    assert "#roundup-overlay pre" in style


def test_a_port_in_use_is_a_clear_error(content):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("serve", "--content", str(content), "--port", str(port))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot listen on 127.0.0.1:{port}: ")


def test_the_command_stops_cleanly_on_ctrl_c(content, tmp_path):
    roundup = Path(sys.executable).parent / "roundup"
    # As from a terminal: a shell without job control starts background commands (say, a CI script
    # run with `&`) with SIGINT ignored, and their children inherit that, so Ctrl-C is made to work.
    process = subprocess.Popen(
        [str(roundup), "serve", "--content", str(content), "--port", "0"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    lines: list[str] = []
    reader = threading.Thread(
        target=lambda: lines.extend(iter(process.stdout.readline, "")), daemon=True
    )
    reader.start()
    try:
        deadline = time.monotonic() + WAIT
        while (
            not any(line.startswith("Serving ") for line in lines) and time.monotonic() < deadline
        ):
            assert process.poll() is None, process.stderr.read()
            time.sleep(0.1)
        serving = next(line for line in lines if line.startswith("Serving "))
        url = serving.split()[1]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/weekly/")
        assert get(url)[0] == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=WAIT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    reader.join(timeout=10)
    assert lines[-1] == "Stopped.\n"
    assert "Traceback" not in process.stderr.read()
    assert not os.path.exists(tmp_path / "site")
