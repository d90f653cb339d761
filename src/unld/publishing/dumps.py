"""Writing the dumps: deterministic bytes, written atomically.

Every dump is written to a temporary file in the output folder and renamed into place only
when the whole build has succeeded (:class:`Staging`), so that a failed or interrupted
build leaves the previous dumps as they were.  Quads and triples are sorted before they are
serialised, so that the same input gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from unld.core.namespaces import DCT, ELI, OWL, PREFIXES, RDFS, UNLD, VOID, WD
from unld.core.namespaces import RDF_TYPE as RDF_TYPE_IRI
from unld.publishing import ntlines as lines


class Staging:
    """A folder of files being written; :meth:`commit` moves them into the output folder.

    Files are renamed one by one (each rename is atomic); the staging folder lives inside
    the output folder so that renames never cross file systems.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        out.mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix=".unld-staging-", dir=out))
        self.files: list[str] = []

    def path(self, name: str) -> Path:
        p = self.dir / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if name not in self.files:
            self.files.append(name)
        return p

    def write_bytes(self, name: str, data: bytes) -> None:
        self.path(name).write_bytes(data)

    def commit(self) -> None:
        for name in self.files:
            target = self.out / name
            source = self.dir / name
            if source.is_dir():
                old = None
                if target.exists():
                    old = self.out / f".{name}.old"
                    if old.exists():
                        shutil.rmtree(old)
                    os.replace(target, old)
                os.replace(source, target)
                if old is not None and old.is_symlink():
                    old.unlink()  # a build's link into its current generation
                elif old is not None:
                    shutil.rmtree(old)
            else:
                os.replace(source, target)
        self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc_type is not None:
            self.discard()


@dataclass
class Stats:
    """What the union of the graphs holds: counted while it is written, for VoID.

    The union is written in sorted order, so a subject's lines are together: distinct
    subjects are counted as the subject changes, without remembering them all.
    """

    triples: int = 0
    subjects: int = 0
    entities: int = 0
    #: typed subjects by class, counting only what the dataset publishes: a document that
    #: is only cited (typed by what cites it, without void:inDataset) is not counted
    classes: Counter[bytes] = field(default_factory=Counter)
    last_subject: bytes = b""
    #: triples of the union with the dataset description itself: the lines of unld.nt
    total: int = 0
    #: outbound links by (predicate, object namespace): the VoID linksets
    links: Counter[tuple[bytes, bytes]] = field(default_factory=Counter)
    #: the adoption dates of the published resolutions: the temporal coverage
    first_adopted: str | None = None
    last_adopted: str | None = None
    #: the latest distribution date (dcterms:issued) of a published resolution
    last_issued: str | None = None
    _types: list[bytes] = field(default_factory=list)
    _published: bool = False
    _adopted: str | None = None

    def add(self, line: bytes) -> None:
        self.triples += 1
        s, p, o = lines.parts(line)
        if s != self.last_subject:
            self._close()
            self.subjects += 1
            self.entities += s.startswith(b"<")
            self.last_subject = s
        if p == RDF_TYPE:
            self._types.append(o)
        elif p == IN_DATASET:
            self._published = True
        elif p == ADOPTED_ON:
            self._adopted = _date(o)
        elif p == ISSUED:
            day = _date(o)
            if day and (self.last_issued is None or day > self.last_issued):
                self.last_issued = day
        else:
            for pred, space in LINKSETS:
                if p == pred and o.startswith(space):
                    self.links[(pred, space)] += 1

    def _close(self) -> None:
        """Count the subject just left: its classes, and its adoption date if published."""
        cited_only = not self._published and any(t in DOCUMENT_CLASSES for t in self._types)
        if not cited_only:
            self.classes.update(self._types)
        if self._published and self._adopted:
            if self.first_adopted is None or self._adopted < self.first_adopted:
                self.first_adopted = self._adopted
            if self.last_adopted is None or self._adopted > self.last_adopted:
                self.last_adopted = self._adopted
        self._types, self._published, self._adopted = [], False, None

    def finish(self) -> None:
        self._close()


def _date(term: bytes) -> str | None:
    text = term.decode("utf-8")
    return text[1:11] if text.startswith('"') and len(text) > 11 else None


