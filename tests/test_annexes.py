"""Annexes, resumed meetings and the union of graphs, on real resolutions of the corpus.

* A/RES/79/1 adopts the Pact for the Future (chapters, numbered actions, numbered
  paragraphs, footnotes) and its two annexes, the Global Digital Compact and the
  Declaration on Future Generations (unnumbered paragraphs);
* A/RES/80/230 and A/RES/80/243 were adopted at the 69th plenary meeting of session 80, the
  second at the meeting resumed twelve days later;
* a conflict between two graphs is made from two real graphs (a cited resolution's date).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.conftest import CORPUS
from unld.core.iri import IriPolicy
from unld.mapping.mapper import Mapper
from unld.parse import parse_source
from unld.sources import read_source
from unld.validation.validator import Validator, settle_union, source_line

POLICY = IriPolicy()
DOC = "https://w3id.org/unld/doc/A/RES/79/1"
PREFIXES = """
PREFIX unld: <https://w3id.org/unld/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


@cache
def record(name: str) -> dict:
    return parse_source(read_source(CORPUS / name))


@cache
def graph(name: str) -> tuple[str, list[ox.Triple]]:
    mapped = Mapper(POLICY).map_one(record(name))
    return mapped.graph, mapped.triples


def store_of(*names: str) -> ox.Store:
    store = ox.Store()
    for n in names:
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in graph(n)[1])
    return store


def select(store: ox.Store, query: str) -> list[dict[str, str]]:
    """Rows of a SELECT query, where <DOC and <MEETING stand for A/RES/79/1's IRI and that
    of the 69th plenary meeting of session 80."""
    query = query.replace("<DOC", f"<{DOC}").replace("<MEETING>", f"<{POLICY.meeting('A', 80, 69)}>")
    res = store.query(PREFIXES + query)
    return [{v.value: row[v].value for v in res.variables if row[v] is not None} for row in res]


def test_pact_compact_and_declaration_are_annexes_with_titles() -> None:
    rows = select(
        store_of("A_RES_79_1.txt"),
        """SELECT ?annex ?title ?parent WHERE {
             ?parent unld:hasAnnex ?annex . ?annex a unld:Annex ; dcterms:title ?title }
           ORDER BY ?annex""",
    )
    assert [(r["annex"], r["title"], r["parent"]) for r in rows] == [
        (f"{DOC}#annex", "The Pact for the Future", DOC),
        (f"{DOC}#annex-I", "Global Digital Compact", f"{DOC}#annex"),
        (f"{DOC}#annex-II", "Declaration on Future Generations", f"{DOC}#annex"),
    ]
    # the operative paragraph adopts the Pact and its annexes
    acts = select(store_of("A_RES_79_1.txt"), "SELECT ?a WHERE { <DOC#op1> unld:actsOnAnnex ?a } ORDER BY ?a")
    assert [r["a"] for r in acts] == [f"{DOC}#annex", f"{DOC}#annex-I", f"{DOC}#annex-II"]


def test_paragraphs_under_action_1_of_the_pact_with_their_text_and_citations() -> None:
    store = store_of("A_RES_79_1.txt")
    rows = select(
        store,
        """SELECT ?p ?n ?text ?chapter WHERE {
             ?action unld:label "Action 1" ; unld:inAnnexSection ?chapter .
             ?p a unld:AnnexParagraph ; unld:inAnnexSection ?action ; unld:paragraphNumber ?n ;
                unld:text ?text .
             <DOC#annex> eli:has_part ?p }""",
    )
    assert [r["n"] for r in rows] == ["20"]
    assert rows[0]["chapter"] == f"{DOC}#annex-secI"
    assert rows[0]["text"].startswith("We reaffirm that the Sustainable Development Goals are")
    subs = select(
        store,
        "SELECT ?s ?label WHERE { <DOC#annex-p20> eli:has_part ?s . ?s unld:label ?label } ORDER BY ?label",
    )
    assert [r["label"] for r in subs] == ["a", "b", "c", "d"]
    # what paragraph 20 and its sub-paragraphs cite, through the footnotes printed there
    cited = select(
        store,
        """SELECT DISTINCT ?fn ?text WHERE {
             { <DOC#annex-p20> unld:hasFootnote ?fn } UNION
             { <DOC#annex-p20> eli:has_part/unld:hasFootnote ?fn }
             ?fn unld:text ?text } ORDER BY ?fn""",
    )
    assert [r["fn"].rsplit("#", 1)[1] for r in cited] == ["fn6", "fn7", "fn8"]
    assert "Rio de Janeiro" in cited[0]["text"]


