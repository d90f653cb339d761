"""The pieces of the pages written in Python (:mod:`unld.publishing.site.html`) against
the template markup and the ``markupsafe.escape`` calls they replaced, on every page of
the corpus build: the same bytes, whatever the data.

The reference is the markup as it was: the macros in ``tests/data/site_html_reference.html``
(rendered by the site's own Jinja environment, so with the same whitespace rules), and
below, the smallest pieces as they were written with ``markupsafe.escape``.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup, escape

from tests.conftest import BASE
from unld.core.namespaces import UNLD
from unld.publishing.site import html, listings, load_quads, schema
from unld.publishing.site.frame import environment
from unld.publishing.site.incremental import SEP
from unld.publishing.site.links import Own
from unld.publishing.site.paths import ONTOLOGY_IRI
from unld.publishing.site.render import Site
from unld.publishing.site.resolution import resolution
from unld.publishing.site.resource import resource

REFERENCE = Path(__file__).parent / "data" / "site_html_reference.html"


def ref_a(link: dict) -> Markup:
    label = escape(link["label"])
    if link["href"]:
        mark = "" if link["internal"] else ' class="external"'
        return Markup(f'<a href="{escape(link["href"])}"{mark}>{label}</a>')
    return Markup(f'<span class="noref">{label}</span>')


def ref_value(v: dict) -> Markup:
    if v["kind"] == "iri":
        return ref_a(v)
    if v["is_date"]:
        return Markup(f'<time datetime="{escape(v["raw"])}">{escape(v["text"])}</time>')
    out = f'<span class="literal">{escape(v["text"])}</span>'
    if v["lang"]:
        out += f' <span class="tag" lang="en">@{escape(v["lang"])}</span>'
    if v["datatype"]:
        out += f' <span class="tag">{escape(v["datatype"])}</span>'
    return Markup(out)


def ref_permalink(id: str, iri: str) -> Markup:
    iri_ = escape(iri)
    id_ = escape(id)
    return Markup(f'<a class="pid" href="#{id_}" title="{iri_}" aria-label="Link to {iri_}">#{id_}</a>')


def ref_text(segments: list[dict]) -> Markup:
    out = []
    for s in segments:
        if s["href"]:
            out.append(f'<a href="{escape(s["href"])}" title="{escape(s["title"])}">{escape(s["text"])}</a>')
        else:
            out.append(escape(s["text"]))
    return Markup("".join(out))


@pytest.fixture(scope="module")
def ref() -> Any:
    """The reference macros, with the reference pieces as their globals."""
    env = environment()
    env.globals.update(a=ref_a, value=ref_value, permalink=ref_permalink, text=ref_text)
    return env.from_string(REFERENCE.read_text("utf-8")).module


@pytest.fixture(scope="module")
def site(corpus_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Site:
    return Site(load_quads(corpus_build), BASE, tmp_path_factory.mktemp("site-html"), corpus_build)


def _paragraphs(ps: list[dict]) -> list[dict]:
    out = []
    for p in ps:
        out.append(p)
        out.extend(_paragraphs(p["subparagraphs"]))
    return out


def test_escaping_is_markupsafes(site: Site) -> None:
    """Every label and literal of the corpus, and texts made to need escaping."""
    texts = ["", "plain", "a & b", "<script>'x'</script>", '"quoted"', "&amp;", "é ✓ \u2028", "<>&'\""]
    ds = site.ds
    for iri in site.pages:
        texts.append(iri)
        texts.append(ds.label(iri))
        texts.extend(o.value for objs in ds.props(iri).values() for o in objs)
    for t in texts:
        assert html.esc(t) == str(escape(t))
    for other in (None, 3, Markup("<b>safe</b>")):
        assert html.esc(other) == str(escape(other))
    assert any("&" in t or '"' in t or "<" in t for t in texts[8:])  # the corpus has some


def test_resolution_pieces_are_the_templates(site: Site, ref: Any) -> None:
    """Paragraphs (with their sub-paragraphs, lead phrases, footnote marks, citations),
    as the page and the search index's copy write them, footnotes' links, the documents
    cited, what links here and the parts not shown in the text, on every resolution of
    the corpus."""
    seen: Counter[str] = Counter()
    for iri in site.ds.resolutions:
        path = site.pages[iri]
        res = resolution(site, iri, path)
        top = [p for g in res["body"] for p in g["preamble"] + g["operative"]]
        top += [it["para"] for x in res["annexes"] for it in x["parts"] if it["kind"] == "paragraph"]
        for p in _paragraphs(top):
            assert str(html.paragraph(p)) == str(ref.para(p, 2)), p["iri"]
            seen["paragraph"] += 1
            seen.update(k for k in ("lead", "refs", "subparagraphs", "cites", "bodies") if p[k])
            seen["number" if p["number"] else "label" if p["label"] else "unnumbered"] += 1
        for g in res["body"]:
            for ps in (g["preamble"], g["operative"]):
                assert str(html.paragraphs(ps)) == str(ref.paragraphs(ps))
                assert str(html.search_paragraphs(ps)) == str(ref.search_paragraphs(ps))
        for f in res["footnotes"]:
            assert str(html.links(f["cites"])) == str(ref.links(f["cites"]))
            assert str(html.text(f["segments"])) == str(ref_text(f["segments"]))
            seen["footnote"] += 1
        for x in res["annexes"]:
            assert str(html.links(x["acts"])) == str(ref.links(x["acts"]))
        assert str(html.items(res["cited"])) == str(ref.items(res["cited"]))
        assert str(html.backlinks(res["backlinks"], 3)) == str(ref.backlinks(res["backlinks"], 3))
        assert str(html.props(res["properties"])) == str(ref.props(res["properties"]))
        assert str(html.parts(res["leftovers"])) == str(ref.parts(res["leftovers"]))
        seen["leftover"] += len(res["leftovers"])
        seen["cited"] += len(res["cited"])
        seen["backlinks"] += len(res["backlinks"])
    # the corpus exercises every branch
    for what in ("paragraph", "lead", "refs", "subparagraphs", "cites", "bodies", "number", "label"):
        assert seen[what] > 0, what
    assert seen["footnote"] and seen["cited"] and seen["backlinks"] and seen["leftover"]


def test_resource_pieces_are_the_templates(site: Site, ref: Any) -> None:
    """What links here and the property tables of every other page of the corpus."""
    seen: Counter[str] = Counter()
    for iri, path in site.pages.items():
        if iri in site.ds.resolutions or iri == ONTOLOGY_IRI or path == "ontology":
            continue
        r = resource(site, iri, path)
        assert str(html.backlinks(r["backlinks"])) == str(ref.backlinks(r["backlinks"])), iri
        assert str(html.props(r["properties"])) == str(ref.props(r["properties"])), iri
        for p in r["parts"]:
            assert str(html.props(p["properties"])) == str(ref.props(p["properties"])), p["iri"]
        for row in r["properties"]:
            assert str(html.value(row["predicate"] | {"kind": "iri"})) == str(ref_a(row["predicate"]))
            for v in row["values"]:
                assert str(html.value(v)) == str(ref_value(v))
                seen["date" if v.get("is_date") else v["kind"]] += 1
                seen.update(k for k in ("lang", "datatype") if v.get(k))
            seen["multi"] += len(row["values"]) > 1
        for g in r["backlinks"]:
            for item in g["items"]:
                for part in item["parts"]:  # a part's link is what ``href`` makes of it
                    assert part["href"] == site.href(f"{item['iri']}#{part['label']}", path)
                seen["parts"] += bool(item["parts"])
                seen["detail"] += bool(item["detail"])
                seen["noref"] += not item["href"]
                seen["external"] += bool(item["href"]) and not item["internal"]
    for what in ("iri", "literal", "date", "datatype", "multi", "parts", "detail"):
        assert seen[what] > 0, what


def test_listing_rows_are_the_templates(site: Site, ref: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows of every listing page (an agenda item with its resolutions under it too)."""
    sections: list[dict] = []

    def render(template: str, **ctx: Any) -> bytes:
        sections.extend(ctx["sections"])
        return b""

    monkeypatch.setattr(site, "render", render)
    listings.write_all(site)
    assert len(sections) > 5
    children = 0
    for s in sections:
        assert str(html.listing(s["items"])) == str(ref.listing(s["items"])), s["title"]
        children += sum(1 for i in s["items"] if i.get("children"))
    assert children > 0


