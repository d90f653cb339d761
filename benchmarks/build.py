"""Benchmark of ``unld build``: per-stage time, rates and peak memory, against two baselines.

    python benchmarks/build.py [--sizes 1000 20000] [--work build/benchmark] [--jobs N]
                               [--seed 0] [--no-site] [--results benchmarks/RESULTS.md]
                               [--real ../shared/corpus ../shared/wild78]

For each N it generates N resolutions with ``benchmarks/make_corpus.py`` (reused when
already there), runs a full build (``--no-cache``: parse, map, validate, every dump, the
site) in a child process, samples the resident memory of that process and its workers
every 50 ms, then rebuilds with the cache three times: after a paragraph of one source is
edited, after a real resolution is added, and after both are undone (each rebuild's steps
are reported: the union's validation, the dumps, spliced or written in full, the checksums
and how many files the manifest hashed).  On the first size it
also runs, on the same input:

* a naive pipeline: records mapped as ours are, then one rdflib graph of everything, pyshacl
  on the whole graph, and rdflib's serializers for Turtle, N-Triples, N-Quads and JSON-LD;
* a floor: reading the inputs and writing the final N-Triples bytes with pyoxigraph, and
  nothing else;

and prints our time (without the site, which the baselines do not make) as ratios to both.
The table goes to ``--results`` with the machine and the versions.  Parse, map and validate
run interleaved in the workers: their wall time is the workers' phase split by the CPU
time each stage took there.  Each build's CPU time (of all its processes) and the load
average while it ran are reported too: on a shared machine the wall time says as much about
the other users as about the build.  ``--real`` builds folders of real resolutions together
(the sources that are bad input are skipped, as ``unld build`` does) and reports them beside
the generated corpora.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

CHILD = r"""
import json, os, sys, time
from pathlib import Path
from unld.build.pipeline import build
src, out, jobs = sys.argv[1].split(os.pathsep), Path(sys.argv[2]), int(sys.argv[3])
site, cache = sys.argv[4] == "1", sys.argv[5] == "1"
t = time.perf_counter()
r = build(src, out, "https://w3id.org/unld/", jobs, use_cache=cache, site=site)
wall = time.perf_counter() - t
cpu = {}
for o in r.outcomes:
    for k, v in o.seconds.items():
        cpu[k] = cpu.get(k, 0.0) + v
print(json.dumps({"wall": wall, "timings": r.timings, "cpu": cpu, "triples": r.triples,
                  "resolutions": len(r.outcomes) - len(r.skipped) - len(r.duplicates),
                  "violations": len(r.violations), "skipped": len(r.skipped),
                  "spliced": r.spliced, "manifest": r.manifest,
                  "cache_files": r.cache_files}))
