"""Benchmark of the parse stage: CPU milliseconds per resolution, in all and by step.

    python benchmarks/parse.py [--n 1000] [--sources DIR ...] [--repeat 3] [--no-generated]

Two sets of sources are parsed: a generated corpus of ``--n`` resolutions
(``benchmarks/make_corpus.py``, made in a temporary folder and removed afterwards, the
same files for the same N) and the real sources given with ``--sources`` (default: the
shared corpus and ``wild78`` beside the checkout when they are there, else
``tests/data/corpus``).  The sources are read into memory first (not timed); then each set
is parsed ``--repeat`` times and the best run is kept.  Figures are CPU time
(``time.process_time``), which a busy machine disturbs far less than wall time.

The steps are timed by wrapping a few of the parser's functions with a CPU clock (a few
hundred calls per resolution, so the wrapping costs little): the page layout, the segmenter,
and within the record the footnote marks, the citations and the bodies.  The steps do not
add up to the total: the rest is the masthead, annexes, leads and fragment ids.
"""

from __future__ import annotations

import argparse
import functools
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parents[1] / "shared"

#: (step, module, function name): where each timed step is entered.
STEPS = [
    ("layout", "unld.parse", "_layout"),
    ("segment", "unld.parse.structure", "segment"),
    ("record", "unld.parse", "_record"),
    ("  footnote marks", "unld.parse", "place_marks"),
    ("  citations", "unld.parse", "_citations"),
    ("  bodies", "unld.parse", "named_in"),
    ("  bodies", "unld.parse", "find_working_groups"),
    ("  bodies", "unld.parse", "find_bodies"),
]


def _timed(clock: dict[str, float], step: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` with its CPU time added to ``clock[step]``."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        t = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            clock[step] = clock.get(step, 0.0) + time.process_time() - t

    return run


def _instrument(clock: dict[str, float]) -> None:
    import importlib

    for step, module, name in STEPS:
        mod = importlib.import_module(module)
        if hasattr(mod, name):  # (an older parser, measured for comparison, may lack one)
            setattr(mod, name, _timed(clock, step, getattr(mod, name)))


def _parse_all(sources: list[Any]) -> tuple[int, int]:
    """Parse every source; the number parsed and the number refused as no resolution."""
    from unld.core.errors import InputError
    from unld.parse import parse_source

    ok = bad = 0
    for source in sources:
        try:
            parse_source(source)
            ok += 1
        except InputError:
            bad += 1
    return ok, bad


def _measure(name: str, paths: list[Path], repeat: int) -> None:
    from unld.sources import read_source

    sources = [read_source(str(p)) for p in paths]
    best_cpu, best_clock = float("inf"), {}
    ok = 0
    for _ in range(repeat):
        clock: dict[str, float] = {}
        _instrument(clock)
        cpu = time.process_time()
        ok, bad = _parse_all(sources)
        cpu = time.process_time() - cpu
        _uninstrument()
        if cpu < best_cpu:
            best_cpu, best_clock = cpu, clock
    n = max(ok, 1)
    print(f"\n{name}: {len(sources)} sources, {ok} parsed; best of {repeat}\n")
    print("| step | CPU s | ms CPU per resolution |")
    print("|---|---:|---:|")
    print(f"| parse (all) | {best_cpu:.2f} | {1000 * best_cpu / n:.2f} |")
    for step in dict.fromkeys(s for s, _, _ in STEPS):
        spent = best_clock.get(step, 0.0)
        print(f"| {step} | {spent:.2f} | {1000 * spent / n:.2f} |")


def _uninstrument() -> None:
    import importlib

    for _, module, name in STEPS:
        mod = importlib.import_module(module)
        fn = getattr(mod, name, None)
        if fn is not None:
            setattr(mod, name, getattr(fn, "__wrapped__", fn))


def _sources(dirs: list[Path]) -> list[Path]:
    from unld.sources import expand

    return [Path(p) for p in expand([str(d) for d in dirs])]


def main() -> int:
    real = [SHARED / "corpus", SHARED / "wild78"]
    default = [d for d in real if d.is_dir()] or [ROOT / "tests" / "data" / "corpus"]
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="resolutions in the generated corpus")
    ap.add_argument("--sources", nargs="+", type=Path, default=default)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-generated", action="store_true", help="parse the real sources only")
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}; CPU time (time.process_time)")
    if not args.no_generated:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "corpus"
            subprocess.run(
                [sys.executable, str(ROOT / "benchmarks" / "make_corpus.py"), str(args.n), str(out)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            _measure(f"generated corpus of {args.n}", sorted(out.glob("*.txt")), args.repeat)
    _measure(", ".join(str(s) for s in args.sources), _sources(args.sources), args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
