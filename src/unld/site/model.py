"""The dataset as the site sees it: resources, their links both ways, and labels.

Everything is indexed once from the quads of a build; every list comes out sorted so that
the pages are the same bytes for the same input.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import pyoxigraph as ox

from unld.site.paths import ONTOLOGY_IRI, PHRASE_NS, RESERVED, page_path, split_fragment

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
UNLD = "https://w3id.org/unld/ontology#"
ELI = "http://data.europa.eu/eli/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
OWL = "http://www.w3.org/2002/07/owl#"
TIME = "http://www.w3.org/2006/time#"
PROV = "http://www.w3.org/ns/prov#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
CITO = "http://purl.org/spar/cito/"

TYPE = RDF + "type"
LABEL = RDFS + "label"

Obj = ox.NamedNode | ox.Literal | ox.BlankNode


def _key(t: ox.Triple) -> tuple[str, str, str]:
    return (str(t.subject), str(t.predicate), str(t.object))


def _num(value: str) -> tuple[int, str]:
    """Sort key that puts ``9`` before ``10`` and keeps letters after (``99k``)."""
    digits = "".join(c for c in value if c.isdigit())
    return (int(digits) if digits else 1 << 30, value)


@dataclass
class Dataset:
    """Indexes over the quads of one build."""

    base: str
    quads: list[ox.Quad]
    out: dict[str, dict[str, list[Obj]]] = field(default_factory=dict)
    inc: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    graphs: dict[str, list[ox.Triple]] = field(default_factory=dict)
    by_page: dict[str, set[ox.Triple]] = field(default_factory=dict)
    hashes: dict[str, set[str]] = field(default_factory=dict)
    #: IRIs of the dataset that got no page because no safe path could be made of them
    refused: list[str] = field(default_factory=list)

    @classmethod
    def from_quads(cls, quads: Iterable[ox.Quad], base: str) -> Dataset:
        quads = list(quads)
        ds = cls(base, quads)
        out: dict[str, dict[str, set[Obj]]] = defaultdict(lambda: defaultdict(set))
        inc: dict[str, set[tuple[str, str]]] = defaultdict(set)
        graphs: dict[str, set[ox.Triple]] = defaultdict(set)
        by_page: dict[str, set[ox.Triple]] = defaultdict(set)
        hashes: dict[str, set[str]] = defaultdict(set)
        for q in quads:
            for term in (q.subject, q.object):
                if isinstance(term, ox.NamedNode) and "#" in term.value:
                    hashes[split_fragment(term.value)[0]].add(term.value)
            if not isinstance(q.subject, ox.NamedNode):
                continue
            s, p, o = q.subject.value, q.predicate.value, q.object
            out[s][p].add(o)
            if isinstance(o, ox.NamedNode):
                inc[o.value].add((s, p))
            if isinstance(q.graph_name, ox.NamedNode):
                graphs[q.graph_name.value].add(q.triple)
            by_page[split_fragment(s)[0]].add(q.triple)
        ds.out = {s: {p: sorted(v, key=str) for p, v in ps.items()} for s, ps in out.items()}
        ds.inc = dict(inc)
        ds.graphs = {g: sorted(ts, key=_key) for g, ts in graphs.items()}
        ds.by_page = dict(by_page)
        ds.hashes = dict(hashes)
        return ds

    # --- reading values ------------------------------------------------------------------

    def objects(self, s: str, p: str) -> list[Obj]:
        return self.out.get(s, {}).get(p, [])

    def iris(self, s: str, p: str) -> list[str]:
        return [o.value for o in self.objects(s, p) if isinstance(o, ox.NamedNode)]

    def value(self, s: str, p: str, lang: str | None = "en") -> str | None:
        """One literal value: the one in ``lang`` when there is one, else the first."""
        lits = [o for o in self.objects(s, p) if isinstance(o, ox.Literal)]
        if not lits:
            return None
        for o in lits:
            if lang and o.language == lang:
                return o.value
        plain = [o for o in lits if not o.language]
        return (plain or lits)[0].value

    def iri(self, s: str, p: str) -> str | None:
        v = self.iris(s, p)
        return v[0] if v else None

    def types(self, s: str) -> list[str]:
        return self.iris(s, TYPE)

    def has_type(self, s: str, t: str) -> bool:
        return t in self.types(s)

    def subjects(self, p: str, o: str) -> list[str]:
        return sorted({s for s, pp in self.inc.get(o, ()) if pp == p})

    # --- labels --------------------------------------------------------------------------

    def label(self, iri: str) -> str:
        """What a person calls the resource: its label, name, title or symbol."""
        for p in (RDFS + "label", SKOS + "prefLabel"):
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
        if iri.startswith(self.base):
            return iri[len(self.base):] or iri
        return iri

    # --- pages ---------------------------------------------------------------------------

    @cached_property
    def pages(self) -> dict[str, str]:
        """Every IRI (without fragment) that gets a page, with its site path."""
        found: set[str] = set()
        for q in self.quads:
            for term in (q.subject, q.predicate, q.object, q.graph_name):
                if isinstance(term, ox.NamedNode):
                    found.add(split_fragment(term.value)[0])
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
            first = iri[len(self.base):].split("/", 1)[0]
            return first not in RESERVED
        return iri.startswith((ONTOLOGY_IRI, PHRASE_NS))

    @cached_property
    def describing_graph(self) -> dict[str, str]:
        """Resource -> the named graph that describes it (a resolution's own graph)."""
        out = {}
        for g in sorted(self.graphs):
            for res in self.iris(g, UNLD + "describes"):
                out.setdefault(res, g)
        return out

    def triples_of(self, iri: str) -> list[ox.Triple]:
        """What the page's Turtle and JSON-LD say: the named graph that describes the
        resource (a resolution's whole graph) and the graph named by the IRI, if any, plus
        every triple, in any graph, about the resource or one of its hash IRIs."""
        triples = set(self.by_page.get(iri, ()))
        for g in (self.describing_graph.get(iri), iri):
            if g and g in self.graphs:
                triples.update(self.graphs[g])
        return sorted(triples, key=_key)

    def fragments(self, iri: str) -> list[str]:
        """Hash IRIs of the page's resource that appear anywhere in the data."""
        return sorted(self.hashes.get(iri, ()))

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
        return sorted({s for s, p in self.inc.get(t, ()) if p == TYPE})

    def paragraph_owner(self, iri: str) -> str:
        return split_fragment(iri)[0]


def number_key(value: str) -> tuple[int, str]:
    return _num(value)
