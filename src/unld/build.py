"""``unld build``: parse, map and validate every source, then write the dumps.

Resolutions are independent until the dumps are written, so parse, map and validate run in
worker processes over chunks of sources (each worker compiles the rules and shapes once).
A source that is not a resolution is skipped and listed; a resolution whose graph violates
the shapes is reported and left out of the dumps; the others are written.  Everything is
staged in the output folder and renamed into place at the end (:class:`~unld.dumps.Staging`).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

import pyoxigraph as ox

from unld import dumps, lines
from unld.cache import BuildCache, source_key
from unld.errors import InputError
from unld.iri import IriPolicy
from unld.namespaces import ONTOLOGY_IRI
from unld.parse import parse_source
from unld.resources import mappings_dir, ontology_dir
from unld.sources import expand, read_source
from unld.validate import Problem, report_graph, shapes_path
from unld.void import describe, file_facts

CONTEXT_URL = "https://w3id.org/unld/context.jsonld"


@dataclass
class Outcome:
    """What became of one source."""

    path: str
    symbol: str | None = None
    graph: str | None = None
    ntriples: bytes = b""
    problems: list[Problem] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    error: str | None = None
    error_line: int | None = None
    error_message: str | None = None
    duplicate_of: str | None = None
    triples: int = 0
    #: seconds spent on this source by stage (parse, map, validate), for the benchmark
    seconds: dict[str, float] = field(default_factory=dict)

    def to_entry(self) -> dict:
        """What the cache keeps beside the graph (nothing that depends on the path the
        source was read from)."""
        return {
            "symbol": self.symbol,
            "graph": self.graph,
            "triples": self.triples,
            "problems": [asdict(p) for p in self.problems],
            "warnings": self.warnings,
            "error_message": self.error_message,
            "error_line": self.error_line,
        }

    @classmethod
    def from_entry(cls, path: str, entry: dict) -> Outcome:
        o = cls(
            path,
            entry["symbol"],
            entry["graph"],
            b"",
            [Problem(**p) for p in entry["problems"]],
            entry["warnings"],
            triples=entry.get("triples", 0),
        )
        if entry["error_message"]:
            o.error_message, o.error_line = entry["error_message"], entry["error_line"]
            o.error = str(InputError(path, o.error_message, o.error_line))
        return o


@dataclass
class BuildResult:
    outcomes: list[Outcome]
    written: list[str]
    triples: int
    graphs: int
    shared_problems: list[Problem] = field(default_factory=list)
    #: wall-clock seconds of the coordinator's steps (the benchmark prints them)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def skipped(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error]

    @property
    def duplicates(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.duplicate_of]

    @property
    def problems(self) -> list[Problem]:
        return [*[p for o in self.outcomes for p in o.problems], *self.shared_problems]

    @property
    def violations(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "Violation"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "Warning"]


# --- worker side ---------------------------------------------------------------------------

_WORKER: dict[str, object] = {}


def _tools(base: str, engine: str | None) -> tuple:
    key = f"{base}|{engine}"
    if key not in _WORKER:
        from unld.mapping import Mapper
        from unld.validate import Validator

        policy = IriPolicy(base)
        _WORKER[key] = (Mapper(policy), Validator(policy, engine) if engine else None)
    return _WORKER[key]  # type: ignore[return-value]


def process(paths: Sequence[str], base: str, engine: str | None = "fast") -> list[Outcome]:
    """Parse, map and validate a chunk of sources (runs in a worker process).

    ``engine`` names the SHACL engine; ``None`` skips validation.
    """
    mapper, validator = _tools(base, engine)
    out: list[Outcome] = []
    records: list[tuple[Outcome, dict]] = []
    for path in paths:
        outcome = Outcome(path)
        start = time.perf_counter()
        try:
            record = parse_source(read_source(path))
        except InputError as exc:
            outcome.error = str(exc)
            outcome.error_message, outcome.error_line = exc.message, exc.line
            out.append(outcome)
            continue
        finally:
            outcome.seconds["parse"] = time.perf_counter() - start
        outcome.symbol = record["symbol"]
        outcome.warnings = record["warnings"]
        records.append((outcome, record))
        out.append(outcome)
    start = time.perf_counter()
    for (outcome, _record), mapped in zip(records, mapper.map_many(r for _, r in records), strict=True):
        outcome.graph = mapped.graph
        # sorted, distinct lines: the form every dump is written from
        outcome.ntriples = mapped.ntriples
        now = time.perf_counter()
        outcome.seconds["map"] = now - start
        triples = mapped.triples
        outcome.triples = len(triples)
        if validator is not None:
            outcome.problems = validator.validate(triples, mapped.graph)
        start = time.perf_counter()
        outcome.seconds["validate"] = start - now
    return out


# --- coordinator side ----------------------------------------------------------------------


def chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def run(
    paths: list[str],
    base: str,
    jobs: int,
    engine: str | None = "fast",
    progress: Callable[[int], None] | None = None,
) -> list[Outcome]:
    """Process all sources, in parallel when ``jobs`` > 1, keeping the input order."""
    if jobs <= 1 or len(paths) < 8:
        out = []
        for chunk in chunks(paths, 16):
            out.extend(process(chunk, base, engine))
            if progress:
                progress(len(chunk))
        return out
    size = max(4, min(64, len(paths) // (jobs * 4) or 1))
    results: list[Outcome] = []
    parts = chunks(paths, size)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for chunk_out in pool.map(process, parts, [base] * len(parts), [engine] * len(parts)):
            results.extend(chunk_out)
            if progress:
                progress(len(chunk_out))
    return results


def shared_graphs(policy: IriPolicy) -> list[tuple[str, list[ox.Triple]]]:
    """The graphs every resolution refers to: ontology, vocabularies, bodies."""
    root = ontology_dir()

    def load(files: Iterable[Path]) -> list[ox.Triple]:
        triples: list[ox.Triple] = []
        for f in files:
            with open(f, "rb") as fh:
                triples.extend(ox.parse(fh, format=ox.RdfFormat.TURTLE, base_iri=policy.base))
        return triples

    ontology_files = [root / "unld.ttl", *sorted((root / "align").glob("*.ttl"))]
    return [
        (ONTOLOGY_IRI, load(f for f in ontology_files if f.exists())),
        (f"{policy.base}graph/vocabularies", load([root / "phrases.ttl"])),
        (f"{policy.base}graph/bodies", load([root / "bodies.ttl"])),
    ]


def dedupe(outcomes: list[Outcome]) -> None:
    """Two sources of one resolution: the first (in path order) wins, the other is skipped."""
    seen: dict[str, str] = {}
    for o in outcomes:
        if o.error or not o.symbol:
            continue
        if o.symbol in seen:
            o.duplicate_of = seen[o.symbol]
            o.ntriples = b""
            o.problems = []
        else:
            seen[o.symbol] = o.path


def build(
    sources: list[str],
    out: Path,
    base: str,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
    docs: bool = True,
    total: Callable[[int], None] | None = None,
    use_cache: bool = True,
    engine: str = "fast",
    site: bool = True,
) -> BuildResult:
    """Build the dataset from ``sources`` (files or folders) into ``out``.

    Sources whose result is in the build cache (same bytes, same rules, shapes and code)
    are not processed again; ``use_cache=False`` processes everything.
    """
    timings: dict[str, float] = {}
    clock = dumps._Clock(timings)
    policy = IriPolicy(base)
    paths = [str(p) for p in expand(sources)]
    if not paths:
        raise InputError(", ".join(sources), "no resolution texts found (expected .txt, .md or .html files)")
    for p in paths:
        if not Path(p).is_file():
            raise InputError(p, "no such file")
    if total:
        total(len(paths))
    store = BuildCache(out, base, enabled=use_cache)
    keys = {p: source_key(p, Path(p).read_bytes()) for p in paths}
    cached: dict[str, Outcome] = {}
    for p in paths:
        entry = store.get(keys[p])
        if entry is not None:
            cached[p] = Outcome.from_entry(p, entry)
    if progress and cached:
        progress(len(cached))
    todo = [p for p in paths if p not in cached]
    clock.tick("sources and cache")
    fresh = {o.path: o for o in run(todo, base, jobs or os.cpu_count() or 1, engine, progress)}
    clock.tick("parse, map, validate")
    for p in todo:
        # each graph goes to disk at once: the dumps read graphs back one batch at a time
        store.put(keys[p], fresh[p].to_entry(), fresh[p].ntriples)
        fresh[p].ntriples = b""
    clock.tick("cache writes")
    outcomes = [cached.get(p) or fresh[p] for p in paths]
    dedupe(outcomes)
    from unld.validate import Validator

    shared = Outcome("(shared graphs)", problems=Validator(policy, engine).validate_shared())
    clock.tick("shared graphs")
    good = [
        o
        for o in outcomes
        if not o.error and not o.duplicate_of and not any(p.severity == "Violation" for p in o.problems)
    ]
    shared_data = shared_graphs(policy)
    graphs: list[tuple[str, Callable[[], list[bytes]]]] = [
        (o.graph or "", partial(_graph_lines, store, keys[o.path])) for o in good
    ]
    graphs += [(g, partial(dumps._same, dumps.ntriples_lines(t))) for g, t in shared_data]
    graphs.sort(key=lambda g: g[0])
    void_graph = f"{policy.base}graph/void"
    context_doc = json.loads((mappings_dir() / "context.jsonld").read_text(encoding="utf-8"))
    problems = [p for o in [*outcomes, shared] for p in o.problems]
    with dumps.Staging(out) as stage:
        clock.tick("dump preparation")
        stats = dumps.write_dataset(
            stage,
            graphs,
            lambda st: describe(policy, st, [g for g, _ in graphs]),
            void_graph,
            context_doc,
            CONTEXT_URL,
            timings,
            jobs or os.cpu_count() or 1,
        )
        clock.last = time.perf_counter()
        # void.ttl adds what the dumps cannot state of themselves: their sizes and checksums
        described = ox.parse((stage.dir / "void.ttl").read_bytes(), format=ox.RdfFormat.TURTLE)
        stage.write_bytes("void.ttl", dumps.turtle_bytes([*described, *file_facts(policy, stage.dir)]))
        stage.write_bytes("context.jsonld", (mappings_dir() / "context.jsonld").read_bytes())
        ontology = [t for _, ts in shared_data for t in ts]
        stage.write_bytes("ontology.ttl", dumps.turtle_bytes(ontology))
        stage.write_bytes("shapes.ttl", shapes_path().read_bytes())
        stage.write_bytes("validation.ttl", dumps.turtle_bytes(report_graph(problems)))
        clock.tick("other files")
        if docs:
            stage.write_bytes("ontology.html", ontology_docs(store.dir, stage.dir / "ontology.ttl"))
            clock.tick("ontology.html")
        names = list(stage.files)
        stage.write_bytes("SHA256SUMS", dumps.sha256sums(stage.dir, names))
        if site:
            from unld.site import generate

            # after the checksums: the site is a folder, and copies the dumps as downloads
            generate(
                stage.dir / "unld.nq",
                stage.path("site"),
                policy.base,
                stage.dir,
                jobs=jobs or os.cpu_count() or 1,
            )
            clock.tick("site")
        stage.commit()
    store.prune()
    clock.tick("commit")
    written = [*names, "SHA256SUMS", *(["site"] if site else [])]
    # one number everywhere: the triples of unld.nt, as void:triples states it
    return BuildResult(outcomes, written, stats.total, len(graphs) + 1, shared.problems, timings)


def _graph_lines(store: BuildCache, key: str) -> list[bytes]:
    return lines.split_lines(store.graph(key))


def ontology_docs(cache_dir: Path, ontology_ttl: Path) -> bytes:
    """The ontology's HTML documentation, taken from the build cache when the ontology has
    not changed (writing it costs seconds, the same every build)."""
    import hashlib

    from unld.ontodoc import ontology_html

    digest = hashlib.sha256(ontology_ttl.read_bytes()).hexdigest()[:20]
    cached = cache_dir / f"ontology-{digest}.html"
    if cached.exists():
        return cached.read_bytes()
    html = ontology_html(ontology_ttl) or b""
    cached.parent.mkdir(parents=True, exist_ok=True)
    for old in cached.parent.glob("ontology-*.html"):
        old.unlink()
    cached.write_bytes(html)
    return html
