"""The site on inputs the General Assembly corpus does not cover: the Security Council's
resolutions (copies of real Council texts, tests/data/sc/), an unannotated Assembly
resolution of session 78, another base IRI than the default, and hostile build folders.

Each test here failed before the behaviour it checks was fixed; the link checker reads
every generated page from disk, as a static host would serve it under the base's path.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote_plus, unquote, urldefrag, urljoin, urlsplit

import pytest
from click.testing import CliRunner

from tests.browser import Browser
from tests.conftest import CORPUS, ROOT
from tests.test_site_organs import _sections
from unld.cli import main
from unld.publishing.site import SiteReport, generate, load_quads
from unld.publishing.site.paths import is_safe_path, page_path

BASE = "https://data.example.org/un/"
MOUNT = "/un/"  # the path the site is served at, the base's
UNLD = "https://w3id.org/unld/ontology#"
SC = ROOT / "tests" / "data" / "sc" / "corpus"
WILD = ROOT / "tests" / "data" / "wild78"
#: Assembly resolutions beside the Council's (A/RES/76/19, the bundled example, left out)
ASSEMBLY = [CORPUS / "A_RES_73_3.txt", CORPUS / "A_RES_78_220.txt", WILD / "A_RES_78_40.txt"]


@pytest.fixture(scope="module")
def unseen(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SiteReport]:
    """The 41 Council resolutions and three Assembly ones built under another base, and
    the report of the site written from the build."""
    from unld.build.pipeline import build

    src = tmp_path_factory.mktemp("unseen-src")
    for path in [*sorted(SC.glob("S_RES_*.txt")), *ASSEMBLY]:
        shutil.copy(path, src / path.name)
    out = tmp_path_factory.mktemp("unseen-build")
    result = build([str(src)], out, BASE, jobs=2, site=False)
    assert not result.skipped
    report = generate(out / "unld.nq", out / "site", BASE, out, jobs=2)
    return out, report


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for name in ("href", "src", "action"):
            if a.get(name):
                self.links.append(a[name] or "")
        if a.get("id"):
            self.ids.add(a["id"] or "")


def _read(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def _listing(site: Path, path: str) -> dict[str, list[tuple[str, str]]]:
    return _sections((site / path / "index.html").read_text(encoding="utf-8"))


# --- every IRI a page, every link a file -----------------------------------------------------


def test_every_iri_of_the_build_gets_a_page(unseen: tuple[Path, SiteReport]) -> None:
    """No IRI of a real build is refused: the ontology's version IRI has its page whatever
    the base, and a working group with a long name (a 233-byte slug, A/RES/78/40) too."""
    out, report = unseen
    assert report.skipped == []
    site = out / "site"
    assert (site / "ontology" / "0.1.0" / "index.html").is_file()
    long_names = [p for p in (site / "body").iterdir() if len(p.name.encode()) > 200]
    assert long_names and all((p / "index.html").is_file() for p in long_names)


def test_every_internal_link_resolves(unseen: tuple[Path, SiteReport]) -> None:
    """Every href/src of every page (the 404 page's links from the base's path included)
    points to a file, or a folder with index.html, and every fragment to an id there."""
    site = unseen[0] / "site"
    pages = {p: _read(p) for p in sorted(site.rglob("*.html")) if "pagefind" not in p.parts}
    broken: list[tuple[str, str]] = []
    checked = fragments = 0
    for path, page in pages.items():
        for link in page.links:
            if link.startswith(BASE):
                broken.append((str(path.relative_to(site)), link))  # a page would link to it
                continue
            if link.startswith("/"):
                if not link.startswith(MOUNT):
                    broken.append((str(path.relative_to(site)), link))
                    continue
                link = site.as_uri() + "/" + link[len(MOUNT) :]
            elif urlsplit(link).scheme or link.startswith("//"):
                continue  # another site's IRI
            target, frag = urldefrag(urljoin(path.as_uri(), link))
            file = Path(unquote(urlsplit(target).path))
            if file.is_dir():
                file = file / "index.html"
            checked += 1
            if not file.is_file() or site.resolve() not in file.resolve().parents:
                broken.append((str(path.relative_to(site)), link))
            elif frag and file.suffix == ".html":
                fragments += 1
                ids = pages[file].ids if file in pages else _read(file).ids
                if unquote(frag) not in ids:
                    broken.append((str(path.relative_to(site)), link))
    assert broken == []
    assert len(pages) > 800 and checked > 30_000 and fragments > 5_000


def test_the_not_found_page_links_from_the_base_path(unseen: tuple[Path, SiteReport]) -> None:
    page = _read(unseen[0] / "site" / "404.html")
    rooted = [link for link in page.links if link.startswith("/")]
    assert rooted and all(link.startswith(MOUNT) for link in rooted)
    assert f"{MOUNT}static/style.css" in rooted


# --- the dataset's description ---------------------------------------------------------------


def test_void_example_is_a_resolution_of_the_build(unseen: tuple[Path, SiteReport]) -> None:
    """The VoID example resource is one the build holds (it was A/RES/76/19 whatever was
    built, a page with no data here)."""
    out = unseen[0]
    quads = load_quads(out)
    published = {q.object.value for q in quads if q.predicate.value == UNLD + "describes"}
    examples = [
        q.object.value for q in quads if q.predicate.value == "http://rdfs.org/ns/void#exampleResource"
    ]
    assert len(examples) == 1 and examples[0] in published
    assert not (out / "site" / "doc" / "A" / "RES" / "76" / "19").exists()
    path = page_path(examples[0], BASE)
    assert path
    assert "unld:symbol" in (out / "site" / path / "index.ttl").read_text(encoding="utf-8")


def test_home_page_does_not_say_general_assembly_only(unseen: tuple[Path, SiteReport]) -> None:
    home = (unseen[0] / "site" / "index.html").read_text(encoding="utf-8")
    assert "<h1>United Nations resolutions as linked data</h1>" in home
    assert "General Assembly resolutions as linked data" not in home


# --- listings --------------------------------------------------------------------------------


def test_every_listing_shows_a_council_resolutions_subject(unseen: tuple[Path, SiteReport]) -> None:
    """Beside a Council resolution's symbol, every listing shows what the listing by organ
    shows (the mandate it decides on), not only its date."""
    site = unseen[0] / "site"
    by_organ = dict(_listing(site, "browse/organ")["Security Council"])
    assert (
        by_organ["S/RES/186 (1964)"]
        == "Establishes the mandate of United Nations Peacekeeping Force in Cyprus"
    )
    seen = 0
    for path in ("browse/year", "doc", "browse/body"):
        for items in _listing(site, path).values():
            for symbol, detail in items:
                if symbol in by_organ:
                    assert detail == by_organ[symbol], (path, symbol)
                    seen += 1
    assert seen >= 2 * len(by_organ)
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Extends the mandate of" in home  # the latest resolutions are the Council's


def test_committee_listing_holds_the_assembly_resolutions_only(unseen: tuple[Path, SiteReport]) -> None:
    """Main Committees are the Assembly's: a Council resolution is not "without reference
    to a Main Committee"."""
    sections = _listing(unseen[0] / "site", "browse/committee")
    symbols = [s for items in sections.values() for s, _ in items]
    assert sorted(symbols) == ["A/RES/73/3", "A/RES/78/220", "A/RES/78/40"]


