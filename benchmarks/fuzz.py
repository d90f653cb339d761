"""Fuzz run: N mutated real texts through the parser, the mapping and the validation.

    python benchmarks/fuzz.py [--inputs 100000] [--workers 2] [--seed 0]
                              [--processes 200] [--keep DIR]

Two parts, both printing their figures:

1. **In-process**, ``--inputs`` mutations of the corpus texts (``tests/mutations.py``),
   each parsed and (every ``--map-every``-th one, when it is a resolution) mapped and
   validated, in long-lived worker processes.  Counted: records, input errors (the
   documented exit 2), *tracebacks* (any other exception), *hangs* (an input still
   running after ``--hang`` seconds: the worker is killed and replaced), inputs over
   ``--slow`` seconds of CPU time (wall time on a shared machine measures the others' load
   too), and the peak resident memory of the workers (the high-water mark
   is read after every input, so an input that takes more than ``--memory`` MB is caught).
2. **Per process**, ``--processes`` of those inputs run as the commands a user runs:
   ``unld parse FILE`` and a one-file ``unld build FILE --no-site`` (into one build folder,
   as a rebuild is), each in its own process, its wall time and peak memory taken from
   ``wait4``.

Inputs that fail are written to ``--keep`` (default ``build/fuzz-failures``) with their
seed, so that each can be replayed with ``unld parse``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import multiprocessing.connection
import os
import resource
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.mutations import corpus_texts, mutate, source_of  # noqa: E402
from unld.core.errors import InputError  # noqa: E402

UNLD = str(Path(sys.executable).parent / "unld")


def _worker(
    conn: multiprocessing.connection.Connection, texts: list[tuple[str, bytes]], map_every: int
) -> None:
    """Take seeds, answer ``(seed, outcome, seconds, peak MB, detail)`` for each; every
    ``map_every``-th record is also mapped and validated."""
    from unld.build.pipeline import _tools
    from unld.core.iri import DEFAULT_BASE
    from unld.parse import parse_source

    mapper, validator = _tools(DEFAULT_BASE, "fast")
    while True:
        seed = conn.recv()
        if seed is None:
            return
        name, data = texts[seed % len(texts)]
        data = mutate(data, seed)
        start = time.process_time()
        detail = ""
        try:
            record = parse_source(source_of(name, data))
            if seed % map_every == 0:
                mapped = mapper.map_one(record)
                validator.validate(mapped.triples, mapped.graph)
            outcome = "record"
        except InputError:
            outcome = "input-error"
        except Exception:  # noqa: BLE001 - what the fuzz run counts
            outcome = "traceback"
            detail = traceback.format_exc(limit=6)
        seconds = time.process_time() - start  # CPU: the machine may be shared
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        conn.send((seed, outcome, seconds, peak, detail))


class Worker:
    def __init__(self, texts: list[tuple[str, bytes]], map_every: int) -> None:
        ctx = multiprocessing.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, texts, map_every), daemon=True)
        self.proc.start()
        child.close()
        self.seed: int | None = None
        self.started = 0.0

    def give(self, seed: int) -> None:
        self.seed, self.started = seed, time.monotonic()
        self.conn.send(seed)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join()


def in_process(args: argparse.Namespace, texts: list[tuple[str, bytes]], keep: Path) -> dict:
    counts: Counter[str] = Counter()
    slow: list[tuple[float, int]] = []
    peaks: list[float] = []
    over_memory: list[int] = []
    seeds = iter(range(args.seed, args.seed + args.inputs))
    workers = [Worker(texts, args.map_every) for _ in range(args.workers)]
    for w in workers:
        w.give(next(seeds))
    done = 0
    max_seconds = 0.0
    began = time.monotonic()
    while workers:
        ready = multiprocessing.connection.wait([w.conn for w in workers], timeout=1.0)
        now = time.monotonic()
        for w in list(workers):
            if w.conn in ready:
                try:
                    seed, outcome, seconds, peak, detail = w.conn.recv()
                except EOFError:  # the worker died (a crash in native code)
                    seed, outcome, seconds, peak, detail = w.seed, "crash", now - w.started, 0.0, ""
                    w.kill()
                    workers.remove(w)
                    workers.append(Worker(texts, args.map_every))
                    w = workers[-1]
            elif w.seed is not None and now - w.started > args.hang:
                seed, outcome, seconds, peak, detail = w.seed, "hang", now - w.started, 0.0, ""
                w.kill()
                workers.remove(w)
                workers.append(Worker(texts, args.map_every))
                w = workers[-1]
            else:
                continue
            done += 1
            counts[outcome] += 1
            peaks.append(peak)
            max_seconds = max(max_seconds, seconds)
            if seconds > args.slow:
                slow.append((seconds, seed))
            if peak > args.memory:
                over_memory.append(seed)
                w.kill()  # its high-water mark would flag every later input
                workers.remove(w)
                workers.append(Worker(texts, args.map_every))
                w = workers[-1]
            if outcome in ("traceback", "crash", "hang") or seconds > args.slow:
                name, data = texts[seed % len(texts)]
                (keep / f"{seed}-{outcome}{Path(name).suffix}").write_bytes(mutate(data, seed))
                if detail:
                    (keep / f"{seed}-{outcome}.log").write_text(detail)
            nxt = next(seeds, None)
            if nxt is None:
                w.conn.send(None)
                w.proc.join(10)
                workers.remove(w)
            else:
                w.give(nxt)
            if done % 2000 == 0:
                rate = done / (time.monotonic() - began)
                longest = max(slow)[0] if slow else max_seconds
                print(
                    f"  {done} inputs, {dict(counts)}, {rate:.0f}/s; over {args.slow:g} s: {len(slow)}; "
                    f"longest {longest:.2f} s; worker peak {max(peaks):.0f} MB; "
                    f"over {args.memory:g} MB: {len(over_memory)}",
                    flush=True,
                )
    return {
        "inputs": done,
        "counts": dict(counts),
        "slow": sorted(slow, reverse=True)[:10],
        "longest": max_seconds,
        "peak_mb": max(peaks) if peaks else 0.0,
        "over_memory": over_memory[:10],
        "seconds": time.monotonic() - began,
    }


def _measure(cmd: list[str], timeout: float) -> tuple[int, float, float, float]:
    """Exit code (or -9 when killed at ``timeout``), CPU seconds, wall seconds and peak MB
    of ``cmd``."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.01)
    seconds = usage.ru_utime + usage.ru_stime  # CPU time of the process
    wall = time.monotonic() - start
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    code = proc.returncode if "Traceback" not in stderr else 99
    return code, seconds, wall, usage.ru_maxrss / 1024


