"""Dumps written from sorted N-Triples lines, so that large datasets stream.

Each resolution's graph comes out of the mapping stage (or the build cache) as N-Triples:
one triple per line, lines sorted.  Every dump is made from those lines without building
term objects: N-Quads append the graph name, the union of all graphs is a merge of the
sorted line lists (dropping duplicates, which are adjacent), and Turtle and TriG group the
lines of a subject and shorten IRIs with the project's prefixes.  The order of a dump is the
byte order of its N-Triples lines, so the same input gives the same bytes.
"""

from __future__ import annotations

import heapq
import mmap
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

_LOCAL = re.compile(rb"[A-Za-z_][A-Za-z0-9_\-]*")


def split_lines(blob: bytes) -> list[bytes]:
    """The lines of an N-Triples document (without line ends, comments and blanks)."""
    return [ln for ln in blob.split(b"\n") if ln and not ln.startswith(b"#")]


def sorted_lines(blob: bytes) -> list[bytes]:
    return sorted(set(split_lines(blob)))


def merge(graphs: Iterable[Iterable[bytes]]) -> Iterator[bytes]:
    """The union of sorted line lists, sorted, each line once."""
    last = None
    for line in heapq.merge(*graphs):
        if line != last:
            yield line
            last = line


def counted_merge(graphs: Iterable[Iterable[bytes]]) -> Iterator[tuple[bytes, int]]:
    """The union of sorted line lists, sorted, each line once with the number of lists
    that hold it (what an incremental build needs to know whether a line leaves the union
    when one graph stops holding it)."""
    last: bytes | None = None
    n = 0
    for line in heapq.merge(*graphs):
        if line == last:
            n += 1
            continue
        if last is not None:
            yield last, n
        last, n = line, 1
    if last is not None:
        yield last, n


def counted_union(graphs: Iterable[list[bytes]]) -> tuple[list[bytes], dict[bytes, int]]:
    """:func:`counted_merge` of lists of distinct lines, in native loops: the union,
    sorted, and the lines that several lists hold with how many (a batch of graphs at a
    time fits in memory; counting and sorting there is a C loop, not a Python step per
    line).  ``tests/test_dump_lines.py`` compares the two."""
    held: Counter[bytes] = Counter()
    for graph in graphs:
        held.update(graph)
    union = sorted(held)
    return union, {line: n for line, n in held.items() if n > 1}


def subject(line: bytes) -> bytes:
    """The subject of an N-Triples line: no subject term holds a blank."""
    return line.split(b" ", 1)[0]


#: lines of the union a chunk holds at least (it ends with its last subject's lines)
CHUNK_LINES = 2048


def chunks(sorted_lines: Iterable[bytes], size: int = CHUNK_LINES) -> Iterator[list[bytes]]:
    """Sorted lines cut into chunks of at least ``size`` lines, each ending where a subject
    does: a subject's statements, the unit of Turtle and JSON-LD, never straddle two chunks,
    so each dump of the union is its chunks' texts one after the other."""
    chunk: list[bytes] = []
    for line in sorted_lines:
        if len(chunk) >= size and subject(line) != subject(chunk[-1]):
            yield chunk
            chunk = []
        chunk.append(line)
    if chunk:
        yield chunk


def sorted_file_has(path: Path, line: bytes) -> bool:
    """Whether the file of sorted, distinct lines at ``path`` holds ``line`` (a binary
    search over its bytes)."""
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            return False
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            lo, hi = 0, len(mm)
            # invariant: lines starting before lo are < line; lines starting at or after hi are > line
            while lo < hi:
                mid = (lo + hi) // 2
                start = mm.rfind(b"\n", 0, mid) + 1
                end = mm.find(b"\n", start)
                end = len(mm) if end < 0 else end
                here = mm[start:end]
                if here == line:
                    return True
                if here < line:
                    lo = end + 1
                else:
                    hi = start
            return False


def parts(line: bytes) -> tuple[bytes, bytes, bytes]:
    """Subject, predicate and object of an N-Triples line (object without the final ' .')."""
    s, p, rest = line.split(b" ", 2)
    if rest.endswith(b" ."):  # the form the writers produce
        return s, p, rest[:-2]
    # any other spacing N-Triples allows: "o." and blanks around the final dot
    rest = rest.rstrip()
    return s, p, rest[:-1].rstrip() if rest.endswith(b".") else rest