RDF_TYPE = b"<" + RDF_TYPE_IRI.encode() + b">"
IN_DATASET = b"<" + VOID.encode() + b"inDataset>"
ADOPTED_ON = b"<" + UNLD.encode() + b"adoptedOn>"
ISSUED = b"<" + DCT.encode() + b"issued>"
#: classes of documents: a subject of one of them without void:inDataset is only cited
DOCUMENT_CLASSES = frozenset(
    b"<" + c.encode() + b">"
    for c in (
        UNLD + "Resolution",
        UNLD + "Decision",
        UNLD + "Document",
        UNLD + "CommitteeReport",
        UNLD + "DraftResolution",
        ELI + "LegalResource",
    )
)
#: the outbound links a VoID linkset describes: (predicate, object namespace)
LINKSETS = (
    (b"<" + OWL.encode() + b"sameAs>", b"<" + WD.encode()),
    (b"<" + RDFS.encode() + b"seeAlso>", b"<https://undocs.org/"),
)
#: Graphs merged in memory at once when the union is formed (each batch makes one sorted run)
BATCH = 256


def ntriples_lines(triples: Iterable[ox.Triple]) -> list[bytes]:
    """Sorted, distinct N-Triples lines of ``triples``."""
    return lines.sorted_lines(_bytes(ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)))


def _bytes(data: bytes | None) -> bytes:
    """What the serializer returns when it is given no file to write to."""
    assert data is not None
    return data


Graph = tuple[str, Callable[[], list[bytes]]]


def write_dataset(
    stage: Staging,
    graphs: list[Graph],
    void: Callable[[Stats], list[ox.Triple]],
    void_graph: str,
    context_doc: dict,
    timings: dict[str, float] | None = None,
    jobs: int = 1,
) -> Stats:
    """Write unld.nq, .trig, .nt, .ttl and .jsonld from sorted lines, graph by graph.

    ``graphs`` are (name, loader) pairs, sorted by name; a loader returns the graph's sorted
    N-Triples lines, so that only a batch of graphs is in memory at once.  The union is an
    external merge: each batch of graphs becomes one sorted run on disk, then the runs are
    merged.  ``void`` makes the dataset description from the statistics of the union (it
    describes the data, not itself) and is added as graph ``void_graph``.  ``timings``
    receives the seconds spent on each file; with ``jobs`` > 1 the writers run in parallel.
    """
    clock = _Clock(timings)
    runs: list[Path] = []
    for i in range(0, len(graphs), BATCH):
        run = stage.dir / f".run-{len(runs)}.nt"
        with open(run, "wb") as fh:
            for line in lines.merge(load() for _, load in graphs[i : i + BATCH]):
                fh.write(line + b"\n")
        runs.append(run)
    stats = Stats()
    union_tmp = stage.dir / ".union.nt"
    with open(union_tmp, "wb") as fh:
        for line in lines.merge(_read_lines(r) for r in runs):
            stats.add(line)
            fh.write(line + b"\n")
    stats.finish()
    for r in runs:
        r.unlink()
    # void:triples counts the union as published, the description included (the lines of
    # unld.nt): the description's size does not depend on the number it states
    stats.total = stats.triples + len(ntriples_lines(void(stats)))
    void_lines = ntriples_lines(void(stats))
    stats.total = stats.triples + len(void_lines)
    everything: list[Graph] = sorted([*graphs, (void_graph, partial(_same, void_lines))], key=lambda g: g[0])
    clock.tick("union")
    # the three writers read only files and the graph loaders: they run side by side
    tasks: list[tuple[Callable[..., dict[str, float]], tuple[Any, ...]]] = [
        (_write_graphs, (stage.path("unld.nq"), stage.path("unld.trig"), everything)),
        (_write_union, (stage.path("unld.nt"), stage.path("unld.ttl"), union_tmp, void_lines)),
        (
            _write_jsonld,
            (stage.path("unld.jsonld"), union_tmp, void_lines, context_doc["@context"]),
        ),
    ]
    if jobs > 1:
        from unld.publishing.output import die_with_parent  # a killed build leaves no writer running

        with ProcessPoolExecutor(
            max_workers=min(jobs, len(tasks)), initializer=die_with_parent, initargs=(os.getpid(),)
        ) as pool:
            futures: list[Future[dict[str, float]]] = [pool.submit(fn, *args) for fn, args in tasks]
            spent = [f.result() for f in futures]
    else:
        spent = [fn(*args) for fn, args in tasks]
    for seconds in spent:
        for name, value in seconds.items():
            clock.timings[name] = clock.timings.get(name, 0.0) + value
    clock.tick("writers (side by side)")
    union_tmp.unlink()
    stage.write_bytes("void.ttl", _turtle(lines.Turtle(PREFIXES), void_lines))
    return stats


