"""The listings: documents by kind, sessions, bodies by kind, lead phrases, and resolutions
by committee, by agenda item, by year and by body mentioned, each counted and with the
title beside the symbol.

Each listing is computed from one pass over what it lists (never a scan of the whole
dataset per entry), so that it stays cheap for tens of thousands of resolutions.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from unld.core.namespaces import DCT, SKOS, UNLD
from unld.publishing.site import search
from unld.publishing.site.paths import PHRASE_NS, relative

if TYPE_CHECKING:
    from unld.publishing.site.render import Site

#: Folders the site uses for its own listings (they are not IRIs of resources), with
#: their titles (for breadcrumbs and the sitemap).
LISTINGS = {
    "doc": "Documents",
    "session": "Sessions",
    "body": "Bodies",
    "phrase": "Lead phrases",
    "browse/committee": "Resolutions by committee",
    "browse/agenda": "Resolutions by agenda item",
    "browse/year": "Resolutions by year",
    "browse/body": "Resolutions by body mentioned",
    "browse/organ": "Resolutions by organ",
    search.SEARCH_PAGE: "Search",
}

_DOC_KINDS = [
    ("Resolution", "Resolutions cited"),
    ("Decision", "Decisions"),
    ("CommitteeReport", "Committee reports"),
    ("DraftResolution", "Draft resolutions"),
    ("Document", "Other documents"),
]

_BODY_KINDS = {
    UNLD + "Organ": "Organs",
    UNLD + "Committee": "Committees",
    UNLD + "WorkingGroup": "Working groups",
    UNLD + "PeaceOperation": "Peace operations and missions",
    UNLD + "PoliticalMission": "Peace operations and missions",
    UNLD + "PanelOfExperts": "Panels and sanctions committees",
    UNLD + "SanctionsCommittee": "Panels and sanctions committees",
}
_BODY_ORDER = [
    "Organs",
    "Committees",
    "Working groups",
    "Peace operations and missions",
    "Panels and sanctions committees",
    "Other bodies",
]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def write_listing(site: Site, path: str, intro: str, sections: list[dict]) -> None:
    """Write the listing page at ``path`` (its title from :data:`LISTINGS`)."""
    from unld.publishing.site.frame import frame

    title = LISTINGS[path]
    crumbs = [("Home", relative(path, "")), (title, None)]
    page = frame(path, title, crumbs, None, None, alternates=False, description=intro)
    html = site.render("listing.html", page=page, intro=intro, sections=sections)
    site.writer.write(path, "index.html", html, own=True)
    site.report.pages += 1


def documents(site: Site) -> None:
    """Every resolution published here and every document they cite, by kind and symbol."""
    ds, p = site.ds, "doc"
    docs = [i for i in site.pages if i.startswith(site.base + "doc/")]
    sections = [
        {
            "title": "Resolutions published here",
            "items": [resolution_item(site, r, p) for r in ds.resolutions],
        }
    ]
    placed = set(ds.resolutions)
    for cls, title in _DOC_KINDS:
        items = sorted((d for d in docs if d not in placed and ds.has_type(d, UNLD + cls)), key=site.sort_key)
        placed.update(items)
        sections.append({"title": title, "items": [site.item(d, p) for d in items]})
    rest = sorted((d for d in docs if d not in placed), key=site.sort_key)
    if rest:
        sections.append({"title": "Other", "items": [site.item(d, p) for d in rest]})
    write_listing(
        site,
        p,
        "Every resolution published here and every document they cite, by kind and symbol.",
        [s for s in sections if s["items"]],
    )


def sessions_of(site: Site) -> list[str]:
    """The sessions with a page, in order."""
    return sorted((s for s in site.ds.of_type(UNLD + "Session") if s in site.pages), key=site.sort_key)


def sessions(site: Site) -> None:
    """Sessions, each with the number of its resolutions published here."""
    ds, p = site.ds, "session"
    counts: dict[str, int] = defaultdict(int)
    for r in ds.resolutions:
        for s in set(ds.iris(r, UNLD + "session")):
            counts[s] += 1
    items = []
    for s in sessions_of(site):
        n = counts.get(s, 0)
        items.append(site.item(s, p, f"{n} resolution{'s' if n != 1 else ''} published"))
    write_listing(
        site,
        p,
        "Sessions of the General Assembly: their resolutions, agenda items and plenary meetings.",
        [{"title": "Sessions", "items": items}],
    )


def bodies(site: Site) -> None:
    """Bodies by kind: organs, committees, working groups, operations, panels, others."""
    ds, p = site.ds, "body"
    found = sorted(
        (b for b in site.pages if b.startswith(site.base + "body/") and "/mandate/" not in b),
        key=site.sort_key,
    )
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for b in found:
        name = _BODY_KINDS.get(site.kind_of(b) or "", "Other bodies")
        by_kind[name].append(site.item(b, p, ds.value(b, UNLD + "bodyKind")))
    write_listing(
        site,
        p,
        "Organs, Main Committees, working groups, the Security Council's peace operations, missions "
        "and panels, and other bodies named by the resolutions.",
        [{"title": k, "items": by_kind[k]} for k in _BODY_ORDER if by_kind.get(k)],
    )


def phrases(site: Site) -> None:
    """Every lead phrase of each scheme with its use count (0 included)."""
    ds, p = site.ds, "phrase"
    schemes = sorted(
        s for s in ds.of_type(SKOS + "ConceptScheme") if s in site.pages and s.startswith(PHRASE_NS)
    )
    sections = []
    for sc in schemes:
        concepts = sorted(
            (c for c in ds.subjects(SKOS + "inScheme", sc) if c in site.pages),
            key=lambda c: ds.label(c).lower(),
        )
        items = []
        for c in concepts:
            items.append(site.item(c, p, _plural(len(ds.subjects(UNLD + "leadPhrase", c)), "paragraph")))
        sections.append({"title": ds.label(sc), "href": site.href(sc, p), "columns": True, "items": items})
    write_listing(
        site,
        p,
        "The phrases that open preambular and operative "
        "paragraphs, as SKOS concepts, with how often each is used here.",
        sections,
    )


def by_committee(site: Site) -> None:
    """Resolutions grouped by the Main Committee whose report recommended them.

    Main Committees are the General Assembly's: a resolution another organ adopted (the
    Security Council's) is not "without reference to a Main Committee", it is not listed."""
    ds, p = site.ds, "browse/committee"
    assembly = site.base + "body/general-assembly"
    groups: dict[str, list[str]] = defaultdict(list)
    for r in ds.resolutions:
        committee = ds.iri(r, UNLD + "recommendedBy")
        organs = ds.iris(r, UNLD + "adoptedBy")
        if committee or not organs or assembly in organs:
            groups[committee or ""].append(r)
    sections = []
    for c in sorted(groups, key=lambda c: (c == "", site.sort_key(c) if c else ())):
        sections.append(
            {
                "title": ds.label(c) if c else "Without reference to a Main Committee",
                "href": site.href(c, p) if c else None,
                "items": [resolution_item(site, r, p) for r in groups[c]],
            }
        )
    write_listing(
        site, p, "Resolutions grouped by the Main Committee whose report recommended them.", sections
    )


