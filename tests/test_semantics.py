"""Semantics a knowledge-graph engineer can trust, on the real corpus and real texts.

Citations: eli:cites only between acts, dcterms:references for other documents, a CiTO
function only where the lead phrase governs the cited document, a citation node for each
citation, and no General Assembly decision made out of another body's.  The key ELI terms
are stated, not only entailed, and every English label carries its language tag.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.conftest import CORPUS, ROOT
from tests.sparql import load_store, rows
from unld.build.pipeline import BuildResult
from unld.parse import parse_source
from unld.parse.citations import object_of_lead
from unld.sources import read_source

BASE = "https://w3id.org/unld/"
WILD = ROOT / "tests" / "data" / "wild78"
UNLD_NS = "https://w3id.org/unld/ontology#"
PREFIX_SPDX = "PREFIX spdx: <http://spdx.org/rdf/terms#>\n"


@pytest.fixture(scope="module")
def built(corpus_built: tuple[Path, BuildResult]) -> tuple[Path, ox.Store, BuildResult]:
    out, result = corpus_built
    return out, load_store(out), result


def count(store: ox.Store, where: str) -> int:
    """Solutions of ``where`` (a group pattern, or a sub-select in braces' place)."""
    inner = f"{{ {where} }}" if where.startswith("SELECT") else where
    got = rows(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ {inner} }}")
    return int(got[0][0])


def record(path: Path) -> dict:
    return parse_source(read_source(path))


# --- citations -------------------------------------------------------------------------------


def test_the_corpus_conforms(built) -> None:
    _, _, result = built
    assert result.violations == []


def test_eli_cites_only_between_acts(built) -> None:
    _, store, _ = built
    assert count(store, "?s eli:cites ?o FILTER NOT EXISTS { ?o a eli:LegalResource }") == 0
    assert (
        count(
            store,
            "?s eli:cites ?o FILTER NOT EXISTS { ?o a ?t FILTER(?t IN (unld:Resolution, unld:Decision)) }",
        )
        == 0
    )
    # the reports and meeting records are referenced, not eli:cited
    referenced = rows(
        store,
        """SELECT DISTINCT ?sym WHERE {
             <https://w3id.org/unld/doc/A/RES/76/19> dcterms:references ?d . ?d unld:symbol ?sym }""",
    )
    assert ("A/75/816",) in referenced and ("A/65/201",) in referenced
    assert count(store, "?s eli:cites <https://w3id.org/unld/doc/A/75/816>") == 0
    # no cited report becomes a legal resource
    assert count(store, "<https://w3id.org/unld/doc/A/75/816> a eli:LegalResource") == 0


def test_a_citation_outside_the_lead_verbs_object_is_not_typed() -> None:
    # A/RES/79/22 op2: "Welcomes the deliberations ... of the open-ended working group ...
    # established by the General Assembly in its resolution 76/231": not an agreement with 76/231
    rec = record(CORPUS / "A_RES_79_22.txt")
    [c] = [c for c in rec["citations"] if c["in"] == "op2" and c["target"] == "A/RES/76/231"]
    assert c["object_of_lead"] is False
    # pp1 "Recalling its resolutions 75/36 ..., 76/231 ...": every listed resolution is recalled
    pp1 = [c for c in rec["citations"] if c["in"] == "pp1"]
    assert {c["target"] for c in pp1} >= {"A/RES/75/36", "A/RES/76/231", "A/RES/78/20", "A/RES/78/238"}
    assert all(c["object_of_lead"] for c in pp1)


def test_object_of_lead_on_printed_phrases() -> None:
    text = "Welcomes the deliberations of the working group established by resolution 76/231;"
    assert not object_of_lead(text, "Welcomes", text.index("76/231"))
    text = "Takes note of the report of the Secretary-General A/75/201;"
    assert object_of_lead(text, "Takes note", text.index("A/75/201"))
    text = (
        "Stresses the need, and in this regard recalls its resolution 46/232, which contains the principles"
    )
    assert not object_of_lead(text, "Stresses", text.index("46/232"))


