"""Working groups and other subsidiary bodies named in a resolution, and future agenda items.

Bodies are resolved through the registry in ``ontology/bodies.ttl`` (names and aliases as
``skos:prefLabel``/``skos:altLabel``).  A mention is matched in three steps:

1. a registry name or alias (case and dash insensitive) gives the registry key;
2. a generic mention (``the Open-ended Working Group``, ``the Group of Governmental Experts``)
   takes the most recent specific mention of the same kind written in the same case,
   earlier in the resolution, or else the first one after it;
3. a specific name the registry does not know (``Ad Hoc Working Group on the Revitalization
   of the Work of the General Assembly``) gets the deterministic fallback key: the slug of
   its name with the article dropped (README, "Bodies").

Mandate years printed with the name (``2021–2025``) become the mandate period; a founding
resolution is taken when the same paragraph says the group's mandate or establishment is
``in accordance with`` / ``established by`` / ``pursuant to`` a resolution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from unld.iri import slug
from unld.parse.dates import ordinal
from unld.resources import ontology_dir

_KINDS = [
    ("open-ended working group", r"open-ended working group"),
    ("ad hoc working group", r"ad hoc working group"),
    ("working group", r"working group"),
    ("group of governmental experts", r"groups? of governmental experts"),
    ("ad hoc committee", r"ad hoc committee"),
    ("preparatory committee", r"preparatory committee"),
]
_MAYBE = re.compile(r"[Gg]roup|[Cc]ommittee")
_KIND_RE = re.compile("|".join(f"(?:{rx})" for _, rx in _KINDS), re.I)
_SMALL = {"on", "of", "the", "and", "in", "for", "to", "a", "an", "at", "by", "with", "its"}
_YEARS = re.compile(r"\s*(\d{4})\s*[–\-]\s*(\d{4})")


@dataclass(frozen=True)
class Body:
    key: str
    kind: str
    name: str
    start: str | None = None
    end: str | None = None
    established_by: str | None = None


def _norm(text: str) -> str:
    t = text.lower().replace("\u2013", "-").replace("\u2014", "-").replace("\u2011", "-")
    t = re.sub(r"\s+", " ", t).strip()
    return re.sub(r"^(?:the|united nations) ", "", t)


@cache
def registry() -> tuple[dict[str, Body], dict[str, str]]:
    """Bodies of the registry by key, and registry keys by normalised name or alias."""
    import pyoxigraph as ox

    store = ox.Store()
    path = ontology_dir() / "bodies.ttl"
    with open(path, "rb") as fh:
        store.load(fh, format=ox.RdfFormat.TURTLE, base_iri="https://w3id.org/unld/")
    q = """
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX unld: <https://w3id.org/unld/ontology#>
    PREFIX time: <http://www.w3.org/2006/time#>
    SELECT ?b ?kind ?name ?alias ?start ?end ?est WHERE {
      ?b skos:prefLabel ?name ; unld:bodyKind ?kind .
      FILTER(LANG(?name) = "en")
      OPTIONAL { ?b skos:altLabel ?alias FILTER(LANG(?alias) = "en") }
      OPTIONAL { ?b unld:mandatePeriod ?m .
                 ?m time:hasBeginning/time:inXSDgYear ?start ; time:hasEnd/time:inXSDgYear ?end .
                 OPTIONAL { ?m unld:establishedBy ?estDoc . ?estDoc unld:symbol ?est } }
    }"""
    bodies: dict[str, Body] = {}
    names: dict[str, str] = {}
    for row in store.query(q):
        key = row["b"].value.rsplit("/body/", 1)[1]
        start = row["start"].value if row["start"] else None
        end = row["end"].value if row["end"] else None
        est = row["est"].value if row["est"] else None
        bodies[key] = Body(key, row["kind"].value, row["name"].value, start, end, est)
        names[_norm(row["name"].value)] = key
        if row["alias"]:
            names[_norm(row["alias"].value)] = key
    return bodies, names


@cache
def _alias_re() -> re.Pattern[str]:
    bodies, names = registry()
    kinds = {k for k, _ in _KINDS}
    alts = sorted((n for n, key in names.items() if bodies[key].kind in kinds), key=len, reverse=True)
    pattern = "|".join(re.escape(a).replace(r"\-", "[-–‑]").replace(r"\ ", r"\s+") for a in alts)
    return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.I)


def _specific_name(text: str, start: int, end: int) -> tuple[str, int]:
    """Extend a kind phrase (``Working Group``) into the body's full name, if one follows.

    Title-case names run while words are capitalised (``... on the Revitalization of the
    Work of the General Assembly``); lower-case names run to the next comma or parenthesis.
    """
    head = text[start:end]
    rest = text[end:]
    title_case = head[:1].isupper() and any(w[:1].isupper() for w in head.split()[1:])
    m = re.match(r"\s+on\s+", rest)
    if not m:
        y = _YEARS.match(rest)
        return (head + y.group(0), end + y.end()) if y else (head, end)
    words = re.findall(r"\S+", rest[m.end() : m.end() + 300])
    taken: list[str] = []
    for i, w in enumerate(words):
        bare = w.rstrip(",;.:)")
        # "... on effects and mechanisms and the ad hoc working group on ...": a new phrase
        if bare == "and" and i + 1 < len(words) and words[i + 1] in ("the", "a", "an", "its"):
            break
        if title_case:
            if not (bare[:1].isupper() or bare.lower() in _SMALL or re.fullmatch(r"[\d–\-]+", bare)):
                break
        elif re.match(r"(?:established|pursuant|which|that|should|shall|to)$", bare):
            break
        taken.append(bare)
        if bare != w:
            break
    while taken and taken[-1].lower() in _SMALL:
        taken.pop()
    if not taken or (title_case and not any(t[:1].isupper() for t in taken)):
        y = _YEARS.match(rest)
        return (head + y.group(0), end + y.end()) if y else (head, end)
    name = head + " on " + " ".join(taken)
    idx = text.find(taken[-1], end + m.end()) + len(taken[-1])
    return name, idx


def _kind_of(phrase: str) -> str:
    low = phrase.lower()
    for kind, rx in _KINDS:
        if re.search(rx, low):
            return kind
    return "body"


def find_working_groups(paragraphs: list[dict], citations: list[dict]) -> list[dict]:
    """Working groups and similar bodies named in the paragraphs, one entry per body.

    Time: linear in the paragraphs' text (one scan per paragraph with the registry's
    compiled alternation)."""
    bodies, names = registry()
    alias_re = _alias_re()
    found: dict[str, dict] = {}
    order: list[str] = []
    mentions: list[tuple[str, str, bool, str]] = []  # (paragraph id, kind, title case, key|"")
    for para in paragraphs:
        text = para["text"]
        if not _MAYBE.search(text):
            continue
        spans: list[tuple[int, int]] = []
        for m in alias_re.finditer(text):
            key = names[_norm(m.group(0))]
            body = bodies[key]
            if body.kind not in {k for k, _ in _KINDS}:
                continue
            spans.append((m.start(), m.end()))
            mentions.append((para["id"], body.kind, m.group(0)[:1].isupper(), key))
            _note(found, order, key, body.name, body.kind, para, body)
            _founding(found[key], text, m.end(), para)
        for m in _KIND_RE.finditer(text):
            if any(s <= m.start() < e for s, e in spans):
                continue
            name, end = _specific_name(text, m.start(), m.end())
            kind = _kind_of(m.group(0))
            key = names.get(_norm(name))
            generic = bool(re.fullmatch("|".join(rx for _, rx in _KINDS) + "|working groups", _norm(name)))
            title = m.group(0)[:1].isupper()
            if key is None and generic:
                mentions.append((para["id"], kind, title, ""))
                continue
            if key is None:
                key = slug(re.sub(r"^(?:the|an?)\s+", "", name, flags=re.I))
            years = _YEARS.search(name)
            _note(found, order, key, name, kind, para, bodies.get(key), years.groups() if years else None)
            _founding(found[key], text, end, para)
            mentions.append((para["id"], kind, title, key))
    # generic mentions take the nearest specific body of the same kind and case
    for i, (pid, kind, title, key) in enumerate(mentions):
        if key:
            continue
        before = [m for m in mentions[:i] if m[3] and m[1] == kind and m[2] == title]
        after = [m for m in mentions[i + 1 :] if m[3] and m[1] == kind and m[2] == title]
        pick = before[-1] if before else (after[0] if after else None)
        if pick is None:
            continue
        entry = found[pick[3]]
        if pid not in entry["in"]:
            entry["in"].append(pid)
    out = []
    for key in order:
        entry = found[key]
        entry["in"] = _ordered(entry["in"], paragraphs)
        out.append(entry)
    return out


def _ordered(ids: list[str], paragraphs: list[dict]) -> list[str]:
    rank = {p["id"]: i for i, p in enumerate(paragraphs)}
    return sorted(set(ids), key=lambda x: rank.get(x, 0))


def _note(
    found: dict,
    order: list,
    key: str,
    name: str,
    kind: str,
    para: dict,
    known: Body | None,
    years: tuple[str, str] | None = None,
) -> None:
    if key not in found:
        start, end = (known.start, known.end) if known else (None, None)
        if years:
            start, end = years
        found[key] = {
            "key": key,
            "name": known.name if known else name,
            "kind": kind,
            "registered": known is not None,
            "mandate": {"start": start, "end": end} if start else None,
            "established_by": known.established_by if known else None,
            "in": [],
        }
        order.append(key)
    if para["id"] not in found[key]["in"]:
        found[key]["in"].append(para["id"])


_FOUNDING = re.compile(
    r"^[^.;]{0,120}?\b(?:mandate|established|establishing|convened|created)\b[^.;]{0,80}?"
    r"\b(?:in accordance with|by|pursuant to|in|under)\s+(?:General Assembly\s+|its\s+)?"
    r"resolution\s+(\d{1,2}/\d{1,3})"
)


def _founding(entry: dict, text: str, pos: int, para: dict) -> None:
    m = _FOUNDING.match(text[pos:])
    if m and not entry.get("established_by"):
        entry["established_by"] = "A/RES/" + m.group(1)


_FUTURE = re.compile(
    r"provisional agenda of its (?P<ord>[\w\-–]+(?:\s[\w]+)?) session"
    r"(?P<mid>[^“\"]{0,160}?)(?:the )?(?:sub-)?items? entitled [“\"](?P<title>[^”\"]+)[”\"]"
)


def find_future_agenda(operative: list[dict]) -> list[dict]:
    """Items the resolution decides to include in the provisional agenda of a later session."""
    out = []
    for para in operative:
        texts = [para] + list(para.get("subparagraphs", []))
        for p in texts:
            for m in _FUTURE.finditer(p["text"]):
                session = ordinal(m.group("ord").replace(" ", "-"))
                if session is None:
                    continue
                sub = re.search(r"under the item entitled [“\"]([^”\"]+)[”\"]", m.group(0))
                out.append(
                    {
                        "session": session,
                        "title": m.group("title").strip(" ,."),
                        "under": sub.group(1) if sub else None,
                        "in": p["id"],
                    }
                )
    return out
