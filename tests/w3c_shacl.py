"""The W3C SHACL Core test suite (``tests/data/w3c-shacl-core/``) as data for our tests.

Each test names a data graph, a shapes graph and the expected validation report.  A report
is compared as the W3C suite asks: ``sh:conforms``, and the results as a multiset of
(focus node, result path, value, severity, constraint component, source shape);
``sh:resultMessage`` is not compared (it is free text).  Blank nodes are compared as "some
blank node" (the expected report cannot name the blank nodes of another graph), and a
complex path is compared by its structure, written in SPARQL property path syntax.

Used by ``tests/test_shacl_suite.py`` and by ``benchmarks/validators.py``, which run every
engine over the suite.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from unld.validation.validator import rdflib_path_text as path_text

SUITE = Path(__file__).resolve().parent / "data" / "w3c-shacl-core"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")

Key = tuple[str, str, str, str, str, str]


@dataclass
class Case:
    """One test of the suite: where its graphs are and what report it expects."""

    name: str  # folder/test, e.g. "path/path-inverse-001"
    data: Path
    shapes: Path
    conforms: bool
    results: Counter[Key]

    def graphs(self) -> tuple[rdflib.Graph, rdflib.Graph]:
        """The data and shapes graphs (one graph object when they are the same file)."""
        data = _parse(self.data)
        shapes = data if self.shapes == self.data else _parse(self.shapes)
        return data, shapes

    def triples(self) -> tuple[list[ox.Triple], list[ox.Triple]]:
        """The data and shapes graphs read by pyoxigraph (rdflib rewrites some ill-formed
        literals, such as ``"none"^^xsd:boolean`` into ``"false"``, which the suite tests)."""
        data = _ox_parse(self.data)
        return data, data if self.shapes == self.data else _ox_parse(self.shapes)


def _ox_parse(path: Path) -> list[ox.Triple]:
    with open(path, "rb") as fh:
        return list(ox.parse(fh, format=ox.RdfFormat.TURTLE, base_iri=path.as_uri()))


def _parse(path: Path) -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(path, format="turtle", publicID=path.as_uri())
    return g


def _path_of(iri: rdflib.term.Node) -> Path:
    return Path(unquote(urlparse(str(iri)).path))


def cases() -> list[Case]:
    """Every test listed by the suite's manifests, in manifest order."""
    out: list[Case] = []
    top = _parse(SUITE / "manifest.ttl")
    for folder in sorted(top.objects(None, MF.include), key=str):
        folder_manifest = _parse(_path_of(folder))
        for include in sorted(folder_manifest.objects(None, MF.include), key=str):
            path = _path_of(include)
            g = _parse(path)
            for test in g.subjects(RDF.type, SHT.Validate):
                action = g.value(test, MF.action)
                report = g.value(test, MF.result)
                assert action is not None and report is not None, f"{path}: incomplete test"
                data = _path_of(g.value(action, SHT.dataGraph))
                shapes = _path_of(g.value(action, SHT.shapesGraph))
                conforms, results = report_keys(g, report)
                name = f"{path.parent.name}/{str(test).rsplit('/', 1)[-1]}"
                out.append(Case(name, data, shapes, conforms, results))
    return out


def term_text(node: rdflib.term.Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, rdflib.BNode):
        return "_:"
    if isinstance(node, rdflib.Literal):
        return node.n3()
    return f"<{node}>"


def report_keys(g: rdflib.Graph, report: rdflib.term.Node) -> tuple[bool, Counter[Key]]:
    """``sh:conforms`` and the results of a report held in ``g``."""
    conforms = g.value(report, SH.conforms)
    results: Counter[Key] = Counter()
    for r in g.objects(report, SH.result):
        results[
            (
                term_text(g.value(r, SH.focusNode)),
                path_text(g, g.value(r, SH.resultPath)),
                term_text(g.value(r, SH.value)),
                term_text(g.value(r, SH.resultSeverity)),
                term_text(g.value(r, SH.sourceConstraintComponent)),
                term_text(g.value(r, SH.sourceShape)),
            )
        ] += 1
    return bool(conforms is not None and conforms.toPython() is True), results


def pyshacl_like(
    validate: Callable[..., tuple[bool, rdflib.Graph, str]],
) -> Callable[[Case], tuple[bool, Counter[Key]]]:
    """An engine with pyshacl's ``validate`` (pyshacl itself, pyshacl-turbo) run on a case."""

    def run(case: Case) -> tuple[bool, Counter[Key]]:
        data, shapes = case.graphs()
        _conforms, report, _text = validate(data, shacl_graph=shapes, inference="none", allow_warnings=False)
        node = next(report.subjects(RDF.type, SH.ValidationReport))
        return report_keys(report, node)

    return run


def to_oxigraph(g: rdflib.Graph) -> list[ox.Triple]:
    """The triples of an rdflib graph as pyoxigraph terms (blank node labels kept)."""

    def term(n: rdflib.term.Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if isinstance(n, rdflib.URIRef):
            return ox.NamedNode(str(n))
        if isinstance(n, rdflib.BNode):
            return ox.BlankNode(str(n))
        assert isinstance(n, rdflib.Literal)
        if n.language:
            return ox.Literal(str(n), language=n.language)
        if n.datatype is not None:
            return ox.Literal(str(n), datatype=ox.NamedNode(str(n.datatype)))
        return ox.Literal(str(n))

    return [ox.Triple(term(s), term(p), term(o)) for s, p, o in g]  # type: ignore[arg-type]


def ox_text(t: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    """:func:`term_text` for a pyoxigraph term."""
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        return "_:"
    if isinstance(t, ox.Literal):
        return term_text(_literal(t))
    return f"<{t.value}>"


def _literal(t: ox.Literal) -> rdflib.Literal:
    if t.language:
        return rdflib.Literal(t.value, lang=t.language)
    if t.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return rdflib.Literal(t.value)
    return rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype.value))
