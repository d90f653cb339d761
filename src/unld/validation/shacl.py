"""A compiled SHACL Core engine: right, or it says it cannot.

pyshacl is the reference validator, but it re-reads the shapes for every graph and walks
generic code paths; on tens of thousands of small resolution graphs that costs a fifth of
a second each.  This engine reads the shapes once into plain Python objects and validates
a graph from hash indexes.

What it implements, by the SHACL specification: every kind of target (including the
implicit class target of a shape that is also a class), node and property shapes wherever
they appear (a property shape with its own targets, nested ``sh:property``), every SHACL
property path (inverse, sequence, alternative, zero-or-more, one-or-more, zero-or-one),
every Core constraint component, and SPARQL-based constraints on the node shapes that have
targets (SELECT with ``$this``, run by pyoxigraph).  ``docs/validation.md`` lists them.

What it does not implement it refuses: a shape using anything else (a parameter it does not
know, a datatype whose lexical space it cannot check, a recursive shape, a range bound that
is neither number, string nor date, ...) raises :class:`Unsupported` when it is compiled.
With ``strict=False`` the engine compiles every other shape and lists the refused ones in
:attr:`Engine.refused`; :func:`reference_shapes` and :func:`reference_results` then let
pyshacl validate just those.
``tests/test_shacl_suite.py`` runs the W3C SHACL Core test suite to hold the engine to this:
on every test it gives the expected report or refuses, never a different answer.
"""

from __future__ import annotations

import functools
import math
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

import pyoxigraph as ox

from unld.core.namespaces import OWL, RDF, RDFS, SH, XSD

if TYPE_CHECKING:
    import rdflib

RDF_TYPE = ox.NamedNode(RDF + "type")
SUBCLASS = RDFS + "subClassOf"
LANG_STRING = RDF + "langString"

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Node = ox.NamedNode | ox.BlankNode


class Unsupported(Exception):
    """The shapes use a SHACL feature this engine does not implement."""


# --- property paths ----------------------------------------------------------------------


@dataclass(frozen=True)
class PathExpr:
    """A complex SHACL property path: ``kind`` applied to ``parts``.

    ``kind`` is ``inverse``, ``sequence``, ``alternative``, ``zeroOrMore``, ``oneOrMore``
    or ``zeroOrOne``; a plain predicate is an ``ox.NamedNode`` and no ``PathExpr``.
    """

    kind: str
    parts: tuple[Path, ...]


Path = ox.NamedNode | PathExpr


def path_text(path: Path | None) -> str:
    """A path in SPARQL property path syntax (``^<p>``, ``(<p> / <q>)``, ``(<p>)*``)."""
    if path is None:
        return ""
    if isinstance(path, ox.NamedNode):
        return f"<{path.value}>"
    inner = [path_text(p) for p in path.parts]
    if path.kind == "inverse":
        return "^" + inner[0]
    if path.kind == "sequence":
        return "(" + " / ".join(inner) + ")"
    if path.kind == "alternative":
        return "(" + " | ".join(inner) + ")"
    return f"({inner[0]})" + {"zeroOrMore": "*", "oneOrMore": "+", "zeroOrOne": "?"}[path.kind]


# --- results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """One validation result, with the fields a SHACL report carries."""

    focus: Term
    path: Path | None
    value: Term | None
    severity: str  # local name: Violation, Warning, Info
    shape: Node
    message: str | None
    component: str = ""  # local name of the constraint component, e.g. MinCountConstraintComponent


# --- lexical checks of typed literals (a literal with an ill-formed value fails datatype) ---

_INT = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_FLOAT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN")
_TZ = r"(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))?"


def _int_in(low: int | None, high: int | None) -> Callable[[str], bool]:
    """A check of an integer type whose values lie in [low, high] (None: unbounded)."""

    def check(v: str) -> bool:
        if _INT.fullmatch(v) is None:
            return False
        n = int(v)
        return (low is None or n >= low) and (high is None or n <= high)

    return check


def _valid_date(v: str) -> bool:
    m = re.fullmatch(r"(-?\d{4,})-(\d{2})-(\d{2})" + _TZ, v)
    if not m:
        return False
    try:
        date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return False
    return True


def _valid_time(v: str) -> bool:
    m = re.fullmatch(r"(\d{2}):(\d{2}):(\d{2})(\.\d+)?" + _TZ, v)
    if not m:
        return False
    h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3))
    return (h < 24 and mi < 60 and s < 60) or (h == 24 and mi == 0 and s == 0 and not m.group(4))


def _valid_datetime(v: str) -> bool:
    if "T" not in v:
        return False
    day, _, clock = v.partition("T")
    return _valid_date(day) and _valid_time(clock)  # the time zone is checked with the time


