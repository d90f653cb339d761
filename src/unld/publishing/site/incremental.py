"""An incremental site: what a page read when it was written, and what changed since.

While a page is written, every read of the dataset names the resource read (its
properties, what links to it, its hash IRIs, its label, where its page is); the page
depends on those resources (recorded without fragment: a resolution's paragraphs are read
with it).  The site keeps, in ``.unld-site/``, each page's resources and the offsets of
each named graph in the ``unld.nq`` it was written from (the copy in ``dumps/``).

The next generation compares each named graph of its ``unld.nq`` with the previous one,
byte range by byte range; the lines that differ name the resources that changed (subject,
predicate, object and graph, and the resource each hash IRI belongs to).  A page whose
resources did not change reads the same data as before and is the same bytes: its files
are carried over (hard links into the previous generation, copies where the file system
cannot link).  The others are written again, and so are the listings, the home page,
the sitemap and, when a resolution's searchable text changed, the search index.  Anything
that could change every page (the code, the templates, the base, the dumps offered)
makes a full generation.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import re
import shutil
import subprocess
import sys
from array import array
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import chain, starmap
from pathlib import Path
from typing import Any

import jinja2
import pyoxigraph as ox

import unld
from unld.core.namespaces import DCT, RDF_TYPE, RDFS, SKOS, UNLD
from unld.core.resources import mappings_dir
from unld.publishing.site.paths import split_fragment

#: The folder of the site that holds what the next generation needs (never a page path:
#: page paths do not start with a dot).
STATE_DIR = ".unld-site"
#: Where the slim copies of the resolution pages for the search index are kept.
SEARCH_SOURCE = STATE_DIR + "/search"
_HEADER = "pages.json"
_DEPS = "deps.bin"
#: Recorded for a page that reads what every resource can change (the ontology's terms).
EVERYTHING = ""
#: Marks a read of what links *to* a resource (the lines where it is the object).
INCOMING = "^"
_IRI = re.compile(rb"<([^<>\s]*)>")
_HERE = Path(__file__).resolve().parent


def code_version(base: str, dump_names: Iterable[str]) -> str:
    """A digest of everything besides the data that a page depends on: the site's code,
    templates and static files, the JSON-LD writer and context, the versions of unld and
    of the libraries that write bytes, the base IRI and the dump files offered."""
    h = hashlib.sha256()
    files = sorted(p for p in _HERE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    files += [_HERE.parent / "jsonld.py", _HERE.parent / "dumps.py", mappings_dir() / "context.jsonld"]
    for p in files:
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    for part in (unld.__version__, ox.__version__, jinja2.__version__, base, *dump_names):
        h.update(str(part).encode() + b"\0")
    return h.hexdigest()


#: What composite reads depend on: a resource's label (see ``Dataset.label``), its place in
#: lists (``Links.sort_key``) and the short description after a link (``Links.detail``).
LABEL_PREDICATES = frozenset(
    {RDFS + "label", SKOS + "prefLabel", RDF_TYPE, UNLD + "itemNumber", UNLD + "subItem"}
    | {UNLD + "session", DCT + "title", UNLD + "symbol"}
)
COMPOSITE = {
    "label": LABEL_PREDICATES,
    "sort": LABEL_PREDICATES | {UNLD + "meetingNumber", UNLD + "sessionNumber"},
    "detail": LABEL_PREDICATES | {UNLD + "adoptedOn", UNLD + "meetingDate"},
}
_BY_PREDICATE = {
    p: sorted(k for k, ps in COMPOSITE.items() if p in ps) for ps in COMPOSITE.values() for p in ps
}
#: Separates a resource from what of it was read.
SEP = "\t"


def key(iri: str, what: str) -> str:
    """A read of ``what`` of ``iri`` (a predicate, a composite read, ``*`` for all its
    properties, ``page`` for whether it has a page, ``#`` for its hash IRIs), recorded for
    the resource without fragment."""
    return iri.partition("#")[0] + SEP + what


class Recorder:
    """Which resources a page reads, and what of them: the methods watched record their
    arguments while a page is being written.  Only the calls the page builders make count
    (not those the methods make in turn): the record does not depend on what a cache
    already held.

    A page makes the same reads many times (a label for every link to a resource): a call
    is kept as it is, its arguments in the set of its method, and named only once per
    page, when the page is done (:meth:`stop`).  Millions of calls go through the
    wrappers, so a call made inside a watched method (``depth`` set) costs one test, and
    a call of the page builders one set insertion besides its own work."""

    def __init__(self) -> None:
        self.seen: set[str] | None = None
        #: each watched method's ``what`` and the arguments of its calls since :meth:`start`
        self.calls: list[tuple[Callable[..., Iterable[str]], set[tuple]]] = []
        self.depth = 0

    def watch(self, obj: object, name: str, what: Callable[..., Iterable[str]]) -> None:
        """Watch the method ``name`` of ``obj``: ``what(*args)`` names what a call reads."""
        fn = getattr(obj, name)
        calls: set[tuple] = set()
        self.calls.append((what, calls))
        keep = calls.add

        def watched(*args: Any, **kw: Any) -> Any:
            if self.depth:
                return fn(*args, **kw)
            if self.seen is not None:
                try:
                    keep(args)
                except TypeError:  # an argument that cannot be kept as a key: named now
                    self.seen.update(what(*args))
            self.depth = 1
            try:
                return fn(*args, **kw)
            finally:
                self.depth = 0

        setattr(obj, name, watched)

    def note(self, *reads: str) -> None:
        """Record reads made outside a watched method."""
        if self.seen is not None and self.depth == 0:
            self.seen.update(reads)

    def start(self) -> None:
        self.seen = set()
        for _, calls in self.calls:
            calls.clear()

    def stop(self) -> list[str]:
        """What was read since :meth:`start`, sorted."""
        seen, self.seen = self.seen or set(), None
        for what, calls in self.calls:
            if calls:
                seen.update(chain.from_iterable(starmap(what, calls)))
                calls.clear()
        return sorted(seen)


def graph_blocks(nq: Path, names: Iterable[str]) -> dict[str, tuple[int, int]] | None:
    """Where each named graph's lines are in ``nq`` (start, end), or None when the file
    does not hold each graph's lines together, in the order of the graphs' names."""
    order = sorted(names)
    size = nq.stat().st_size
    if not order or size == 0:
        return None
    out: dict[str, tuple[int, int]] = {}
    with open(nq, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as m:
        starts = []
        pos = 0
        for g in order:
            at = m.find(b" <" + g.encode("utf-8") + b"> .\n", pos)
            if at < 0:
                return None
            starts.append(m.rfind(b"\n", 0, at) + 1)
            pos = at
        if starts[0] != 0:
            return None
        ends = [*starts[1:], size]
        for g, start, end in zip(order, starts, ends, strict=True):
            if end <= start or not m[max(start, end - 4096) : end].endswith(
                b" <" + g.encode("utf-8") + b"> .\n"
            ):
                return None
            out[g] = (start, end)
    return out


def _term(text: bytes) -> str | None:
    return text[1:-1].decode("utf-8", "replace") if text[:1] == b"<" else None


def _line_reads(line: bytes) -> set[str]:
    """What a changed N-Quads line changes for a reader: the subject's property and the
    composite reads using it, all its properties, what links to the object, the hash IRIs
    of both, and the whole of the graph."""
    s, p, rest = line.split(b" ", 2)
    o, g = rest[: rest.rindex(b" .")].rsplit(b" ", 1)
    subject, predicate, obj, graph = _term(s) or "", _term(p) or "", _term(o), _term(g)
    out = {key(subject, predicate), key(subject, "*"), key(subject, "#")}
    out.update(key(subject, k) for k in _BY_PREDICATE.get(predicate, ()))
    if graph:
        out.add(key(graph, "*"))
    if obj is not None:
        out.add(INCOMING + split_fragment(obj)[0])
        out.add(key(obj, "#"))
    return out


def changed_resources(
    old: Path, old_blocks: dict[str, tuple[int, int]], new: Path, new_blocks: dict[str, tuple[int, int]]
) -> set[str]:
    """The resources named by the lines that differ between the two files, graph by graph."""
    out: set[str] = set()
    with ExitStack() as stack:
        maps = []
        for path in (old, new):
            fh = stack.enter_context(open(path, "rb"))
            maps.append(stack.enter_context(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)))
        a, b = maps
        for g in sorted(set(old_blocks) | set(new_blocks)):
            before = a[slice(*old_blocks[g])] if g in old_blocks else b""
            after = b[slice(*new_blocks[g])] if g in new_blocks else b""
            if before == after:
                continue
            out.add(g)
            for line in set(before.split(b"\n")).symmetric_difference(after.split(b"\n")):
                if line:
                    out.update(_line_reads(line))
    return out


@dataclass
class State:
    """What a generation of the site keeps for the next: the code version, the names of
    the named graphs (to find them in the ``unld.nq`` it copied into ``dumps/``), and each
    page's IRI and what it read."""

    version: str
    graphs: list[str]
    #: path -> (IRI, the resources its page read)
    pages: dict[str, tuple[str, list[str]]]

    def save(self, root: Path) -> None:
        """Write ``.unld-site/pages.json`` and ``deps.bin`` (the same bytes for the same
        pages: resources sorted, numbered in that order)."""
        folder = root / STATE_DIR
        folder.mkdir(parents=True, exist_ok=True)
        table = sorted({i for _, deps in self.pages.values() for i in deps})
        number = {iri: n for n, iri in enumerate(table)}
        deps = array("I")
        rows = []
        for path in sorted(self.pages):
            iri, read = self.pages[path]
            rows.append([path, iri, len(read)])
            deps.extend(number[i] for i in read)
        header = {"version": self.version, "graphs": self.graphs, "resources": table, "pages": rows}
        for name in (_HEADER, _DEPS):  # they may be hard links into the previous generation
            (folder / name).unlink(missing_ok=True)
        (folder / _HEADER).write_text(json.dumps(header, ensure_ascii=False, separators=(",", ":")), "utf-8")
        if sys.byteorder != "little":
            deps.byteswap()
        (folder / _DEPS).write_bytes(deps.tobytes())


@dataclass
class Previous:
    """The previous generation as the next one reads it."""

    root: Path
    version: str
    graphs: list[str]
    resources: list[str]
    #: path -> (IRI, start and end of its resources in ``deps``)
    pages: dict[str, tuple[str, int, int]]
    deps: array

    @classmethod
    def load(cls, root: Path) -> Previous | None:
        """The state of the site at ``root``; None when it has none or it cannot be read."""
        try:
            header = json.loads((root / STATE_DIR / _HEADER).read_text("utf-8"))
            deps = array("I")
            deps.frombytes((root / STATE_DIR / _DEPS).read_bytes())
        except (OSError, ValueError):
            return None
        if sys.byteorder != "little":
            deps.byteswap()
        pages = {}
        at = 0
        for path, iri, n in header["pages"]:
            pages[path] = (iri, at, at + n)
            at += n
        if at != len(deps):
            return None
        return cls(root, header["version"], list(header["graphs"]), header["resources"], pages, deps)

    def read_by(self, path: str) -> list[str]:
        """The resources the page at ``path`` read."""
        _, start, end = self.pages[path]
        table = self.resources
        return [table[i] for i in self.deps[start:end]]

    def unchanged(self, changed: set[str]) -> set[str]:
        """The paths of the pages that read none of the ``changed`` resources."""
        hit = {n for n, iri in enumerate(self.resources) if iri in changed}
        deps = self.deps
        return {path for path, (_, start, end) in self.pages.items() if hit.isdisjoint(deps[start:end])}


def link_tree(src: Path, dst: Path) -> None:
    """``dst`` as a tree of hard links to the files of ``src`` (copies where the file
    system cannot link)."""
    done = subprocess.run(["cp", "-al", f"{src}/.", str(dst)], capture_output=True, check=False)
    if done.returncode == 0:
        return
    shutil.copytree(src, dst, symlinks=True, copy_function=_link_or_copy, dirs_exist_ok=True)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
