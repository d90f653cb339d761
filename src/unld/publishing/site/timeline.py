"""A body's mandate periods as a timeline: an ordered list whose bars are drawn with
CSS widths computed here, so that it reads as a list without styles and needs no script.

It uses only the ``unld:mandatePeriod`` data (``time:hasBeginning``/``time:hasEnd``
instants with ``time:inXSDgYear`` or ``time:inXSDDate``) and the resolutions that
established each period, so any body with mandates gets one: working groups now, an organ's
terms when the data has them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from unld.core.namespaces import TIME, UNLD

if TYPE_CHECKING:
    from unld.publishing.site.links import Links


def _year(site: Links, instant: str | None) -> int | None:
    if not instant:
        return None
    value = site.ds.value(instant, TIME + "inXSDgYear") or site.ds.value(instant, TIME + "inXSDDate")
    if value and value[:4].isdigit():
        return int(value[:4])
    return None


def mandates(site: Links, body: str, frm: str) -> dict | None:
    """The timeline of ``body`` for its page, or None when it has no mandate period."""
    ds = site.ds
    periods = []
    for m in ds.iris(body, UNLD + "mandatePeriod"):
        start = _year(site, ds.iri(m, TIME + "hasBeginning"))
        end = _year(site, ds.iri(m, TIME + "hasEnd"))
        periods.append(
            {
                **site.link(m, frm),
                "start": start,
                "end": end,
                "established": [site.item(r, frm) for r in sorted(ds.iris(m, UNLD + "establishedBy"))],
            }
        )
    if not periods:
        return None
    years = [y for p in periods for y in (p["start"], p["end"]) if y is not None]
    first, last = (min(years), max(years)) if years else (0, 0)
    span = max(1, last - first + 1)
    for p in periods:
        s = p["start"] if p["start"] is not None else first
        e = p["end"] if p["end"] is not None else last
        p["left"] = round(100 * (s - first) / span, 2)
        p["width"] = round(100 * (max(e, s) - s + 1) / span, 2)
        p["years"] = f"{p['start'] or '?'}–{p['end'] or 'open'}"
    periods.sort(key=lambda p: (p["start"] or 0, p["end"] or 0, p["iri"]))
    established = []
    seen: set[str] = set()
    for p in periods:
        for r in p["established"]:
            if r["iri"] not in seen:
                seen.add(r["iri"])
                established.append(r)
    return {"periods": periods, "first": first, "last": last, "established": established}
