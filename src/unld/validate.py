"""Validation: each resolution's graph against the SHACL shapes in ``ontology/shapes.ttl``.

Each resolution's graph is validated on its own, together with the shared graphs it refers
to (the registry of bodies and the phrase vocabularies), with the ontology and its
alignments mixed in so that class hierarchies are known.  The shapes are compiled once
per process.  The report keeps, for every problem, the resource, the property, the
severity and the shape's message: what a person needs to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from unld.iri import IriPolicy
from unld.resources import ontology_dir

if TYPE_CHECKING:
    from unld.shacl import Engine, Result, Term

#: Files of the ontology mixed into every data graph (class and property hierarchy).
ONTOLOGY_FILES = ("unld.ttl", "align/*.ttl")
#: Shared data graphs that resolution graphs point into.
SHARED_FILES = ("bodies.ttl", "phrases.ttl")


@dataclass(frozen=True)
class Problem:
    """One validation result, as a person reads it."""

    severity: str  # "Violation", "Warning" or "Info"
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str | None
    graph: str | None = None

    def line(self) -> str:
        where = f"<{self.focus}>" + (f" {self.path}" if self.path else "")
        value = f" (value: {self.value})" if self.value else ""
        return f"{self.severity}: {where}: {self.message}{value}"


def ontology_paths() -> list[Path]:
    root = ontology_dir()
    out: list[Path] = []
    for pattern in ONTOLOGY_FILES:
        out.extend(sorted(root.glob(pattern)))
    return out


def shared_paths() -> list[Path]:
    root = ontology_dir()
    return [root / name for name in SHARED_FILES if (root / name).exists()]


def shapes_path() -> Path:
    return ontology_dir() / "shapes.ttl"


@cache
def _rdflib_graph(paths: tuple[str, ...], base: str) -> rdflib.Graph:
    g = rdflib.Graph()
    for p in paths:
        g.parse(p, format="turtle", publicID=base)
    return g


def shared_triples(policy: IriPolicy) -> list[ox.Triple]:
    """The shared graphs (bodies, vocabularies) as triples under the policy's base."""
    triples: list[ox.Triple] = []
    for path in shared_paths():
        with open(path, "rb") as fh:
            triples.extend(ox.parse(fh, format=ox.RdfFormat.TURTLE, base_iri=policy.base))
    return triples


ENGINES = ("fast", "pyshacl")
_SHARED_GRAPH = ox.NamedNode("urn:unld:validation:shared")
#: Resolution graphs added to the validation store before it is replaced by a fresh one
STORE_GRAPHS = 64


