"""Where the hand-edited ontology/ and mappings/ folders are at run time.

In a source checkout they are the top-level folders of the repository; in an installed
wheel they are shipped as the data packages ``unld._ontology`` and ``unld._mappings``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

_REPO = Path(__file__).resolve().parents[2]


@cache
def _folder(name: str, package: str) -> Path:
    local = _REPO / name
    if local.is_dir():
        return local
    return Path(str(resources.files(package)))


def ontology_dir() -> Path:
    """The ontology, vocabularies, registry of bodies, shapes and QC queries."""
    return _folder("ontology", "unld._ontology")


def mappings_dir() -> Path:
    """The SPARQL CONSTRUCT mapping rules and the JSON-LD context."""
    return _folder("mappings", "unld._mappings")
