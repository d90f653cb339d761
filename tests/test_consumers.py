"""The dataset as its consumers meet it: JSON-LD read by rdflib and pyld with no network,
IRIs dereferenced through real nginx and Apache httpd servers (303 for things, 200 for
documents, Vary and CORS headers), and the w3id.org redirect rules in front of the site.

The build's base IRI is the address of the local nginx, so that every IRI of the site is
a URL that resolves here, and the pages' JSON-LD context (``<base>context.jsonld``) is
fetched from the site itself.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
import requests
from rdflib.compare import isomorphic

from tests.conftest import CORPUS, ROOT
from tests.webservers import apache, free_port, nginx, readable_copy

SOURCES = ["A_RES_76_19.txt", "A_RES_79_120.txt", "A_RES_80_163.txt"]
RES_PATH = "doc/A/RES/76/19"
TURTLE, JSONLD, HTML = "text/turtle", "application/ld+json", "text/html"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
#: paths of documents (200 at the IRI) as the servers classify them
DOCUMENT_PREFIXES = ("doc/", "graph/", "ontology")


@pytest.fixture(scope="module")
def nginx_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, nginx_port: int) -> Path:
    """A build of three corpus resolutions whose base IRI is the local nginx."""
    from unld.build.pipeline import build

    src = tmp_path_factory.mktemp("sources")
    for name in SOURCES:
        (src / name).write_bytes((CORPUS / name).read_bytes())
    out = tmp_path_factory.mktemp("consumers-build")
    result = build([str(src)], out, f"http://127.0.0.1:{nginx_port}/", jobs=1)
    assert not result.violations and not result.skipped
    return out


@pytest.fixture(scope="module")
def base(built: Path, nginx_port: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """nginx serving the build's site; its URL is the base IRI (ending in "/")."""
    with nginx(built / "site", tmp_path_factory.mktemp("nginx"), nginx_port) as url:
        yield url + "/"