def test_bodies_are_named_by_their_preferred_label(unseen: tuple[Path, SiteReport]) -> None:
    """Three panels of experts whose resolutions print "Panel of Experts" are told apart by
    the registry's names (``_sections`` refuses two sections of the same name)."""
    site = unseen[0] / "site"
    titles = set(_listing(site, "browse/body"))
    assert {
        "Panel of Experts on Libya",
        "Panel of Experts on the Sudan",
        "Panel of Experts on Al-Shabaab",
    } <= titles
    by_organ = dict(_listing(site, "browse/organ")["Security Council"])
    assert by_organ["S/RES/2769 (2025)"] == "Extends the mandate of Panel of Experts on Libya"


# --- a Council meeting -----------------------------------------------------------------------


def test_council_meeting_is_reached_from_its_organ(unseen: tuple[Path, SiteReport]) -> None:
    """A Council meeting has no session: its breadcrumbs go through the Council, not the
    listing of the Assembly's sessions."""
    html = (unseen[0] / "site" / "S" / "meeting" / "9836" / "index.html").read_text(encoding="utf-8")
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S)
    assert crumbs
    labels = re.findall(r"<li>(?:<a [^>]*>|<span [^>]*>)([^<]+)<", crumbs.group(0))
    assert labels == ["Home", "Bodies", "Security Council", "Security Council meeting 9836"]
    assert "S/RES/2768 (2025)" in html


# --- hostile build folders -------------------------------------------------------------------


