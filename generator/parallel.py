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
from typing import Callable, Sequence, TypeVar

from .errors import BuildError

Item = TypeVar("Item")
Result = TypeVar("Result")



def default_jobs() -> int:
    """Worker processes: ROUNDUP_JOBS when set, else one per core."""
    try:
        return max(1, int(os.environ.get("ROUNDUP_JOBS", "")))
    except ValueError:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _shares(items: Sequence, parts: int, group: Callable[[object], object]) -> list[list[int]]:
    """Deal items out in turn, so costly kinds of work spread evenly; a group stays together."""
    shares: list[list[int]] = [[] for _ in range(parts)]
    groups: dict[object, int] = {}
    turn = 0
    for index, item in enumerate(items):
        key = group(item)
        if key is None:
            worker, turn = turn, (turn + 1) % parts
        else:
            worker = groups.setdefault(key, turn)
            if worker == turn:
                turn = (turn + 1) % parts
        shares[worker].append(index)
    return shares


def _work(connection, func, items, indexes: list[int], batch: int) -> None:
    try:
        done = []
        for index in indexes:
            done.append((index, func(items[index])))
            if len(done) == batch:
                connection.send(("results", done))
                done = []
        connection.send(("results", done))
        connection.send(("end", None))
    except BaseException as error:  # noqa: BLE001 - sent to the parent, which raises it
        try:
            connection.send(("error", error))
        except Exception:  # noqa: BLE001 - an exception that cannot be pickled
            connection.send(("error", BuildError(f"a build worker failed:\n{traceback.format_exc()}")))
    finally:
        connection.close()


def parallel_map(func: Callable[[Item], Result], items: Sequence[Item], jobs: int | None = None,
                 on_result: Callable[[Result], None] = lambda result: None, batch: int = 100,
                 group: Callable[[Item], object] = lambda item: None, min_per_worker: int = 64) -> list[Result]:
    """[func(item) for item in items], split over `jobs` forked workers; on_result sees each result.

    Items for which group() gives the same key are done by the same worker (they share work).
    Fewer than `min_per_worker` items per worker are not worth starting a process for.
    """
    jobs = min(jobs or default_jobs(), max(1, len(items) // min_per_worker))
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        results = []
        for item in items:
            results.append(func(item))
            on_result(results[-1])
        return results

    context = multiprocessing.get_context("fork")
    results: list = [None] * len(items)
    workers = {}
    for number, indexes in enumerate(_shares(items, jobs, group)):
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_work, args=(sender, func, items, indexes, batch), daemon=True)
        process.start()
        sender.close()
        workers[receiver] = (number, process)
    failure = None
    try:
        while workers:
            for connection in wait(list(workers)):
                number, process = workers[connection]
                try:
                    kind, payload = connection.recv()
                except EOFError:
                    kind, payload = "error", BuildError(f"build worker {number} stopped without a result")
                if kind == "results":
                    for index, result in payload:
                        results[index] = result
                        on_result(result)
                    continue
                if kind == "error":
                    failure = failure or payload
                connection.close()
                process.join()
                del workers[connection]
    finally:
        for _, process in workers.values():
            process.kill()
            process.join()
    if failure:
        raise failure
    return results