def test_citation_functions_follow_the_lead_only_for_its_object(built) -> None:
    _, store, _ = built
    got = rows(
        store,
        """SELECT ?f WHERE {
          ?c cito:hasCitingEntity <https://w3id.org/unld/doc/A/RES/79/22#op2> ;
             cito:hasCitedEntity <https://w3id.org/unld/doc/A/RES/76/231> ;
             cito:hasCitationCharacterization ?f }""",
    )
    assert got == [("http://purl.org/spar/cito/cites",)]
    assert count(store, "<https://w3id.org/unld/doc/A/RES/79/22#op2> cito:agreesWith ?x") == 0
    got = rows(
        store,
        """SELECT ?f WHERE {
          ?c cito:hasCitingEntity <https://w3id.org/unld/doc/A/RES/79/22#pp1> ;
             cito:hasCitedEntity <https://w3id.org/unld/doc/A/RES/76/231> ;
             cito:hasCitationCharacterization ?f }""",
    )
    assert got == [("http://purl.org/spar/cito/citesAsRelated",)]


def test_each_citation_node_points_at_the_words_that_cite(built) -> None:
    _, store, _ = built
    got = rows(
        store,
        """SELECT ?c ?text ?as ?at WHERE {
          ?c a cito:Citation ; cito:hasCitingEntity ?part ; unld:citedAs ?as ; unld:characterOffset ?at .
          ?part unld:text ?text }""",
    )
    assert len(got) > 1000
    wrong = [(c, a) for c, text, a, at in got if not text[int(at) :].startswith(a)]
    assert not wrong, wrong[:5]
    assert count(store, "?c a cito:Citation FILTER NOT EXISTS { ?c a unld:Citation }") == 0


@pytest.mark.parametrize("name", ["A_RES_78_146.txt", "A_RES_78_320.txt"])
def test_another_bodys_decision_is_not_a_general_assembly_decision(name: str) -> None:
    # "decision 15/4 at the fifteenth meeting of the Conference of the Parties to the
    # Convention on Biological Diversity": not A/DEC/15/4
    rec = record(WILD / name)
    targets = {c["target"] for c in rec["citations"]}
    assert "A/DEC/15/4" not in targets
    [c] = [c for c in rec["citations"] if c["text"] == "15/4"]
    assert (c["kind"], c["body"], c["target"]) == ("decision", "Conference of the Parties", None)


def test_general_assembly_decisions_are_still_read() -> None:
    rec = parse_source(read_source(ROOT / "examples" / "A_RES_76_19.md"))
    targets = {c["target"] for c in rec["citations"]}
    assert {"A/DEC/72/512", "A/DEC/75/564"} <= targets


# --- ELI terms stated, language tags ----------------------------------------------------------


def test_acts_answer_in_eli_terms_without_inference(built) -> None:
    out, store, result = built
    query = (ROOT / "examples" / "queries" / "acts-in-eli-terms.rq").read_text()
    got = [tuple(t.value for t in s) for s in store.query(query, use_default_graph_as_union=True)]
    published = len(result.outcomes) - len(result.duplicates) - len(result.skipped)
    assert len(got) == published == 53
    by_id = {r[0]: r for r in got}
    assert by_id["A/RES/76/19"][1:3] == ("2021-12-06", BASE + "body/general-assembly")
    assert int(by_id["A/RES/76/19"][4]) > 20
    # schema.org's type is stated too
    assert count(store, "<https://w3id.org/unld/doc/A/RES/76/19> a schema:Legislation") == 1
    # every paragraph is an ELI subdivision of its act
    assert (
        count(
            store,
            "?p a unld:OperativeParagraph"
            " FILTER NOT EXISTS { ?p a eli:LegalResourceSubdivision ; eli:is_part_of ?x }",
        )
        == 0
    )


def test_published_resolutions_are_distinguishable_from_cited_ones(built) -> None:
    _, store, _ = built
    published = count(store, "SELECT DISTINCT ?r { ?r a unld:Resolution ; void:inDataset ?d }")
    cited = count(
        store, "SELECT DISTINCT ?r { ?r a unld:Resolution FILTER NOT EXISTS { ?r void:inDataset ?d } }"
    )
    assert published == 53 and cited > 400


def test_english_labels_have_their_language_tag(built) -> None:
    _, store, _ = built
    untagged = rows(
        store,
        """SELECT DISTINCT ?l WHERE { ?s rdfs:label ?l
           FILTER(isLITERAL(?l) && LANG(?l) = "" && REGEX(?l, "^[A-Z][a-z]+ "))} LIMIT 20""",
    )
    assert untagged == []
    assert rows(store, "SELECT ?l WHERE { <https://w3id.org/unld/A/session/76> rdfs:label ?l }") == [
        ("Session 76 of the General Assembly",)
    ]
    assert (
        count(
            store, '<https://w3id.org/unld/A/session/76> rdfs:label "Session 76 of the General Assembly"@en'
        )
        == 1
    )
    # symbols used as labels stay plain literals
    assert count(store, '<https://w3id.org/unld/doc/A/RES/76/19> rdfs:label "A/RES/76/19"') == 1
    # the lead text is words of the text: tagged
    assert count(store, '?p unld:leadText ?l FILTER(LANG(?l) != "en")') == 0