class Validator:
    """Validates graphs; build one per process (the shapes are read once).

    ``engine`` is ``fast`` (the compiled engine of :mod:`unld.shacl`, the default) or
    ``pyshacl`` (the reference).  Both read the same shapes and give the same report (tested).
    A shape using a feature the fast engine lacks is run by pyshacl, that shape only
    (:attr:`refused` lists them); the others stay with the engine.

    A resolution's graph is validated together with the shared graphs (bodies, vocabularies)
    and the ontology, but only for the resources the graph itself describes (its subjects);
    the shared graphs are validated once, by :meth:`validate_shared`.
    """

    def __init__(self, policy: IriPolicy, engine: str = "fast", shapes: Path | None = None) -> None:
        """``shapes`` is the shapes file (by default ``ontology/shapes.ttl``)."""
        from unld.shacl import Engine, Index, reference_shapes, superclass_closure

        shapes_file = shapes if shapes is not None else shapes_path()
        if engine not in ENGINES:
            raise ValueError(f"unknown SHACL engine {engine!r}: expected one of {ENGINES}")
        self.policy = policy
        self.shared_list = shared_triples(policy)
        self.ontology_list = _load(ontology_paths(), policy.base)
        self.engine_name = engine
        self.fast: Engine | None = None
        #: shapes the fast engine refused (IRI or blank node label, reason): pyshacl runs them
        self.refused: list[tuple[str, str]] = []
        self.ontology = _rdflib_graph(tuple(str(p) for p in ontology_paths()), policy.base)
        self.shapes: rdflib.Graph | None
        if engine == "fast":
            self.fast = Engine(_load([shapes_file], policy.base), strict=False)
            self.refused = [(node.value, reason) for node, reason in self.fast.refused]
            self.superclasses = superclass_closure(self.ontology_list)
            self.shared_index = Index(self.shared_list)
            self.ontology_index = Index(self.ontology_list)
            # SPARQL-based constraints run on one store holding the shared graphs and the
            # ontology; each resolution's graph is added under a name of its own, and the
            # store is replaced now and then (removing a graph costs as much as adding it)
            self._fresh_store()
            # the refused shapes, alone (the others keep no target), for pyshacl
            self.shapes = _to_rdflib(reference_shapes(self.fast)) if self.refused else None
        else:
            self.shapes = _rdflib_graph((str(shapes_file),), policy.base)
        self.shared = _to_rdflib(self.shared_list) if self.shapes is not None else None

    def validate(
        self, triples: list[ox.Triple], graph: str | None = None, only_own: bool = True
    ) -> list[Problem]:
        """Problems of one graph (with ``only_own``, of the resources it describes)."""
        own: set[Term] | None = {t.subject for t in triples} if only_own else None  # type: ignore[misc]
        if self.fast is not None:
            from unld.shacl import Data, Index

            data = Data([Index(triples), self.shared_index, self.ontology_index], self.superclasses)
            self.graphs_in_store += 1
            if self.graphs_in_store > STORE_GRAPHS:
                self._fresh_store()
            name = ox.NamedNode(f"urn:unld:validation:data:{self.graphs_in_store}")
            self.store.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
            results = self.fast.validate(
                data, only=own, store=self.store, default_graph=[name, _SHARED_GRAPH]
            )
            problems = _problems(results, graph)
            if self.shapes is None:
                return problems
            # and pyshacl for the shapes the engine refused
            return sorted(set(problems + self._reference(triples, own, graph)), key=_order)
        return self._reference(triples, own, graph)

    def _reference(self, triples: list[ox.Triple], own: set[Term] | None, graph: str | None) -> list[Problem]:
        """pyshacl's problems of a graph (with the shared graphs), for the reference shapes."""
        assert self.shared is not None
        problems = self._pyshacl(_to_rdflib(triples) + self.shared, graph)
        if own is not None:
            names = {_name(n) for n in own}
            problems = [p for p in problems if p.focus in names]
        return problems

    def _fresh_store(self) -> None:
        self.store = ox.Store()
        self.store.extend(
            ox.Quad(t.subject, t.predicate, t.object, _SHARED_GRAPH)
            for t in [*self.shared_list, *self.ontology_list]
        )
        self.graphs_in_store = 0

    def validate_shared(self) -> list[Problem]:
        """Problems of the shared graphs (registry of bodies, vocabularies), once."""
        own: set[Term] = {t.subject for t in self.shared_list}  # type: ignore[misc]
        if self.fast is not None:
            from unld.shacl import Data

            data = Data([self.shared_index, self.ontology_index], self.superclasses)
            problems = _problems(
                self.fast.validate(data, only=own, store=self.store, default_graph=[_SHARED_GRAPH]), "shared"
            )
            if self.shapes is None:
                return problems
            return sorted(set(problems + self._reference([], own, "shared")), key=_order)
        return self._reference([], own, "shared")

    def _pyshacl(self, data: rdflib.Graph, graph: str | None) -> list[Problem]:
        from pyshacl import validate

        assert self.shapes is not None
        _conforms, report, _text = validate(
            data,
            shacl_graph=self.shapes,
            ont_graph=self.ontology,
            inference="none",
            abort_on_first=False,
            allow_warnings=True,
            advanced=True,
        )
        return problems_from(report, graph)


