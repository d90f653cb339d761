"""The build cache: what a source became, kept in the output folder for the next build.

An entry is keyed by the source's file name and bytes (sha256), inside a folder keyed by
everything else that decides the result: unld's version and code, the mapping rules, the
ontology, registry, vocabularies and shapes, and the base IRI.  Changing a rule or a shape
therefore starts a new, empty folder (the old one is removed), and changing one source
re-processes that source only.  Entries are written atomically (temporary file, rename).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

from unld import __version__
from unld.resources import mappings_dir, ontology_dir

CACHE_DIR = ".unld-cache"


@cache
def _inputs_digest() -> str:
    h = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
    folders = [
        (package, "*.py"),
        (package / "parse", "*.py"),
        (mappings_dir(), "*"),
        (ontology_dir(), "*.ttl"),
        (ontology_dir() / "align", "*.ttl"),
    ]
    for folder, pattern in folders:
        for f in sorted(folder.glob(pattern)):
            if f.is_file():
                h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def config_key(base: str) -> str:
    """Key of everything but the source that decides a source's result."""
    return hashlib.sha256(f"{_inputs_digest()}|{base}".encode()).hexdigest()[:20]


def source_key(path: str, data: bytes) -> str:
    h = hashlib.sha256(Path(path).name.encode() + b"\0")
    h.update(data)
    return h.hexdigest()


class BuildCache:
    """Entries of one configuration in ``out/.unld-cache/<config>/``.

    An entry is two files: ``<key>.json`` (what became of the source: symbol, graph name,
    problems, warnings, or the error) and ``<key>.nt`` (its graph: sorted N-Triples lines).
    The graph file is also where the dump writer reads each graph from, so that a build of
    any size keeps only one batch of graphs in memory.
    """

    def __init__(self, out: Path, base: str, enabled: bool = True) -> None:
        self.root = out / CACHE_DIR
        self.dir = self.root / config_key(base)
        self.enabled = enabled
        self.used: set[str] = set()

    def get(self, key: str) -> dict | None:
        if not self.enabled:
            return None
        try:
            entry = json.loads((self.dir / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if entry.get("graph") and not self.graph_path(key).exists():
            return None
        self.used.add(key)
        return entry

    def graph_path(self, key: str) -> Path:
        return self.dir / f"{key}.nt"

    def graph(self, key: str) -> bytes:
        return self.graph_path(key).read_bytes()

    def put(self, key: str, entry: dict, ntriples: bytes) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self._write(self.graph_path(key), ntriples)  # the graph first, then what names it
        self._write(self.dir / f"{key}.json", json.dumps(entry, ensure_ascii=False).encode())
        self.used.add(key)

    def _write(self, path: Path, data: bytes) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".entry-", dir=self.dir)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)

    def prune(self) -> None:
        """Forget other configurations and sources that are no longer built."""
        if self.root.exists():
            for other in self.root.iterdir():
                if other != self.dir:
                    if other.is_dir():
                        shutil.rmtree(other, ignore_errors=True)
                    else:
                        other.unlink()
        if self.dir.exists():
            for f in self.dir.iterdir():
                stale = f.suffix in (".json", ".nt") and f.stem not in self.used
                if stale or f.name.startswith(".entry-"):
                    f.unlink()
