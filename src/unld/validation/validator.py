"""Validation: each resolution's graph against the SHACL shapes in ``ontology/shapes.ttl``.

Each resolution's graph is validated on its own, together with the shared graphs it refers
to (the registry of bodies and the phrase vocabularies), with the ontology and its
alignments mixed in so that class hierarchies are known.  The shapes are compiled once
per process.  The report keeps, for every problem, the resource, the property, the
severity and the shape's message: what a person needs to fix it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from unld.core.iri import IriPolicy
from unld.core.namespaces import RDF_TYPE, UNLD, XSD_BOOLEAN, XSD_STRING
from unld.core.namespaces import SH as SHACL
from unld.core.resources import ontology_dir

if TYPE_CHECKING:
    from unld.validation.shacl import Engine, Result, Term

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

    ``engine`` is ``fast`` (the compiled engine of :mod:`unld.validation.shacl`, the default) or
    ``pyshacl`` (the reference).  Both read the same shapes and give the same report (tested).
    A shape using a feature the fast engine lacks is run by pyshacl, that shape only
    (:attr:`refused` lists them); the others stay with the engine.

    A resolution's graph is validated together with the shared graphs (bodies, vocabularies)
    and the ontology, but only for the resources the graph itself describes (its subjects);
    the shared graphs are validated once, by :meth:`validate_shared`.
    """

    def __init__(self, policy: IriPolicy, engine: str = "fast", shapes: Path | None = None) -> None:
        """``shapes`` is the shapes file (by default ``ontology/shapes.ttl``)."""
        from unld.validation.shacl import Engine, Index, reference_shapes, superclass_closure

        shapes_file = shapes if shapes is not None else shapes_path()
        if engine not in ENGINES:
            raise ValueError(f"unknown SHACL engine {engine!r}: expected one of {ENGINES}")
        self.policy = policy
        self.shared_list = shared_triples(policy)
        self.ontology_list = _load(ontology_paths(), policy.base)
        self.engine_name = engine
        self.last_shared: set[str] = set()
        #: the last union validated (its shared nodes, sorted triples and store), which
        #: validate_union(..., dropped=...) validates again without the dropped triples
        self._last_union: tuple[set[Any], list[ox.Triple], ox.Store] | None = None
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
            from unld.validation.shacl import Data, Index

            data = Data([Index(triples), self.shared_index, self.ontology_index], self.superclasses)
            self.graphs_in_store += 1
            if self.graphs_in_store > STORE_GRAPHS:
                self._fresh_store()
            name = ox.NamedNode(f"urn:unld:validation:data:{self.graphs_in_store}")
            # only the triples the SPARQL-based constraints can match go into their store
            # (inserting is a third of a graph's validation; their answers are the same)
            keep = self.fast.sparql_predicates
            if keep is None:
                self.store.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
            elif keep:
                self.store.extend(
                    ox.Quad(t.subject, p, t.object, name) for t in triples if (p := t.predicate) in keep
                )
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

    def validate_union(
        self, graphs: list[tuple[str, list[ox.Triple]]], dropped: set[ox.Triple] | None = None
    ) -> list[Problem]:
        """Problems of the nodes that several graphs describe, with the facts of all of them.

        Each resolution's graph is validated for its own subjects, but a node two graphs
        share (a meeting, a session, an agenda item, a cited document, a body, a mandate
        period) may conform in each graph and not in their union: two dates for one
        meeting, two titles for one agenda item.  Those nodes are validated here over the
        union, and each problem names the graphs that gave the values at fault.

        ``dropped``: ``graphs`` are those of the previous call less these triples (the
        facts that lost a conflict, :func:`settle_union`): the union of that call is
        reused without them, and the same nodes are validated.  Forming the union
        (grouping, sorting, loading the store) cost as much as validating it.
        """
        rdf_type = ox.NamedNode(RDF_TYPE)
        reuse = self._last_union if dropped is not None else None
        self._last_union = None
        store: ox.Store | None = None
        if reuse is not None and dropped is not None:
            shared, kept, store = reuse
            triples = [t for t in kept if t not in dropped]
            for t in dropped:
                store.remove(ox.Quad(t.subject, t.predicate, t.object, _SHARED_GRAPH))
        else:
            by_subject: dict[Any, set[str]] = {}
            for name, graph_triples in graphs:
                for t in graph_triples:
                    by_subject.setdefault(t.subject, set()).add(name)
            shared = {s for s, names in by_subject.items() if len(names) > 1}
            self.last_shared = {_text(s) for s in shared}
            if not shared:
                return []
            union = {
                t
                for _, graph_triples in graphs
                for t in graph_triples
                if t.subject in shared or t.predicate == rdf_type
            }
            triples = sorted(union, key=str)
        if self.fast is not None:
            from unld.validation.shacl import Data, Index

            data = Data([Index(triples), self.shared_index, self.ontology_index], self.superclasses)
            if store is None:
                store = ox.Store()
                # only what the SPARQL-based constraints can match, as for one graph
                keep = self.fast.sparql_predicates
                store.extend(
                    ox.Quad(t.subject, t.predicate, t.object, _SHARED_GRAPH)
                    for t in triples
                    if keep is None or t.predicate in keep
                )
                store.extend(
                    ox.Quad(t.subject, t.predicate, t.object, _SHARED_GRAPH)
                    for t in [*self.shared_list, *self.ontology_list]
                )
            self._last_union = (shared, triples, store)
            problems = _problems(
                self.fast.validate(data, only=shared, store=store, default_graph=[_SHARED_GRAPH]), "union"
            )
        else:
            assert self.shared is not None  # the pyshacl engine loads the shared graphs
            names = {_name(n) for n in shared}
            problems = [
                p for p in self._pyshacl(_to_rdflib(triples) + self.shared, "union") if p.focus in names
            ]
        if not problems:
            return problems
        index = _by_subject_and_predicate(graphs, {(p.focus, p.path) for p in problems if p.path})
        return [_attribute(p, index) for p in problems]

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
            from unld.validation.shacl import Data

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


