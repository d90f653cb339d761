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
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pyoxigraph as ox

from unld.core.iri import IriPolicy
from unld.core.resources import mappings_dir
from unld.publishing import dumps
from unld.publishing.site import files, home, listings, search, sitemap, workers
from unld.publishing.site.frame import PAGE_TEMPLATES, environment
from unld.publishing.site.links import Links
from unld.publishing.site.listings import LISTINGS
from unld.publishing.site.model import Dataset
from unld.publishing.site.pagejsonld import PageJsonLd
from unld.publishing.site.pages import write_resource
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

    def summary(self) -> str:
        return (
            f"site written to {self.out}/: {self.pages} pages ({self.resolutions} "
            f"resolutions), {self.files} files, {self.bytes} bytes"
            + (f", {len(self.skipped)} IRI(s) without a safe path" if self.skipped else "")
        )


def load_quads(folder: Path) -> Store:
    """The quads of a built folder (its ``unld.nq``), as a compact :class:`Store` (a
    sequence of quads that :func:`generate` uses as it is).  A file that is not N-Quads
    raises ``SyntaxError``."""
    return Store.from_nquads(Path(folder) / "unld.nq")


def detect_base(quads: Iterable[ox.Quad]) -> str | None:
    """The base IRI a build used, read from the name of its VoID graph."""
    names = quads.graph_names() if isinstance(quads, Store) else (q.graph_name for q in quads)
    for g in names:
        if isinstance(g, ox.NamedNode) and g.value.endswith("/graph/void"):
            return g.value[: -len("graph/void")]
    return None


def _page_paths(ds: Dataset, skipped: list[str]) -> dict[str, str]:
    """IRI -> path of every page; IRIs whose path is a listing's or taken go to ``skipped``."""
    pages: dict[str, str] = {}
    seen_paths: set[str] = set()
    found = ds.pages  # computing them makes the list of refused IRIs
    skipped.extend(ds.refused)
    for iri, path in found.items():
        if path in LISTINGS or path in seen_paths:
            skipped.append(iri)
            continue
        seen_paths.add(path)
        pages[iri] = path
    return pages


def _work_order(base: str, pages: Iterable[str]) -> list[str]:
    """A resolution's page, then its graph's page (which repeats most of it): the order of
    the work, not of anything written."""
    graphs, docs = base + "graph/", base + "doc/"
    return sorted(pages, key=lambda i: (docs + i[len(graphs) :], 1) if i.startswith(graphs) else (i, 0))


class Site(Links):
    """One generation run: the dataset, the templates, and where each page lives."""

    def __init__(
        self, quads: Store | Iterable[ox.Quad], base: str, root: Path, dumps_dir: Path | None
    ) -> None:
        IriPolicy(base)  # raises a usage error for a malformed base
        ds = Dataset.from_quads(quads, base)
        self.report = SiteReport(root)
        super().__init__(ds, base, _page_paths(ds, self.report.skipped))
        self.root = root
        self.dumps_dir = dumps_dir
        self.env: jinja2.Environment = environment()
        self.writer = Writer(root)
        self.order: list[str] = []
        self.dataset_iri = base + "dataset"
        self.context_doc = json.loads((mappings_dir() / "context.jsonld").read_text("utf-8"))
        #: pages refer to the context the site itself serves at its root, so that it
        #: resolves wherever the base IRI points (not only at the default base)
        self.context_url = base + "context.jsonld"
        self.jsonld = PageJsonLd(self.ds, self.context_doc["@context"], self.context_url)

    def render(self, template: str, **ctx: object) -> bytes:
        return self.env.get_template(template).render(**ctx).encode("utf-8")

    def prepare(self) -> None:
        """Compute, once, what every page needs, before worker processes share it."""
        self.ds.describing_graph  # noqa: B018
        self.ds.resolutions  # noqa: B018
        self.ds.hash_ids(self.base)
        for name in PAGE_TEMPLATES:
            self.env.get_template(name)
        self.ds.forget()  # what the workers will decode again is not kept twice

    def rest(self) -> None:
        """The pages that are not a resource's: listings, search, home, 404."""
        listings.write_all(self)
        home.search_page(self)
        home.home(self)
        home.not_found(self)

    def task(self, task: tuple[str, int, int]) -> tuple[int, int, int]:
        """Do one share of the work: ``("pages", start, end)`` of the sorted page list, or
        ``("rest", 0, 0)`` (listings, home page, 404).  Returns (pages, files, bytes)."""
        before = (self.report.pages, self.writer.files, self.writer.bytes)
        kind, start, end = task
        if kind == "pages":
            for iri in self.order[start:end]:
                write_resource(self, iri, self.pages[iri])
        else:
            self.rest()
        return (self.report.pages - before[0], self.writer.files - before[1], self.writer.bytes - before[2])

    def tasks(self, jobs: int) -> list[tuple[str, int, int]]:
        """The shares of the work: the rest first, then slices of the pages."""
        size = max(8, min(256, len(self.order) // (jobs * 16) or 1))
        return [("rest", 0, 0)] + [
            ("pages", i, min(i + size, len(self.order))) for i in range(0, len(self.order), size)
        ]

    def run(self, jobs: int | None = None) -> SiteReport:
        """Write everything; the pages on ``jobs`` processes (default: one per core)."""
        clock = time.perf_counter()
        files.copy_dumps(self)
        files.context(self)
        files.static(self)
        sitemap.write(self)
        self.report.timings["files"] = time.perf_counter() - clock
        clock = time.perf_counter()
        self.order = _work_order(self.base, self.pages)
        self.report.resolutions = len(self.ds.resolutions)
        self.prepare()
        self.report.timings["index"] += time.perf_counter() - clock
        clock = time.perf_counter()
        jobs = self.report.jobs = workers.jobs_for(jobs, len(self.order))
        done = (self.writer.files, self.writer.bytes)
        results = workers.run(self.task, self.tasks(jobs), jobs)
        self.report.pages = sum(r[0] for r in results)
        self.report.files = done[0] + sum(r[1] for r in results)
        self.report.bytes = done[1] + sum(r[2] for r in results)
        self.report.timings["pages"] = time.perf_counter() - clock
        self.report.timings["search"] = search.build_index(self.root)
        return self.report


def generate(
    quads: Store | Path | str | Iterable[ox.Quad],
    out: Path,
    base: str,
    dumps_dir: Path | None = None,
    *,
    jobs: int | None = None,
) -> SiteReport:
    """Write the static site for ``quads`` into ``out`` (replaced as a whole at the end).

    ``quads`` is the path of an N-Quads file (a build's ``unld.nq``: read in one pass into
    a compact store), a :class:`Store` (:func:`load_quads`), or any iterable of quads.
    ``dumps_dir`` is the folder holding the dump files to offer for download (copied into
    ``out/dumps/``); without it the site has no downloads.  Pages are written by ``jobs``
    processes (default: one per core); the output does not depend on how many.
    """
    out = Path(out)
    clock = time.perf_counter()
    if isinstance(quads, (str, Path)):
        quads = Store.from_nquads(Path(quads))
    read = time.perf_counter() - clock
    with dumps.Staging(out.parent) as stage:
        root = stage.path(out.name)
        root.mkdir()
        clock = time.perf_counter()
        site = Site(quads, base, root, dumps_dir)
        site.report.timings.update(read=read, index=time.perf_counter() - clock)
        report = site.run(jobs)
        clock = time.perf_counter()
        stage.commit()
        report.timings["commit"] = time.perf_counter() - clock
    report.out = out
    return report