def test_own_reads_are_the_datasets(site: Site) -> None:
    """``Own`` (a page's own resource and hash IRIs read from their decoded properties)
    gives what the dataset's methods give, for every property of every resolution and
    its parts, falls back to the dataset for other resources, and names its reads as the
    dataset's watched methods would."""
    ds = site.ds
    checked = 0
    for iri in ds.resolutions:
        own = Own(ds, iri)
        for s in [iri, *ds.fragments(iri)]:
            for p in ds.props(s):
                assert own.value(s, p) == ds.value(s, p), (s, p)
                assert own.iris(s, p) == ds.iris(s, p), (s, p)
                assert own.iri(s, p) == ds.iri(s, p), (s, p)
                checked += 1
            assert own.types(s) == ds.types(s), s
            assert own.kind(s, site) == site.kind_of(s), s
        assert own.value(iri, "urn:x:none") is None and own.iris(iri, "urn:x:none") == ()
        assert {k.split(SEP)[0] for k in own.reads()} == {iri}
        other = next(iter(ds.iris(iri, UNLD + "session")), None)
        if other:
            before = set(own.read)
            assert own.value(other, UNLD + "sessionNumber") == ds.value(other, UNLD + "sessionNumber")
            assert own.read == before  # another resource's read goes through the dataset
    assert checked > 1000


def test_script_json_is_the_json_modules_for_every_kind_of_value(site: Site) -> None:
    """The schema.org description of every page of the corpus, and values the pages do
    not use (left to the json module), written as ``json.dumps`` writes them."""
    odd = {"t": (1, "x"), "f": 1.5, "b": [True, False, None], "e": [{}, [], ""], "n": {"z": {"y": -3}}}
    docs = [odd, {"k": [odd, "é</script>"]}, {}, []]
    docs += [schema.node(site.ds, iri, site.dataset_iri) or {} for iri in site.pages]
    for doc in docs:
        expected = json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1)
        assert json.loads(schema.script_json(doc)) == json.loads(expected)
        assert schema.script_json(doc) == expected.replace("<", "\\u003c").replace(">", "\\u003e").replace(
            "&", "\\u0026"
        ).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
