"""Namespaces are defined in one module: a namespace IRI written anywhere else in the package
is a second definition that the next change of a namespace would miss."""

from __future__ import annotations

import re
from pathlib import Path

import unld
from unld.core import namespaces

PACKAGE = Path(unld.__file__).resolve().parent
#: A string literal opening with the IRI of a vocabulary unld writes or reads.
NAMESPACE_LITERAL = re.compile(
    r"""["'](?:https?://(?:www\.w3\.org/|purl\.org/|data\.europa\.eu/|schema\.org/|rdfs\.org/"""
    r"""|w3id\.org/unld|www\.wikidata\.org/entity|spdx\.org/))"""
)


def test_no_namespace_is_written_outside_the_namespaces_module() -> None:
    stray = [
        f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "namespaces.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if NAMESPACE_LITERAL.search(line)
    ]
    assert stray == [], "namespace IRIs outside unld/namespaces.py:\n" + "\n".join(stray)


def test_the_check_catches_a_stray_namespace() -> None:
    assert NAMESPACE_LITERAL.search('RDFS = "http://www.w3.org/2000/01/rdf-schema#"')
    assert NAMESPACE_LITERAL.search("base = 'https://w3id.org/unld/'")
    assert not NAMESPACE_LITERAL.search('url = "https://undocs.org/A/RES/76/19"')


def test_the_prefixes_use_the_namespaces() -> None:
    assert namespaces.PREFIXES["unld"] == namespaces.UNLD
    assert all(iri.endswith(("#", "/")) for iri in namespaces.PREFIXES.values())
