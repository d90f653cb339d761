"""The IRI policy: the one place where things get their IRIs.

IRIs are a public contract (README, "IRI policy").  Every IRI unld publishes is built here,
from a configurable base (default ``https://w3id.org/unld/``):

==========================  ==============================================
thing                       IRI under the base
==========================  ==============================================
UN document                 ``doc/A/RES/76/19``, ``doc/S/RES/2625(2022)``
paragraph, footnote         ``doc/A/RES/76/19#op6a`` (hash IRIs)
citation of a paragraph     ``doc/A/RES/76/19#cit-op4-1`` (hash IRIs)
session of an organ         ``A/session/76`` (``A/HRC/session/59``)
agenda item of a session    ``A/session/80/agenda/99k``
meeting of an organ         ``A/session/76/meeting/45``; ``S/meeting/9836``
sitting of a meeting        ``A/session/80/meeting/69#sitting-2025-12-30``
annex and its parts         ``doc/A/RES/79/1#annex-I``, ``doc/A/RES/79/1#annex-p20a``
organ, committee, group     ``body/first-committee``
mandate period of a body    ``body/oewg-ict-2021-2025/mandate/2021-2025``
Council mandate period      ``body/unficyp/mandate/2025-01-31--2026-01-31``
==========================  ==============================================

Sessions, meetings and agenda items are scoped by the organ's symbol series (``A`` for the
General Assembly, ``S`` for the Security Council, ``E`` for the Economic and Social Council,
``A/HRC`` for the Human Rights Council): the UN's own namespace, so that session 76 of the
Assembly and a session 76 of another organ never share an IRI, and an organ without
sessions (the Council numbers its meetings without them) still has a place.

Ontology terms live at the fixed namespace :data:`unld.core.namespaces.UNLD`, not under the data base.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from urllib.parse import quote

from unld.core.errors import UsageError
from unld.core.namespaces import DEFAULT_BASE
from unld.core.symbols import normalise

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


#: The symbol series of organs whose resolutions do not say it themselves.
_ORGAN_SERIES = {
    "General Assembly": "A",
    "Security Council": "S",
    "Economic and Social Council": "E",
    "Human Rights Council": "A/HRC",
}


def organ_series(symbol: str | None, organ: str | None = None) -> str:
    """The symbol series of the organ that adopted ``symbol``: what comes before ``/RES/``.

    ``A/RES/76/19`` gives ``A``, ``S/RES/2768 (2025)`` gives ``S``, ``A/HRC/RES/59/1``
    gives ``A/HRC``; a symbol without ``/RES/`` or ``/DEC/`` falls back to the organ's name
    (the General Assembly when nothing is known).
    """
    if symbol:
        m = re.match(
            r"^([A-Z][A-Za-z0-9.\-]*(?:/[A-Z][A-Za-z0-9.\-]*)*?)/(?:RES|DEC|PRST)/", normalise(symbol)
        )
        if m:
            return m.group(1)
    return _ORGAN_SERIES.get(organ or "General Assembly", "A")


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

    def citation(self, symbol: str, fragment_id: str, rank: int) -> str:
        """A citation node: the ``rank``-th citation of a paragraph (``#cit-op4-1``)."""
        return self.fragment(symbol, f"cit-{fragment_id}-{rank}")

    def organ(self, series: str) -> str:
        """The namespace of an organ's sessions and meetings (``A/``, ``S/``, ``A/HRC/``)."""
        return f"{self.base}{quote(series, safe=_SAFE)}/"

    def session(self, series: str, session: int | str) -> str:
        return f"{self.organ(series)}session/{session}"

    def agenda_item(self, series: str, session: int | str, number: str, sub_item: str | None = None) -> str:
        return f"{self.session(series, session)}/agenda/{agenda_key(number, sub_item)}"

    def meeting(self, series: str, session: int | str | None, number: int | str) -> str:
        """A meeting: under its session where the organ has sessions, else under the organ."""
        if session is None:
            return f"{self.organ(series)}meeting/{number}"
        return f"{self.session(series, session)}/meeting/{number}"

    def is_organ_scoped(self, iri: str) -> bool:
        """Whether ``iri`` names a session, agenda item or meeting of an organ."""
        if not iri.startswith(self.base):
            return False
        path = iri[len(self.base) :].split("#", 1)[0]
        if path.split("/", 1)[0] in ("doc", "graph", "body", "phrase"):
            return False
        return "/session/" in f"/{path}" or "/meeting/" in f"/{path}"

    def sitting(self, series: str, session: int | str | None, number: int | str, date: str) -> str:
        """One sitting of a meeting, by its date: a meeting that is suspended and resumed on
        another day ("69th (resumed) plenary meeting") has several sittings."""
        return f"{self.meeting(series, session, number)}#sitting-{date}"

    @staticmethod
    def source(sha256_hex: str) -> str:
        """A source file, named by its content: an RFC 6920 ``ni:`` IRI of its SHA-256.

        ``ni:///sha-256;<digest>`` with the digest in base64url without padding, the form
        the IANA registry of named information hash algorithms defines (``urn:sha256:`` is
        no registered URN namespace).  It does not depend on the base: the file is the
        same whoever publishes it.
        """
        digest = base64.urlsafe_b64encode(bytes.fromhex(sha256_hex)).rstrip(b"=").decode("ascii")
        return f"ni:///sha-256;{digest}"

    def dataset(self) -> str:
        """The dataset this build publishes (its VoID and DCAT description)."""
        return f"{self.base}dataset"

    def body(self, key: str) -> str:
        return f"{self.base}body/{key}"

    def mandate(self, body_key: str, start: str, end: str | None) -> str:
        return f"{self.body(body_key)}/mandate/{start}-{end or 'open'}"

    def mandate_dates(self, body_key: str, start: str, end: str | None) -> str:
        """A mandate period given by dates (the Council's): ``<body>/mandate/2025-01-31--2026-01-31``.

        The beginning is the adoption date of the resolution that decides the period, the
        end the date the text gives (``open`` when it gives none); the double hyphen keeps
        the two ISO dates apart.
        """
        return f"{self.body(body_key)}/mandate/{start}--{end or 'open'}"

    def meeting_record(self, series: str, number: int | str) -> str:
        """The verbatim record of a meeting of the Council: ``doc/S/PV.9836``."""
        return self.document(f"{series}/PV.{number}")

    def undocs(self, symbol: str) -> str:
        """The UN's own symbol resolver, linked with ``rdfs:seeAlso``."""
        return f"https://undocs.org/{symbol_path(symbol)}"