# --- provenance -------------------------------------------------------------------------------


def test_the_masthead_distribution_date_and_job_number_are_kept() -> None:
    rec = record(CORPUS / "A_RES_78_71.txt")
    assert rec["distribution"] == {"kind": "General", "date": "2023-12-11", "job_number": "23-24921"}
    # a Markdown text without masthead has none
    assert parse_source(read_source(ROOT / "examples" / "A_RES_76_19.md"))["distribution"] is None


def test_distribution_and_source_in_the_graph(built) -> None:
    _, store, _ = built
    got = rows(
        store,
        """SELECT ?issued ?job ?source WHERE { GRAPH ?g {
             <https://w3id.org/unld/doc/A/RES/78/71> dcterms:issued ?issued ; unld:jobNumber ?job }
           ?g prov:wasDerivedFrom ?source }""",
    )
    assert [(i, j) for i, j, _ in got] == [("2023-12-11", "23-24921")]
    import base64
    import hashlib

    digest = hashlib.sha256((CORPUS / "A_RES_78_71.txt").read_bytes()).digest()
    assert got[0][2] == "ni:///sha-256;" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert count(store, "?g prov:wasDerivedFrom ?s FILTER(!STRSTARTS(STR(?s), 'ni:///sha-256;'))") == 0


# --- bodies -------------------------------------------------------------------------------------


def test_bodies_other_than_working_groups_are_linked(built) -> None:
    _, store, _ = built
    for key, least in [
        ("security-council", 10),
        ("human-rights-council", 5),
        ("economic-and-social-council", 5),
        ("secretariat", 10),
        ("international-court-of-justice", 3),
    ]:
        got = count(
            store,
            f"SELECT DISTINCT ?r {{ ?r unld:mentionsBody <{BASE}body/{key}> ; void:inDataset ?d }}",
        )
        assert got >= least, (key, got)
    # funds and programmes, commissions and treaty bodies too
    assert count(store, f"?p unld:mentionsBody <{BASE}body/undp>") > 0
    assert count(store, f"?p unld:mentionsBody <{BASE}body/eclac>") > 0
    assert count(store, f"?p unld:mentionsBody <{BASE}body/committee-on-the-rights-of-the-child>") > 0
    # a lower-case "secretariat" (UNSCEAR's own) is not the Secretariat of the United Nations
    rec = record(CORPUS / "A_RES_78_71.txt")
    assert "secretariat of the Scientific Committee" in " ".join(
        p["text"] for p in rec["preambular_paragraphs"]
    )
    assert "secretariat" not in {b["key"] for b in rec["bodies"]}


def test_unscear_working_groups_are_parts_of_unscear(built) -> None:
    # A/RES/78/71 op6: "the ad hoc working group on effects and mechanisms and the ad hoc
    # working group on sources and exposure to assist the Scientific Committee"
    _, store, _ = built
    got = rows(
        store,
        """SELECT ?wg ?parent WHERE {
          <https://w3id.org/unld/doc/A/RES/78/71#op6> unld:mentionsBody ?wg .
          ?wg a unld:WorkingGroup ; org:subOrganizationOf ?parent }""",
    )
    assert got == [
        (BASE + "body/ad-hoc-working-group-on-effects-and-mechanisms", BASE + "body/unscear"),
        (BASE + "body/ad-hoc-working-group-on-sources-and-exposure", BASE + "body/unscear"),
    ]


def test_working_group_names_are_whole() -> None:
    rec = record(CORPUS / "A_RES_79_22.txt")
    names = [w["name"] for w in rec["working_groups"]]
    assert (
        "open-ended working group on reducing space threats through norms, rules and principles"
        " of responsible behaviours"
    ) in names


def test_establishment_is_read_from_the_text(built) -> None:
    # A/RES/72/313 op3: "Decides to establish, at its seventy-third session, an ad hoc
    # working group on the revitalization of the work of the General Assembly"
    _, store, _ = built
    assert (
        count(
            store,
            f"<{BASE}doc/A/RES/72/313> unld:establishes <{BASE}body/ahwg-revitalization>",
        )
        >= 1
    )


