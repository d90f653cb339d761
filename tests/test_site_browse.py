"""Finding and reading resolutions on the site: search, browse, filter, the pages that lead
with what matters, checked in Debian's headless Chromium over nginx.

The search index is Pagefind's, built by ``unld site``; the accessibility checks are
axe-core's (npm, ``tests/js``), injected into the page.  Screenshots at desktop and phone
width are written to the test's folder (``UNLD_SHOTS`` keeps them elsewhere).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path
from urllib.parse import quote_plus

import pyoxigraph as ox
import pytest

from tests.browser import Browser
from tests.test_site import BASE, RES, RES_PATH, built, quads, server, site  # noqa: F401  (fixtures)

UNLD = "https://w3id.org/unld/ontology#"
HITS = "[...document.querySelectorAll('#results a.hit')].map(a => a.getAttribute('href'))"


@pytest.fixture(scope="module")
def browser():
    b = Browser()
    yield b
    b.close()


def _value(quads: list[ox.Quad], s: str, p: str) -> str | None:  # noqa: F811
    for q in quads:
        if q.subject.value == s and q.predicate.value == UNLD + p:
            return q.object.value
    return None


def _page(site: Path, path: str) -> str:  # noqa: F811
    return (site / path / "index.html").read_text(encoding="utf-8")


# --- without a browser: what the pages and listings say --------------------------------------


def _index_filters(site: Path, index: Path | None = None) -> dict[str, dict[str, int]]:  # noqa: F811
    """The search index's filters (of ``index``, default the site's first), decoded from its
    files: name -> value -> pages."""
    import gzip

    import cbor2

    def read(path: Path) -> list:
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        return cbor2.loads(data[len(b"pagefind_dcd") :])

    index = index or site / "pagefind"
    entry = json.loads((index / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta = read(index / f"pagefind.{entry['languages']['en']['hash']}.pf_meta")
    out = {}
    for name, file in meta[3]:
        name_again, values = read(index / "filter" / f"{file}.pf_filter")
        assert name_again == name
        out[name] = {value: len(pages) for value, pages in values}
    return out


def test_search_index_holds_every_resolution_with_its_filters(site: Path, quads: list[ox.Quad]) -> None:  # noqa: F811
    """Every resolution published here, and nothing else, is in the index, filed by organ,
    session, year, committee and agenda item; the indexer's working copies are gone."""
    published = _published(quads)
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["en"]["page_count"] == len(published)
    filters = _index_filters(site)
    assert set(filters) == {"organ", "session", "year", "committee", "agenda"}
    assert sum(filters["committee"].values()) == len(published)
    adopted = {
        (q.subject.value, q.object.value[:4])
        for q in quads
        if q.predicate.value == UNLD + "adoptedOn" and q.subject.value in published
    }
    assert filters["year"] == dict(Counter(year for _, year in adopted))
    assert filters["organ"] == {"General Assembly": len(published)}
    # the slim copies the index was made of: one per resolution, kept for the next generation
    slim = site / ".unld-site" / "search"
    assert len(list(slim.rglob("index.html"))) == len(published)
    # in the one shard of this corpus's years (it has fewer resolutions than a shard holds)
    (shard,) = (p.name for p in slim.iterdir() if p.is_dir())
    assert (slim / shard / RES_PATH.strip("/") / "index.html").is_file()


def test_void_is_kept_out_of_what_links_here(site: Path) -> None:  # noqa: F811
    """The dataset's VoID description names an example resource: that is no link to read."""
    page = _page(site, "doc/A/RES/76/19")
    assert "Example resource" not in page
    related = page[page.index('id="related-h"') :]
    assert "/dataset" not in re.sub(r'href="[^"]*dumps/[^"]*"', "", related)


def test_session_page_leads_with_its_resolutions(site: Path) -> None:  # noqa: F811
    page = _page(site, "A/session/76")
    assert page.index("Resolutions of this session") < page.index("All properties")
    assert re.search(r"<details class=\"props-box\">\s*<summary>All properties", page)  # collapsed


