"""The JSON-LD each HTML page embeds for search engines: schema.org terms beside ours.

A resolution is a ``schema:Legislation`` (legislationIdentifier, legislationDate,
legislationPassedBy, name, citation, isPartOf, hasPart...), a decision too; reports and
other documents are ``schema:Report`` or ``schema:CreativeWork``; sessions and plenary
meetings are ``schema:Event``; bodies ``schema:GovernmentOrganization``; phrase concepts
``schema:DefinedTerm``.  Each node also carries our own class and its IRI, so one reader
sees both vocabularies.  The context is inline (no remote context to fetch): schema.org is
the default vocabulary, our terms are prefixed.

:func:`script_json` makes the JSON safe inside ``<script>``: ``<``, ``>`` and ``&`` are
written as JSON escapes, so a text containing ``</script>`` cannot end the element.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

from unld.core.namespaces import DCT, ELI, ORG, OWL, RDFS, SCHEMA, SKOS, UNLD, XSD
from unld.publishing.site.links import Own
from unld.publishing.site.model import Dataset

#: What reads the resource's own properties: the dataset, or the page's :class:`.links.Own`.
Reader = Dataset | Own

CONTEXT = {
    "@vocab": SCHEMA,
    "unld": UNLD,
    "eli": ELI,
    "rdfs": RDFS,
    "xsd": XSD,
}

_DOC_TYPES = {
    UNLD + "Resolution": ("Legislation", "resolution"),
    UNLD + "Decision": ("Legislation", "decision"),
    UNLD + "CommitteeReport": ("Report", None),
    UNLD + "DraftResolution": ("CreativeWork", None),
    UNLD + "Document": ("CreativeWork", None),
}
_BODY_TYPES = (
    UNLD + "Organ",
    UNLD + "Committee",
    UNLD + "WorkingGroup",
    UNLD + "Body",
    UNLD + "SubsidiaryBody",
    UNLD + "Organization",
)


def script_json(doc: dict) -> str:
    """JSON text that can sit inside a ``<script>`` element as it is."""
    try:
        text = _indented(doc, 0)
    except _Unusual:
        text = json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


class _Unusual(Exception):
    """A value :func:`_indented` leaves to the json module."""


def _indented(o: Any, level: int) -> str:
    """``json.dumps(o, ensure_ascii=False, sort_keys=True, indent=1)`` for the values the
    pages use (strings, numbers, booleans, None, lists, dicts with string keys), without
    the json module's pure-Python indenting encoder (the C encoder does not indent).
    Anything else raises :class:`_Unusual`, and the json module writes it."""
    out: list[str] = []
    _write(o, level, out)
    return "".join(out)


def _write(o: Any, level: int, out: list[str]) -> None:
    """Append the pieces of :func:`_indented` to ``out``, joined once at the end (joining
    each level would copy a page's paragraphs once per level); a string member is
    written in place, a call less for each."""
    t = type(o)
    if t is str:
        out.append(encode_basestring(o))
    elif t is dict and o:
        if not all(type(k) is str for k in o):
            raise _Unusual
        inner = "\n" + " " * (level + 1)
        sep = "{" + inner
        for k, v in sorted(o.items()):
            out.append(sep)
            sep = "," + inner
            if type(v) is str:
                out.append(encode_basestring(k) + ": " + encode_basestring(v))
            else:
                out.append(encode_basestring(k) + ": ")
                _write(v, level + 1, out)
        out.append("\n" + " " * level + "}")
    elif t is list and o:
        inner = "\n" + " " * (level + 1)
        sep = "[" + inner
        for v in o:
            out.append(sep)
            sep = "," + inner
            if type(v) is str:
                out.append(encode_basestring(v))
            else:
                _write(v, level + 1, out)
        out.append("\n" + " " * level + "]")
    elif o is None:
        out.append("null")
    elif o is True:
        out.append("true")
    elif o is False:
        out.append("false")
    elif t is int:
        out.append(int.__repr__(o))
    elif t is dict:
        out.append("{}")
    elif t is list:
        out.append("[]")
    else:
        raise _Unusual


def _ours(ds: Reader, iri: str) -> list[str]:
    return [f"unld:{t[len(UNLD) :]}" for t in ds.types(iri) if t.startswith(UNLD)]


def _ref(ds: Dataset, iri: str, schema_type: str | None = None) -> dict:
    node: dict = {"@id": iri, "name": ds.label(iri)}
    if schema_type:
        node["@type"] = schema_type
    return node


def _doc_type(ds: Reader, iri: str) -> tuple[str, str | None]:
    for t in ds.types(iri):
        if t in _DOC_TYPES:
            return _DOC_TYPES[t]
    return ("CreativeWork", None)


def node(ds: Dataset, iri: str, dataset_iri: str | None, own: Own | None = None) -> dict | None:
    """The schema.org description of the resource ``iri``, or None for no known kind;
    ``own`` reads the properties of ``iri`` and its hash IRIs (else the dataset does)."""
    me: Reader = own if own is not None else ds
    types = set(me.types(iri))
    ours = _ours(me, iri)
    if types & set(_DOC_TYPES):
        return _document(ds, me, iri, ours, dataset_iri)
    if UNLD + "Session" in types or UNLD + "PlenaryMeeting" in types:
        n: dict = {"@id": iri, "@type": ["Event", *ours], "name": ds.label(iri)}
        date = me.value(iri, UNLD + "meetingDate")
        if date:
            n["startDate"] = date
        session = me.iri(iri, UNLD + "session")
        if session:
            n["superEvent"] = _ref(ds, session, "Event")
        organ = me.iri(iri, UNLD + "meetingOf") or me.iri(iri, UNLD + "sessionOf")
        if organ:
            n["organizer"] = _ref(ds, organ, "GovernmentOrganization")
        return n
    if types & set(_BODY_TYPES) or iri.startswith(ds.base + "body/"):
        n = {"@id": iri, "@type": ["GovernmentOrganization", *ours], "name": ds.label(iri)}
        parent = me.iri(iri, ORG + "subOrganizationOf") or me.iri(iri, ORG + "unitOf")
        if parent:
            n["parentOrganization"] = _ref(ds, parent, "GovernmentOrganization")
        same = me.iris(iri, OWL + "sameAs")
        if same:
            n["sameAs"] = same
        alt = sorted({o.value for o in ds.objects(iri, SKOS + "altLabel")})
        if alt:
            n["alternateName"] = alt
        definition = me.value(iri, SKOS + "definition")
        if definition:
            n["description"] = definition
        return n
    if SKOS + "Concept" in types or SKOS + "ConceptScheme" in types:
        scheme = SKOS + "ConceptScheme" in types
        n = {"@id": iri, "@type": ["DefinedTermSet" if scheme else "DefinedTerm"], "name": ds.label(iri)}
        definition = me.value(iri, SKOS + "definition")
        if definition:
            n["description"] = definition
        for s in me.iris(iri, SKOS + "inScheme"):
            n["inDefinedTermSet"] = _ref(ds, s, "DefinedTermSet")
        code = me.value(iri, SKOS + "notation")
        if code and not scheme:
            n["termCode"] = code
        return n
    return {"@id": iri, "@type": ["Thing", *ours] if ours else "Thing", "name": ds.label(iri)}


def _document(ds: Dataset, me: Reader, iri: str, ours: list[str], dataset_iri: str | None) -> dict:
    """A document: ``ds`` reads other resources, ``me`` the document and its parts."""
    schema_type, legislation_type = _doc_type(me, iri)
    n: dict = {"@id": iri, "@type": [schema_type, *ours]}
    symbol = me.value(iri, UNLD + "symbol")
    title = me.value(iri, DCT + "title")
    n["name"] = title or symbol or ds.label(iri)
    if symbol:
        n["alternateName"] = symbol
        n["unld:symbol"] = symbol
    date = me.value(iri, UNLD + "adoptedOn")
    if schema_type == "Legislation":
        if symbol:
            n["legislationIdentifier"] = symbol
        if legislation_type:
            n["legislationType"] = legislation_type
        if date:
            n["legislationDate"] = date
            n["unld:adoptedOn"] = {"@value": date, "@type": "xsd:date"}
        organ = me.iri(iri, UNLD + "adoptedBy")
        if organ:
            n["legislationPassedBy"] = _ref(ds, organ, "GovernmentOrganization")
    elif date:
        n["dateCreated"] = date
    committee = me.iri(iri, UNLD + "reportOf")
    if committee:
        n["author"] = _ref(ds, committee, "GovernmentOrganization")
    # acts are cited with eli:cites, other documents referenced with dcterms:references
    cited = me.iris(iri, ELI + "cites") + me.iris(iri, DCT + "references")
    if cited:
        n["citation"] = [_ref(ds, c, _doc_type(ds, c)[0]) for c in cited]
    see = me.iris(iri, RDFS + "seeAlso")
    if see:
        n["rdfs:seeAlso"] = [{"@id": s} for s in see]
    if title:
        n["inLanguage"] = "en"
    if dataset_iri and ds.describing_graph.get(iri):
        n["isPartOf"] = {"@id": dataset_iri, "@type": "Dataset"}
    parts = []
    top = {UNLD + "PreambularParagraph", UNLD + "OperativeParagraph", UNLD + "Footnote"}
    for part in sorted(set(me.iris(iri, ELI + "has_part")) | set(ds.fragments(iri))):
        text = me.value(part, UNLD + "text")
        if text is None or not top & set(me.types(part)):
            continue
        p: dict = {
            "@id": part,
            "@type": ["Legislation", *_ours(me, part)],
            "isPartOf": {"@id": iri},
            "text": text,
        }
        position = me.value(part, UNLD + "position")
        if position:
            p["position"] = int(position)
        parts.append(p)
    if parts:
        parts.sort(key=lambda p: p["@id"])
        n["hasPart"] = parts
    return n


def page_jsonld(ds: Dataset, iri: str, dataset_iri: str | None, own: Own | None = None) -> str | None:
    n = node(ds, iri, dataset_iri, own)
    if n is None:
        return None
    return script_json({"@context": CONTEXT, **n})


def dataset_jsonld(name: str, description: str, iri: str, downloads: list[dict]) -> str:
    doc = {
        "@context": CONTEXT,
        "@id": iri,
        "@type": "Dataset",
        "name": name,
        "description": description,
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "distribution": [
            {"@type": "DataDownload", "contentUrl": d["iri"], "encodingFormat": d["media"]} for d in downloads
        ],
    }
    return script_json(doc)