def write_nquads(out: BinaryIO, graphs: Iterable[tuple[str, list[bytes]]]) -> int:
    """N-Quads of named graphs given as N-Triples lines; returns the number of quads.

    The lines the writers produce all end with `` .`` and a line end can only end a
    statement (N-Triples escapes it in literals), so a graph's quads are its joined lines
    with every `` .\n`` replaced by the graph name: two calls in native code rather than
    a Python step per line, which :func:`write_nquads_by_line` still takes for other lines.
    """
    n = 0
    for name, lines in graphs:
        if not lines:
            continue
        blob = b"\n".join(lines) + b"\n"
        if blob.count(b" .\n") == len(lines):
            out.write(blob.replace(b" .\n", b" <" + name.encode() + b"> .\n"))
            n += len(lines)
        else:
            n += write_nquads_by_line(out, [(name, lines)])
    return n


def write_nquads_by_line(out: BinaryIO, graphs: Iterable[tuple[str, list[bytes]]]) -> int:
    """N-Quads of named graphs, line by line (the reference of :func:`write_nquads`)."""
    n = 0
    for name, lines in graphs:
        g = b" <" + name.encode() + b"> .\n"
        for line in lines:
            if line.endswith(b" ."):  # the form the writers produce: "s p o ."
                out.write(line[:-2] + g)
            else:
                s, p, o = parts(line)
                out.write(s + b" " + p + b" " + o + g)
            n += 1
    return n


class Turtle:
    """A Turtle writer for sorted N-Triples lines, with prefixes."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = sorted(
            ((ns.encode(), name.encode()) for name, ns in prefixes.items()), key=lambda p: -len(p[0])
        )
        self.by_namespace = dict(self.prefixes)
        self.cache: dict[bytes, bytes] = {}

    def header(self) -> bytes:
        return b"".join(
            b"@prefix " + name + b": <" + ns + b"> .\n"
            for ns, name in sorted(self.prefixes, key=lambda p: p[1])
        )

    def term(self, term: bytes) -> bytes:
        """A term, with its IRI shortened to a prefixed name where one fits.

        Every namespace ends with ``#`` or ``/`` and a local name has neither, so the only
        namespace that can fit is the IRI up to its last ``#`` or ``/``.
        """
        if not term.startswith(b"<"):
            return term
        short = self.cache.get(term)
        if short is None:
            iri = term[1:-1]
            cut = max(iri.rfind(b"#"), iri.rfind(b"/")) + 1
            name = self.by_namespace.get(iri[:cut])
            local = iri[cut:]
            short = name + b":" + local if name is not None and _LOCAL.fullmatch(local) else term
            if len(self.cache) > 100_000:
                self.cache.clear()
            self.cache[term] = short
        return short

    def body(self, lines: Iterable[bytes], indent: bytes = b"") -> Iterator[bytes]:
        """Statements grouped by subject (``s p o , o ; p o .``), one subject per block.

        The loop splits the form the writers produce itself and looks IRIs up in the cache
        before calling :meth:`term`: it runs once per line of every Turtle and TriG dump.
        """
        subject = predicate = None
        cache, term = self.cache, self.term
        rdf_type = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
        for line in lines:
            s, p, o = line.split(b" ", 2)
            o = o[:-2] if o.endswith(b" .") else parts(line)[2]
            if o[:1] == b"<":
                o = cache.get(o) or term(o)
            if s != subject:
                if subject is not None:
                    yield b" .\n"
                subject, predicate = s, p
                pred = b"a" if p == rdf_type else cache.get(p) or term(p)
                yield indent + (cache.get(s) or term(s)) + b" " + pred + b" " + o
            elif p != predicate:
                predicate = p
                pred = b"a" if p == rdf_type else cache.get(p) or term(p)
                yield b" ;\n" + indent + b"    " + pred + b" " + o
            else:
                yield b" ,\n" + indent + b"        " + o
        if subject is not None:
            yield b" .\n"

    def write(self, out: BinaryIO, lines: Iterable[bytes]) -> None:
        out.write(self.header())
        for chunk in self.body(lines):
            out.write(chunk)

    def write_graph(self, out: BinaryIO, name: str, lines: Iterable[bytes]) -> None:
        """One named graph of a TriG document (the header is written once, before)."""
        out.write(b"\n" + self.term(b"<" + name.encode() + b">") + b" {\n")
        for chunk in self.body(lines, b"  "):
            out.write(chunk)
        out.write(b"}\n")