def _copy_build(out: Path, to: Path) -> Path:
    """A copy of a build folder (its links into its generation kept), to spoil."""
    shutil.copytree(out, to, symlinks=True)
    return to


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_site_refuses_an_unld_nq_cut_at_a_line_end(unseen: tuple[Path, SiteReport], tmp_path: Path) -> None:
    """A file cut short at the end of a line is still N-Quads: the build's SHA256SUMS tells
    it from the real one; exit 2, a message naming the file, the previous site whole."""
    folder = _copy_build(unseen[0], tmp_path / "build")
    before = _files(folder / "site")
    lines = (folder / "unld.nq").read_bytes().splitlines(keepends=True)
    (folder / "unld.nq").write_bytes(b"".join(lines[: len(lines) // 3]))
    result = CliRunner().invoke(main, ["site", "--from", str(folder)])
    assert result.exit_code == 2, result.output
    assert f"{folder / 'unld.nq'}: its SHA-256 is not the one SHA256SUMS gives" in result.output
    assert "Traceback" not in result.output
    assert _files(folder / "site") == before
    # cut inside a line: the parser names the line
    (folder / "unld.nq").write_bytes(b"".join(lines[:100]) + lines[100][:30])
    result = CliRunner().invoke(main, ["site", "--from", str(folder)])
    assert result.exit_code == 2 and "line 101" in result.output and "Traceback" not in result.output
    assert _files(folder / "site") == before


@pytest.mark.parametrize("path", ["doc/%C0%AE%C0%AE/x", "doc/%FF", "doc/a%E2%80"])
def test_escapes_that_are_not_utf8_are_not_safe(path: str) -> None:
    assert not is_safe_path(path)
    assert page_path(BASE + path, BASE) is None


def test_site_skips_iris_with_escapes_that_are_not_utf8(
    unseen: tuple[Path, SiteReport], tmp_path: Path
) -> None:
    """An IRI whose escapes decode to no UTF-8 (an overlong '.', ``%C0%AE``) gets no page
    and is counted; the rest of the site is written (it was a traceback)."""
    folder = tmp_path / "hostile"
    folder.mkdir()
    nq = (unseen[0] / "unld.nq").read_bytes()
    evil = [
        f"<{BASE}doc/%C0%AE%C0%AE/%C0%AE%C0%AE/escaped> <http://www.w3.org/2000/01/rdf-schema#label> "
        f'"overlong" <{BASE}graph/evil> .\n',
        f'<{BASE}doc/%FF> <http://www.w3.org/2000/01/rdf-schema#label> "latin-1" <{BASE}graph/evil> .\n',
    ]
    (folder / "unld.nq").write_bytes(nq + "".join(evil).encode())
    result = CliRunner().invoke(main, ["site", "--from", str(folder)])
    assert result.exit_code == 0, result.output
    assert "2 IRI(s) without a safe path" in result.output
    written = Counter(p.suffix for p in (folder / "site").rglob("index.*"))
    assert written[".html"] > 800
    assert not list(tmp_path.rglob("escaped"))


# --- served under the base's path by a plain static server, read in a browser ----------------


@contextmanager
def _plain_nginx(site: Path, prefix: Path, port: int) -> Iterator[str]:
    """nginx as a plain static host (no configuration of ours): the site at the base's path
    (``/un/``), its 404 page for what is missing; yields the host's URL."""
    from tests.webservers import nginx

    (prefix / "root").mkdir()
    (prefix / "root" / MOUNT.strip("/")).symlink_to(site, target_is_directory=True)
    types = """types {
        text/html html; text/css css; text/javascript js; application/wasm wasm;
        application/json json; text/turtle ttl; application/ld+json jsonld;
    }"""
    server = f"root {prefix}/root; index index.html; error_page 404 {MOUNT}404.html;"
    with nginx(prefix / "root", prefix, port, server=server, http=types) as url:
        yield url


@pytest.fixture(scope="module")
def hosted(unseen: tuple[Path, SiteReport], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from tests.webservers import free_port

    with _plain_nginx(unseen[0] / "site", tmp_path_factory.mktemp("plain-nginx"), free_port()) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    b = Browser()
    yield b
    b.close()


HITS = "[...document.querySelectorAll('#results a.hit')].map(a => a.getAttribute('href'))"


def test_search_by_organ_under_another_base(hosted: str, browser: Browser) -> None:
    """Under /un/, a search by organ lists every Council resolution, each hit a page that
    loads; the committee filter offers the Assembly's resolutions only."""
    browser.navigate(f"{hosted}{MOUNT}search/?organ={quote_plus('Security Council')}")
    hits = browser.wait_for(f"document.querySelectorAll('#results a.hit').length && {HITS}")
    assert len(hits) == len(list(SC.glob("S_RES_*.txt")))
    assert all(h.startswith(f"{MOUNT}doc/S/RES/") for h in hits)
    statuses = browser.evaluate(f"Promise.all({json.dumps(hits)}.map(h => fetch(h).then(r => r.status)))")
    assert set(statuses) == {200}
    committees = browser.evaluate("[...document.getElementById('f-committee').options].map(o => o.text)")
    assert sum(int(re.search(r"\((\d+)\)$", o).group(1)) for o in committees[1:]) == len(ASSEMBLY)  # type: ignore[union-attr]


def test_text_search_lands_on_a_council_paragraph(hosted: str, browser: Browser) -> None:
    browser.navigate(f"{hosted}{MOUNT}search/?q={quote_plus('release the M/V Galaxy Leader and its crew')}")
    hits = browser.wait_for(f"document.querySelectorAll('#results a.hit').length && {HITS}")
    assert hits[0] == f"{MOUNT}doc/S/RES/2768(2025)/#op2"
    browser.navigate(hosted + hits[0])
    assert browser.evaluate("document.getElementById('op2').textContent").find("Galaxy Leader") >= 0


def test_not_found_page_is_styled_and_leads_home(hosted: str, browser: Browser) -> None:
    browser.navigate(f"{hosted}{MOUNT}doc/S/RES/1(1946)/")
    assert browser.evaluate("document.querySelector('h1').textContent") == "Not found"
    # the stylesheet loaded (a rule of it applies) and every link stays under the base's path
    assert browser.evaluate("document.styleSheets.length && document.styleSheets[0].cssRules.length") > 0
    links = browser.evaluate("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    rooted = [link for link in links if link.startswith("/")]
    assert rooted and all(link.startswith(MOUNT) for link in rooted)
    statuses = browser.evaluate(f"Promise.all({json.dumps(rooted)}.map(h => fetch(h).then(r => r.status)))")
    assert set(statuses) == {200}


def test_documents_known_by_their_iri_alone_are_named_by_their_symbol(
    unseen: tuple[Path, SiteReport],
) -> None:
    """The body registry cites Council resolutions nothing else describes: they are listed
    by symbol (``S/RES/1279 (1999)``), not by site path (``doc/S/RES/1279(1999)``)."""
    sections = _listing(unseen[0] / "site", "doc")
    labels = [s for items in sections.values() for s, _ in items]
    assert not [s for s in labels if s.startswith("doc/")]
    assert "S/RES/1279 (1999)" in [s for s, _ in sections["Other"]]


def test_site_never_replaces_a_folder_that_is_not_a_site(
    unseen: tuple[Path, SiteReport], tmp_path: Path
) -> None:
    """The site replaces its output folder as a whole: ``--out`` given the build's folder
    (or a folder holding it, or any folder with other files) is refused with exit 2 and
    nothing is deleted (the build folder was replaced by the site, its dumps and
    generations gone); a site's own folder is written again."""
    folder = _copy_build(unseen[0], tmp_path / "build")
    before = _files(folder)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    for out, says in (
        (folder, "holds the build folder"),
        (tmp_path, "holds the build folder"),
        (mine, "not empty and not a site written by unld"),
        (folder / "unld.nq", "not a folder"),
    ):
        result = CliRunner().invoke(main, ["site", "--from", str(folder), "--out", str(out)])
        assert result.exit_code == 2 and says in result.output and "Traceback" not in result.output
    assert _files(folder) == before
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "mine"
    site = tmp_path / "site"
    for _ in range(2):  # a new folder, then the site now in it
        result = CliRunner().invoke(main, ["site", "--from", str(folder), "--out", str(site)])
        assert result.exit_code == 0, result.output
    assert "carried over" in result.output


def test_site_refuses_a_base_no_document_is_under(unseen: tuple[Path, SiteReport], tmp_path: Path) -> None:
    """``--base-iri`` other than the build's (here the default) left every page of the
    data out and wrote a near-empty site with exit 0; it is a usage error."""
    result = CliRunner().invoke(
        main,
        [
            "site",
            "--from",
            str(unseen[0]),
            "--out",
            str(tmp_path / "site"),
            "--base-iri",
            "https://w3id.org/unld/",
        ],
    )
    assert result.exit_code == 2, result.output
    assert f"no document of {unseen[0] / 'unld.nq'} is under it (the build's base is {BASE})" in result.output
    assert not (tmp_path / "site").exists()


def test_council_resolution_is_headed_as_printed(unseen: tuple[Path, SiteReport]) -> None:
    """A Council resolution has no title: its heading is "Resolution 2768 (2025)", as the
    Council prints it (it was the number and then the symbol, "2768 (2025). S/RES/2768
    (2025)"); an Assembly resolution keeps its number and title."""
    site = unseen[0] / "site"
    council = (site / "doc" / "S" / "RES" / "2768(2025)" / "index.html").read_text(encoding="utf-8")
    assert '<h1 id="title">Resolution 2768 (2025)</h1>' in council
    assembly = (site / "doc" / "A" / "RES" / "73" / "3" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<h1 id="title"><span class="resnum">73/3\.</span> Political declaration', assembly)


@pytest.mark.parametrize("width,height,name", [(1440, 1000, "desktop"), (390, 844, "phone")])
def test_council_pages_use_the_screen_and_break_no_word(
    unseen: tuple[Path, SiteReport], hosted: str, browser: Browser, width: int, height: int, name: str
) -> None:
    """The pages the Assembly's corpus does not have: a Council resolution and meeting, the
    body with the longest name (a 233-byte IRI), the listings by organ and by body."""
    from tests.test_site_browse import CUT_WORDS

    longest = max((p.name for p in (unseen[0] / "site" / "body").iterdir() if p.is_dir()), key=len)
    browser.size(width, height, mobile=name == "phone")
    for path in (
        "doc/S/RES/2768(2025)/",
        "doc/S/RES/2769(2025)/",
        "S/meeting/9836/",
        f"body/{longest}/",
        "browse/organ/",
        "browse/body/",
    ):
        browser.navigate(hosted + MOUNT + path)
        assert browser.evaluate("document.querySelector('h1').textContent"), path
        assert browser.evaluate("document.documentElement.scrollWidth") <= width, path
        assert browser.evaluate(CUT_WORDS) == [], path


@pytest.mark.parametrize(
    "path",
    ["doc/S/RES/2768(2025)/", "S/meeting/9836/", "body/security-council/", "browse/committee/", "404.html"],
)
def test_council_pages_have_no_serious_accessibility_finding(
    hosted: str, browser: Browser, path: str
) -> None:
    browser.size(1280, 900)
    browser.navigate(hosted + MOUNT + path)
    found = browser.axe()
    serious = [v for v in found if v["impact"] in ("serious", "critical")]
    assert serious == [], serious


def test_site_refuses_an_empty_unld_nq(tmp_path: Path) -> None:
    """An empty file is N-Quads without a quad: it was a traceback; the site of nothing
    would replace the one in place."""
    (tmp_path / "unld.nq").write_bytes(b"")
    result = CliRunner().invoke(main, ["site", "--from", str(tmp_path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"{tmp_path / 'unld.nq'}: holds no quads" in result.output
    assert not (tmp_path / "site").exists()


def test_generate_writes_the_frame_of_a_dataset_without_quads(tmp_path: Path) -> None:
    report = generate([], tmp_path / "site", BASE)
    assert report.resolutions == 0 and (tmp_path / "site" / "index.html").is_file()


def test_iris_naming_one_folder_get_one_page(unseen: tuple[Path, SiteReport], tmp_path: Path) -> None:
    """``doc/X/1`` and ``doc/%58/1`` (or ``%c3%a9`` and ``%C3%A9``) are one folder on disk:
    the first by IRI gets the page, the other is counted; two pages in one folder
    overwrote each other, the winner depending on the processes."""
    folder = tmp_path / "collide"
    folder.mkdir()
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    lines = [
        f'<{BASE}doc/X/1> {label} "plain" <{BASE}graph/c> .\n',
        f'<{BASE}doc/%58/1> {label} "encoded" <{BASE}graph/c> .\n',
        f'<{BASE}doc/%c3%a9> {label} "lower" <{BASE}graph/c> .\n',
        f'<{BASE}doc/%C3%A9> {label} "upper" <{BASE}graph/c> .\n',
    ]
    (folder / "unld.nq").write_bytes((unseen[0] / "unld.nq").read_bytes() + "".join(lines).encode())
    result = CliRunner().invoke(main, ["site", "--from", str(folder)])
    assert result.exit_code == 0, result.output
    assert "2 IRI(s) without a safe path" in result.output
    site = folder / "site" / "doc"
    assert f"<{BASE}doc/%58/1>" in (site / "X" / "1" / "index.ttl").read_text(encoding="utf-8")
    assert '"plain"' not in (site / "X" / "1" / "index.ttl").read_text(encoding="utf-8")
    assert '"lower"' not in (site / "é" / "index.ttl").read_text(encoding="utf-8")
