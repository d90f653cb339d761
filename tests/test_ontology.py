"""The ontology, its alignments, the phrase vocabularies, the registry of bodies and the shapes.

The quality checks are the queries of ``ontology/qc/*-violation.rq``: each names its failure,
and any row it returns fails the test.  Each query is also run on a small graph that has the
fault, so that a query that can never return a row does not pass unnoticed.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest

from unld.core.resources import mappings_dir, ontology_dir
from unld.mapping.phrases import phrase_key

ONTOLOGY = ontology_dir()
QC = ONTOLOGY / "qc"
GOLD = Path("/work/shared/gold")
DATA_BASE = "https://w3id.org/unld/"
UNLD = "https://w3id.org/unld/ontology#"
PHRASE = "https://w3id.org/unld/phrase/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CITO = "http://purl.org/spar/cito/"
UN_LANGUAGES = {"ar", "zh", "en", "fr", "ru", "es"}

#: The published files of ontology/ (examples are test data, not published).
PUBLISHED = ["unld.ttl", "phrases.ttl", "bodies.ttl", "shapes.ttl"] + sorted(
    f"align/{p.name}" for p in (ONTOLOGY / "align").glob("*.ttl")
)

#: Forward citation properties of CiTO that a phrase may name.
CITO_PROPERTIES = {
    "agreesWith",
    "citesAsAuthority",
    "citesAsDataSource",
    "citesAsEvidence",
    "citesAsMetadataDocument",
    "citesAsPotentialSolution",
    "citesAsRecommendedReading",
    "citesAsRelated",
    "citesAsSourceDocument",
    "citesForInformation",
    "compiles",
    "confirms",
    "containsAssertionFrom",
    "corrects",
    "credits",
    "critiques",
    "derides",
    "describes",
    "disagreesWith",
    "discusses",
    "disputes",
    "documents",
    "extends",
    "includesExcerptFrom",
    "includesQuotationFrom",
    "linksTo",
    "obtainsBackgroundFrom",
    "obtainsSupportFrom",
    "parodies",
    "plagiarizes",
    "qualifies",
    "refutes",
    "repliesTo",
    "retracts",
    "reviews",
    "ridicules",
    "speculatesOn",
    "supports",
    "updates",
    "usesConclusionsFrom",
    "usesDataFrom",
    "usesMethodIn",
}


def _load(store: ox.Store, name: str, graph: ox.NamedNode | ox.DefaultGraph | None = None) -> None:
    with open(ONTOLOGY / name, "rb") as fh:
        store.load(fh, format=ox.RdfFormat.TURTLE, base_iri=DATA_BASE, to_graph=graph or ox.DefaultGraph())


@cache
def union() -> ox.Store:
    store = ox.Store()
    for name in PUBLISHED:
        _load(store, name)
    return store


def _rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    return [tuple(str(v) for v in row) for row in store.query(query)]


# --- files -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", PUBLISHED + sorted(str(p.relative_to(ONTOLOGY)) for p in (ONTOLOGY / "examples").rglob("*.ttl"))
)
def test_file_parses(name: str) -> None:
    store = ox.Store()
    _load(store, name)
    assert len(store) > 0


@pytest.mark.parametrize("name", PUBLISHED)
def test_no_blank_nodes(name: str) -> None:
    store = ox.Store()
    _load(store, name)
    blank = [q for q in store if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)]
    assert not blank, f"{name}: {len(blank)} triples with blank nodes, e.g. {blank[0]}"


def test_ontology_header() -> None:
    q = f"""
    PREFIX owl: <{OWL}> PREFIX dcterms: <http://purl.org/dc/terms/>
    PREFIX skos: <{SKOS}> PREFIX vann: <http://purl.org/vocab/vann/>
    SELECT ?version ?info ?prefix ?license ?title WHERE {{
      <https://w3id.org/unld/ontology> a owl:Ontology ; owl:versionIRI ?version ;
        owl:versionInfo ?info ; vann:preferredNamespacePrefix ?prefix ;
        dcterms:license ?license ; dcterms:title ?title ; dcterms:description ?d ;
        skos:historyNote ?h .
    }}"""
    rows = _rows(union(), q)
    assert rows == [
        (
            "<https://w3id.org/unld/ontology/0.1.0>",
            '"0.1.0"',
            '"unld"',
            "<https://creativecommons.org/licenses/by/4.0/>",
            rows[0][4],
        )
    ]
    notes = _rows(
        union(),
        f"""SELECT ?n WHERE {{
        <https://w3id.org/unld/ontology> <{SKOS}changeNote> ?n }}""",
    )
    assert notes and all(re.match(r'^"\d{4}-\d{2}-\d{2} ', n[0]) for n in notes), notes


# --- quality-check queries -------------------------------------------------------------------

QC_QUERIES = sorted(p.name for p in QC.glob("*-violation.rq"))

#: For each query, a graph with the fault it names (added to the real files).
FAULTS = {
    "missing-definition-violation.rq": 'unld:Bad a owl:Class ; rdfs:label "bad"@en ; rdfs:isDefinedBy <https://w3id.org/unld/ontology> .',
    "missing-label-violation.rq": 'unld:bad a owl:DatatypeProperty ; skos:definition "Bad."@en .',
    "missing-defined-by-violation.rq": 'unld:bad a owl:ObjectProperty ; rdfs:label "bad"@en .',
    "property-without-domain-or-range-violation.rq": "unld:bad a owl:ObjectProperty ; rdfs:domain unld:Resolution .",
    "class-without-shape-violation.rq": "unld:Bad a owl:Class .",
    "shape-targets-unknown-class-violation.rq": "<https://w3id.org/unld/shapes#BadShape> sh:targetClass unld:Resolutoin .",
    "shape-without-message-violation.rq": "<https://w3id.org/unld/shapes#Bad-x> a sh:PropertyShape ; sh:path unld:x .",
    "phrase-concept-without-definition-violation.rq": "phrase:bad a skos:Concept ; skos:inScheme phrase:operative .",
    "phrase-concept-incomplete-violation.rq": 'phrase:bad skos:inScheme phrase:operative ; skos:notation "worse" .',
    "citation-function-not-cito-violation.rq": "phrase:recalls unld:citationFunction <http://example.org/cites> .",
    "deprecated-without-history-note-violation.rq": "unld:Old a owl:Class ; owl:deprecated true .",
}
FAULT_PREFIXES = f"""
@prefix unld: <{UNLD}> . @prefix owl: <{OWL}> . @prefix skos: <{SKOS}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix phrase: <{PHRASE}> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
"""


@pytest.mark.parametrize("name", QC_QUERIES)
def test_quality_check(name: str) -> None:
    rows = _rows(union(), (QC / name).read_text(encoding="utf-8"))
    assert not rows, f"{name}:\n" + "\n".join("  ".join(r) for r in rows)


@pytest.mark.parametrize("name", QC_QUERIES)
def test_quality_check_catches_its_fault(name: str) -> None:
    assert name in FAULTS, f"{name}: add a graph with its fault to FAULTS"
    store = ox.Store()
    for q in union():
        store.add(q)
    store.load((FAULT_PREFIXES + FAULTS[name]).encode(), format=ox.RdfFormat.TURTLE)
    assert _rows(store, (QC / name).read_text(encoding="utf-8")), f"{name} missed its fault"


# --- terms -----------------------------------------------------------------------------------


@cache
def declared_terms() -> set[str]:
    q = f"""SELECT ?t WHERE {{
      VALUES ?k {{ <{OWL}Class> <{OWL}ObjectProperty> <{OWL}DatatypeProperty>
                  <{OWL}AnnotationProperty> <{OWL}NamedIndividual> }}
      ?t a ?k FILTER(STRSTARTS(STR(?t), "{UNLD}")) }}"""
    return {row["t"].value for row in union().query(q)}


def _used_terms(text: str) -> set[str]:
    # "unld:" as a prefixed name, not inside another IRI such as <urn:unld:view:>
    return {UNLD + m for m in re.findall(r"(?<![\w:/])unld:([A-Za-z_]\w*)", text)}


@pytest.mark.parametrize("path", sorted(mappings_dir().glob("*.rq")), ids=lambda p: p.name)
def test_mapping_uses_only_declared_terms(path: Path) -> None:
    missing = _used_terms(path.read_text(encoding="utf-8")) - declared_terms()
    assert not missing, f"{path.name} uses undeclared terms: {sorted(missing)}"


@pytest.mark.parametrize(
    "name",
    ["bodies.ttl", "phrases.ttl", "shapes.ttl"]
    + sorted(f"align/{p.name}" for p in (ONTOLOGY / "align").glob("*.ttl")),
)
def test_vocabularies_use_only_declared_terms(name: str) -> None:
    store = ox.Store()
    _load(store, name)
    used = {
        str(n.value)
        for q in store
        for n in (q.subject, q.predicate, q.object)
        if isinstance(n, ox.NamedNode) and n.value.startswith(UNLD)
    }
    missing = used - declared_terms()
    assert not missing, f"{name} uses undeclared terms: {sorted(missing)}"


def test_mandate_periods_of_registry_are_consistent() -> None:
    q = f"""SELECT ?body ?m WHERE {{
      {{ ?body <{UNLD}mandatePeriod> ?m FILTER NOT EXISTS {{ ?m <{UNLD}mandateOf> ?body }} }}
      UNION
      {{ ?m <{UNLD}mandateOf> ?body FILTER NOT EXISTS {{ ?body <{UNLD}mandatePeriod> ?m }} }}
    }}"""
    assert not _rows(union(), q)


# --- registry of bodies ----------------------------------------------------------------------


def test_organs_and_main_committees_are_labelled_in_the_six_languages() -> None:
    q = f"""SELECT ?body (GROUP_CONCAT(LANG(?l); separator=" ") AS ?langs) WHERE {{
      VALUES ?kind {{ <{UNLD}Organ> <{UNLD}Committee> }}
      ?body a ?kind ; <{SKOS}prefLabel> ?l .
    }} GROUP BY ?body"""
    rows = list(union().query(q))
    assert len(rows) >= 10  # the principal organs of the registry and the six Main Committees
    for row in rows:
        langs = set(row["langs"].value.split())
        assert langs >= UN_LANGUAGES, f"{row['body']}: missing {sorted(UN_LANGUAGES - langs)}"


def test_body_registry_is_described() -> None:
    assert bool(
        union().query(f"""ASK {{ <{DATA_BASE}body/registry> a <http://www.w3.org/ns/dcat#Dataset> ;
        <http://purl.org/dc/terms/title> ?t ; <http://purl.org/dc/terms/license> ?l }}""")
    )


def test_no_body_is_both_an_organization_and_a_concept() -> None:
    # a body typed skos:Concept and owl:sameAs a Wikidata item would make the item a concept
    q = f"""SELECT ?body WHERE {{
      ?body <{SKOS}prefLabel> ?l ; <{UNLD}bodyKind> ?k .
      {{ ?body a <{SKOS}Concept> }} UNION {{ ?body <{SKOS}inScheme> ?s }} }}"""
    assert not _rows(union(), q)
    # every body of the registry is stated an organization (no reasoner needed)
    q = f"""SELECT ?body WHERE {{ ?body <{UNLD}bodyKind> ?k
      FILTER NOT EXISTS {{ ?body a <http://www.w3.org/ns/org#Organization> }} }}"""
    assert not _rows(union(), q)


def test_names_in_other_languages_cite_their_source() -> None:
    q = f"""SELECT DISTINCT ?body WHERE {{
      ?body <{UNLD}bodyKind> ?k ; <{SKOS}prefLabel> ?l FILTER(LANG(?l) != "en")
      FILTER NOT EXISTS {{ ?body <http://purl.org/dc/terms/source> ?src }} }}"""
    assert not _rows(union(), q)


def test_every_body_has_a_kind_and_an_english_name() -> None:
    q = f"""SELECT ?body WHERE {{
      ?body <http://www.w3.org/2000/01/rdf-schema#isDefinedBy> <{DATA_BASE}body/registry> .
      FILTER NOT EXISTS {{ ?body <{UNLD}bodyKind> ?k ; <{SKOS}prefLabel> ?l
                           FILTER(LANG(?l) = "en") }} }}"""
    assert not _rows(union(), q)


# --- phrase vocabularies ---------------------------------------------------------------------


def keys(leads: list[str]) -> dict[str, str]:
    """Phrase key of each lead, computed as the mapping computes it."""
    return {lead: phrase_key(lead) for lead in set(leads)}


@cache
def scheme_of() -> dict[str, str]:
    q = f"SELECT ?c ?s WHERE {{ ?c <{SKOS}inScheme> ?s FILTER(STRSTARTS(STR(?c), '{PHRASE}')) }}"
    return {row["c"].value[len(PHRASE) :]: row["s"].value[len(PHRASE) :] for row in union().query(q)}


def _gold_leads(field: str) -> list[str]:
    leads: list[str] = []
    for path in sorted(GOLD.glob("*.json")):
        leads += json.loads(path.read_text(encoding="utf-8")).get(field) or []
    return leads


@pytest.mark.parametrize(
    ("field", "scheme"), [("preambular_leads", "preambular"), ("operative_leads", "operative")]
)
def test_every_gold_lead_has_a_concept_in_its_scheme(field: str, scheme: str) -> None:
    leads = _gold_leads(field)
    assert len(leads) > 100
    missing = {lead: key for lead, key in keys(leads).items() if scheme_of().get(key) != scheme}
    assert not missing, f"leads without a {scheme} concept: {missing}"


def test_phrase_keys_follow_the_rule() -> None:
    """The key computed from each prefLabel is the concept's notation and IRI."""
    q = f"""SELECT ?c ?label ?notation WHERE {{
      ?c <{SKOS}inScheme> ?s ; <{SKOS}prefLabel> ?label ; <{SKOS}notation> ?notation
      FILTER(STRSTARTS(STR(?c), "{PHRASE}")) }}"""
    rows = list(union().query(q))
    assert len(rows) > 150
    computed = keys([row["label"].value for row in rows])
    for row in rows:
        key = row["c"].value[len(PHRASE) :]
        assert row["notation"].value == key
        assert computed[row["label"].value] == key, row["label"].value


def test_known_keys() -> None:
    assert keys(
        [
            "Recalling also",
            "Also requests",
            "Takes note with appreciation",
            "Deeply concerned",
            "Bearing in mind",
            "Expresses its appreciation",
            "Continues to encourage",
            "Reaffirming once more",
        ]
    ) == {
        "Recalling also": "recalling",
        "Also requests": "requests",
        "Takes note with appreciation": "takes-note-with-appreciation",
        "Deeply concerned": "concerned",
        "Bearing in mind": "bearing-in-mind",
        "Expresses its appreciation": "expresses-its-appreciation",
        "Continues to encourage": "encourage",
        "Reaffirming once more": "reaffirming",
    }


def test_the_key_drops_every_adverb_the_parser_keeps_in_a_lead() -> None:
    """The parser keeps a leading adverb in the lead ("Equally concerned", from a real
    resolution of session 78); the key is made without it, whatever the adverb, so that the
    paragraph still points at its concept.  The adverbs come from the parser itself."""
    from unld.parse.leads import INNER_ADVERBS, PRE_ADVERBS, lead_phrase

    assert lead_phrase("Equally concerned about the humanitarian situation,") == "Equally concerned"
    assert keys(["Equally concerned", "Unequivocally condemning", "Having duly noted"]) == {
        "Equally concerned": "concerned",
        "Unequivocally condemning": "condemning",
        "Having duly noted": "having-noted",
    }
    for adverb in sorted(PRE_ADVERBS):
        assert phrase_key(f"{adverb.capitalize()} requests") == "requests", adverb
    for adverb in sorted(INNER_ADVERBS):
        assert phrase_key(f"Having {adverb} considered") == "having-considered", adverb


def test_citation_functions_are_cito_properties() -> None:
    q = f"SELECT ?c ?f WHERE {{ ?c <{UNLD}citationFunction> ?f }}"
    rows = list(union().query(q))
    assert rows
    for row in rows:
        f = row["f"].value
        assert f.startswith(CITO) and f[len(CITO) :] in CITO_PROPERTIES, (row["c"], f)


def test_common_phrases_are_present() -> None:
    common = [
        "decides",
        "requests",
        "calls-upon",
        "urges",
        "takes-note",
        "notes-with-concern",
        "proclaims",
        "declares",
        "condemns",
        "demands",
        "authorizes",
        "approves",
        "endorses",
        "invites",
        "encourages",
        "recommends",
        "reaffirming",
        "bearing-in-mind",
        "noting-with-concern",
        "concerned",
        "alarmed",
        "convinced",
        "mindful",
        "aware",
        "welcoming",
        "acknowledging",
        "having-considered",
        "guided",
    ]
    missing = [k for k in common if k not in scheme_of()]
    assert not missing, missing