@pytest.fixture(scope="module")
def apache_urls(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Apache httpd serving a copy of the site with its .htaccess, and a stand-in for
    w3id.org serving ``hosting/w3id/.htaccess`` under ``/unld/``, its target set to that
    site: (site URL, w3id stand-in URL), both ending in "/"."""
    import tempfile

    work = Path(tempfile.mkdtemp(prefix="unld-apache-"))
    try:
        site = readable_copy(built / "site", work / "site")
        site_port, w3id_port = free_port(), free_port()
        rules = (ROOT / "hosting" / "w3id" / ".htaccess").read_text(encoding="utf-8")
        target = "https://example.org/unld-site/"
        assert rules.count(target) == 1
        w3id = work / "w3id"
        (w3id / "unld").mkdir(parents=True)
        (w3id / "unld" / ".htaccess").write_text(rules.replace(target, f"http://127.0.0.1:{site_port}/"))
        readable_copy(w3id, work / "w3id-root")
        with apache({site_port: site, w3id_port: work / "w3id-root"}, work) as urls:
            yield urls[site_port] + "/", urls[w3id_port] + "/unld/"
    finally:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


def _page_folders(site: Path) -> list[str]:
    """Every resource folder of the site (it has index.ttl), as a path under the base."""
    return sorted(str(p.parent.relative_to(site)) for p in site.rglob("index.ttl") if p.parent != site)


def _things(site: Path) -> list[str]:
    return [p for p in _page_folders(site) if not p.startswith(DOCUMENT_PREFIXES)]


# --- JSON-LD with no network -------------------------------------------------------------------


@pytest.fixture()
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection to another host than 127.0.0.1 fails, as it would offline."""
    real = socket.socket.connect

    def connect(self: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise OSError(f"network blocked by the test: {address}")
        real(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)

    def resolve(host: object, *args: object, **kwargs: object) -> object:
        raise OSError(f"network blocked by the test: cannot resolve {host}")

    real_getaddrinfo = socket.getaddrinfo
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, *a, **k: (
            real_getaddrinfo(host, *a, **k) if host in ("127.0.0.1", "localhost") else resolve(host)
        ),
    )


def test_network_is_really_blocked(no_network: None) -> None:
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get("https://w3id.org/unld/context.jsonld", timeout=5)


def _nt(built: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(built / "unld.nt", format="nt")


def test_dump_loads_offline_with_rdflib(built: Path, no_network: None) -> None:
    g = rdflib.Graph().parse(built / "unld.jsonld", format="json-ld")
    assert isomorphic(g, _nt(built))


def test_dump_loads_offline_with_pyld(built: Path, no_network: None) -> None:
    from pyld import jsonld

    doc = json.loads((built / "unld.jsonld").read_text(encoding="utf-8"))
    nq = jsonld.to_rdf(doc, {"format": "application/n-quads"})  # the default document loader
    assert isomorphic(rdflib.Graph().parse(data=nq, format="nt"), _nt(built))


def test_pages_refer_to_the_sites_own_context(built: Path, base: str) -> None:
    site = built / "site"
    for folder in [site, *(site / p for p in _page_folders(site)[:50])]:
        doc = json.loads((folder / "index.jsonld").read_text(encoding="utf-8"))
        assert doc["@context"] == base + "context.jsonld"
    assert json.loads((site / "context.jsonld").read_text()) == json.loads(
        (ROOT / "mappings" / "context.jsonld").read_text()
    )


@pytest.mark.parametrize("path", [RES_PATH, "A/session/76", "body/first-committee", ""])
def test_page_jsonld_loads_with_rdflib_and_pyld(built: Path, base: str, path: str, no_network: None) -> None:
    """A page's JSON-LD, fetched by IRI as a client would, loads with both processors' default
    settings (the context comes from the site) and says what the page's Turtle and the
    dump say."""
    from pyld import jsonld

    iri = base + path
    turtle = rdflib.Graph().parse(
        data=requests.get(iri, headers={"Accept": TURTLE}, timeout=10).text, format="turtle"
    )
    assert len(turtle) > 5
    g = rdflib.Graph().parse(iri, format="json-ld")  # rdflib fetches the document and its context
    assert isomorphic(g, turtle)
    doc = requests.get(iri, headers={"Accept": JSONLD}, timeout=10).json()
    nq = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    assert isomorphic(rdflib.Graph().parse(data=nq, format="nt"), turtle)
    dump = _nt(built)
    assert all(t in dump for t in turtle)


# --- dereferencing --------------------------------------------------------------------------


def _check_thing(
    session: requests.Session, base: str, path: str, iri: str, site_base: str | None = None
) -> None:
    """``base + path`` names a thing (whose IRI in the data is ``iri``): 303 to each
    description, which answers 200 with the thing's triples.  ``site_base`` is where the
    descriptions live (the w3id stand-in redirects to the site)."""
    site_base = site_base or base
    for accept, target, media in (
        (TURTLE, "/index.ttl", TURTLE),
        (JSONLD, "/index.jsonld", JSONLD),
        (BROWSER, "/", HTML),
    ):
        r = session.get(base + path, headers={"Accept": accept}, allow_redirects=False, timeout=10)
        assert r.status_code == 303, (path, accept, r.status_code)
        location = requests.compat.urljoin(base + path, r.headers["Location"])
        assert location == site_base + path + target, (path, accept)
        assert location != base + path
        assert "Accept" in r.headers.get("Vary", ""), path
        assert r.headers.get("Access-Control-Allow-Origin") == "*", path
        described = session.get(location, headers={"Accept": accept}, allow_redirects=False, timeout=10)
        assert described.status_code == 200, (location, described.status_code)
        assert described.headers["Content-Type"].split(";")[0] == media
        assert described.headers.get("Access-Control-Allow-Origin") == "*"
        if media == TURTLE:
            g = rdflib.Graph().parse(data=described.text, format="turtle")
            assert (rdflib.URIRef(iri), None, None) in g, (path, iri)


def _check_document(session: requests.Session, base: str, path: str) -> None:
    for accept, media in ((TURTLE, TURTLE), (JSONLD, JSONLD)):
        r = session.get(base + path, headers={"Accept": accept}, allow_redirects=False, timeout=10)
        assert r.status_code == 200, (path, accept, r.status_code)
        assert r.headers["Content-Type"].split(";")[0] == media
        assert "Accept" in r.headers.get("Vary", "")
        assert r.headers.get("Access-Control-Allow-Origin") == "*"
    r = session.get(base + path, headers={"Accept": BROWSER}, allow_redirects=False, timeout=10)
    if path:
        # the page lives at the folder URL, where its relative links work
        assert r.status_code == 301 and r.headers["Location"].endswith("/" + path + "/"), (
            path,
            r.status_code,
        )
    r = session.get(base + path + ("/" if path else ""), headers={"Accept": BROWSER}, timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(HTML)
    assert r.headers.get("Access-Control-Allow-Origin") == "*"


def _check_files(session: requests.Session, base: str) -> None:
    for path, media in (
        ("context.jsonld", JSONLD),
        ("dumps/unld.nt", "application/n-triples"),
        ("dumps/unld.ttl", TURTLE),
        ("sitemap.xml", "application/xml"),
    ):
        r = session.get(base + path, allow_redirects=False, timeout=10)
        assert r.status_code == 200, path
        assert r.headers["Content-Type"].split(";")[0] == media, path
        assert r.headers.get("Access-Control-Allow-Origin") == "*", path
    r = session.get(base + "no/such/thing/", timeout=10)
    assert r.status_code == 404


def _iri(data_base: str, path: str) -> str:
    """The IRI a page folder describes: under the build's base, except the phrase concepts,
    whose IRIs are fixed under https://w3id.org/unld/ whatever the base."""
    return ("https://w3id.org/unld/" if path.startswith("phrase/") else data_base) + path


def _dereference(base: str, site: Path, data_base: str) -> None:
    session = requests.Session()
    things = _things(site)
    kinds = {p.split("/")[0] for p in things}
    assert {"A", "body", "phrase", "dataset"} <= kinds, kinds
    for path in things:
        _check_thing(session, base, path, _iri(data_base, path))
    documents = [p for p in _page_folders(site) if p.startswith(DOCUMENT_PREFIXES)]
    assert RES_PATH in documents and "ontology" in documents
    for path in [*documents, ""]:
        _check_document(session, base, path)
    # folder URLs are descriptions: 200 in every format
    for path in things[:20]:
        r = session.get(base + path + "/", headers={"Accept": TURTLE}, allow_redirects=False, timeout=10)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith(TURTLE)
    _check_files(session, base)


def test_nginx_dereferences(built: Path, base: str) -> None:
    _dereference(base, built / "site", base)


def test_apache_dereferences(built: Path, base: str, apache_urls: tuple[str, str]) -> None:
    _dereference(apache_urls[0], built / "site", base)


def test_w3id_rules_redirect_to_the_site(built: Path, base: str, apache_urls: tuple[str, str]) -> None:
    """hosting/w3id/.htaccess, served by Apache as w3id.org serves it, in front of the site."""
    site_url, w3id = apache_urls
    session = requests.Session()
    things = _things(built / "site")
    for path in things[:: max(1, len(things) // 40)]:
        _check_thing(session, w3id, path, _iri(base, path), site_url)
    for path in (
        RES_PATH,
        "graph/A/RES/76/19",
        "ontology",
        "context.jsonld",
        "dumps/unld.nt",
        "",
        "session/",
    ):
        r = session.get(w3id + path, headers={"Accept": TURTLE}, allow_redirects=False, timeout=10)
        assert r.status_code == 302, (path, r.status_code)
        assert r.headers["Location"] == site_url + path
        assert r.headers.get("Access-Control-Allow-Origin") == "*"
    r = session.get(w3id + RES_PATH, headers={"Accept": TURTLE}, timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(TURTLE)
    r = session.get(w3id + RES_PATH, headers={"Accept": BROWSER}, timeout=10)
    assert r.status_code == 200 and r.url == site_url + RES_PATH + "/"


# --- one triple count ------------------------------------------------------------------------


def test_one_triple_count(built: Path, base: str, tmp_path: Path) -> None:
    """The build's summary, the VoID description and the home page give the same number of
    triples: the distinct triples of the union as published, the description included (the
    lines of ``unld.nt``)."""
    from unld.build.pipeline import build

    void = rdflib.Graph().parse(built / "void.ttl", format="turtle")
    counted = int(
        void.value(rdflib.URIRef(base + "dataset"), rdflib.URIRef("http://rdfs.org/ns/void#triples"))
    )
    nt = _nt(built)
    assert counted == len(nt)
    home = (built / "site" / "index.html").read_text(encoding="utf-8")
    assert f'<span class="n">{counted}</span> <span class="what">Triples</span>' in home
    src = tmp_path / "src"
    src.mkdir()
    (src / SOURCES[0]).write_bytes((CORPUS / SOURCES[0]).read_bytes())
    again = build([str(src)], tmp_path / "one-count", base, jobs=1, site=False)
    void2 = rdflib.Graph().parse(tmp_path / "one-count" / "void.ttl", format="turtle")
    assert again.triples == int(
        void2.value(rdflib.URIRef(base + "dataset"), rdflib.URIRef("http://rdfs.org/ns/void#triples"))
    )
