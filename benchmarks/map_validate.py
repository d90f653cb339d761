"""Benchmark of the workers' mapping and per-graph validation, in CPU milliseconds per resolution.

    python benchmarks/map_validate.py [--n 500] [--real DIR ...] [--batches 8] [--repeat 3]

Runs what a build's worker runs after parsing (``process()`` in ``src/unld/build/pipeline.py``):
``Mapper.map_many`` over the records, then for each graph its triples read back and
``Validator.validate`` with the compiled engine.  Two corpora: ``--n`` generated
resolutions (``benchmarks/make_corpus.py``, written to a temporary folder) and the real
ones (``--real``, default the repository's corpus and ``../shared/{corpus,wild78}`` beside
the checkout when they are there).  Sources are parsed first, not timed.  Each figure is
the best of ``--repeat`` runs of CPU time (``time.process_time``: steady on a shared
machine, where wall time is not), split into map and validate as the build's verbose
output splits them.  Every run's graphs and reports must equal the first run's, byte for
byte, whatever the batch size; ``--check`` also compares the graphs with the per-record
reference mapping.  Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def records_of(sources: list[Path]) -> list[dict]:
    """The records of every source that parses (the others are left out, as a build skips them)."""
    from unld.core.errors import InputError
    from unld.parse import parse_source
    from unld.sources import expand, read_source

    out = []
    for path in expand([str(s) for s in sources]):
        try:
            out.append(parse_source(read_source(str(path))))
        except InputError:
            continue
    return out


def run(records: list[dict], batch: int) -> tuple[float, float, list[tuple[bytes, list]]]:
    """CPU seconds of mapping and of validating ``records``, and what they gave."""
    from unld.core.iri import IriPolicy
    from unld.mapping.mapper import Mapper
    from unld.validation.validator import Validator

    policy = IriPolicy()
    mapper, validator = Mapper(policy, batch=batch), Validator(policy, "fast")
    mapping = validating = 0.0
    out = []
    start = time.process_time()
    for mapped in mapper.map_many(records):
        now = time.process_time()
        mapping += now - start
        problems = validator.validate(mapped.triples, mapped.graph)
        start = time.process_time()
        validating += start - now
        out.append((mapped.ntriples, problems))
    return mapping, validating, out


def main() -> int:
    default = [ROOT / "tests" / "data" / "corpus"]
    shared = ROOT.parents[1] / "shared"
    if (shared / "corpus").is_dir():
        default = [shared / "corpus"]
    if (shared / "wild78").is_dir():
        default.append(shared / "wild78")
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=500, help="generated resolutions (0: none)")
    ap.add_argument("--real", nargs="*", type=Path, default=default)
    ap.add_argument("--batches", type=int, nargs="+", default=[8])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--check", action="store_true", help="compare with the per-record reference mapping")
    args = ap.parse_args()
    corpora: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        if args.n:
            made = subprocess.run(
                [sys.executable, str(ROOT / "benchmarks" / "make_corpus.py"), str(args.n), tmp],
                capture_output=True,
                text=True,
            )
            if made.returncode:
                print(made.stderr, file=sys.stderr)
                return 1
            corpora[f"generated ({args.n})"] = records_of([Path(tmp)])
    if args.real:
        corpora["real (" + ", ".join(p.name for p in args.real) + ")"] = records_of(args.real)
    print(f"load average {os.getloadavg()[0]:.1f}; best of {args.repeat}; CPU ms per resolution\n")
    print("| corpus | resolutions | batch | map | validate | map + validate |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, records in corpora.items():
        if args.check:
            from unld.core.iri import IriPolicy
            from unld.mapping.mapper import Mapper

            reference = [m.ntriples for m in Mapper(IriPolicy()).map_reference(records)]
        first: list[tuple[bytes, list]] | None = None
        for batch in args.batches:
            best = (float("inf"), float("inf"))
            for _ in range(args.repeat):
                mapping, validating, got = run(records, batch)
                first = got if first is None else first
                if got != first:
                    print(f"{name}, batch {batch}: graphs or reports differ between runs", file=sys.stderr)
                    return 1
                if args.check and [g for g, _ in got] != reference:
                    print(f"{name}, batch {batch}: graphs differ from the reference", file=sys.stderr)
                    return 1
                if mapping + validating < sum(best):
                    best = (mapping, validating)
            n = len(records)
            print(
                f"| {name} | {n} | {batch} | {1000 * best[0] / n:.2f} | {1000 * best[1] / n:.2f} "
                f"| {1000 * sum(best) / n:.2f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
