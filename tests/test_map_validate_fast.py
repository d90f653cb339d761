"""The fast paths of the workers' mapping and per-graph validation against their references.

- The SPARQL-based constraints run on a store that receives only the triples whose
  predicate their patterns name (:func:`unld.validation.shacl.sparql_predicates`): the
  reports equal those of a store receiving every triple, on the corpus, the Security
  Council texts, and graphs altered so that every SPARQL constraint fires.
- The batch mapper copies the vocabulary triples from the IRIs the view's writer says it
  gives: they are exactly the IRIs the JSON-LD reader finds as objects of the view.
- A mapped graph is read back leniently: the same triples as a strict reading.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from tests.conftest import CORPUS, EXAMPLE, ROOT
from unld.core.errors import InputError
from unld.core.iri import IriPolicy
from unld.core.namespaces import UNLD
from unld.mapping.mapper import Mapped, Mapper
from unld.mapping.view import load as load_view
from unld.parse import parse_source
from unld.sources import read_source
from unld.validation.shacl import sparql_predicates
from unld.validation.validator import Problem, Validator

POLICY = IriPolicy()
COUNCIL = ROOT / "tests" / "data" / "sc" / "corpus"


@pytest.fixture(scope="module")
def records() -> list[dict]:
    out = []
    paths = [EXAMPLE, *sorted(CORPUS.glob("A_RES_*.txt")), *sorted(COUNCIL.glob("*.txt"))]
    for path in paths:
        try:
            out.append(parse_source(read_source(path)))
        except InputError:
            continue
    assert len(out) > 50 and any(r["symbol"].startswith("S/") for r in out)
    return out


@pytest.fixture(scope="module")
def graphs(records: list[dict]) -> list[Mapped]:
    return list(Mapper(POLICY).map_many(records))


def test_the_shipped_constraints_name_their_predicates() -> None:
    """Every SPARQL constraint of the shapes names its predicates, so the fast path is taken."""
    keep = Validator(POLICY).fast.sparql_predicates  # type: ignore[union-attr]
    assert keep is not None
    names = {p.value for p in keep}
    assert {UNLD + "describes", UNLD + "adoptedBy", UNLD + "session", UNLD + "agendaItem"} <= names
    assert "http://www.w3.org/2000/01/rdf-schema#label" not in names


Q = "SELECT $this WHERE { %s }"


@pytest.mark.parametrize(
    "pattern, want",
    [
        ("$this <http://x/p> ?o . FILTER NOT EXISTS { $this <http://x/q> ?v }", {"p", "q"}),
        ("$this a ?c ; <http://x/p>/<http://x/q> ?o", {"type", "p", "q"}),
        ("$this ^<http://x/p>|<http://x/q> ?o . ?o (<http://x/r>)+ ?z", {"p", "q", "r"}),
        ("{ SELECT ?x WHERE { ?x <http://x/p> ?y } } BIND(?x AS $this)", {"p"}),
    ],
)
def test_predicates_of_patterns(pattern: str, want: set[str]) -> None:
    got = sparql_predicates([Q % pattern])
    assert got is not None
    assert {p.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1] for p in got} == want


@pytest.mark.parametrize(
    "query",
    [
        Q % "$this ?p ?o",  # a variable predicate: any triple may match
        Q % "$this <http://x/p>* ?o",  # length zero: every node of the graph matches
        Q % "$this <http://x/p>? ?o",
        Q % "$this <http://x/p>/<http://x/q>* ?o",
        Q % "$this !<http://x/p> ?o",  # a negated property set
        Q % "$this <http://x/p> ?o FILTER EXISTS { ?o ?q ?z }",
        Q % "GRAPH ?g { $this <http://x/p> ?o }",
        Q % "SERVICE <http://x/s> { $this <http://x/p> ?o }",
        "SELECT $this FROM <http://x/g> WHERE { $this <http://x/p> ?o }",
        "SELECT $this WHERE { $this <http://x/p ?o }",  # rdflib cannot read it
    ],
)
def test_patterns_that_may_match_any_triple(query: str) -> None:
    assert sparql_predicates([query]) is None


def _altered(mapped: Mapped) -> list[list[ox.Triple]]:
    """The graph with its agenda items, bases and titles taken out, and the graph with the
    Council said to adopt it: between them every SPARQL constraint of the shapes fires."""
    gone = {UNLD + "agendaItem", UNLD + "basedOn", "http://purl.org/dc/terms/title"}
    triples = mapped.triples
    resolution = next(t.object for t in triples if t.predicate.value == UNLD + "describes")
    council = ox.NamedNode(POLICY.base + "body/security-council")
    adopted = ox.Triple(resolution, ox.NamedNode(UNLD + "adoptedBy"), council)  # type: ignore[arg-type]
    return [[t for t in triples if t.predicate.value not in gone], [*triples, adopted]]


def test_the_sparql_store_with_fewer_triples_gives_the_same_reports(graphs: list[Mapped]) -> None:
    fast, every = Validator(POLICY), Validator(POLICY)
    assert every.fast is not None
    every.fast._sparql_predicates = None  # the reference: every triple goes into the store
    messages: set[str] = set()
    for mapped in graphs:
        for triples in [mapped.triples, *_altered(mapped)]:
            got: list[Problem] = fast.validate(triples, mapped.graph)
            assert got == every.validate(triples, mapped.graph), mapped.symbol
            messages |= {p.message for p in got}
    # the SPARQL constraints did fire, so the comparison can fail
    assert "The resolution does not say under which agenda item it was adopted." in messages
    assert any(m.startswith("A Security Council resolution has no session") for m in messages)


def test_the_view_writer_names_the_iris_the_reader_finds(records: list[dict]) -> None:
    graph = ox.NamedNode("urn:unld:test:view")
    for record in records:
        store = ox.Store()
        given = load_view(store, record, POLICY, graph)
        found = {
            q.object.value
            for q in store.quads_for_pattern(None, None, None, graph)
            if isinstance(q.object, ox.NamedNode)
        }
        assert given == found, record["symbol"]


def test_graphs_read_leniently_as_strictly(graphs: list[Mapped]) -> None:
    for mapped in graphs:
        strict = list(ox.parse(mapped.ntriples, format=ox.RdfFormat.N_TRIPLES))
        assert mapped.triples == strict, mapped.symbol
