"""The compiled SHACL engine gives the same report as pyshacl, the reference.

Compared on every valid and invalid example beside the shapes and on the graph of every
resolution of the corpus, both on the whole data graph and restricted to the resources a
graph describes (how the build uses it).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from tests.conftest import CORPUS
from unld.core.iri import IriPolicy
from unld.core.resources import ontology_dir
from unld.mapping.mapper import Mapper
from unld.parse import parse_source
from unld.sources import read_source
from unld.validation.validator import Problem, Validator

POLICY = IriPolicy()
EXAMPLES = sorted((ontology_dir() / "examples").glob("*/*.ttl"))


@pytest.fixture(scope="module")
def engines() -> tuple[Validator, Validator]:
    return Validator(POLICY, "fast"), Validator(POLICY, "pyshacl")


def key(p: Problem) -> tuple:
    return (p.severity, p.focus, p.path, p.value, p.shape, p.message)


def test_fast_engine_is_used(engines: tuple[Validator, Validator]) -> None:
    fast, _ = engines
    assert fast.engine_name == "fast" and fast.fast is not None
    # every shape of ours runs on the engine: none goes to the (slow) reference validator
    assert fast.refused == []


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_same_report_on_examples(engines: tuple[Validator, Validator], example) -> None:
    fast, ref = engines
    triples = list(ox.parse(example.read_bytes(), format=ox.RdfFormat.TURTLE, base_iri=POLICY.base))
    got = {key(p) for p in fast.validate(triples, only_own=False)}
    want = {key(p) for p in ref.validate(triples, only_own=False)}
    assert got == want
    if example.parent.name == "invalid":
        assert got  # each invalid example is reported (a violation, or a warning)


@pytest.fixture(scope="module")
def corpus_graphs() -> list:
    records = [parse_source(read_source(p)) for p in sorted(CORPUS.glob("*.txt"))]
    return list(Mapper(POLICY).map_many(records))


def test_same_report_on_the_corpus(engines: tuple[Validator, Validator], corpus_graphs) -> None:
    fast, ref = engines
    for mapped in corpus_graphs:
        whole = fast.validate(mapped.triples, mapped.graph, only_own=False)
        want = {key(p) for p in ref.validate(mapped.triples, mapped.graph, only_own=False)}
        assert {key(p) for p in whole} == want, (mapped.symbol, {key(p) for p in whole} ^ want)
        # restricted to the graph's own resources: the same results, filtered
        own = {t.subject.value for t in mapped.triples}
        assert {key(p) for p in fast.validate(mapped.triples, mapped.graph)} == {
            key(p) for p in whole if p.focus in own
        }


def test_same_report_on_the_shared_graphs(engines: tuple[Validator, Validator]) -> None:
    fast, ref = engines
    assert {key(p) for p in fast.validate_shared()} == {key(p) for p in ref.validate_shared()}


# --- shapes the engine used to get wrong, and shapes it refuses, on the corpus ------------

EXTRA_PREFIXES = """
@prefix unldsh: <https://w3id.org/unld/shapes#> .
@prefix unld: <https://w3id.org/unld/ontology#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def _with_extra_shapes(tmp_path, extra: str):
    path = tmp_path / "shapes.ttl"
    path.write_text((ontology_dir() / "shapes.ttl").read_text(encoding="utf-8") + EXTRA_PREFIXES + extra)
    return path


def test_property_shape_with_a_target_class_follows_its_path(tmp_path, corpus_graphs) -> None:
    """A sh:PropertyShape with sh:targetClass was once run as a node shape: its path was
    ignored, sh:datatype was checked on the resolution itself and sh:minCount dropped."""
    shapes = _with_extra_shapes(
        tmp_path,
        """
unldsh:Extra-two-numbers a sh:PropertyShape ;
    sh:targetClass unld:Resolution ;
    sh:path unld:resolutionNumber ;
    sh:datatype xsd:string ;
    sh:minCount 2 ;
    sh:message "two numbers, please" .
""",
    )
    fast, ref = Validator(POLICY, "fast", shapes), Validator(POLICY, "pyshacl", shapes)
    assert fast.refused == []
    for mapped in corpus_graphs[:5]:
        got = {key(p) for p in fast.validate(mapped.triples, mapped.graph)}
        assert got == {key(p) for p in ref.validate(mapped.triples, mapped.graph)}
        extra = [k for k in got if k[4] == "https://w3id.org/unld/shapes#Extra-two-numbers"]
        # one result per resolution, on its number, for the count (the values are strings)
        assert extra and all(k[2] == "https://w3id.org/unld/ontology#resolutionNumber" for k in extra)
        assert all(k[3] is None for k in extra)


def test_a_refused_shape_is_run_by_pyshacl_alone(tmp_path, corpus_graphs) -> None:
    """A shape the engine cannot run (here a SPARQL constraint on a property shape) goes to
    pyshacl; every other shape stays with the engine, and the report is pyshacl's."""
    shapes = _with_extra_shapes(
        tmp_path,
        """
unldsh:Extra-short-title a sh:PropertyShape ;
    sh:targetObjectsOf unld:describes ;
    sh:path unld:resolutionNumber ;
    sh:severity sh:Warning ;
    sh:sparql [
        a sh:SPARQLConstraint ;
        sh:message "a resolution number of fewer than 6 characters: {?value}" ;
        sh:select "SELECT $this ?value WHERE { $this $PATH ?value . FILTER(STRLEN(STR(?value)) < 6) }" ;
    ] .
""",
    )
    fast, ref = Validator(POLICY, "fast", shapes), Validator(POLICY, "pyshacl", shapes)
    assert [iri for iri, _ in fast.refused] == ["https://w3id.org/unld/shapes#Extra-short-title"]
    assert fast.fast is not None and len(fast.fast.shapes) == len(Validator(POLICY).fast.shapes)
    seen = 0
    for mapped in corpus_graphs:
        got = {key(p) for p in fast.validate(mapped.triples, mapped.graph)}
        assert got == {key(p) for p in ref.validate(mapped.triples, mapped.graph)}, mapped.symbol
        seen += sum(1 for k in got if k[4] == "https://w3id.org/unld/shapes#Extra-short-title")
    assert seen  # the refused shape did run (the corpus has numbers such as 78/1)


