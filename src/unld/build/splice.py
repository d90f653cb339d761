"""Incremental dumps: a rebuild writes every dump from the previous generation's files and
the graphs that changed, without serializing the others again.

Every dump is a concatenation of independent pieces in a fixed order.  ``unld.nq`` and
``unld.trig`` are one block per named graph, in graph-name order; ``unld.nt``, ``unld.ttl``
and ``unld.jsonld`` are the sorted union of all graphs cut into *chunks* that end where a
subject does (:func:`unld.publishing.ntlines.chunks`), each chunk's text depending on its
lines alone (a subject's Turtle block or JSON-LD node object never straddles two chunks).
A full build records where each piece lies (:func:`unld.publishing.dumps.write_dataset`'s
index); this module keeps that index in the build cache and, on the next build, copies
the pieces that did not change byte for byte from the previous generation
(``copy_file_range``: the kernel copies, Python never sees the bytes) and writes only the
others: the blocks of graphs whose content key changed, and the chunks of the union those
graphs' lines fall in.

The union is a set: a line leaves it only when no graph holds it any more.  The index
therefore keeps, for every line more than one graph holds, how many hold it (a line not
listed is held by one graph if it is in the union); a graph that changes takes its old
lines out and puts its new ones in.  The dataset description (VoID) counts the union, so
its figures are kept as sums over subjects (:class:`unld.publishing.dumps.Stats`) and the
changed subjects' old contributions are replaced by their new ones; the description is
then one more changed graph.

The result is byte-identical to a full build (``tests/test_splice.py`` builds, edits, adds
and removes sources, and compares every file with a fresh ``--no-cache`` build).  Whenever
the index does not describe the previous generation exactly (another configuration or
code, a file of another size, a build killed between the switch and the index), or too
many graphs changed for splicing to pay, the dumps are written in full instead.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import io
import json
import os
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from unld import __version__
from unld.build.cache import BuildCache, write_atomic
from unld.core.namespaces import PREFIXES
from unld.core.resources import mappings_dir
from unld.publishing import ntlines as lines
from unld.publishing.dumps import (
    JSONLD_END,
    Graph,
    Staging,
    Stats,
    _Clock,
    _turtle,
    jsonld_nodes,
    ntriples_lines,
    subject_stats,
)
from unld.publishing.jsonld import Compactor, context_head

STATE = "dumps.state"
FORMAT = 1
DUMPS = ("unld.nq", "unld.trig", "unld.nt", "unld.ttl", "unld.jsonld")
#: splice when at most this share of the graphs changed (beyond it a full write is as quick)
MAX_CHANGED = 0.25


@cache
def _code_digest() -> str:
    """Everything that decides the bytes of the dumps besides the graphs: unld's code (all
    of it: the writers, the prefixes, the description) and the published context."""
    h = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parents[1]
    for f in sorted(package.rglob("*.py")):
        h.update(str(f.relative_to(package)).encode() + b"\0" + f.read_bytes() + b"\0")
    h.update((mappings_dir() / "context.jsonld").read_bytes())
    return h.hexdigest()


def graph_key(digest: str, removed: set[bytes] | frozenset[bytes]) -> str:
    """The content key of a resolution's graph: its cached lines' SHA-256 and the lines
    the union's settling left out of it."""
    if not removed:
        return digest
    return digest + "-" + hashlib.sha256(b"\n".join(sorted(removed))).hexdigest()


def lines_key(graph_lines: list[bytes]) -> str:
    return hashlib.sha256(b"\n".join(graph_lines)).hexdigest()


def save(store: BuildCache, base: str, generation: Path, stats: Stats) -> None:
    """Keep the index of ``generation``'s dumps (just written) for the next build."""
    index = stats.index
    if not index:
        return
    state = {
        "format": FORMAT,
        "code": _code_digest(),
        "base": base,
        "generation": generation.name,
        "sizes": {name: (generation / name).stat().st_size for name in DUMPS},
        "graphs": index["graphs"],
        "chunks": index["chunks"],
        "counts": [[line.decode("utf-8", "surrogateescape"), n] for line, n in index["counts"].items()],
        "void": [line.decode("utf-8", "surrogateescape") for line in index["void"]],
        "void_graph": index["void_graph"],
        "stats": stats.to_json(),
    }
    store.dir.mkdir(parents=True, exist_ok=True)
    write_atomic(store.dir / STATE, json.dumps(state, ensure_ascii=False).encode("utf-8"))