def test_bodies_named_in_an_annex_are_mentioned_by_its_paragraph() -> None:
    store = store_of("A_RES_79_1.txt")
    rows = select(store, "SELECT ?body WHERE { <DOC#annex-p48b> unld:mentionsBody ?body }")
    assert [r["body"].rsplit("/", 1)[1] for r in rows] == [
        "group-of-governmental-experts-on-emerging-technologies-in-the-area-of-lethal-autonomous-weapons-systems"
    ]


def test_footnotes_printed_in_an_annex_belong_to_it_and_cite() -> None:
    rec = record("A_RES_79_1.txt")
    pact = rec["annexes"][0]
    assert [f["id"] for f in pact["footnotes"]][:4] == ["fn1", "fn2", "fn3", "fn4"]
    assert pact["footnotes"][0]["in"] == "annex-p10" and pact["footnotes"][0]["text"] == "Resolution 70/1."
    assert not rec["footnotes"]  # the resolution's own text has none
    cites = {(c["in"], c["target"]) for c in rec["citations"]}
    assert ("fn1", "A/RES/70/1") in cites and ("fn4", "A/RES/217 A (III)") in cites


def test_annex_with_unnumbered_paragraphs_and_headings() -> None:
    declaration = record("A_RES_79_1.txt")["annexes"][2]
    assert declaration["id"] == "annex-II" and declaration["label"] == "II"
    assert [h["title"] for h in declaration["headings"]][:1] == ["Preamble"]
    first = declaration["paragraphs"][:3]
    assert [p["id"] for p in first] == ["annex-II-u1", "annex-II-u2", "annex-II-u3"]
    assert all(p["number"] is None for p in first)
    assert first[1]["text"].startswith("Reaffirming our commitments to the purposes and principles")
    assert first[1]["lead"] == "Reaffirming"


def test_table_annex_keeps_its_cells() -> None:
    annex = record("A_RES_72_313.txt")["annexes"][0]
    assert (
        annex["title"]
        == "Pattern for the rotation of the Chairs of the Main Committees of the General Assembly"
    )
    cells = [c["text"] for t in annex["tables"] for c in t["cells"]]
    assert "Seventy-fifth Western" in cells and "African States Asia-Pacific" in cells


def test_resumed_meeting_has_two_sittings_and_one_date() -> None:
    store = store_of("A_RES_80_230.txt", "A_RES_80_243.txt")
    dates = select(store, "SELECT ?d WHERE { <MEETING> unld:meetingDate ?d }")
    assert [r["d"] for r in dates] == ["2025-12-18"]
    rows = select(
        store,
        """SELECT ?sym ?date ?resumed WHERE {
             ?r unld:symbol ?sym ; unld:adoptedAtSitting ?s .
             ?s unld:sittingOf <MEETING> ; unld:sittingDate ?date ; unld:resumed ?resumed } ORDER BY ?sym""",
    )
    assert [(r["sym"], r["date"], r["resumed"]) for r in rows] == [
        ("A/RES/80/230", "2025-12-18", "false"),
        ("A/RES/80/243", "2025-12-30", "true"),
    ]
    assert record("A_RES_80_243.txt")["meeting"] == {
        "kind": "plenary",
        "number": 69,
        "date": "2025-12-30",
        "resumed": True,
    }
    union = Validator(POLICY).validate_union([graph("A_RES_80_230.txt"), graph("A_RES_80_243.txt")])
    assert not [p for p in union if p.severity == "Violation"], [p.line() for p in union]


def _with_date(triples: list[ox.Triple], doc: str, date: str) -> list[ox.Triple]:
    adopted = ox.NamedNode("https://w3id.org/unld/ontology#adoptedOn")
    return [
        ox.Triple(t.subject, t.predicate, ox.Literal(date, datatype=t.object.datatype))
        if t.subject.value == doc and t.predicate == adopted and isinstance(t.object, ox.Literal)
        else t
        for t in triples
    ]