def _same(value: list[bytes]) -> list[bytes]:
    return value


def _write_graphs(nq_path: Path, trig_path: Path, graphs: list[Graph]) -> dict[str, float]:
    """unld.nq and unld.trig, graph by graph (each graph loaded once)."""
    start = time.perf_counter()
    turtle = lines.Turtle(PREFIXES)
    with open(nq_path, "wb") as nq, open(trig_path, "wb") as trig:
        trig.write(turtle.header())
        for name, load in graphs:
            graph = load()
            lines.write_nquads(nq, [(name, graph)])
            turtle.write_graph(trig, name, graph)
    return {"unld.nq and unld.trig": time.perf_counter() - start}


def _union(union_tmp: Path, void_lines: list[bytes]) -> Iterator[bytes]:
    yield from lines.merge([_read_lines(union_tmp), void_lines])


def _write_union(nt_path: Path, ttl_path: Path, union_tmp: Path, void_lines: list[bytes]) -> dict[str, float]:
    """unld.nt and unld.ttl: the union of all graphs, sorted."""
    start = time.perf_counter()
    with open(nt_path, "wb") as fh:
        for line in _union(union_tmp, void_lines):
            fh.write(line + b"\n")
    middle = time.perf_counter()
    with open(ttl_path, "wb") as fh:
        lines.Turtle(PREFIXES).write(fh, _union(union_tmp, void_lines))
    return {"unld.nt": middle - start, "unld.ttl": time.perf_counter() - middle}


def _write_jsonld(path: Path, union_tmp: Path, void_lines: list[bytes], context: dict) -> dict[str, float]:
    """unld.jsonld: the union, compacted with the published context, which is embedded: a
    dump is downloaded and read on its own, often with no network, and a processor's default
    document loader would otherwise have to fetch the context from the web."""
    from unld.publishing import jsonld as writer

    start = time.perf_counter()
    with open(path, "wb") as fh:
        writer.stream(fh, _parse_lines(_union(union_tmp, void_lines)), context, context)
    return {"unld.jsonld": time.perf_counter() - start}


def _parse_lines(data: Iterator[bytes], batch: int = 50_000) -> Iterator[ox.Triple]:
    """Triples of N-Triples lines (without line ends), parsed a batch of lines at a time."""
    chunk: list[bytes] = []
    for line in data:
        chunk.append(line)
        if len(chunk) >= batch:
            yield from ox.parse(b"\n".join(chunk), format=ox.RdfFormat.N_TRIPLES)
            chunk = []
    if chunk:
        yield from ox.parse(b"\n".join(chunk), format=ox.RdfFormat.N_TRIPLES)


def _read_lines(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        for line in fh:
            yield line.rstrip(b"\n")


class _Clock:
    """Adds the seconds since the last tick to a named entry of ``timings``."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings if timings is not None else {}
        self.last = time.perf_counter()

    def tick(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - self.last
        self.last = now


def _turtle(turtle: lines.Turtle, sorted_lines: list[bytes]) -> bytes:
    buf = io.BytesIO()
    turtle.write(buf, sorted_lines)
    return buf.getvalue()


def turtle_bytes(triples: Iterable[ox.Triple]) -> bytes:
    """A small graph as Turtle with the project's prefixes (sorted, deterministic)."""
    return _turtle(lines.Turtle(PREFIXES), ntriples_lines(triples))


def serialize(items: list, fmt: ox.RdfFormat) -> bytes:
    """A small graph or dataset in ``fmt``, in the order given, with the project's prefixes."""
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    return _bytes(ox.serialize(items, format=fmt, prefixes=prefixes))


def jsonld(triples: Iterable[ox.Triple], context_doc: dict, context_ref: str | dict) -> bytes:
    """Compact JSON-LD of ``triples`` with the published context, referred to by URL or
    embedded (``context_ref``, see :func:`unld.publishing.jsonld.context_head`)."""
    from unld.publishing import jsonld as writer

    return writer.write(triples, context_doc["@context"], context_ref)


def sha256sums(folder: Path, names: list[str]) -> bytes:
    lines = []
    for name in sorted(names):
        digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        lines.append(f"{digest}  {name}\n")
    return "".join(lines).encode()