def load(store: BuildCache, base: str, previous: Path | None) -> dict[str, Any] | None:
    """The index of the previous generation ``previous``, or ``None`` when there is none or
    it does not describe that generation (then the dumps are written in full)."""
    path = store.dir / STATE
    if previous is None or not path.exists():
        return None
    try:
        state = json.loads(path.read_bytes())
        fits = (
            state["format"] == FORMAT
            and state["code"] == _code_digest()
            and state["base"] == base
            and state["generation"] == previous.name
            and all((previous / name).stat().st_size == state["sizes"][name] for name in DUMPS)
        )
    except (OSError, ValueError, KeyError, TypeError):
        store.warnings.append(
            f"{path}: the index of the previous dumps was unreadable; dumps written in full"
        )
        return None
    return state if fits else None


class _Out:
    """A file written from new bytes and from byte ranges of other files, the ranges copied
    by the kernel (adjacent ranges of one file coalesced into one copy)."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        self.pos = 0
        self._buf: list[bytes] = []
        self._buffered = 0
        self._copy: list[int] = []  # source fd, offset, length of the pending copy

    def write(self, data: bytes) -> None:
        self._flush_copy()
        self._buf.append(data)
        self._buffered += len(data)
        self.pos += len(data)
        if self._buffered >= 1 << 20:
            self._flush_buf()

    def copy(self, src: int, offset: int, length: int) -> None:
        if length <= 0:
            return
        if self._copy and self._copy[0] == src and self._copy[1] + self._copy[2] == offset:
            self._copy[2] += length
        else:
            self._flush_copy()
            self._copy = [src, offset, length]
        self.pos += length

    def _flush_buf(self) -> None:
        data = b"".join(self._buf)
        self._buf, self._buffered = [], 0
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view) :]

    def _flush_copy(self) -> None:
        if not self._copy:
            return
        self._flush_buf()
        src, offset, length = self._copy
        self._copy = []
        while length:
            try:
                n = os.copy_file_range(src, self.fd, length, offset)
            except (OSError, AttributeError):  # another file system, another kernel
                n = os.write(self.fd, os.pread(src, min(length, 1 << 24), offset))
            if n <= 0:
                raise OSError(f"the previous dump ended early (at byte {offset})")
            offset, length = offset + n, length - n

    def close(self) -> None:
        self._flush_copy()
        self._flush_buf()
        os.close(self.fd)


class _JsonldOut:
    """unld.jsonld's node objects, counted in the text where each follows ``,\\n  ``
    (the document drops the first two bytes of that text)."""

    def __init__(self, out: _Out, old: int, head: int) -> None:
        self.out, self.old, self.head, self.at = out, old, head, 0

    def write(self, nodes: bytes) -> None:
        self.out.write(nodes[2:] if self.at == 0 else nodes)
        self.at += len(nodes)

    def copy(self, offset: int, length: int) -> None:
        """The old document's node text from ``offset`` (counted the same way)."""
        skip = 2 if self.at == 0 else 0
        if offset == 0:  # the old first chunk: its ",\n" is not in the old file
            if not skip:
                self.out.write(b",\n")
            self.out.copy(self.old, self.head, length - 2)
        else:
            self.out.copy(self.old, self.head + offset - 2 + skip, length - skip)
        self.at += length


def update(
    stage: Staging,
    previous: Path,
    state: dict[str, Any],
    graphs: list[Graph],
    keys: dict[str, str],
    void: Callable[[Stats], list[ox.Triple]],
    void_graph: str,
    context_doc: dict,
    timings: dict[str, float] | None = None,
) -> Stats | None:
    """Write the dumps into ``stage`` from ``previous``'s and the graphs that changed;
    ``None`` (nothing written) when splicing does not apply and a full write is needed.

    ``graphs`` (sorted by name) and ``void`` are those of
    :func:`unld.publishing.dumps.write_dataset`; ``keys`` gives each graph's content key.
    """
    clock = _Clock(timings)
    if state["void_graph"] != void_graph or not state["chunks"]:
        return None
    old = {g[0]: g for g in state["graphs"]}
    names = [name for name, _ in graphs]
    changed = [n for n in names if n not in old or not keys.get(n) or old[n][1] != keys[n]]
    present = set(names)
    gone = [n for n in old if n not in present and n != void_graph]
    if len(changed) + len(gone) > max(8, int(len(names) * MAX_CHANGED)):
        return None
    fds = {name: os.open(previous / name, os.O_RDONLY) for name in DUMPS}
    try:
        result = _splice(stage, fds, state, graphs, keys, changed, gone, void, void_graph, context_doc, clock)
    finally:
        for fd in fds.values():
            os.close(fd)
    return result