def per_process(args: argparse.Namespace, texts: list[tuple[str, bytes]], keep: Path) -> dict:
    stats: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="unld-fuzz-") as tmp:
        # one build folder for all the one-file builds, warmed once: its cache holds the
        # ontology's documentation (seconds to write), as any rebuild's does
        warm = Path(tmp) / "warm.txt"
        warm.write_bytes(texts[0][1])
        subprocess.run([UNLD, "build", str(warm), "--out", f"{tmp}/out", "--no-site", "-q"], check=True)
        for command in ("parse", "build"):
            codes: Counter[int] = Counter()
            times: list[float] = []
            walls: list[float] = []
            peaks: list[float] = []
            worst: list[tuple[float, int]] = []
            for i in range(args.processes):
                seed = args.seed + i * max(1, args.inputs // max(1, args.processes))
                name, data = texts[seed % len(texts)]
                path = Path(tmp) / f"{seed}{Path(name).suffix}"
                path.write_bytes(mutate(data, seed))
                if command == "parse":
                    cmd = [UNLD, "parse", str(path)]
                else:
                    cmd = [
                        UNLD,
                        "build",
                        str(path),
                        "--out",
                        f"{tmp}/out-{seed}",
                        "--no-site",
                        "-q",
                        "--jobs",
                        "1",
                    ]
                code, seconds, wall, peak = _measure(cmd, args.hang)
                codes[code] += 1
                times.append(seconds)
                walls.append(wall)
                peaks.append(peak)
                worst.append((seconds, seed))
                if code not in (0, 1, 2):
                    (keep / f"{seed}-{command}-exit{code}{path.suffix}").write_bytes(path.read_bytes())
                path.unlink()
            times.sort()
            stats[command] = {
                "runs": len(times),
                "exit codes": dict(codes),
                "median CPU s": round(times[len(times) // 2], 2) if times else 0,
                "max CPU s": round(times[-1], 2) if times else 0,
                "max wall s": round(max(walls), 2) if walls else 0,
                "over limit s": sum(t > args.slow for t in times),
                "max MB": round(max(peaks)) if peaks else 0,
                "over limit MB": sum(p > args.memory for p in peaks),
                "slowest seeds": sorted(worst, reverse=True)[:3],
            }
    return stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--inputs", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--map-every",
        type=int,
        default=10,
        help="map and validate every K-th input (all: 1); the others are parsed",
    )
    ap.add_argument("--processes", type=int, default=200, help="inputs also run as unld parse / unld build")
    ap.add_argument("--slow", type=float, default=2.0, help="CPU seconds over which an input counts as slow")
    ap.add_argument("--hang", type=float, default=60.0, help="seconds after which an input is killed")
    ap.add_argument("--memory", type=float, default=500.0, help="peak MB over which an input is counted")
    ap.add_argument("--keep", type=Path, default=ROOT / "build" / "fuzz-failures")
    args = ap.parse_args()
    args.keep.mkdir(parents=True, exist_ok=True)
    texts = corpus_texts()
    print(f"fuzz: {args.inputs} mutated inputs from {len(texts)} corpus texts, seeds from {args.seed}")
    if args.inputs:
        r = in_process(args, texts, args.keep)
        print(
            f"in-process: {r['inputs']} inputs in {r['seconds']:.0f} s: {r['counts']}; "
            f"over {args.slow:g} s: {len(r['slow'])} {r['slow'][:5]}; longest {r['longest']:.2f} s; "
            f"worker peak {r['peak_mb']:.0f} MB; over {args.memory:g} MB: {len(r['over_memory'])}"
        )
    if args.processes:
        for command, s in per_process(args, texts, args.keep).items():
            print(f"per process, unld {command}: {s}")
    print(f"failing inputs (if any) in {args.keep}")


if __name__ == "__main__":
    main()
