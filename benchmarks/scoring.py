"""Scoring the parser against hand-made gold annotations (``benchmarks/accuracy.py``).

The gold files (one JSON per corpus file) hold what a careful reader finds in each
resolution.  :func:`project` reduces a record to the same fields, :func:`score` compares
them: scalar fields score 1 or 0, sets score their F1, ordered lists (lead phrases) score
the share of positions that agree.  A gold value of ``null`` is not scored.
"""

from __future__ import annotations

import difflib

SCALARS = [
    "symbol",
    "session",
    "adopted_on",
    "title",
    "committee",
    "basis_document",
    "basis_paragraph",
    "meeting_number",
    "meeting_date",
    "n_preambular",
    "n_operative",
    "n_footnotes",
    "has_annex",
]
LISTS = ["agenda_items", "basis_documents", "operative_leads", "preambular_leads"]
SETS = ["cited_resolutions", "cited_sc_resolutions", "cited_decisions", "footnote_documents"]
FIELDS = SCALARS + LISTS + SETS


def project(record: dict) -> dict:
    """The gold fields of a record."""
    basis = record.get("basis") or {}
    meeting = record.get("meeting") or {}
    cites = record.get("citations", [])

    def targets(kind: str, body: str) -> list[str]:
        return sorted({c["target"] for c in cites if c["kind"] == kind and c["body"] == body and c["target"]})

    docs = sorted({d for fn in record.get("footnotes", []) for d in fn["documents"]})
    return {
        "symbol": record.get("symbol"),
        "session": record.get("session"),
        "adopted_on": record.get("adopted_on"),
        "title": record.get("title"),
        "agenda_items": [
            a["number"] + (f" ({a['sub_item']})" if a.get("sub_item") else "")
            for a in record.get("agenda_items", [])
        ],
        "committee": basis.get("committee"),
        "basis_document": (basis.get("documents") or [None])[0],
        "basis_documents": basis.get("documents") or [],
        "basis_paragraph": basis.get("paragraph"),
        "meeting_number": meeting.get("number"),
        "meeting_date": meeting.get("date"),
        "n_preambular": len(record.get("preambular_paragraphs", [])),
        "n_operative": len(record.get("operative_paragraphs", [])),
        "operative_leads": [p["lead"] for p in record.get("operative_paragraphs", [])],
        "preambular_leads": [p["lead"] for p in record.get("preambular_paragraphs", [])],
        "cited_resolutions": targets("resolution", "General Assembly"),
        "cited_sc_resolutions": targets("resolution", "Security Council"),
        "cited_decisions": targets("decision", "General Assembly"),
        "footnote_documents": docs,
        "n_footnotes": len(record.get("footnotes", [])),
        "has_annex": any(a["kind"] == "annex" for a in record.get("annexes", [])),
    }


def f1(got: list, want: list) -> float:
    g, w = set(got), set(want)
    if not g and not w:
        return 1.0
    tp = len(g & w)
    if tp == 0:
        return 0.0
    p, r = tp / len(g), tp / len(w)
    return 2 * p * r / (p + r)


def sequence(got: list, want: list) -> float:
    if not got and not want:
        return 1.0
    sm = difflib.SequenceMatcher(a=got, b=want, autojunk=False)
    matched = sum(b.size for b in sm.get_matching_blocks())
    return matched / max(len(got), len(want))


def score(got: dict, gold: dict) -> dict[str, float | None]:
    """Per-field score of one document (``None`` where gold says not to score)."""
    out: dict[str, float | None] = {}
    for field in FIELDS:
        want = gold.get(field)
        if want is None:
            out[field] = None
            continue
        have = got.get(field)
        if field in SETS:
            out[field] = f1(have or [], want)
        elif field in ("operative_leads", "preambular_leads"):
            out[field] = sequence(have or [], want)
        elif field in LISTS:
            out[field] = 1.0 if list(have or []) == list(want) else 0.0
        else:
            out[field] = 1.0 if have == want else 0.0
    return out


# --- the Security Council's answer keys (../shared/sc/gold; docs/security-council.md) ---