def _old_lines(fd: int, entry: list[Any]) -> list[bytes] | None:
    """A graph's lines, read back from its block of the previous unld.nq."""
    name, _key, offset, length = entry[:4]
    block = os.pread(fd, length, offset)
    end = b" <" + name.encode("utf-8") + b"> ."
    out = []
    for quad in block.split(b"\n")[:-1]:
        if not quad.endswith(end):
            return None
        out.append(quad[: -len(end)] + b" .")
    return out


def _splice(
    stage: Staging,
    fds: dict[str, int],
    state: dict[str, Any],
    graphs: list[Graph],
    keys: dict[str, str],
    changed: list[str],
    gone: list[str],
    void: Callable[[Stats], list[ox.Triple]],
    void_graph: str,
    context_doc: dict,
    clock: _Clock,
) -> Stats | None:
    old = {g[0]: g for g in state["graphs"]}
    loaders = dict(graphs)
    new_lines = {name: loaders[name]() for name in changed}
    delta: Counter[bytes] = Counter()
    for name in [*(n for n in changed if n in old), *gone]:
        taken = _old_lines(fds["unld.nq"], old[name])
        if taken is None:
            return None
        delta.subtract(taken)
    for name in changed:
        delta.update(new_lines[name])
    counts = {line.encode("utf-8", "surrogateescape"): n for line, n in state["counts"]}
    old_void = [line.encode("utf-8", "surrogateescape") for line in state["void"]]
    void_old = set(old_void)
    stats = Stats.from_json(state["stats"])
    chunks = state["chunks"]
    starts = [c[0].encode("utf-8", "surrogateescape") + b" " for c in chunks]
    held: dict[int, set[bytes]] = {}  # the lines of the chunks that change

    def chunk_of(line: bytes) -> int:
        return max(0, bisect.bisect_right(starts, lines.subject(line) + b" ") - 1)

    def chunk_lines(i: int) -> set[bytes]:
        if i not in held:
            _first, offset, length = chunks[i][:3]
            held[i] = set(os.pread(fds["unld.nt"], length, offset).split(b"\n")[:-1])
        return held[i]

    def data_lines(pool: set[bytes], subjects: set[bytes]) -> list[bytes]:
        """The lines of ``subjects`` the data graphs hold (not the description only)."""
        return sorted(
            ln for ln in pool if lines.subject(ln) in subjects and counts.get(ln, 1) - (ln in void_old) >= 1
        )

    def apply(changes: dict[bytes, int], pool: set[bytes]) -> bool:
        for line, d in changes.items():
            n = (counts.get(line) or (1 if line in pool else 0)) + d
            if n < 0:
                return False  # the index does not match the files: write in full
            if n >= 2:
                counts[line] = n
            else:
                counts.pop(line, None)
            if n:
                pool.add(line)
            else:
                pool.discard(line)
        return True

    by_chunk: dict[int, dict[bytes, int]] = {}
    for line, d in delta.items():
        if d:
            by_chunk.setdefault(chunk_of(line), {})[line] = d
    for i, changes in sorted(by_chunk.items()):
        pool = chunk_lines(i)
        subjects = {lines.subject(ln) for ln in changes}
        stats.combine(subject_stats(data_lines(pool, subjects)), -1)
        if not apply(changes, pool):
            return None
        stats.combine(subject_stats(data_lines(pool, subjects)), 1)
    # the description: as the full build makes it, then one more changed graph
    stats.total = stats.triples + len(ntriples_lines(void(stats)))
    void_lines = ntriples_lines(void(stats))
    stats.total = stats.triples + len(void_lines)
    void_delta: Counter[bytes] = Counter(void_lines)
    void_delta.subtract(old_void)
    by_chunk = {}
    for line, d in void_delta.items():
        if d:
            by_chunk.setdefault(chunk_of(line), {})[line] = d
    for i, changes in sorted(by_chunk.items()):
        if not apply(changes, chunk_lines(i)):
            return None
    clock.tick("union")
    new_lines[void_graph] = void_lines
    void_key = lines_key(void_lines)
    graph_index = _write_graphs(stage, fds, old, graphs, keys, new_lines, void_graph, void_key)
    chunk_index = _write_union(stage, fds, chunks, held, context_doc["@context"])
    clock.tick("writers (side by side)")
    stage.write_bytes("void.ttl", _turtle(lines.Turtle(PREFIXES), void_lines))
    stats.index = {
        "graphs": graph_index,
        "chunks": chunk_index,
        "counts": counts,
        "void": void_lines,
        "void_graph": void_graph,
    }
    return stats