def test_report_conforms_follows_the_specification() -> None:
    """sh:conforms is false as soon as there is a result, a warning included."""
    from unld.validation.validator import report_graph

    triples = list(
        ox.parse(
            (ontology_dir() / "examples" / "invalid" / "LeadShape-no-concept.ttl").read_bytes(),
            format=ox.RdfFormat.TURTLE,
            base_iri=POLICY.base,
        )
    )
    problems = Validator(POLICY).validate(triples, only_own=False)
    warnings = [p for p in problems if p.severity == "Warning"]
    assert warnings and len(warnings) == len(problems)  # this example breaks a should, not a must

    def conforms(problems: list[Problem]) -> str:
        store = ox.Store()
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in report_graph(problems))
        (row,) = store.query("SELECT ?c WHERE { ?r <http://www.w3.org/ns/shacl#conforms> ?c }")
        return row["c"].value

    assert conforms(warnings) == "false"
    assert conforms([]) == "true"


#: a shape per feature the next shapes are to use, each failing on some corpus resources
NEXT_FEATURES = """
unldsh:Extra-title-languageIn a sh:PropertyShape ;
    sh:message "title-languageIn" ;
    sh:targetObjectsOf unld:describes ;
    sh:path <http://purl.org/dc/terms/title> ;
    sh:languageIn ( "fr" "es" ) .

unldsh:Extra-number-or a sh:PropertyShape ;
    sh:message "number-or" ;
    sh:targetSubjectsOf unld:paragraphNumber ;
    sh:path unld:paragraphNumber ;
    sh:or ( unldsh:Extra-integer unldsh:Extra-short ) .
unldsh:Extra-integer a sh:NodeShape ; sh:datatype xsd:integer .
unldsh:Extra-short a sh:NodeShape ; sh:maxLength 1 .

unldsh:Extra-part-of-inverse a sh:PropertyShape ;
    sh:message "part-of-inverse" ;
    sh:targetSubjectsOf unld:paragraphNumber ;
    sh:path [ sh:inversePath <http://data.europa.eu/eli/ontology#has_part> ] ;
    sh:maxCount 0 .

unldsh:Extra-meeting-node a sh:PropertyShape ;
    sh:message "meeting-node" ;
    sh:targetObjectsOf unld:describes ;
    sh:path unld:adoptedAtMeeting ;
    sh:node unldsh:Extra-recent-meeting .
unldsh:Extra-recent-meeting a sh:NodeShape ;
    sh:property [ sh:path unld:meetingDate ; sh:minInclusive "2019-01-01"^^xsd:date ] .

unldsh:Extra-position-lessThan a sh:PropertyShape ;
    sh:message "position-lessThan" ;
    sh:targetSubjectsOf unld:paragraphNumber ;
    sh:path unld:position ;
    sh:lessThan unld:paragraphNumber .
"""


def test_the_features_of_the_next_shapes(tmp_path, corpus_graphs) -> None:
    """sh:languageIn, sh:or, sh:inversePath, sh:node (with a date bound) and sh:lessThan: run
    by the engine itself, with pyshacl's report, on real graphs."""
    shapes = _with_extra_shapes(tmp_path, NEXT_FEATURES)
    fast, ref = Validator(POLICY, "fast", shapes), Validator(POLICY, "pyshacl", shapes)
    assert fast.refused == []
    fired: set[str] = set()
    for mapped in corpus_graphs[::5]:
        got = {key(p) for p in fast.validate(mapped.triples, mapped.graph)}
        assert got == {key(p) for p in ref.validate(mapped.triples, mapped.graph)}, mapped.symbol
        fired |= {k[4].rsplit("#", 1)[-1] for k in got if k[4] and "#Extra-" in k[4]}
    assert fired == {
        "Extra-title-languageIn",
        "Extra-number-or",
        "Extra-part-of-inverse",
        "Extra-meeting-node",
        "Extra-position-lessThan",
    }


@pytest.mark.parametrize("first", ["A", "Z"])
def test_a_shape_reaching_a_sparql_constraint_is_refused(first: str) -> None:
    """A SPARQL constraint runs once per shape with targets; a shape that reaches it through
    sh:node is refused, whichever of the two is compiled first."""
    from unld.validation.shacl import Engine

    other = "Z" if first == "A" else "A"
    ttl = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:{first} a sh:NodeShape ; sh:targetClass ex:C ;
    sh:sparql [ sh:select "SELECT $this WHERE {{ $this a ?c }}" ] .
ex:{other} a sh:NodeShape ; sh:targetClass ex:D ; sh:node ex:{first} .
"""
    engine = Engine(ox.parse(ttl.encode(), format=ox.RdfFormat.TURTLE), strict=False)
    assert [(n.value, "SPARQL" in reason) for n, reason in engine.refused] == [
        (f"http://example.org/{other}", True)
    ]
    assert [s.node.value for s in engine.shapes] == [f"http://example.org/{first}"]
