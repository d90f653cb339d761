"""The record view: a generic, schema-free RDF picture of a record for the mapping rules.

Every JSON object of the record becomes a node, every key a predicate ``v:<key>`` in the
namespace ``urn:unld:view:``, every scalar a literal, every list element a node of its own
carrying its 1-based position ``v:_index``.  Nothing here knows what a resolution is; the
mapping rules in ``mappings/*.rq`` decide what the view means.

The view is written as a JSON-LD document whose keys all fall in the view namespace, and
read into the store by the native JSON-LD reader.  The one exception to "nothing here
knows" is the IRI policy: the view attaches to the objects that stand for
published things the IRI they get (``v:_iri``, and ``v:_targetIri`` and the like for
references), computed by :class:`~unld.core.iri.IriPolicy`, so that no rule rebuilds an IRI by
string concatenation and every IRI comes from one place.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

import pyoxigraph as ox

from unld.core.iri import IriPolicy, organ_series, slug
from unld.mapping.phrases import phrase_iri

V = "urn:unld:view:"
# The IRI policy, path by path: where in the record a published thing stands, and the IRI
# (or IRIs) it gets.  Paths name keys from the root; "[]" is any element of a list.
IriRule = Callable[[IriPolicy, dict, dict], dict[str, str]]


def _paragraph(p: IriPolicy, root: dict, obj: dict) -> dict[str, str]:
    out = {"_iri": p.fragment(root["symbol"], obj["id"])}
    if obj.get("lead"):
        # the concept the lead phrase would be, if the vocabularies have it
        out["_leadIri"] = phrase_iri(obj["lead"])
    return out


def _footnote(p: IriPolicy, root: dict, obj: dict) -> dict[str, str]:
    out = _paragraph(p, root, obj)
    if obj.get("in"):
        out["_inIri"] = p.fragment(root["symbol"], obj["in"])
    return out


def _root(p: IriPolicy, root: dict, obj: dict) -> dict[str, str]:
    out = {
        "_iri": p.document(root["symbol"]),
        "_undocs": p.undocs(root["symbol"]),
        "_graph": graph_iri(p, root["symbol"]),
        "_datasetIri": p.dataset(),
        "_organIri": p.body(slug(root.get("organ") or "General Assembly")),
        "_sourceIri": p.source(root["source"]["sha256"]),
    }
    if root.get("session") is not None:
        out["_sessionIri"] = p.session(_series(root), root["session"])
    return out


def _series(root: dict) -> str:
    """The organ's symbol series that scopes the record's sessions and meetings."""
    return organ_series(root.get("symbol"), root.get("organ"))


def _agenda(p: IriPolicy, root: dict, obj: dict) -> dict[str, str]:
    session = obj.get("session") or root.get("session")
    if session is None:
        return {}
    return {
        "_iri": p.agenda_item(_series(root), session, obj["number"], obj.get("sub_item")),
        "_sessionIri": p.session(_series(root), session),
    }


def _meeting(p: IriPolicy, root: dict, obj: dict) -> dict[str, str]:
    series, session = _series(root), root.get("session")
    out = {"_iri": p.meeting(series, session, obj["number"])}
    if obj.get("date"):
        out["_sittingIri"] = p.sitting(series, session, obj["number"], obj["date"])
    if obj.get("kind") == "council":
        out["_recordIri"] = p.meeting_record(series, obj["number"])
        out["_recordUndocs"] = p.undocs(f"{series}/PV.{obj['number']}")
    return out


def _mandate(p: IriPolicy, root: dict, obj: dict) -> dict[str, str]:
    """A Council mandate decision: the body, its period (an OWL-Time interval), the paragraph."""
    out = {
        "_bodyIri": p.body(obj["key"]),
        "_parentIri": p.body(slug(root.get("organ") or "Security Council")),
        "_inIri": p.fragment(root["symbol"], obj["in"]),
    }
    if root.get("adopted_on"):
        # a period needs its beginning: the adoption date of the resolution deciding it
        m = p.mandate_dates(obj["key"], root["adopted_on"], obj.get("until"))
        out.update({"_iri": m, "_beginningIri": f"{m}#beginning", "_endIri": f"{m}#end"})
    if obj.get("regime"):
        out["_regimeIri"] = p.document(obj["regime"])
    return out


def _vote(p: IriPolicy, root: dict, obj: dict) -> dict[str, str]:
    return {"_iri": p.fragment(root["symbol"], "vote")}


def _basis(p: IriPolicy, root: dict, obj: dict) -> dict[str, str]:
    return {"_committeeIri": p.body(slug(obj["committee"]))} if obj.get("committee") else {}


def _citation(p: IriPolicy, root: dict, obj: dict) -> dict[str, str]:
    out = {"_inIri": p.fragment(root["symbol"], obj["in"])}
    if obj.get("target"):
        out["_targetIri"] = p.document(obj["target"])
        # the citation's rank among the citations of its paragraph names its node
        before = root.get("citations", [])[: obj["_position"] - 1]
        rank = 1 + sum(1 for c in before if c.get("in") == obj["in"] and c.get("target"))
        out["_citationIri"] = p.citation(root["symbol"], obj["in"], rank)
        out["_undocs"] = p.undocs(obj["target"])
    if obj.get("body") and obj["body"] != "another body":
        out["_bodyIri"] = p.body(slug(obj["body"]))
    return out


def _group(p: IriPolicy, root: dict, obj: dict) -> dict[str, str]:
    # the body the text says the group serves, else the organ that adopted the resolution
    parent = obj.get("parent") or slug(root.get("organ") or "General Assembly")
    out = {"_iri": p.body(obj["key"]), "_parentIri": p.body(parent)}
    mandate = obj.get("mandate")
    if mandate and mandate.get("start"):
        m = p.mandate(obj["key"], mandate["start"], mandate.get("end"))
        out.update({"_mandateIri": m, "_beginningIri": f"{m}#beginning", "_endIri": f"{m}#end"})
    if obj.get("established_by"):
        out["_establishedByIri"] = p.document(obj["established_by"])
    return out


def _future(p: IriPolicy, root: dict, obj: dict) -> dict[str, str]:
    return {
        "_iri": p.fragment(root["symbol"], f"fa{obj['_position']}"),
        "_sessionIri": p.session(_series(root), obj["session"]),
    }


def _section(p: IriPolicy, root: dict, obj: dict) -> dict[str, str]:
    if obj.get("label") is None:
        return {}  # an unlettered heading (Council texts) has no IRI of its own
    return {"_iri": p.fragment(root["symbol"], f"sec{obj['label']}")}


def _annex(p: IriPolicy, root: dict, obj: dict) -> dict[str, str]:
    out = {"_iri": p.fragment(root["symbol"], obj["id"])}
    # an annex of an adopted text ("the Pact for the Future and its annexes") is part of it
    out["_parentIri"] = (
        p.fragment(root["symbol"], obj["part_of"]) if obj.get("part_of") else p.document(root["symbol"])
    )
    return out


def _annex_part(p: IriPolicy, root: dict, obj: dict) -> dict[str, str]:
    """A heading, paragraph, table or cell of an annex, and the heading it stands under."""
    out = _paragraph(p, root, obj)
    if obj.get("in"):
        out["_inIri"] = p.fragment(root["symbol"], obj["in"])
    return out


IRI_RULES: dict[str, IriRule] = {
    "": _root,
    "preambular_paragraphs[]": _paragraph,
    "operative_paragraphs[]": _paragraph,
    "preambular_paragraphs[].subparagraphs[]": _paragraph,
    "operative_paragraphs[].subparagraphs[]": _paragraph,
    "preambular_paragraphs[].subparagraphs[].subparagraphs[]": _paragraph,
    "operative_paragraphs[].subparagraphs[].subparagraphs[]": _paragraph,
    "footnotes[]": _footnote,
    "sections[]": _section,
    "agenda_items[]": _agenda,
    "meeting": _meeting,
    "basis": _basis,
    "citations[]": _citation,
    "working_groups[]": _group,
    "bodies[]": lambda p, root, obj: {"_iri": p.body(obj["key"])},
    "future_agenda[]": _future,
    "annexes[]": _annex,
    "annexes[].headings[]": _annex_part,
    "annexes[].paragraphs[]": _annex_part,
    "annexes[].paragraphs[].subparagraphs[]": _paragraph,
    "annexes[].paragraphs[].subparagraphs[].subparagraphs[]": _paragraph,
    "annexes[].tables[]": _annex_part,
    "annexes[].tables[].cells[]": _paragraph,
    "annexes[].footnotes[]": _footnote,
    "mandates[]": _mandate,
    "vote": _vote,
}

#: List-valued keys whose elements are references to published things, and their IRIs.
ListRule = Callable[[IriPolicy, dict, str], str]
_PARAGRAPH_PATHS = [
    f"{top}{sub}"
    for top in ("preambular_paragraphs[]", "operative_paragraphs[]")
    for sub in ("", ".subparagraphs[]", ".subparagraphs[].subparagraphs[]")
]
_ANNEX_PATHS = [
    "annexes[].headings[]",
    "annexes[].tables[].cells[]",
    *(f"annexes[].paragraphs[]{sub}" for sub in ("", ".subparagraphs[]", ".subparagraphs[].subparagraphs[]")),
]


def _annex_footnote(p: IriPolicy, r: dict, mark: str) -> str:
    """The footnote a mark in an annex refers to: ``#fn12``, or the annex's own ``#annex-fn12``
    when the resolution's numbering restarted (the record says which id it got)."""
    for annex in r.get("annexes", []):
        for fn in annex.get("footnotes", []):
            if fn["mark"] == mark:
                return p.fragment(r["symbol"], fn["id"])
    return p.fragment(r["symbol"], f"fn{mark}")


