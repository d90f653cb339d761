"""The dataset description: VoID and DCAT, with counts, dumps, licence and version.

Where it lives: the description of the dataset (counts, class partitions, linksets,
publisher, language, temporal coverage, version, distributions) is the graph
``<base>graph/void`` inside the dumps, so that a store loading a dump has it.  What a dump
cannot say of itself, its size and checksum, is stated only in ``void.ttl`` beside the
dumps (:func:`file_facts`), written after them.  ``void:triples`` is the number of distinct
triples of the union, the description included: the lines of ``unld.nt``.

Dates are deterministic: ``SOURCE_DATE_EPOCH`` when set (the convention of reproducible
builds), else the latest distribution date printed on a published resolution.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from unld import __version__
from unld.core import namespaces
from unld.core.iri import IriPolicy
from unld.core.namespaces import DCAT, DCT, OWL, RDFS, SPDX, UNLD, VOID, WD, XSD
from unld.publishing.dumps import Stats, file_digest
from unld.validation.inputs import SHARED_GRAPH_SUFFIXES

RDF_TYPE = ox.NamedNode(namespaces.RDF_TYPE)
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
#: English, as the EU Publications Office's language authority names it (DCAT-AP's choice)
ENGLISH = "http://publications.europa.eu/resource/authority/language/ENG"
#: The targets of the outbound linksets, by (predicate, object namespace) of Stats.links
LINK_TARGETS = {
    (f"<{OWL}sameAs>", f"<{WD}"): ("wikidata", "https://www.wikidata.org/", "Wikidata"),
    (f"<{RDFS}seeAlso>", "<https://undocs.org/"): (
        "undocs",
        "https://undocs.org/",
        "United Nations Official Document System (undocs.org)",
    ),
}

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
            "Resolutions of the United Nations General Assembly and Security Council parsed from "
            "their text: paragraphs, "
            "citations, agenda items, committees, meetings, working groups and mandates.",
            language="en",
        ),
    )
    add(ds, DCT + "license", ox.NamedNode(LICENSE))
    add(ds, DCAT + "version", ox.Literal(__version__))
    add(ds, OWL + "versionInfo", ox.Literal(f"unld {__version__}"))
    add(ds, DCT + "language", ox.NamedNode(ENGLISH))
    publisher = ox.NamedNode(f"{policy.base}dataset/publisher")
    add(ds, DCT + "publisher", publisher)
    add(publisher, str(RDF_TYPE.value), ox.NamedNode(DCT + "Agent"))
    add(publisher, RDFS + "label", ox.Literal("The unld project", language="en"))
    add(ds, DCT + "creator", ox.NamedNode(UNLD + "unld"))
    if stats.first_adopted and stats.last_adopted:
        period = ox.NamedNode(f"{policy.base}dataset/period")
        add(ds, DCT + "temporal", period)
        add(period, str(RDF_TYPE.value), ox.NamedNode(DCT + "PeriodOfTime"))
        add(period, DCAT + "startDate", ox.Literal(stats.first_adopted, datatype=ox.NamedNode(XSD + "date")))
        add(period, DCAT + "endDate", ox.Literal(stats.last_adopted, datatype=ox.NamedNode(XSD + "date")))
    add(ds, VOID + "uriSpace", ox.Literal(policy.base))
    add(ds, VOID + "triples", integer(stats.total or stats.triples))
    add(ds, VOID + "entities", integer(stats.entities))
    add(ds, VOID + "distinctSubjects", integer(stats.subjects))
    add(ds, VOID + "classes", integer(len(classes)))
    add(ds, VOID + "vocabulary", ox.NamedNode(UNLD))
    example = example_resource(policy, graphs)
    if example:
        add(ds, VOID + "exampleResource", ox.NamedNode(example))
    day = _build_day() or stats.last_issued
    if day:
        add(ds, DCT + "issued", ox.Literal(day, datatype=ox.NamedNode(XSD + "date")))
        add(ds, DCT + "modified", ox.Literal(day, datatype=ox.NamedNode(XSD + "date")))
    for (pred, space), n in sorted(stats.links.items()):
        key = (pred.decode(), space.decode())
        if key not in LINK_TARGETS:
            continue
        name, target, label = LINK_TARGETS[key]
        linkset = ox.NamedNode(f"{policy.base}dataset/linkset/{name}")
        add(ds, VOID + "subset", linkset)
        add(linkset, str(RDF_TYPE.value), ox.NamedNode(VOID + "Linkset"))
        add(linkset, VOID + "subjectsTarget", ds)
        add(linkset, VOID + "objectsTarget", ox.NamedNode(target))
        add(linkset, VOID + "linkPredicate", ox.NamedNode(key[0][1:-1]))
        add(linkset, VOID + "triples", integer(n))
        add(ox.NamedNode(target), str(RDF_TYPE.value), ox.NamedNode(VOID + "Dataset"))
        add(ox.NamedNode(target), RDFS + "label", ox.Literal(label, language="en"))
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


def example_resource(policy: IriPolicy, graphs: list[str]) -> str | None:
    """The document of the first resolution graph, by name: a resource the dataset holds,
    whatever was built (a fixed symbol would name a page with no data in a build without
    it, such as one of Security Council resolutions only)."""
    prefix = f"{policy.base}graph/"
    names = sorted(g for g in graphs if g.startswith(prefix) and not g.endswith(SHARED_GRAPH_SUFFIXES))
    return f"{policy.base}doc/{names[0][len(prefix) :]}" if names else None


def _build_day() -> str | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date().isoformat()
    return None


def file_facts(policy: IriPolicy, folder: Path, digests: dict[str, str] | None = None) -> list[ox.Triple]:
    """Size and SHA-256 of each dump, for ``void.ttl``: facts no dump can state of itself
    (a file holding its own checksum would change it), so they are not in the dumps.
    ``digests`` gives the SHA-256 of dumps already hashed, by name (each dump is hashed
    once a build, for this, SHA256SUMS and the manifest)."""
    out: list[ox.Triple] = []
    known = digests or {}
    for name in DUMPS:
        path = folder / name
        if not path.exists():
            continue
        dist = ox.NamedNode(f"{policy.base}dataset/dump/{name}")
        checksum = ox.NamedNode(f"{policy.base}dataset/dump/{name}#sha256")
        hexdigest = known.get(name)
        if hexdigest is None:
            hexdigest = file_digest(path)
        size = ox.Literal(str(path.stat().st_size), datatype=ox.NamedNode(XSD + "nonNegativeInteger"))
        out += [
            ox.Triple(dist, ox.NamedNode(DCAT + "byteSize"), size),
            ox.Triple(dist, ox.NamedNode(SPDX + "checksum"), checksum),
            ox.Triple(checksum, RDF_TYPE, ox.NamedNode(SPDX + "Checksum")),
            ox.Triple(
                checksum, ox.NamedNode(SPDX + "algorithm"), ox.NamedNode(SPDX + "checksumAlgorithm_sha256")
            ),
            ox.Triple(
                checksum,
                ox.NamedNode(SPDX + "checksumValue"),
                ox.Literal(hexdigest, datatype=ox.NamedNode(XSD + "hexBinary")),
            ),
        ]
    return sorted(out, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _local(node: ox.NamedNode | object) -> str:
    value = node.value if isinstance(node, ox.NamedNode) else str(node)
    return value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