def test_conflicting_fact_between_two_graphs_is_settled_and_reported() -> None:
    # two real graphs that both cite A/RES/70/1 with its date; one of them is given a wrong
    # date, as a misprint in its source would
    cited = POLICY.document("A/RES/70/1")
    names = ["A_RES_74_183.txt", "A_RES_78_134.txt", "A_RES_78_314.txt"]
    graphs = [graph(n) for n in names if any(t.subject.value == cited for t in graph(n)[1])]
    assert len(graphs) >= 2
    bad_name, bad = graphs[-1]
    graphs[-1] = (bad_name, _with_date(bad, cited, "2015-09-26"))
    validator = Validator(POLICY)
    before = validator.validate_union(graphs)
    assert any(p.focus == cited and p.severity == "Violation" for p in before)
    sources = {g: str(CORPUS / (g.rsplit("graph/", 1)[1].replace("/", "_") + ".txt")) for g, _ in graphs}
    result = settle_union(validator, graphs, sources, locate=source_line)
    notes = [p for p in result.problems if p.focus == cited]
    assert [p.severity for p in notes] == ["Warning"]
    assert bad_name in notes[0].message and "2015-09-26" in notes[0].message
    # each graph is named with its source file and the line that cites the document
    first = graphs[0][0]
    rec = record(Path(sources[first]).name)
    cite = next(c for c in rec["citations"] if c["target"] == "A/RES/70/1" and c.get("date"))
    para = next(
        p
        for p in rec["preambular_paragraphs"] + rec["operative_paragraphs"] + rec["footnotes"]
        if p["id"] == cite["in"]
    )
    assert f"{Path(sources[first]).name}, line {para['line']}) gives 2015-09-25" in notes[0].message
    assert notes[0].value == "2015-09-25"
    assert not [p for p in result.problems if p.severity == "Violation"]
    # only the losing fact leaves the losing graph; every graph stays
    assert [len(v) for v in result.removed.values()] == [1]
    assert b"2015-09-26" in next(iter(result.removed[bad_name]))


def test_the_union_validated_again_without_dropped_facts_equals_a_fresh_validation() -> None:
    # settle_union validates the union a second time without the facts that lost a
    # conflict, reusing the first union: the same problems as validating it from scratch
    graphs = [graph(n) for n in ["A_RES_74_183.txt", "A_RES_78_134.txt", "A_RES_78_314.txt"]]
    validator = Validator(POLICY)
    assert validator.validate_union(graphs) == []
    shared = set(validator.last_shared)
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    dropped = {
        t for _, ts in graphs for t in ts if t.subject.value in shared and t.predicate.value == rdf_type
    }
    assert dropped
    settled = [(name, [t for t in ts if t not in dropped]) for name, ts in graphs]
    again = validator.validate_union(settled, dropped)
    assert again  # nodes without their types break shapes
    assert again == Validator(POLICY).validate_union(settled)
    # and settling a conflict gives the fresh validation's verdict after its warnings
    cited = POLICY.document("A/RES/70/1")
    with_cite = [g for g in graphs if any(t.subject.value == cited for t in g[1])]
    bad_name, bad = with_cite[-1]
    conflicting = [(n, _with_date(ts, cited, "2015-09-26") if n == bad_name else ts) for n, ts in graphs]
    result = settle_union(Validator(POLICY), conflicting, {}, locate=None)
    lost = {
        n: {
            t
            for t in ts
            if ox.serialize([t], format=ox.RdfFormat.N_TRIPLES).rstrip(b"\n") in result.removed.get(n, set())
        }
        for n, ts in conflicting
    }
    fresh = Validator(POLICY).validate_union(
        [(n, [t for t in ts if t not in lost[n]]) for n, ts in conflicting]
    )
    notes = [p for p in result.problems if p.message.startswith("graphs disagree")]
    assert len(notes) == 1
    assert [p for p in result.problems if p not in notes] == fresh