def test_bodies_are_organizations_not_concepts(built) -> None:
    _, store, _ = built
    assert count(store, "?b unld:bodyKind ?k ; a skos:Concept") == 0
    assert count(store, "?b unld:bodyKind ?k FILTER NOT EXISTS { ?b a org:Organization }") == 0
    # organs are units of the United Nations; owl:sameAs only to the same organization
    assert count(store, f"<{BASE}body/security-council> org:unitOf <{BASE}body/united-nations>") >= 1
    assert rows(store, f"SELECT ?s WHERE {{ <{BASE}body/security-council> owl:sameAs ?s }}") == [
        ("http://www.wikidata.org/entity/Q37470",)
    ]


# --- the dataset description ----------------------------------------------------------------


def _void(out: Path) -> ox.Store:
    store = ox.Store()
    store.load((out / "void.ttl").read_bytes(), format=ox.RdfFormat.TURTLE)
    return store


def test_one_number_of_triples_everywhere(built) -> None:
    out, store, result = built
    lines = (out / "unld.nt").read_bytes().count(b"\n")
    stated = rows(store, f"SELECT ?n WHERE {{ <{BASE}dataset> void:triples ?n }}")
    assert stated == [(str(lines),)]
    assert result.triples == lines
    assert rows(_void(out), f"SELECT ?n WHERE {{ <{BASE}dataset> void:triples ?n }}") == [(str(lines),)]


def test_class_partitions_count_only_what_is_published(built) -> None:
    _, store, _ = built
    got = dict(
        rows(
            store,
            f"""SELECT ?class ?n WHERE {{ <{BASE}dataset> void:classPartition ?p .
                ?p void:class ?class ; void:entities ?n }}""",
        )
    )
    assert got[UNLD_NS + "Resolution"] == "53"
    # cited reports and drafts are not published here
    assert UNLD_NS + "Document" not in got and UNLD_NS + "CommitteeReport" not in got
    assert int(got[UNLD_NS + "OperativeParagraph"]) > 500


def test_dcat_description(built) -> None:
    out, store, _ = built
    ds = f"<{BASE}dataset>"
    assert rows(store, f"SELECT ?v WHERE {{ {ds} dcat:version ?v }}")
    assert not rows(store, f"SELECT ?v WHERE {{ {ds} dcterms:hasVersion ?v }}")
    for p in (
        "dcterms:publisher",
        "dcterms:language",
        "dcterms:temporal",
        "dcterms:license",
        "dcterms:modified",
    ):
        assert rows(store, f"SELECT ?v WHERE {{ {ds} {p} ?v }}"), p
    [(start, end)] = rows(
        store, f"SELECT ?s ?e WHERE {{ {ds} dcterms:temporal ?t . ?t dcat:startDate ?s ; dcat:endDate ?e }}"
    )
    assert start < end and start.startswith("19") or start.startswith("20")
    # a linkset per outbound link set, counting what the data holds
    linksets = dict(
        rows(
            store,
            f"""SELECT ?target ?n WHERE {{ ?l a void:Linkset ; void:subjectsTarget {ds} ;
                void:objectsTarget ?target ; void:triples ?n }}""",
        )
    )
    undocs = count(
        store,
        "SELECT DISTINCT ?s ?o { ?s rdfs:seeAlso ?o FILTER(STRSTARTS(STR(?o), 'https://undocs.org/')) }",
    )
    assert linksets["https://undocs.org/"] == str(undocs)
    assert "https://www.wikidata.org/" in linksets


def test_sizes_and_checksums_live_beside_the_dumps(built) -> None:
    import hashlib

    out, store, _ = built
    # not in the dumps: a file cannot state its own checksum
    assert count(store, "?d <http://spdx.org/rdf/terms#checksum> ?c") == 0
    void = _void(out)
    for name in ("unld.nt", "unld.nq", "unld.ttl", "unld.trig", "unld.jsonld"):
        data = (out / name).read_bytes()
        got = rows(
            void,
            PREFIX_SPDX
            + f"""SELECT ?size ?sum WHERE {{ <{BASE}dataset/dump/{name}> dcat:byteSize ?size ;
                 spdx:checksum ?c . ?c spdx:checksumValue ?sum ;
                 spdx:algorithm spdx:checksumAlgorithm_sha256 }}""",
        )
        assert got == [(str(len(data)), hashlib.sha256(data).hexdigest())], name
