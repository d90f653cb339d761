"""The quads of a build, held compactly enough for the whole General Assembly corpus.

A :class:`Store` keeps every distinct term once, as its N-Triples text in one ``bytes``
blob, numbered in the byte order of those texts; and every distinct triple once, as one
integer ``(subject * P + predicate) * N + object`` in a sorted ``array``.  Sorting the
integers sorts the triples as their N-Triples lines sort, the order the dumps and the site
use, and the triples of a subject (or of a subject and predicate, or the links into an
object) are a range found by bisection.  Named graphs are ranges of another array of the
same integers, and the links between IRIs a third array, sorted by object.  So a triple
costs eight bytes, plus eight per quad and eight per link, the terms their text; and these
few large objects are shared, not copied, by the worker processes forked from the one that
built them.  Reading a build's ``unld.nq`` never holds more than a few million Python
objects at once; a large one is read by one process per core (:func:`_read_parallel`),
to the same arrays.

Terms come back as ``pyoxigraph`` objects by parsing the N-Triples lines made from the
texts, so that values, languages and datatypes are exactly what the dumps say.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, compress, groupby, islice
from operator import itemgetter, lt, ne
from pathlib import Path
from typing import NamedTuple, overload

import pyoxigraph as ox

#: Roles of a term, as bits of :attr:`Store.roles`.
SUBJECT = 1
OBJECT = 2
OBJECT_OF_IRI = 4  # object of a triple whose subject is an IRI
PREDICATE = 8
GRAPH = 16

_DEFAULT = -1  # the default graph


class _NotCanonical(Exception):
    """The fast reader met a line it cannot split with certainty: parse it properly."""


class Store(Sequence[ox.Quad]):
    """The distinct terms, triples and graphs of a set of quads.

    It is also the sequence of those quads (graph by graph, each graph's triples in N-Triples
    order), so that it can stand where a list of quads was expected.
    """

    def __init__(
        self,
        texts: list[bytes],
        keys: array,
        preds: list[int],
        graphs: list[tuple[int, int, int]],
        gkeys: array,
        links: tuple[bytes, array] | None = None,
    ) -> None:
        """``texts`` sorted; ``keys`` sorted and distinct; ``graphs`` as (graph term or -1,
        start, end) into ``gkeys``, sorted by graph.  ``links``: the subject and object
        roles of the terms and the sorted incoming keys when they were already worked out
        from ``keys`` (by :func:`_mark` on slices of them, in several processes)."""
        self.n = max(1, len(texts))
        self.nterms = len(texts)
        self.off = array("Q", [0])
        total = 0
        for t in texts:
            total += len(t)
            self.off.append(total)
        self.blob = b"".join(texts)
        self.lit_end = bisect.bisect_left(texts, b"<")
        self.iri_end = bisect.bisect_left(texts, b"=", self.lit_end)
        self.preds = array("I", preds)
        self._ptexts = [self.text(p) + b" " for p in preds]
        self.np = max(1, len(preds))
        self.m = self.np * self.n
        self.keys = keys
        self.graphs = graphs
        self.gkeys = gkeys
        #: the graphs in the order of their names' IRIs (the order of the build's unld.nq)
        self.by_name = sorted(graphs, key=lambda g: (g[0] >= 0, self._name(g[0])))
        self.gstart = array("Q")
        total = 0
        for _, start, end in self.by_name:
            self.gstart.append(total)
            total += end - start
        if links is None:
            roles = bytearray(len(texts))
            incoming = array("q")
            _mark(keys, self._shape(), roles, incoming)
            self.ikeys = _sorted_distinct(incoming, self.n * self.m)
            del incoming
        else:
            roles = bytearray(links[0])
            self.ikeys = links[1]
        for p in preds:
            roles[p] |= PREDICATE
        for g, _, _ in graphs:
            if g >= 0:
                roles[g] |= GRAPH
        self.roles = bytes(roles)

    def _shape(self) -> _Shape:
        return _Shape(self.m, self.n, self.np, self.lit_end, self.iri_end)

    # --- building ------------------------------------------------------------------------

    @classmethod
    def from_quads(cls, quads: Iterable[ox.Quad]) -> Store:
        """A store of any quads (``pyoxigraph`` objects)."""
        b = _Builder()
        for q in quads:
            g = q.graph_name
            b.add(
                str(q.subject).encode(),
                str(q.predicate).encode(),
                str(q.object).encode(),
                None if isinstance(g, ox.DefaultGraph) else str(g).encode(),
            )
        return b.finish()

    @classmethod
    def from_nquads(cls, path: Path, jobs: int | None = None) -> Store:
        """A store of an N-Quads file.  A file as the build writes it (canonical N-Triples
        terms, one quad a line) is split without a parser and every distinct term is then
        checked by the parser; any other file is read by the parser.  The split is done by
        ``jobs`` forked processes (default: one per core) when the file is large enough for
        them to pay (:data:`PARALLEL_MIN_BYTES`); the store is the same."""
        from unld.publishing.site import workers

        path = Path(path)
        jobs = workers.forked(jobs)
        try:
            if jobs > 1 and path.stat().st_size >= PARALLEL_MIN_BYTES:
                try:
                    return _read_parallel(path, jobs)
                except BrokenProcessPool:
                    raise OSError(
                        "a process reading the file stopped before it finished (killed, or out of memory)"
                    ) from None
            return _read_canonical(path)
        except _NotCanonical:
            with open(path, "rb") as fh:
                return cls.from_quads(ox.parse(fh, format=ox.RdfFormat.N_QUADS))

    # --- terms ---------------------------------------------------------------------------

    def text(self, i: int) -> bytes:
        """The N-Triples text of term ``i``."""
        return self.blob[self.off[i] : self.off[i + 1]]

    def value(self, i: int) -> str:
        """The IRI of term ``i`` (an IRI term)."""
        return self.blob[self.off[i] + 1 : self.off[i + 1] - 1].decode("utf-8")

    def is_iri(self, i: int) -> bool:
        return self.lit_end <= i < self.iri_end

    def find_iri(self, iri: str) -> int | None:
        """The term number of the IRI ``iri``, or None when the data does not use it."""
        target = b"<" + iri.encode("utf-8") + b">"
        lo = self._bisect_text(target)
        if lo < self.iri_end and self.blob[self.off[lo] : self.off[lo + 1]] == target:
            return lo
        return None

    def iris_with_prefix(self, prefix: str) -> range:
        """Term numbers of the IRIs that start with ``prefix`` (a contiguous range)."""
        start = b"<" + prefix.encode("utf-8")
        lo = self._bisect_text(start)
        hi = self._bisect_text(start + b"\xff")
        return range(lo, hi)

    def _bisect_text(self, target: bytes) -> int:
        blob, off = self.blob, self.off
        lo, hi = self.lit_end, self.iri_end
        while lo < hi:
            mid = (lo + hi) // 2
            if blob[off[mid] : off[mid + 1]] < target:
                lo = mid + 1
            else:
                hi = mid
        return lo

    # --- triples -------------------------------------------------------------------------

    def subject_keys(self, s: int) -> array:
        """The triples of subject ``s``, sorted."""
        keys = self.keys
        lo = bisect.bisect_left(keys, s * self.m)
        hi = bisect.bisect_left(keys, (s + 1) * self.m, lo)
        return keys[lo:hi]

    def incoming_keys(self, o: int) -> array:
        """Links into ``o`` from IRI subjects, as ``(o * N + s) * P + p``, sorted."""
        return self.ikeys[slice(*self._incoming_span(o))]

    def links_into(self, iri: str) -> int:
        """How many links from IRI subjects go to the IRI ``iri`` (counted, not read)."""
        o = self.find_iri(iri)
        if o is None:
            return 0
        lo, hi = self._incoming_span(o)
        return hi - lo

    def _incoming_span(self, o: int) -> tuple[int, int]:
        """Where the links into ``o`` are in :attr:`ikeys`."""
        ik = self.ikeys
        lo = bisect.bisect_left(ik, o * self.m)
        return lo, bisect.bisect_left(ik, (o + 1) * self.m, lo)

    def split_incoming(self, ik: int) -> tuple[int, int]:
        """(subject, predicate term) of an incoming key."""
        return (ik // self.np) % self.n, self.preds[ik % self.np]

    def pred_index(self, p: int) -> int | None:
        i = bisect.bisect_left(self.preds, p)
        return i if i < len(self.preds) and self.preds[i] == p else None

    def split(self, k: int) -> tuple[int, int, int]:
        """(subject, predicate, object) term numbers of a triple key."""
        s, r = divmod(k, self.m)
        pi, o = divmod(r, self.n)
        return s, self.preds[pi], o

    def ntriples(self, keys: Iterable[int]) -> bytes:
        """The N-Triples document of the triples ``keys``, in the order given."""
        blob, off, m, n = self.blob, self.off, self.m, self.n
        ptexts = self._ptexts
        parts: list[bytes] = []
        add = parts.append
        last = -1
        head = b""
        for k in keys:
            s, r = divmod(k, m)
            if s != last:
                head = blob[off[s] : off[s + 1]] + b" "
                last = s
            pi, o = divmod(r, n)
            add(head)
            add(ptexts[pi])
            add(blob[off[o] : off[o + 1]])
            add(b" .\n")
        return b"".join(parts)

    def triples(self, keys: Iterable[int]) -> list[ox.Triple]:
        """The triples ``keys`` as ``pyoxigraph`` objects, in the order given."""
        doc = self.ntriples(keys)
        if not doc:
            return []
        return [q.triple for q in ox.parse(doc, format=ox.RdfFormat.N_TRIPLES)]

    def graph_keys(self, g: int) -> array:
        """The triples of graph ``g`` (a term number, or -1 for the default graph)."""
        i = bisect.bisect_left(self.graphs, (g, -1, -1))
        if i < len(self.graphs) and self.graphs[i][0] == g:
            _, start, end = self.graphs[i]
            return self.gkeys[start:end]
        return array("q")

    @property
    def triple_count(self) -> int:
        return len(self.keys)

    # --- the sequence of quads -----------------------------------------------------------

    def __len__(self) -> int:
        return len(self.gkeys)

    def _graph_term(self, g: int) -> ox.NamedNode | ox.BlankNode | ox.DefaultGraph:
        if g < 0:
            return ox.DefaultGraph()
        return next(
            iter(ox.parse(b"<urn:x:s> <urn:x:p> %b .\n" % self.text(g), format=ox.RdfFormat.N_TRIPLES))
        ).object

    def _name(self, g: int) -> str:
        if g < 0:
            return ""
        text = self.text(g).decode("utf-8")
        return text[1:-1] if text.startswith("<") else text

    def __iter__(self) -> Iterator[ox.Quad]:
        for g, start, end in self.by_name:
            name = self._graph_term(g)
            for t in self.triples(self.gkeys[start:end]):
                yield ox.Quad(t.subject, t.predicate, t.object, name)

    @overload
    def __getitem__(self, i: int) -> ox.Quad: ...

    @overload
    def __getitem__(self, i: slice) -> list[ox.Quad]: ...

    def __getitem__(self, i: int | slice) -> ox.Quad | list[ox.Quad]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        j = bisect.bisect_right(self.gstart, i) - 1
        g, start, _ = self.by_name[j]
        t = self.triples([self.gkeys[start + i - self.gstart[j]]])[0]
        return ox.Quad(t.subject, t.predicate, t.object, self._graph_term(g))

    def graph_names(self) -> Iterator[ox.NamedNode | ox.BlankNode]:
        for g, _, _ in self.by_name:
            if g >= 0:
                yield self._graph_term(g)  # type: ignore[misc]


class _Builder:
    """Collects quads as term texts, then numbers the terms in sorted order."""

    def __init__(self) -> None:
        #: term text -> number, in the order first met (the keys are the texts)
        self.ids: dict[bytes, int] = {}
        self.s = array("I")
        self.p = array("I")
        self.o = array("I")
        self.g = array("i")

    def intern(self, text: bytes) -> int:
        return self.ids.setdefault(text, len(self.ids))

    def add(self, s: bytes, p: bytes, o: bytes, g: bytes | None) -> None:
        self.s.append(self.intern(s))
        self.p.append(self.intern(p))
        self.o.append(self.intern(o))
        self.g.append(_DEFAULT if g is None else self.intern(g))

    def finish(self) -> Store:
        texts = list(self.ids)
        self.ids = {}
        texts, rank = _ranked(texts)
        n = max(1, len(texts))
        preds = sorted({rank[p] for p in set(self.p)})
        np_ = max(1, len(preds))
        keyed = _part_keys((self.s, self.p, self.o, self.g), rank, (n, preds))
        self.s = self.p = self.o = array("I")
        self.g = array("i")
        graphs, gkeys = _graph_keys([keyed])
        return Store(texts, _sorted_distinct(gkeys, n * n * np_), preds, graphs, gkeys)


def _sorted_distinct(keys: array, bound: int) -> array:
    """The distinct values of ``keys`` (all in ``range(bound)``), sorted, in slices of the
    range so that no more than a few million of them are Python objects at a time."""
    parts = max(1, len(keys) // 2_000_000)
    step = -(-bound // parts)
    out = array("q")
    for lo in range(0, bound, step):
        chunk = sorted(filter(range(lo, lo + step).__contains__, keys)) if parts > 1 else sorted(keys)
        out.extend(k for k, _ in groupby(chunk))
    return out


class _Shape(NamedTuple):
    """How a store's triple keys are made: ``(s * np + p) * n + o``, ``m = np * n``; IRIs
    are the terms ``lit_end`` to ``iri_end``."""

    m: int
    n: int
    np: int
    lit_end: int
    iri_end: int


def _mark(keys: Iterable[int], shape: _Shape, roles: bytearray, incoming: array) -> None:
    """Mark the subjects and objects of the triples ``keys`` (sorted) in ``roles``, and add
    to ``incoming`` the link ``(o * n + s) * np + p`` of each triple between two IRIs."""
    m, n, np_, lit_end, iri_end = shape
    last_s = -1
    for k in keys:
        s, r = divmod(k, m)
        o = r % n
        if s != last_s:
            roles[s] |= SUBJECT
            last_s = s
        roles[o] |= OBJECT
        if lit_end <= s < iri_end and lit_end <= o < iri_end:
            roles[o] |= OBJECT_OF_IRI
            incoming.append((o * n + s) * np_ + r // n)


def _read_canonical(path: Path) -> Store:
    """Split a file of canonical N-Quads lines without a parser (then check every term)."""
    b = _split(path, 0, path.stat().st_size)
    _check_terms(b)
    return b.finish()


#: bytes of the file read at a time by :func:`_split` (more is slower: the lines of a
#: block are all alive at once, and fall out of the processor's caches)
_BLOCK = 1 << 16

#: how far :func:`_cuts` looks for the start of a graph
_LOOK_AHEAD = 1 << 23


def _lines(path: Path, start: int, end: int, block_size: int = _BLOCK) -> Iterator[list[bytes]]:
    """The lines in bytes ``start`` to ``end`` of ``path`` (both at the start of a line, or
    at the end of the file), without their newline, a block of about ``block_size`` bytes
    at a time.  Each block is split at its newlines only, as a file is iterated
    (``bytes.splitlines`` would also cut at carriage returns)."""
    left = end - start
    tail = b""
    with open(path, "rb") as fh:
        fh.seek(start)
        while left > 0 or tail:
            block = fh.read(min(block_size, left)) if left > 0 else b""
            left -= len(block)
            if not block:
                left = 0  # the file is shorter than it was: read what there is
            block = tail + block
            if left > 0:
                cut = block.rfind(b"\n") + 1
                block, tail = block[:cut], block[cut:]
            else:
                tail = b""
            lines = block.split(b"\n")
            if not lines[-1]:
                lines.pop()  # after the block's last newline
            yield lines


def _split(path: Path, start: int, end: int) -> _Builder:
    """The quads of the lines in bytes ``start`` to ``end`` of ``path``, split without a
    parser, a line at a time; a line that cannot be split with certainty raises
    :class:`_NotCanonical`."""
    b = _Builder()
    ids = b.ids
    intern = ids.setdefault
    sa, pa, oa, ga = b.s.append, b.p.append, b.o.append, b.g.append
    last_s = last_g = None
    si = gi = 0
    for lines in _lines(path, start, end):
        for line in lines:
            if not line.endswith(b" ."):
                raise _NotCanonical
            try:
                s, p, rest = line[:-2].split(b" ", 2)
            except ValueError:
                raise _NotCanonical from None
            if s != last_s:
                si = intern(s, len(ids))
                last_s = s
            sa(si)
            try:  # the few predicates are met again and again
                pa(ids[p])
            except KeyError:
                pa(intern(p, len(ids)))
            o, sep, g = rest.rpartition(b" ")
            if sep and g == last_g:  # the graph of the line before (so a graph's name)
                oa(intern(o, len(ids)))
                ga(gi)
            elif sep and (g[:1] == b"<" and g[-1:] == b">" or g[:2] == b"_:"):
                gi = intern(g, len(ids))
                last_g = g
                oa(intern(o, len(ids)))
                ga(gi)
            else:
                oa(intern(rest, len(ids)))
                ga(_DEFAULT)
    return b


#: below this size a file is read in one process: starting the others costs more than
#: they save (``benchmarks/site_read.py --prefixes``; docs/performance-site.md)
PARALLEL_MIN_BYTES = 64 << 20

#: at most this many keys are sorted at a time (as Python integers) when merging
_MERGE_KEYS = 2_000_000


#: triple keys in runs of one graph: (graph term, start, end) into one array, and the array
_Runs = tuple[list[tuple[int, int, int]], array]


class _Part(NamedTuple):
    """What a process made of its range of the file: its distinct terms sorted, the rank
    there of each term (by the number it had when first met), and the quads as those
    numbers."""

    texts: list[bytes]
    rank: array
    s: array
    p: array
    o: array
    g: array


def _read_parallel(path: Path, jobs: int) -> Store:
    """The store :func:`_read_canonical` makes, made by ``jobs`` forked processes.

    The file is cut into ``jobs`` ranges at the start of a named graph's lines; each
    process splits its range, checks its terms and sorts them (:func:`_split_part`).  Here
    the sorted terms of the parts are merged and ranked once, and each part's numbers
    mapped to those ranks with an array lookup; the processes then make the triple keys of
    their part's graphs (:func:`_part_keys`), and, each for a range of the keys' values, the
    distinct triples, the roles of their terms and the links between IRIs
    (:func:`_merge_range`, :func:`_mark`), merged here again in order.  Same arrays as the
    single process, for any number of processes."""
    from unld.publishing.site import workers

    cuts = _cuts(path, jobs)
    ranges = list(zip(cuts[:-1], cuts[1:], strict=True))
    parts: list[_Part] = workers.run(lambda r: _split_part(path, *r), ranges, jobs)
    # the terms: merged, ranked once; each part's first-met numbers -> global ranks
    merged = sorted(chain.from_iterable(part.texts for part in parts))  # sorted runs: merged
    texts = list(compress(merged, map(ne, merged, chain((None,), merged))))
    del merged
    number = dict(zip(texts, range(len(texts)), strict=True))
    ranks = []
    for part in parts:
        local = array("I", map(number.__getitem__, part.texts))
        ranks.append(array("I", map(local.__getitem__, part.rank)))
    del number
    for part in parts:
        part.texts.clear()
    n = max(1, len(texts))
    preds = sorted({ranks[i][p] for i, part in enumerate(parts) for p in set(part.p)})
    ranked = (n, preds)
    keyed = workers.run(
        lambda i: _part_keys((parts[i].s, parts[i].p, parts[i].o, parts[i].g), ranks[i], ranked),
        list(range(len(parts))),
        jobs,
    )
    parts.clear()  # the processes are done with them
    ranks.clear()
    graphs, gkeys = _graph_keys(keyed)
    del keyed
    # the distinct triples, their terms' roles and the links, by ranges of the keys
    lit_end = bisect.bisect_left(texts, b"<")
    iri_end = bisect.bisect_left(texts, b"=", lit_end)
    np_ = max(1, len(preds))
    geometry = _Shape(np_ * n, n, np_, lit_end, iri_end)
    sources = [(gkeys, a, z) for _, a, z in graphs]
    bounds = _bounds(gkeys, n * n * np_, jobs)
    marked = workers.run(lambda r: _merge_range(sources, r, geometry, len(texts)), bounds, jobs)
    keys = array("q")
    roles = 0
    for ks, rs, _ in marked:
        keys.extend(ks)
        roles |= int.from_bytes(rs, "little")
    links = [(inc, 0, len(inc)) for _, _, inc in marked]
    flat = array("q")
    for _, _, inc in marked:
        flat.extend(inc)
    # merged here when few: starting processes for them would cost more than it saves
    merging = jobs if len(flat) > _MERGE_KEYS else 1
    ibounds = _bounds(flat, n * n * np_, merging)
    del flat
    ikeys = array("q")
    for part_keys in workers.run(lambda r: _merge_range(links, r, None, 0)[0], ibounds, merging):
        ikeys.extend(part_keys)
    marked.clear()
    links.clear()
    return Store(texts, keys, preds, graphs, gkeys, (roles.to_bytes(len(texts), "little"), ikeys))


def _cuts(path: Path, parts: int) -> list[int]:
    """Where to cut the file into about ``parts`` ranges of lines: at the first line of a
    named graph (the lines of a graph are together in a build's file), or at a line start
    when no other graph starts in the next few megabytes."""
    size = path.stat().st_size
    cuts = [0]
    with open(path, "rb") as fh:
        for i in range(1, parts):
            fh.seek(max(size * i // parts, cuts[-1] + 1) - 1)
            fh.readline()  # to the start of the next line
            at = fh.tell()
            first = fh.readline()
            pos = at + len(first)
            while pos < at + _LOOK_AHEAD:
                line = fh.readline()
                if not line:
                    pos = size
                    break
                if _graph_field(line) != _graph_field(first):
                    break
                pos += len(line)
            else:
                pos = at
            if cuts[-1] < pos < size:
                cuts.append(pos)
    cuts.append(size)
    return cuts


def _graph_field(line: bytes) -> bytes:
    """The last term of a line (its graph, in a line of a named graph's quad)."""
    return line.rstrip(b"\n").rpartition(b" ")[0].rpartition(b" ")[2]


def _split_part(path: Path, start: int, end: int) -> _Part:
    """In a worker: split bytes ``start`` to ``end``, check the terms, sort them."""
    b = _split(path, start, end)
    _check_terms(b)
    texts = list(b.ids)
    b.ids = {}
    texts, rank = _ranked(texts)
    return _Part(texts, rank, b.s, b.p, b.o, b.g)


def _ranked(texts: list[bytes]) -> tuple[list[bytes], array]:
    """``texts`` sorted, and the place of each (by its number in ``texts``) in that order:
    terms are numbered in the byte order of their texts."""
    order = sorted(range(len(texts)), key=texts.__getitem__)
    rank = array("I", bytes(4 * len(texts)))
    for new, old in enumerate(order):
        rank[old] = new
    return [texts[i] for i in order], rank


def _part_keys(quads: tuple[array, array, array, array], rank: array, shape: tuple[int, list[int]]) -> _Runs:
    """The triple keys of each run of ``quads`` (subjects, predicates, objects and graphs
    as first-met term numbers, ``rank`` giving each its term) in one graph, sorted and
    distinct, as (graph term, start, end) into one array: for the whole file in one
    process, for its part in each of several."""
    s_, p_, o_, g_ = quads
    n, preds = shape
    np_ = max(1, len(preds))
    dense = {p: i for i, p in enumerate(preds)}
    pk = {old: dense[rank[old]] for old in set(p_)}
    names = {g: rank[g] for g in set(g_) if g >= 0}
    names[_DEFAULT] = _DEFAULT
    graph_of = array("i", map(names.__getitem__, g_))
    size = len(graph_of)
    cuts = [0, *compress(range(1, size), map(ne, graph_of, islice(graph_of, 1, None))), size]
    runs: list[tuple[int, int, int]] = []
    out = array("q")
    for start, end in zip(cuts[:-1], cuts[1:], strict=True):
        if start == end:
            continue
        chunk = [
            (rank[s] * np_ + pk[p]) * n + rank[o]
            for s, p, o in zip(s_[start:end], p_[start:end], o_[start:end], strict=True)
        ]
        if not all(map(lt, chunk, islice(chunk, 1, None))):
            chunk = sorted(set(chunk))
        runs.append((graph_of[start], len(out), len(out) + len(chunk)))
        out.extend(chunk)
    return runs, out


def _graph_keys(
    keyed: list[tuple[list[tuple[int, int, int]], array]],
) -> tuple[list[tuple[int, int, int]], array]:
    """The keys of each graph, in the order of the graphs' terms, as (graph term, start,
    end) into one array, from the runs :func:`_part_keys` made: a graph met in several runs
    (its quads not together in the file, or in several processes' parts) has their keys
    merged, sorted and distinct."""
    pieces = sorted((g, i, a, z) for i, (runs, _) in enumerate(keyed) for g, a, z in runs)
    graphs: list[tuple[int, int, int]] = []
    gkeys = array("q")
    for g, group in groupby(pieces, key=itemgetter(0)):
        runs = list(group)
        if len(runs) == 1:
            _, i, a, z = runs[0]
            chunk = keyed[i][1][a:z]
        else:
            chunk = array("q", sorted(set(chain.from_iterable(keyed[i][1][a:z] for _, i, a, z in runs))))
        graphs.append((g, len(gkeys), len(gkeys) + len(chunk)))
        gkeys.extend(chunk)
    return graphs, gkeys


def _bounds(keys: array, bound: int, least: int) -> list[tuple[int, int]]:
    """Ranges of values that cut ``keys`` (all in ``range(bound)``) into parts of at most
    about :data:`_MERGE_KEYS`, from a sample; as many as ``least`` processes or a multiple,
    so that each process gets as many parts of about the same size."""
    parts = -(-len(keys) // _MERGE_KEYS)
    parts = max(1, -(-parts // least)) * least
    sample = sorted(keys[:: max(1, len(keys) // (64 * parts))])
    if not sample:
        return [(0, bound)]
    cuts = sorted({0, *(sample[len(sample) * i // parts] for i in range(1, parts)), bound})
    return list(zip(cuts[:-1], cuts[1:], strict=True))


def _merge_range(
    sources: list[tuple[array, int, int]], lohi: tuple[int, int], shape: _Shape | None, nterms: int
) -> tuple[array, bytes, array]:
    """In a worker: the distinct values in ``range(lo, hi)`` of the sorted runs ``sources``
    (array, start, end), sorted; with a ``shape``, also the roles of their terms and their
    links, sorted, as :class:`Store` makes them (:func:`_mark`)."""
    lo, hi = lohi
    pieces = []
    for keys, a, z in sources:
        x = bisect.bisect_left(keys, lo, a, z)
        y = bisect.bisect_left(keys, hi, x, z)
        if x < y:
            pieces.append(keys[x:y])
    merged = sorted(chain.from_iterable(pieces))
    del pieces
    out = array("q", compress(merged, map(ne, merged, chain((None,), merged))))
    del merged
    if shape is None:
        return out, b"", array("q")
    roles = bytearray(nterms)
    incoming = array("q")
    _mark(out, shape, roles, incoming)
    return out, bytes(roles), array("q", sorted(incoming))


def _check_terms(b: _Builder) -> None:
    """Every term text must be what the parser would write for it, and sit where it may."""
    texts = list(b.ids)
    for ids, allowed in ((b.s, (b"<", b"_")), (b.p, (b"<",)), (b.g, (b"<", b"_"))):
        for i in set(ids):
            if i >= 0 and texts[i][:1] not in allowed:
                raise _NotCanonical
    for start in range(0, len(texts), 100_000):
        chunk = texts[start : start + 100_000]
        doc = b"".join(b"<urn:x:s> <urn:x:p> %b .\n" % t for t in chunk)
        try:
            parsed = [str(t.object).encode("utf-8") for t in ox.parse(doc, format=ox.RdfFormat.N_TRIPLES)]
        except SyntaxError:
            raise _NotCanonical from None
        if parsed != chunk:
            raise _NotCanonical
