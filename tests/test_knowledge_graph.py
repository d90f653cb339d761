"""The corpus as one knowledge graph: one node per thing, however the texts name it.

Built from the 54 real resolutions; the questions are the ones users ask of it.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.conftest import CORPUS, ROOT
from tests.sparql import load_store, rows
from unld.build.pipeline import BuildResult

BASE = "https://w3id.org/unld/"


@pytest.fixture(scope="module")
def built(corpus_built: tuple[Path, BuildResult]) -> tuple[Path, ox.Store, BuildResult]:
    out, result = corpus_built
    return out, load_store(out), result


def test_the_corpus_conforms(built) -> None:
    _, _, result = built
    assert result.violations == []
    assert len(result.outcomes) - len(result.duplicates) == 53


def test_a_cited_resolution_is_the_node_of_its_own_graph(built) -> None:
    _, store, _ = built
    got = rows(
        store,
        """
        SELECT DISTINCT ?citing WHERE {
          GRAPH ?g { ?res eli:cites <https://w3id.org/unld/doc/A/RES/79/1> ; unld:symbol ?citing }
          GRAPH <https://w3id.org/unld/graph/A/RES/79/1> {
            <https://w3id.org/unld/doc/A/RES/79/1> unld:adoptedAtMeeting ?m }
        }""",
    )
    assert ("A/RES/80/186",) in got and ("A/RES/80/83",) in got


def test_citations_within_the_dataset(built) -> None:
    _, store, _ = built
    query = (ROOT / "examples" / "queries" / "citations-within-the-dataset.rq").read_text()
    got = {(r[0], r[1]) for r in rows(store, query)}
    assert {
        ("A/RES/79/104", "A/RES/78/71"),
        ("A/RES/79/305", "A/RES/79/250"),
        ("A/RES/80/189", "A/RES/79/157"),
        ("A/RES/78/330", "A/RES/72/313"),
    } <= got


def test_one_node_per_body_session_agenda_item_and_meeting(built) -> None:
    _, store, _ = built
    # every mention of the General Assembly is the one node, with its Wikidata identity
    assert rows(
        store,
        """SELECT ?same WHERE {
        <https://w3id.org/unld/body/general-assembly> owl:sameAs ?same }""",
    ) == [("http://www.wikidata.org/entity/Q47423",)]
    # a Main Committee's node is shared by all resolutions it recommended, across sessions
    first = rows(
        store,
        """SELECT DISTINCT ?s WHERE {
        ?r unld:recommendedBy <https://w3id.org/unld/body/first-committee> ;
           unld:session/unld:sessionNumber ?s }""",
    )
    assert [int(s) for (s,) in first] == [76, 78, 79, 80]
    # sessions and agenda items are single nodes: one label each
    assert (
        rows(
            store,
            """SELECT ?x (COUNT(DISTINCT ?l) AS ?n) WHERE {
        { ?x a unld:Session } UNION { ?x a unld:AgendaItem }
        ?x rdfs:label ?l } GROUP BY ?x HAVING (COUNT(DISTINCT ?l) > 1)""",
        )
        == []
    )
    # the agenda item on the Programme of Assistance is one node per session
    items = rows(
        store,
        """SELECT DISTINCT ?item WHERE {
        ?r unld:agendaItem ?item . ?item dcterms:title ?t
        FILTER(CONTAINS(STR(?t), "Programme of Assistance")) }""",
    )
    assert items == [
        (BASE + "A/session/78/agenda/78",),
        (BASE + "A/session/79/agenda/78",),
        (BASE + "A/session/80/agenda/79",),
    ]


def test_working_groups_and_their_mandates(built) -> None:
    _, store, _ = built
    got = rows(
        store,
        """SELECT ?group ?start ?end ?founding WHERE {
        ?group a unld:WorkingGroup ; unld:mandatePeriod ?m .
        ?m time:hasBeginning/time:inXSDgYear ?start ; time:hasEnd/time:inXSDgYear ?end .
        OPTIONAL { ?m unld:establishedBy/unld:symbol ?founding } }""",
    )
    assert (BASE + "body/oewg-ict-2021-2025", "2021", "2025", "A/RES/75/240") in got
    assert (BASE + "body/oewg-ict-2019-2021", "2019", "2021", "A/RES/73/27") in got


def test_bodies_resolved_through_the_registry(built) -> None:
    from unld.parse import parse_source
    from unld.sources import read_source

    groups = [g for p in sorted(CORPUS.glob("*.txt")) for g in parse_source(read_source(p))["working_groups"]]
    keys = {g["key"] for g in groups}
    fallback = {g["key"] for g in groups if not g["registered"]}
    assert {"oewg-ict-2019-2021", "gge-ict", "oewg-ict-2021-2025", "ahwg-revitalization"} <= keys
    # names the registry does not know get their slug, never a merged or empty key
    assert all(k and " " not in k and "-and-the-" not in k for k in fallback)
