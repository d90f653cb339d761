"""Benchmark of the SHACL validators: speed on the corpus, answers on the W3C suite.

    python benchmarks/validators.py [--corpus tests/data/corpus] [--repeat 3]

Validators: the compiled engine (``unld.validation.shacl``, the default, with pyshacl for any shape it
refuses), pyshacl (the reference) and pyshacl-turbo (a Rust engine with pyshacl's API;
``pip install pyshacl-turbo`` first, else it is skipped).  On the corpus (parsed and mapped
first, not timed) each validates:

* every resolution's graph on its own, with the shared graphs and the ontology, as
  ``unld build`` does (seconds for all the graphs, and per graph);
* the union of all the graphs, once.

pyshacl-turbo is used as fast as it goes: its shapes compiled once, its data given as a
pyoxigraph store (building rdflib graphs for it would cost more than its validation).
The validators take turns, ``--repeat`` times; each figure is the best of its runs, in
CPU seconds (of every thread: steady on a busy machine) and in wall seconds.  The reports
of the engine and of pyshacl-turbo are compared with pyshacl's (results as sets of focus
node, path, value, severity and shape).  Then each validator runs the W3C SHACL Core
suite (``tests/data/w3c-shacl-core``) and is scored: right (the expected report), refused
(``Unsupported``, the engine without its fallback only) or wrong.  Prints markdown tables.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import warnings
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.w3c_shacl import Case, cases, pyshacl_like  # noqa: E402
from unld.core.iri import IriPolicy  # noqa: E402
from unld.mapping.mapper import Mapper  # noqa: E402
from unld.parse import parse_source  # noqa: E402
from unld.sources import read_source  # noqa: E402
from unld.validation.shacl import Unsupported  # noqa: E402
from unld.validation.validator import Problem, Validator, problems_from  # noqa: E402


def keys(problems: list[Problem]) -> set[tuple[str, str, str | None, str | None, str | None]]:
    return {(p.severity, p.focus, p.path, p.value, p.shape) for p in problems}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "tests" / "data" / "corpus")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    logging.disable(logging.CRITICAL)  # rdflib logs every ill-formed literal of the suite
    warnings.simplefilter("ignore")
    try:
        import pyshacl_turbo

        turbo: Any = pyshacl_turbo
        turbo_version = version("pyshacl-turbo")
    except (ImportError, PackageNotFoundError):
        turbo, turbo_version = None, "not installed"
    corpus_table(args.corpus, args.repeat, turbo, turbo_version)
    print("\nW3C SHACL Core suite\n")
    suite_table(turbo)
    return 0


Run = Callable[[list[Any], bool], list[Problem]]


def validators(policy: IriPolicy, turbo: Any) -> dict[str, Run]:
    """The validators compared: ours, pyshacl, and pyshacl-turbo when it is installed."""
    fast, ref = Validator(policy, "fast"), Validator(policy, "pyshacl")
    assert not fast.refused, fast.refused
    runs: dict[str, Run] = {
        "compiled engine (default)": lambda triples, own: fast.validate(triples, only_own=own),
        "pyshacl": lambda triples, own: ref.validate(triples, only_own=own),
    }
    if turbo is not None:
        # its fastest use: the shapes compiled once, and a pyoxigraph store as input (read
        # natively, where an rdflib graph costs more to build than the validation), holding
        # the graph, the shared graphs and the ontology (what pyshacl's ont_graph does)
        import pyoxigraph as ox

        assert ref.shapes is not None
        compiled = turbo.CompiledShapes(ref.shapes, advanced=True)
        base = [*ref.shared_list, *ref.ontology_list]

        def turbo_validate(triples: list[Any], own: bool) -> list[Problem]:
            store = ox.Store()
            store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in [*triples, *base])
            _c, report, _t = compiled.validate(store, inference="none", allow_warnings=True)
            problems = problems_from(report)
            if own:
                subjects = {t.subject.value for t in triples}
                problems = [p for p in problems if p.focus in subjects]
            return problems

        runs["pyshacl-turbo"] = turbo_validate
    return runs


def corpus_table(corpus: Path, repeat: int, turbo: Any, turbo_version: str) -> None:
    """Each validator on every graph of the corpus alone, then on their union."""
    policy = IriPolicy()
    records = [parse_source(read_source(p)) for p in sorted(corpus.glob("*.txt"))]
    graphs = list(Mapper(policy).map_many(records))
    n_triples = sum(len(m.triples) for m in graphs)
    union = [t for m in graphs for t in m.triples]
    print(
        f"corpus: {len(graphs)} resolutions, {n_triples:,} triples; pyshacl {version('pyshacl')}, "
        f"pyshacl-turbo {turbo_version}, rdflib {version('rdflib')}, pyoxigraph {version('pyoxigraph')}\n"
    )
    runs = validators(policy, turbo)
    # the validators take turns, run after run, so that a busy machine slows them alike;
    # CPU time (of every thread) is the steadier figure there, wall time the one users see
    timings: dict[str, dict[str, list[tuple[float, float]]]] = {n: {"graphs": [], "union": []} for n in runs}
    reports: dict[str, list[set[tuple[str, str, str | None, str | None, str | None]]]] = {}
    for _ in range(repeat):
        for name, run in runs.items():
            wall, cpu = time.perf_counter(), time.process_time()
            reports[name] = [keys(run(m.triples, True)) for m in graphs]
            timings[name]["graphs"].append((time.process_time() - cpu, time.perf_counter() - wall))
            wall, cpu = time.perf_counter(), time.process_time()
            run(union, False)
            timings[name]["union"].append((time.process_time() - cpu, time.perf_counter() - wall))

    print(
        "| validator | each graph on its own: CPU s | wall s | per graph, CPU ms | union: CPU s | wall s "
        "| same report as pyshacl |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    for name in runs:
        g_cpu, g_wall = min(timings[name]["graphs"])
        u_cpu, u_wall = min(timings[name]["union"])
        same = sum(a == b for a, b in zip(reports[name], reports["pyshacl"], strict=True))
        print(
            f"| {name} | {g_cpu:.2f} | {g_wall:.2f} | {1000 * g_cpu / len(graphs):.1f} | {u_cpu:.2f} "
            f"| {u_wall:.2f} | {same} of {len(graphs)} graphs |"
        )


def suite_table(turbo: Any) -> None:
    """Each validator on the W3C SHACL Core test suite: right, refused, wrong."""
    from unld.validation.shacl import validate_triples

    def engine_run(fallback: bool) -> Callable[[Case], tuple[bool, Any]]:
        from tests.test_shacl_suite import keys as result_keys

        def run(case: Case) -> tuple[bool, Any]:
            data, shapes = case.triples()
            conforms, results = validate_triples(data, shapes, fallback=fallback)
            return conforms, result_keys(results)

        return run

    import pyshacl

    runners: list[tuple[str, Callable[[Case], tuple[bool, Any]]]] = [
        ("compiled engine alone", engine_run(False)),
        ("compiled engine with pyshacl for what it refuses (default)", engine_run(True)),
        ("pyshacl", pyshacl_like(pyshacl.validate)),
    ]
    if turbo is not None:
        runners.append(("pyshacl-turbo", pyshacl_like(turbo.validate)))
    suite = cases()
    print("| validator | right | refused | wrong | seconds | wrong on |")
    print("|---|---:|---:|---:|---:|---|")
    for name, run in runners:
        right = refused = 0
        wrong = []
        t = time.perf_counter()
        for case in suite:
            try:
                got = run(case)
            except Unsupported:
                refused += 1
                continue
            if got == (case.conforms, case.results):
                right += 1
            else:
                wrong.append(case.name)
        seconds = time.perf_counter() - t
        print(f"| {name} | {right} | {refused} | {len(wrong)} | {seconds:.2f} | {', '.join(wrong)} |")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
