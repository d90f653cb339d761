"""Kill -9 a rebuild at random moments; after each kill, check the whole output folder.

    python benchmarks/kill.py [--kills 50] [--seed 0] [--sources N] [--work DIR]

Two builds of the corpus are made once as references: *old* (all but a few texts) and
*new* (all of them).  Then, ``--kills`` times: a copy of the old build is rebuilt with the
new sources, and the build process (with its workers) is killed with SIGKILL after a random
delay drawn over the length of an undisturbed rebuild.  After each kill the reader-visible
files of the folder (``site/`` included, links followed) must equal the old build's
manifest or the new build's, whole; then a rebuild must finish and give the new build
exactly, with no staging or generation folder left and no worker of the killed build
still running.  The figures printed: kills at each phase (before/after the switch),
mismatches, failed repairs, leftover folders and surviving workers, and the time a
rebuild takes to recover.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from unld.publishing import output  # noqa: E402

UNLD = str(Path(sys.executable).parent / "unld")
CORPUS = ROOT / "tests" / "data" / "corpus"
# pyLODE's ontology documentation depends on the hash seed: one seed for every run
ENV = {**os.environ, "PYTHONHASHSEED": "0"}


def whole(out: Path, manifests: dict[str, bytes]) -> str | None:
    """Which reference build ``out`` shows to a reader, or ``None`` for a mix."""
    seen = output.state(out)
    for name, m in manifests.items():
        want = output.read_manifest(m)
        want[output.MANIFEST] = hashlib.sha256(m).hexdigest()
        if seen == want:
            return name
    return None


def children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def build(sources: Path, out: Path) -> float:
    start = time.monotonic()
    proc = subprocess.run(
        [UNLD, "build", str(sources), "--out", str(out), "-q"], capture_output=True, text=True, env=ENV
    )
    if proc.returncode != 0:
        raise SystemExit(f"unld build --out {out} failed ({proc.returncode}): {proc.stderr[-500:]}")
    return time.monotonic() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kills", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--sources", type=int, default=0, help="corpus texts to use (0: all)")
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = args.work or Path(tempfile.mkdtemp(prefix="unld-kill-"))
    texts = sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".md"))
    if args.sources:
        texts = texts[: args.sources]
    old_src, new_src = work / "old-src", work / "new-src"
    for folder, chosen in ((old_src, texts[:-3]), (new_src, texts)):
        folder.mkdir(parents=True, exist_ok=True)
        for t in chosen:
            shutil.copy(t, folder / t.name)
    old_dir, new_dir = work / "old", work / "new"
    build(old_src, old_dir)
    build(new_src, new_dir)
    manifests = {
        "old": (old_dir / output.MANIFEST).read_bytes(),
        "new": (new_dir / output.MANIFEST).read_bytes(),
    }
    # how long an undisturbed rebuild of a copy of the old build takes
    probe = work / "probe"
    shutil.copytree(old_dir, probe, symlinks=True)
    span = build(new_src, probe)
    shutil.rmtree(probe)
    print(f"kill: {len(texts)} texts; an undisturbed rebuild takes {span:.1f} s; {args.kills} kills")
    tally = {"old": 0, "new": 0, "mix": 0, "finished": 0}
    bad_repairs = leftovers = survivors = 0
    repairs: list[float] = []
    for n in range(args.kills):
        out = work / f"trial-{n}"
        shutil.copytree(old_dir, out, symlinks=True)
        delay = rng.uniform(0, span)
        proc = subprocess.Popen(
            [UNLD, "build", str(new_src), "--out", str(out), "-q"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=ENV,
        )
        workers: set[int] = set()
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline and proc.poll() is None:
            workers |= children(proc.pid)
            time.sleep(0.01)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            seen = whole(out, manifests)
            tally[seen or "mix"] += 1
        else:
            tally["finished"] += 1
            seen = whole(out, manifests)
            if seen != "new":
                tally["mix"] += 1
        time.sleep(0.5)
        survivors += sum(1 for w in workers if alive(w))
        repairs.append(build(new_src, out))
        if whole(out, manifests) != "new":
            bad_repairs += 1
        left = [p.name for p in out.iterdir() if p.name.startswith(".unld-staging")]
        left += [p.name for p in (out / output.GENERATIONS).iterdir()][1:]
        leftovers += bool(left)
        print(f"  kill {n + 1:2d} at {delay:5.2f} s: {seen or 'MIX'}", flush=True)
        shutil.rmtree(out)
    print(
        f"kills: {args.kills}; output after the kill: old build {tally['old']}, new build "
        f"{tally['new']}, mixed {tally['mix']}, finished before the kill {tally['finished']}; "
        f"repairs that did not give the new build: {bad_repairs}; folders left after the "
        f"repair: {leftovers}; workers alive 0.5 s after the kill: {survivors}; rebuild after "
        f"a kill: median {sorted(repairs)[len(repairs) // 2]:.1f} s"
    )
    if not args.work:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
