"""Browsing listings beyond the core ones: resolutions by year, by body mentioned, by lead
phrase, each counted and with the title beside the symbol.

Each listing is computed from one pass over the resolutions (never a scan of the whole
dataset per entry), so that it stays cheap for tens of thousands of resolutions.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from unld.core.namespaces import UNLD

if TYPE_CHECKING:
    from unld.publishing.site.render import Site

#: The listings this module writes: folder -> title (for breadcrumbs and the sitemap).
EXTRA_LISTINGS = {
    "browse/year": "Resolutions by year",
    "browse/body": "Resolutions by body mentioned",
}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def by_year(site: Site) -> None:
    """Resolutions by the year of adoption, newest year first, in symbol order within."""
    ds = site.ds
    p = "browse/year"
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
                "items": [site.item(r, p) for r in sorted(years[year], key=site.sort_key)],
            }
        )
    site.write_listing(
        p,
        "Resolutions by year",
        "Resolutions published here by the year they were adopted, with their titles.",
        sections,
    )


def by_body(site: Site) -> None:
    """Each body named by a resolution, with the resolutions that mention it: the way to
    find what the General Assembly said about a working group or an organ."""
    ds = site.ds
    p = "browse/body"
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
                "items": [site.item(r, p) for r in sorted(mentioned[b], key=site.sort_key)],
            }
        )
    site.write_listing(
        p,
        "Resolutions by body mentioned",
        "Bodies named in the resolutions' paragraphs, most mentioned first, "
        "with the resolutions that name them.",
        sections,
    )


def write_all(site: Site) -> None:
    """Write every listing of this module."""
    by_year(site)
    by_body(site)
