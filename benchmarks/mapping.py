"""Benchmark of the mapping stage: each rule once per record against once per batch.

    python benchmarks/mapping.py [--sources tests/data/corpus ...] [--repeat 3]

The sources (default: the corpus in the repository, and ``../shared/wild78`` beside the
checkout when it is there) are parsed first, not timed; then the records are mapped by the
reference (:meth:`unld.mapping.mapper.Mapper.map_reference`: ten CONSTRUCT queries per record)
and by the batch mapper (:meth:`~unld.mapping.mapper.Mapper.map_many`) at several batch sizes,
taking turns, ``--repeat`` times.  Each figure is the best of its runs, in CPU seconds
(steady on a busy machine) and wall seconds.  The graphs of every run are compared with the
reference's, byte for byte.  Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    from unld.core.errors import InputError
    from unld.core.iri import IriPolicy
    from unld.mapping.mapper import Mapper
    from unld.parse import parse_source
    from unld.sources import expand, read_source

    default = [ROOT / "tests" / "data" / "corpus", ROOT.parents[1] / "shared" / "wild78"]
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sources", nargs="+", type=Path, default=[p for p in default if p.is_dir()])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--batches", type=int, nargs="+", default=[4, 16, 64])
    args = ap.parse_args()
    records = []
    for path in expand([str(s) for s in args.sources]):
        try:
            records.append(parse_source(read_source(str(path))))
        except InputError:
            continue
    mapper = Mapper(IriPolicy())
    reference = [m.ntriples for m in mapper.map_reference(records)]
    triples = sum(data.count(b"\n") for data in reference)
    ways = {"per record (reference)": lambda: mapper.map_reference(records)}
    for size in args.batches:
        ways[f"per batch of {size}"] = lambda size=size: Mapper(IriPolicy(), batch=size).map_many(records)
    best: dict[str, tuple[float, float]] = {}
    for _ in range(args.repeat):
        for name, run in ways.items():
            cpu, wall = time.process_time(), time.perf_counter()
            got = [m.ntriples for m in run()]
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            if got != reference:
                print(f"{name}: graphs differ from the reference", file=sys.stderr)
                return 1
            old = best.get(name, (float("inf"), float("inf")))
            best[name] = (min(old[0], cpu), min(old[1], wall))
    ref_cpu = best["per record (reference)"][0]
    print(
        f"{len(records)} resolutions, {triples:,} triples (sources: "
        f"{', '.join(str(s) for s in args.sources)}); best of {args.repeat}; load average "
        f"{os.getloadavg()[0]:.1f}\n"
    )
    print("| mapping | CPU s | ms CPU per resolution | wall s | × the reference (CPU) |")
    print("|---|---:|---:|---:|---:|")
    for name, (cpu, wall) in best.items():
        print(f"| {name} | {cpu:.2f} | {1000 * cpu / len(records):.1f} | {wall:.2f} | {ref_cpu / cpu:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
