"""Mapping A/RES/76/19: a golden graph, and SPARQL questions a user asks of it.

The golden file ``tests/golden/A_RES_76_19.ttl`` is compared as a graph
(``rdflib.compare.isomorphic``), not as text.  After an intended change of the rules,
regenerate it with ``UNLD_REGENERATE_GOLDEN=1 pytest tests/test_mapping.py`` and review the
diff of the Turtle file.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from tests.conftest import EXAMPLE
from unld.core.iri import IriPolicy
from unld.mapping.mapper import Mapper
from unld.parse import parse_source
from unld.publishing.dumps import PREFIXES, serialize
from unld.sources import read_source

GOLDEN = Path(__file__).parent / "golden" / "A_RES_76_19.ttl"
BASE = "https://w3id.org/unld/"


@pytest.fixture(scope="module")
def mapped() -> list[ox.Triple]:
    return Mapper(IriPolicy(BASE)).map_one(parse_source(read_source(EXAMPLE))).triples


@pytest.fixture(scope="module")
def store(mapped: list[ox.Triple]) -> ox.Store:
    s = ox.Store()
    s.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in mapped)
    return s


def test_golden_graph(mapped: list[ox.Triple]) -> None:
    data = serialize(mapped, ox.RdfFormat.TURTLE)
    if os.environ.get("UNLD_REGENERATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_bytes(data)
    assert GOLDEN.is_file(), f"{GOLDEN} is missing: regenerate it with UNLD_REGENERATE_GOLDEN=1"
    got = rdflib.Graph().parse(data=data, format="turtle")
    want = rdflib.Graph().parse(GOLDEN, format="turtle")
    if not isomorphic(got, want):
        _, only_got, only_want = graph_diff(to_isomorphic(got), to_isomorphic(want))
        pytest.fail(
            "mapped graph differs from the golden file:\n+ "
            + "\n+ ".join(sorted(map(str, only_got))[:20])
            + "\n- "
            + "\n- ".join(sorted(map(str, only_want))[:20])
        )


def test_no_blank_nodes(mapped: list[ox.Triple]) -> None:
    assert not [
        t for t in mapped if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)
    ]


PREFIX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items()) + "\n"


def rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    return sorted(
        tuple(term.value if term is not None else "" for term in solution)
        for solution in store.query(PREFIX + query)
    )


def test_which_report_was_it_based_on(store: ox.Store) -> None:
    got = rows(
        store,
        """
        SELECT ?report ?committee ?para WHERE {
          <https://w3id.org/unld/doc/A/RES/76/19> unld:basedOn ?r ; unld:basisParagraph ?para .
          ?r a unld:CommitteeReport ; unld:symbol ?report ; unld:reportOf ?c .
          BIND(STR(?c) AS ?committee)
        }""",
    )
    assert got == [("A/76/439", BASE + "body/first-committee", "7")]


def test_which_resolutions_does_it_recall_with_dates(store: ox.Store) -> None:
    got = rows(
        store,
        """
        SELECT ?symbol ?date WHERE {
          <https://w3id.org/unld/doc/A/RES/76/19> eli:has_part ?pp .
          ?pp a unld:PreambularParagraph ; unld:leadText "Recalling"@en ; eli:cites ?r .
          ?r a unld:Resolution ; unld:symbol ?symbol ; unld:adoptedOn ?date .
        }""",
    )
    assert len(got) == 26
    assert ("A/RES/43/78 H", "1988-12-07") in got
    assert ("A/RES/75/240", "2020-12-31") in got
    assert ("A/RES/74/29", "2019-12-12") in got


def test_which_working_group_ends_in_2025_and_who_founded_it(store: ox.Store) -> None:
    got = rows(
        store,
        """
        SELECT ?group ?founding WHERE {
          ?group a unld:WorkingGroup ; unld:mandatePeriod ?m .
          ?m time:hasEnd/time:inXSDgYear ?end ; unld:establishedBy/unld:symbol ?founding .
          FILTER(STR(?end) = "2025")
        }""",
    )
    assert got == [(BASE + "body/oewg-ict-2021-2025", "A/RES/75/240")]


def test_which_agenda_item_of_session_77_it_adds(store: ox.Store) -> None:
    got = rows(
        store,
        """
        SELECT ?title ?in WHERE {
          <https://w3id.org/unld/doc/A/RES/76/19> unld:includesInProvisionalAgenda ?item .
          ?item unld:session <https://w3id.org/unld/A/session/77> ; dcterms:title ?title ;
                unld:decidedIn ?in .
        }""",
    )
    assert got == [
        (
            "Developments in the field of information and telecommunications in the "
            "context of international security",
            BASE + "doc/A/RES/76/19#op7",
        )
    ]


def test_paragraph_structure(store: ox.Store) -> None:
    got = rows(
        store,
        """
        SELECT ?n ?lead WHERE {
          <https://w3id.org/unld/doc/A/RES/76/19> eli:has_part ?op .
          ?op a unld:OperativeParagraph ; unld:paragraphNumber ?n ; unld:leadText ?lead .
        }""",
    )
    assert sorted(got, key=lambda r: int(r[0])) == [
        ("1", "Recognizes"),
        ("2", "Welcomes"),
        ("3", "Calls upon"),
        ("4", "Supports"),
        ("5", "Underlines"),
        ("6", "Invites"),
        ("7", "Decides"),
    ]
    subs = rows(
        store,
        """
        SELECT ?sub WHERE { <https://w3id.org/unld/doc/A/RES/76/19#op6> eli:has_part ?sub }""",
    )
    assert subs == [(BASE + "doc/A/RES/76/19#op6a",), (BASE + "doc/A/RES/76/19#op6b",)]