COUNCIL_SCALARS = [
    "symbol",
    "adopted_on",
    "meeting_number",
    "vote",
    "n_preambular",
    "n_operative",
    "n_footnotes",
]
COUNCIL_LISTS = ["preambular_leads", "operative_leads", "paragraph_texts_sample"]
COUNCIL_SETS = ["cited_sc_resolutions", "cited_ga_resolutions", "cited_documents", "mandates"]
COUNCIL_FIELDS = COUNCIL_SCALARS + COUNCIL_LISTS + COUNCIL_SETS
_VOTE_KEYS = ("yes", "no", "abstentions", "unanimous", "text")


def is_council_gold(gold: dict) -> bool:
    """Whether an answer key is the Council's (it scores ``vote`` and ``mandates``)."""
    return "mandates" in gold


def _body_ident(body: str | None, acronym: str | None) -> str:
    """One body however it is spelled: its registry key (by name or acronym), else its name."""
    from unld.parse.mandates import _norm, council_registry

    _, names, _ = council_registry()
    for n in (body, acronym):
        if n and _norm(n) in names:
            return names[_norm(n)]
    return _norm(body or acronym or "")


def mandate_keys(mandates: list[dict]) -> list[tuple[str, str, str | None]]:
    """Mandates as the scored set: (body, action, end date)."""
    return [(_body_ident(m["body"], m.get("acronym")), m["action"], m.get("until")) for m in mandates]


def project_council(record: dict) -> dict:
    """The Council answer-key fields of a record."""
    cites = record.get("citations", [])

    def targets(kind: str, body: str) -> list[str]:
        return sorted({c["target"] for c in cites if c["kind"] == kind and c["body"] == body and c["target"]})

    vote = record.get("vote")
    ops = record.get("operative_paragraphs", [])
    return {
        "symbol": record.get("symbol"),
        "adopted_on": record.get("adopted_on"),
        "meeting_number": (record.get("meeting") or {}).get("number"),
        "vote": {k: vote.get(k) for k in _VOTE_KEYS} if vote else None,
        "n_preambular": len(record.get("preambular_paragraphs", [])),
        "n_operative": len(ops),
        # the key counts the footnotes printed, those of an annex too
        "n_footnotes": len(record.get("footnotes", []))
        + sum(len(a.get("footnotes", [])) for a in record.get("annexes", [])),
        "preambular_leads": [p["lead"] for p in record.get("preambular_paragraphs", [])],
        "operative_leads": [p["lead"] for p in ops],
        "paragraph_texts_sample": _with_subparagraphs(ops[0]) if ops else None,
        "cited_sc_resolutions": targets("resolution", "Security Council"),
        "cited_ga_resolutions": targets("resolution", "General Assembly"),
        "cited_documents": sorted({c["target"] for c in cites if c["kind"] == "document" and c["target"]}),
        "mandates": mandate_keys(record.get("mandates", [])),
    }


def _with_subparagraphs(p: dict) -> str:
    """A paragraph's text with its sub-paragraphs, as printed: ``Decides: (a) To call ...``."""
    parts = [p["text"]]
    for sub in p.get("subparagraphs", []):
        parts.append(f"({sub['label']}) {_with_subparagraphs(sub)}")
    return " ".join(parts)


def score_council(got: dict, gold: dict) -> dict[str, float | None]:
    """Per-field score of one Council document (a ``null`` vote is not scored)."""
    out: dict[str, float | None] = {}
    for field in COUNCIL_FIELDS:
        want = gold.get(field)
        if want is None:
            out[field] = None
            continue
        have = got.get(field)
        if field == "mandates":
            out[field] = f1(have or [], mandate_keys(want))
        elif field in COUNCIL_SETS:
            out[field] = f1(have or [], want)
        elif field in ("operative_leads", "preambular_leads"):
            out[field] = sequence(have or [], want)
        elif field == "vote":
            out[field] = 1.0 if have == {k: want.get(k) for k in _VOTE_KEYS} else 0.0
        elif field == "paragraph_texts_sample":
            out[field] = 1.0 if " ".join(str(have).split()) == " ".join(want.split()) else 0.0
        else:
            out[field] = 1.0 if have == want else 0.0
    return out