def _name(node: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return node.value


def _load(paths: list[Path], base: str) -> list[ox.Triple]:
    out: list[ox.Triple] = []
    for p in paths:
        with open(p, "rb") as fh:
            out.extend(ox.parse(fh, format=ox.RdfFormat.TURTLE, base_iri=base))
    return out


def _problems(results: list[Result], graph: str | None) -> list[Problem]:
    from unld.shacl import path_text

    out = [
        Problem(
            severity=r.severity,
            focus=r.focus.value,
            path=(r.path.value if isinstance(r.path, ox.NamedNode) else path_text(r.path))
            if r.path
            else None,
            value=r.value.value if r.value is not None else None,
            message=r.message or "does not conform",
            shape=r.shape.value if isinstance(r.shape, ox.NamedNode) else None,
            graph=graph,
        )
        for r in results
    ]
    return sorted(set(out), key=_order)


def _order(p: Problem) -> tuple[bool, str, str, str, str, str]:
    return (p.severity != "Violation", p.focus, p.path or "", p.message, p.value or "", p.shape or "")


def problems_from(report: rdflib.Graph, graph: str | None = None) -> list[Problem]:
    """Problems of a SHACL validation report graph, in a stable order."""
    out: list[Problem] = []
    # the report's results, not the nested ones pyshacl gives as sh:detail (of sh:node, ...)
    for result in report.objects(None, SH.result):
        sev = report.value(result, SH.resultSeverity)
        path = report.value(result, SH.resultPath)
        out.append(
            Problem(
                severity=_severity(str(sev)) if sev else "Violation",
                focus=str(report.value(result, SH.focusNode)),
                path=rdflib_path_text(report, path) if isinstance(path, rdflib.BNode) else _n3(path),
                value=_n3(report.value(result, SH.value)),
                message=str(report.value(result, SH.resultMessage) or "does not conform"),
                shape=_n3(report.value(result, SH.sourceShape)),
                graph=graph,
            )
        )
    return sorted(set(out), key=_order)


def _severity(iri: str) -> str:
    """A SHACL severity by its local name (Violation, Warning, Info), any other by its IRI."""
    return iri.removeprefix(str(SH)) if iri.startswith(str(SH)) else iri


def rdflib_path_text(g: rdflib.Graph, node: rdflib.term.Node | None) -> str:
    """A SHACL property path held in ``g``, in SPARQL syntax (as :func:`unld.shacl.path_text`)."""
    if node is None:
        return ""
    if isinstance(node, rdflib.URIRef):
        return f"<{node}>"
    if (node, rdflib.RDF.first, None) in g:
        return "(" + " / ".join(rdflib_path_text(g, p) for p in rdflib.collection.Collection(g, node)) + ")"
    for pred, fmt in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "({})*"),
        (SH.oneOrMorePath, "({})+"),
        (SH.zeroOrOnePath, "({})?"),
    ):
        inner = g.value(node, pred)
        if inner is not None:
            return fmt.format(rdflib_path_text(g, inner))
    alt = g.value(node, SH.alternativePath)
    if alt is not None:
        return "(" + " | ".join(rdflib_path_text(g, p) for p in rdflib.collection.Collection(g, alt)) + ")"
    return "_:"


def _n3(node: rdflib.term.Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, rdflib.BNode):
        return None
    return str(node)


def _to_rdflib(triples: list[ox.Triple]) -> rdflib.Graph:
    g = rdflib.Graph()
    for t in triples:
        g.add((_term(t.subject), _term(t.predicate), _term(t.object)))
    return g


def _term(node: object) -> rdflib.term.Node:
    if isinstance(node, ox.NamedNode):
        return rdflib.URIRef(node.value)
    if isinstance(node, ox.BlankNode):
        return rdflib.BNode(node.value)
    if isinstance(node, ox.Literal):
        if node.language:
            return rdflib.Literal(node.value, lang=node.language)
        dt = node.datatype.value
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            return rdflib.Literal(node.value)
        return rdflib.Literal(node.value, datatype=rdflib.URIRef(dt))
    raise TypeError(f"unexpected RDF term {node!r}")


def report_graph(problems: list[Problem]) -> list[ox.Triple]:
    """The problems as a SHACL validation report (IRIs only: results are numbered)."""
    sh = "http://www.w3.org/ns/shacl#"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    report = ox.NamedNode("urn:unld:validation:report")
    triples = [
        ox.Triple(report, rdf_type, ox.NamedNode(sh + "ValidationReport")),
        ox.Triple(
            report,
            ox.NamedNode(sh + "conforms"),
            # as the specification says: false as soon as there is a result, of any severity
            # (unld's exit code keeps its own policy: warnings alone do not fail a build)
            ox.Literal(
                "false" if problems else "true",
                datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"),
            ),
        ),
    ]
    for i, p in enumerate(problems, start=1):
        r = ox.NamedNode(f"urn:unld:validation:result:{i}")
        triples += [
            ox.Triple(report, ox.NamedNode(sh + "result"), r),
            ox.Triple(r, rdf_type, ox.NamedNode(sh + "ValidationResult")),
            ox.Triple(
                r,
                ox.NamedNode(sh + "resultSeverity"),
                ox.NamedNode(p.severity if ":" in p.severity else sh + p.severity),
            ),
            ox.Triple(r, ox.NamedNode(sh + "focusNode"), ox.NamedNode(p.focus)),
            ox.Triple(r, ox.NamedNode(sh + "resultMessage"), ox.Literal(p.message)),
        ]
        if p.path and not p.path.startswith(("^", "(", "<")):
            # a predicate; a complex path is known here only as text (SPARQL syntax) and a
            # report holds paths as SHACL path nodes, so it is left out of the report graph
            triples.append(ox.Triple(r, ox.NamedNode(sh + "resultPath"), ox.NamedNode(p.path)))
        if p.shape:
            triples.append(ox.Triple(r, ox.NamedNode(sh + "sourceShape"), ox.NamedNode(p.shape)))
        if p.value:
            triples.append(ox.Triple(r, ox.NamedNode(sh + "value"), ox.Literal(p.value)))
    return triples
