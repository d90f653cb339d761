"""The pages' data files written the fast way are the reference writers' bytes, on every
page of the corpus and on terms the corpus lacks (typed literals the writer shortens,
local names it escapes, blank nodes)."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from unld.core.namespaces import UNLD, XSD
from unld.publishing import dumps
from unld.publishing.site.pages import reference_turtle, write_data
from unld.publishing.site.render import Site, _work_order, load_quads

BASE = "https://w3id.org/unld/"


@pytest.fixture(scope="module")
def corpus_site(corpus_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Site:
    """A generation's state for the corpus build, its pages in the order of the work."""
    site = Site(load_quads(corpus_build), BASE, tmp_path_factory.mktemp("data-site"), corpus_build)
    site.order = _work_order(site.base, site.pages)
    return site


def test_page_turtle_is_the_reference_writers_on_every_corpus_page(corpus_site: Site) -> None:
    ds = corpus_site.ds
    checked = 0
    for iri in corpus_site.order:
        page = ds.page(iri)
        got = corpus_site.turtle.document(page)
        assert got is not None, iri  # the corpus has no blank node
        assert got == reference_turtle(corpus_site, page), iri
        checked += 1
    assert checked > 1000
    # the second time, every term comes from the cache
    iri = next(i for i in corpus_site.order if i.startswith(BASE + "doc/A/RES/"))
    assert corpus_site.turtle.document(ds.page(iri)) == reference_turtle(corpus_site, ds.page(iri))


def test_page_jsonld_is_the_dump_writers_on_every_corpus_page(corpus_site: Site) -> None:
    """The node objects kept by subject and triples (a resolution's page, then its
    graph's) make the document the dumps' writer makes of the page's triples."""
    ds = corpus_site.ds
    context = corpus_site.context_doc
    checked = 0
    for iri in corpus_site.order:
        page = ds.page(iri)
        want = dumps.jsonld(ds.store.triples(page.keys), context, corpus_site.context_url)
        assert corpus_site.jsonld.document(page) == want, iri
        checked += 1
    assert checked > 1000
    assert len(corpus_site.jsonld.nodes.new) + len(corpus_site.jsonld.nodes.old) > 0


def test_a_graph_page_with_its_resolution_s_triples_links_its_data_files(
    corpus_build: Path, tmp_path: Path
) -> None:
    """A resolution's graph page says what the resolution's page says, nearly always: its
    Turtle and JSON-LD are then hard links to the resolution's files.  Every page's files
    are what the writers make of that page's own triples, linked or not."""
    site = Site(load_quads(corpus_build), BASE, tmp_path / "site", corpus_build)
    site.order = _work_order(site.base, site.pages)
    ds = site.ds
    linked = 0
    for iri in site.order:
        write_data(site, iri, site.pages[iri])
    for iri in site.order:
        folder = tmp_path / "site" / site.pages[iri]
        page = ds.page(iri)
        assert (folder / "index.ttl").read_bytes() == reference_turtle(site, page), iri
        want = dumps.jsonld(ds.store.triples(page.keys), site.context_doc, site.context_url)
        assert (folder / "index.jsonld").read_bytes() == want, iri
        described = ds.iri(iri, UNLD + "describes") if iri.startswith(BASE + "graph/") else None
        if described is None or described not in site.pages:
            continue
        doc = site.pages[described]
        same = ds.page(described).keys == page.keys
        for name in ("index.ttl", "index.jsonld"):
            shared = os.path.samefile(folder / name, tmp_path / "site" / doc / name)
            assert shared == same, (iri, name)
        linked += same
    assert linked > 30
    # a page after another's with other triples: written, not linked
    graph = next(i for i in site.order if i.startswith(BASE + "graph/A/RES/"))
    keys = ds.page(graph).keys
    other = next(i for i in site.order if i.startswith(BASE + "doc/A/RES/") and ds.page(i).keys != keys)
    again = Site(site.ds.store, BASE, tmp_path / "again", corpus_build)
    write_data(again, other, again.pages[other])
    write_data(again, graph, again.pages[graph])
    folder = tmp_path / "again" / again.pages[graph]
    assert os.stat(folder / "index.ttl").st_nlink == 1
    first = tmp_path / "site" / site.pages[graph]
    assert (folder / "index.ttl").read_bytes() == (first / "index.ttl").read_bytes()


def _site_of(quads: list[ox.Quad], tmp_path: Path) -> Site:
    return Site(quads, BASE, tmp_path / "site", None)


def test_page_turtle_writes_what_the_reference_writes_of_odd_terms(tmp_path: Path) -> None:
    """Short forms of typed literals (valid or not), escaped local names, strings with
    line ends, quotes and languages, rdf:type as an object, several objects and
    predicates: the bytes of the reference writer."""
    s = ox.NamedNode(BASE + "doc/X/1")
    g = ox.NamedNode(BASE + "graph/X/1")
    p, q = ox.NamedNode(UNLD + "p"), ox.NamedNode(UNLD + "q")
    objects = [
        ox.Literal("5", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("05", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("five", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
        ox.Literal("1.50", datatype=ox.NamedNode(XSD + "decimal")),
        ox.Literal("1e3", datatype=ox.NamedNode(XSD + "double")),
        ox.Literal("2024-01-01", datatype=ox.NamedNode(XSD + "date")),
        ox.Literal("x", datatype=ox.NamedNode("urn:example:dt")),
        ox.Literal('line\nend "quoted" \\ tab\t'),
        ox.Literal("résolution", language="fr"),
        ox.Literal("@not a language"),
        ox.NamedNode(UNLD + "a.b"),
        ox.NamedNode(UNLD + "ends."),
        ox.NamedNode(UNLD + "with%20space"),
        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode(BASE + "doc/X/1#op1"),
    ]
    quads = [ox.Quad(s, p, o, g) for o in objects]
    quads += [ox.Quad(s, q, objects[0], g), ox.Quad(ox.NamedNode(BASE + "doc/X/1#op1"), p, objects[3], g)]
    quads.append(ox.Quad(g, ox.NamedNode(UNLD + "describes"), s, g))
    site = _site_of(quads, tmp_path)
    pages = 0
    for iri in site.pages:
        page = site.ds.page(iri)
        got = site.turtle.document(page)
        assert got == reference_turtle(site, page), iri
        pages += 1
    assert pages >= 2
    page = site.ds.page(s.value)
    assert b"true" in reference_turtle(site, page)
    assert len(page.keys) == len(quads)  # the graph describing it, whole


def test_a_page_with_a_blank_node_gets_the_reference_writers_turtle(tmp_path: Path) -> None:
    s = ox.NamedNode(BASE + "doc/X/2")
    quads = [
        ox.Quad(s, ox.NamedNode(UNLD + "p"), ox.BlankNode("b0"), ox.DefaultGraph()),
        ox.Quad(s, ox.NamedNode(UNLD + "q"), ox.Literal("v"), ox.DefaultGraph()),
    ]
    site = _site_of(quads, tmp_path)
    page = site.ds.page(s.value)
    assert site.turtle.document(page) is None
    assert b"_:" in reference_turtle(site, page)