IRI_LISTS: dict[str, ListRule] = {
    "basis.documents": lambda p, r, s: p.document(s),
    "working_groups[].in": lambda p, r, s: p.fragment(r["symbol"], s),
    "annexes[].referred_by": lambda p, r, s: p.fragment(r["symbol"], s),
    "bodies[].in": lambda p, r, s: p.fragment(r["symbol"], s),
    **{f"{path}.footnotes": (lambda p, r, s: p.fragment(r["symbol"], f"fn{s}")) for path in _PARAGRAPH_PATHS},
    **{f"{path}.footnotes": _annex_footnote for path in _ANNEX_PATHS},
}


def graph_iri(policy: IriPolicy, symbol: str) -> str:
    """Name of the named graph that holds one resolution."""
    from unld.core.iri import symbol_path

    return f"{policy.base}graph/{symbol_path(symbol)}"


def record_document(record: dict, policy: IriPolicy) -> dict:
    """The view of one record as a JSON-LD document (every key in the view namespace).

    Objects become blank nodes, lists of objects give each element its position
    (``_index``), and the IRI policy's IRIs are added as ``{"@id": ...}`` values.  Loading
    the document into a store (:func:`load`) gives the same triples as walking the record
    by hand would, at a fraction of the cost: the JSON-LD reader is native code.
    """
    return _document(record, policy)[0]


