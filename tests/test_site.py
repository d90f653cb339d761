"""The static site: pages at their IRIs, served by a real nginx, opened in a real browser.

The corpus (or, without it, the bundled example) is built once per session and its site
generated.  nginx (the Debian package) serves the site with the content-negotiation
snippet the site ships; headless Chromium renders pages.  Those two tests skip, saying so,
only when the binaries are absent; CI installs them (``apt-get install nginx chromium``).
"""

from __future__ import annotations

import gc
import json
import re
import shutil
import subprocess
import tempfile
from collections import deque
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from tests.conftest import EXAMPLE, ROOT, unavailable
from tests.webservers import free_port, nginx
from unld.core import collector
from unld.core.namespaces import RDF_TYPE
from unld.publishing.site import detect_base, generate, load_quads, render, workers
from unld.publishing.site.pages import write_resource
from unld.publishing.site.paths import disk_path, is_safe_path, page_path, relative
from unld.publishing.site.schema import script_json
from unld.publishing.site.store import Store

BASE = "https://w3id.org/unld/"
RES = BASE + "doc/A/RES/76/19"
RES_PATH = "/doc/A/RES/76/19/"
SCHEMA = rdflib.Namespace("https://schema.org/")
CONTEXT = json.loads((ROOT / "mappings" / "context.jsonld").read_text(encoding="utf-8"))


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def built(corpus_build: Path) -> Path:
    """The corpus build of the session, with its site."""
    return corpus_build


@pytest.fixture(scope="session")
def quads(built: Path) -> list[ox.Quad]:
    return load_quads(built)


@pytest.fixture(scope="session")
def site(built: Path, quads: list[ox.Quad]) -> Path:
    report = generate(quads, built / "site", BASE, built)
    assert report.pages > 0 and not report.skipped
    return built / "site"