def _published(quads: list[ox.Quad]) -> set[str]:  # noqa: F811
    """Resolutions built here: those a named graph describes."""
    typed = {q.subject.value for q in quads if q.object.value == UNLD + "Resolution"}
    return {q.object.value for q in quads if q.predicate.value == UNLD + "describes"} & typed


def test_listing_by_year_counts_every_resolution(site: Path, quads: list[ox.Quad]) -> None:  # noqa: F811
    published = _published(quads)
    adopted = {
        (q.subject.value, q.object.value[:4])
        for q in quads
        if q.predicate.value == UNLD + "adoptedOn" and q.subject.value in published
    }
    years = Counter(year for _, year in adopted)
    assert sum(years.values()) == len(published)
    page = _page(site, "browse/year")
    shown = dict(re.findall(r'<h2 id="s\d+">(\d{4}) <span class="count">\((\d+)\)</span>', page))
    assert {y: int(n) for y, n in shown.items()} == dict(years)
    assert list(shown) == sorted(shown, reverse=True)
    # the title beside the symbol
    assert re.search(r'>A/RES/76/19</a> <span class="detail">Developments in the field', page)


def test_phrase_listing_counts_every_phrase(site: Path) -> None:  # noqa: F811
    page = _page(site, "phrase")
    page = page[page.index('<section class="listing"') :]
    items = re.findall(r"<li><a [^>]*>[^<]+</a>( <span class=\"detail\">\d+ paragraphs?</span>)?</li>", page)
    assert items and all(items)


def test_resolution_has_cite_box_downloads_and_citation_graph(site: Path, quads) -> None:  # noqa: F811
    page = _page(site, "doc/A/RES/76/19")
    cite = re.search(r'<p class="cite-text"><code>(.*?)</code></p>', page).group(1)
    assert cite.startswith("A/RES/76/19, Developments in the field of information")
    assert "adopted 6 December 2021" in cite and cite.endswith(". " + RES)
    assert 'href="index.ttl" type="text/turtle" download' in page
    svg = re.search(r"<svg class=\"citegraph\".*?</svg>", page, re.S).group(0)
    eli_cites = "http://data.europa.eu/eli/ontology#cites"
    cited = {q.object.value for q in quads if q.subject.value == RES and q.predicate.value == eli_cites}
    citing = {
        q.subject.value.partition("#")[0]
        for q in quads
        if q.object.value == RES and q.predicate.value == eli_cites and not q.subject.value.startswith(RES)
    }
    assert f"Cites ({len(cited)})" in svg and f"Cited by ({len(citing)})" in svg
    assert svg.count("<a href=") == min(len(cited), 12) + min(len(citing), 12)
    if len(cited) > 12:
        assert f"and {len(cited) - 12} more" in svg


def test_body_page_has_its_mandate_timeline(site: Path) -> None:  # noqa: F811
    page = _page(site, "body/oewg-ict-2021-2025")
    assert page.index('id="timeline-h"') < page.index('id="what-links-here"') < page.index("All properties")
    assert re.search(r'<span class="years">2021–2025</span> <a [^>]*>Mandate of', page)
    assert re.search(r"established by <a [^>]*>A/RES/75/240</a>", page)


# --- in a real browser -----------------------------------------------------------------------


def test_search_a_paragraph_phrase_lands_on_its_anchor(server: str, browser: Browser, quads) -> None:  # noqa: F811
    """A phrase from the middle of a corpus paragraph: the hit for its resolution links to
    that paragraph, and following the link shows it as the target."""
    text = _value(quads, RES + "#pp6", "text")
    assert text
    phrase = " ".join(text.split()[3:8])
    browser.navigate(f"{server}/search/?q={quote_plus(phrase)}")
    hits = browser.wait_for(f"document.querySelectorAll('#results a.hit').length && {HITS}")
    mine = [h for h in hits if h.startswith(RES_PATH)]
    assert mine == [RES_PATH + "#pp6"], hits
    assert browser.evaluate("document.getElementById('q').value") == phrase
    browser.navigate(server + mine[0])
    target = browser.evaluate(
        "(() => { const t = document.querySelector(':target'); return t && [t.id, t.textContent]; })()"
    )
    assert target[0] == "pp6" and " ".join(phrase.split()) in " ".join(target[1].split())


