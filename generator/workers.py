"""Run a function over many items on every core, in forked processes.

Forking (not spawning) lets workers use the parent's objects as they are: the site, the Jinja
environment and closures are inherited, never pickled. Only results travel back. Results come
back in the order of the items, so the output never depends on the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from multiprocessing.connection import wait
from typing import Any, Callable, Sequence, TypeVar

from .errors import BuildError

Item = TypeVar("Item")
Result = TypeVar("Result")



def default_jobs() -> int:
    """Worker processes: ROUNDUP_JOBS when set, else one per core."""
    try:
        return max(1, int(os.environ.get("ROUNDUP_JOBS", "")))
    except ValueError:
        return (
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else (os.cpu_count() or 1)
        )


def _units(items: Sequence, group: Callable[[Any], object], size: int) -> list[list[int]]:
    """The items' indexes in units of work handed out one at a time: each group is one unit (its
    items share work), handed out first; the other items go in runs of `size`, in order."""
    groups: dict[object, list[int]] = {}
    runs: list[list[int]] = [[]]
    for index, item in enumerate(items):
        key = group(item)
        if key is not None:
            groups.setdefault(key, []).append(index)
            continue
        if len(runs[-1]) == size:
            runs.append([])
        runs[-1].append(index)
    return list(groups.values()) + [run for run in runs if run]


def _work(connection, func, items) -> None:
    """A worker: do each unit of indexes the parent sends until it sends None; send back each unit's
    results."""
    try:
        while (indexes := connection.recv()) is not None:
            connection.send(("results", [(index, func(items[index])) for index in indexes]))
    except BaseException as error:  # noqa: BLE001 - sent to the parent, which raises it
        try:
            connection.send(("error", error))
        except Exception:  # noqa: BLE001 - an exception that cannot be pickled
            connection.send(
                ("error", BuildError(f"a build worker failed:\n{traceback.format_exc()}"))
            )
    finally:
        connection.close()


def parallel_map(
    func: Callable[[Item], Result],
    items: Sequence[Item],
    jobs: int | None = None,
    on_result: Callable[[Result], None] = lambda result: None,
    batch: int = 100,
    group: Callable[[Item], object] = lambda item: None,
    min_per_worker: int = 64,
) -> list[Result]:
    """[func(item) for item in items], split over `jobs` forked workers; on_result sees each result.

    Items for which group() gives the same key are done by the same worker (they share work).
    Fewer than `min_per_worker` items per worker are not worth starting a process for. Work is
    handed out in units of at most `batch` items, to whichever worker is free: a worker slowed down
    (by costlier items, or by a busy machine) does less, and all finish at about the same time.
    """
    jobs = min(jobs or default_jobs(), max(1, len(items) // min_per_worker))
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        done = []
        for item in items:
            done.append(func(item))
            on_result(done[-1])
        return done

    context = multiprocessing.get_context("fork")
    results: list = [None] * len(items)
    # small enough that the last units end close together, large enough to keep messages few
    units = iter(_units(items, group, max(1, min(batch, len(items) // (jobs * 16)))))
    workers: dict[Any, _Worker] = {}
    failure = None
    for number in range(jobs):
        ours, theirs = context.Pipe()
        process = context.Process(target=_work, args=(theirs, func, items), daemon=True)
        process.start()
        theirs.close()
        worker = workers[ours] = _Worker(number, process, ours)
        worker.hand_out(units)
        worker.hand_out(units)  # one to do and one waiting: it never waits for the parent
    try:
        while workers:
            for connection in wait(list(workers)):
                worker = workers[connection]
                kind, payload = worker.receive()
                if kind == "results":
                    if failure:
                        worker.stop()
                    else:
                        worker.hand_out(units)
                    for index, result in payload:
                        results[index] = result
                        on_result(result)
                    continue
                failure = failure or (payload if kind == "error" else None)
                worker.end()
                del workers[connection]
    finally:
        for worker in workers.values():
            worker.process.kill()
            worker.process.join()
    if failure:
        raise failure
    return results


class _Worker:
    """A worker process as the parent sees it: the units it was sent and has not answered yet."""

    def __init__(self, number: int, process, connection):
        self.number, self.process, self.connection = number, process, connection
        self.pending, self.stopped = 0, False

    def receive(self) -> tuple[str, Any]:
        """("results", [(index, result)]), ("error", exception) or ("end", None)."""
        try:
            kind, payload = self.connection.recv()
        except (EOFError, OSError):  # sent None and done, or it died (the pipe closed or reset)
            if not self.pending:
                return "end", None
            return "error", BuildError(f"build worker {self.number} stopped without a result")
        if kind == "results":
            self.pending -= 1
        return kind, payload

    def end(self) -> None:
        self.connection.close()
        self.process.join()

    def hand_out(self, units) -> None:
        """Send the next unit of `units`; stop() once there are no more."""
        if not self.stopped:
            self._send(next(units, None))

    def stop(self) -> None:
        """Send None: it ends once the units it has are done."""
        if not self.stopped:
            self._send(None)

    def _send(self, unit: list[int] | None) -> None:
        try:
            self.connection.send(unit)
        except OSError:  # it died: its end of the pipe tells
            return
        self.pending += unit is not None
        self.stopped = unit is None