def test_the_most_linked_pages_are_written_first_one_per_task(
    built: Path, quads: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: the pages that many resources link to (lead phrases, the Assembly) sort
    together at the end of the work and fell into its last share, written by one process
    while the others idled.  They now come first, the most linked first, each alone; every
    page is still in exactly one task."""
    monkeypatch.setattr(render, "HEAVY_LINKS", 50)
    s = render.Site(quads, BASE, tmp_path / "site", built)
    s.order = render._work_order(s.base, s.pages)
    before = list(s.order)
    s.heavy_first()
    links = [quads.links_into(i) for i in s.order]
    assert s.heavy > 0 and sorted(s.order) == sorted(before)
    assert links[: s.heavy] == sorted(links[: s.heavy], reverse=True)
    assert min(links[: s.heavy]) > 50 >= max(links[s.heavy :])
    assert any(i.startswith(BASE + "phrase/") for i in s.order[: s.heavy])
    tasks = s.tasks(2)
    assert tasks[0] == ("rest", 0, 0)
    assert tasks[1 : s.heavy + 1] == [("pages", i, i + 1) for i in range(s.heavy)]
    covered = [i for _, start, end in tasks[1:] for i in range(start, end)]
    assert covered == list(range(len(s.order)))
    # what links here is counted as the store reads it
    some = s.order[0]
    assert quads.links_into(some) == len(quads.incoming_keys(quads.find_iri(some)))


def test_what_links_here_reads_a_linking_part_s_class_only_where_its_title_needs_it(
    built: Path, quads: Store, tmp_path: Path
) -> None:
    """Regression (speed): a phrase's page read the class of every paragraph that opens with
    it (thousands at 20,000 resolutions), though only a session's groups are titled by the
    class of what links to them.  The page records the reads it makes, so the reads it no
    longer makes are not there; a session's page still reads its linking resources' classes."""
    s = render.Site(quads, BASE, tmp_path / "site", built)
    s.order = render._work_order(s.base, s.pages)
    s.prepare()

    def class_reads(iri: str) -> list[str]:
        reads = write_resource(s, iri, s.pages[iri])
        return [r for r in reads if r.endswith("\t" + RDF_TYPE) and not r.startswith(iri + "\t")]

    phrase = BASE + "phrase/recalling"
    assert class_reads(phrase) == []
    page = (tmp_path / "site" / s.pages[phrase] / "index.html").read_text("utf-8")
    assert "Paragraphs that open with this phrase" in page
    sessions = BASE + "A/session/"
    session = next(i for i in s.order if i.startswith(sessions) and "/" not in i[len(sessions) :])
    assert class_reads(session)


def resource_graph(built: Path, iri: str) -> rdflib.Graph:
    """What the build says about ``iri``: the named graph that describes it plus every
    triple about it or its hash IRIs, computed here independently of the site code."""
    ds = rdflib.Dataset()
    ds.parse(built / "unld.nq", format="nquads")
    quads = [(s, p, o, str(getattr(c, "identifier", c))) for s, p, o, c in ds.quads((None, None, None, None))]
    describes = "https://w3id.org/unld/ontology#describes"
    describing = {str(s) for s, p, o, _ in quads if str(p) == describes and str(o) == iri}
    g = rdflib.Graph()
    for s, p, o, name in quads:
        if name in describing or name == iri or str(s) == iri or str(s).startswith(iri + "#"):
            g.add((s, p, o))
    return g


def jsonld_graph(text: str) -> rdflib.Graph:
    """Parse one of our JSON-LD files offline: the context URL (at the site's base) is
    swapped for its copy."""
    doc = json.loads(text)
    if doc.get("@context") == BASE + "context.jsonld":
        doc["@context"] = CONTEXT["@context"]
    return rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")


class Links(HTMLParser):
    """Every href/src of a page, and every id."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.scripts: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for name in ("href", "src"):
            if a.get(name):
                self.links.append(a[name] or "")
        if a.get("id"):
            self.ids.add(a["id"] or "")
        self._in_ld = tag == "script" and a.get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_ld = False


def parse_html(text: str) -> Links:
    p = Links()
    p.feed(text)
    p.close()
    return p


# --- paths: nothing escapes the output folder ------------------------------------------------


@pytest.mark.parametrize(
    "iri,path",
    [
        (BASE + "doc/A/RES/76/19", "doc/A/RES/76/19"),
        (BASE + "doc/A/RES/76/19#op6a", "doc/A/RES/76/19"),
        (BASE + "doc/S/RES/2625(2022)", "doc/S/RES/2625(2022)"),
        (BASE + "A/session/80/agenda/99k", "A/session/80/agenda/99k"),
        (
            BASE + "body/oewg-ict-2021-2025/mandate/2021-2025#beginning",
            "body/oewg-ict-2021-2025/mandate/2021-2025",
        ),
        (BASE + "doc/A/%C3%A9", "doc/A/%C3%A9"),
        (BASE, ""),
        ("https://w3id.org/unld/ontology#Resolution", "ontology"),
        ("https://w3id.org/unld/phrase/recalling", "phrase/recalling"),
    ],
)
def test_page_path_of_good_iris(iri: str, path: str) -> None:
    assert page_path(iri, BASE) == path


@pytest.mark.parametrize(
    "iri",
    [
        BASE + "doc/../../etc/passwd",
        BASE + "doc/A/..",
        BASE + "doc/./x",
        BASE + "doc/%2e%2e/%2e%2e/etc",
        BASE + "doc/A%2FRES",
        BASE + "doc/A%2fRES",
        BASE + "doc/A%5C..%5Cx",
        BASE + "doc/a%00b",
        BASE + "doc/a%0Ab",
        BASE + "doc/a\nb",
        BASE + "doc/a\x7fb",
        BASE + "doc/a b",
        BASE + "doc/a\\b",
        BASE + "doc/a?x=1",
        BASE + "doc//x",
        BASE + "/etc/passwd",
        BASE + "doc/.htaccess",
        BASE + "doc/A/",
        BASE + "doc/%zz",
        BASE + "dumps/unld.ttl",
        BASE + "static/style.css",
        BASE + "doc/" + "x" * 300,
        BASE + "doc/é",
        "https://example.org/doc/A/RES/76/19",
        "file:///etc/passwd",
        "urn:sha256:00",
    ],
)
def test_page_path_refuses_what_could_escape(iri: str) -> None:
    assert page_path(iri, BASE) is None


def test_disk_path_decodes_and_stays_inside(tmp_path: Path) -> None:
    assert disk_path(tmp_path, "doc/A/%C3%A9") == tmp_path / "doc" / "A" / "é"
    assert disk_path(tmp_path, "") == tmp_path
    for bad in ("../x", "doc/../../x", "/etc", "doc/%2e%2e/%2e%2e/x", "doc/a%2Fb"):
        with pytest.raises(ValueError):
            disk_path(tmp_path, bad)
    assert not is_safe_path("dumps/x") and is_safe_path("dumps/x", own=True)


def test_relative_links() -> None:
    assert relative("doc/A/RES/76/19", "session/76") == "../../../../../session/76/"
    assert relative("doc/A/RES/76/19", "doc/A/RES/76/19", "op6") == "../../../../../doc/A/RES/76/19/#op6"
    assert relative("", "doc/A") == "./doc/A/"
    assert relative("", "a:b") == "./a:b/"  # never read as a scheme
    assert relative("session/76", "") == "../../"


def test_unsafe_iris_get_no_page_and_nothing_is_written_outside(tmp_path: Path) -> None:
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    evil = [
        BASE + "doc/../../escaped",
        BASE + "doc/%2e%2e/%2e%2e/escaped2",
        BASE + "doc/a%2F..%2F..%2Fescaped3",
        BASE + "doc/ok",
    ]
    g = ox.NamedNode(BASE + "graph/void")
    quads = [ox.Quad(ox.NamedNode(i), label, ox.Literal("x"), g) for i in evil]
    report = generate(quads, tmp_path / "out" / "site", BASE, None)
    written = {p.relative_to(tmp_path) for p in tmp_path.rglob("*")}
    assert not any("escaped" in str(p) for p in written)
    assert (tmp_path / "out" / "site" / "doc" / "ok" / "index.html").is_file()
    assert sorted(report.skipped) == sorted(evil[:3])


# --- escaping --------------------------------------------------------------------------------

EVIL = 'Recognizes <script>alert("x")</script> & </script><b>bold</b> "quotes"'


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the real A/RES/76/19 whose first operative paragraph was tampered with."""
    from unld.core.iri import IriPolicy
    from unld.mapping.mapper import Mapper
    from unld.parse import parse_source
    from unld.sources import read_source

    record = parse_source(read_source(EXAMPLE))
    record["operative_paragraphs"][0]["text"] = EVIL
    record["title"] = record["title"] + " </title><script>alert(1)</script>"
    mapped = next(iter(Mapper(IriPolicy(BASE)).map_many([record])))
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(mapped.graph)) for t in mapped.triples]
    out = tmp_path_factory.mktemp("evil") / "site"
    generate(quads, out, BASE, None)
    return out


def test_text_is_escaped_in_html(evil_site: Path) -> None:
    html = (evil_site / "doc/A/RES/76/19/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<b>bold" not in html and 'alert("x")' not in html
    assert "</title><script>" not in html
    # the only script elements are the JSON-LD one
    assert re.findall(r"<script\b[^>]*>", html) == ['<script type="application/ld+json">']


def test_jsonld_in_page_cannot_end_its_script(evil_site: Path) -> None:
    html = (evil_site / "doc/A/RES/76/19/index.html").read_text(encoding="utf-8")
    page = parse_html(html)
    assert len(page.scripts) == 1
    doc = json.loads(page.scripts[0])
    texts = [p.get("text") for p in doc["hasPart"]]
    assert EVIL in texts  # the JSON escapes decode to the very text
    assert "\\u003c/script\\u003e" in page.scripts[0]
    assert script_json({"t": "</script>"}).count("<") == 0


# --- the generated files ---------------------------------------------------------------------


def test_layout_one_folder_per_iri(site: Path, quads: list[ox.Quad]) -> None:
    for path in (
        "doc/A/RES/76/19",
        "doc/A/76/439",
        "doc/A/RES/43/78H",
        "A/session/76",
        "A/session/76/agenda/95",
        "A/session/76/meeting/45",
        "body/first-committee",
        "body/general-assembly",
        "body/oewg-ict-2021-2025/mandate/2021-2025",
        "phrase/recalling",
        "ontology",
        "graph/A/RES/76/19",
    ):
        for name in ("index.html", "index.ttl", "index.jsonld"):
            assert (site / path / name).is_file(), f"{path}/{name}"
    for name in (
        "index.html",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        ".htaccess",
        "context.jsonld",
        "_config/nginx-unld.conf",
        "static/style.css",
        "dumps/unld.ttl",
        "dumps/unld.nq",
        "dumps/unld.jsonld",
        "dumps/void.ttl",
        "doc/index.html",
        "session/index.html",
        "body/index.html",
        "phrase/index.html",
        "browse/committee/index.html",
        "browse/agenda/index.html",
    ):
        assert (site / name).is_file(), name
    # every page IRI of the data has its folder
    for q in quads:
        for term in (q.subject, q.object):
            if isinstance(term, ox.NamedNode):
                path = page_path(term.value, BASE)
                if path:
                    assert (site / path / "index.html").is_file(), term.value


def test_resource_files_describe_the_resource(built: Path, site: Path) -> None:
    expected = resource_graph(built, RES)
    ttl = rdflib.Graph().parse(site / "doc/A/RES/76/19/index.ttl", format="turtle")
    assert isomorphic(ttl, expected)
    assert isomorphic(jsonld_graph((site / "doc/A/RES/76/19/index.jsonld").read_text()), expected)
    report = BASE + "doc/A/76/439"
    ttl = rdflib.Graph().parse(site / "doc/A/76/439/index.ttl", format="turtle")
    assert isomorphic(ttl, resource_graph(built, report))


def test_resolution_page_content(site: Path) -> None:
    html = (site / "doc/A/RES/76/19/index.html").read_text(encoding="utf-8")
    page = parse_html(html)
    for frag in ["pp1", "op1", "op6", "op6a", "op6b", "op7", "fn1", "fn2", "fn3", "fa1"]:
        assert frag in page.ids
        assert f'href="#{frag}"' in html  # a visible link to its own IRI
        assert f'title="{RES}#{frag}"' in html
    assert '<html lang="en">' in html
    assert '<link rel="alternate" type="text/turtle" href="index.ttl"' in html
    assert '<link rel="alternate" type="application/ld+json" href="index.jsonld"' in html
    # citations, the report, the committee, the session, the agenda item and the meeting link
    # to their own pages
    for target in (
        "doc/A/RES/43/78H/",
        "doc/A/RES/75/240/",
        "doc/A/76/439/",
        "body/first-committee/",
        "A/session/76/",
        "A/session/76/agenda/95/",
        "A/session/76/meeting/45/",
        "doc/A/65/201/",
    ):
        assert f'href="../../../../../{target}"' in html, target
    for landmark in ("<main", "<header", "<footer", 'aria-label="Breadcrumb"'):
        assert landmark in html


def test_backlinks_cited_by(site: Path) -> None:
    html = (site / "doc/A/RES/75/240/index.html").read_text(encoding="utf-8")
    assert "Cited by" in html and 'href="../../../../../doc/A/RES/76/19/"' in html
    assert "../../../../../doc/A/RES/76/19/#pp1" in html
    session = (site / "A/session/76/index.html").read_text(encoding="utf-8")
    assert "Resolutions of this session" in session
    item = (site / "A/session/76/agenda/95/index.html").read_text(encoding="utf-8")
    assert "Resolutions under this agenda item" in item


def test_schema_org_in_every_resolution_page(site: Path, quads: list[ox.Quad]) -> None:
    page = parse_html((site / "doc/A/RES/76/19/index.html").read_text(encoding="utf-8"))
    g = rdflib.Graph().parse(data=page.scripts[0], format="json-ld")
    res = rdflib.URIRef(RES)
    assert (res, rdflib.RDF.type, SCHEMA.Legislation) in g
    assert str(g.value(res, SCHEMA.legislationIdentifier)) == "A/RES/76/19"
    assert str(g.value(res, SCHEMA.legislationDate)) == "2021-12-06"
    assert g.value(res, SCHEMA.legislationPassedBy) == rdflib.URIRef(BASE + "body/general-assembly")
    assert len(list(g.objects(res, SCHEMA.citation))) >= 30
    assert len(list(g.objects(res, SCHEMA.hasPart))) >= 20
    assert (res, rdflib.RDF.type, rdflib.URIRef("https://w3id.org/unld/ontology#Resolution")) in g


def test_sitemap_robots_and_config(site: Path) -> None:
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{BASE}doc/A/RES/76/19/</loc>" in sitemap
    assert f"Sitemap: {BASE}sitemap.xml" in (site / "robots.txt").read_text()
    conf = (site / "_config/nginx-unld.conf").read_text()
    assert "Vary Accept" in conf and "index.ttl" in conf and "index.jsonld" in conf
    ht = (site / ".htaccess").read_text()
    assert "RewriteEngine On" in ht and "index.ttl" in ht and "Header always merge Vary Accept" in ht


def test_output_is_deterministic(site: Path, quads: list[ox.Quad], built: Path, tmp_path: Path) -> None:
    again = tmp_path / "site"
    generate(list(reversed(quads)), again, BASE, built)

    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    first, second = files(site), files(again)
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_output_does_not_depend_on_the_number_of_processes(
    site: Path, built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages written by one process or shared among two: the same files, the same bytes
    (and the same as the site written from the loaded quads).  The two processes write the
    most linked pages first, one per task (a low threshold makes some of the corpus's so)."""
    reports = {}
    for jobs in (1, 2):
        if jobs == 2:
            monkeypatch.setattr(render, "HEAVY_LINKS", 50)
        reports[jobs] = generate(built / "unld.nq", tmp_path / f"jobs{jobs}" / "site", BASE, built, jobs=jobs)
    assert reports[1].jobs == 1 and reports[2].jobs == 2
    one, two = _files(tmp_path / "jobs1" / "site"), _files(tmp_path / "jobs2" / "site")
    assert one.keys() == two.keys()
    assert [k for k in one if one[k] != two[k]] == []
    assert one == _files(site)
    a, b = reports[1], reports[2]
    assert (a.pages, a.files, a.bytes) == (b.pages, b.files, b.bytes)


def _old_page_triples(quads: list[ox.Quad]):
    """What each page's Turtle and JSON-LD must say, computed from the quads directly:
    the graph describing the resource, the graph it names, and every triple about it or its
    hash IRIs; sorted by N-Triples text."""
    from collections import defaultdict

    graphs: dict[str, set] = defaultdict(set)
    by_page: dict[str, set] = defaultdict(set)
    describing: dict[str, str] = {}
    for q in quads:
        if not isinstance(q.subject, ox.NamedNode):
            continue
        if isinstance(q.graph_name, ox.NamedNode):
            graphs[q.graph_name.value].add(q.triple)
        by_page[q.subject.value.partition("#")[0]].add(q.triple)
    for g in sorted(graphs):
        for t in sorted(graphs[g], key=str):
            if (
                t.predicate.value == "https://w3id.org/unld/ontology#describes"
                and t.subject.value == g
                and isinstance(t.object, ox.NamedNode)
            ):
                describing.setdefault(t.object.value, g)

    def triples(iri: str) -> list[ox.Triple]:
        found = set(by_page.get(iri, ()))
        for g in (describing.get(iri), iri):
            if g in graphs:
                found.update(graphs[g])
        return sorted(found, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))

    return triples


def test_page_data_are_the_dump_writers_bytes(site: Path, quads) -> None:
    """Every page's index.ttl and index.jsonld are what the dumps' own writers make of the
    page's triples (the site writes them its own, faster way)."""
    from unld.publishing import dumps

    triples_of = _old_page_triples(list(quads))
    heads = {
        t.value.partition("#")[0] for q in quads for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)
    }
    checked = 0
    for iri in sorted(heads):
        path = page_path(iri, BASE)
        if not path:
            continue
        folder = disk_path(site, path)
        triples = triples_of(iri)
        assert (folder / "index.ttl").read_bytes() == dumps.serialize(triples, ox.RdfFormat.TURTLE), iri
        assert (folder / "index.jsonld").read_bytes() == dumps.jsonld(
            triples, CONTEXT, BASE + "context.jsonld"
        ), iri
        checked += 1
    assert checked > 100


