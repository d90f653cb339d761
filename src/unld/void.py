"""The dataset description: VoID and DCAT, with counts, dumps, licence and version.

No timestamps unless ``SOURCE_DATE_EPOCH`` is set, so that the same input gives the same
bytes (the convention of reproducible builds).
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

import pyoxigraph as ox

from unld import __version__, namespaces
from unld.dumps import Stats
from unld.iri import IriPolicy
from unld.namespaces import DCAT, DCT, UNLD, VOID, XSD

RDF_TYPE = ox.NamedNode(namespaces.RDF_TYPE)
LICENSE = "https://creativecommons.org/licenses/by/4.0/"

#: The dumps, with their media types: also the list of files a build writes.
DUMPS = {
    "unld.ttl": "text/turtle",
    "unld.nt": "application/n-triples",
    "unld.nq": "application/n-quads",
    "unld.trig": "application/trig",
    "unld.jsonld": "application/ld+json",
}


def dataset_iri(policy: IriPolicy) -> str:
    return policy.dataset()


def describe(policy: IriPolicy, stats: Stats, graphs: list[str]) -> list[ox.Triple]:
    """VoID/DCAT triples describing the dataset whose union ``stats`` counted."""
    ds = ox.NamedNode(dataset_iri(policy))
    classes = {ox.NamedNode(k.decode()[1:-1]): n for k, n in stats.classes.items() if k.startswith(b"<")}
    out: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(s, ox.NamedNode(p), o))

    def integer(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))

    add(ds, str(RDF_TYPE.value), ox.NamedNode(VOID + "Dataset"))
    add(ds, str(RDF_TYPE.value), ox.NamedNode(DCAT + "Dataset"))
    add(ds, DCT + "title", ox.Literal("United Nations resolutions as linked data", language="en"))
    add(
        ds,
        DCT + "description",
        ox.Literal(
            "Resolutions of the United Nations General Assembly parsed from their text: paragraphs, "
            "citations, agenda items, committees, meetings, working groups and mandates.",
            language="en",
        ),
    )
    add(ds, DCT + "license", ox.NamedNode(LICENSE))
    add(ds, DCT + "hasVersion", ox.Literal(__version__))
    add(ds, "http://www.w3.org/2002/07/owl#versionInfo", ox.Literal(f"unld {__version__}"))
    add(ds, VOID + "uriSpace", ox.Literal(policy.base))
    add(ds, VOID + "triples", integer(stats.triples))
    add(ds, VOID + "entities", integer(stats.entities))
    add(ds, VOID + "distinctSubjects", integer(stats.subjects))
    add(ds, VOID + "classes", integer(len(classes)))
    add(ds, VOID + "vocabulary", ox.NamedNode(UNLD))
    add(ds, VOID + "exampleResource", ox.NamedNode(f"{policy.base}doc/A/RES/76/19"))
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        day = datetime.fromtimestamp(int(epoch), tz=timezone.utc).date().isoformat()
        add(ds, DCT + "modified", ox.Literal(day, datatype=ox.NamedNode(XSD + "date")))
    for cls, n in sorted(classes.items(), key=lambda kv: str(kv[0])):
        part = ox.NamedNode(f"{policy.base}dataset/class/{_local(cls)}")
        add(ds, VOID + "classPartition", part)
        add(part, VOID + "class", cls)
        add(part, VOID + "entities", integer(n))
    for name, media in DUMPS.items():
        dist = ox.NamedNode(f"{policy.base}dataset/dump/{name}")
        url = ox.NamedNode(f"{policy.base}dumps/{name}")
        add(ds, VOID + "dataDump", url)
        add(ds, DCAT + "distribution", dist)
        add(dist, str(RDF_TYPE.value), ox.NamedNode(DCAT + "Distribution"))
        add(dist, DCAT + "downloadURL", url)
        add(dist, DCAT + "mediaType", ox.NamedNode(f"https://www.iana.org/assignments/media-types/{media}"))
        add(dist, DCT + "format", ox.Literal(media))
        add(dist, DCT + "license", ox.NamedNode(LICENSE))
    for g in graphs:
        sub = ox.NamedNode(g)
        add(ds, VOID + "subset", sub)
    return sorted(out, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _local(node: ox.NamedNode | object) -> str:
    value = node.value if isinstance(node, ox.NamedNode) else str(node)
    return value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