def test_filter_by_committee_and_year(server: str, browser: Browser, quads) -> None:  # noqa: F811
    by = {}
    for q in quads:
        if q.predicate.value == UNLD + "recommendedBy":
            by.setdefault(q.subject.value, {})["committee"] = q.object.value
        if q.predicate.value == UNLD + "adoptedOn":
            by.setdefault(q.subject.value, {})["year"] = q.object.value[:4]
    labels = {
        q.subject.value: q.object.value
        for q in quads
        if q.predicate.value.endswith(("rdf-schema#label", "core#prefLabel"))
        and getattr(q.object, "language", None) in (None, "", "en")
    }
    pairs = Counter(
        (labels[v["committee"]], v["year"]) for v in by.values() if "committee" in v and "year" in v
    )
    (committee, year), n = sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    expected = sorted(
        r[len(BASE) - 1 :] + "/"
        for r, v in by.items()
        if "committee" in v and labels[v["committee"]] == committee and v.get("year") == year
    )
    browser.navigate(f"{server}/search/?committee={quote_plus(committee)}&year={year}")
    hits = browser.wait_for(f"document.querySelectorAll('#results a.hit').length && {HITS}")
    assert sorted(hits) == expected and len(hits) == n
    assert browser.evaluate("document.getElementById('f-committee').value") == committee
    assert browser.evaluate("document.getElementById('f-year').value") == year
    # the other filter values are offered with their counts
    options = browser.evaluate("[...document.getElementById('f-year').options].map(o => o.text)")
    assert options[0] == "Any" and all(re.fullmatch(r"\d{4} \(\d+\)", o) for o in options[1:])


def test_open_a_bodys_mandate_timeline(server: str, browser: Browser) -> None:  # noqa: F811
    browser.size(1280, 900)
    browser.navigate(server + "/body/")
    href = browser.evaluate(
        "[...document.querySelectorAll('main a')]"
        ".find(a => a.textContent.includes('2021–2025')).getAttribute('href')"
    )
    browser.navigate(server + "/body/" + href)
    bars = browser.evaluate(
        "[...document.querySelectorAll('.timeline .bar')]"
        ".map(b => [b.getBoundingClientRect().width, b.parentElement.getBoundingClientRect().width])"
    )
    assert bars and all(0 < w <= track for w, track in bars)
    text = browser.evaluate("document.querySelector('.timeline').innerText")
    assert "2021–2025" in text and "A/RES/75/240" in text


PAGES = [
    "/",
    RES_PATH,
    "/A/session/76/",
    "/body/oewg-ict-2021-2025/",
    "/browse/year/",
    "/phrase/",
    "/search/?q=information",
]


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_finding(server: str, browser: Browser, path: str) -> None:  # noqa: F811
    browser.size(1280, 900)
    browser.navigate(server + path)
    if path.startswith("/search/"):
        browser.wait_for("document.querySelectorAll('#results a.hit').length")
    found = browser.axe()
    serious = [v for v in found if v["impact"] in ("serious", "critical")]
    assert serious == [], serious


#: Words of the page's rendered text that the layout cuts across two lines.  IRIs,
#: symbols and numbers (anything with ``/``, ``#``, ``:``, ``_``, ``.``, ``@``, ``=``) may
#: break anywhere, by design; a break at a hyphen is not a cut.
CUT_WORDS = r"""
(() => {
  const cut = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || el.closest('script, style, svg, pre, code, .iri, [hidden]')) continue;
    const words = /[^\s\-\u2013\u2014]+/g;
    let m;
    while ((m = words.exec(node.data))) {
      const word = m[0];
      if (word.length < 2 || /[\/#:_.@=&?]/.test(word)) continue;
      range.setStart(node, m.index);
      range.setEnd(node, m.index + word.length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (lines.size > 1) cut.push(word);
    }
  }
  return cut.slice(0, 20);
})()
"""

