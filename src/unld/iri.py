"""The IRI policy: the one place where things get their IRIs.

IRIs are a public contract (README, "IRI policy").  Every IRI unld publishes is built here,
from a configurable base (default ``https://w3id.org/unld/``):

==========================  ==============================================
thing                       IRI under the base
==========================  ==============================================
UN document                 ``doc/A/RES/76/19``, ``doc/S/RES/2625(2022)``
paragraph, footnote         ``doc/A/RES/76/19#op6a`` (hash IRIs)
session                     ``session/76``
agenda item of a session    ``session/80/agenda/99k``
plenary meeting             ``session/76/meeting/45``
sitting of a meeting        ``session/80/meeting/69#sitting-2025-12-30``
annex and its parts         ``doc/A/RES/79/1#annex-I``, ``doc/A/RES/79/1#annex-p20a``
organ, committee, group     ``body/first-committee``
mandate period of a body    ``body/oewg-ict-2021-2025/mandate/2021-2025``
==========================  ==============================================

Ontology terms live at the fixed namespace :data:`ONTOLOGY`, not under the data base.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from unld.errors import UsageError
from unld.symbols import normalise

DEFAULT_BASE = "https://w3id.org/unld/"
ONTOLOGY = "https://w3id.org/unld/ontology#"

# Characters left alone in a path: RFC 3986 unreserved and the sub-delimiters that UN
# symbols use.  Everything else (spaces are removed first) is percent-encoded.
_SAFE = "/()-._~!$&'*+,;=:@"


def symbol_path(symbol: str) -> str:
    """Path segment of a UN document symbol: the normalised symbol without whitespace.

    ``A/RES/43/78 H`` becomes ``A/RES/43/78H``, ``S/RES/2625 (2022)`` becomes
    ``S/RES/2625(2022)``: guessable from the printed symbol, and valid in any IRI.
    """
    return quote(re.sub(r"\s+", "", normalise(symbol)), safe=_SAFE)


def slug(text: str) -> str:
    """Lower-case ASCII slug used for body keys (``First Committee`` -> ``first-committee``)."""
    s = text.lower().replace("\u2013", "-").replace("\u2014", "-")
    s = re.sub(r"[^a-z0-9]+", "-", s)
    return s.strip("-")


def agenda_key(number: str, sub_item: str | None) -> str:
    """Path key of an agenda item: the number with its sub-item letter (``99k``)."""
    return f"{number}{sub_item or ''}"


@dataclass(frozen=True)
class IriPolicy:
    """IRI templates over one base.  Build one per run; it is cheap and immutable."""

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        if not re.match(r"^https?://[^\s<>\"{}|\\^`]+/$", self.base):
            raise UsageError(f"base IRI {self.base!r} must be an absolute http(s) IRI ending with '/'")

    def document(self, symbol: str) -> str:
        return f"{self.base}doc/{symbol_path(symbol)}"

    def fragment(self, symbol: str, fragment_id: str) -> str:
        return f"{self.document(symbol)}#{fragment_id}"

    def session(self, session: int | str) -> str:
        return f"{self.base}session/{session}"

    def agenda_item(self, session: int | str, number: str, sub_item: str | None = None) -> str:
        return f"{self.session(session)}/agenda/{agenda_key(number, sub_item)}"

    def meeting(self, session: int | str, number: int | str) -> str:
        return f"{self.session(session)}/meeting/{number}"

    def sitting(self, session: int | str, number: int | str, date: str) -> str:
        """One sitting of a plenary meeting, by its date: a meeting that is suspended and
        resumed on another day ("69th (resumed) plenary meeting") has several sittings."""
        return f"{self.meeting(session, number)}#sitting-{date}"

    def body(self, key: str) -> str:
        return f"{self.base}body/{key}"

    def mandate(self, body_key: str, start: str, end: str | None) -> str:
        return f"{self.body(body_key)}/mandate/{start}-{end or 'open'}"

    def undocs(self, symbol: str) -> str:
        """The UN's own symbol resolver, linked with ``rdfs:seeAlso``."""
        return f"https://undocs.org/{symbol_path(symbol)}"