def by_agenda(site: Site) -> None:
    """Agenda items of each session and the resolutions adopted under them."""
    ds, p = site.ds, "browse/agenda"
    sections = []
    for s in sessions_of(site):
        items = sorted(
            (
                a
                for a in ds.subjects(UNLD + "session", s)
                if ds.has_type(a, UNLD + "AgendaItem") and a in site.pages
            ),
            key=site.sort_key,
        )
        entries = []
        for a in items:
            res = [site.link(r, p) for r in sorted(ds.subjects(UNLD + "agendaItem", a), key=site.sort_key)]
            entries.append({**site.item(a, p), "children": res})
        if entries:
            sections.append({"title": ds.label(s), "href": site.href(s, p), "items": entries})
    write_listing(site, p, "Agenda items of each session and the resolutions adopted under them.", sections)


def by_year(site: Site) -> None:
    """Resolutions by the year of adoption, newest year first, in symbol order within."""
    ds, p = site.ds, "browse/year"
    years: dict[str, list[str]] = defaultdict(list)
    for r in ds.resolutions:
        adopted = ds.value(r, UNLD + "adoptedOn") or ""
        years[adopted[:4] if adopted[:4].isdigit() else ""].append(r)
    sections = []
    ordered = sorted((y for y in years if y), reverse=True) + ([""] if "" in years else [])
    for year in ordered:
        sections.append(
            {
                "title": year or "Date of adoption not known",
                "items": [resolution_item(site, r, p) for r in sorted(years[year], key=site.sort_key)],
            }
        )
    write_listing(
        site, p, "Resolutions published here by the year they were adopted, with their titles.", sections
    )


