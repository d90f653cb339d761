"""The site's own pages beside the resources': the home page (counts, latest
resolutions, downloads; its data is the VoID/DCAT description), the search page and the
page served for any missing path."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pyoxigraph as ox

from unld.core.namespaces import DEFAULT_BASE, UNLD, VOID
from unld.publishing import dumps
from unld.publishing.site import schema, search
from unld.publishing.site.files import DUMP_FILES
from unld.publishing.site.frame import frame
from unld.publishing.site.listings import LISTINGS, resolution_item
from unld.publishing.site.names import size
from unld.publishing.site.paths import relative

if TYPE_CHECKING:
    from unld.publishing.site.render import Site

TITLE = "UN resolutions as linked data"
DESCRIPTION = (
    "United Nations resolutions (General Assembly, Security Council) as linked data: every "
    "resolution, paragraph, session, agenda item, meeting and body with "
    "its own IRI, in HTML, Turtle and JSON-LD."
)


def downloads(site: Site, path: str) -> list[dict]:
    """The dump files the site offers, with their sizes."""
    out = []
    for name, label, media, note in DUMP_FILES:
        if name in site.dump_names:
            out.append(
                {
                    "href": relative(path, "dumps/" + name, folder=False),
                    "name": name,
                    "label": label,
                    "media": media,
                    "note": note,
                    "size": size((site.root / "dumps" / name).stat().st_size),
                    "iri": site.base + "dumps/" + name,
                }
            )
    return out


def counts(site: Site, path: str) -> list[tuple[str, int, str | None]]:
    """What the dataset holds, each count linked to its listing."""
    ds, base = site.ds, site.base
    return [
        ("Resolutions published", len(ds.resolutions), relative(path, "doc")),
        (
            "Documents cited",
            sum(1 for d in site.pages if d.startswith(base + "doc/")) - len(ds.resolutions),
            relative(path, "doc"),
        ),
        (
            "Sessions",
            len([s for s in ds.of_type(UNLD + "Session") if s in site.pages]),
            relative(path, "session"),
        ),
        ("Agenda items", len(ds.of_type(UNLD + "AgendaItem")), relative(path, "browse/agenda")),
        ("Plenary meetings", len(ds.of_type(UNLD + "PlenaryMeeting")), relative(path, "session")),
        (
            "Bodies",
            len([b for b in site.pages if b.startswith(base + "body/") and "/mandate/" not in b]),
            relative(path, "body"),
        ),
        ("Triples", triple_count(site), None),
    ]


def triple_count(site: Site) -> int:
    """The dataset's triples as its VoID description counts them (``void:triples``, the
    number the build prints), so that the home page shows the same figure; the store's
    own count (which includes the VoID graph) only for quads without a description."""
    counted = site.ds.value(site.dataset_iri, VOID + "triples")
    return int(counted) if counted and counted.isdigit() else site.ds.store.triple_count


def example(site: Site, frm: str) -> dict | None:
    """A resolution to show as an example of an IRI."""
    if not site.ds.resolutions:
        return None
    r = site.ds.resolutions[0]
    return {"iri": r, "href": site.href(r, frm)}


def home(site: Site) -> None:
    """The home page and its data (the VoID/DCAT graph)."""
    ds, path = site.ds, ""
    files = downloads(site, path)
    recent = sorted(ds.resolutions, key=lambda r: (ds.value(r, UNLD + "adoptedOn") or "", r), reverse=True)
    jsonld = schema.dataset_jsonld(
        "unld: UN resolutions as linked data", DESCRIPTION, site.dataset_iri, files
    )
    page = frame(path, TITLE, [], site.base, jsonld, alternates=True, description=DESCRIPTION)
    void = ds.graph_triples(site.base + "graph/void")
    site.writer.write(path, "index.ttl", dumps.serialize(void, ox.RdfFormat.TURTLE))
    site.writer.write(path, "index.jsonld", dumps.jsonld(void, site.context_doc, site.context_url))
    html = site.render(
        "home.html",
        page=page,
        counts=counts(site, path),
        downloads=files,
        recent=[resolution_item(site, r, path) for r in recent[:10]],
        base=site.base,
        ontology_doc=(
            relative(path, "dumps/ontology.html", folder=False)
            if "ontology.html" in site.dump_names
            else None
        ),
        ontology=relative(path, "ontology"),
        example=example(site, path),
    )
    site.writer.write(path, "index.html", html)
    site.report.pages += 1


def search_page(site: Site) -> None:
    """The search page: a form that works with the Pagefind index (the one page that
    needs JavaScript; without it, it points to the listings)."""
    p = search.SEARCH_PAGE
    crumbs = [("Home", relative(p, "")), ("Search", None)]
    page = frame(p, "Search", crumbs, None, None, alternates=False)
    page["search"] = True
    html = site.render(
        "search.html",
        page=page,
        bundle=relative(p, search.INDEX_DIR + "/pagefind.js", folder=False),
        # the other shards' indexes, merged into the first's by the page's script
        shards=[relative(p, search.index_path(s, site.shard_order)) for s in site.shard_order[1:]],
        script=relative(p, "static/search.js", folder=False),
        listings=[
            {"href": relative(p, k), "label": v}
            for k, v in LISTINGS.items()
            if k.startswith("browse/") or k == "session"
        ],
    )
    site.writer.write(p, "index.html", html, own=True)
    site.report.pages += 1


def site_root(base: str) -> str:
    """The path at which the site is served, for the links of a page served at every
    depth (the 404 page): the base's path (``/un/`` for ``https://data.example.org/un/``),
    where the site is published to make its IRIs resolve; for the default base, a
    redirect service whose target can be any host, the host's root."""
    return "/" if base == DEFAULT_BASE else urlsplit(base).path


def not_found(site: Site) -> None:
    """The page served for any missing path: its links start at the site's root path,
    since it is served at every depth."""
    root = site_root(site.base)
    page = frame("", "Not found", [("Home", "./"), ("Not found", None)], None, None, alternates=False)
    page["css"] = root + "static/style.css"
    page["home"] = root
    for item in page["nav"]:
        item["href"] = root + item["href"].lstrip("./")
    page["crumbs"][0]["href"] = root
    site.writer.write("", "404.html", site.render("404.html", page=page))
