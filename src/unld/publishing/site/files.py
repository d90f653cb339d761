"""The files of the site that are not pages: the build's dumps offered for download, the
JSON-LD context, the style sheet and script, and the web servers' configuration."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from unld.core.resources import mappings_dir

if TYPE_CHECKING:
    from unld.publishing.site.render import Site

HERE = Path(__file__).resolve().parent

#: Dump files of a build that the site offers for download (copied into ``dumps/``).
DUMP_FILES = [
    ("unld.ttl", "Turtle", "text/turtle", "all graphs merged"),
    ("unld.nt", "N-Triples", "application/n-triples", "all graphs merged"),
    ("unld.nq", "N-Quads", "application/n-quads", "one named graph per resolution"),
    ("unld.trig", "TriG", "application/trig", "one named graph per resolution"),
    ("unld.jsonld", "JSON-LD", "application/ld+json", "compact, with the published context"),
    ("context.jsonld", "JSON-LD context", "application/ld+json", "the @context of every JSON-LD file"),
    (
        "ontology.ttl",
        "Ontology (Turtle)",
        "text/turtle",
        "ontology, alignments, phrase vocabularies and bodies",
    ),
    ("ontology.html", "Ontology documentation", "text/html", "human-readable documentation"),
    ("shapes.ttl", "SHACL shapes", "text/turtle", "what the data must look like"),
    ("void.ttl", "VoID / DCAT description", "text/turtle", "counts, dumps, licence"),
    ("validation.ttl", "Validation report", "text/turtle", "SHACL report of the build"),
    ("SHA256SUMS", "Checksums", "text/plain", "SHA-256 of every file above"),
]


def offered(site: Site) -> list[str]:
    """The names of the build's dump files that the site offers (those present)."""
    if not site.dumps_dir:
        return []
    return [name for name, *_ in DUMP_FILES if (site.dumps_dir / name).is_file()]


def copy_dumps(site: Site) -> None:
    """Put the build's dump files into ``dumps/`` as hard links (copies where the file
    system cannot link: a build never writes a dump file again once it is made), and
    remember which are offered."""
    for name in offered(site):
        site.writer.link("dumps", name, site.dumps_dir / name, own=True)  # type: ignore[operator]
        site.dump_names.append(name)


def context(site: Site) -> None:
    """The context every page's JSON-LD refers to (``<base>context.jsonld``), always
    written, with or without the build's dumps beside the site."""
    site.writer.write("", "context.jsonld", (mappings_dir() / "context.jsonld").read_bytes())


def static(site: Site) -> None:
    """The style sheet and script, and the configuration for Apache and nginx."""
    for f in sorted((HERE / "static").iterdir()):
        if f.is_file():
            site.writer.write("static", f.name, f.read_bytes(), own=True)
    config = HERE / "templates"
    site.writer.write("_config", "nginx-unld.conf", (config / "nginx-unld.conf").read_bytes(), own=True)
    site.writer.write("", ".htaccess", (config / "htaccess").read_bytes())
    site.writer.write("", ".nojekyll", b"")