def by_body(site: Site) -> None:
    """Each body named by a resolution, with the resolutions that mention it: the way to
    find what the General Assembly said about a working group or an organ."""
    ds, p = site.ds, "browse/body"
    mentioned: dict[str, set[str]] = defaultdict(set)
    for r in ds.resolutions:
        for b in ds.iris(r, UNLD + "mentionsBody"):
            mentioned[b].add(r)
    sections = []
    for b in sorted(mentioned, key=lambda b: (-len(mentioned[b]), ds.label(b).lower(), b)):
        sections.append(
            {
                "title": ds.label(b),
                "href": site.href(b, p),
                "items": [resolution_item(site, r, p) for r in sorted(mentioned[b], key=site.sort_key)],
            }
        )
    write_listing(
        site,
        p,
        "Bodies named in the resolutions' paragraphs, most mentioned first, "
        "with the resolutions that name them.",
        sections,
    )


_ACTIONS = {"establish": "Establishes", "extend": "Extends", "renew": "Renews", "terminate": "Terminates"}


def subject(site: Site, r: str) -> str | None:
    """What a resolution is about, to show beside its symbol: its title; for a Council
    resolution, which has none, its subject where the data states one (``dcterms:subject``),
    else the mandates it decides on (``Extends the mandate of ...``); else its date."""
    ds = site.ds
    title = ds.value(r, DCT + "title")
    if title:
        return title
    stated = ds.value(r, DCT + "subject") or next(iter(ds.iris(r, DCT + "subject")), None)
    if stated:
        return ds.label(stated) if stated.startswith(("http://", "https://")) else stated
    mandates = []
    for m in sorted(ds.iris(r, UNLD + "decidesMandate")):
        body = ds.iri(m, UNLD + "mandateOf")
        action = ds.value(m, UNLD + "mandateAction") or ""
        if body:
            mandates.append(f"{_ACTIONS.get(action, 'Decides on')} the mandate of {ds.label(body)}")
    if mandates:
        return "; ".join(dict.fromkeys(mandates))
    return site.detail(r)


def resolution_item(site: Site, r: str, frm: str) -> dict:
    """A resolution in a listing: its symbol, and its title or subject (:func:`subject`)
    beside it, the same in every listing (a Council resolution's date alone says little)."""
    return site.item(r, frm, subject(site, r))


def by_organ(site: Site) -> None:
    """Resolutions by the organ that adopted them (General Assembly, Security Council),
    most resolutions first, in symbol order within, each with its title or subject."""
    ds, p = site.ds, "browse/organ"
    organs: dict[str, list[str]] = defaultdict(list)
    for r in ds.resolutions:
        adopted = ds.iris(r, UNLD + "adoptedBy")
        for organ in adopted or ("",):
            organs[organ].append(r)
    sections = []
    for organ in sorted(
        organs, key=lambda o: (o == "", -len(organs[o]), ds.label(o).lower() if o else "", o)
    ):
        sections.append(
            {
                "title": ds.label(organ) if organ else "Organ not stated",
                "href": site.href(organ, p) if organ else None,
                "items": [resolution_item(site, r, p) for r in sorted(organs[organ], key=site.sort_key)],
            }
        )
    write_listing(
        site,
        p,
        "Resolutions published here by the organ that adopted them, with their titles "
        "(for the Security Council, whose resolutions have none, what they decide).",
        sections,
    )


#: Every listing, in the order they are written.
WRITERS = (documents, sessions, bodies, phrases, by_committee, by_agenda, by_year, by_body, by_organ)


def write_all(site: Site) -> None:
    """Write every listing."""
    for write in WRITERS:
        write(site)
