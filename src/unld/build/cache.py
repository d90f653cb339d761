"""The build cache: what a source became, kept in the output folder for the next build.

An entry is keyed by the source's file name and bytes (sha256), inside a folder keyed by
everything else that decides the result: unld's version and code, the mapping rules, the
ontology, registry, vocabularies and shapes, and the base IRI.  Changing a rule or a shape
therefore starts a new, empty folder (the old one is removed), and changing one source
re-processes that source only.  Entries are written atomically (temporary file, rename).

Entries are verified before they are used: each names the SHA-256 and size of its graph
file, and an entry that does not parse, lacks a field, or whose graph does not match
(emptied, truncated, edited) is reported as a warning and its source processed again; a
corrupt cache can cost time, never a wrong output.

Reading and hashing every source and every graph again is what a rebuild of thousands of
resolutions spent most of its time on when one source changed, so the cache also keeps
each file's *stamp* (:class:`Stamps`): device, inode, size and modification time (in
nanoseconds) with the digest they vouch for, as ``make`` and version control do.  A file
whose stamp is unchanged is not read again; any difference (a rewrite, an edit, a copy, a
file put back) reads and hashes it.  A stamp is only recorded for a file last modified
more than :data:`RACY_SECONDS` before it is recorded, so that a second write within the
file system's clock tick cannot hide behind an unchanged time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

from unld import __version__
from unld.core.resources import mappings_dir, ontology_dir

CACHE_DIR = ".unld-cache"
#: The stamps of the cache's graph files and of the sources (:class:`Stamps`).
STAMPS = "stamps.json"
_REQUIRED = {
    "symbol",
    "graph",
    "problems",
    "warnings",
    "error_message",
    "error_line",
    "graph_sha256",
    "graph_bytes",
}


@cache
def _inputs_digest() -> str:
    h = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parents[1]
    folders = [
        # the code that turns a source into a cached entry: every stage before publishing
        *((package / stage, "*.py") for stage in ("", "core", "parse", "mapping", "validation", "build")),
        (mappings_dir(), "*"),
        (ontology_dir(), "*.ttl"),
        (ontology_dir() / "align", "*.ttl"),
    ]
    for folder, pattern in folders:
        for f in sorted(folder.glob(pattern)):
            if f.is_file():
                h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` through a temporary file and a rename: a reader (or a killed build)
    never sees it half written."""
    fd, tmp = tempfile.mkstemp(prefix=".entry-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


#: How old a file's modification time must be for its stamp to be recorded.
RACY_SECONDS = 2.0

Stamp = tuple[int, int, int, int]


def stamp_of(st: os.stat_result) -> Stamp:
    """What identifies a file's bytes without reading them."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


class Stamps:
    """Digests of files vouched for by their stamps, kept in one file of the cache.

    :meth:`lookup` gives the digest recorded for a path while its stamp is the recorded
    one; after reading and hashing a file, the caller passes it to :meth:`record` (kept only when
    the file is old enough not to be rewritten within the same clock tick).  The file
    keeps only what the last build looked up or recorded (:meth:`save`), so it does not
    grow.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._known: dict[str, list] = {}
        self._seen: dict[str, list] = {}
        self._loaded = False
        #: how many files were read and hashed, and how many digests the stamps gave
        self.read = 0
        self.trusted = 0

    def _load(self) -> None:
        self._loaded = True
        with contextlib.suppress(OSError, ValueError, RecursionError):
            known = json.loads(self.path.read_bytes())
            if isinstance(known, dict):
                self._known = known

    def lookup(self, path: str, st: os.stat_result) -> str | None:
        """The digest recorded for ``path`` if its stamp ``st`` is unchanged."""
        if not self._loaded:
            self._load()
        held = self._known.get(path)
        if isinstance(held, list) and len(held) == 5 and tuple(held[:4]) == stamp_of(st):
            self._seen[path] = held
            self.trusted += 1
            return str(held[4])
        return None

    def record(self, path: str, st: os.stat_result, digest: str, written: bool = False) -> None:
        """Vouch for ``digest`` as the content of ``path`` while its stamp is ``st``:
        ``written`` when the cache wrote those bytes itself (a new file, renamed into
        place), otherwise only if the file is older than :data:`RACY_SECONDS`."""
        if not written:
            self.read += 1
        if written or st.st_mtime_ns < (time.time() - RACY_SECONDS) * 1e9:
            self._seen[path] = [*stamp_of(st), digest]

    def forget(self, path: str) -> None:
        self._seen.pop(path, None)

    def save(self) -> None:
        """Keep the stamps looked up or recorded since loading (atomically)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, json.dumps(self._seen, sort_keys=True).encode("utf-8"))


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
        #: what was wrong with entries that were not used (printed as warnings)
        self.warnings: list[str] = []
        #: the SHA-256 of each used entry's graph, by key (the dumps' content keys)
        self.digests: dict[str, str] = {}
        #: stamps of the graph files (by key) and of the sources (by absolute path)
        self.stamps = Stamps(self.dir / STAMPS)

    def source_key(self, path: str, read: Callable[[str], bytes]) -> str:
        """:func:`source_key` of the source ``path``, from its stamp when it is unchanged
        since a build recorded it (``read`` reads the file otherwise)."""
        where = "source:" + os.path.abspath(path)
        if self.enabled:
            with contextlib.suppress(OSError):
                st = os.stat(path)
                known = self.stamps.lookup(where, st)
                if known is not None:
                    return known
        data = read(path)
        key = source_key(path, data)
        if self.enabled:
            with contextlib.suppress(OSError):
                after = os.stat(path)
                if len(data) == after.st_size:
                    self.stamps.record(where, after, key)
        return key

    def get(self, key: str, path: str = "") -> dict | None:
        """The verified entry of ``key`` (``path`` names the source in warnings), or
        ``None`` when there is none or it is corrupt (then a warning says so)."""
        if not self.enabled:
            return None
        entry_path = self.dir / f"{key}.json"
        try:
            data = entry_path.read_bytes()
        except OSError:
            return None  # not cached
        problem = self._check(key, data)
        if problem is not None:
            self.warnings.append(
                f"{path or key}: the cached result was corrupt ({problem}); processed again "
                f"(the cache is {self.dir}; 'unld build --no-cache' ignores it)"
            )
            return None
        self.used.add(key)
        entry: dict = json.loads(data)
        self.digests[key] = entry["graph_sha256"]
        return entry

    def _check(self, key: str, data: bytes) -> str | None:
        """Why the entry ``data`` of ``key`` cannot be trusted, or ``None``."""
        try:
            entry = json.loads(data)
        except (ValueError, RecursionError):
            return "its record is not JSON"
        if not isinstance(entry, dict) or not entry.keys() >= _REQUIRED:
            return "its record lacks fields"
        if not isinstance(entry["problems"], list) or not isinstance(entry["warnings"], list):
            return "its record has fields of the wrong kind"
        where = "graph:" + key
        try:
            st = os.stat(self.graph_path(key))
            if st.st_size == entry["graph_bytes"] and self.stamps.lookup(where, st) == entry["graph_sha256"]:
                return None
            graph = self.graph(key)
        except OSError:
            return "its graph file is missing"
        digest = hashlib.sha256(graph).hexdigest()
        if len(graph) != entry["graph_bytes"] or digest != entry["graph_sha256"]:
            self.stamps.forget(where)
            return "its graph file does not match its checksum"
        if len(graph) == st.st_size:
            self.stamps.record(where, st, digest)
        return None

    def graph_path(self, key: str) -> Path:
        return self.dir / f"{key}.nt"

    def graph(self, key: str) -> bytes:
        return self.graph_path(key).read_bytes()

    def put(self, key: str, entry: dict, ntriples: bytes) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        entry = {**entry, "graph_sha256": hashlib.sha256(ntriples).hexdigest(), "graph_bytes": len(ntriples)}
        self._write(self.graph_path(key), ntriples)  # the graph first, then what names it
        self._write(self.dir / f"{key}.json", json.dumps(entry, ensure_ascii=False).encode())
        with contextlib.suppress(OSError):
            self.stamps.record(
                "graph:" + key, os.stat(self.graph_path(key)), entry["graph_sha256"], written=True
            )
        self.used.add(key)
        self.digests[key] = entry["graph_sha256"]

    def _write(self, path: Path, data: bytes) -> None:
        write_atomic(path, data)

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
        if self.enabled or self.dir.exists():
            self.stamps.save()