def _write_graphs(
    stage: Staging,
    fds: dict[str, int],
    old: dict[str, list[Any]],
    graphs: list[Graph],
    keys: dict[str, str],
    new_lines: dict[str, list[bytes]],
    void_graph: str,
    void_key: str,
) -> list[list[Any]]:
    """unld.nq and unld.trig: unchanged graphs' blocks copied, the others written."""
    turtle = lines.Turtle(PREFIXES)
    nq, trig = _Out(stage.path("unld.nq")), _Out(stage.path("unld.trig"))
    trig.write(turtle.header())
    index = []
    order = sorted([*(name for name, _ in graphs), void_graph])
    try:
        for name in order:
            key = void_key if name == void_graph else keys.get(name, "")
            nq_at, trig_at = nq.pos, trig.pos
            if name in new_lines:
                buf = io.BytesIO()
                lines.write_nquads(buf, [(name, new_lines[name])])
                nq.write(buf.getvalue())
                buf = io.BytesIO()
                turtle.write_graph(buf, name, new_lines[name])
                trig.write(buf.getvalue())
            else:
                _name, _key, nq_off, nq_len, trig_off, trig_len = old[name]
                nq.copy(fds["unld.nq"], nq_off, nq_len)
                trig.copy(fds["unld.trig"], trig_off, trig_len)
            index.append([name, key, nq_at, nq.pos - nq_at, trig_at, trig.pos - trig_at])
    finally:
        nq.close()
        trig.close()
    return index


def _write_union(
    stage: Staging,
    fds: dict[str, int],
    chunks: list[list[Any]],
    held: dict[int, set[bytes]],
    context: dict,
) -> list[list[Any]]:
    """unld.nt, unld.ttl and unld.jsonld: unchanged chunks copied, the others written
    (cut again into chunks of the usual size)."""
    turtle = lines.Turtle(PREFIXES)
    compactor = Compactor(context)
    nt, ttl, jl_file = (
        _Out(stage.path("unld.nt")),
        _Out(stage.path("unld.ttl")),
        _Out(stage.path("unld.jsonld")),
    )
    head = context_head(context)
    jl = _JsonldOut(jl_file, fds["unld.jsonld"], len(head))
    ttl.write(turtle.header())
    jl_file.write(head)
    index: list[list[Any]] = []
    try:
        for i, (first, nt_off, nt_len, ttl_off, ttl_len, jl_off, jl_len) in enumerate(chunks):
            at = (nt.pos, ttl.pos, jl.at)
            if i not in held:
                nt.copy(fds["unld.nt"], nt_off, nt_len)
                ttl.copy(fds["unld.ttl"], ttl_off, ttl_len)
                jl.copy(jl_off, jl_len)
                index.append([first, at[0], nt_len, at[1], ttl_len, at[2], jl_len])
                continue
            for part in lines.chunks(sorted(held[i])):
                at = (nt.pos, ttl.pos, jl.at)
                nt.write(b"\n".join(part) + b"\n")
                ttl.write(b"".join(turtle.body(part)))
                jl.write(jsonld_nodes(compactor, part))
                index.append(
                    [
                        lines.subject(part[0]).decode("utf-8", "surrogateescape"),
                        at[0],
                        nt.pos - at[0],
                        at[1],
                        ttl.pos - at[1],
                        at[2],
                        jl.at - at[2],
                    ]
                )
        jl_file.write(JSONLD_END)
    finally:
        for f in (nt, ttl, jl_file):
            with contextlib.suppress(OSError):
                f.close()
    return index
