"""The dataset as the site sees it: resources, their links both ways, and labels.

Everything is indexed once from the quads of a build (see :mod:`unld.publishing.site.store`); every
list comes out sorted so that the pages are the same bytes for the same input.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property, lru_cache
from typing import Generic, NamedTuple, TypeVar
from urllib.parse import unquote

import pyoxigraph as ox

from unld.core.namespaces import DCT, RDF, RDFS, SKOS, UNLD
from unld.publishing.site.paths import ONTOLOGY_IRI, PHRASE_NS, RESERVED, page_path, split_fragment
from unld.publishing.site.store import OBJECT, SUBJECT, Store

TYPE = RDF + "type"
LABEL = RDFS + "label"

Obj = ox.NamedNode | ox.Literal | ox.BlankNode


def _num(value: str) -> tuple[int, str]:
    """Sort key that puts ``9`` before ``10`` and keeps letters after (``99k``)."""
    digits = "".join(c for c in value if c.isdigit())
    return (int(digits) if digits else 1 << 30, value)


def literal(objs: Iterable[Obj], lang: str | None = "en") -> str | None:
    """One literal value of a property's objects: the one in ``lang`` when there is one,
    else the first without a language, else the first."""
    first = plain = None
    for o in objs:
        if isinstance(o, ox.Literal):
            language = o.language
            if lang and language == lang:
                return o.value
            if first is None:
                first = o
            if plain is None and not language:
                plain = o
    if first is None:
        return None
    return (plain or first).value


#: How many resources each process keeps decoded (all their properties), how many small
#: values derived from them (labels, classes, one property's values...), how many terms.
CACHE_SIZE = 20_000
VALUE_CACHE_SIZE = 100_000
TERM_CACHE_SIZE = 200_000


class Page(NamedTuple):
    """The triples of a page: their keys in the store (sorted), and the same keys by
    subject, ``(subject, its keys)``: the unit of both the Turtle and the JSON-LD, and
    what a resolution's page and its graph's page mostly share (their writers keep what
    they wrote of a subject's keys, :class:`.PageTurtle` and :class:`.PageJsonLd`)."""

    keys: list[int]
    groups: list[tuple[int, tuple[int, ...]]]


K = TypeVar("K")
V = TypeVar("V")


class Cache(Generic[K, V]):
    """A bounded memo: the entries read or written since the last turn, and those of the
    turn before; a turn comes every ``size`` new entries (so at most ``2 * size`` are
    kept, and the ones in use stay)."""

    __slots__ = ("size", "new", "old")

    def __init__(self, size: int) -> None:
        self.size = size
        self.new: dict[K, V] = {}
        self.old: dict[K, V] = {}

    def get(self, key: K) -> V | None:
        value = self.new.get(key)
        if value is None:
            value = self.old.get(key)
            if value is not None:
                self.put(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        self.new[key] = value
        if len(self.new) > self.size:
            self.old = self.new
            self.new = {}


#: A subject of a page not written yet: (its place in the output, the subject, its keys).
Missing = tuple[int, int, tuple[int, ...]]


def kept_blocks(cache: Cache[tuple[int, ...], bytes], page: Page, out: list[bytes | None]) -> list[Missing]:
    """Append to ``out`` what ``cache`` kept of each of ``page``'s subjects (by their triple
    keys; None where it kept nothing), and return the subjects it did not keep.  A page's
    Turtle and its JSON-LD are made of such blocks, and a resolution's page and its graph's
    page share most of theirs."""
    known = cache.new
    missing: list[Missing] = []
    for s, keys in page.groups:
        block = known.get(keys)
        if block is None:
            block = cache.get(keys)
            if block is None:
                missing.append((len(out), s, keys))
        out.append(block)
    return missing


_NONE: tuple = ()


#: The year of a Council symbol's path (``S/RES/1279(1999)``), printed ``S/RES/1279 (1999)``
_COUNCIL_YEAR = re.compile(r"(?<=\d)\((\d{4})\)$")


class Dataset:
    """What the site reads from the quads of one build: a :class:`Store` and a base.

    Each resource's properties are decoded from the store when first asked for and kept in
    a bounded cache, so memory follows the store, not the number of pages written.
    """

    def __init__(self, store: Store, base: str) -> None:
        self.store = store
        self.base = base
        #: IRIs of the dataset that got no page because no safe path could be made of them
        self.refused: list[str] = []
        self.label = lru_cache(maxsize=VALUE_CACHE_SIZE)(self._label)
        #: IRI values and literal values, by (subject, predicate): asked for again and again
        self.iris = lru_cache(maxsize=VALUE_CACHE_SIZE)(self._iris)
        self.value = lru_cache(maxsize=VALUE_CACHE_SIZE)(self._value)
        self._types = lru_cache(maxsize=VALUE_CACHE_SIZE)(self._types_of)
        type_id = store.find_iri(TYPE)
        self._type_index = store.pred_index(type_id) if type_id is not None else None
        self._props: Cache[str, dict[str, list[Obj]]] = Cache(CACHE_SIZE)
        self._terms: Cache[int, Obj] = Cache(TERM_CACHE_SIZE)
        self._hashes: dict[str, list[int]] | None = None
        #: term numbers of IRIs, and dense numbers of predicates, as :meth:`objects` reads them
        self._sid = lru_cache(maxsize=VALUE_CACHE_SIZE)(store.find_iri)
        self._pindex: dict[str, int | None] = {}
        #: the IRI of each predicate, by its number in the store's keys
        self.pvalues = self._pvalues = [store.value(p) for p in store.preds]

    def forget(self) -> None:
        """Drop the decoded properties and terms (the small derived values stay)."""
        self._props = Cache(CACHE_SIZE)
        self._terms = Cache(TERM_CACHE_SIZE)

    @classmethod
    def from_quads(cls, quads: Iterable[ox.Quad], base: str) -> Dataset:
        store = quads if isinstance(quads, Store) else Store.from_quads(quads)
        return cls(store, base)

    # --- the store -----------------------------------------------------------------------

    def terms(self, ids: Iterable[int]) -> dict[int, Obj]:
        """Term number -> ``pyoxigraph`` term, for ``ids`` (decoded once, then cached)."""
        st = self.store
        cache = self._terms
        out: dict[int, Obj] = {}
        literals = []
        for i in ids:
            if i in out:
                continue
            t = cache.get(i)
            if t is None:
                if st.lit_end <= i < st.iri_end:
                    t = ox.NamedNode(st.value(i))
                elif i < st.lit_end:
                    literals.append(i)
                    continue
                else:
                    t = ox.BlankNode(st.text(i)[2:].decode("utf-8"))
                cache.put(i, t)
            out[i] = t
        if literals:
            doc = b"".join(b"<urn:x:s> <urn:x:p> %b .\n" % st.text(i) for i in literals)
            for i, q in zip(literals, ox.parse(doc, format=ox.RdfFormat.N_TRIPLES), strict=True):
                out[i] = q.object
                cache.put(i, q.object)
        return out

    def props(self, s: str) -> dict[str, list[Obj]]:
        """The properties of the IRI ``s``: predicate -> objects, each list sorted by the
        objects' N-Triples text, as in the dumps."""
        found = self._props.get(s)
        if found is not None:
            return found
        st = self.store
        sid = st.find_iri(s)
        out: dict[str, list[Obj]] = {}
        if sid is not None:
            base = sid * st.m
            n = st.n
            split = [divmod(k - base, n) for k in st.subject_keys(sid)]
            terms = self.terms(o for _, o in split)
            pvalues = self._pvalues
            for pi, o in split:
                p = pvalues[pi]
                objs = out.get(p)
                if objs is None:
                    out[p] = [terms[o]]
                else:
                    objs.append(terms[o])
        self._props.put(s, out)
        return out

    def page(self, iri: str) -> Page:
        """The triples of the page of ``iri`` (see :meth:`page_keys`).  The properties of
        the IRI and its hash IRIs, all on the page, are kept for the HTML that follows."""
        st = self.store
        keys = self.page_keys(iri)
        m, n = st.m, st.n
        groups: list[tuple[int, tuple[int, ...]]] = []
        i, end = 0, len(keys)
        bisect_left = bisect.bisect_left
        while i < end:
            s = keys[i] // m
            j = bisect_left(keys, (s + 1) * m, i)
            groups.append((s, tuple(keys[i:j])))
            i = j
        own = set(self._subject_ids(iri))
        if own:
            mine = [(s, g) for s, g in groups if s in own]
            terms = self.terms({k % n for _, g in mine for k in g})
            pvalues = self._pvalues
            for s, g in mine:
                props: dict[str, list[Obj]] = {}
                base = s * m
                for k in g:
                    pi, o = divmod(k - base, n)
                    objs = props.get(pvalues[pi])
                    if objs is None:
                        props[pvalues[pi]] = [terms[o]]
                    else:
                        objs.append(terms[o])
                self._props.put(st.value(s), props)
        return Page(keys, groups)

    def incoming(self, o: str) -> list[tuple[str, str]]:
        """(subject, predicate) of every triple whose object is the IRI ``o`` and whose
        subject is an IRI, each once."""
        st = self.store
        oid = st.find_iri(o)
        if oid is None:
            return []
        out = []
        values: dict[int, str] = {}
        for ik in st.incoming_keys(oid):
            s, p = st.split_incoming(ik)
            sv = values.get(s)
            if sv is None:
                sv = values[s] = st.value(s)
            pv = values.get(p)
            if pv is None:
                pv = values[p] = st.value(p)
            out.append((sv, pv))
        return out

    def count_incoming(self, o: str, p: str) -> int:
        """How many IRI subjects link to ``o`` with ``p``."""
        st = self.store
        oid, pid = st.find_iri(o), st.find_iri(p)
        pi = st.pred_index(pid) if pid is not None else None
        if oid is None or pi is None:
            return 0
        np_ = st.np
        return sum(1 for ik in st.incoming_keys(oid) if ik % np_ == pi)

    def _subject_ids(self, iri: str) -> list[int]:
        """The IRI and its hash IRIs that are subjects, in term (N-Triples) order."""
        st = self.store
        ids = [i for i in self.hash_ids(iri) if st.roles[i] & SUBJECT]
        own = st.find_iri(iri)
        if own is not None and st.roles[own] & SUBJECT:
            ids.append(own)
        return sorted(ids)

    def hash_ids(self, iri: str) -> list[int]:
        if self._hashes is None:
            self._hashes = self._index_hashes()
        return self._hashes.get(iri, [])

    def _index_hashes(self) -> dict[str, list[int]]:
        """IRI -> its hash IRIs that are a subject or an object somewhere."""
        st = self.store
        out: dict[str, list[int]] = defaultdict(list)
        blob, off, roles = st.blob, st.off, st.roles
        for i in range(st.lit_end, st.iri_end):
            text = blob[off[i] : off[i + 1]]
            if b"#" in text and roles[i] & (SUBJECT | OBJECT):
                out[text[1 : text.index(b"#")].decode("utf-8")].append(i)
        return dict(out)

    def graph_keys(self, g: str) -> list[int]:
        """The triples (with an IRI subject) of the named graph ``g``."""
        st = self.store
        gid = st.find_iri(g)
        if gid is None:
            return []
        keys = st.graph_keys(gid)
        if not keys:
            return []
        if st.iri_end == st.nterms:  # no blank nodes: every subject is an IRI
            return keys.tolist()
        lo = st.lit_end * st.m
        hi = st.iri_end * st.m
        return [k for k in keys if lo <= k < hi]

    def graph_triples(self, g: str) -> list[ox.Triple]:
        return self.store.triples(self.graph_keys(g))

    @cached_property
    def graph_names(self) -> list[str]:
        """Named graphs (named by an IRI) holding a triple with an IRI subject."""
        st = self.store
        names = []
        lo, hi = st.lit_end * st.m, st.iri_end * st.m
        for g, start, end in st.graphs:
            if st.is_iri(g) and any(lo <= k < hi for k in st.gkeys[start:end]):
                names.append(st.value(g))
        return names

    # --- reading values ------------------------------------------------------------------

    def objects(self, s: str, p: str) -> list[Obj] | tuple[()]:
        """The objects of ``s`` and ``p``, sorted as in :meth:`props`: from its decoded
        properties when they are kept, else read alone.  Pages ask for one or two values
        of many resources (the symbol and title of each document a page links to): on a
        large corpus those resources' properties are not kept between the pages that ask,
        and decoding all of them for one value was most of what such a read cost."""
        props = self._props.new.get(s) or self._props.old.get(s)
        if props is not None:
            return props.get(p, _NONE)
        st = self.store
        sid = self._sid(s)
        pi = self._pindex.get(p, -1)
        if pi == -1:
            pid = st.find_iri(p)
            pi = self._pindex[p] = st.pred_index(pid) if pid is not None else None
        if sid is None or pi is None:
            return _NONE
        lo = (sid * st.np + pi) * st.n
        keys = st.keys
        start = bisect.bisect_left(keys, lo)
        end = bisect.bisect_left(keys, lo + st.n, start)
        if start == end:
            return _NONE
        ids = [k - lo for k in keys[start:end]]
        terms = self.terms(ids)
        return [terms[o] for o in ids]

    def _iris(self, s: str, p: str) -> tuple[str, ...]:
        return tuple([o.value for o in self.objects(s, p) if isinstance(o, ox.NamedNode)])

    def _value(self, s: str, p: str, lang: str | None = "en") -> str | None:
        """One literal value of ``s`` and ``p`` (see :func:`literal`)."""
        return literal(self.objects(s, p), lang)

    def iri(self, s: str, p: str) -> str | None:
        v = self.iris(s, p)
        return v[0] if v else None

    def types(self, s: str) -> tuple[str, ...]:
        return self._types(s)

    def _types_of(self, s: str) -> tuple[str, ...]:
        """The classes of ``s``: from its properties when they are decoded, else read
        alone (a page may ask for the class of thousands of paragraphs that link to it)."""
        props = self._props.new.get(s)
        if props is not None:
            return self._iris(s, TYPE)
        st = self.store
        sid = st.find_iri(s)
        pi = self._type_index
        if sid is None or pi is None:
            return ()
        lo = (sid * st.np + pi) * st.n
        keys = st.keys
        start = bisect.bisect_left(keys, lo)
        end = bisect.bisect_left(keys, lo + st.n, start)
        out = []
        for k in keys[start:end]:
            o = k - lo
            if st.lit_end <= o < st.iri_end:
                out.append(st.value(o))
        return tuple(out)

    def has_type(self, s: str, t: str) -> bool:
        return t in self.types(s)

    def subjects(self, p: str, o: str) -> list[str]:
        return sorted({s for s, pp in self.incoming(o) if pp == p})

    # --- labels --------------------------------------------------------------------------

    def _label(self, iri: str) -> str:
        """What a person calls the resource: its preferred label, label, title or symbol.

        ``skos:prefLabel`` comes first: a body of the registry has its full name there,
        while its ``rdfs:label`` may be the name a resolution printed ("Panel of Experts",
        the same for three panels)."""
        for p in (SKOS + "prefLabel", RDFS + "label"):
            v = self.value(iri, p)
            if v:
                return v
        if self.has_type(iri, UNLD + "AgendaItem") and self.value(iri, UNLD + "itemNumber"):
            number = self.value(iri, UNLD + "itemNumber") or ""
            sub = self.value(iri, UNLD + "subItem") or ""
            session = self.iri(iri, UNLD + "session")
            tail = f" (session {session.rsplit('/', 1)[-1]})" if session else ""
            return f"Agenda item {number}{sub}{tail}"
        for p in (DCT + "title", UNLD + "symbol"):
            v = self.value(iri, p)
            if v:
                return v
        head, frag = split_fragment(iri)
        if head.startswith(UNLD.rstrip("#")) and frag:
            return frag
        if frag:
            return f"{self.label(head)} #{frag}"
        if iri.startswith(self.base + "doc/"):
            # a document known by its IRI alone (the body registry's sources): the symbol
            # its path was made of, a Council resolution's year set apart as printed
            return _COUNCIL_YEAR.sub(r" (\1)", unquote(iri[len(self.base) + len("doc/") :]))
        if iri.startswith(self.base):
            return iri[len(self.base) :] or iri
        return iri

    # --- pages ---------------------------------------------------------------------------

    @cached_property
    def pages(self) -> dict[str, str]:
        """Every IRI (without fragment) that gets a page, with its site path."""
        st = self.store
        found: set[str] = set()
        blob, off = st.blob, st.off
        for i in range(st.lit_end, st.iri_end):
            text = blob[off[i] + 1 : off[i + 1] - 1]
            cut = text.find(b"#")
            found.add((text if cut < 0 else text[:cut]).decode("utf-8"))
        out = {}
        for iri in sorted(found):
            path = page_path(iri, self.base)
            if path:  # '' is the home page, written separately
                out[iri] = path
            elif path is None and self._ours(iri):
                self.refused.append(iri)
        return out

    def _ours(self, iri: str) -> bool:
        """An IRI of this dataset (under the base or the fixed namespaces) that is not one
        of the site's own files (the dumps)."""
        if iri.startswith(self.base):
            first = iri[len(self.base) :].split("/", 1)[0]
            return first not in RESERVED
        return iri.startswith((ONTOLOGY_IRI, PHRASE_NS))

    @cached_property
    def describing_graph(self) -> dict[str, str]:
        """Resource -> the named graph that describes it (a resolution's own graph)."""
        out: dict[str, str] = {}
        for g in sorted(self.graph_names):
            for res in self.iris(g, UNLD + "describes"):
                out.setdefault(res, g)
        return out

    def page_keys(self, iri: str) -> list[int]:
        """What the page's Turtle and JSON-LD say (as triple keys, sorted): the named graph
        that describes the resource (a resolution's whole graph) and the graph named by the
        IRI, if any, plus every triple, in any graph, about the resource or one of its hash
        IRIs."""
        st = self.store
        keys: list[int] = []
        for sid in self._subject_ids(iri):
            keys.extend(st.subject_keys(sid))
        graphs = [g for g in dict.fromkeys((self.describing_graph.get(iri), iri)) if g]
        extra = [k for g in graphs for k in self.graph_keys(g)]
        if extra:
            keys = sorted(set(keys).union(extra))
        return keys

    def triples_of(self, iri: str) -> list[ox.Triple]:
        return self.store.triples(self.page_keys(iri))

    def fragments(self, iri: str) -> list[str]:
        """Hash IRIs of the page's resource that appear anywhere in the data."""
        st = self.store
        return sorted(st.value(i) for i in self.hash_ids(iri))

    # --- kinds of resources ----------------------------------------------------------------

    @cached_property
    def resolutions(self) -> list[str]:
        """Resolutions built here (with their own named graph), by session and number."""
        res = [r for r in self.describing_graph if self.has_type(r, UNLD + "Resolution")]
        return sorted(res, key=self.doc_sort_key)

    def doc_sort_key(self, iri: str) -> tuple:
        symbol = self.value(iri, UNLD + "symbol") or iri
        parts = symbol.replace(" ", "/").split("/")
        return tuple(_num(p) for p in parts)

    def of_type(self, t: str) -> list[str]:
        return self.subjects(TYPE, t)

    def terms_in(self, namespace: str, roles: int) -> list[str]:
        """IRIs starting with ``namespace`` (and longer) that have one of ``roles``."""
        st = self.store
        return [
            st.value(i)
            for i in st.iris_with_prefix(namespace)
            if st.roles[i] & roles and st.off[i + 1] - st.off[i] > len(namespace) + 2
        ]

    def paragraph_owner(self, iri: str) -> str:
        return split_fragment(iri)[0]


def number_key(value: str) -> tuple[int, str]:
    return _num(value)
