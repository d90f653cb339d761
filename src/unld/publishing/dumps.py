"""Writing the dumps: deterministic bytes, written atomically.

Every dump is written to a temporary file in the output folder and renamed into place only
when the whole build has succeeded (:class:`Staging`), so that a failed or interrupted
build leaves the previous dumps as they were.  Quads and triples are sorted before they are
serialised, so that the same input gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
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
from unld.publishing.jsonld import Compactor, context_head


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
    subjects are counted as the subject changes, without remembering them all.  Every
    figure is a sum over subjects (the dates are kept as counts per day, not as a minimum
    and a maximum), so that an incremental build can take out the old contribution of the
    subjects that changed and add their new one (:meth:`combine`).
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
    #: the adoption days of the published resolutions (the temporal coverage), by count
    adopted: Counter[str] = field(default_factory=Counter)
    #: the distribution days (dcterms:issued), by count
    issued: Counter[str] = field(default_factory=Counter)
    #: where each graph and each chunk of the union lies in the dumps (filled by
    #: :func:`write_dataset`): what the next build splices its dumps from
    index: dict[str, Any] = field(default_factory=dict)
    _types: list[bytes] = field(default_factory=list)
    _published: bool = False
    _adopted: str | None = None

    @property
    def first_adopted(self) -> str | None:
        return min(self.adopted) if self.adopted else None

    @property
    def last_adopted(self) -> str | None:
        return max(self.adopted) if self.adopted else None

    @property
    def last_issued(self) -> str | None:
        """The latest distribution date of a published resolution."""
        return max(self.issued) if self.issued else None

    def add(self, line: bytes) -> None:
        self.add_all((line,))

    def add_all(self, batch: Iterable[bytes]) -> None:
        """:meth:`add` of each line of ``batch``, in one loop that looks at the object only
        for the few predicates it counts: the union has about ten million lines at 20,000
        resolutions, and a call per line cost as much as merging them
        (``tests/test_dump_lines.py`` compares the two)."""
        counted = _COUNTED_PREDICATES
        triples = 0
        for line in batch:
            triples += 1
            s, p, _rest = line.split(b" ", 2)
            if s != self.last_subject:
                self._close()
                self.subjects += 1
                self.entities += s.startswith(b"<")
                self.last_subject = s
            if p in counted:
                self._count(p, lines.parts(line)[2])
        self.triples += triples

    def _count(self, p: bytes, o: bytes) -> None:
        if p == RDF_TYPE:
            self._types.append(o)
        elif p == IN_DATASET:
            self._published = True
        elif p == ADOPTED_ON:
            self._adopted = _date(o)
        elif p == ISSUED:
            day = _date(o)
            if day:
                self.issued[day] += 1
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
            self.adopted[self._adopted] += 1
        self._types, self._published, self._adopted = [], False, None

    def finish(self) -> None:
        self._close()

    def combine(self, other: Stats, sign: int) -> None:
        """Add (``sign`` 1) or take out (``sign`` -1) the figures of ``other``, finished."""
        self.triples += sign * other.triples
        self.subjects += sign * other.subjects
        self.entities += sign * other.entities
        for mine, theirs in (
            (self.classes, other.classes),
            (self.links, other.links),
            (self.adopted, other.adopted),
            (self.issued, other.issued),
        ):
            for key, n in theirs.items():
                mine[key] += sign * n  # type: ignore[index]
                if not mine[key]:  # type: ignore[index]
                    del mine[key]

    def to_json(self) -> dict[str, Any]:
        return {
            "triples": self.triples,
            "subjects": self.subjects,
            "entities": self.entities,
            "classes": sorted((k.decode(), n) for k, n in self.classes.items()),
            "links": sorted((p.decode(), s.decode(), n) for (p, s), n in self.links.items()),
            "adopted": sorted(self.adopted.items()),
            "issued": sorted(self.issued.items()),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Stats:
        return cls(
            triples=int(data["triples"]),
            subjects=int(data["subjects"]),
            entities=int(data["entities"]),
            classes=Counter({k.encode(): int(n) for k, n in data["classes"]}),
            links=Counter({(p.encode(), s.encode()): int(n) for p, s, n in data["links"]}),
            adopted=Counter({str(k): int(n) for k, n in data["adopted"]}),
            issued=Counter({str(k): int(n) for k, n in data["issued"]}),
        )


def subject_stats(subject_lines: Iterable[bytes]) -> Stats:
    """The figures one subject's lines add to :class:`Stats`."""
    st = Stats()
    for line in subject_lines:
        st.add(line)
    st.finish()
    return st


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
#: the predicates :class:`Stats` looks at the object of
_COUNTED_PREDICATES = frozenset([RDF_TYPE, IN_DATASET, ADOPTED_ON, ISSUED, *(pred for pred, _ in LINKSETS)])
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
    keys: dict[str, str] | None = None,
) -> Stats:
    """Write unld.nq, .trig, .nt, .ttl and .jsonld from sorted lines, graph by graph.

    ``graphs`` are (name, loader) pairs, sorted by name; a loader returns the graph's sorted
    N-Triples lines, so that only a batch of graphs is in memory at once.  The union is an
    external merge: each batch of graphs becomes one sorted run on disk, then the runs are
    merged.  ``void`` makes the dataset description from the statistics of the union (it
    describes the data, not itself) and is added as graph ``void_graph``.  ``timings``
    receives the seconds spent on each file; with ``jobs`` > 1 the writers run in parallel.

    The returned statistics carry an ``index`` of the files written: where each graph lies
    in unld.nq and unld.trig (with its content key from ``keys``, by graph name), where each
    chunk of the union lies in unld.nt, .ttl and .jsonld, and how many graphs hold each line
    that more than one holds.  The next build splices its dumps from them
    (:mod:`unld.build.splice`).
    """
    clock = _Clock(timings)
    runs: list[Path] = []
    # lines several graphs hold, with how many more than one (per run, then in all)
    extra: Counter[bytes] = Counter()
    for i in range(0, len(graphs), BATCH):
        run = stage.dir / f".run-{len(runs)}.nt"
        batch, several = lines.counted_union(load() for _, load in graphs[i : i + BATCH])
        with open(run, "wb") as fh:
            fh.write(b"\n".join(batch) + b"\n" if batch else b"")
        del batch
        for line, n in several.items():
            extra[line] += n - 1
        runs.append(run)
    stats = Stats()
    union_tmp = stage.dir / ".union.nt"
    # a line several graphs hold: each run counted its own graphs (``extra``), and a line
    # in k runs is held by k graphs more than those counts say
    counts: dict[bytes, int] = {line: 1 + more for line, more in extra.items()}
    with open(union_tmp, "wb") as fh:
        for block, in_runs in merged_blocks(runs):
            stats.add_all(block)
            fh.write(b"\n".join(block) + b"\n")
            for line, k in in_runs:
                counts[line] = k + extra.get(line, 0)
    del extra
    counts = dict(sorted(counts.items()))  # in the union's order, as the index keeps them
    stats.finish()
    for r in runs:
        r.unlink()
    # void:triples counts the union as published, the description included (the lines of
    # unld.nt): the description's size does not depend on the number it states
    stats.total = stats.triples + len(ntriples_lines(void(stats)))
    void_lines = ntriples_lines(void(stats))
    stats.total = stats.triples + len(void_lines)
    # the description is one more graph holding its lines
    for line in void_lines:
        held = counts.get(line) or (1 if lines.sorted_file_has(union_tmp, line) else 0)
        if held:
            counts[line] = held + 1
    everything: list[Graph] = sorted([*graphs, (void_graph, partial(_same, void_lines))], key=lambda g: g[0])
    clock.tick("union")
    # the three writers read only files and the graph loaders: they run side by side
    tasks: list[tuple[Callable[..., dict[str, Any]], tuple[Any, ...]]] = [
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
            futures: list[Future[dict[str, Any]]] = [pool.submit(fn, *args) for fn, args in tasks]
            spent = [f.result() for f in futures]
    else:
        spent = [fn(*args) for fn, args in tasks]
    found: dict[str, Any] = {}
    for report in spent:
        for name, value in report.pop("seconds").items():
            clock.timings[name] = clock.timings.get(name, 0.0) + value
        found.update(report)
    clock.tick("writers (side by side)")
    union_tmp.unlink()
    stage.write_bytes("void.ttl", _turtle(lines.Turtle(PREFIXES), void_lines))
    void_key = hashlib.sha256(b"\n".join(void_lines)).hexdigest()
    names = {**(keys or {}), void_graph: void_key}
    stats.index = {
        "graphs": [
            [name, names.get(name, ""), *where]
            for name, where in zip([g for g, _ in everything], found["graphs"], strict=True)
        ],
        "chunks": [
            [first, *nt_ttl, *jl]
            for first, nt_ttl, jl in zip(found["firsts"], found["union"], found["jsonld"], strict=True)
        ],
        "counts": counts,
        "void": void_lines,
        "void_graph": void_graph,
    }
    return stats


def merged_blocks(
    runs: list[Path], size: int = 65_536, read_size: int = 1 << 24
) -> Iterator[tuple[list[bytes], list[tuple[bytes, int]]]]:
    """The union of the sorted runs, sorted and distinct, in blocks of ``size`` lines,
    each with the lines of it that several runs hold and how many: the union of 20,000
    resolutions has about ten million lines, which are written and counted a block at a
    time.  One run is read in blocks of bytes, without a step per line."""
    if len(runs) == 1:
        with open(runs[0], "rb") as fh:
            while block := fh.read(read_size):
                block += fh.readline()
                yield block.rstrip(b"\n").split(b"\n"), []
        return
    out: list[bytes] = []
    several: list[tuple[bytes, int]] = []
    for line, k in lines.counted_merge(_read_lines(r) for r in runs):
        out.append(line)
        if k > 1:
            several.append((line, k))
        if len(out) >= size:
            yield out, several
            out, several = [], []
    if out:
        yield out, several


def _same(value: list[bytes]) -> list[bytes]:
    return value


def _write_graphs(nq_path: Path, trig_path: Path, graphs: list[Graph]) -> dict[str, Any]:
    """unld.nq and unld.trig, graph by graph (each graph loaded once); returns where each
    graph lies in each: (offset in unld.nq, length, offset in unld.trig, length)."""
    start = time.perf_counter()
    turtle = lines.Turtle(PREFIXES)
    where: list[tuple[int, int, int, int]] = []
    with open(nq_path, "wb") as nq, open(trig_path, "wb") as trig:
        trig.write(turtle.header())
        for name, load in graphs:
            graph = load()
            nq_at, trig_at = nq.tell(), trig.tell()
            lines.write_nquads(nq, [(name, graph)])
            turtle.write_graph(trig, name, graph)
            where.append((nq_at, nq.tell() - nq_at, trig_at, trig.tell() - trig_at))
    return {"seconds": {"unld.nq and unld.trig": time.perf_counter() - start}, "graphs": where}


def _union(union_tmp: Path, void_lines: list[bytes]) -> Iterator[bytes]:
    yield from lines.merge([_read_lines(union_tmp), void_lines])


def _write_union(nt_path: Path, ttl_path: Path, union_tmp: Path, void_lines: list[bytes]) -> dict[str, Any]:
    """unld.nt and unld.ttl: the union of all graphs, sorted, a chunk at a time; returns
    each chunk's first subject and where it lies in each file."""
    start = time.perf_counter()
    firsts: list[str] = []
    where: list[tuple[int, int, int, int]] = []
    with open(nt_path, "wb") as fh:
        for chunk in lines.chunks(_union(union_tmp, void_lines)):
            at = fh.tell()
            fh.write(b"\n".join(chunk) + b"\n")
            firsts.append(lines.subject(chunk[0]).decode("utf-8"))
            where.append((at, fh.tell() - at, 0, 0))
    middle = time.perf_counter()
    turtle = lines.Turtle(PREFIXES)
    with open(ttl_path, "wb") as fh:
        fh.write(turtle.header())
        for i, chunk in enumerate(lines.chunks(_union(union_tmp, void_lines))):
            at = fh.tell()
            fh.write(b"".join(turtle.body(chunk)))
            where[i] = (*where[i][:2], at, fh.tell() - at)
    return {
        "seconds": {"unld.nt": middle - start, "unld.ttl": time.perf_counter() - middle},
        "firsts": firsts,
        "union": where,
    }


#: what precedes every node object of unld.jsonld but the first
JSONLD_SEPARATOR = b",\n  "
JSONLD_END = b"\n ]\n}\n"


def jsonld_nodes(compactor: Compactor, chunk: list[bytes]) -> bytes:
    """The node objects of a chunk of the sorted union, each after :data:`JSONLD_SEPARATOR`
    (the document drops the first one's two leading bytes, ``,\n``)."""
    out: list[bytes] = []
    subject: bytes | None = None
    group: list[ox.Triple] = []
    triples = ox.parse(b"\n".join(chunk), format=ox.RdfFormat.N_TRIPLES)
    for line, triple in zip(chunk, triples, strict=True):
        s = lines.subject(line)
        if s != subject:
            if group:
                out.append(_node(compactor, group))
            subject, group = s, []
        group.append(triple)
    if group:
        out.append(_node(compactor, group))
    return b"".join(out)


def _node(compactor: Compactor, group: list[ox.Triple]) -> bytes:
    first = group[0].subject
    if isinstance(first, ox.Triple):
        raise ValueError("quoted triples are not published")
    name = first.value if isinstance(first, ox.NamedNode) else f"_:{first.value}"
    return JSONLD_SEPARATOR + json.dumps(compactor.node(name, group), ensure_ascii=False).encode("utf-8")


def _write_jsonld(path: Path, union_tmp: Path, void_lines: list[bytes], context: dict) -> dict[str, Any]:
    """unld.jsonld: the union, compacted with the published context, which is embedded: a
    dump is downloaded and read on its own, often with no network, and a processor's default
    document loader would otherwise have to fetch the context from the web.

    Written a chunk of the union at a time (the same chunks as :func:`_write_union`'s), as
    :func:`unld.publishing.jsonld.stream` writes it whole (``tests/test_splice.py`` compares
    the two); returns where each chunk's node objects lie, counted in the text of all the
    node objects each after :data:`JSONLD_SEPARATOR` (the document drops its first two
    bytes)."""
    start = time.perf_counter()
    compactor = Compactor(context)
    where: list[tuple[int, int]] = []
    at = 0
    with open(path, "wb") as fh:
        fh.write(context_head(context))
        for chunk in lines.chunks(_union(union_tmp, void_lines)):
            nodes = jsonld_nodes(compactor, chunk)
            fh.write(nodes[2:] if at == 0 else nodes)
            where.append((at, len(nodes)))
            at += len(nodes)
        fh.write(JSONLD_END)
    return {"seconds": {"unld.jsonld": time.perf_counter() - start}, "jsonld": where}


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


def serialize(items: Iterable[Any], fmt: ox.RdfFormat) -> bytes:
    """A small graph or dataset in ``fmt``, in the order given, with the project's prefixes."""
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    return _bytes(ox.serialize(items, format=fmt, prefixes=prefixes))


def jsonld(triples: Iterable[ox.Triple], context_doc: dict, context_ref: str | dict) -> bytes:
    """Compact JSON-LD of ``triples`` with the published context, referred to by URL or
    embedded (``context_ref``, see :func:`unld.publishing.jsonld.context_head`)."""
    from unld.publishing import jsonld as writer

    return writer.write(triples, context_doc["@context"], context_ref)


def file_digest(path: Path) -> str:
    """The SHA-256 of a file, read a megabyte at a time."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def file_digests(folder: Path, names: list[str], jobs: int = 1) -> dict[str, str]:
    """The SHA-256 of each file ``names`` under ``folder``, the files hashed side by side on
    ``jobs`` threads (hashlib lets go of the interpreter while it hashes)."""
    if jobs <= 1 or len(names) < 2:
        return {name: file_digest(folder / name) for name in names}
    from concurrent.futures import ThreadPoolExecutor

    # the largest first, so that the threads finish together
    order = sorted(names, key=lambda n: -(folder / n).stat().st_size)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return dict(zip(order, pool.map(lambda n: file_digest(folder / n), order), strict=True))


def sha256sums(folder: Path, names: list[str], digests: dict[str, str] | None = None) -> bytes:
    """``sha256sum``-style lines for ``names`` (their digests taken from ``digests`` when
    given there)."""
    known = digests or {}
    lines = []
    for name in sorted(names):
        digest = known.get(name) or file_digest(folder / name)
        lines.append(f"{digest}  {name}\n")
    return "".join(lines).encode()
