"""``sitemap.xml`` (every page under the base) and ``robots.txt`` pointing to it."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.sax.saxutils import escape as xml_escape

from unld.publishing.site.listings import LISTINGS

if TYPE_CHECKING:
    from unld.publishing.site.render import Site


def sitemap(base: str, paths: list[str]) -> bytes:
    """The sitemap of the pages at ``paths`` (and the home page), sorted."""
    urls = [base] + [base + p + "/" for p in sorted([*paths, *LISTINGS])]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [f"  <url><loc>{xml_escape(u)}</loc></url>" for u in urls]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def write(site: Site) -> None:
    """Write ``sitemap.xml`` and ``robots.txt``."""
    site.writer.write("", "sitemap.xml", sitemap(site.base, list(site.pages.values())))
    site.writer.write(
        "", "robots.txt", f"User-agent: *\nAllow: /\nSitemap: {site.base}sitemap.xml\n".encode()
    )
