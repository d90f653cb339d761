"""UN document symbols: how they are written, normalised and recognised.

A symbol is the UN's own identifier of a document (``A/RES/76/19``, ``A/76/439``,
``S/RES/2625 (2022)``, ``A/RES/43/78 H``).  Records keep symbols as the UN writes them;
this module is the one place that cleans what a PDF extraction did to them and builds the
symbols of resolutions and decisions from their parts.  Turning a symbol into an IRI is the
IRI policy's job (:mod:`unld.core.iri`), which calls :func:`normalise` first.
"""

from __future__ import annotations

import re

#: Roman numerals used by pre-1976 session numbers (``1514 (XV)``).
ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"

#: One segment of a document symbol: letters, digits, dots, hyphens and parentheses
#: (``A``, ``C.1``, ``CONF.199``, ``L.4``, ``Add.1``, ``COP(13)``).
_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9.\-()]*"

#: A UN document symbol: a series letter or known prefix, then slash-separated segments.
#: Joint symbols (``A/67/828-S/2013/210``) and part designations (``A/78/15 (Part I)``,
#: ``A/80/6 (Sect. 3)/Add.1``) are included.
_PREFIXES = (
    r"A|S|E|ST|TD|UNEP|FCCC|ICCD|NPT|CCPR|CRC|CEDAW|CERD|CAT|CRPD|CMW|DP|UNW|UNICEF|"
    r"ECE|ESCAP|ECA|ECLAC|ESCWA|TRADE|SPLOS|ISBA|ITLOS|APLC|CCW|BWC|CCM|ATT|UNODC|"
    r"CTBT|HSP|JIU|IDB|WFP|A/HRC|A/C\.\d|A/AC\.\d+|A/CONF\.\d+|A/ES-\d+"
)
DOCUMENT_SYMBOL = re.compile(
    rf"(?<![A-Za-z0-9/.\-])(?:{_PREFIXES})(?:/{_SEGMENT})+"
    r"(?:\s\((?:Part|Vol\.|Sect\.|Chap\.)\s[A-Za-z0-9.]+\)(?:/[A-Za-z0-9.]+)*)?"
    r"(?:-(?:S|A|E)(?:/{_SEGMENT})+)?".replace("{_SEGMENT}", _SEGMENT)
)

#: Full pattern a published symbol must match (used by the SHACL shapes too).
SYMBOL_PATTERN = (
    r"^[A-Z][A-Za-z0-9.\-()]*(/[A-Za-z0-9.\-()]+)+"
    r"( [A-Z]{1,2}| \([A-Za-z0-9.\- ]+\)(/[A-Za-z0-9.\-()]+)*)*$"
)

_DASHES = str.maketrans(
    {"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-"}
)


def normalise(symbol: str) -> str:
    """Return ``symbol`` with the damage of text extraction undone.

    Collapses runs of whitespace, drops spaces around slashes (``A/ 76/439``), unifies
    dashes and removes trailing punctuation, so that the same document written twice gives
    the same string.
    """
    s = symbol.translate(_DASHES).replace("\u00a0", " ")
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"\s*/\s*", "/", s)
    s = s.rstrip(".,;:")
    # an unbalanced closing parenthesis belongs to the sentence, not the symbol
    while s.endswith(")") and s.count("(") < s.count(")"):
        s = s[:-1]
    return s


def ga_resolution(session: str, number: str, part: str | None = None) -> str:
    """Symbol of a General Assembly resolution.

    ``session`` is an arabic number (``76``), a roman numeral for sessions before 1976
    (``XV``), or a special session (``S-10``, ``ES-11``).  ``part`` is the letter of a
    lettered resolution (``43/78 H``).
    """
    if session and re.fullmatch(rf"(?:E?S-)?{ROMAN}", session) and not session.endswith("-"):
        base = f"A/RES/{number}"
        if part:
            base += f" {part}"
        return f"{base} ({session})"
    base = f"A/RES/{session}/{number}"
    return f"{base} {part}" if part else base


def ga_decision(session: str, number: str, part: str | None = None) -> str:
    """Symbol of a General Assembly decision (``A/DEC/72/512``)."""
    base = f"A/DEC/{session}/{number}"
    return f"{base} {part}" if part else base


def sc_resolution(number: str, year: str) -> str:
    """Symbol of a Security Council resolution (``S/RES/1325 (2000)``)."""
    return f"S/RES/{number} ({year})"


def hrc_resolution(session: str, number: str) -> str:
    """Symbol of a Human Rights Council resolution (``A/HRC/RES/58/13``)."""
    return f"A/HRC/RES/{session}/{number}"


def ecosoc_resolution(year: str, number: str) -> str:
    """Symbol of an Economic and Social Council resolution (``E/RES/1998/36``)."""
    return f"E/RES/{year}/{number}"


def organ_of(symbol: str) -> str | None:
    """Name of the principal organ whose series a symbol belongs to, if the series says so."""
    if symbol.startswith("A/HRC/"):
        return "Human Rights Council"
    head = symbol.split("/", 1)[0]
    return {"A": "General Assembly", "S": "Security Council", "E": "Economic and Social Council"}.get(head)


def find_documents(text: str) -> list[str]:
    """Document symbols printed in ``text``, in order of appearance, normalised."""
    out: list[str] = []
    for m in DOCUMENT_SYMBOL.finditer(text):
        sym = normalise(m.group(0))
        if "/" in sym and re.search(r"\d", sym):
            out.append(sym)
    return out
