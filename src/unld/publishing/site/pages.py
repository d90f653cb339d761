"""Writing the three files of a resource's page: ``index.ttl`` (its triples),
``index.jsonld`` (the same, compact) and ``index.html`` (the page, by kind of resource:
the ontology, a resolution published here, anything else)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from unld.core.namespaces import UNLD
from unld.publishing import dumps
from unld.publishing.site import schema, search
from unld.publishing.site.frame import breadcrumbs, frame
from unld.publishing.site.links import Own
from unld.publishing.site.ontology_page import ontology
from unld.publishing.site.paths import ONTOLOGY_IRI
from unld.publishing.site.resolution import resolution
from unld.publishing.site.resource import resource

if TYPE_CHECKING:
    from unld.publishing.site.model import Page
    from unld.publishing.site.render import Site


def reference_turtle(site: Site, page: Page) -> bytes:
    """The page's Turtle as the dumps' writer makes it of the page's N-Triples: what
    :class:`.PageTurtle` writes faster, and what a page it leaves (a blank node) gets."""
    # the parsed triples go straight to the writer: building the list first costs more
    # than the Turtle itself on a resolution's page
    triples = ox.parse(site.ds.store.ntriples(page.keys), format=ox.RdfFormat.N_TRIPLES)
    return dumps.serialize(triples, ox.RdfFormat.TURTLE)


def write_data(site: Site, iri: str, path: str) -> None:
    """The page's Turtle and JSON-LD.

    A resolution's named graph says everything its page says, so the graph's page (written
    right after it, see :func:`.render._work_order`) has, nearly always, the very same
    triples: its two files are then hard links to the resolution's (the same bytes, made
    of the same keys), not written again."""
    page = site.ds.page(iri)
    last = site.last_data
    if last is not None and last[0] == page.keys:
        for name, data in zip(("index.ttl", "index.jsonld"), last[2:], strict=True):
            site.writer.link_page(path, name, last[1], data)
        return
    turtle = site.turtle.document(page)
    ttl = reference_turtle(site, page) if turtle is None else turtle
    jsonld = site.jsonld.document(page)
    site.writer.write_page(path, "index.ttl", ttl)
    site.writer.write_page(path, "index.jsonld", jsonld)
    site.last_data = (page.keys, path, ttl, jsonld)


def render_html(site: Site, iri: str, path: str) -> bytes:
    """The page itself (and, for a resolution, its slim copy for the search index, noted
    in ``site.searchable``)."""
    ds = site.ds
    site.new_page()
    # the resource's and its parts' properties, read once for the schema.org description
    # and the resolution's text; what was read of them is recorded when the page is done
    own = Own(ds, iri)
    try:
        title = ds.label(iri)
        jsonld = schema.page_jsonld(ds, iri, site.dataset_iri, own)
        page = frame(path, title, breadcrumbs(site, iri, path), iri, jsonld)
        if iri == ONTOLOGY_IRI or path == "ontology":
            return site.render("ontology.html", page=page, **ontology(site, iri, path))
        if iri in ds.describing_graph and ds.has_type(iri, UNLD + "Resolution"):
            res = resolution(site, iri, path, own)
            page["title"] = f"{res['symbol']}: {res['title']}" if res["title"] else title
            page["description"] = res["title"]
            html = site.render("search_doc.html", res=res)
            changed = search.write_source(site.root, site.shard_of[path], path, html)
            site.searchable.append((path, changed))
            return site.render("resolution.html", page=page, res=res)
        return site.render("resource.html", page=page, r=resource(site, iri, path))
    finally:
        site.recorder.note(*own.reads())


def write_resource(site: Site, iri: str, path: str) -> list[str]:
    """The three files of the page of ``iri`` at ``path``; returns the resources the page
    read (see :mod:`.incremental`)."""
    site.recorder.start()
    write_data(site, iri, path)
    site.writer.write_page(path, "index.html", render_html(site, iri, path))
    site.report.pages += 1
    return site.recorder.stop()