def test_embedded_json_is_the_json_modules(site: Path) -> None:
    """The schema.org JSON of the pages, written without the json module's indenting
    encoder, is what that encoder writes."""
    for html in sorted(site.rglob("index.html"))[:400]:
        for script in parse_html(html.read_text(encoding="utf-8")).scripts:
            text = script.strip("\n")
            doc = json.loads(text)
            expected = json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1)
            for a, b in (
                ("<", "\\u003c"),
                (">", "\\u003e"),
                ("&", "\\u0026"),
                ("\u2028", "\\u2028"),
                ("\u2029", "\\u2029"),
            ):
                expected = expected.replace(a, b)
            assert text == expected, html
    assert script_json({"a": [1.5, {"b": None}], "c": []}) == json.dumps(
        {"a": [1.5, {"b": None}], "c": []}, sort_keys=True, indent=1
    )


def test_mentions_are_found_as_one_pattern_would() -> None:
    """Mentions of cited documents: found without a pattern per paragraph, they are what
    one pattern of all the paragraph's symbols (longest first) finds."""
    import random

    from unld.publishing.site.mentions import mentions as _mentions

    def one_pattern(text: str, alternatives: list[str]) -> list[tuple[int, int]]:
        rx = re.compile(
            r"(?<![\w/.])(?:"
            + "|".join(r"\s+".join(re.escape(p) for p in v.split(" ")) for v in alternatives)
            + r")(?![\w/])"
        )
        return [(m.start(), m.end()) for m in rx.finditer(text)]

    rnd = random.Random(1)
    pieces = [
        "43/78",
        "43/78 H",
        "A/RES/43/78 H",
        "A/RES/43/78",
        "H",
        "2625 (2022)",
        "2625",
        " ",
        "  ",
        "\n",
        "\t",
        "\u00a0",
        "\u2003",
        "/",
        ".",
        "x",
        "_",
        "é",
        "\u0663",
        "and",
        "A/75/816",
        "75/816",
        "(",
        ")",
        ",",
        "7",
        "HH",
        "43/7",
    ]
    symbols = [
        "43/78 H",
        "43/78",
        "A/RES/43/78 H",
        "2625 (2022)",
        "A/75/816",
        "75/816",
        "H",
        "7",
        " 43/78",
        "43/78 ",
        "é",
        "(2022)",
        "43/7",
        "8 H",
    ]
    for _ in range(20000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 14)))
        alternatives = sorted(rnd.sample(symbols, rnd.randint(1, 5)), key=lambda v: (-len(v), v))
        assert _mentions(text, alternatives) == one_pattern(text, alternatives), (text, alternatives)


