"""Writing the pages on several processes: forked, so that they share the site's indexes
(read-only) instead of each building them again."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from unld.core import collector
from unld.publishing.output import die_with_parent

T = TypeVar("T")
R = TypeVar("R")

#: The work of the running generation, for the forked processes.
_ACTIVE: Callable | None = None


def _run(task: object) -> object:
    assert _ACTIVE is not None
    return _ACTIVE(task)


def cores(jobs: int | None) -> int:
    """``jobs``, or by default the cores this process may use."""
    if jobs is not None:
        return max(1, jobs)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def forked(jobs: int | None) -> int:
    """How many forked processes may share a job: ``jobs`` (default: the cores this process
    may use), and one where processes cannot be forked."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return cores(jobs)


def jobs_for(jobs: int | None, pages: int) -> int:
    """How many processes write ``pages`` pages: :func:`forked`, at most one per 64 pages."""
    return max(1, min(forked(jobs), pages // 64 or 1))


def run(work: Callable[[T], R], tasks: list[T], jobs: int) -> list[R]:
    """``work`` of each task, in order, on ``jobs`` forked processes (here with one)."""
    if jobs == 1:
        with collector.rarely():
            return [work(t) for t in tasks]
    global _ACTIVE
    _ACTIVE = work
    gc.collect()
    gc.freeze()  # the shared objects stay untouched by the collector: not copied
    try:
        with (
            collector.rarely(),  # the forked processes inherit the thresholds
            ProcessPoolExecutor(
                jobs,
                mp_context=multiprocessing.get_context("fork"),
                initializer=die_with_parent,
                initargs=(os.getpid(),),
            ) as pool,
        ):
            return list(pool.map(_run, tasks))  # type: ignore[arg-type]
    finally:
        gc.unfreeze()
        _ACTIVE = None
