"""Writing the static site: one folder per resource, HTML beside Turtle and JSON-LD.

:func:`generate` takes the quads of a build (the same quads the dumps hold: best, the path of
its ``unld.nq``) and writes the site into a staging folder that is renamed into place at the
end.  Same quads, same bytes: every list is sorted, nothing depends on the clock, and the
pages, written by several processes, do not depend on which process wrote which.

This module runs a generation; the jobs are elsewhere: :mod:`.links` (where a link
points, what links here), :mod:`.frame` (templates, navigation, breadcrumbs),
:mod:`.resolution`, :mod:`.resource` and :mod:`.ontology_page` (what a page shows),
:mod:`.pages` (a page's three files), :mod:`.listings`, :mod:`.home`, :mod:`.files`,
:mod:`.sitemap`, :mod:`.pagejsonld` (a page's JSON-LD), :mod:`.writer` and
:mod:`.workers` (the processes).
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import jinja2
import pyoxigraph as ox

from unld.core import collector
from unld.core.errors import InputError, UsageError
from unld.core.iri import IriPolicy
from unld.core.namespaces import RDF_TYPE, UNLD
from unld.core.resources import mappings_dir
from unld.publishing import dumps
from unld.publishing.output import Stamp
from unld.publishing.site import files, home, incremental, listings, search, sitemap, workers
from unld.publishing.site.frame import PAGE_TEMPLATES, environment
from unld.publishing.site.links import Links
from unld.publishing.site.listings import LISTINGS
from unld.publishing.site.model import Dataset
from unld.publishing.site.pagejsonld import PageJsonLd
from unld.publishing.site.pages import write_resource
from unld.publishing.site.pageturtle import PageTurtle
from unld.publishing.site.paths import PAGE_FILES, split_fragment
from unld.publishing.site.store import Store
from unld.publishing.site.writer import Writer


@dataclass
class SiteReport:
    """What :func:`generate` wrote."""

    out: Path
    pages: int = 0
    files: int = 0
    bytes: int = 0
    resolutions: int = 0
    skipped: list[str] = field(default_factory=list)
    #: seconds spent reading the quads, indexing them, copying files, writing the pages
    #: (and the listings), and putting the site in place
    timings: dict[str, float] = field(default_factory=dict)
    #: how many processes wrote the pages
    jobs: int = 1
    #: pages carried over from the previous generation (not written again)
    carried: int = 0
    #: with ``hashing``, the SHA-256 of the files written, by their stamp (for a manifest)
    stamped: dict[Stamp, str] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"site written to {self.out}/: {self.pages} pages ({self.resolutions} "
            f"resolutions), {self.files} files, {self.bytes} bytes"
            + (f", {len(self.skipped)} IRI(s) without a safe path" if self.skipped else "")
            + (f"; {self.carried} pages carried over from the previous site" if self.carried else "")
        )


def load_quads(folder: Path, jobs: int | None = None) -> Store:
    """The quads of a built folder (its ``unld.nq``), as a compact :class:`Store` (a
    sequence of quads that :func:`generate` uses as it is), read by ``jobs`` processes
    (default: one per core).  A file that is not N-Quads raises ``SyntaxError``; a reading
    process that dies, ``OSError``."""
    return Store.from_nquads(Path(folder) / "unld.nq", jobs)


def check_checksum(folder: Path) -> None:
    """Raise ``InputError`` when the folder's ``SHA256SUMS`` (written by the build) gives
    ``unld.nq`` another digest than the file has: a file cut short at a line's end is
    still N-Quads, and would give a smaller site without a word.  A folder without
    ``SHA256SUMS``, or one that does not list ``unld.nq``, is read as it is."""
    sums, nq = Path(folder) / "SHA256SUMS", Path(folder) / "unld.nq"
    try:
        lines = sums.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return
    wanted = next((ln.split()[0] for ln in lines if ln.split()[1:] == ["unld.nq"]), None)
    if wanted is None:
        return
    if dumps.file_digest(nq) != wanted.lower():
        raise InputError(
            str(nq),
            f"its SHA-256 is not the one {sums.name} gives for it: cut short or changed since "
            "the build; run 'unld build' again (or remove the line of unld.nq from "
            f"{sums.name} to publish the file as it is)",
        )


def check_output(out: Path, build: Path) -> None:
    """Raise ``UsageError`` when ``out`` cannot be a site's folder: the site replaces its
    output folder as a whole, so that folder must be new, empty or a site (one written by
    unld: it has ``.unld-site/`` or ``_config/nginx-unld.conf``), and neither the build
    folder nor a folder holding it (``--out`` given the build's own folder, or ``.``,
    would otherwise delete the build and whatever else is there)."""
    target, source = Path(out).resolve(), Path(build).resolve()
    if target == source or target in source.parents:
        raise UsageError(f"{out}: holds the build folder {build}; the site needs a folder of its own")
    if not target.exists():
        return
    if not target.is_dir():
        raise UsageError(f"{out}: not a folder")
    is_site = (target / incremental.STATE_DIR).is_dir() or (target / "_config" / "nginx-unld.conf").is_file()
    if not is_site and any(target.iterdir()):
        raise UsageError(
            f"{out}: not empty and not a site written by unld; the site replaces its output folder "
            "as a whole, so give a new or empty folder (or a site's)"
        )


def detect_base(quads: Iterable[ox.Quad]) -> str | None:
    """The base IRI a build used, read from the name of its VoID graph."""
    names = quads.graph_names() if isinstance(quads, Store) else (q.graph_name for q in quads)
    for g in names:
        if isinstance(g, ox.NamedNode) and g.value.endswith("/graph/void"):
            return g.value[: -len("graph/void")]
    return None


#: Pages linked to from more resources than this are written one per task, first (see
#: :meth:`Site.heavy_first`): about a second of work or more at 35 microseconds a link.
HEAVY_LINKS = 1000


def _page_paths(ds: Dataset, skipped: list[str]) -> dict[str, str]:
    """IRI -> path of every page; IRIs whose path is a listing's or taken go to ``skipped``.

    A path is taken when another IRI's path names the same folder on disk: escapes are
    decoded there (``doc/%58`` is ``doc/X``, ``%c3%a9`` is ``%C3%A9``), and two pages in
    one folder would overwrite each other (which one won depended on the processes)."""
    pages: dict[str, str] = {}
    seen_paths: set[str] = set()
    found = ds.pages  # computing them makes the list of refused IRIs
    skipped.extend(ds.refused)
    for iri, path in found.items():
        on_disk = unquote(path)
        if path in LISTINGS or on_disk in seen_paths:
            skipped.append(iri)
            continue
        seen_paths.add(on_disk)
        pages[iri] = path
    return pages


def _work_order(base: str, pages: Iterable[str]) -> list[str]:
    """A resolution's page, then its graph's page (which repeats most of it): the order of
    the work, not of anything written."""
    graphs, docs = base + "graph/", base + "doc/"
    return sorted(pages, key=lambda i: (docs + i[len(graphs) :], 1) if i.startswith(graphs) else (i, 0))


def _watch(site: Site) -> None:
    """Record what each page reads (see :mod:`.incremental`)."""
    rec, ds, key = site.recorder, site.ds, incremental.key

    def prop(s: str, p: str, *_: object) -> tuple[str]:
        return (key(s, p),)

    def incoming(o: str, *_: object) -> tuple[str]:
        return (incremental.INCOMING + split_fragment(o)[0],)

    for name in ("iris", "value", "objects"):
        rec.watch(ds, name, prop)
    rec.watch(ds, "props", lambda s: (key(s, "*"),))
    rec.watch(ds, "label", lambda s: (key(s, "label"),))
    rec.watch(ds, "types", lambda s: (key(s, RDF_TYPE),))
    rec.watch(ds, "doc_sort_key", lambda s: (key(s, UNLD + "symbol"),))
    rec.watch(ds, "fragments", lambda s: (key(s, "#"),))

    def page(s: str) -> tuple[str, str]:
        """A page's data: the resource's triples and the graph describing it."""
        return (key(s, "*"), key(ds.describing_graph.get(s) or s, "*"))

    rec.watch(ds, "page", page)
    rec.watch(ds, "incoming", incoming)
    rec.watch(ds, "count_incoming", incoming)
    for name in ("of_type", "terms_in"):
        rec.watch(ds, name, lambda *_: (incremental.EVERYTHING,))
    rec.watch(site, "href", lambda iri, *_: (key(iri, "page"),))
    rec.watch(site, "kind_of", lambda s: (key(s, RDF_TYPE),))
    rec.watch(site, "sort_key", lambda s: (key(s, "sort"),))
    rec.watch(site, "detail", lambda s: (key(s, "detail"),))


class Site(Links):
    """One generation run: the dataset, the templates, and where each page lives."""

    def __init__(
        self,
        quads: Store | Iterable[ox.Quad],
        base: str,
        root: Path,
        dumps_dir: Path | None,
        *,
        hashing: bool = False,
    ) -> None:
        IriPolicy(base)  # raises a usage error for a malformed base
        ds = Dataset.from_quads(quads, base)
        self.report = SiteReport(root)
        super().__init__(ds, base, _page_paths(ds, self.report.skipped))
        self.root = root
        self.dumps_dir = dumps_dir
        self.env: jinja2.Environment = environment()
        self.writer = Writer(root, hashing=hashing)
        self.order: list[str] = []
        #: the last page's data files as :func:`.pages.write_data` wrote them: its triple
        #: keys, its path, its Turtle and its JSON-LD
        self.last_data: tuple[list[int], str, bytes, bytes] | None = None
        #: how many pages at the start of :attr:`order` are written one per task
        self.heavy = 0
        self.dataset_iri = base + "dataset"
        self.context_doc = json.loads((mappings_dir() / "context.jsonld").read_text("utf-8"))
        #: pages refer to the context the site itself serves at its root, so that it
        #: resolves wherever the base IRI points (not only at the default base)
        self.context_url = base + "context.jsonld"
        self.jsonld = PageJsonLd(self.ds, self.context_doc["@context"], self.context_url)
        self.turtle = PageTurtle(self.ds)
        #: the slim copies for the search index written by this process: (path, changed)
        self.searchable: list[tuple[str, bool]] = []
        #: the search index's shard of each resolution page (path), and the shards, newest
        #: first (see :func:`.search.shards`)
        self.shard_of: dict[str, str] = {}
        self.shard_order: list[str] = []
        self.recorder = incremental.Recorder()
        _watch(self)

    def render(self, template: str, **ctx: object) -> bytes:
        return self.env.get_template(template).render(**ctx).encode("utf-8")

    def prepare(self) -> None:
        """Compute, once, what every page needs, before worker processes share it."""
        self.ds.describing_graph  # noqa: B018
        self.ds.resolutions  # noqa: B018
        self.ds.hash_ids(self.base)
        ds, pages = self.ds, self.pages
        years = {pages[iri]: search.adoption_year(ds, iri) for iri in ds.resolutions if iri in pages}
        self.shard_of = search.shards(years)
        self.shard_order = search.shard_order(self.shard_of.values())
        for name in PAGE_TEMPLATES:
            self.env.get_template(name)
        self.ds.forget()  # what the workers will decode again is not kept twice

    def rest(self) -> None:
        """The pages that are not a resource's: listings, search, home, 404."""
        listings.write_all(self)
        home.search_page(self)
        home.home(self)
        home.not_found(self)

    def task(self, task: tuple[str, int, int]) -> _Done:
        """Do one share of the work: ``("pages", start, end)`` of the sorted page list, or
        ``("rest", 0, 0)`` (listings, home page, 404).  Returns (pages, files, bytes, the
        resources each page read, the slim copies written, the hashes of the files written
        when the writer hashes them)."""
        before = (self.report.pages, self.writer.files, self.writer.bytes)
        self.searchable = []
        kind, start, end = task
        read: list[tuple[str, list[str]]] = []
        if kind == "pages":
            same: dict[str, str] = {}  # one string for each resource: pickled once
            for iri in self.order[start:end]:
                path = self.pages[iri]
                read.append((path, [same.setdefault(r, r) for r in write_resource(self, iri, path)]))
        else:
            self.rest()
        counts = (self.report.pages - before[0], self.writer.files - before[1], self.writer.bytes - before[2])
        stamped, self.writer.stamped = self.writer.stamped, {}
        return (*counts, read, self.searchable, stamped)

    def tasks(self, jobs: int) -> list[tuple[str, int, int]]:
        """The shares of the work: the rest first, then each heavy page alone (see
        :meth:`heavy_first`, which put them at the start of the order), then slices of the
        other pages."""
        heavy = self.heavy
        size = max(8, min(256, (len(self.order) - heavy) // (jobs * 16) or 1))
        return (
            [("rest", 0, 0)]
            + [("pages", i, i + 1) for i in range(heavy)]
            + [("pages", i, min(i + size, len(self.order))) for i in range(heavy, len(self.order), size)]
        )

    def heavy_first(self) -> None:
        """Put the pages that many resources link to at the start of the work, the most
        linked first, and count them in :attr:`heavy`.

        A page's "what links here" lists every resource that links to it: a lead phrase's
        page or the General Assembly's costs up to seconds where a resolution's costs
        milliseconds, and their IRIs sort together at the end of the order.  Written in
        slices of that order, they fell into the last share of the work, which one process
        then wrote alone while the others had finished (a minute of the pages' four at
        20,000 resolutions).  Alone and first, they are spread over the processes."""
        links = self.ds.store.links_into
        heavy = sorted(
            ((-n, iri) for iri in self.order if (n := links(iri)) > HEAVY_LINKS),
        )
        first = {iri for _, iri in heavy}
        self.order = [iri for _, iri in heavy] + [iri for iri in self.order if iri not in first]
        self.heavy = len(heavy)

    def previous(self, folder: Path | None, version: str) -> tuple[incremental.Previous, Blocks] | None:
        """The previous generation and where its graphs are in its ``unld.nq``, when this
        one can start from it: same code, base and dumps offered, graphs in blocks."""
        if folder is None:
            return None
        prev = incremental.Previous.load(Path(folder))
        nq = Path(folder) / "dumps" / "unld.nq"
        if prev is None or prev.version != version or not prev.graphs or not nq.is_file():
            return None
        blocks = incremental.graph_blocks(nq, prev.graphs)
        return (prev, blocks) if blocks else None

    def carry(self, prev: incremental.Previous, old: Blocks, nq: Path, blocks: Blocks) -> set[str]:
        """Start from the previous generation's files: link its tree, then remove the
        files of every page that is written again or gone.  Returns the paths carried."""
        changed = incremental.changed_resources(prev.root / "dumps" / "unld.nq", old, nq, blocks)
        changed.add(incremental.EVERYTHING)
        # a resource that gets a page or loses its page changes every link to it
        now = {p: i for i, p in self.pages.items()}
        changed.update(incremental.key(now[p], "page") for p in now.keys() - prev.pages.keys())
        changed.update(incremental.key(prev.pages[p][0], "page") for p in prev.pages.keys() - now.keys())
        keep = prev.unchanged(changed)
        carried = {p for i, p in self.pages.items() if p in keep and prev.pages[p][0] == i}
        incremental.link_tree(prev.root, self.root)
        self.writer.linked = True
        for path in prev.pages:
            if path not in carried:
                folder = self.root / unquote(path)
                for name in PAGE_FILES:
                    (folder / name).unlink(missing_ok=True)
        shutil.rmtree(self.root / "dumps", ignore_errors=True)
        return carried

    def tidy(self, prev: incremental.Previous, carried: set[str], written: set[str]) -> None:
        """Remove the folders of the previous generation's pages that are gone (the slim
        copies for the search index are settled by :func:`.search.settle_sources`)."""
        current = set(self.pages.values())
        for path in prev.pages:
            if path not in carried and path not in written and path not in current:
                _prune(self.root / unquote(path), self.root)

    def run(
        self, jobs: int | None = None, previous: Path | None = None, nq: Path | None = None
    ) -> SiteReport:
        """Write everything; the pages on ``jobs`` processes (default: one per core).  With
        ``previous`` (the previous generation's site) and ``nq`` (the ``unld.nq`` the quads
        were read from), only the pages whose resources changed are written again."""
        clock = time.perf_counter()
        version = incremental.code_version(self.base, files.offered(self))
        graphs = sorted(g.value for g in self.ds.store.graph_names() if isinstance(g, ox.NamedNode))
        blocks = incremental.graph_blocks(nq, graphs) if nq else None
        found = self.previous(previous, version) if blocks else None
        prev = found[0] if found else None
        carried = self.carry(found[0], found[1], nq, blocks) if found and nq and blocks else set()
        self.report.carried = len(carried)
        self.report.timings["carry"] = time.perf_counter() - clock
        clock = time.perf_counter()
        files.copy_dumps(self)
        files.context(self)
        files.static(self)
        sitemap.write(self)
        self.report.timings["files"] = time.perf_counter() - clock
        clock = time.perf_counter()
        self.order = _work_order(self.base, (i for i, p in self.pages.items() if p not in carried))
        self.heavy_first()
        self.report.resolutions = len(self.ds.resolutions)
        self.prepare()
        self.report.timings["index"] += time.perf_counter() - clock
        clock = time.perf_counter()
        requested = jobs
        jobs = self.report.jobs = workers.jobs_for(jobs, len(self.order))
        done = (self.writer.files, self.writer.bytes)
        self.report.stamped, self.writer.stamped = self.writer.stamped, {}
        results = workers.run(self.task, self.tasks(jobs), jobs)
        for r in results:
            self.report.stamped.update(r[5])
        self.report.pages = sum(r[0] for r in results) + len(carried)
        self.report.files = done[0] + sum(r[1] for r in results) + len(carried) * len(PAGE_FILES)
        self.report.bytes = done[1] + sum(r[2] for r in results)
        self.report.timings["pages"] = time.perf_counter() - clock
        slim = [s for r in results for s in r[4]]
        if prev is not None:
            self.tidy(prev, carried, {p for p, _ in slim})
        # the indexer runs in child processes, which this thread only waits for: the state
        # is put together and written meanwhile (it has no file in common with the index)
        with ThreadPoolExecutor(1) as background:
            indexing = background.submit(
                self._index,
                {self.shard_of[p] for p, changed in slim if changed},
                prev is not None,
                workers.cores(requested),  # indexer runs, at most one per shard
            )
            clock = time.perf_counter()
            iri_of = {p: i for i, p in self.pages.items()}
            read = {path: (iri_of[path], deps) for r in results for path, deps in r[3]}
            if prev is not None:
                read.update((p, (prev.pages[p][0], prev.read_by(p))) for p in carried)
            incremental.State(version, graphs, read).save(self.root)
            self.report.timings["state"] = time.perf_counter() - clock
            indexing.result()
        return self.report

    def _index(self, changed: set[str], incremental_run: bool, jobs: int) -> None:
        """Index again the shards whose slim copies changed (every shard on a first run),
        with those whose copies moved or went, and those whose index is not where it
        belongs; nothing when none is."""
        order = self.shard_order
        changed |= search.settle_sources(self.root, self.shard_of)
        before = search.load_order(self.root) if incremental_run else None
        if before is None:
            dirty = set(order)
        else:
            dirty = changed & set(order)
            if before[:1] != order[:1]:  # a new newest shard: the primary index moves
                dirty |= set(order[:1]) | (set(before[:1]) & set(order))
            dirty |= {s for s in order if not search.has_index(self.root, s, order)}
        if dirty or before != order:
            self.report.timings["search"] = search.build_index(self.root, order, dirty, jobs)
            search.save_order(self.root, order)


#: What a share of the work returns: pages, files, bytes, (path, resources read) of each
#: page, (path, changed) of each slim copy for the search index, and the hashes of the
#: files written (see :attr:`SiteReport.stamped`).
_Done = tuple[int, int, int, list[tuple[str, list[str]]], list[tuple[str, bool]], dict[Stamp, str]]
Blocks = dict[str, tuple[int, int]]


def _prune(folder: Path, root: Path) -> None:
    """Remove ``folder`` and its parents up to ``root`` while they are empty."""
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


@collector.rarely()
def generate(
    quads: Store | Path | str | Iterable[ox.Quad],
    out: Path,
    base: str,
    dumps_dir: Path | None = None,
    *,
    jobs: int | None = None,
    previous: Path | None = None,
    source: Path | None = None,
    hashing: bool = False,
) -> SiteReport:
    """Write the static site for ``quads`` into ``out`` (replaced as a whole at the end).

    ``quads`` is the path of an N-Quads file (a build's ``unld.nq``: read in one pass into
    a compact store), a :class:`Store` (:func:`load_quads`), or any iterable of quads.
    ``dumps_dir`` is the folder holding the dump files to offer for download (copied into
    ``out/dumps/``); without it the site has no downloads.  Pages are written by ``jobs``
    processes (default: one per core); the output does not depend on how many.

    ``previous`` is the previous generation's site (or None): when ``quads`` is the path of
    an ``unld.nq`` and that site was written by the same code with the same base and
    dumps, only the pages whose data changed are written again, the others are carried
    over as hard links; the result is the same bytes as a full generation.  ``source`` is
    the ``unld.nq`` that ``quads``, a :class:`Store`, was read from (so that a caller that
    read the store first, to find the base, still starts from the previous generation).
    With ``hashing``, the report's ``stamped`` has the SHA-256 of the files written, by
    their stamp (a build's manifest takes them instead of reading the files again).
    """
    out = Path(out)
    clock = time.perf_counter()
    nq: Path | None = Path(source) if source is not None and isinstance(quads, Store) else None
    data: Store | Iterable[ox.Quad]
    if isinstance(quads, (str, Path)):
        nq = Path(quads)
        data = Store.from_nquads(nq, jobs)
    else:
        data = quads
    read = time.perf_counter() - clock
    with dumps.Staging(out.parent) as stage:
        root = stage.path(out.name)
        root.mkdir()
        clock = time.perf_counter()
        site = Site(data, base, root, dumps_dir, hashing=hashing)
        site.report.timings.update(read=read, index=time.perf_counter() - clock)
        report = site.run(jobs, previous, nq)
        clock = time.perf_counter()
        stage.commit()
        report.timings["commit"] = time.perf_counter() - clock
    report.out = out
    return report