def test_loaded_quads_are_the_files(built: Path, tmp_path: Path) -> None:
    """load_quads keeps the quads compactly and gives them back as they are in unld.nq;
    a file the fast reader cannot split is read by the parser, to the same result."""
    from unld.publishing.site.store import Store

    with open(built / "unld.nq", "rb") as fh:
        expected = list(ox.parse(fh, format=ox.RdfFormat.N_QUADS))
    store = load_quads(built)
    assert len(store) == len(expected)
    assert list(store) == expected
    assert store[0] == expected[0] and store[-1] == expected[-1]
    assert list(reversed(store))[:3] == expected[::-1][:3]
    assert store.triple_count == len({q.triple for q in expected})
    lines = (built / "unld.nq").read_bytes().splitlines(keepends=True)
    odd = tmp_path / "odd.nq"  # a comment, a blank line, a default-graph triple, \r\n
    extra = b'<http://ex.org/s> <http://ex.org/p> "a b <c> d"^^<http://ex.org/t> .\r\n'
    odd.write_bytes(b"# comment\n\n" + b"".join(lines[:50]) + extra)
    parsed = list(ox.parse(odd.read_bytes(), format=ox.RdfFormat.N_QUADS))
    slow = Store.from_nquads(odd)
    assert sorted(map(str, slow)) == sorted(map(str, parsed))
    assert slow.keys == Store.from_quads(parsed).keys
    fast = Store.from_nquads(_write(tmp_path / "ok.nq", b"".join(lines[:50])))
    assert list(fast) == list(ox.parse(b"".join(lines[:50]), format=ox.RdfFormat.N_QUADS))
    broken = _write(tmp_path / "broken.nq", b"<http://ex.org/s> <http://ex.org/p> .\n")
    with pytest.raises(SyntaxError):
        Store.from_nquads(broken)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_other_base_iri(tmp_path: Path, quads: list[ox.Quad]) -> None:
    """With another base, ontology terms and phrase concepts still get their pages."""
    from unld.core.iri import IriPolicy
    from unld.mapping.mapper import Mapper
    from unld.parse import parse_source
    from unld.sources import read_source

    base = "https://example.org/un/"
    mapped = next(iter(Mapper(IriPolicy(base)).map_many([parse_source(read_source(EXAMPLE))])))
    shared = [
        q
        for q in quads
        if q.graph_name.value in ("https://w3id.org/unld/ontology", BASE + "graph/vocabularies")
    ]
    qs = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(mapped.graph)) for t in mapped.triples
    ] + shared
    generate(qs, tmp_path / "site", base, None)
    html = (tmp_path / "site/doc/A/RES/76/19/index.html").read_text(encoding="utf-8")
    assert (tmp_path / "site/ontology/index.html").is_file()
    assert (tmp_path / "site/phrase/recalling/index.html").is_file()
    assert 'href="../../../../../phrase/recalling/"' in html
    assert f'title="{base}doc/A/RES/76/19#op1"' in html


