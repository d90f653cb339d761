"""How the site names things in text: paragraphs by their fragment (``op6a`` ->
``operative paragraph 6 (a)``), dates the UN way, IRIs as CURIEs, file sizes.

Pure functions of their argument, shared by every page builder.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from unld.core.namespaces import ELI_DL, RDF, VANN
from unld.parse.dates import printed
from unld.publishing import dumps

_FRAGMENT_NAMES = [
    (re.compile(r"^(?:(?P<sec>[A-Z]+)-)?pp(?P<n>\d+)$"), "preambular paragraph {n}"),
    (
        re.compile(r"^(?:(?P<sec>[A-Z]+)-)?op(?P<n>\d+)(?P<sub>[a-z]+)?(?:-(?P<sub2>[a-z]+))?$"),
        "operative paragraph {n}",
    ),
    (re.compile(r"^fn(?P<n>\d+)$"), "footnote {n}"),
    (re.compile(r"^sec(?P<n>[A-Z0-9]+)$"), "section {n}"),
    (re.compile(r"^fa(?P<n>\d+)$"), "proposed agenda item {n}"),
]

_FRAG_KEY = re.compile(r"^(?:([A-Z]+)-)?([a-z]+)(\d+)(.*)$")

_PREFIXES = sorted(
    {
        **dumps.PREFIXES,
        "vann": VANN,
        "eli-dl": ELI_DL,
        "rdf": RDF,
        "foaf": "http://xmlns.com/foaf/0.1/",
    }.items(),
    key=lambda kv: (-len(kv[1]), kv[0]),
)


@lru_cache(maxsize=8192)
def fragment_name(frag: str) -> str:
    """``op6a`` -> ``operative paragraph 6 (a)``; unknown fragments as they are (kept:
    the same fragments come back on every resolution's page and in every list of parts)."""
    for rx, fmt in _FRAGMENT_NAMES:
        m = rx.match(frag)
        if m:
            d = m.groupdict()
            name = fmt.format(n=d["n"])
            if d.get("sub"):
                name += f" ({d['sub']})"
            if d.get("sub2"):
                name += f" ({d['sub2']})"
            if d.get("sec"):
                name = f"section {d['sec']}, {name}"
            return name
    return frag


@lru_cache(maxsize=8192)
def frag_key(frag: str) -> tuple:
    """The reading order of fragments: preamble, operative part, footnotes, the rest."""
    order = {"pp": 0, "op": 1, "fn": 2}
    m = _FRAG_KEY.match(frag)
    if not m:
        return (9, 0, frag)
    sec, kind, n, rest = m.groups()
    return (order.get(kind, 3), sec or "", int(n), rest)


def human_date(value: str | None) -> str | None:
    """``2021-12-06`` -> ``6 December 2021`` (UN style); other values as they are."""
    if not value:
        return value
    try:
        d = date.fromisoformat(value)
    except ValueError:
        return value
    return printed(d)


@lru_cache(maxsize=8192)
def curie(iri: str) -> str:
    """``dcterms:title`` for the IRI of a known namespace; other IRIs as they are (kept:
    every property table asks for the same few predicates again)."""
    for name, ns in _PREFIXES:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{name}:{iri[len(ns) :]}"
    return iri


def size(n: float) -> str:
    """A file size for people: ``812 bytes``, ``1.3 MB``."""
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return str(n)