@pytest.mark.parametrize("name", ["A_RES_79_1.txt", "A_RES_72_313.txt", "A_RES_80_243.txt"])
def test_annex_graphs_conform(name: str) -> None:
    g, triples = graph(name)
    problems = Validator(POLICY).validate(triples, g)
    assert not [p for p in problems if p.severity == "Violation"], [p.line() for p in problems]


@pytest.mark.parametrize("name", ["A_RES_79_1.txt", "A_RES_72_313.txt", "A_RES_80_243.txt", "A_RES_76_19.md"])
def test_text_coverage_of_annexed_resolutions(name: str) -> None:
    from unld.validation.coverage import measure

    source = read_source(CORPUS / name)
    coverage = measure(source, graph(name)[1])
    assert coverage.total > 1000 and coverage.share >= 0.99, coverage.missing


def test_coverage_sees_a_dropped_annex() -> None:
    """The measure is not met by the resolution's own paragraphs: without its annexes,
    A/RES/79/1's graph holds about 1 % of its text."""
    from unld.validation.coverage import measure

    rec = dict(record("A_RES_79_1.txt"), annexes=[])
    coverage = measure(read_source(CORPUS / "A_RES_79_1.txt"), Mapper(POLICY).map_one(rec).triples)
    assert coverage.share < 0.05


def test_build_report_and_validating_the_dump_agree(tmp_path: Path) -> None:
    """validation.ttl describes what was published: validating the union dump as it is,
    or the build graph by graph, gives the same problems as the build's report, and the
    corpus union has no violation (the resumed 69th meeting of session 80 included)."""
    import rdflib

    from unld.build.pipeline import build
    from unld.validation.inputs import validate_paths
    from unld.validation.validator import Problem, problems_from

    out = tmp_path / "build"
    result = build([str(CORPUS)], out, POLICY.base, jobs=2, site=True, docs=False)
    assert not result.violations, [p.line() for p in result.violations]
    _check_annex_page(out / "site" / "doc" / "A" / "RES" / "79" / "1" / "index.html")

    def key(p: Problem) -> tuple:
        return (p.severity, p.focus, p.path, p.message.split(" [in the union")[0])

    report = {key(p) for p in problems_from(rdflib.Graph().parse(out / "validation.ttl"))}
    assert report  # the corpus has warnings (meetings whose only resolution was resumed...)
    dump, _ = validate_paths([out / "unld.ttl"], None, POLICY.base)
    by_graph, _ = validate_paths([], out, POLICY.base)
    assert {key(p) for p in dump} == report
    assert {key(p) for p in by_graph} == report
    assert not [p for p in dump if p.severity == "Violation"]


def test_an_impossible_date_never_wins_a_conflict() -> None:
    """Two real graphs cite A/RES/70/1 (adopted 25 September 2015, session 70); one says
    2014-09-25, before session 70 opened: the possible date wins even without a majority."""
    cited = POLICY.document("A/RES/70/1")
    graphs = [graph("A_RES_74_183.txt"), graph("A_RES_78_134.txt")]
    graphs[0] = (graphs[0][0], _with_date(graphs[0][1], cited, "2014-09-25"))
    result = settle_union(Validator(POLICY), graphs, {})
    notes = [p for p in result.problems if p.focus == cited]
    assert [(p.severity, p.value) for p in notes] == [("Warning", "2015-09-25")]


def _check_annex_page(page: Path) -> None:
    """The resolution's page shows its annexes as it shows its operative part: headings and
    numbered paragraphs with anchors, footnote marks linked to the footnotes, citations."""
    from html.parser import HTMLParser

    class Ids(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.ids: list[str] = []
            self.hrefs: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            if a.get("id"):
                self.ids.append(a["id"] or "")
            if a.get("href"):
                self.hrefs.append(a["href"] or "")

    parser = Ids()
    html = page.read_text(encoding="utf-8")
    parser.feed(html)
    for ident in ["annex", "annex-I", "annex-II", "annex-secI", "annex-action1", "annex-p20", "annex-p20a"]:
        assert ident in parser.ids, ident
    assert "ref-fn6-annex-p20" in parser.ids and "#fn6" in parser.hrefs and "fn6" in parser.ids
    assert "Global Digital Compact" in html and "Declaration on Future Generations" in html
    # no annex part falls back to the generic property table of unrendered parts
    assert 'class="part" id="annex' not in html
