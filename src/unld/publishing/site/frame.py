"""What every page shares: the templates, the frame around the content (title, the
navigation, breadcrumbs, links to the page's data) and the trail of breadcrumbs."""

from __future__ import annotations

from pathlib import Path

import jinja2

from unld.core.iri import IriPolicy
from unld.core.namespaces import SKOS, UNLD
from unld.publishing.site import html, search
from unld.publishing.site.links import Links
from unld.publishing.site.listings import LISTINGS
from unld.publishing.site.names import human_date
from unld.publishing.site.paths import PHRASE_NS, relative

TEMPLATES = Path(__file__).resolve().parent / "templates"

#: The templates of the pages (loaded once, before worker processes share them).
PAGE_TEMPLATES = (
    "home.html",
    "listing.html",
    "resolution.html",
    "resource.html",
    "ontology.html",
    "404.html",
    "search.html",
    "search_doc.html",
)

#: The site's navigation: folder -> label (then the downloads on the home page).
NAV = [
    (search.SEARCH_PAGE, "Search"),
    ("doc", "Documents"),
    ("session", "Sessions"),
    ("browse/year", "Years"),
    ("browse/organ", "Organs"),
    ("browse/committee", "Committees"),
    ("browse/agenda", "Agenda items"),
    ("body", "Bodies"),
    ("phrase", "Phrases"),
    ("ontology", "Ontology"),
]

_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(jinja2.Environment):
    """Templates read ``x.name`` on plain dicts: look the key up first (what the default
    lookup finds too, after a failed attribute lookup), except for dict's own attributes."""

    def getattr(self, obj: object, attribute: str) -> object:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def environment() -> jinja2.Environment:
    """The templates: autoescaped, strict about undefined names."""
    env = _Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["human_date"] = human_date
    env.globals.update(html.GLOBALS)
    return env


def frame(
    path: str,
    title: str,
    crumbs: list[tuple[str, str | None]],
    iri: str | None,
    jsonld: str | None,
    alternates: bool = True,
    description: str | None = None,
) -> dict:
    """The frame of the page at ``path``: what ``base.html`` reads."""
    return {
        "path": path,
        "title": title,
        "iri": iri,
        "jsonld": jsonld,
        "alternates": alternates,
        "description": description,
        "home": relative(path, ""),
        "css": relative(path, "static/style.css", folder=False),
        "nav": [{"href": relative(path, p), "label": label, "current": p == path} for p, label in NAV]
        + [{"href": relative(path, "", "downloads"), "label": "Downloads", "current": False}],
        "crumbs": [{"label": label, "href": href} for label, href in crumbs],
    }


def breadcrumbs(links: Links, iri: str, path: str) -> list[tuple[str, str | None]]:
    """Home, the listing the resource belongs to, what it is part of, the resource."""
    home: tuple[str, str | None] = ("Home", relative(path, ""))
    ds, base, pages = links.ds, links.base, links.pages

    def listing(p: str) -> tuple[str, str | None]:
        return (LISTINGS[p], relative(path, p))

    def crumb(of: str) -> tuple[str, str | None]:
        return (ds.label(of), links.href(of, path))

    me = (ds.label(iri), None)
    if IriPolicy(base).is_organ_scoped(iri):
        session = ds.iri(iri, UNLD + "session")
        if session and session != iri and session in pages:
            return [home, listing("session"), crumb(session), me]
        # a meeting of an organ without sessions (the Council's) is found from its organ
        organ = None if session else ds.iri(iri, UNLD + "meetingOf")
        if organ and organ in pages:
            return [home, listing("body"), crumb(organ), me]
        return [home, listing("session"), me]
    if iri.startswith(base + "doc/"):
        session = ds.iri(iri, UNLD + "session")
        if session and session in pages:
            return [home, listing("session"), crumb(session), me]
        return [home, listing("doc"), me]
    if iri.startswith(base + "body/"):
        owner = ds.iri(iri, UNLD + "mandateOf")
        if owner and owner in pages:
            return [home, listing("body"), crumb(owner), me]
        return [home, listing("body"), me]
    if iri.startswith(PHRASE_NS) or iri.startswith(base + "phrase/"):
        scheme = ds.iri(iri, SKOS + "inScheme")
        trail = [home, listing("phrase")]
        if scheme and scheme in pages:
            trail.append(crumb(scheme))
        return [*trail, me]
    return [home, me]
