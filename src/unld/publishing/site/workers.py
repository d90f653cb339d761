"""Writing the pages on several processes: forked, so that they share the site's indexes
(read-only) instead of each building them again."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

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


def jobs_for(jobs: int | None, pages: int) -> int:
    """How many processes to use: ``jobs`` (default: the cores this process may use), at
    most one per 64 pages, and one where processes cannot be forked."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(cores(jobs), pages // 64 or 1))


#: The collector's thresholds while pages are written (see :func:`_few_collections`).
PAGE_GC_THRESHOLDS = (100_000, 50, 1_000)


@contextmanager
def _few_collections() -> Iterator[None]:
    """The cyclic garbage collector, run rarely, for the time pages are written.

    A page writer keeps millions of objects in its caches (terms, properties, labels),
    and each of the collector's full passes walks them all, about half a second at
    20,000 resolutions; with the default thresholds that happened every few hundred pages
    and cost a quarter of the pages' CPU (measured: 40 s against 30 s for 8,000 pages),
    while the pages make almost no cyclic garbage (a few thousand objects in all).  The
    thresholds go back to what they were afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(*PAGE_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def run(work: Callable[[T], R], tasks: list[T], jobs: int) -> list[R]:
    """``work`` of each task, in order, on ``jobs`` forked processes (here with one)."""
    if jobs == 1:
        with _few_collections():
            return [work(t) for t in tasks]
    global _ACTIVE
    _ACTIVE = work
    gc.collect()
    gc.freeze()  # the shared objects stay untouched by the collector: not copied
    try:
        with (
            _few_collections(),  # the forked processes inherit the thresholds
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
