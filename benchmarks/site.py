"""Benchmark of the website generation alone: time, pages per second and peak memory.

    python benchmarks/site.py --from BUILD_DIR [--out DIR] [--jobs N] [--repeat K]
    python benchmarks/site.py --size N [--work build/benchmark] [--seed 0] [--jobs N]
    python benchmarks/site.py --size N --change [--check]

``--from`` takes a built folder (one with ``unld.nq``: ``unld build ... --no-site``).
``--size N`` generates N resolutions with ``benchmarks/make_corpus.py`` and builds them
without the site (both reused when already there).  The site is then generated in a child
process (``unld.publishing.site.generate`` on the folder's ``unld.nq``, into ``--out``, default a
folder beside the build), while this process samples, every 50 ms from /proc, the memory
of that child and of every process it starts: the sum of their resident sizes (RSS, which
counts pages shared by forked workers once per process) and of their proportional sizes
(PSS, which counts shared pages once in all; read every half second, as reading it costs
more).  It prints pages, files, bytes, seconds,
pages per second, both peaks and the child's own stage timings, and with ``--json`` one
JSON object per run.  CPU times (of the generating process, and of its child processes:
the page writers and the search indexer) are printed beside the wall clock, which on a
shared machine says more about the load than about the code.

``--change`` measures an incremental generation: after the full one (kept), the title of
one generated resolution is changed, the changed corpus is built (into a second folder;
the build cache makes that one source the only one processed again), and the site of that
build is generated starting from the full one (``generate(..., previous=)``); it prints
the pages carried over and the incremental run's figures.  ``--check`` then also writes
the full site of the changed build and compares every file.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from unld.publishing.site import generate
src, out = Path(sys.argv[1]), Path(sys.argv[2])
jobs = int(sys.argv[3]) or None
previous = Path(sys.argv[5]) if sys.argv[5] else None
t = time.perf_counter()
base = sys.argv[4] or "https://w3id.org/unld/"
r = generate(src / "unld.nq", out, base, src, jobs=jobs, previous=previous)
wall = time.perf_counter() - t
own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = {"cpu": own.ru_utime + own.ru_stime, "cpu_children": kids.ru_utime + kids.ru_stime}
print(json.dumps({**cpu, "wall": wall, "pages": r.pages, "files": r.files, "bytes": r.bytes,
                  "resolutions": r.resolutions, "skipped": len(r.skipped), "jobs": r.jobs,
                  "timings": r.timings, "carried": r.carried}))
"""


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            out.extend(int(c) for c in (task / "children").read_text().split())
    except (OSError, ValueError):
        pass
    return out


def _tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(_children(p))
    return out


def _rss(pids: list[int]) -> int:
    """Sum of the resident sizes (bytes), from /proc/PID/statm (cheap to read)."""
    total = 0
    page = os.sysconf("SC_PAGE_SIZE")
    for p in pids:
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * page
        except (OSError, ValueError, IndexError):
            continue
    return total


def _pss(pids: list[int]) -> int:
    """Sum of the proportional sizes (bytes), from /proc/PID/smaps_rollup (which walks the
    page tables: read less often)."""
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
        except (OSError, ValueError):
            continue
    return total