"""


def _tree_memory(pid: int) -> tuple[int, int]:
    """Resident memory (bytes) of a process and all its descendants, from /proc: the sum of
    their RSS (which counts pages that forked workers share once per process) and of their
    PSS (which shares such pages out: the physical memory the tree uses)."""
    rss = pss = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) * 1024
            for task in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return rss, pss


def run_child(args: list[str]) -> tuple[dict, int, int]:
    """Run a build in a child process; return its report and the peak memory of its tree
    (RSS summed, PSS summed)."""
    # CPU time of the whole tree (the build and its workers): on a shared machine the wall
    # time says how busy the others were as much as what the build cost
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = os.getloadavg()[0]
    proc = subprocess.Popen(
        [PY, "-c", CHILD, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT
    )
    peak_rss = peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        # every 50 ms, or less often when a sample costs more than a twentieth of that: the
        # kernel walks every page of a process to count its PSS, and at 20,000 resolutions
        # (processes of several GB) sampling every 50 ms took half a core from the build
        nonlocal peak_rss, peak_pss
        while not done.is_set():
            began = time.process_time()
            rss, pss = _tree_memory(proc.pid)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            done.wait(max(0.05, 20 * (time.process_time() - began)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{err.decode()[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = json.loads(out.decode().strip().splitlines()[-1])
    print("    timings: " + json.dumps({k: round(v, 2) for k, v in report["timings"].items()}), flush=True)
    report["cpu_seconds"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    report["load"] = (load_before + os.getloadavg()[0]) / 2
    return report, peak_rss, peak_pss


def generate(n: int, folder: Path, seed: int) -> Path:
    corpus = folder / f"corpus-{n}-{seed}"
    if not (corpus / "MANIFEST.tsv").exists() or len(list(corpus.glob("*.txt"))) != n:
        t = time.perf_counter()
        subprocess.run(
            [PY, str(ROOT / "benchmarks" / "make_corpus.py"), str(n), str(corpus), "--seed", str(seed)],
            check=True,
            cwd=ROOT,
        )
        print(f"  generated {n} resolutions in {time.perf_counter() - t:.1f} s", flush=True)
    return corpus


def naive(corpus: Path, workdir: Path) -> float:
    """The naive pipeline on ``corpus``: rdflib everywhere, pyshacl on the whole graph."""
    import pyoxigraph as ox
    import rdflib
    from pyshacl import validate

    from unld.core.iri import IriPolicy
    from unld.core.resources import mappings_dir
    from unld.mapping.mapper import Mapper
    from unld.parse import parse_source
    from unld.sources import read_source
    from unld.validation.validator import ontology_paths, shapes_path, shared_paths

    t = time.perf_counter()
    records = [parse_source(read_source(p)) for p in sorted(corpus.glob("*.txt"))]
    mapper = Mapper(IriPolicy())
    ds = rdflib.Dataset()
    for m in mapper.map_many(records):
        g = ds.graph(rdflib.URIRef(m.graph))
        g.parse(data=ox.serialize(m.triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    union = rdflib.Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    for path in shared_paths():
        union.parse(path, format="turtle", publicID="https://w3id.org/unld/")
    ontology = rdflib.Graph()
    for path in ontology_paths():
        ontology.parse(path, format="turtle")
    shapes = rdflib.Graph().parse(shapes_path(), format="turtle")
    validate(union, shacl_graph=shapes, ont_graph=ontology, inference="none")
    workdir.mkdir(parents=True, exist_ok=True)
    union.serialize(workdir / "naive.ttl", format="turtle")
    union.serialize(workdir / "naive.nt", format="nt", encoding="utf-8")
    ds.serialize(workdir / "naive.nq", format="nquads")
    context = json.loads((mappings_dir() / "context.jsonld").read_text())["@context"]
    union.serialize(workdir / "naive.jsonld", format="json-ld", context=context, auto_compact=True)
    return time.perf_counter() - t


def floor(corpus: Path, final_nt: Path, workdir: Path) -> float:
    """Reading the inputs and writing the final N-Triples with pyoxigraph, nothing else."""
    import pyoxigraph as ox

    triples = list(ox.parse(final_nt.read_bytes(), format=ox.RdfFormat.N_TRIPLES))
    t = time.perf_counter()
    for p in sorted(corpus.glob("*.txt")):
        p.read_bytes()
    with open(workdir / "floor.nt", "wb") as fh:
        fh.write(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    return time.perf_counter() - t


#: the coordinator's steps that write the dumps and the other files (the site apart)
DUMP_STEPS = (
    "dump preparation",
    "union",
    "writers (side by side)",
    "other files",
    "ontology.html",
    "checksums",
    "commit",
)


def _edit_paragraph(text: str) -> str:
    """The first paragraph after "The General Assembly," with one word more."""
    at = text.find(" the ", text.find("The General Assembly,"))
    return text[:at] + " the very " + text[at + 5 :]


def _addition(corpus: Path) -> tuple[Path, bytes]:
    """A real resolution the generated corpus does not have (its files are named by
    symbol); when it has every one (N = 20,000 covers their numbers), a real one given the
    next number its session lacks, in its text and its file name."""
    real = sorted((ROOT / "tests" / "data" / "corpus").glob("A_RES_*.txt"))
    for p in real:
        if not (corpus / p.name).exists():
            return corpus / p.name, p.read_bytes()
    source = real[0]
    _, _, session, number = source.stem.split("_")
    free = max(int(f.stem.split("_")[3]) for f in corpus.glob(f"A_RES_{session}_*.txt")) + 1
    text = source.read_bytes().replace(f"{session}/{number}".encode(), f"{session}/{free}".encode())
    return corpus / f"A_RES_{session}_{free}.txt", text


def incremental(corpus: Path, out: Path, jobs: int, site: str, n: int) -> list[tuple[str, dict]]:
    """Rebuilds with the cache after one source is edited, one added, one removed."""
    reports: list[tuple[str, dict]] = []
    victim = sorted(corpus.glob("*.txt"))[n // 2]
    text = victim.read_text()
    added, addition = _addition(corpus)
    try:
        victim.write_text(_edit_paragraph(text))
        reports.append(("one source edited", run_child([str(corpus), str(out), str(jobs), site, "1"])[0]))
        added.write_bytes(addition)
        reports.append(("one source added", run_child([str(corpus), str(out), str(jobs), site, "1"])[0]))
    finally:
        victim.write_text(text)
        added.unlink(missing_ok=True)
    # the edit undone and the added source removed: two graphs change
    reports.append(
        ("one removed, one edit undone", run_child([str(corpus), str(out), str(jobs), site, "1"])[0])
    )
    return reports


def rebuild_row(rep: dict) -> str:
    t = rep["timings"]
    first = t.get("sources and cache", 0) + t.get("parse, map, validate", 0) + t.get("cache writes", 0)
    dumps = sum(t.get(k, 0.0) for k in DUMP_STEPS if k not in ("checksums", "commit"))
    return (
        f"{rep['wall']:.1f} s wall, {rep['cpu_seconds']:.1f} s CPU, load {rep['load']:.1f}: sources and "
        f"cache {first:.1f} s, union validation {t.get('union validation', 0):.1f} s, dumps "
        f"{dumps:.1f} s ({'spliced' if rep.get('spliced') else 'written in full'}), checksums "
        f"{t.get('checksums', 0):.1f} s, manifest and switch {t.get('commit', 0):.1f} s (files hashed "
        f"{rep.get('manifest', {}).get('hashed', 0):,}, hashes reused "
        f"{rep.get('manifest', {}).get('reused', 0):,}), site {t.get('site', 0):.1f} s"
    )


def stage_rows(report: dict, n: int) -> list[tuple[str, float]]:
    t = report["timings"]
    cpu = report["cpu"]
    phase = t.get("parse, map, validate", 0.0)
    total_cpu = sum(cpu.values()) or 1.0
    rows = [(name, phase * cpu.get(name, 0.0) / total_cpu) for name in ("parse", "map", "validate")]
    rows += [
        ("cache and sources", t.get("sources and cache", 0) + t.get("cache writes", 0)),
        ("shared graphs", t.get("shared graphs", 0) + t.get("dump preparation", 0)),
    ]
    rows += [
        ("union validation", t.get("union validation", 0.0)),
        ("union", t.get("union", 0.0)),
        ("dump writers, side by side (wall)", t.get("writers (side by side)", 0.0)),
    ]
    rows += [
        (f"↳ {name} (its own time)", t.get(name, 0.0))
        for name in ("unld.nq and unld.trig", "unld.nt", "unld.ttl", "unld.jsonld")
    ]
    rows += [
        ("other files", t.get("other files", 0) + t.get("ontology.html", 0)),
        ("checksums, manifest and switch", t.get("checksums", 0) + t.get("commit", 0)),
        ("site", t.get("site", 0.0)),
    ]
    return rows


def fmt_table(results: dict[int, dict]) -> str:
    sizes = sorted(results)
    lines = [
        "| stage | " + " | ".join(f"N = {n:,}: s | res/s | triples/s" for n in sizes) + " |",
        "|---|" + "---:|---:|---:|" * len(sizes),
    ]
    names = [name for name, _ in stage_rows(results[sizes[0]]["full"], sizes[0])]
    for name in names:
        cells = []
        for n in sizes:
            rep = results[n]["full"]
            seconds = dict(stage_rows(rep, n))[name]
            rate = f"{n / seconds:,.0f}" if seconds > 0.001 else "–"
            trate = f"{rep['triples'] / seconds:,.0f}" if seconds > 0.001 else "–"
            cells.append(f"{seconds:.2f} | {rate} | {trate}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    cells = []
    for n in sizes:
        rep = results[n]["full"]
        cells.append(f"**{rep['wall']:.1f}** | {n / rep['wall']:,.0f} | {rep['triples'] / rep['wall']:,.0f}")
    lines.append("| **whole build** | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> str:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    mem = next((line.split()[1] for line in meminfo if line.startswith("MemTotal")), "0")
    cpu = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
        platform.processor(),
    )
    versions = ", ".join(f"{p} {version(p)}" for p in ("unld", "pyoxigraph", "rdflib", "pyshacl"))
    return (
        f"{os.cpu_count()} cores ({cpu}), {int(mem) / 1024 / 1024:.1f} GiB memory, "
        f"Python {platform.python_version()}, {versions}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 20000])
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "benchmark")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-site", action="store_true")
    ap.add_argument("--no-baselines", action="store_true")
    ap.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    ap.add_argument(
        "--real",
        type=Path,
        nargs="*",
        default=[],
        help="folders of real resolutions, built together beside the generated corpora",
    )
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict] = {}
    notes: list[str] = []
    for i, n in enumerate(args.sizes):
        print(f"N = {n}", flush=True)
        corpus = generate(n, args.work, args.seed)
        out = args.work / f"out-{n}"
        full, peak, peak_pss = run_child(
            [str(corpus), str(out), str(args.jobs), "0" if args.no_site else "1", "0"]
        )
        print(
            f"  full build {full['wall']:.1f} s, {full['triples']:,} triples, peak "
            f"{peak_pss / 2**20:,.0f} MiB (PSS; RSS summed {peak / 2**20:,.0f} MiB), "
            f"{full['violations']} violations; CPU {full['cpu_seconds']:.1f} s, load average "
            f"{full['load']:.1f}",
            flush=True,
        )
        # one source changes among N (a paragraph edited), one is added, one removed: each
        # rebuild re-processes what changed and splices the dumps
        site_flag = "0" if args.no_site else "1"
        rebuilds = incremental(corpus, out, args.jobs, site_flag, n)
        inc = rebuilds[0][1]
        dumps_site = sum(inc["timings"].get(k, 0.0) for k in DUMP_STEPS + ("site",))
        results[n] = {
            "full": full,
            "peak": peak,
            "peak_pss": peak_pss,
            "inc": inc,
            "inc_rest": inc["wall"] - dumps_site,
            "inc_dumps": dumps_site,
            "rebuilds": rebuilds,
        }
        for what, rep in rebuilds:
            print(f"  rebuild, {what}: " + rebuild_row(rep), flush=True)
        if i == 0 and not args.no_baselines:
            nosite, _, _ = run_child(
                [str(corpus), str(args.work / f"out-{n}-nosite"), str(args.jobs), "0", "0"]
            )
            t_naive = naive(corpus, args.work / "naive")
            t_floor = floor(corpus, out / "unld.nt", args.work)
            results[n].update(nosite=nosite["wall"], naive=t_naive, floor=t_floor)
            notes.append(
                f"On N = {n:,} (same input, same run): our build without the site "
                f"**{nosite['wall']:.1f} s**; naive pipeline (rdflib graph of everything, pyshacl "
                f"on the whole graph, rdflib serializers) **{t_naive:.1f} s**, so ours is "
                f"**{t_naive / nosite['wall']:.1f}×** faster; floor (read the inputs, write the "
                f"final N-Triples with pyoxigraph) **{t_floor:.2f} s**, so ours is "
                f"**{nosite['wall'] / t_floor:.1f}×** the floor."
            )
            print("  " + notes[-1], flush=True)
    text = [
        "# Benchmark results",
        "",
        f"Machine: {machine()}.  Produced by `python benchmarks/build.py --sizes "
        f"{' '.join(map(str, args.sizes))} --jobs {args.jobs}` on a corpus from "
        f"`benchmarks/make_corpus.py` (seed {args.seed}).",
        "",
        "Full builds (`--no-cache`: parse, map, validate, every dump"
        + ("" if args.no_site else ", the site")
        + ").  Parse, map and validate run "
        "interleaved on all cores: their rows split the workers' wall time by the CPU "
        "time each stage used.",
        "",
        fmt_table(results) if results else "(no generated corpus in this run)",
        "",
    ]
    for n in sorted(results):
        r = results[n]
        text.append(
            f"- N = {n:,}: {r['full']['resolutions']:,} resolutions, "
            f"{r['full']['triples']:,} triples; peak memory of all processes "
            f"**{r['peak_pss'] / 2**20:,.0f} MiB** (PSS: pages the forked workers "
            f"share counted once; RSS summed over the processes "
            f"{r['peak'] / 2**20:,.0f} MiB); CPU time of all processes "
            f"{r['full']['cpu_seconds']:.1f} s for the full build, load average "
            f"{r['full']['load']:.1f} while it ran (2 cores: above 2, others shared them)."
        )
        for what, rep in r["rebuilds"]:
            text.append(f"  - rebuild, {what}: " + rebuild_row(rep))
    if args.real:
        report, _, pss = run_child(
            [os.pathsep.join(map(str, args.real)), str(args.work / "out-real"), str(args.jobs), "0", "0"]
        )
        stages = ", ".join(
            f"{name} {seconds:.1f} s" for name, seconds in stage_rows(report, 0) if seconds >= 0.05
        )
        notes.append(
            f"Real resolutions ({', '.join(p.name for p in args.real)}; full build without the "
            f"site): {report['resolutions']:,} resolutions ({report['skipped']} sources skipped as "
            f"bad input), {report['triples']:,} triples in **{report['wall']:.1f} s** wall, "
            f"{report['cpu_seconds']:.1f} s CPU of all processes, load average "
            f"{report['load']:.1f}, peak {pss / 2**20:,.0f} MiB PSS ({stages})."
        )
        print("  " + notes[-1], flush=True)
    text += ["", *notes, ""]
    args.results.write_text("\n".join(text))
    print("\n".join(text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
