"""Where the hand-edited ontology/ and mappings/ folders are at run time.

In a source checkout they are the top-level folders of the repository, read in place so
that an edit takes effect without reinstalling.  In an installed wheel they are shipped as
the regular packages ``unld._ontology`` and ``unld._mappings`` (each folder holds an
``__init__.py`` for that reason: a folder without one is a namespace package, whose
``importlib.resources.files()`` is a ``MultiplexedPath`` that is not a file-system path).
Where the package is not on the file system (a zip import), its files are extracted once
through ``importlib.resources.as_file`` and kept until the process ends.
"""

from __future__ import annotations

import atexit
from contextlib import ExitStack
from functools import cache
from importlib import resources
from pathlib import Path

_REPO = Path(__file__).resolve().parents[3]
_EXTRACTED = ExitStack()
atexit.register(_EXTRACTED.close)


def _checkout() -> Path | None:
    """The repository root when unld runs from a source checkout (editable install)."""
    if (_REPO / "pyproject.toml").is_file() and (_REPO / "src" / "unld").is_dir():
        return _REPO
    return None


@cache
def _folder(name: str, package: str) -> Path:
    repo = _checkout()
    if repo is not None and (repo / name).is_dir():
        return repo / name
    root = resources.files(package)
    if isinstance(root, Path):
        return root
    return Path(_EXTRACTED.enter_context(resources.as_file(root)))


def ontology_dir() -> Path:
    """The ontology, vocabularies, registry of bodies, shapes and QC queries."""
    return _folder("ontology", "unld._ontology")


def mappings_dir() -> Path:
    """The SPARQL CONSTRUCT mapping rules and the JSON-LD context."""
    return _folder("mappings", "unld._mappings")


def examples_dir() -> Path | None:
    """The bundled example texts, which exist only in a source checkout (the wheel carries
    the tool, not sample data); None when unld is installed from a wheel."""
    repo = _checkout()
    if repo is not None and (repo / "examples").is_dir():
        return repo / "examples"
    return None