Statements = dict[tuple[str, str], dict[str, list[ox.Triple]]]


def _by_subject_and_predicate(
    graphs: list[tuple[str, list[ox.Triple]]], wanted: set[tuple[str, str]]
) -> Statements:
    """For each wanted (subject, predicate), the triples each graph states: one pass over the
    graphs, however many problems there are."""
    subjects = {s for s, _ in wanted}
    out: Statements = {}
    for name, triples in graphs:
        for t in triples:
            if isinstance(t.subject, ox.NamedNode) and t.subject.value in subjects:
                key = (t.subject.value, t.predicate.value)
                if key in wanted:
                    out.setdefault(key, {}).setdefault(name, []).append(t)
    return out


def _attribute(problem: Problem, index: Statements) -> Problem:
    """The problem with the graphs that state the property at fault for its focus node
    (and the value each gives) named in its message."""
    if problem.path is None:
        return problem
    given = {
        name: [_text(t.object) for t in ts]
        for name, ts in index.get((problem.focus, problem.path), {}).items()
    }
    if not given:
        return problem
    said = "; ".join(f"{g} gives {', '.join(sorted(v))}" for g, v in sorted(given.items()))
    return Problem(
        problem.severity,
        problem.focus,
        problem.path,
        problem.value,
        f"{problem.message} [in the union: {said}]",
        problem.shape,
        "union",
    )