#: Characters per line of the first paragraphs of a resolution's text: length over lines.
MEASURE = r"""
[...document.querySelectorAll('.text p')].slice(0, 8).map(p => {
  const lh = parseFloat(getComputedStyle(p).lineHeight) || 1.5 * parseFloat(getComputedStyle(p).fontSize);
  const lines = Math.max(1, Math.round(p.getBoundingClientRect().height / lh));
  return [p.textContent.trim().length, lines];
}).filter(([n, lines]) => lines >= 3).map(([n, lines]) => n / lines)
"""


@pytest.mark.parametrize("width,height,name", [(1440, 1000, "desktop"), (390, 844, "phone")])
def test_screenshots_use_the_screen_and_break_no_word(
    server: str,  # noqa: F811
    browser: Browser,
    tmp_path: Path,
    width: int,
    height: int,
    name: str,
) -> None:
    shots = Path(os.environ.get("UNLD_SHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    browser.size(width, height, mobile=name == "phone")
    paths = (
        "/",
        RES_PATH,
        "/A/session/76/",
        "/body/oewg-ict-2021-2025/",
        "/browse/organ/",
        "/search/?q=information",
    )
    for path in paths:
        browser.navigate(server + path)
        if path.startswith("/search/"):
            browser.wait_for("document.querySelectorAll('#results a.hit').length")
        # nothing wider than the screen: no horizontal scrolling
        inner = browser.evaluate("window.innerWidth")
        assert inner == width
        assert browser.evaluate("document.documentElement.scrollWidth") <= inner, path
        # no word cut across two lines (IRIs and symbols may break anywhere)
        assert browser.evaluate(CUT_WORDS) == [], path
        slug = path.strip("/").split("?")[0].replace("/", "_") or "home"
        shot = browser.screenshot(shots / f"{slug}-{name}.png")
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    browser.navigate(server + "/A/session/76/")
    browser.evaluate("document.querySelector('details.props-box').open = true")
    # a property name (a CURIE) is never cut inside a word: each fits on its line
    cut = browser.evaluate(
        "[...document.querySelectorAll('table.props th[scope=row] a')]"
        ".filter(a => a.getClientRects().length > 1).map(a => a.textContent)"
    )
    assert cut == []
    assert browser.evaluate(CUT_WORDS) == []
    browser.navigate(server + RES_PATH)
    aside, article = browser.evaluate(
        "[document.querySelector('aside.related'), document.querySelector('article.resolution')]"
        ".map(e => e.getBoundingClientRect().left)"
    )
    # readable lines: about 45 to 90 characters on a desktop, at least 25 on a phone
    measure = browser.evaluate(MEASURE)
    assert measure, "no paragraph of three lines or more"
    if name == "desktop":  # the related documents beside the text on a wide screen
        assert aside > article + 500
        assert (
            browser.evaluate("document.querySelector('.text p').getBoundingClientRect().width") <= 46 * 17 + 1
        )
        assert all(45 <= m <= 95 for m in measure), measure
    else:
        assert aside == article
        assert all(25 <= m <= 60 for m in measure), measure


# --- a search index in shards ----------------------------------------------------------------

#: Resolutions per shard for these tests: the corpus's years make several shards of it.
SMALL_SHARD = 8


@pytest.fixture(scope="module")
def sharded(built: Path, quads, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    """The corpus's site with its search index in shards of at most 8 resolutions."""
    from unld.publishing.site import generate, search

    out = tmp_path_factory.mktemp("sharded") / "site"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search, "SHARD_SIZE", SMALL_SHARD)
        generate(quads, out, BASE, built, jobs=2)
    return out


@pytest.fixture(scope="module")
def sharded_server(sharded: Path, tmp_path_factory: pytest.TempPathFactory):
    from tests.webservers import free_port, nginx

    with nginx(sharded, tmp_path_factory.mktemp("nginx-sharded"), free_port()) as url:
        yield url


def _shards(site: Path) -> list[Path]:  # noqa: F811
    """The index folders of a site: the first (newest) shard's, then the others'."""
    from unld.publishing.site.search import shard_order

    extra = site / "pagefind" / "shards"
    names = shard_order(p.name for p in extra.iterdir()) if extra.is_dir() else []
    return [site / "pagefind", *(extra / n for n in names)]


def test_shards_hold_every_resolution_once_by_years(sharded: Path, quads) -> None:  # noqa: F811
    """Whole years per shard, newest first, each resolution indexed in exactly one."""
    from unld.publishing.site.search import shard_order

    published = _published(quads)
    indexes = _shards(sharded)
    assert len(indexes) >= 3
    counts = [
        json.loads((i / "pagefind-entry.json").read_text("utf-8"))["languages"]["en"]["page_count"]
        for i in indexes
    ]
    assert sum(counts) == len(published)
    adopted = {
        (q.subject.value, q.object.value[:4])
        for q in quads
        if q.predicate.value == UNLD + "adoptedOn" and q.subject.value in published
    }
    years = Counter(year for _, year in adopted)
    # no shard above the limit unless one year alone is
    assert all(n <= max(SMALL_SHARD, max(years.values())) for n in counts)
    slim = sharded / ".unld-site" / "search"
    names = shard_order(p.name for p in slim.iterdir())
    assert [p.name for p in indexes[1:]] == names[1:]
    # each shard's years: disjoint, newest shard first, every year in one shard
    spans = [[int(y) for y in n.split("-")] for n in names]
    assert all(a[-1] > b[0] for a, b in zip(spans, spans[1:], strict=False))
    filed: Counter[str] = Counter()
    for span, index in zip(spans, indexes, strict=True):
        got = _index_filters(sharded, index)
        assert all(span[-1] <= int(y) <= span[0] for y in got["year"])
        filed.update(got["year"])
    assert dict(filed) == dict(years)
    # the search page names the other shards, in order
    page = _page(sharded, "search")
    shards = re.search(r'data-shards="([^"]*)"', page).group(1).split()
    assert shards == [f"../pagefind/shards/{n}/" for n in names[1:]]


def test_sharded_search_lands_on_its_anchor(sharded_server: str, browser: Browser, quads) -> None:  # noqa: F811
    """The phrase search of a paragraph, over the merged shards."""
    text = _value(quads, RES + "#pp6", "text")
    phrase = " ".join(text.split()[3:8])
    browser.navigate(f"{sharded_server}/search/?q={quote_plus(phrase)}")
    hits = browser.wait_for(f"document.querySelectorAll('#results a.hit').length && {HITS}")
    assert [h for h in hits if h.startswith(RES_PATH)] == [RES_PATH + "#pp6"], hits


def test_sharded_filters_count_every_shard_and_keep_date_order(
    sharded_server: str,  # noqa: F811
    browser: Browser,
    quads,  # noqa: F811
) -> None:
    """The filters offer every shard's values with their summed counts, and a search by
    filter alone lists its hits newest first across the shards."""
    published = _published(quads)
    adopted = {
        q.subject.value: q.object.value
        for q in quads
        if q.predicate.value == UNLD + "adoptedOn" and q.subject.value in published
    }
    organ = "General Assembly"
    browser.navigate(f"{sharded_server}/search/?organ={quote_plus(organ)}")
    browser.wait_for("document.querySelectorAll('#results a.hit').length")
    years = Counter(v[:4] for v in adopted.values())
    options = browser.evaluate("[...document.getElementById('f-year').options].map(o => o.text)")
    assert options[1:] == [f"{y} ({n})" for y, n in sorted(years.items(), reverse=True)]
    hits = browser.evaluate(HITS)
    assert len(hits) == min(50, len(published))
    dates = [adopted[BASE[:-1] + h.rstrip("/")] for h in hits]
    assert dates == sorted(dates, reverse=True)
