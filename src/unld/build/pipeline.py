"""``unld build``: parse, map and validate every source, then write the dumps.

Resolutions are independent until the dumps are written, so parse, map and validate run in
worker processes over chunks of sources (each worker compiles the rules and shapes once).
A source that is not a resolution is skipped and listed; a resolution whose graph violates
the shapes is reported and left out of the dumps; the others are written.  Everything is
staged in the output folder and renamed into place at the end (:class:`~unld.publishing.dumps.Staging`).
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import pyoxigraph as ox

from unld.build import splice
from unld.build.cache import BuildCache, write_atomic
from unld.core import collector
from unld.core.errors import InputError, UnldError, UsageError
from unld.core.iri import DEFAULT_BASE, IriPolicy
from unld.core.namespaces import ONTOLOGY_IRI, RDF_TYPE
from unld.core.resources import mappings_dir, ontology_dir
from unld.parse import parse_source
from unld.publishing import dumps, output
from unld.publishing import ntlines as lines
from unld.publishing.endpoint import SpooledGraphs
from unld.publishing.void import DUMPS, describe, file_facts
from unld.sources import expand, read_bytes, read_source
from unld.validation.validator import (
    Problem,
    UnionResult,
    cited_lines,
    report_graph,
    shapes_path,
    source_line,
)

_P = ParamSpec("_P")
_R = TypeVar("_R")


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
    #: where the source cites each document (:func:`~unld.validation.validator.cited_lines`):
    #: conflict reports name those lines without parsing the source again
    cited: list[list[Any]] | None = None

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
            "cited": self.cited,
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
        cited = entry.get("cited")
        if isinstance(cited, list) and all(isinstance(c, list) and len(c) == 3 for c in cited):
            o.cited = cited
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
    #: cache entries that were corrupt and rebuilt (printed as warnings)
    cache_warnings: list[str] = field(default_factory=list)
    #: whether the dumps were spliced from the previous build's (unld.build.splice)
    spliced: bool = False
    #: files of the generation the manifest hashed, and files whose hash it reused
    manifest: dict[str, int] = field(default_factory=dict)
    #: sources and cached graphs read and hashed, and those whose unchanged stamp vouched
    #: for their digest (unld.build.cache.Stamps)
    cache_files: dict[str, int] = field(default_factory=dict)

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
        from unld.mapping.mapper import Mapper
        from unld.validation.validator import Validator

        policy = IriPolicy(base)
        _WORKER[key] = (Mapper(policy), Validator(policy, engine) if engine else None)
    return _WORKER[key]  # type: ignore[return-value]


def _unexpected(outcome: Outcome, stage: str, exc: BaseException) -> None:
    """Record a failure no rule foresaw as a skipped source (exit code 2), so that one
    hostile file cannot stop the build of the others.  The message names the stage and the
    kind of failure; it never holds a traceback."""
    detail = " ".join(str(exc).split())[:160]
    outcome.error_message = (
        f"cannot be {stage}: {type(exc).__name__}{': ' + detail if detail else ''} "
        "(expected the text of one resolution)"
    )
    outcome.error_line = None
    outcome.error = str(InputError(outcome.path, outcome.error_message))


def _map_each(mapper: Any, records: list[tuple[Outcome, dict]]) -> Iterator[tuple[Outcome, Any]]:
    """``mapper.map_many`` over ``records``, skipping (as :func:`_unexpected`) a record the
    mapping fails on and carrying on with the next ones."""
    rest = records
    while rest:
        done = 0
        try:
            for mapped in mapper.map_many(r for _, r in rest):
                yield rest[done][0], mapped
                done += 1
            return
        except Exception as exc:  # noqa: BLE001 - one record must not spoil the others
            _unexpected(rest[done][0], "mapped", exc)
            rest = rest[done + 1 :]


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
        except Exception as exc:  # noqa: BLE001 - skipped, the others go on
            _unexpected(outcome, "parsed", exc)
            out.append(outcome)
            continue
        finally:
            outcome.seconds["parse"] = time.perf_counter() - start
        outcome.symbol = record["symbol"]
        outcome.warnings = record["warnings"]
        outcome.cited = cited_lines(record)
        records.append((outcome, record))
        out.append(outcome)
    start = time.perf_counter()
    for outcome, mapped in _map_each(mapper, records):
        outcome.graph = mapped.graph
        # sorted, distinct lines: the form every dump is written from
        outcome.ntriples = mapped.ntriples
        now = time.perf_counter()
        outcome.seconds["map"] = now - start
        triples = mapped.triples
        outcome.triples = len(triples)
        if validator is not None:
            try:
                outcome.problems = validator.validate(triples, mapped.graph)
            except Exception as exc:  # noqa: BLE001 - skipped, the others go on
                _unexpected(outcome, "validated", exc)
                outcome.graph, outcome.ntriples, outcome.triples = None, b"", 0
        start = time.perf_counter()
        outcome.seconds["validate"] = start - now
    for outcome, _record in records:
        if outcome.error:
            outcome.symbol, outcome.graph, outcome.ntriples = None, None, b""
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
    try:
        with ProcessPoolExecutor(
            max_workers=jobs, initializer=output.die_with_parent, initargs=(os.getpid(),)
        ) as pool:
            for chunk_out in pool.map(process, parts, [base] * len(parts), [engine] * len(parts)):
                results.extend(chunk_out)
                if progress:
                    progress(len(chunk_out))
    except BrokenProcessPool:
        # a crash in native code (or the kernel's out-of-memory killer): no output is written
        raise UnldError(
            "a worker process died while parsing, mapping or validating (out of memory, or a "
            "crash); nothing was written: build again with --jobs 1 to see which source"
        ) from None
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


def _holding_the_lock(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``fn`` (whose second argument is the output folder) with the folder locked."""

    @functools.wraps(fn)
    def locked(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        out = kwargs["out"] if "out" in kwargs else args[1]
        with output.locked(Path(str(out))):
            return fn(*args, **kwargs)

    return locked


@_holding_the_lock
@collector.rarely()
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
    are not processed again; ``use_cache=False`` processes everything.  The output folder
    is locked for the whole build and switched to the new files in one step at the end
    (:mod:`unld.publishing.output`).
    """
    timings: dict[str, float] = {}
    clock = dumps._Clock(timings)
    policy = IriPolicy(base)
    paths = [str(p) for p in expand(sources)]
    if not paths:
        raise InputError(
            ", ".join(sources), "no resolution texts found (expected .txt, .md, .html or .pdf files)"
        )
    for p in paths:
        if not Path(p).exists():
            raise InputError(p, "no such file")
    if total:
        total(len(paths))
    store = BuildCache(out, base, enabled=use_cache)
    keys, cached = _keys_and_cached(paths, store)
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
    from unld.validation.validator import Validator

    shared = Outcome("(shared graphs)", problems=Validator(policy, engine).validate_shared())
    clock.tick("shared graphs")
    good = [
        o
        for o in outcomes
        if not o.error and not o.duplicate_of and not any(p.severity == "Violation" for p in o.problems)
    ]
    shared_data = shared_graphs(policy)
    union = _union(policy, engine, store, [(o, keys[o.path]) for o in good])
    clock.tick("union validation")
    graphs: list[tuple[str, Callable[[], list[bytes]]]] = [
        (o.graph or "", partial(_graph_lines, store, keys[o.path], union.removed.get(o.graph or "", set())))
        for o in good
    ]
    graphs += [(g, partial(dumps._same, dumps.ntriples_lines(t))) for g, t in shared_data]
    graphs.sort(key=lambda g: g[0])
    void_graph = f"{policy.base}graph/void"
    context_doc = json.loads((mappings_dir() / "context.jsonld").read_text(encoding="utf-8"))
    for o in good:
        o.problems = union.replace_in(o.problems)
    shared.problems = [*shared.problems, *union.problems]
    problems = [p for o in [*outcomes, shared] for p in o.problems]
    # each graph's content key: a graph whose key the previous build's index holds is
    # copied from the previous dumps, not written again (unld.build.splice)
    graph_keys = {
        o.graph or "": splice.graph_key(
            store.digests.get(keys[o.path], ""), union.removed.get(o.graph or "", set())
        )
        for o in good
        if store.digests.get(keys[o.path])
    }
    graph_keys.update({g: splice.lines_key(dumps.ntriples_lines(t)) for g, t in shared_data})
    previous = output.live_generation(out)
    state = splice.load(store, base, previous) if use_cache else None
    with output.Generation(out) as stage:
        clock.tick("dump preparation")

        def description(st: dumps.Stats) -> list[ox.Triple]:
            return describe(policy, st, [g for g, _ in graphs])

        stats = None
        if state is not None and previous is not None:
            stats = splice.update(
                stage, previous, state, graphs, graph_keys, description, void_graph, context_doc, timings
            )
        spliced = stats is not None
        if stats is None:
            stats = dumps.write_dataset(
                stage,
                graphs,
                description,
                void_graph,
                context_doc,
                timings,
                jobs or os.cpu_count() or 1,
                keys=graph_keys,
            )
        clock.last = time.perf_counter()
        _write_other_files(stage, policy, [t for _, ts in shared_data for t in ts], problems, jobs)
        clock.tick("other files")
        if docs:
            stage.write_bytes(
                "ontology.html", ontology_docs(store.dir, stage.dir / "ontology.ttl", store.warnings)
            )
            clock.tick("ontology.html")
        names = list(stage.files)
        # each file hashed once: SHA256SUMS and the manifest share the digests
        others = [name for name in names if name not in stage.digests]
        stage.digests.update(dumps.file_digests(stage.dir, others, jobs or os.cpu_count() or 1))
        stage.write_bytes("SHA256SUMS", dumps.sha256sums(stage.dir, names, stage.digests))
        clock.tick("checksums")
        if site:
            from unld.publishing.site import generate

            # after the checksums: the site is a folder, and copies the dumps as downloads
            site_report = generate(
                stage.dir / "unld.nq",
                stage.path("site"),
                policy.base,
                stage.dir,
                jobs=jobs or os.cpu_count() or 1,
                previous=(live / "site" if (live := output.live_generation(out)) else None),
                hashing=True,
            )
            stage.stamped.update(site_report.stamped)
            clock.tick("site")
        stage.commit()
    splice.save(store, base, stage.dir, stats)
    store.prune()
    clock.tick("commit")
    written = [*names, "SHA256SUMS", *(["site"] if site else []), output.MANIFEST]
    # one number everywhere: the triples of unld.nt, as void:triples states it
    return BuildResult(
        outcomes,
        written,
        stats.total,
        len(graphs) + 1,
        shared.problems,
        timings,
        store.warnings,
        spliced,
        {"hashed": stage.hashed, "reused": stage.reused},
        {"read": store.stamps.read, "trusted": store.stamps.trusted},
    )


def _keys_and_cached(paths: list[str], store: BuildCache) -> tuple[dict[str, str], dict[str, Outcome]]:
    """Each readable source's cache key, and the outcomes known without processing: those of
    the sources the cache holds, and those of the sources that cannot be read."""
    keys: dict[str, str] = {}
    cached: dict[str, Outcome] = {}
    for p in paths:
        try:
            keys[p] = store.source_key(p, read_bytes)
        except InputError as exc:  # a pipe, a device, a file over the size limit
            cached[p] = Outcome(p, error=str(exc), error_message=exc.message, error_line=exc.line)
    for p in keys:
        entry = store.get(keys[p], p)
        if entry is not None:
            try:
                cached[p] = Outcome.from_entry(p, entry)
            except (TypeError, KeyError, ValueError, AttributeError):
                store.used.discard(keys[p])
                store.warnings.append(f"{p}: the cached result was corrupt (its fields); processed again")
    return keys, cached


def _write_other_files(
    stage: output.Generation,
    policy: IriPolicy,
    ontology: list[ox.Triple],
    problems: list[Problem],
    jobs: int | None,
) -> None:
    """Beside the dumps: void.ttl with the dumps' sizes and checksums, the context, the
    ontology and shapes, and the validation report."""
    # void.ttl adds what the dumps cannot state of themselves: their sizes and checksums
    described = ox.parse((stage.dir / "void.ttl").read_bytes(), format=ox.RdfFormat.TURTLE)
    # each dump hashed once, here: void.ttl, SHA256SUMS and the manifest take the digests
    dump_names = [name for name in DUMPS if (stage.dir / name).exists()]
    stage.digests = dumps.file_digests(stage.dir, dump_names, jobs or os.cpu_count() or 1)
    facts = file_facts(policy, stage.dir, stage.digests)
    stage.write_bytes("void.ttl", dumps.turtle_bytes([*described, *facts]))
    stage.write_bytes("context.jsonld", (mappings_dir() / "context.jsonld").read_bytes())
    stage.write_bytes("ontology.ttl", dumps.turtle_bytes(ontology))
    stage.write_bytes("shapes.ttl", shapes_path().read_bytes())
    stage.write_bytes("validation.ttl", dumps.turtle_bytes(report_graph(problems)))


def _graph_lines(
    store: BuildCache, key: str, removed: set[bytes] | frozenset[bytes] = frozenset()
) -> list[bytes]:
    out = lines.split_lines(store.graph(key))
    return [ln for ln in out if ln not in removed] if removed else out


#: an IRI subject after a line end (a literal first character lets the search skip ahead)
_IRI_SUBJECT = re.compile(rb"\n(<[^ \n]*)")


def _lines_of(subjects: Iterable[bytes], graph: list[bytes], predicate: bytes = b"") -> list[bytes]:
    """The lines of ``graph`` (sorted N-Triples lines) whose subject is one of ``subjects``
    (and whose predicate is ``predicate``, when given), in their order: a subject's lines
    are found by bisection, without a step per line of the graph."""
    out: list[bytes] = []
    for s in sorted(subjects):
        prefix = s + b" " + (predicate + b" " if predicate else b"")
        i = bisect.bisect_left(graph, prefix)
        while i < len(graph) and graph[i].startswith(prefix):
            out.append(graph[i])
            i += 1
    return out


Kept = list[tuple[Outcome, str, list[bytes]]]


def shared_lines(policy: IriPolicy, store: BuildCache, good: list[tuple[Outcome, str]]) -> Kept:
    """Each graph's lines about the nodes several graphs describe, and the types of what
    those lines point at: (outcome, cache key, lines) for each graph that has some.

    The subjects are found with a regular expression over each graph's text, their lines
    by bisection over its sorted lines: no Python step per line of the graph;
    :func:`shared_lines_by_line` is the reference it is tested against.
    """
    seen: dict[bytes, int] = {}
    foreign: list[set[bytes]] = []
    for o, key in good:
        own = b"<" + (policy.document(o.symbol or "") + "#").encode("utf-8")
        subjects = {s for s in set(_IRI_SUBJECT.findall(b"\n" + store.graph(key))) if not s.startswith(own)}
        foreign.append(subjects)
        for subject in subjects:
            seen[subject] = seen.get(subject, 0) + 1
    shared = {s for s, n in seen.items() if n > 1}
    del seen
    out: Kept = []
    for (o, key), subjects in zip(good, foreign, strict=True):
        mine = subjects & shared
        if mine:
            out.append((o, key, _kept_lines(store, key, mine, shared)[0]))
    return out


def union_kept(store: BuildCache, good: list[tuple[Outcome, str]], found: UnionInputs) -> Kept:
    """:func:`shared_lines` from what :func:`union_digest` found: the lines it read to make
    the digest, the others read now (without reading every graph twice more)."""
    kept = [
        (o, key, found.kept.get(key) or _kept_lines(store, key, found.mine[key], found.shared)[0])
        for o, key in good
        if key in found.mine
    ]
    found.kept.clear()
    return kept


def _kept_lines(
    store: BuildCache, key: str, mine: set[bytes], shared: set[bytes]
) -> tuple[list[bytes], set[bytes]]:
    """A graph's lines about its shared subjects ``mine`` and the types of what they point
    at that is not shared itself (whose own lines are kept), and every IRI they point at."""
    graph = store.graph(key).split(b"\n")
    if graph and not graph[-1]:
        graph.pop()
    kept = _lines_of(mine, graph)
    objects = (lines.parts(line)[2] for line in kept)
    every = {t for t in objects if t.startswith(b"<") and not t.startswith(b"<<")}
    targets = every - shared
    return kept + (_lines_of(targets, graph, _TYPE_IRI) if targets else []), every


_TYPE_IRI = f"<{RDF_TYPE}>".encode()


def shared_lines_by_line(policy: IriPolicy, store: BuildCache, good: list[tuple[Outcome, str]]) -> Kept:
    """:func:`shared_lines`, a Python step per line (the reference)."""
    seen: dict[str, int] = {}
    for o, key in good:
        own = policy.document(o.symbol or "") + "#"
        subjects = {
            line.split(b" ", 1)[0]
            for line in lines.split_lines(store.graph(key))
            if not line.startswith(b"_:")
        }
        for subject in subjects:
            text = subject.decode("utf-8")
            if not text.startswith("<" + own):
                seen[text] = seen.get(text, 0) + 1
    shared = {s.encode("utf-8") for s, n in seen.items() if n > 1}
    type_iri = f"<{RDF_TYPE}>".encode()
    out: Kept = []
    for o, key in good:
        kept: list[bytes] = []
        typed: dict[bytes, list[bytes]] = {}
        for line in lines.split_lines(store.graph(key)):
            subject, rest = line.split(b" ", 1)
            if subject in shared:
                kept.append(line)
            elif rest.startswith(type_iri):
                typed.setdefault(subject, []).append(line)
        if not kept:
            continue
        targets = {t for t in (lines.parts(line)[2] for line in kept) if t.startswith(b"<")}
        extra = sorted(ln for target in targets & typed.keys() for ln in typed[target])
        out.append((o, key, kept + extra))
    return out


def _union(
    policy: IriPolicy,
    engine: str,
    store: BuildCache,
    good: list[tuple[Outcome, str]],
) -> UnionResult:
    """Validate what the graphs say together about the nodes they share, and settle
    conflicts between them (:func:`~unld.validation.validator.settle_union`).

    Two passes over the cached graphs keep memory low: the first finds the subjects that
    several graphs describe (a graph's own hash parts, its paragraphs and footnotes, are
    never shared), the second keeps only their triples and the types of what they point
    at (which the shapes look at), without a Python step per line (:func:`shared_lines`).

    The result is kept in the build cache under the digest of everything it is made from
    (each graph's kept lines, its name and the path of its source), with the lines its
    conflict reports name: a rebuild in which no shared node changed (a paragraph edited,
    say) takes it from there instead of validating the union again, once the reports'
    lines in the sources that changed are found where they were.
    """
    from unld.validation.validator import Validator, settle_union

    found = UnionInputs()
    digest = union_digest(policy, engine, store, good, found=found)
    keys = {o.path: key for o, key in good}
    cited = {o.path: o.cited for o, _ in good}
    cached = store.dir / f"union-{digest[:32]}.state"
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError, AttributeError):
        data = json.loads(cached.read_bytes())
        if _located_alike(data, keys, cited):
            return _union_from(data)
    graphs, sources = _parsed_once(union_kept(store, good, found))
    calls: list[list[Any]] = []

    def locate(path: str, focus: str, prop: str, value: str) -> int | None:
        line = source_line(path, focus, prop, value, cited.get(path))
        calls.append([path, focus, prop, value, line])
        return line

    result = settle_union(Validator(policy, engine), graphs, sources, locate=locate)
    store.dir.mkdir(parents=True, exist_ok=True)
    for old in store.dir.glob("union-*.state"):
        old.unlink()
    located = {path: keys.get(path, "") for path in sorted({c[0] for c in calls})}
    data = {**_union_to(result), "located": located, "calls": calls}
    write_atomic(cached, json.dumps(data, ensure_ascii=False).encode("utf-8"))
    return result


def _parsed_once(kept_lines: Kept) -> tuple[list[tuple[str, list[ox.Triple]]], dict[str, str]]:
    """Each graph's kept lines as triples, and its source, a line held by several graphs
    parsed once and shared: about half the union's lines are held by more than one graph
    (a cited resolution's type and date), and the triples of 20,000 resolutions' union
    are gigabytes in Python objects."""
    parsed: dict[bytes, ox.Triple] = {}
    graphs: list[tuple[str, list[ox.Triple]]] = []
    sources: dict[str, str] = {}
    for o, _key, kept in kept_lines:
        new = [line for line in kept if line not in parsed]
        # canonical N-Triples: one triple per line, in the order of the lines
        parsed.update(zip(new, ox.parse(b"\n".join(new), format=ox.RdfFormat.N_TRIPLES), strict=True))
        graphs.append((o.graph or "", [parsed[line] for line in kept]))
        sources[o.graph or ""] = o.path
    return graphs, sources


SHARED_STATE = "shared.state"


@dataclass
class UnionInputs:
    """What :func:`union_digest` learns on the way: the subjects several graphs describe,
    each graph's share of them (by cache key), and the kept lines it read."""

    shared: set[bytes] = field(default_factory=set)
    mine: dict[str, set[bytes]] = field(default_factory=dict)
    kept: dict[str, list[bytes]] = field(default_factory=dict)


def union_digest(
    policy: IriPolicy,
    engine: str,
    store: BuildCache,
    good: list[tuple[Outcome, str]],
    remember: bool = True,
    found: UnionInputs | None = None,
) -> str:
    """The digest of what the union's validation is made from: each graph's name, source
    path and the SHA-256 of its lines about shared nodes (:func:`shared_lines`).

    A graph's subjects and the digest of its kept lines (with the shared subjects they
    were kept for) are remembered in the build cache by the graph's key, so that a rebuild
    reads only the graphs that changed and those whose share of the shared subjects did:
    :func:`shared_lines` would read every graph twice.  ``remember=False`` neither reads
    nor writes what is remembered (the reference the tests compare with).  ``found``
    receives the shared subjects, each graph's share of them and the kept lines it read,
    which the validation of the union starts from.
    """
    path = store.dir / SHARED_STATE
    known: dict[str, Any] = {"subjects": {}, "kept": {}}
    if remember:
        with contextlib.suppress(OSError, ValueError):
            loaded = json.loads(path.read_bytes())
            if isinstance(loaded.get("subjects"), dict) and isinstance(loaded.get("kept"), dict):
                known = loaded
    seen: dict[bytes, int] = {}
    foreign: list[set[bytes]] = []
    subjects_of: dict[str, list[str]] = {}
    for o, key in good:
        remembered = known["subjects"].get(key)
        if isinstance(remembered, list) and all(isinstance(s, str) for s in remembered):
            subjects = {s.encode("utf-8", "surrogateescape") for s in remembered}
        else:
            own = b"<" + (policy.document(o.symbol or "") + "#").encode("utf-8")
            subjects = {
                s for s in set(_IRI_SUBJECT.findall(b"\n" + store.graph(key))) if not s.startswith(own)
            }
        subjects_of[key] = sorted(s.decode("utf-8", "surrogateescape") for s in subjects)
        foreign.append(subjects)
        for subject in subjects:
            seen[subject] = seen.get(subject, 0) + 1
    shared = {s for s, n in seen.items() if n > 1}
    del seen
    if found is not None:
        found.shared = shared
    digest = hashlib.sha256(f"union\0{engine}\0".encode())
    kept_of: dict[str, list[Any]] = {}
    for (o, key), subjects in zip(good, foreign, strict=True):
        mine = subjects & shared
        if not mine:
            continue
        if found is not None:
            found.mine[key] = mine
        names = sorted(s.decode("utf-8", "surrogateescape") for s in mine)
        remembered = known["kept"].get(key)
        # the kept lines hold the types of what they point at unless those are shared
        # (then their own lines are kept): a remembered digest holds while the graph's
        # shared subjects and which of its targets are shared are as they were
        hit = (
            isinstance(remembered, list)
            and len(remembered) == 4
            and remembered[0] == names
            and isinstance(remembered[1], list)
            and all(isinstance(t, str) for t in remembered[1])
            and _shared_targets(remembered[1], shared) == remembered[2]
        )
        if hit:
            targets_all, kept_digest = remembered[1], str(remembered[3])
        else:
            kept, every = _kept_lines(store, key, mine, shared)
            kept_digest = hashlib.sha256(b"\n".join(kept)).hexdigest()
            targets_all = sorted(t.decode("utf-8", "surrogateescape") for t in every)
            if found is not None:
                found.kept[key] = kept
        kept_of[key] = [names, targets_all, _shared_targets(targets_all, shared), kept_digest]
        digest.update(f"{o.graph}\0{o.path}\0{kept_digest}\0".encode())
    if remember:
        store.dir.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps({"subjects": subjects_of, "kept": kept_of}).encode("utf-8"))
    return digest.hexdigest()


def _shared_targets(targets: list[str], shared: set[bytes]) -> list[str]:
    return [t for t in targets if t.encode("utf-8", "surrogateescape") in shared]


def _located_alike(
    data: dict[str, Any], keys: dict[str, str], cited: dict[str, list[list[Any]] | None]
) -> bool:
    """Whether the conflict reports of a kept union result still name the right lines: the
    sources they name are the same bytes, or give the same answers when asked again (an
    edited paragraph elsewhere in the file moves no line)."""
    changed = {path for path, key in data["located"].items() if keys.get(path) != key}
    return all(
        source_line(path, focus, prop, value, cited.get(path)) == line
        for path, focus, prop, value, line in data["calls"]
        if path in changed
    )


def _union_to(result: UnionResult) -> dict[str, Any]:
    return {
        "problems": [asdict(p) for p in result.problems],
        "removed": {
            g: sorted(ln.decode("utf-8", "surrogateescape") for ln in ls) for g, ls in result.removed.items()
        },
        "shared": sorted(result.shared),
    }


def _union_from(data: dict[str, Any]) -> UnionResult:
    return UnionResult(
        [Problem(**p) for p in data["problems"]],
        {g: {ln.encode("utf-8", "surrogateescape") for ln in ls} for g, ls in data["removed"].items()},
        set(data["shared"]),
    )


def ontology_docs(cache_dir: Path, ontology_ttl: Path, warnings: list[str] | None = None) -> bytes:
    """The ontology's HTML documentation, taken from the build cache when the ontology has
    not changed (writing it costs seconds, the same every build).

    The cached copy is written atomically beside its SHA-256, and used only when it
    matches (a truncated copy is written again, with a warning in ``warnings``).
    """
    import hashlib

    from unld.publishing.ontodoc import ontology_html

    digest = hashlib.sha256(ontology_ttl.read_bytes()).hexdigest()[:20]
    cached = cache_dir / f"ontology-{digest}.html"
    check = cache_dir / f"ontology-{digest}.sha256"
    if cached.exists():
        data = cached.read_bytes()
        try:
            expected = check.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            expected = ""
        if hashlib.sha256(data).hexdigest() == expected:
            return data
        if warnings is not None:
            warnings.append(f"{cached}: the cached ontology documentation was corrupt; written again")
    html = ontology_html(ontology_ttl) or b""
    cached.parent.mkdir(parents=True, exist_ok=True)
    for old in [*cached.parent.glob("ontology-*.html"), *cached.parent.glob("ontology-*.sha256")]:
        old.unlink()
    write_atomic(cached, html)
    write_atomic(check, hashlib.sha256(html).hexdigest().encode() + b"\n")
    return html


@contextlib.contextmanager
def open_dataset(
    from_dir: Path | None = None,
    sources: Sequence[str] = (),
    base: str | None = None,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
    total: Callable[[int], None] | None = None,
) -> Iterator[tuple[SpooledGraphs, BuildResult | None]]:
    """The dataset to publish: ``from_dir``'s ``unld.nq``, or SOURCES built in a temporary
    folder (the build result is yielded too, for its skipped sources and violations).

    The spooled files are removed on leaving the ``with`` block.
    """
    if sources and from_dir is not None:
        raise UsageError("give SOURCES or --from DIR, not both")
    with tempfile.TemporaryDirectory(prefix="unld-publish-") as tmp:
        result = None
        if sources:
            out = Path(tmp) / "build"
            result = build(
                list(sources), out, base or DEFAULT_BASE, jobs, progress=progress, docs=False, total=total
            )
            dump = out / "unld.nq"
        else:
            folder = from_dir if from_dir is not None else Path("build")
            if not folder.is_dir():
                raise UsageError(
                    f"{folder} is not a folder: run 'unld build --out {folder}' first, or give SOURCES"
                )
            dump = folder / "unld.nq"
        yield SpooledGraphs.from_nquads(dump, Path(tmp) / "graphs"), result