def _name(node: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return node.value


def _load(paths: list[Path], base: str) -> list[ox.Triple]:
    out: list[ox.Triple] = []
    for p in paths:
        with open(p, "rb") as fh:
            out.extend(ox.parse(fh, format=ox.RdfFormat.TURTLE, base_iri=base))
    return out


def _problems(results: list[Result], graph: str | None) -> list[Problem]:
    from unld.validation.shacl import path_text

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
    """A SHACL property path held in ``g``, in SPARQL syntax (as :func:`unld.validation.shacl.path_text`)."""
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
        if dt == XSD_STRING:
            return rdflib.Literal(node.value)
        return rdflib.Literal(node.value, datatype=rdflib.URIRef(dt))
    raise TypeError(f"unexpected RDF term {node!r}")


def report_graph(problems: list[Problem]) -> list[ox.Triple]:
    """The problems as a SHACL validation report (IRIs only: results are numbered)."""
    sh = SHACL
    rdf_type = ox.NamedNode(RDF_TYPE)
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
                datatype=ox.NamedNode(XSD_BOOLEAN),
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


@dataclass
class UnionResult:
    """What validating the union found, and the triples each graph loses to settle it."""

    problems: list[Problem]
    #: per graph, the N-Triples lines left out of the dumps (facts that lost a conflict)
    removed: dict[str, set[bytes]]
    #: the nodes that several graphs describe (validated here rather than graph by graph)
    shared: set[str]

    def replace_in(self, problems: list[Problem]) -> list[Problem]:
        """Problems of one graph without its warnings about shared nodes: the union's
        verdict on those replaces what the graph alone said (a meeting that has no date in
        the graph of a resumed sitting has one in the union).  Violations stay: they
        explain why a graph was left out."""
        return [p for p in problems if p.severity == "Violation" or p.focus not in self.shared]


def _line(t: ox.Triple) -> bytes:
    return (ox.serialize([t], format=ox.RdfFormat.N_TRIPLES) or b"").rstrip(b"\n")


def _text(term: object) -> str:
    """The IRI, blank node id or lexical form of a term (RDF-star triples as N-Triples)."""
    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        return term.value
    return str(term)


def settle_union(
    validator: Validator,
    graphs: list[tuple[str, list[ox.Triple]]],
    sources: dict[str, str],
    locate: Callable[[str, str, str, str], int | None] | None = None,
) -> UnionResult:
    """Validate the union of ``graphs`` and settle conflicts between graphs.

    A node described by several graphs that breaks a shape only in their union (two
    adoption dates given for one cited resolution, two titles for one agenda item) is a
    conflict between the graphs.  Which fact wins (docs/validation-union.md): the graph
    of the resource itself when the dataset publishes it (``A/RES/73/8``'s own graph for
    its adoption date), otherwise the value given by the most graphs among the values that
    can be true (an adoption date inside the session of the resolution's number), ties
    going to the value of the graph whose IRI sorts first.  The losing facts are left out of the
    losing graphs only; no graph is dropped.  Each conflict is reported as a warning that
    names the graphs (and their source files) and what each gave; what the union still
    violates after that is reported as a violation.
    """
    first = validator.validate_union(graphs)
    shared = set(validator.last_shared)
    lost: dict[str, set[ox.Triple]] = {}
    notes: list[Problem] = []
    own_graph = _own_graphs(graphs)
    faults = [p for p in first if p.severity == "Violation" and p.path is not None]
    index = _by_subject_and_predicate(graphs, {(p.focus, p.path or "") for p in faults})
    for p in faults:
        prop = p.path or ""
        given = index.get((p.focus, prop), {})
        values = {str(t.object) for ts in given.values() for t in ts}
        if len(given) < 2 or len(values) < 2:
            continue  # not a disagreement between graphs
        winner, why = _winner(p, given, own_graph.get(p.focus), values)
        for name, ts in given.items():
            for t in ts:
                if str(t.object) not in winner:
                    lost.setdefault(name, set()).add(t)
        notes.append(_conflict(p, given, winner, why, sources, locate))
    removed = {name: {_line(t) for t in ts} for name, ts in lost.items()}
    if not removed:
        return UnionResult(first, removed, shared)
    # only the graphs that lost facts change (a line per triple of every graph cost more
    # than the validation itself); a losing value is taken out of every graph that gave
    # it, so the union is the previous one without those triples
    settled = [(name, [t for t in ts if t not in lost[name]] if name in lost else ts) for name, ts in graphs]
    dropped: set[ox.Triple] = set().union(*lost.values())
    return UnionResult([*notes, *validator.validate_union(settled, dropped)], removed, shared)


def _winner(
    p: Problem, given: dict[str, list[ox.Triple]], owner: str | None, values: set[str]
) -> tuple[set[str], str]:
    """The values that win a conflict between graphs over ``p``'s node and property, and
    why (docs/validation-union.md): the resource's own graph, else the most given of the
    values that can be true, ties to the graph whose IRI sorts first."""
    if owner in given:
        return {str(t.object) for t in given[owner]}, f"the resource's own graph {owner} wins"
    votes: dict[str, list[str]] = {}
    for name, ts in given.items():
        for t in ts:
            votes.setdefault(str(t.object), []).append(name)
    # a date that cannot be (A/RES/73/8 adopted before session 73 opened) never wins
    prop = p.path or ""
    possible = {v: n for v, n in votes.items() if _possible(p.focus, prop, v)}
    votes = possible or votes
    best = sorted(votes.items(), key=lambda kv: (-len(kv[1]), min(kv[1])))[0][0]
    why = f"the value given by the most graphs wins ({len(votes[best])} of {len(given)})"
    if possible and len(possible) < len(values):
        why = "the values that cannot be true (a date outside the resolution's session) lose; " + why
    return {best}, why


def _conflict(
    p: Problem,
    given: dict[str, list[ox.Triple]],
    winner: set[str],
    why: str,
    sources: dict[str, str],
    locate: Callable[[str, str, str, str], int | None] | None,
) -> Problem:
    """The warning that reports a settled conflict: what each graph (and its source file)
    gave, and which value won."""
    prop = p.path or ""
    said = "; ".join(
        f"{name} ({_where(sources.get(name), p.focus, prop, ts, locate)}) gives "
        + ", ".join(sorted(_text(t.object) for t in ts))
        for name, ts in sorted(given.items())
    )
    kept = sorted({_text(t.object) for ts in given.values() for t in ts if str(t.object) in winner})
    return Problem(
        "Warning",
        p.focus,
        p.path,
        ", ".join(kept),
        f"graphs disagree: {said}; {why}, the other values are left out of their graphs",
        p.shape,
        "union",
    )


def _where(
    path: str | None,
    focus: str,
    prop: str,
    given: list[ox.Triple],
    locate: Callable[[str, str, str, str], int | None] | None,
) -> str:
    """The source file of a graph, with the line that gives the fact when it can be found."""
    if path is None:
        return "unknown source"
    line = locate(path, focus, prop, _text(given[0].object)) if locate is not None else None
    return f"{Path(path).name}, line {line}" if line else Path(path).name


@lru_cache(maxsize=64)
def _parsed(path: str, stamp: tuple[int, int, int] = (0, 0, 0)) -> tuple[Any, dict]:
    """A source and its record, parsed once however many conflicts name it (``stamp``, the
    file's inode, size and modification time, parses it again when it was edited since)."""
    from unld.parse import parse_source

    source = _read(path, stamp)
    return source, parse_source(source)


@lru_cache(maxsize=256)
def _read(path: str, stamp: tuple[int, int, int] = (0, 0, 0)) -> Any:
    """A source's text, read once however many conflicts name it (``stamp`` as in
    :func:`_parsed`)."""
    from unld.sources import read_source

    return read_source(path)


def cited_lines(record: dict) -> list[list[Any]]:
    """Where a record cites each document: ``[target's IRI path, date given, line]`` for
    every citation whose paragraph or footnote has a line.

    The build keeps this beside each cached graph, so that a conflict report names the
    line of a citation without parsing the source again (a build of thousands of
    resolutions has hundreds of conflicts to report).
    """
    from unld.core.iri import symbol_path

    lines: dict[str, int] = {}

    def walk(items: list[dict]) -> None:
        for item in items:
            if item.get("id") and item.get("line"):
                lines[item["id"]] = item["line"]
            walk(item.get("subparagraphs", []))

    walk(record["preambular_paragraphs"] + record["operative_paragraphs"] + record["footnotes"])
    for annex in record.get("annexes", []):
        walk(annex["headings"] + annex["paragraphs"] + annex["footnotes"])
    return [
        [symbol_path(c["target"]), c.get("date"), lines[c["in"]]]
        for c in record["citations"]
        if c.get("target") and c.get("in") in lines
    ]


def source_line(
    path: str, focus: str, prop: str, value: str, cited: list[list[Any]] | None = None
) -> int | None:
    """The line of the source ``path`` that gives ``value`` for ``focus`` (conflict reports
    name it): the paragraph or footnote citing the document with that date, else the
    first line holding the value's opening words (an agenda item's title, a body's name).

    ``cited`` is the source's :func:`cited_lines` when the caller kept them; without them
    the source is parsed again.
    """
    from unld.core.errors import InputError

    source = None
    try:
        st = os.stat(path)
        stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
        if cited is None:
            source, record = _parsed(path, stamp)
            cited = cited_lines(record)
    except (InputError, OSError):
        return None
    for target, date, line in cited:
        about = focus.endswith("/doc/" + target)
        if about and (prop != _ADOPTED_ON or date == value):
            return int(line)
    needle = " ".join(value.split()[:4])
    if needle:
        if source is None:  # the text is read only when no citation gives the line
            try:
                source = _read(path, stamp)
            except (InputError, OSError):
                return None
        for no, text in enumerate(source.text.split("\n"), start=1):
            if needle in " ".join(text.split()):
                return no
    return None


_ADOPTED_ON = UNLD + "adoptedOn"
_REGULAR_SESSION = re.compile(r"/doc/A/RES/(\d{1,3})/")


def _possible(focus: str, path: str, value: str) -> bool:
    """Whether a value can be true: a resolution of regular session N (``A/RES/N/...``) is
    adopted between September of 1945 + N and the end of the session, in September of the
    next year."""
    m = _REGULAR_SESSION.search(focus)
    if path != _ADOPTED_ON or m is None:
        return True
    date = value.split('"')[1] if value.startswith('"') else value
    year = 1945 + int(m.group(1))
    return f"{year}-09-01" <= date <= f"{year + 1}-09-30"


def _own_graphs(graphs: list[tuple[str, list[ox.Triple]]]) -> dict[str, str]:
    """The graph that publishes each resource (the subject of its ``unld:describes``)."""
    describes = UNLD + "describes"
    return {_text(t.object): name for name, ts in graphs for t in ts if t.predicate.value == describes}
