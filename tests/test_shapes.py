"""The SHACL shapes (ontology/shapes.ttl) against their examples and against real graphs.

Shapes run as they do in a build: on one graph merged with the registry of bodies and the
phrase vocabularies, with the ontology and its alignments as the ontology graph, without
inference.  Every valid example conforms; every invalid example fails for the reason its
file name gives (``<ShapeName>-<what>.ttl``, with the property shape or constraint it must
trip named on an ``# expect:`` line); every node shape has an invalid example; and the graph
of every resolution of the corpus has no violation, except the known defects listed below.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH

from tests.conftest import CORPUS
from unld.core.iri import IriPolicy
from unld.core.resources import ontology_dir
from unld.core.symbols import SYMBOL_PATTERN
from unld.mapping.mapper import Mapper
from unld.parse import parse_source
from unld.sources import read_source

ONTOLOGY = ontology_dir()
EXAMPLES = ONTOLOGY / "examples"
UNLDSH = Namespace("https://w3id.org/unld/shapes#")
UNLD = Namespace("https://w3id.org/unld/ontology#")
DATA_BASE = "https://w3id.org/unld/"

# Violations of real graphs that are defects of the parser, the mapping rules or the symbol
# pattern, not of the shapes (ontology/README.md, "Known defects").  Each entry names the
# property shape, why it fires, and the corpus files it fires on (None: any file).  When a
# defect is fixed, test_known_defects_still_occur fails: remove the entry then.
KNOWN_DEFECTS: dict[str, tuple[str, frozenset[str] | None]] = {}


@cache
def shapes_graph() -> Graph:
    return Graph().parse(ONTOLOGY / "shapes.ttl")


@cache
def ontology_graph() -> Graph:
    g = Graph().parse(ONTOLOGY / "unld.ttl")
    for path in sorted((ONTOLOGY / "align").glob("*.ttl")):
        g.parse(path)
    return g


@cache
def vocabulary_graph() -> Graph:
    g = Graph().parse(ONTOLOGY / "bodies.ttl", publicID=DATA_BASE)
    g.parse(ONTOLOGY / "phrases.ttl")
    return g


def validate(data: Graph) -> list[dict[str, str]]:
    """Validation results of ``data`` merged with the vocabularies, as plain dicts."""
    merged = Graph()
    for t in data:
        merged.add(t)
    for t in vocabulary_graph():
        merged.add(t)
    _, report, _ = pyshacl.validate(
        merged, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="none"
    )
    results = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        results.append(
            {
                "severity": str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[1],
                "shape": _local(report.value(r, SH.sourceShape)),
                "constraint": _local(report.value(r, SH.sourceConstraint)),
                "focus": str(report.value(r, SH.focusNode)),
                "message": str(report.value(r, SH.resultMessage)),
            }
        )
    return results


def _local(node: object) -> str:
    return str(node).rsplit("#", 1)[-1] if node is not None else ""


@cache
def parent_shapes() -> dict[str, str]:
    """Node shape of each property shape and SPARQL constraint, by local name."""
    g = shapes_graph()
    parents = {}
    for p in (SH.property, SH.sparql):
        for node_shape, child in g.subject_objects(p):
            parents[_local(child)] = _local(node_shape)
    return parents


def node_shapes() -> list[str]:
    return sorted(_local(s) for s in shapes_graph().subjects(RDF.type, SH.NodeShape))


def _sources(result: dict[str, str]) -> set[str]:
    """Names the result can be attributed to: its shape, constraint and their node shape."""
    names = {result["shape"], result["constraint"]} - {""}
    return names | {parent_shapes()[n] for n in names if n in parent_shapes()}


def _file_params(folder: str) -> list:
    paths = sorted((EXAMPLES / folder).glob("*.ttl"))
    return [pytest.param(p, id=p.stem) for p in paths]


# --- examples --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", _file_params("valid"))
def test_valid_example_conforms(path: Path) -> None:
    results = validate(Graph().parse(path))
    assert results == [], "\n".join(f"{r['shape']}: {r['focus']}: {r['message']}" for r in results)


@pytest.mark.parametrize("path", _file_params("invalid"))
def test_invalid_example_fails_for_its_reason(path: Path) -> None:
    node_shape = path.stem.split("-", 1)[0]
    assert node_shape in node_shapes(), f"{path.name}: no node shape {node_shape}"
    m = re.search(r"^# expect: unldsh:(\S+)$", path.read_text(encoding="utf-8"), re.M)
    assert m, f"{path.name}: no '# expect: unldsh:<shape>' line"
    expected = m.group(1)
    assert (
        expected == node_shape
        or parent_shapes().get(expected) == node_shape
        or (
            # a SPARQL constraint shared by several node shapes
            expected in {_local(c) for c in shapes_graph().objects(UNLDSH[node_shape], SH.sparql)}
        )
    ), f"{path.name}: {expected} is not a constraint of {node_shape}"

    results = validate(Graph().parse(path))
    assert results, f"{path.name} conforms"
    hit = [r for r in results if expected in (r["shape"], r["constraint"])]
    assert hit, f"{path.name}: {expected} did not fire; results: {results}"
    assert all(node_shape in _sources(r) for r in hit)
    # and nothing else is wrong: every violation is the one the file is about
    stray = [
        r for r in results if r["severity"] == "Violation" and expected not in (r["shape"], r["constraint"])
    ]
    assert not stray, f"{path.name}: other violations: {stray}"


def test_every_node_shape_has_an_invalid_example() -> None:
    covered = {p.stem.split("-", 1)[0] for p in (EXAMPLES / "invalid").glob("*.ttl")}
    missing = sorted(set(node_shapes()) - covered)
    assert not missing, f"node shapes without an invalid example: {missing}"


def test_every_shape_has_a_message_and_a_severity() -> None:
    g = shapes_graph()
    node_level = (SH.pattern, SH["class"], SH.nodeKind)
    shapes = set(g.subjects(RDF.type, SH.PropertyShape)) | {
        s for s in g.subjects(RDF.type, SH.NodeShape) if any((s, p, None) in g for p in node_level)
    }
    for s in shapes:
        assert g.value(s, SH.severity) in (SH.Violation, SH.Warning), f"{s}: no severity"
        assert g.value(s, SH.message) is not None, f"{s}: no message"
    for c in g.objects(None, SH.sparql):
        assert g.value(c, SH.message) is not None, f"{c}: no message"


def test_symbol_pattern_is_the_one_of_the_code() -> None:
    patterns = set(shapes_graph().objects(UNLDSH["Document-symbol-pattern"], SH.pattern))
    assert patterns == {Literal(SYMBOL_PATTERN)}


def test_shapes_have_a_version() -> None:
    g = shapes_graph()
    versions = list(
        g.objects(URIRef("https://w3id.org/unld/shapes"), URIRef("http://www.w3.org/2002/07/owl#versionInfo"))
    )
    assert versions


# --- real graphs -----------------------------------------------------------------------------


@cache
def _mapper() -> Mapper:
    return Mapper(IriPolicy())


@cache
def corpus_results(name: str) -> tuple[dict[str, str], ...]:
    record = parse_source(read_source(str(CORPUS / name)))
    mapped = _mapper().map_one(record)
    g = Graph()
    g.parse(data=ox.serialize(mapped.triples, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
    return tuple(validate(g))


CORPUS_FILES = sorted(p.name for p in CORPUS.iterdir() if p.suffix in {".txt", ".md"})


def _known(name: str, result: dict[str, str]) -> bool:
    defect = KNOWN_DEFECTS.get(result["shape"])
    return defect is not None and (defect[1] is None or name in defect[1])


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_graph_has_no_violation(name: str) -> None:
    violations = [r for r in corpus_results(name) if r["severity"] == "Violation" and not _known(name, r)]
    assert not violations, "\n".join(f"{r['shape']}: {r['focus']}: {r['message']}" for r in violations)


def test_corpus_is_there() -> None:
    assert len(CORPUS_FILES) >= 50


def test_known_defects_still_occur() -> None:
    """A fixed defect must leave KNOWN_DEFECTS, so that the shape guards again."""
    seen: dict[str, set[str]] = defaultdict(set)
    for name in CORPUS_FILES:
        for r in corpus_results(name):
            if r["severity"] == "Violation" and _known(name, r):
                seen[r["shape"]].add(name)
    fixed = sorted(set(KNOWN_DEFECTS) - set(seen))
    assert not fixed, f"defects no longer seen (remove them from KNOWN_DEFECTS): {fixed}"
    for shape, (_, files) in KNOWN_DEFECTS.items():
        if files is not None:
            assert seen[shape] == set(files), f"{shape}: now seen in {sorted(seen[shape])}"
