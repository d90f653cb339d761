"""The cyclic garbage collector, run rarely while a build or a site holds millions of
long-lived objects.

Python's collector runs a full pass over every tracked object each time the long-lived
ones grew by a quarter since the last pass, and a pass over young objects every 700
allocations.  A build keeps its records, graphs and the union's index, and a site's page
writers their caches of terms, properties and labels: millions of objects made once and
kept, and very little cyclic garbage (measured: a few thousand objects in 8,000 pages).
Each full pass then walks all of them (about half a second at 20,000 resolutions), and
they cost a quarter of the page writers' CPU and a third of the union's validation at
1,000 resolutions.  Reference counting still frees everything that is not in a cycle at
once; the cycles wait for the rare passes.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: The thresholds while a build or a site generation runs: a young pass every 100,000
#: allocations, a middle one every 50 of those, a full one every 1,000 middle ones (and
#: only when the long-lived objects grew by a quarter since the last).
THRESHOLDS = (100_000, 50, 1_000)


_lock = threading.Lock()
_depth = 0
_saved: tuple[int, ...] = ()


@contextmanager
def rarely() -> Iterator[None]:
    """Run the collector with :data:`THRESHOLDS` inside (and in processes forked there),
    the thresholds as they were once the last of the overlapping uses ends (nested, or in
    several threads: the thresholds are the process's).  Also a decorator."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(*THRESHOLDS)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.set_threshold(*_saved)