def _document(record: dict, policy: IriPolicy) -> tuple[dict, set[str]]:
    """The view document (:func:`record_document`) and the IRIs it names as objects."""
    writer = _ViewWriter(record, policy)
    doc = writer.node(record, "")
    doc["@context"] = {"@vocab": V}
    doc["@id"] = f"{V}r"
    doc["_base"] = policy.base
    return doc, writer.iris


class _RememberingPolicy(IriPolicy):
    """The IRI policy with the document IRIs it made remembered, for one view: a view asks
    for the resolution's own IRI once per paragraph, footnote and citation, and each time
    the symbol was normalised and quoted again (a sixth of building the view)."""

    def __init__(self, policy: IriPolicy) -> None:
        super().__init__(**{f.name: getattr(policy, f.name) for f in dataclasses.fields(policy) if f.init})
        object.__setattr__(self, "_documents", {})

    def document(self, symbol: str) -> str:
        documents: dict[str, str] = self._documents  # type: ignore[attr-defined]
        iri = documents.get(symbol)
        if iri is None:
            iri = documents[symbol] = super().document(symbol)
        return iri


class _ViewWriter:
    """Walks one record into the JSON-LD of its view (:func:`record_document`)."""

    def __init__(self, record: dict, policy: IriPolicy) -> None:
        self.record = record
        self.policy = _RememberingPolicy(policy)
        #: every IRI the view gives as an object (``{"@id": ...}``), for the vocabulary copy
        self.iris: set[str] = set()

    def node(self, obj: dict, path: str) -> dict:
        """The node of the object at ``path`` (keys joined by dots, ``[]`` for a list's items)."""
        node: dict = {}
        rule = IRI_RULES.get(path)
        if rule is not None:
            for key, iri in rule(self.policy, self.record, obj).items():
                node[key] = {"@id": iri}
                self.iris.add(iri)
        for key, value in obj.items():
            if value is None or key.startswith("_"):
                continue
            sub = f"{path}.{key}" if path else key
            if isinstance(value, dict):
                node[key] = self.node(value, sub)
            elif isinstance(value, list):
                items, refs = self.items(value, path, sub)
                if items:
                    node[key] = items
                if refs:
                    node[key + "Ref"] = refs
            else:
                node[key] = value
        return node

    def items(self, value: list, path: str, sub: str) -> tuple[list, list[dict]]:
        """The items of a list, each object with its position, and for a list of document
        symbols the references pairing each value with its IRI."""
        make = IRI_LISTS.get(sub)
        items: list = []
        refs: list[dict] = []
        for i, item in enumerate(value, start=1):
            if isinstance(item, dict):
                child = self.node({**item, "_position": i} if path == "" else item, sub + "[]")
                child["_index"] = i
                items.append(child)
            elif item is not None:
                items.append(item)
                if make is not None:
                    # a reference: a node pairing the value with its IRI
                    iri = make(self.policy, self.record, str(item))
                    ref = {"value": item, "_index": i, "_iri": {"@id": iri}}
                    self.iris.add(iri)
                    if sub == "basis.documents":
                        undocs = self.policy.undocs(str(item))
                        ref["_undocs"] = {"@id": undocs}
                        self.iris.add(undocs)
                    refs.append(ref)
        return items, refs


def load(store: ox.Store, record: dict, policy: IriPolicy, graph: ox.NamedNode) -> set[str]:
    """Add the view of ``record`` to ``store`` as the named graph ``graph``; returns the IRIs
    the view gives as objects (the batch mapper copies their vocabulary triples into it)."""
    doc, iris = _document(record, policy)
    data = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    store.load(data, format=ox.RdfFormat.JSON_LD, to_graph=graph)
    return iris