def _valid_lang_tag(v: str) -> bool:
    return re.fullmatch(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*", v) is not None


LEXICAL: dict[str, Callable[[str], bool]] = {
    XSD + "integer": _int_in(None, None),
    XSD + "nonNegativeInteger": _int_in(0, None),
    XSD + "positiveInteger": _int_in(1, None),
    XSD + "nonPositiveInteger": _int_in(None, 0),
    XSD + "negativeInteger": _int_in(None, -1),
    XSD + "long": _int_in(-(2**63), 2**63 - 1),
    XSD + "int": _int_in(-(2**31), 2**31 - 1),
    XSD + "short": _int_in(-(2**15), 2**15 - 1),
    XSD + "byte": _int_in(-128, 127),
    XSD + "unsignedLong": _int_in(0, 2**64 - 1),
    XSD + "unsignedInt": _int_in(0, 2**32 - 1),
    XSD + "unsignedShort": _int_in(0, 2**16 - 1),
    XSD + "unsignedByte": _int_in(0, 255),
    XSD + "decimal": lambda v: _DECIMAL.fullmatch(v) is not None,
    XSD + "float": lambda v: _FLOAT.fullmatch(v) is not None,
    XSD + "double": lambda v: _FLOAT.fullmatch(v) is not None,
    XSD + "boolean": lambda v: v in ("true", "false", "1", "0"),
    XSD + "date": _valid_date,
    XSD + "time": _valid_time,
    XSD + "dateTime": _valid_datetime,
    XSD + "dateTimeStamp": lambda v: _valid_datetime(v) and re.search(r"(Z|[+-]\d{2}:\d{2})$", v) is not None,
    XSD + "gYear": lambda v: re.fullmatch(r"-?\d{4,}" + _TZ, v) is not None,
    XSD + "gYearMonth": lambda v: re.fullmatch(r"-?\d{4,}-(0[1-9]|1[0-2])" + _TZ, v) is not None,
    XSD + "string": lambda v: True,
    XSD + "normalizedString": lambda v: not any(c in v for c in "\r\n\t"),
    XSD + "token": lambda v: re.fullmatch(r"([^\s]+( [^\s]+)*)?", v) is not None,
    XSD + "language": _valid_lang_tag,
    XSD + "anyURI": lambda v: True,
    RDF + "langString": lambda v: True,
    RDF + "HTML": lambda v: True,
    RDF + "XMLLiteral": lambda v: True,
}

#: Numeric datatypes whose values :func:`_number` compares
NUMERIC = {
    k
    for k in LEXICAL
    if k.startswith(XSD)
    and (
        k.endswith(("nteger", "ong", "nt", "hort", "yte")) or k[len(XSD) :] in ("decimal", "float", "double")
    )
}


def _number(term: Term) -> Decimal | float | None:
    """The value of a well-formed numeric literal, or None (not a number, or ill-formed)."""
    if not isinstance(term, ox.Literal) or term.language or term.datatype.value not in NUMERIC:
        return None
    dt = term.datatype.value
    if not LEXICAL[dt](term.value):
        return None
    if dt in (XSD + "float", XSD + "double"):
        v = term.value
        return float(v.replace("INF", "inf"))
    try:
        return Decimal(term.value)
    except InvalidOperation:
        return None


def _moment(dt: str, text: str) -> datetime | None:
    """An xsd:date or xsd:dateTime as a datetime (naive when the literal has no time zone)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(T(\d{2}):(\d{2}):(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?", text)
    if m is None or (m.group(4) is None) != dt.endswith("#date") or m.group(5) == "24":
        return None  # a year before 1000 or after 9999, or 24:00:00: not compared here
    zone = m.group(9)
    tz = None
    if zone:
        offset = 0 if zone == "Z" else (int(zone[1:3]) * 60 + int(zone[4:6])) * (-1 if zone[0] == "-" else 1)
        tz = timezone(timedelta(minutes=offset))
    micro = int((m.group(8) or ".0")[1:].ljust(6, "0")[:6])
    hms = [int(m.group(i)) for i in (5, 6, 7)] if m.group(4) else [0, 0, 0]
    return datetime(
        int(m.group(1)), int(m.group(2)), int(m.group(3)), hms[0], hms[1], hms[2], micro, tzinfo=tz
    )


def _comparable(term: Term) -> tuple[str, object] | None:
    """A value ordered as SPARQL's ``<`` orders it, tagged by its kind (None: incomparable)."""
    n = _number(term)
    if n is not None:
        if isinstance(n, float) and math.isnan(n):
            return None
        return ("number", n)
    if not isinstance(term, ox.Literal):
        return None
    dt = term.datatype.value
    if term.language:
        return None
    if dt == XSD + "string":
        return ("string", term.value)
    if dt == XSD + "boolean" and LEXICAL[dt](term.value):
        return ("boolean", term.value in ("true", "1"))
    if dt in (XSD + "date", XSD + "dateTime") and LEXICAL[dt](term.value):
        moment = _moment(dt, term.value)
        return (dt, moment) if moment is not None else None
    return None


_FOURTEEN_HOURS = timedelta(hours=14)


def _less(a: Term, b: Term, or_equal: bool) -> bool:
    """SPARQL's ``a < b`` (``<=`` with ``or_equal``); False when they cannot be compared.

    Date-times with and without time zone are ordered as XML Schema orders them: only when
    the order is the same whatever the missing time zone (from -14:00 to +14:00).
    """
    x, y = _comparable(a), _comparable(b)
    if x is None or y is None or x[0] != y[0]:
        return False
    u, v = x[1], y[1]
    if isinstance(u, datetime) and isinstance(v, datetime) and (u.tzinfo is None) != (v.tzinfo is None):
        outcomes = set()
        for shift in (timezone(_FOURTEEN_HOURS), timezone(-_FOURTEEN_HOURS)):
            uu, vv = (u.replace(tzinfo=shift), v) if u.tzinfo is None else (u, v.replace(tzinfo=shift))
            outcomes.add(uu <= vv if or_equal else uu < vv)
        return outcomes == {True}
    return bool(u <= v) if or_equal else bool(u < v)  # type: ignore[operator]


def _lexical(term: Term) -> str:
    return term.value if not isinstance(term, ox.BlankNode) else f"_:{term.value}"


# --- data --------------------------------------------------------------------------------


class Index:
    """Triples indexed by subject and predicate, and objects by predicate."""

    def __init__(self, triples: Iterable[ox.Triple] = ()) -> None:
        self.spo: dict[Term, dict[ox.NamedNode, list[Term]]] = {}
        self.pos: dict[ox.NamedNode, list[tuple[Term, Term]]] = {}
        self._ops: dict[Term, dict[ox.NamedNode, list[Term]]] | None = None
        spo, pos, quoted = self.spo, self.pos, ox.Triple
        # dict.fromkeys drops repeated triples in native code, keeping the first of each
        # (a set tested and filled in the loop cost a tenth of the index's time)
        for t in dict.fromkeys(triples):
            s, p, o = t.subject, t.predicate, t.object
            if isinstance(s, quoted) or isinstance(o, quoted):
                raise Unsupported(f"{t}: a quoted triple (RDF-star)")
            po = spo.get(s)
            if po is None:
                spo[s] = {p: [o]}
            else:
                objects = po.get(p)
                if objects is None:
                    po[p] = [o]
                else:
                    objects.append(o)
            pairs = pos.get(p)
            if pairs is None:
                pos[p] = [(s, o)]
            else:
                pairs.append((s, o))

    def subjects(self, obj: Term, predicate: ox.NamedNode) -> list[Term]:
        """Subjects of ``predicate`` with object ``obj`` (the inverse index is built on first use)."""
        if self._ops is None:
            self._ops = {}
            for p, pairs in self.pos.items():
                for s, o in pairs:
                    self._ops.setdefault(o, {}).setdefault(p, []).append(s)
        return self._ops.get(obj, {}).get(predicate, [])


_NONE: dict = {}
_NO_VALUES: list[Term] = []  # never changed: Data.values returns it for no value


def _merged(found: list[list[Term] | None]) -> list[Term]:
    """The union of the parts' lists, first seen first.  A node is nearly always described
    by one part only (the resolution's graph or a shared one): then that part's list is the
    answer as it is, without the quadratic de-duplication of values met in several parts."""
    lists = [vs for vs in found if vs]
    if not lists:
        return []
    if len(lists) == 1:
        return lists[0]
    out: list[Term] = []
    for vs in lists:
        for v in vs:
            if v not in out:
                out.append(v)
    return out


class Data:
    """A data graph seen as the union of indexes (a resolution's and the shared graphs')."""

    def __init__(self, parts: list[Index], superclasses: dict[str, set[str]]) -> None:
        self.parts = parts
        self.superclasses = superclasses
        self._classes: dict[Term, set[str]] = {}
        self._nodes: dict[Term, dict[ox.NamedNode, list[Term]]] = {}

    def _node(self, node: Term) -> dict[ox.NamedNode, list[Term]]:
        """The predicates and objects of ``node`` in all the parts, merged once per node.
        A node is nearly always described by one part only (the resolution's graph or a
        shared one): then it is that part's own dictionary, not a copy."""
        found = [po for part in self.parts if (po := part.spo.get(node))]
        merged: dict[ox.NamedNode, list[Term]] = found[0] if len(found) == 1 else {}
        if len(found) > 1:
            for po in found:
                for p, objects in po.items():
                    out = merged.setdefault(p, [])
                    for o in objects:
                        if o not in out:
                            out.append(o)
        self._nodes[node] = merged
        return merged

    def values(self, node: Term, predicate: ox.NamedNode) -> list[Term]:
        """The objects of ``node`` and ``predicate`` in every part, each once, in the parts'
        order.  Callers must not change the list: it may be a part's own."""
        po = self._nodes.get(node)
        if po is None:
            po = self._node(node)
        return po.get(predicate, _NO_VALUES)

    def subjects(self, node: Term, predicate: ox.NamedNode) -> list[Term]:
        return _merged([part.subjects(node, predicate) for part in self.parts])

    def predicates(self, node: Term) -> list[tuple[ox.NamedNode, Term]]:
        """Every (predicate, object) of a subject."""
        out: list[tuple[ox.NamedNode, Term]] = []
        for part in self.parts:
            for p, objects in part.spo.get(node, {}).items():
                out.extend((p, o) for o in objects if (p, o) not in out)
        return out

    def pairs(self, predicate: ox.NamedNode) -> Iterable[tuple[Term, Term]]:
        for part in self.parts:
            yield from part.pos.get(predicate, [])

    def classes(self, node: Term) -> set[str]:
        """The classes of a node, with their superclasses (computed once per node)."""
        out = self._classes.get(node)
        if out is None:
            out = set()
            for t in self.values(node, RDF_TYPE):
                if isinstance(t, ox.NamedNode):
                    out |= self.superclasses.get(t.value, {t.value})
            self._classes[node] = out
        return out

    def instances(self, cls: str) -> set[Term]:
        return {
            s
            for s, o in self.pairs(RDF_TYPE)
            if isinstance(o, ox.NamedNode) and cls in self.superclasses.get(o.value, {o.value})
        }

    def triples(self) -> Iterable[ox.Triple]:
        seen: set[ox.Triple] = set()
        for part in self.parts:
            for s, po in part.spo.items():
                for p, os in po.items():
                    for o in os:
                        t = ox.Triple(s, p, o)  # type: ignore[arg-type]
                        if t not in seen:
                            seen.add(t)
                            yield t


def superclass_closure(triples: Iterable[ox.Triple]) -> dict[str, set[str]]:
    """For each class, itself and every class above it by rdfs:subClassOf."""
    direct: dict[str, set[str]] = {}
    for t in triples:
        if (
            t.predicate.value == SUBCLASS
            and isinstance(t.object, ox.NamedNode)
            and isinstance(t.subject, (ox.NamedNode, ox.BlankNode))
        ):
            direct.setdefault(t.subject.value, set()).add(t.object.value)
    closure: dict[str, set[str]] = {}

    def up(c: str, seen: set[str]) -> set[str]:
        if c in closure:
            return closure[c]
        out = {c}
        for parent in direct.get(c, ()):
            if parent not in seen:
                out |= up(parent, seen | {parent})
        closure[c] = out
        return out

    for c in list(direct):
        up(c, {c})
    return closure


def evaluate(data: Data, node: Term, path: Path, inverse: bool = False) -> list[Term]:
    """The value nodes of ``node`` along ``path`` (followed backwards with ``inverse``)."""
    if isinstance(path, ox.NamedNode):
        return data.subjects(node, path) if inverse else data.values(node, path)
    kind, parts = path.kind, path.parts
    if kind == "inverse":
        return evaluate(data, node, parts[0], not inverse)
    if kind == "sequence":
        current = [node]
        for part in reversed(parts) if inverse else parts:
            nxt: dict[Term, None] = {}
            for n in current:
                nxt.update(dict.fromkeys(evaluate(data, n, part, inverse)))
            current = list(nxt)
        return current
    if kind == "alternative":
        out: dict[Term, None] = {}
        for part in parts:
            out.update(dict.fromkeys(evaluate(data, node, part, inverse)))
        return list(out)
    if kind == "zeroOrOne":
        return list(dict.fromkeys([node, *evaluate(data, node, parts[0], inverse)]))
    # zeroOrMore, oneOrMore: every node reached in one or more steps (plus the start for *)
    reached: dict[Term, None] = {node: None} if kind == "zeroOrMore" else {}
    frontier = [node]
    seen = {node}
    while frontier:
        step: list[Term] = []
        for n in frontier:
            for v in evaluate(data, n, parts[0], inverse):
                reached[v] = None
                if v not in seen:
                    seen.add(v)
                    step.append(v)
        frontier = step
    return list(reached)


# --- shapes ------------------------------------------------------------------------------

#: A constraint: (data, focus node, value nodes) -> the results' (value, path override)
Check = Callable[["Data", Term, list[Term]], list[tuple[Term | None, Path | None]]]

#: Parameters of the shapes graph this engine reads; any other sh: predicate is refused
_SUPPORTED = {
    "targetClass",
    "targetSubjectsOf",
    "targetObjectsOf",
    "targetNode",
    "property",
    "path",
    "minCount",
    "maxCount",
    "class",
    "datatype",
    "nodeKind",
    "pattern",
    "flags",
    "in",
    "hasValue",
    "uniqueLang",
    "languageIn",
    "minInclusive",
    "maxInclusive",
    "minExclusive",
    "maxExclusive",
    "minLength",
    "maxLength",
    "node",
    "not",
    "and",
    "or",
    "xone",
    "equals",
    "disjoint",
    "lessThan",
    "lessThanOrEquals",
    "closed",
    "ignoredProperties",
    "qualifiedValueShape",
    "qualifiedMinCount",
    "qualifiedMaxCount",
    "qualifiedValueShapesDisjoint",
    "severity",
    "message",
    "sparql",
    "deactivated",
    "name",
    "description",
    "order",
    "group",
    "defaultValue",
    "select",
    "prefixes",
}
#: Parameters whose value is a shape: a shape reached through them is compiled too
_SHAPE_PARAMETERS = ("node", "property", "not", "and", "or", "xone", "qualifiedValueShape")
_TARGETS = ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode")

_PATH_KINDS = {
    "inversePath": "inverse",
    "alternativePath": "alternative",
    "zeroOrMorePath": "zeroOrMore",
    "oneOrMorePath": "oneOrMore",
    "zeroOrOnePath": "zeroOrOne",
}


@dataclass
class Shape:
    """A compiled shape: its value nodes, constraints and nested property shapes."""

    node: Node
    severity: str
    messages: list[str]
    path: Path | None = None
    deactivated: bool = False
    checks: list[tuple[str, Check]] = field(default_factory=list)
    #: the checks that can fail with no value node (counts, sh:hasValue, sh:equals...): a
    #: check that tests each value finds nothing on none, and a third of the property
    #: shapes run on a node have no value
    empty_checks: list[tuple[str, Check]] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    sparql: list[tuple[str, str | None]] = field(default_factory=list)
    target_class: list[str] = field(default_factory=list)
    target_subjects_of: list[ox.NamedNode] = field(default_factory=list)
    target_objects_of: list[ox.NamedNode] = field(default_factory=list)
    target_node: list[Term] = field(default_factory=list)

    def run(self, data: Data, focus: Term) -> list[Result]:
        """The results of validating ``focus`` against this shape (SPARQL constraints aside)."""
        if self.deactivated:
            return []
        values = [focus] if self.path is None else evaluate(data, focus, self.path)
        out: list[Result] = []
        message = self.messages[0] if self.messages else None
        for name, check in self.checks if values else self.empty_checks:
            for value, path in check(data, focus, values):
                out.append(
                    Result(
                        focus,
                        path if path is not None else self.path,
                        value,
                        self.severity,
                        self.node,
                        message,
                        name + "ConstraintComponent",
                    )
                )
        for prop in self.properties:
            for v in values:
                out.extend(prop.run(data, v))
        return out

    def conforms(self, data: Data, node: Term) -> bool:
        """Whether ``node`` conforms: validating it gives no result of any severity."""
        return not self.run(data, node)


Fails = list[tuple[Term | None, Path | None]]
Test = Callable[[Data, Term], bool]


def _count(n: int, too_few: bool) -> Check:
    """sh:minCount (``too_few``) or sh:maxCount: one result without a value."""
    return lambda d, f, vs: [(None, None)] if (len(vs) < n if too_few else len(vs) > n) else []


def _per_value(ok: Test) -> Check:
    """A constraint on each value node: a result for each value that fails ``ok``."""
    return lambda d, f, vs: [(v, None) for v in vs if not ok(d, v)]


def _instance_of(c: str) -> Test:
    return lambda d, v: not isinstance(v, ox.Literal) and c in d.classes(v)


def _of_kind(allowed: tuple[type, ...]) -> Test:
    return lambda d, v: isinstance(v, allowed)


def _matches(rx: re.Pattern[str]) -> Test:
    return lambda d, v: not isinstance(v, ox.BlankNode) and rx.search(v.value) is not None


def _member(members: set[Term]) -> Test:
    return lambda d, v: v in members


def _has_value(value: Term) -> Check:
    return lambda d, f, vs: [] if value in vs else [(None, None)]


def _in_range(bound: Term, low: bool, inclusive: bool) -> Test:
    """sh:min/maxIn/Exclusive: ``low`` for a lower bound."""
    if low:
        return lambda d, v: _less(bound, v, inclusive)
    return lambda d, v: _less(v, bound, inclusive)


def _length(n: int, low: bool) -> Test:
    return lambda d, v: not isinstance(v, ox.BlankNode) and (len(v.value) >= n if low else len(v.value) <= n)


def _conforms_to(shapes: list[Shape], count: Callable[[int], bool]) -> Test:
    """Logical constraints: how many of ``shapes`` a value conforms to, judged by ``count``."""
    return lambda d, v: count(sum(1 for s in shapes if s.conforms(d, v)))


def _disjoint(p: ox.NamedNode) -> Check:
    return lambda d, f, vs: [(v, None) for v in vs if v in d.values(f, p)]


def _rdf_list(shapes: Index, head: Term) -> list[Term]:
    items: list[Term] = []
    first = ox.NamedNode(RDF + "first")
    rest = ox.NamedNode(RDF + "rest")
    seen: set[Term] = set()
    while not (isinstance(head, ox.NamedNode) and head.value == RDF + "nil"):
        if head in seen:
            raise Unsupported(f"{head}: a cyclic RDF list")
        seen.add(head)
        firsts = shapes.spo.get(head, {}).get(first, [])
        nxt = shapes.spo.get(head, {}).get(rest, [])
        if len(firsts) != 1 or len(nxt) != 1:
            raise Unsupported(f"{head}: an ill-formed RDF list")
        items.append(firsts[0])
        head = nxt[0]
    return items


_NODE_KINDS: dict[str, tuple[type, ...]] = {
    "IRI": (ox.NamedNode,),
    "Literal": (ox.Literal,),
    "BlankNode": (ox.BlankNode,),
    "BlankNodeOrIRI": (ox.BlankNode, ox.NamedNode),
    "IRIOrLiteral": (ox.NamedNode, ox.Literal),
    "BlankNodeOrLiteral": (ox.BlankNode, ox.Literal),
}


def _unique_lang(d: Data, f: Term, vs: list[Term]) -> Fails:
    """One failure per language tag that two values share (sh:uniqueLang true)."""
    langs = [v.language.lower() for v in vs if isinstance(v, ox.Literal) and v.language]
    return [(None, None)] * len({lang for lang in langs if langs.count(lang) > 1})


def _of_datatype(dt: str, check: Callable[[str], bool] | None) -> Test:
    """sh:datatype: a literal of exactly ``dt`` whose lexical form is valid (when ``check``)."""

    def datatype(d: Data, v: Term) -> bool:
        if not isinstance(v, ox.Literal):
            return False
        actual = LANG_STRING if v.language else v.datatype.value
        if actual != dt:
            return False
        if dt == LANG_STRING:
            return _valid_lang_tag(v.language or "")
        return check(v.value) if check else True

    return datatype


def _in_languages(ranges: list[str]) -> Test:
    """sh:languageIn: a literal whose tag matches one of the basic language ranges."""

    def lang_ok(d: Data, v: Term) -> bool:
        if not isinstance(v, ox.Literal) or not v.language:
            return False
        tag = v.language.lower()
        return any(r == "*" or tag == r or tag.startswith(r + "-") for r in ranges)

    return lang_ok


def _equals(p: ox.NamedNode) -> Check:
    """sh:equals: the values and those of ``p`` at the focus are the same set."""

    def equals(d: Data, f: Term, vs: list[Term]) -> Fails:
        others = d.values(f, p)
        out: Fails = [(v, None) for v in vs if v not in others]
        return out + [(o, None) for o in others if o not in vs]

    return equals


def _less_than(p: ox.NamedNode, or_equal: bool) -> Check:
    """sh:lessThan (or sh:lessThanOrEquals): every value below every value of ``p``."""

    def less(d: Data, f: Term, vs: list[Term]) -> Fails:
        return [(v, None) for v in vs for o in d.values(f, p) if not _less(v, o, or_equal)]

    return less


def _closed_to(allowed: set[Term]) -> Check:
    """sh:closed: no predicate outside ``allowed`` on a value node."""

    def closed(d: Data, f: Term, vs: list[Term]) -> Fails:
        return [(o, p) for v in vs for p, o in d.predicates(v) if p not in allowed]

    return closed


@dataclass
class _Constraints:
    """The constraint parameters of one shape as the compiler reads them, and where its
    compiled checks go."""

    engine: Engine
    node: Term
    shape: Shape
    stack: tuple[Term, ...]

    @property
    def is_property(self) -> bool:
        return self.shape.path is not None

    def get(self, name: str) -> list[Term]:
        return self.engine._get(self.node, name)

    def one(self, name: str) -> list[Term]:
        """The values of a parameter that may be given at most once."""
        values = self.get(name)
        if len(values) > 1:
            raise Unsupported(f"{self.node}: more than one sh:{name}")
        return values

    def integer(self, name: str) -> list[int]:
        out = []
        for v in self.one(name):
            if not isinstance(v, ox.Literal) or _INT.fullmatch(v.value) is None:
                raise Unsupported(f"{self.node}: sh:{name} is not an integer")
            out.append(int(v.value))
        return out

    def add(self, name: str, check: Check, needs_values: bool = False) -> None:
        """A check of the shape; ``needs_values`` when it gives no result without a value."""
        self.shape.checks.append((name, check))
        if not needs_values:
            self.shape.empty_checks.append((name, check))

    def per_value(self, name: str, ok: Test) -> None:
        self.add(name, _per_value(ok), needs_values=True)


class Engine:
    """Shapes compiled once; :meth:`validate` runs them over a :class:`Data` graph.

    With ``strict`` (the default) a shape the engine cannot run raises :class:`Unsupported`;
    without, it is left out and listed in :attr:`refused` (shape, reason), so that the
    reference validator can run it (:func:`reference_shapes`).
    """

    def __init__(self, shapes_triples: Iterable[ox.Triple], strict: bool = True) -> None:
        self.triples = list(shapes_triples)
        self.index = Index(self.triples)
        self.shapes: list[Shape] = []
        self.refused: list[tuple[Node, str]] = []
        self._compiled: dict[Node, Shape] = {}
        self.implicit: set[Node] = set()
        self._sparql_predicates: frozenset[ox.NamedNode] | None | bool = False
        for node in sorted(self._targeted(), key=str):
            try:
                shape = self._compile(node, ())
            except Unsupported as e:
                if strict:
                    raise
                self.refused.append((node, str(e)))
                continue
            self.shapes.append(shape)

    def _get(self, node: Term, name: str) -> list[Term]:
        return self.index.spo.get(node, {}).get(ox.NamedNode(SH + name), [])

    @property
    def sparql_predicates(self) -> frozenset[ox.NamedNode] | None:
        """The predicates of the triples the SPARQL-based constraints can see (None: all of
        them; empty when there is no such constraint), read once: see
        :func:`sparql_predicates`."""
        if self._sparql_predicates is False:
            self._sparql_predicates = sparql_predicates(q for shape in self.shapes for q, _ in shape.sparql)
        assert not isinstance(self._sparql_predicates, bool)
        return self._sparql_predicates

    def _targeted(self) -> set[Node]:
        """The shapes that have targets, explicit or implicit (a shape that is also a class)."""
        out: set[Node] = set()
        for name in _TARGETS:
            out |= {
                s for s, _ in self.index.pos.get(ox.NamedNode(SH + name), []) if not isinstance(s, ox.Literal)
            }
        # a SHACL instance of rdfs:Class (owl:Class counts, as for pyshacl) that is a shape
        classes = superclass_closure(self.triples)
        class_kinds = {RDFS + "Class", OWL + "Class"}
        shape_kinds = {SH + "NodeShape", SH + "PropertyShape"}
        types: dict[Term, set[str]] = {}
        for s, o in self.index.pos.get(RDF_TYPE, []):
            if isinstance(o, ox.NamedNode):
                types.setdefault(s, set()).update(classes.get(o.value, {o.value}))
        for s, kinds in types.items():
            if not kinds.isdisjoint(class_kinds) and not kinds.isdisjoint(shape_kinds):
                assert not isinstance(s, ox.Literal)
                self.implicit.add(s)
        return out | self.implicit

    def _compile(self, node: Term, stack: tuple[Term, ...]) -> Shape:
        if isinstance(node, ox.Literal):
            raise Unsupported(f"{node}: a literal where a shape was expected")
        if node in stack:
            raise Unsupported(f"{node}: a recursive shape")
        if node in self._compiled:
            cached = self._compiled[node]
            if stack and cached.sparql:
                # a SPARQL constraint runs once per shape over all focus nodes, not per value
                raise Unsupported(f"{node}: SPARQL constraints only on node shapes with targets")
            return cached
        stack = (*stack, node)
        for p in self.index.spo.get(node, {}):
            if p.value.startswith(SH) and p.value[len(SH) :] not in _SUPPORTED:
                raise Unsupported(f"{node}: sh:{p.value[len(SH) :]}")
        shape = self._header(node)
        self._constraints(node, shape, stack)
        for prop in self._get(node, "property"):
            compiled = self._compile(prop, stack)
            if compiled.path is None:
                raise Unsupported(f"{prop}: a value of sh:property without sh:path")
            shape.properties.append(compiled)
        for c in self._get(node, "sparql"):
            self._sparql(c, shape, stack)
        self._compiled[node] = shape
        return shape

    def _header(self, node: Node) -> Shape:
        """The shape ``node`` with its severity, messages, path and targets (no constraints
        yet)."""
        sev = self._get(node, "severity")
        if len(sev) > 1:
            raise Unsupported(f"{node}: more than one sh:severity")
        # a SHACL severity by its local name, any other (allowed by SHACL) by its IRI
        severity = (
            (sev[0].value.removeprefix(SH) if sev[0].value.startswith(SH) else sev[0].value)
            if sev
            else "Violation"
        )
        messages = [m.value for m in self._get(node, "message")]
        shape = Shape(node, severity, messages)
        shape.deactivated = any(v.value == "true" for v in self._get(node, "deactivated"))
        paths = self._get(node, "path")
        if len(paths) > 1:
            raise Unsupported(f"{node}: more than one sh:path")
        if paths:
            shape.path = self._path(paths[0], ())
        shape.target_class = [c.value for c in self._get(node, "targetClass")]
        # the implicit class target: a shape that is also a class targets its instances
        if node in self.implicit and isinstance(node, ox.NamedNode) and node.value not in shape.target_class:
            shape.target_class.append(node.value)
        shape.target_subjects_of = [
            p for p in self._get(node, "targetSubjectsOf") if isinstance(p, ox.NamedNode)
        ]
        shape.target_objects_of = [
            p for p in self._get(node, "targetObjectsOf") if isinstance(p, ox.NamedNode)
        ]
        shape.target_node = list(self._get(node, "targetNode"))
        return shape

    def _sparql(self, c: Term, shape: Shape, stack: tuple[Term, ...]) -> None:
        """The SPARQL-based constraint ``c`` of ``shape`` (a node shape with targets only)."""
        for p in self.index.spo.get(c, {}):
            if p.value.startswith(SH) and p.value[len(SH) :] not in _SUPPORTED:
                raise Unsupported(f"{c}: sh:{p.value[len(SH) :]}")
        if self._get(c, "prefixes"):
            raise Unsupported(f"{c}: sh:prefixes (write full IRIs in the query)")
        if len(stack) > 1 or shape.path is not None:
            raise Unsupported(f"{c}: SPARQL constraints only on node shapes with targets")
        select = self._get(c, "select")
        if len(select) != 1:
            raise Unsupported(f"{c}: a SPARQL constraint without one sh:select")
        if any(v.value == "true" for v in self._get(c, "deactivated")):
            return
        msg = self._get(c, "message")
        shape.sparql.append((select[0].value, msg[0].value if msg else None))

    def _path(self, node: Term, stack: tuple[Term, ...]) -> Path:
        """A SHACL property path of the shapes graph (refused if ill-formed or cyclic)."""
        if isinstance(node, ox.NamedNode):
            if node.value == RDF + "nil":
                raise Unsupported("an empty sequence path")
            return node
        if isinstance(node, ox.Literal) or node in stack:
            raise Unsupported(f"{node}: not a SHACL path")
        stack = (*stack, node)
        po = self.index.spo.get(node, {})
        if ox.NamedNode(RDF + "first") in po:
            parts = tuple(self._path(p, stack) for p in _rdf_list(self.index, node))
            if len(parts) < 2:
                raise Unsupported(f"{node}: a sequence path of fewer than two members")
            return PathExpr("sequence", parts)
        if len(po) != 1:
            raise Unsupported(f"{node}: not a SHACL path")
        ((pred, objects),) = po.items()
        kind = _PATH_KINDS.get(pred.value[len(SH) :]) if pred.value.startswith(SH) else None
        if kind is None or len(objects) != 1:
            raise Unsupported(f"{node}: not a SHACL path")
        if kind == "alternative":
            parts = tuple(self._path(p, stack) for p in _rdf_list(self.index, objects[0]))
            if len(parts) < 2:
                raise Unsupported(f"{node}: an alternative path of fewer than two members")
            return PathExpr(kind, parts)
        return PathExpr(kind, (self._path(objects[0], stack),))

    def _shapes_list(self, node: Term, stack: tuple[Term, ...]) -> list[Shape]:
        return [self._compile(s, stack) for s in _rdf_list(self.index, node)]

    def _constraints(self, node: Term, shape: Shape, stack: tuple[Term, ...]) -> None:
        """Compile the constraints of the shape ``node`` into ``shape.checks``, one group of
        SHACL Core at a time; a constraint the engine cannot check exactly raises
        :class:`Unsupported` (so that pyshacl checks that shape)."""
        c = _Constraints(self, node, shape, stack)
        self._cardinality(c)
        self._value_type(c)
        self._value_range_and_string(c)
        self._shape_based(c)
        self._property_pairs(c)
        self._closed(c)

    def _cardinality(self, c: _Constraints) -> None:
        """sh:minCount, sh:maxCount, sh:uniqueLang (property shapes only)."""
        for name in ("minCount", "maxCount", "uniqueLang", "qualifiedValueShape"):
            if c.get(name) and not c.is_property:
                raise Unsupported(f"{c.node}: sh:{name} on a node shape")
        for n in c.integer("minCount"):
            c.add("MinCount", _count(n, True))
        for n in c.integer("maxCount"):
            c.add("MaxCount", _count(n, False))
        for flag in c.one("uniqueLang"):
            if not isinstance(flag, ox.Literal) or flag.datatype.value != XSD + "boolean":
                raise Unsupported(f"{c.node}: sh:uniqueLang is not a boolean")
            # only true turns it on ("1" is another literal, the suite's uniqueLang-002)
            if flag.value == "true":
                c.add("UniqueLang", _unique_lang, needs_values=True)

    def _value_type(self, c: _Constraints) -> None:
        """sh:class, sh:datatype, sh:nodeKind."""
        for cls in c.get("class"):
            if not isinstance(cls, ox.NamedNode):
                raise Unsupported(f"{c.node}: sh:class is not an IRI")
            c.per_value("Class", _instance_of(cls.value))
        for dt in c.one("datatype"):
            if not isinstance(dt, ox.NamedNode):
                raise Unsupported(f"{c.node}: sh:datatype is not an IRI")
            check = LEXICAL.get(dt.value)
            if check is None and (dt.value.startswith((XSD, RDF))):
                # a built-in datatype whose lexical space is not checked here: refuse rather
                # than accept ill-formed values (pyshacl checks them)
                raise Unsupported(f"{c.node}: sh:datatype {dt.value}")
            c.per_value("Datatype", _of_datatype(dt.value, check))
        for kind in c.one("nodeKind"):
            allowed = _NODE_KINDS.get(kind.value[len(SH) :]) if kind.value.startswith(SH) else None
            if allowed is None:
                raise Unsupported(f"{c.node}: sh:nodeKind {kind.value}")
            c.per_value("NodeKind", _of_kind(allowed))

    def _value_range_and_string(self, c: _Constraints) -> None:
        """sh:pattern (with sh:flags), sh:in, sh:languageIn, sh:hasValue, the four range
        bounds, sh:minLength and sh:maxLength."""
        flags = c.one("flags")
        for pat in c.get("pattern"):
            rx_flags = 0
            for letter in flags[0].value if flags else "":
                if letter not in "ismx":
                    raise Unsupported(f"{c.node}: sh:flags {letter!r}")
                rx_flags |= {"i": re.I, "s": re.S, "m": re.M, "x": re.X}[letter]
            try:
                rx = re.compile(pat.value, rx_flags)
            except re.error as e:
                raise Unsupported(f"{c.node}: sh:pattern {pat.value!r}: {e}") from e
            c.per_value("Pattern", _matches(rx))
        for lst in c.one("in"):
            c.per_value("In", _member(set(_rdf_list(self.index, lst))))
        for lst in c.one("languageIn"):
            c.per_value("LanguageIn", _in_languages([r.value.lower() for r in _rdf_list(self.index, lst)]))
        for hv in c.get("hasValue"):
            c.add("HasValue", _has_value(hv))
        for name, low, inclusive in (
            ("minInclusive", True, True),
            ("maxInclusive", False, True),
            ("minExclusive", True, False),
            ("maxExclusive", False, False),
        ):
            for bound in c.one(name):
                if _comparable(bound) is None:
                    raise Unsupported(
                        f"{c.node}: sh:{name} with a bound that is not a number, string or date"
                    )
                c.per_value(name[0].upper() + name[1:], _in_range(bound, low, inclusive))
        for name, low in (("minLength", True), ("maxLength", False)):
            for n in c.integer(name):
                c.per_value(name[0].upper() + name[1:], _length(n, low))

    def _shape_based(self, c: _Constraints) -> None:
        """sh:node, sh:not, sh:and, sh:or, sh:xone, sh:qualifiedValueShape: the referenced
        shapes are compiled (recursion is refused)."""
        stack = c.stack
        for ref in c.get("node"):
            c.per_value("Node", _conforms_to([self._compile(ref, stack)], lambda n: n == 1))
        for ref in c.get("not"):
            c.per_value("Not", _conforms_to([self._compile(ref, stack)], lambda n: n == 0))
        for lst in c.get("and"):
            shapes = self._shapes_list(lst, stack)
            c.per_value("And", _conforms_to(shapes, functools.partial(operator.eq, len(shapes))))
        for lst in c.get("or"):
            c.per_value("Or", _conforms_to(self._shapes_list(lst, stack), lambda n: n > 0))
        for lst in c.get("xone"):
            c.per_value("Xone", _conforms_to(self._shapes_list(lst, stack), lambda n: n == 1))
        for ref in c.one("qualifiedValueShape"):
            self._qualified(c.node, ref, stack, c.shape)

    def _property_pairs(self, c: _Constraints) -> None:
        """sh:equals, sh:disjoint, sh:lessThan, sh:lessThanOrEquals: the values compared with
        those of a predicate at the focus node."""
        for p in c.get("equals"):
            c.add("Equals", _equals(self._pair(p, c.node)))
        for p in c.get("disjoint"):
            c.add("Disjoint", _disjoint(self._pair(p, c.node)), needs_values=True)
        for name, or_equal in (("lessThan", False), ("lessThanOrEquals", True)):
            for p in c.get(name):
                pair = self._pair(p, c.node)
                if not c.is_property:
                    raise Unsupported(f"{c.node}: sh:{name} on a node shape")
                c.add(name[0].upper() + name[1:], _less_than(pair, or_equal), needs_values=True)

    def _closed(self, c: _Constraints) -> None:
        """sh:closed with sh:ignoredProperties (node shapes only)."""
        for flag in c.one("closed"):
            if flag.value != "true":
                continue
            if c.is_property:
                raise Unsupported(f"{c.node}: sh:closed on a property shape")
            allowed: set[Term] = set()
            for prop in c.get("property"):
                for path in self._get(prop, "path"):
                    if isinstance(path, ox.NamedNode):
                        allowed.add(path)
            for lst in c.one("ignoredProperties"):
                allowed.update(_rdf_list(self.index, lst))
            c.add("Closed", _closed_to(allowed), needs_values=True)

    def _qualified(self, node: Term, ref: Term, stack: tuple[Term, ...], shape: Shape) -> None:
        """sh:qualifiedValueShape with its counts, and the sibling shapes when disjoint."""
        qualified = self._compile(ref, stack)
        siblings: list[Shape] = []
        disjoint = self._get(node, "qualifiedValueShapesDisjoint")
        if disjoint and disjoint[0].value == "true":
            # the qualified value shapes of the other property shapes of every parent shape
            for parent in self.index.subjects(node, ox.NamedNode(SH + "property")):
                for sibling_property in self._get(parent, "property"):
                    for sibling in self._get(sibling_property, "qualifiedValueShape"):
                        if sibling != ref:
                            siblings.append(self._compile(sibling, stack))

        def count(d: Data, vs: list[Term]) -> int:
            return sum(
                1 for v in vs if qualified.conforms(d, v) and not any(s.conforms(d, v) for s in siblings)
            )

        for name, too_few in (("qualifiedMinCount", True), ("qualifiedMaxCount", False)):
            bound = self._get(node, name)
            if len(bound) > 1 or any(
                not isinstance(b, ox.Literal) or _INT.fullmatch(b.value) is None for b in bound
            ):
                raise Unsupported(f"{node}: sh:{name} is not one integer")
            for b in bound:

                def check(
                    d: Data, f: Term, vs: list[Term], n: int = int(b.value), too_few: bool = too_few
                ) -> list[tuple[Term | None, Path | None]]:
                    c = count(d, vs)
                    return [(None, None)] if (c < n if too_few else c > n) else []

                shape.checks.append((name[0].upper() + name[1:], check))
                shape.empty_checks.append((name[0].upper() + name[1:], check))

    def _pair(self, p: Term, node: Term) -> ox.NamedNode:
        if not isinstance(p, ox.NamedNode):
            raise Unsupported(f"{node}: a property pair constraint whose value is not an IRI")
        return p

    # --- running -------------------------------------------------------------------------

    def _focus(
        self, shape: Shape, data: Data, only: set[Term] | None, targets: _Targets | None = None
    ) -> set[Term]:
        nodes: set[Term] = set(shape.target_node)
        if only is None:
            for c in shape.target_class:
                nodes |= data.instances(c)
            for p in shape.target_subjects_of:
                nodes |= {s for s, _ in data.pairs(p)}
            for p in shape.target_objects_of:
                nodes |= {o for _, o in data.pairs(p)}
            return nodes
        # restricted to ``only``: the nodes of ``only`` grouped once by class and predicate
        # (``targets``) rather than every node tested again for every shape
        if targets is None:
            targets = _Targets(data, only)
        nodes &= only
        for c in shape.target_class:
            nodes |= targets.by_class.get(c, _EMPTY)
        for p in shape.target_subjects_of:
            nodes |= targets.by_predicate.get(p, _EMPTY)
        for p in shape.target_objects_of:
            nodes |= {o for _, o in data.pairs(p) if o in only}
        return nodes

    def validate(
        self,
        data: Data,
        only: set[Term] | None = None,
        store: ox.Store | None = None,
        default_graph: list[ox.NamedNode] | None = None,
    ) -> list[Result]:
        """Results over ``data``; with ``only``, just for focus nodes in that set.

        SPARQL constraints run on ``store`` (with ``default_graph``) when given, else on a
        store loaded with the data.
        """
        out: list[Result] = []
        sparql_store = store
        targets = _Targets(data, only) if only is not None else None
        for shape in self.shapes:
            if shape.deactivated:
                continue
            focus = self._focus(shape, data, only, targets)
            if not focus:
                continue
            for f in focus:
                out.extend(shape.run(data, f))
            for query, message in shape.sparql:
                if sparql_store is None:
                    sparql_store = ox.Store()
                    sparql_store.extend(
                        ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in data.triples()
                    )
                    default_graph = None
                graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = list(default_graph or [])
                solutions = (
                    sparql_store.query(query, default_graph=graphs) if graphs else sparql_store.query(query)
                )
                assert isinstance(solutions, ox.QuerySolutions)
                names = [v.value for v in solutions.variables]
                for row in solutions:
                    binding = dict(zip(names, row, strict=True))
                    this = binding.get("this")
                    if this is None or this not in focus:
                        continue
                    text = message if message is not None else (shape.messages[0] if shape.messages else None)
                    if text:
                        text = _substitute(text, binding)
                    path = binding.get("path")
                    # a node shape's result has the focus node as its value unless ?value says
                    value = binding.get("value") or this
                    out.append(
                        Result(
                            this,
                            path if isinstance(path, ox.NamedNode) else None,
                            value,
                            shape.severity,
                            shape.node,
                            text,
                            "SPARQLConstraintComponent",
                        )
                    )
        return out


_EMPTY: frozenset[Term] = frozenset()


def sparql_predicates(queries: Iterable[str]) -> frozenset[ox.NamedNode] | None:
    """The predicates a triple must have to match any pattern of ``queries``, or None when
    any triple may matter.

    The SPARQL-based constraints run on a store into which every graph validated is
    inserted, and inserting costs several microseconds a triple (a third of a graph's
    validation).  A triple whose predicate no pattern names cannot change a query's answer,
    so only the others need inserting, provided every pattern of every query names its
    predicate: a variable predicate, a negated property set, a path that may have length
    zero (``*``, ``?``: it matches every node of the graph), ``GRAPH``, ``SERVICE``, a
    dataset clause, or a query rdflib's parser does not read give None (insert everything).
    The queries are read by rdflib's SPARQL parser, not by hand.
    """
    from rdflib.plugins.sparql import prepareQuery

    found: set[ox.NamedNode] = set()
    for query in queries:
        try:
            algebra = prepareQuery(query).algebra
        except Exception:  # noqa: BLE001 - unreadable here: oxigraph alone judges the query
            return None
        if algebra.get("datasetClause") or not _pattern_predicates(algebra, found):
            return None
    return frozenset(found)


_WHOLE_DATASET = {"Graph", "GraphGraphPattern", "ServiceGraphPattern"}


def _pattern_predicates(node: object, found: set[ox.NamedNode]) -> bool:
    """Adds to ``found`` the predicates of the triple patterns under ``node`` (an rdflib
    algebra or parse tree); False when a pattern may match a triple of any predicate."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name in _WHOLE_DATASET:
            return False
        for key, value in node.items():
            if key == "triples":
                if not _triples_predicates(value, found):
                    return False
            elif key != "_vars" and not _pattern_predicates(value, found):
                return False
        return True
    if isinstance(node, dict):
        return all(_pattern_predicates(v, found) for v in node.values())
    if isinstance(node, (list, tuple)):
        return all(_pattern_predicates(v, found) for v in node)
    return True


def _triples_predicates(triples: object, found: set[ox.NamedNode]) -> bool:
    """The predicates of a list of triple patterns: each a (subject, predicate, object)
    tuple, or (in a pattern not yet translated, under EXISTS) a flat list of them."""
    if not isinstance(triples, (list, tuple)):
        return False
    for item in triples:
        if not isinstance(item, (list, tuple)) or len(item) % 3:
            return False
        for predicate in item[1::3]:
            if not _path_predicates(predicate, found):
                return False
    return True


def _path_predicates(path: object, found: set[ox.NamedNode]) -> bool:
    """The IRIs of a predicate or property path that needs at least one of its IRIs' triples
    at every step; False for a variable, a negated set or a step that may be skipped."""
    import rdflib
    from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath

    if isinstance(path, rdflib.URIRef):
        found.add(ox.NamedNode(str(path)))
        return True
    if isinstance(path, InvPath):
        return _path_predicates(path.arg, found)
    if isinstance(path, (SequencePath, AlternativePath)):
        return all(_path_predicates(p, found) for p in path.args)
    if isinstance(path, MulPath) and path.mod == "+":
        return _path_predicates(path.path, found)
    return False


class _Targets:
    """The nodes of a validation's ``only`` set by class (with superclasses) and by the
    predicates they are subjects of, in every part of the data: what the class and
    subjects-of targets of every shape select from, computed once per validation."""

    def __init__(self, data: Data, only: set[Term]) -> None:
        self.by_class: dict[str, set[Term]] = {}
        self.by_predicate: dict[ox.NamedNode, set[Term]] = {}
        for node in only:
            for c in data.classes(node):
                self.by_class.setdefault(c, set()).add(node)
            for part in data.parts:
                # an index holds a predicate of a subject only with at least one object
                for p in part.spo.get(node, _NONE):
                    self.by_predicate.setdefault(p, set()).add(node)


def _substitute(text: str, binding: dict[str, Term | None]) -> str:
    """``{?var}`` and ``{$var}`` in a SPARQL constraint's message, replaced by their values."""

    def value(m: re.Match[str]) -> str:
        term = binding.get(m.group(1))
        return _lexical(term) if term is not None else m.group(0)

    return re.sub(r"\{[?$](\w+)\}", value, text)


# --- the reference validator, for the shapes the engine refused ---------------------------


def reference_shapes(engine: Engine) -> list[ox.Triple]:
    """The shapes graph with the targets of every shape the engine runs itself taken out.

    Given to pyshacl, it validates only the refused shapes (a shape without a target is
    applied only where another shape refers to it), so the two reports add up to one.
    """
    compiled = {s.node for s in engine.shapes}
    targets = {ox.NamedNode(SH + t) for t in _TARGETS}
    out = []
    for t in engine.triples:
        if t.subject in compiled and t.predicate in targets:
            continue
        if (
            t.subject in engine.implicit
            and t.subject in compiled
            and t.predicate == RDF_TYPE
            and t.object not in (ox.NamedNode(SH + "NodeShape"), ox.NamedNode(SH + "PropertyShape"))
        ):
            continue  # a shape that is also a class targets its instances: keep it a shape only
        out.append(t)
    return out


def reference_results(report: rdflib.Graph) -> list[Result]:
    """The results of a pyshacl report graph, as the engine gives them."""
    import rdflib
    from rdflib.namespace import SH as RSH

    def term(n: rdflib.term.Node) -> Term:
        if isinstance(n, rdflib.URIRef):
            return ox.NamedNode(str(n))
        if isinstance(n, rdflib.BNode):
            return ox.BlankNode(str(n))
        assert isinstance(n, rdflib.Literal)
        if n.language:
            return ox.Literal(str(n), language=n.language)
        return ox.Literal(str(n), datatype=ox.NamedNode(str(n.datatype or XSD + "string")))

    def path(n: rdflib.term.Node | None) -> Path | None:
        if n is None:
            return None
        if isinstance(n, rdflib.URIRef):
            return ox.NamedNode(str(n))
        if (n, rdflib.RDF.first, None) in report:
            return PathExpr(
                "sequence", tuple(p for p in map(path, rdflib.collection.Collection(report, n)) if p)
            )
        for pred, kind in _PATH_KINDS.items():
            inner = report.value(n, RSH[pred])
            if inner is not None:
                if kind == "alternative":
                    members = rdflib.collection.Collection(report, inner)
                    return PathExpr(kind, tuple(p for p in map(path, members) if p))
                inner_path = path(inner)
                return PathExpr(kind, (inner_path,)) if inner_path is not None else None
        return None

    out = []
    for r in report.objects(None, RSH.result):  # not the nested results of sh:detail
        focus, shape = report.value(r, RSH.focusNode), report.value(r, RSH.sourceShape)
        sev, comp = report.value(r, RSH.resultSeverity), report.value(r, RSH.sourceConstraintComponent)
        value, message = report.value(r, RSH.value), report.value(r, RSH.resultMessage)
        assert focus is not None and isinstance(shape, (rdflib.URIRef, rdflib.BNode))
        out.append(
            Result(
                term(focus),
                path(report.value(r, RSH.resultPath)),
                term(value) if value is not None else None,
                (str(sev).removeprefix(SH) if str(sev).startswith(SH) else str(sev)) if sev else "Violation",
                term(shape),  # type: ignore[arg-type]
                str(message) if message is not None else None,
                str(comp).rsplit("#", 1)[-1] if comp else "",
            )
        )
    return out


def validate_triples(
    data: Sequence[ox.Triple], shapes: Sequence[ox.Triple], fallback: bool = True
) -> tuple[bool, list[Result]]:
    """Validate a data graph against a shapes graph: (conforms, results).

    The engine runs every shape it supports; with ``fallback`` pyshacl runs the others
    (without, a refused shape raises :class:`Unsupported`).  The class hierarchy is read
    from the data graph, as the specification says.
    """
    engine = Engine(shapes, strict=not fallback)
    results = engine.validate(Data([Index(data)], superclass_closure(data)))
    if engine.refused:
        results += _pyshacl(list(data), reference_shapes(engine))
    return not results, results


def _pyshacl(data: list[ox.Triple], shapes: list[ox.Triple]) -> list[Result]:
    """pyshacl's results for ``data`` against ``shapes`` (both as pyoxigraph triples)."""
    from pyshacl import validate

    _conforms, report, _text = validate(
        _rdflib(data),
        shacl_graph=_rdflib(shapes),
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
    )
    return reference_results(report)


def _rdflib(triples: list[ox.Triple]) -> rdflib.Graph:
    import rdflib

    def term(n: Term) -> rdflib.term.Node:
        if isinstance(n, ox.NamedNode):
            return rdflib.URIRef(n.value)
        if isinstance(n, ox.BlankNode):
            return rdflib.BNode(n.value)
        if n.language:
            return rdflib.Literal(n.value, lang=n.language)
        if n.datatype.value == XSD + "string":
            return rdflib.Literal(n.value)
        return rdflib.Literal(n.value, datatype=rdflib.URIRef(n.datatype.value))

    g = rdflib.Graph()
    for t in triples:
        g.add((term(t.subject), term(t.predicate), term(t.object)))  # type: ignore[arg-type]
    return g
