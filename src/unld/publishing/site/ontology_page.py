"""What the ontology's page shows: every term of the ontology's namespace used or
declared in the dataset, as Classes, Properties and Individuals, an anchor each."""

from __future__ import annotations

from unld.core.namespaces import DCT, OWL, RDFS, SKOS, UNLD
from unld.publishing.site.links import Links
from unld.publishing.site.model import LABEL, TYPE
from unld.publishing.site.paths import relative
from unld.publishing.site.store import OBJECT_OF_IRI, PREDICATE, SUBJECT


def _kind(links: Links, t: str) -> str:
    """Classes, Properties or Individuals: by the term's types, else by its name."""
    types = links.ds.types(t)
    if OWL + "Class" in types or RDFS + "Class" in types:
        return "Classes"
    if any(x.endswith("Property") for x in types):
        return "Properties"
    if types:
        return "Individuals"
    # not declared (yet): by the naming convention
    return "Classes" if t[len(UNLD)].isupper() else "Properties"


def _term(links: Links, t: str, path: str) -> dict:
    ds = links.ds
    return {
        "id": t[len(UNLD) :],
        "iri": t,
        "label": ds.value(t, LABEL) or t[len(UNLD) :],
        "definition": ds.value(t, SKOS + "definition") or ds.value(t, RDFS + "comment"),
        "types": links.types(t, path),
        "properties": links.properties(t, path, skip={TYPE, LABEL, SKOS + "definition"}),
        "instances": ds.count_incoming(t, TYPE),
    }


def _dump(links: Links, path: str, name: str) -> str | None:
    """The link to a dump file offered for download, None when the site has none."""
    return relative(path, "dumps/" + name, folder=False) if name in links.dump_names else None


def ontology(links: Links, iri: str, path: str) -> dict:
    """Everything ``ontology.html`` shows of the ontology ``iri`` (page at ``path``)."""
    ds = links.ds
    # subjects, objects (of an IRI subject) and predicates in the ontology's namespace
    terms = set(ds.terms_in(UNLD, SUBJECT | OBJECT_OF_IRI | PREDICATE))
    groups: dict[str, list[dict]] = {}
    for t in sorted(terms, key=lambda t: t[len(UNLD) :].lower()):
        groups.setdefault(_kind(links, t), []).append(_term(links, t, path))
    order = ["Classes", "Properties", "Individuals"]
    return {
        "onto": {
            "iri": iri,
            "title": ds.value(iri, DCT + "title") or "unld ontology",
            "description": ds.value(iri, DCT + "description"),
            "properties": links.properties(iri, path, skip={TYPE, DCT + "title", DCT + "description"}),
            "groups": [{"title": k, "terms": groups[k]} for k in order if groups.get(k)],
            "doc_href": _dump(links, path, "ontology.html"),
            "ttl_href": _dump(links, path, "ontology.ttl"),
        }
    }
