"""Benchmark of the site's first step: reading a build's ``unld.nq`` into its compact store,
in one process and in several (``Store.from_nquads(path, jobs)``).

    python benchmarks/site_read.py FILE [FILE ...] [--jobs 1 2] [--repeat K]
    python benchmarks/site_read.py FILE --prefixes 4 8 16 32 --work DIR [--jobs 1 2]

Each read runs in a fresh child process, so that one read's memory and caches do not help
the next; the child reports its wall clock, its CPU (user and system time of itself and of
the processes it forked: the readers), its peak resident size ("MiB") and that of its
largest reader, and what the read would take on an idle machine ("idle s": its own CPU
plus, in each stage run by the readers, the CPU of the busiest reader; ``--stages`` prints
the stages).  Files are read by the number of processes asked for whatever their size
(``PARALLEL_MIN_BYTES`` set to 0 in the child), so that ``--prefixes`` finds the size
where several processes start to pay: it writes the first N megabytes of FILE (cut at a
line end) into ``--work`` and reads each.  ``--check`` also compares the stores read with
each number of processes, array by array (the parity the tests check on smaller files).

The machine is shared: compare the CPU figures and the idle estimate, and the wall clock
only between runs made at the same load (printed beside each run).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import hashlib, json, os, resource, sys, time
from collections import Counter
from pathlib import Path
from unld.publishing.site import store, workers
store.PARALLEL_MIN_BYTES = 0
path, jobs, check = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
stages = []
plain_run = workers.run

def run(work, tasks, jobs):
    # each task's CPU, by the process that ran it: the busiest process of each stage
    def timed(task):
        clock = time.process_time()
        result = work(task)
        return result, time.process_time() - clock, os.getpid()
    wall = time.perf_counter()
    done = plain_run(timed, tasks, jobs)
    per = Counter()
    for _, cpu, pid in done:
        per[pid] += cpu
    inline = set(per) == {os.getpid()}  # run here (few): in this process's CPU already
    stages.append({"tasks": len(tasks), "wall": time.perf_counter() - wall, "inline": inline,
                   "busiest": 0.0 if inline else max(per.values()), "all": sum(per.values())})
    return [result for result, _, _ in done]

workers.run = run
before = time.process_time()  # the interpreter's start and the imports left out
wall = time.perf_counter()
s = store.Store.from_nquads(path, jobs)
wall = time.perf_counter() - wall
own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
digest = ""
if check:
    h = hashlib.sha256()
    for name in ("blob", "off", "keys", "gkeys", "preds", "ikeys", "roles", "gstart"):
        h.update(bytes(getattr(s, name)))
    h.update(repr((s.graphs, s.by_name, s.n, s.np, s.lit_end, s.iri_end)).encode())
    digest = h.hexdigest()
print(json.dumps({
    "wall": wall,
    "cpu": own.ru_utime + own.ru_stime - before,
    "cpu_children": kids.ru_utime + kids.ru_stime,
    "peak_mib": own.ru_maxrss / 1024,
    "peak_child_mib": kids.ru_maxrss / 1024,
    "quads": len(s), "triples": s.triple_count, "terms": s.nterms, "digest": digest,
    "stages": stages,
}))
"""


def measure(path: Path, jobs: int, check: bool) -> dict:
    load = os.getloadavg()[0]
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(jobs), "1" if check else "0"],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return {**json.loads(out.strip().splitlines()[-1]), "load": load, "jobs": jobs, "file": str(path)}


def idle(r: dict) -> float:
    """What the read would take on an idle machine: this process's CPU, and in each stage
    run by the readers the CPU of the busiest one (the others run beside it)."""
    return r["cpu"] + sum(st["busiest"] for st in r["stages"])


def prefix(source: Path, megabytes: int, work: Path) -> Path:
    """The first ``megabytes`` MB of ``source``, cut at a line end, as a file in ``work``."""
    target = work / f"prefix-{megabytes}M.nq"
    if not target.exists():
        with open(source, "rb") as fh:
            data = fh.read(megabytes << 20)
        target.write_bytes(data[: data.rfind(b"\n") + 1])
    return target


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--jobs", nargs="+", type=int, default=[1, 2])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--prefixes", nargs="*", type=int, default=[], help="sizes in MB of prefixes to read")
    ap.add_argument("--work", type=Path, help="folder for the prefixes (created; not the build's)")
    ap.add_argument("--check", action="store_true", help="compare the stores of each number of processes")
    ap.add_argument("--json", action="store_true", help="one JSON object per read")
    ap.add_argument("--stages", action="store_true", help="print each parallel stage's figures")
    args = ap.parse_args()
    files = list(args.files)
    if args.prefixes:
        if args.work is None:
            ap.error("--prefixes needs --work")
        args.work.mkdir(parents=True, exist_ok=True)
        files = [prefix(args.files[0], mb, args.work) for mb in args.prefixes]
    head = ("file", "MB", "jobs", "wall s", "CPU s", "readers", "MiB", "reader", "idle s", "load")
    widths = (7, 4, 7, 7, 8, 6, 6, 7, 5)
    print(f"{head[0]:<40} " + " ".join(f"{h:>{w}}" for h, w in zip(head[1:], widths, strict=True)))
    for path in files:
        digests = set()
        for _ in range(args.repeat):
            for jobs in args.jobs:
                r = measure(path, jobs, args.check)
                digests.add(r["digest"])
                if args.json:
                    print(json.dumps(r))
                    continue
                name = str(path)[-40:]
                print(
                    f"{name:<40} {path.stat().st_size / 1e6:7.1f} {jobs:4d} {r['wall']:7.2f} "
                    f"{r['cpu'] + r['cpu_children']:7.2f} {r['cpu_children']:8.2f} "
                    f"{r['peak_mib']:6.0f} {r['peak_child_mib']:6.0f} {idle(r):7.2f} {r['load']:5.1f}",
                    flush=True,
                )
                if args.stages:
                    for st in r["stages"]:
                        print(
                            f"    stage of {st['tasks']} tasks: wall {st['wall']:.2f} s, "
                            + (
                                f"run here: {st['all']:.2f} s of CPU"
                                if st["inline"]
                                else f"readers' CPU {st['all']:.2f} s, the busiest {st['busiest']:.2f} s"
                            )
                        )
        if args.check:
            print(f"  stores {'the same' if len(digests) == 1 else 'DIFFERENT'} for jobs {args.jobs}")
            if len(digests) != 1:
                sys.exit(1)


if __name__ == "__main__":
    main()