def test_cli_site(built: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from unld.cli import main

    small = tmp_path / "small"
    small.mkdir()
    keep = (f"<{BASE}graph/A/RES/76/19>", f"<{BASE}graph/void>")
    lines = [
        ln
        for ln in (built / "unld.nq").read_text(encoding="utf-8").splitlines()
        if ln.rstrip(" .").endswith(keep)
    ]
    (small / "unld.nq").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert detect_base(load_quads(small)) == BASE
    result = CliRunner().invoke(main, ["site", "--from", str(small)])
    assert result.exit_code == 0, result.output
    assert "pages" in result.output
    assert (small / "site/doc/A/RES/76/19/index.html").is_file()
    result = CliRunner().invoke(main, ["site", "--from", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "unld.nq" in result.output
    result = CliRunner().invoke(main, ["site", "--from", str(small), "--base-iri", "nope"])
    assert result.exit_code == 2


# --- a real web server -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """nginx on 127.0.0.1 with the site's own snippet (skipped where nginx is not installed:
    the site's content negotiation is tested against a real nginx)."""
    with nginx(site, tmp_path_factory.mktemp("nginx"), free_port()) as url:
        yield url


@pytest.mark.parametrize(
    "accept,media",
    [
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("text/html", "text/html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("application/ld+json, text/turtle;q=0.5", "application/ld+json"),
        ("text/turtle, application/ld+json;q=0.5", "text/turtle"),
    ],
)
def test_content_negotiation(server: str, built: Path, accept: str, media: str) -> None:
    import requests

    expected = resource_graph(built, RES)
    for url in (server + RES_PATH, server + RES_PATH.rstrip("/")):
        r = requests.get(url, headers={"Accept": accept}, timeout=10)
        assert r.status_code == 200, url
        assert r.headers["Content-Type"].split(";")[0].strip() == media, (url, accept)
        assert "Accept" in r.headers.get("Vary", "")
        if media == "text/turtle":
            assert isomorphic(rdflib.Graph().parse(data=r.text, format="turtle"), expected)
        elif media == "application/ld+json":
            assert isomorphic(jsonld_graph(r.text), expected)
        else:
            page = parse_html(r.text)
            assert "op7" in page.ids and r.url.endswith(RES_PATH)  # redirected to the folder


def test_other_iris_negotiate_too(server: str) -> None:
    import requests

    for path in ("/A/session/76/agenda/95", "/body/first-committee/", "/ontology", "/phrase/recalling/", "/"):
        r = requests.get(server + path, headers={"Accept": "text/turtle"}, timeout=10)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
        rdflib.Graph().parse(data=r.text, format="turtle")
    r = requests.get(server + "/no/such/page/", timeout=10)
    assert r.status_code == 404 and "Not found" in r.text


def test_crawl_finds_no_broken_link(server: str) -> None:
    """Follow every internal href/src from the home page: nothing is missing, and every
    fragment a page links to is an id on the target page."""
    import requests

    session = requests.Session()
    host = urlsplit(server).netloc
    seen: set[str] = set()
    ids: dict[str, set[str]] = {}
    wanted: list[tuple[str, str, str]] = []
    queue = deque([server + "/"])
    broken = []
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        r = session.get(url, timeout=10)
        if r.status_code != 200:
            broken.append((url, r.status_code))
            continue
        if not r.headers.get("Content-Type", "").startswith("text/html"):
            continue
        page = parse_html(r.text)
        ids[r.url] = page.ids
        for link in page.links:
            target, frag = urldefrag(urljoin(r.url, link))
            if urlsplit(target).netloc != host:
                continue
            if frag:
                wanted.append((r.url, target, frag))
            if target not in seen:
                queue.append(target)
    assert broken == []
    assert len(seen) > 100
    missing = [(src, t, f) for src, t, f in wanted if t in ids and f not in ids[t]]
    assert missing == []


# --- a real browser --------------------------------------------------------------------------


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _browse(url: str, *extra: str) -> str:
    binary = _chromium()
    if not binary:
        unavailable(
            "Chromium is not installed (Debian package 'chromium'); pages are "
            "checked in a real headless browser"
        )
    with tempfile.TemporaryDirectory(prefix="unld-chromium-") as profile:
        args = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *extra,
            url,
        ]
        done = subprocess.run(args, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return done.stdout.decode("utf-8")


def test_browser_renders_the_resolution(server: str, tmp_path: Path) -> None:
    dom = _browse(server + RES_PATH, "--dump-dom")
    assert re.search(r"<title>A/RES/76/19: Developments in the field of information", dom)
    numbers = re.findall(r'<div class="para op" id="(op\d+)">\s*<span class="num">(\d+)\.</span>', dom)
    assert numbers == [(f"op{i}", str(i)) for i in range(1, 8)]
    assert re.search(r'<div class="para op" id="op1">.*?<em>Recognizes</em>', dom, re.S)
    page = parse_html(dom)
    for n in (1, 2, 3):
        assert f'href="#fn{n}"' in dom and f"fn{n}" in page.ids
        assert f'href="#ref-fn{n}-' in dom  # the back-link
    g = rdflib.Graph().parse(data=page.scripts[0], format="json-ld")
    assert (rdflib.URIRef(RES), rdflib.RDF.type, SCHEMA.Legislation) in g
    for name, size in (("resolution-desktop.png", "1280,2000"), ("resolution-phone.png", "390,1600")):
        shot = tmp_path / name
        _browse(server + RES_PATH, f"--screenshot={shot}", f"--window-size={size}")
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_browser_renders_the_home_page(server: str, tmp_path: Path) -> None:
    dom = _browse(server + "/", "--dump-dom")
    assert "<h1>United Nations resolutions as linked data</h1>" in dom
    assert 'href="./dumps/unld.ttl"' in dom and 'href="./ontology/"' in dom
    shot = tmp_path / "home.png"
    _browse(server + "/", f"--screenshot={shot}", "--window-size=1280,1400")
    assert shot.stat().st_size > 20_000


def test_browser_shows_script_as_text(evil_site: Path, tmp_path: Path) -> None:
    """A paragraph whose text holds markup is shown as that text in a real browser."""
    if not _chromium():
        unavailable("Chromium is not installed (Debian package 'chromium')")
    dom = _browse((evil_site / "doc/A/RES/76/19/index.html").as_uri(), "--dump-dom")
    assert '&lt;script&gt;alert("x")&lt;/script&gt;' in dom
    assert "<b>bold</b>" not in dom
    assert len(re.findall(r"<script\b", dom)) == 1


def _thresholds(_: int) -> tuple[int, int, int]:
    return gc.get_threshold()


def test_page_writers_run_the_garbage_collector_rarely_and_restore_it() -> None:
    """The page writers' caches hold millions of objects that each full pass of the
    collector walks (a quarter of the pages' CPU at 20,000 resolutions): they write with
    high thresholds, in forked processes as in this one, and the thresholds come back."""
    before = gc.get_threshold()
    assert before != collector.THRESHOLDS
    for jobs in (1, 2):
        assert workers.run(_thresholds, [1, 2, 3], jobs) == [collector.THRESHOLDS] * 3
        assert gc.get_threshold() == before
