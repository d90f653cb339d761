"""What the page of any other resource shows (a document cited, a session, an agenda
item, a meeting, a body, a mandate, a phrase, a graph): what links to it first, then its
properties, its hash parts, and a body's mandate periods as a timeline.

:func:`resource` returns plain data for ``resource.html``; nothing here writes a file.
"""

from __future__ import annotations

from typing import Any

from unld.core.namespaces import RDFS, SKOS, TIME, UNLD
from unld.publishing.site import timeline
from unld.publishing.site.links import Links
from unld.publishing.site.model import TYPE
from unld.publishing.site.names import fragment_name
from unld.publishing.site.paths import split_fragment


def _parts(links: Links, iri: str, path: str) -> list[dict]:
    """The hash IRIs of the resource, each an anchored section of its page."""
    ds = links.ds
    parts = []
    for f in ds.fragments(iri):
        frag = split_fragment(f)[1] or ""
        parts.append(
            {
                "id": frag,
                "iri": f,
                "name": ds.label(f) if ds.props(f) else frag,
                "types": links.types(f, path),
                "properties": links.properties(f, path, skip={TYPE}),
                "backlinks": links.part_backlinks(f, path),
            }
        )
    return parts


def resource(links: Links, iri: str, path: str) -> dict:
    """Everything ``resource.html`` shows of ``iri`` (page at ``path``)."""
    ds = links.ds
    parts = _parts(links, iri, path)
    definition = ds.value(iri, SKOS + "definition") or ds.value(iri, RDFS + "comment")
    return {
        "iri": iri,
        "label": ds.label(iri),
        "types": links.types(iri, path),
        "definition": definition,
        "properties": links.properties(iri, path, skip={TYPE}),
        "parts": parts,
        "backlinks": links.backlinks(iri, path),
        "detail": links.detail(iri),
        # the Council's chart of dated periods, and the list of periods with their years
        "chart": chart(links, iri, path),
        "timeline": timeline.mandates(links, iri, path) if ds.iris(iri, UNLD + "mandatePeriod") else None,
        "cite": {"text": f"{ds.label(iri)}. {iri}", "iri": iri},
    }


def _instant(links: Links, node: str | None) -> str | None:
    """The date (or year) of an OWL-Time instant."""
    if not node:
        return None
    return links.ds.value(node, TIME + "inXSDDate") or links.ds.value(node, TIME + "inXSDgYear")


def _period(links: Links, m: str, path: str) -> dict | None:
    """One mandate period as a row of the chart (None without a beginning)."""
    ds = links.ds
    begin = _instant(links, ds.iri(m, TIME + "hasBeginning"))
    end = _instant(links, ds.iri(m, TIME + "hasEnd"))
    if begin is None:
        return None
    res = ds.iri(m, UNLD + "decidedBy") or ds.iri(m, UNLD + "establishedBy")
    para = ds.iri(m, UNLD + "decidedInParagraph")
    return {
        "period": links.link(m, path, f"{begin} – {end or 'open'}"),
        "begin": begin,
        "end": end,
        "action": ds.value(m, UNLD + "mandateAction"),
        "resolution": links.link(res, path) if res else None,
        "paragraph": links.link(para, path, fragment_name(split_fragment(para)[1] or "")) if para else None,
    }


def _day(value: str) -> float:
    """A date (or year, or year and month) as a fractional year."""
    y, _, rest = value.partition("-")
    mth, _, d = rest.partition("-")
    return int(y) + (int(mth or 1) - 1) / 12 + (int(d or 1) - 1) / 365


def chart(links: Links, iri: str, path: str) -> dict | None:
    """A body's mandate periods in order, as rows of a timeline (None without any).

    Each period runs from its beginning (the adoption date of the resolution deciding
    it) to its end; periods without an end are drawn to the latest date known.  The
    bars are SVG rectangles whose x and width are per cent of the whole span, so that
    the page needs no script and no inline style.
    """
    rows: list[dict[str, Any]] = []
    for o in links.ds.objects(iri, UNLD + "mandatePeriod"):
        row = _period(links, o.value, path)
        if row is not None:
            rows.append(row)
    if not rows:
        return None
    rows.sort(key=lambda r: (r["begin"], r["end"] or "9999"))
    lo = min(_day(r["begin"]) for r in rows)
    hi = max(max(_day(r["begin"]), _day(r["end"]) if r["end"] else 0.0) for r in rows)
    span = max(hi - lo, 1.0)
    for k, r in enumerate(rows):
        start = _day(r["begin"])
        # an open period lasts until the next one of the body begins
        following = [_day(n["begin"]) for n in rows[k + 1 :] if _day(n["begin"]) > start]
        stop = _day(r["end"]) if r["end"] else (following[0] if following else hi)
        r["x"] = round(100 * (start - lo) / span, 2)
        r["width"] = max(round(100 * (stop - start) / span, 2), 0.5)
        r["y"] = 6 + 22 * k
    return {"rows": rows, "height": 12 + 22 * len(rows), "first": rows[0]["begin"], "last": str(hi)[:4]}