def run_child(src: Path, out: Path, jobs: int, base: str, previous: Path | None = None) -> dict:
    """Generate the site of ``src`` in a child process (from ``previous``, the previous
    generation's site, if given); its report and peak memory."""
    proc = subprocess.Popen(
        [PY, "-c", CHILD, str(src), str(out), str(jobs), base, str(previous or "")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    peak = {"rss": 0, "pss": 0}

    def sample() -> None:
        last_pss = 0.0
        while proc.poll() is None:
            pids = _tree(proc.pid)
            peak["rss"] = max(peak["rss"], _rss(pids))
            now = time.monotonic()
            if now - last_pss >= 0.5:
                peak["pss"] = max(peak["pss"], _pss(pids))
                last_pss = now
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    sampler.join()
    if proc.returncode != 0:
        sys.exit(f"site generation failed ({proc.returncode}):\n{stderr.decode()[-3000:]}")
    report = json.loads(stdout.decode().strip().splitlines()[-1])
    report.update(peak_rss=peak["rss"], peak_pss=peak["pss"])
    return report


def _cpu(r: dict) -> str:
    """The CPU time of a run: the generating process, and its children (the page writers
    and the search indexer); on a shared machine a fairer figure than the wall clock."""
    return f"CPU {r['cpu']:.1f} s + {r['cpu_children']:.1f} s in child processes"


def change_one(corpus: Path, changed: Path) -> str:
    """``changed``: a copy of ``corpus`` (hard links) where the first resolution's title
    reads differently; returns its file name."""
    if changed.exists():
        shutil.rmtree(changed)
    shutil.copytree(corpus, changed, copy_function=os.link)
    first = sorted(changed.glob("*.txt"))[0]
    lines = first.read_text("utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if re.match(r"^\d+/\d+\. \S", line):
            lines[i] = line.replace(". ", ". Revised: ", 1)
            break
    else:
        sys.exit(f"{first}: no title line found")
    first.unlink()  # a hard link into the original corpus: not written through
    first.write_text("".join(lines), "utf-8")
    return first.name


def build(corpus: Path, built: Path, jobs: int) -> float:
    """Build ``corpus`` without the site into ``built``; the seconds it took."""
    clock = time.perf_counter()
    done = subprocess.run(
        [
            PY,
            "-m",
            "unld",
            "build",
            str(corpus),
            "--out",
            str(built),
            "--no-site",
            "--quiet",
            "--jobs",
            str(jobs),
        ],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    if not (built / "unld.nq").is_file():
        sys.exit(f"the build of {corpus} wrote no unld.nq:\n{done.stderr[-3000:]}")
    return time.perf_counter() - clock


def build_corpus(n: int, work: Path, seed: int, jobs: int) -> Path:
    """A build (without the site) of N generated resolutions, reused when already there."""
    corpus = work / f"corpus-{n}-{seed}"
    built = work / f"build-{n}-{seed}"
    if not corpus.is_dir():
        subprocess.run(
            [PY, str(ROOT / "benchmarks" / "make_corpus.py"), str(n), str(corpus), "--seed", str(seed)],
            check=True,
            cwd=ROOT,
        )
    if not (built / "unld.nq").is_file():
        build(corpus, built, jobs)
    return built


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--from", dest="from_dir", type=Path, help="a built folder (unld.nq)")
    src.add_argument("--size", type=int, help="generate and build N resolutions first")
    ap.add_argument(
        "--work",
        type=Path,
        default=ROOT / "build" / "benchmark",
        help="where --size keeps its corpus and build",
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder of the site (default: site-bench beside the build); only that folder "
        "is ever removed, and only when it holds a site",
    )
    ap.add_argument("--jobs", type=int, default=0, help="processes for the pages (default: one per core)")
    ap.add_argument("--base-iri", default="", help="default: the build's own")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the last site written")
    ap.add_argument("--json", action="store_true", help="one JSON object per run")
    ap.add_argument("--change", action="store_true", help="then measure an incremental generation")
    ap.add_argument("--check", action="store_true", help="with --change: compare with a full generation")
    args = ap.parse_args()
    built = (
        args.from_dir
        if args.from_dir
        else build_corpus(args.size, args.work, args.seed, args.jobs or os.cpu_count() or 1)
    )
    if not (built / "unld.nq").is_file():
        sys.exit(f"{built}: no unld.nq (expected a folder written by 'unld build')")
    out = args.out or built.parent / f"{built.name}-site-bench" / "site"
    for i in range(args.repeat):
        _clear(out)
        subprocess.run(["sync"], check=False)
        r = run_child(built, out, args.jobs, args.base_iri)
        if args.json:
            print(json.dumps(r))
            continue
        stages = ", ".join(f"{k} {v:.2f}" for k, v in r["timings"].items())
        print(
            f"run {i + 1}: {r['resolutions']:,} resolutions -> {r['pages']:,} pages, {r['files']:,} "
            f"files, {r['bytes']:,} bytes in {r['wall']:.2f} s "
            f"({r['pages'] / r['wall']:,.0f} pages/s) on {r['jobs']} process(es); {_cpu(r)}; "
            f"peak memory of the process tree: RSS {r['peak_rss'] / 2**20:,.0f} MiB, "
            f"PSS {r['peak_pss'] / 2**20:,.0f} MiB; stages (s): {stages}"
        )
    if args.change:
        incremental(args, built, out)
    if not args.keep:
        _clear(out)
    return 0


def _clear(site: Path) -> None:
    """Remove a site folder this script writes, and nothing else: a folder that is not a
    site (no ``.unld-site`` state) is refused, never removed with what sits beside it."""
    if not site.exists():
        return
    if site.is_dir() and (not any(site.iterdir()) or (site / ".unld-site").is_dir()):
        shutil.rmtree(site)
        return
    sys.exit(f"{site}: exists and is not a generated site; give an --out that is, or a new folder")


def _beside(out: Path, what: str) -> Path:
    """Another site folder next to ``out``, for the incremental and the check runs."""
    return out.with_name(f"{out.name}-{what}")


def incremental(args: argparse.Namespace, built: Path, out: Path) -> None:
    """One title changed, the changed corpus built, its site generated from ``out``."""
    if not args.size:
        sys.exit("--change needs --size (it changes a generated source)")
    corpus = args.work / f"corpus-{args.size}-{args.seed}"
    changed = args.work / f"corpus-{args.size}-{args.seed}-changed"
    name = change_one(corpus, changed)
    second = args.work / f"build-{args.size}-{args.seed}-changed"
    if second.exists():
        shutil.rmtree(second)
    if (built / ".unld-cache").is_dir():  # what the first build parsed and mapped
        shutil.copytree(built / ".unld-cache", second / ".unld-cache")
    seconds = build(changed, second, args.jobs or os.cpu_count() or 1)
    inc = _beside(out, "incremental")
    _clear(inc)
    r = run_child(second, inc, args.jobs, args.base_iri, previous=out)
    stages = ", ".join(f"{k} {v:.2f}" for k, v in r["timings"].items())
    print(
        f"incremental: {name} retitled; build of the changed corpus {seconds:.1f} s; site "
        f"{r['wall']:.2f} s ({_cpu(r)}), {r['carried']:,} of {r['pages']:,} pages carried, "
        f"{r['pages'] - r['carried']:,} written; peak RSS {r['peak_rss'] / 2**20:,.0f} MiB; "
        f"stages (s): {stages}"
    )
    if args.check:
        full = _beside(out, "full")
        _clear(full)
        f = run_child(second, full, args.jobs, args.base_iri)
        diff = subprocess.run(
            ["diff", "-rq", str(inc), str(full)], capture_output=True, text=True, check=False
        )
        print(
            f"full generation of the changed build: {f['wall']:.2f} s ({_cpu(f)}); "
            + ("every file the same bytes" if diff.returncode == 0 else f"DIFFERENT:\n{diff.stdout[:3000]}")
        )
        _clear(full)
    if not args.keep:
        _clear(inc)


if __name__ == "__main__":
    sys.exit(main())
