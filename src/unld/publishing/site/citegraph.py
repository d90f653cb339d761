"""What a resolution cites and what cites it, drawn as a small SVG on the server.

Three columns: the documents citing it (left), the resolution (middle), the documents it
cites (right), each a link.  Drawn here as plain SVG markup, so it needs no script or
client library and prints; the same links are listed in text beside it on the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from unld.core.namespaces import ELI, SVG, UNLD
from unld.publishing.site.paths import split_fragment

if TYPE_CHECKING:
    from unld.publishing.site.links import Links

#: At most this many documents on each side; the rest are counted ("and 12 more").
MAX_SIDE = 12
_ROW = 26
_WIDTH = 480
_BOX = 150


def _short(text: str, n: int = 22) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def neighbours(site: Links, iri: str) -> tuple[list[str], list[str]]:
    """(documents citing ``iri``, documents ``iri`` cites), in symbol order."""
    ds = site.ds
    cited = sorted(set(ds.iris(iri, ELI + "cites")) - {iri}, key=site.sort_key)
    citing = sorted(
        {split_fragment(s)[0] for s, p in ds.incoming(iri) if p == ELI + "cites"} - {iri}, key=site.sort_key
    )
    return citing, cited


def svg(site: Links, iri: str, frm: str) -> str | None:
    """The drawing (markup ready to embed), or None when nothing cites it and it cites
    nothing."""
    citing, cited = neighbours(site, iri)
    if not citing and not cited:
        return None
    ds = site.ds
    rows = max(min(len(citing), MAX_SIDE + 1), min(len(cited), MAX_SIDE + 1), 1)
    height = 40 + rows * _ROW
    mid_y = 30 + rows * _ROW / 2
    out = [
        f'<svg class="citegraph" xmlns="{SVG}" viewBox="0 0 {_WIDTH} {height}" '
        f'width="{_WIDTH}" height="{height}" role="group" aria-label="Citation graph">',
        f'<text x="{_BOX / 2 + 4}" y="16" text-anchor="middle" class="cg-h">Cited by ({len(citing)})</text>',
        f'<text x="{_WIDTH - _BOX / 2 - 4}" y="16" text-anchor="middle" class="cg-h">'
        f"Cites ({len(cited)})</text>",
    ]
    cx = _WIDTH / 2
    symbol = ds.value(iri, UNLD + "symbol") or ds.label(iri)
    for side, docs in (("left", citing), ("right", cited)):
        shown = docs[:MAX_SIDE]
        x = 4 if side == "left" else _WIDTH - _BOX - 4
        edge = x + _BOX if side == "left" else x
        for i, d in enumerate(shown):
            y = 30 + i * _ROW + (rows - len(shown) - (len(docs) > MAX_SIDE)) * _ROW / 2
            out.append(
                f'<line x1="{edge}" y1="{y + 10}" x2="{cx + (-60 if side == "left" else 60)}" '
                f'y2="{mid_y}" class="cg-edge"/>'
            )
            label = escape(_short(ds.value(d, UNLD + "symbol") or ds.label(d)))
            href = site.href(d, frm)
            box = f'<rect x="{x}" y="{y}" width="{_BOX}" height="20" rx="3" class="cg-node"/>'
            text = f'<text x="{x + _BOX / 2}" y="{y + 14}" text-anchor="middle">{label}</text>'
            if href:
                out.append(f"<a href={quoteattr(href)}><title>{escape(ds.label(d))}</title>{box}{text}</a>")
            else:
                out.append(f"<g>{box}{text}</g>")
        if len(docs) > MAX_SIDE:
            y = 30 + len(shown) * _ROW + (rows - len(shown) - 1) * _ROW / 2
            out.append(
                f'<text x="{x + _BOX / 2}" y="{y + 14}" text-anchor="middle" class="cg-more">'
                f"and {len(docs) - MAX_SIDE} more</text>"
            )
    out.append(f'<rect x="{cx - 60}" y="{mid_y - 14}" width="120" height="28" rx="4" class="cg-self"/>')
    out.append(
        f'<text x="{cx}" y="{mid_y + 5}" text-anchor="middle" class="cg-selft">'
        f"{escape(_short(symbol, 17))}</text>"
    )
    out.append("</svg>")
    return "".join(out)
