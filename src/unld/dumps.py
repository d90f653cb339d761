"""Writing the dumps: deterministic bytes, written atomically.

Every dump is written to a temporary file in the output folder and renamed into place only
when the whole build has succeeded (:class:`Staging`), so that a failed or interrupted
build leaves the previous dumps as they were.  Quads and triples are sorted before they are
serialised, so that the same input gives the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

PREFIXES = {
    "unld": "https://w3id.org/unld/ontology#",
    "phrase": "https://w3id.org/unld/phrase/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "cito": "http://purl.org/spar/cito/",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "time": "http://www.w3.org/2006/time#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "schema": "https://schema.org/",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "sh": "http://www.w3.org/ns/shacl#",
    "wd": "http://www.wikidata.org/entity/",
}


class Staging:
    """A folder of files being written; :meth:`commit` moves them into the output folder.

    Files are renamed one by one (each rename is atomic); the staging folder lives inside
    the output folder so that renames never cross file systems.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        out.mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix=".unld-staging-", dir=out))
        self.files: list[str] = []

    def path(self, name: str) -> Path:
        p = self.dir / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if name not in self.files:
            self.files.append(name)
        return p

    def write_bytes(self, name: str, data: bytes) -> None:
        self.path(name).write_bytes(data)

    def commit(self) -> None:
        for name in self.files:
            target = self.out / name
            source = self.dir / name
            if source.is_dir():
                old = None
                if target.exists():
                    old = self.out / f".{name}.old"
                    if old.exists():
                        shutil.rmtree(old)
                    os.replace(target, old)
                os.replace(source, target)
                if old is not None:
                    shutil.rmtree(old)
            else:
                os.replace(source, target)
        self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.discard()


def _key(q: ox.Quad | ox.Triple) -> tuple[str, ...]:
    if isinstance(q, ox.Quad):
        return (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))
    return (str(q.subject), str(q.predicate), str(q.object))


def sorted_quads(graphs: Iterable[tuple[str, list[ox.Triple]]]) -> list[ox.Quad]:
    quads = {ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))
             for g, triples in graphs for t in triples}
    return sorted(quads, key=_key)


def union_triples(quads: list[ox.Quad]) -> list[ox.Triple]:
    return sorted({q.triple for q in quads}, key=_key)


def serialize(items: list, fmt: ox.RdfFormat) -> bytes:
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    return ox.serialize(items, format=fmt, prefixes=prefixes)


def jsonld(triples: list[ox.Triple], context_doc: dict, context_url: str) -> bytes:
    """Compact JSON-LD of ``triples`` referring to the published context by URL."""
    from unld import jsonld as writer

    return writer.write(triples, context_doc["@context"], context_url)


def sha256sums(folder: Path, names: list[str]) -> bytes:
    lines = []
    for name in sorted(names):
        digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        lines.append(f"{digest}  {name}\n")
    return "".join(lines).encode()
