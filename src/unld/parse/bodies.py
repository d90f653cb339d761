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

import pyoxigraph as ox

from unld.core.iri import slug
from unld.core.namespaces import DEFAULT_BASE
from unld.core.resources import ontology_dir
from unld.parse.dates import ordinal

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
# the patterns of the functions below, compiled once: they run per match and per word
_WHITESPACE = re.compile(r"\s+")
_NORM_ARTICLE = re.compile(r"^(?:the|united nations) ")
_THE = re.compile(r"^the\s+")
_ON = re.compile(r"\s+on\s+")
_WORD = re.compile(r"\S+")
_YEAR_RANGE = re.compile(r"[\d–\-]+")
_CLAUSE_WORD = re.compile(r"(?:established|pursuant|which|that|should|shall|to)$")
_ARTICLE = re.compile(r"^(?:the|an?)\s+", re.I)
_KIND_RES = [(kind, re.compile(rx)) for kind, rx in _KINDS]
_GENERIC = re.compile("|".join(rx for _, rx in _KINDS) + "|working groups")
_UNDER_ITEM = re.compile(r"under the item entitled [“\"]([^”\"]+)[”\"]")


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
    t = _WHITESPACE.sub(" ", t).strip()
    return _NORM_ARTICLE.sub("", t)


@cache
def _registry_store() -> ox.Store:
    store = ox.Store()
    path = ontology_dir() / "bodies.ttl"
    with open(path, "rb") as fh:
        store.load(fh, format=ox.RdfFormat.TURTLE, base_iri=DEFAULT_BASE)
    return store


@cache
def short_names() -> dict[str, str]:
    """Registry keys by normalised short name (``skos:hiddenLabel``): "Scientific Committee"
    names UNSCEAR only once the resolution has named it in full."""
    q = """
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?b ?short WHERE { ?b skos:hiddenLabel ?short FILTER(LANG(?short) = "en") }"""
    return {
        _norm(row["short"].value): row["b"].value.rsplit("/body/", 1)[1]
        for row in _registry_store().query(q)  # type: ignore[union-attr]
    }


@cache
def registry() -> tuple[dict[str, Body], dict[str, str]]:
    """Bodies of the registry by key, and registry keys by normalised name or alias."""
    store = _registry_store()
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
    solutions = store.query(q)
    assert isinstance(solutions, ox.QuerySolutions)
    for row in solutions:
        key = row["b"].value.rsplit("/body/", 1)[1]
        start = row["start"].value if row["start"] else None
        end = row["end"].value if row["end"] else None
        est = row["est"].value if row["est"] else None
        bodies[key] = Body(key, row["kind"].value, row["name"].value, start, end, est)
        names[_norm(row["name"].value)] = key
        if row["alias"]:
            names[_norm(row["alias"].value)] = key
    return bodies, names


def _alternation(names: list[str]) -> str:
    """The names as one regex alternation, longest first, grouped by their first letter.

    Python's ``re`` tries every branch of an alternation at every word start, and under
    ``re.I`` a branch whose first letter differs is not rejected early: with 130 names that
    was the largest cost of reading a resolution.  Branching first on the (case-folded)
    first letter and then on the names that start with it matches exactly what the flat
    alternation matches: at a given position only the names whose first letter matches
    there can match, and they keep their longest-first order within their group.  Names
    that do not start with an ASCII letter or digit keep the flat form.
    """
    alts = sorted(names, key=len, reverse=True)

    def escape(a: str) -> str:
        return re.escape(a).replace(r"\-", "[-–‑]").replace(r"\ ", r"\s+")

    if not all(a[:1].isascii() and a[:1].isalnum() for a in alts):
        return "|".join(escape(a) for a in alts)
    groups: dict[str, list[str]] = {}
    for a in alts:
        groups.setdefault(a[0].lower(), []).append(escape(a[1:]))
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


@cache
def _alias_re() -> re.Pattern[str]:
    bodies, names = registry()
    kinds = {k for k, _ in _KINDS}
    pattern = _alternation([n for n, key in names.items() if bodies[key].kind in kinds])
    return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.I)


def _names_re(names: list[str]) -> re.Pattern[str]:
    pattern = _alternation(names)
    return re.compile(rf"(?<![\w-])(?:the\s+|United\s+Nations\s+)?(?:{pattern})(?![\w-])", re.I)


@cache
def _body_re() -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """Every name and alias of the registry's bodies other than working groups, and their
    short names."""
    bodies, names = registry()
    # working groups are read with their mandates; "United Nations" names the Organization
    # itself in nearly every paragraph ("United Nations system"), not a body of it
    kinds = {k for k, _ in _KINDS} | {"organization"}
    full = _names_re([n for n, key in names.items() if bodies[key].kind not in kinds])
    short = short_names()
    return full, (_names_re(list(short)) if short else None)


def _resolve(found: str) -> str | None:
    """The registry key of a matched name; names are proper names, so a match in lower
    case ("the secretariat of the Scientific Committee") names no registry body."""
    if not _THE.sub("", found)[:1].isupper():
        return None
    _, names = registry()
    norm = _norm(found)
    return names.get(norm) or short_names().get(norm)


def named_in(paragraphs: list[dict]) -> list[list[tuple[int, str]]]:
    """For each paragraph, where it names a registry body (other than a working group) in
    full, and the body's key, in text order.

    The scan with the registry's alternation is the costliest step of reading the bodies;
    :func:`find_bodies` and :func:`find_working_groups` both need it, so the record is
    read with one scan given to both.
    """
    full, _ = _body_re()
    out: list[list[tuple[int, str]]] = []
    for para in paragraphs:
        keys: list[tuple[int, str]] = []
        for m in full.finditer(para["text"]):
            key = _resolve(m.group(0))
            if key:
                keys.append((m.start(), key))
        out.append(keys)
    return out


def find_bodies(paragraphs: list[dict], named_full: list[list[tuple[int, str]]] | None = None) -> list[dict]:
    """Every body of the registry the paragraphs name, other than working groups (which
    :func:`find_working_groups` reads with their mandates): one entry per body, with the
    paragraphs that name it.  A short name ("the Scientific Committee") counts only after
    the full name appeared earlier in the resolution.  ``named_full`` is
    :func:`named_in` of the paragraphs, if already read."""
    bodies, _ = registry()
    _, short = _body_re()
    if named_full is None:
        named_full = named_in(paragraphs)
    found: dict[str, dict] = {}
    named: set[str] = set()
    for para, full_keys in zip(paragraphs, named_full, strict=True):
        text = para["text"]
        keys = list(full_keys)
        if short is not None:
            for m in short.finditer(text):
                key = _resolve(m.group(0))
                if key and (key in named or any(k == key and s < m.start() for s, k in keys)):
                    keys.append((m.start(), key))
        for _, key in sorted(keys):
            named.add(key)
            body = bodies[key]
            entry = found.setdefault(key, {"key": key, "name": body.name, "kind": body.kind, "in": []})
            if para["id"] not in entry["in"]:
                entry["in"].append(para["id"])
    return [found[k] for k in sorted(found, key=lambda k: _first(found[k]["in"], paragraphs))]


def _first(ids: list[str], paragraphs: list[dict]) -> tuple[int, str]:
    rank = {p["id"]: i for i, p in enumerate(paragraphs)}
    return (min(rank.get(i, 0) for i in ids), ids[0])


#: Words after a working group's name that name the body it belongs to: "the ad hoc working
#: group on sources and exposure to assist the Scientific Committee".
_PARENT = re.compile(r"^[^;.:]{0,120}?\b(?:to\s+assist|of|under|within|established\s+by)\s+$")


def _parent_after(text: str, end: int, named: set[str]) -> str | None:
    """The registry body (not a working group) a working group is said to serve or belong to."""
    full, short = _body_re()
    rest = text[end : end + 240]
    for rx in (full, short):
        if rx is None:
            continue
        for m in rx.finditer(rest):
            if not _PARENT.match(rest[: m.start()]):
                continue
            key = _resolve(m.group(0))
            if key and (rx is full or key in named):
                return key
    return None


def _specific_name(text: str, start: int, end: int) -> tuple[str, int]:
    """Extend a kind phrase (``Working Group``) into the body's full name, if one follows.

    Title-case names run while words are capitalised (``... on the Revitalization of the
    Work of the General Assembly``); lower-case names run to the next comma or parenthesis.
    """
    head = text[start:end]
    rest = text[end:]
    title_case = head[:1].isupper() and any(w[:1].isupper() for w in head.split()[1:])
    m = _ON.match(rest)
    if not m:
        y = _YEARS.match(rest)
        return (head + y.group(0), end + y.end()) if y else (head, end)
    words = _WORD.findall(rest[m.end() : m.end() + 300])
    taken: list[str] = []
    for i, w in enumerate(words):
        bare = w.rstrip(",;.:)")
        # "... on effects and mechanisms and the ad hoc working group on ...": a new phrase
        if bare == "and" and i + 1 < len(words) and words[i + 1] in ("the", "a", "an", "its"):
            break
        if title_case:
            if not (bare[:1].isupper() or bare.lower() in _SMALL or _YEAR_RANGE.fullmatch(bare)):
                break
        elif _CLAUSE_WORD.match(bare):
            break
        taken.append(bare)
        if bare != w:
            # a comma inside an enumeration does not end a lower-case name: "on reducing
            # space threats through norms, rules and principles of responsible behaviours"
            if not title_case and w.endswith(",") and _ENUMERATION.match(" ".join(words[i + 1 : i + 6])):
                taken[-1] = w
                continue
            break
    while taken and taken[-1].lower() in _SMALL:
        taken.pop()
    if not taken or (title_case and not any(t[:1].isupper() for t in taken)):
        y = _YEARS.match(rest)
        return (head + y.group(0), end + y.end()) if y else (head, end)
    name = head + " on " + " ".join(taken)
    idx = text.find(taken[-1], end + m.end()) + len(taken[-1])
    return name, idx


_ENUMERATION = re.compile(r"^(?:[a-z\-]+,?\s+){0,2}?(?:and|or)\s+[a-z]")


def _kind_of(phrase: str) -> str:
    low = phrase.lower()
    for kind, rx in _KIND_RES:
        if rx.search(low):
            return kind
    return "body"


def find_working_groups(
    paragraphs: list[dict],
    citations: list[dict],
    symbol: str | None = None,
    named_full: list[list[tuple[int, str]]] | None = None,
) -> list[dict]:
    """Working groups and similar bodies named in the paragraphs, one entry per body.

    ``symbol`` is the resolution's own: a paragraph that "Decides to establish" a group
    makes the resolution its founding act.  A group said to assist or belong to another
    body of the registry ("... to assist the Scientific Committee") is that body's part.
    ``named_full`` is :func:`named_in` of the paragraphs, if already read.

    Time: linear in the paragraphs' text (one scan per paragraph with the registry's
    compiled alternation).
    """
    bodies, names = registry()
    alias_re = _alias_re()
    if named_full is None:
        named_full = named_in(paragraphs)
    found: dict[str, dict] = {}
    order: list[str] = []
    mentions: list[tuple[str, str, bool, str]] = []  # (paragraph id, kind, title case, key|"")
    named: set[str] = set()  # registry bodies named in full so far (short names need them)
    for para, full_keys in zip(paragraphs, named_full, strict=True):
        text = para["text"]
        named.update(k for _, k in full_keys)
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
            _context(found[key], text, m.start(), m.end(), named, symbol)
        for m in _KIND_RE.finditer(text):
            if any(s <= m.start() < e for s, e in spans):
                continue
            name, end = _specific_name(text, m.start(), m.end())
            kind = _kind_of(m.group(0))
            known_key = names.get(_norm(name))
            generic = bool(_GENERIC.fullmatch(_norm(name)))
            title = m.group(0)[:1].isupper()
            if known_key is None and generic:
                mentions.append((para["id"], kind, title, ""))
                continue
            key = known_key or slug(_ARTICLE.sub("", name))
            years = _YEARS.search(name)
            span = (years.group(1), years.group(2)) if years else None
            _note(found, order, key, name, kind, para, bodies.get(key), span)
            _founding(found[key], text, end, para)
            _context(found[key], text, m.start(), end, named, symbol)
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


_ESTABLISH = re.compile(
    r"\b[Dd]ecides\s+(?:also\s+|further\s+)?to\s+(?:establish|re-establish|convene|create|set\s+up)\b[^;.:]*$"
)


def _context(entry: dict, text: str, start: int, end: int, named: set[str], symbol: str | None) -> None:
    """What the words around a mention say of the group: who founded it, whose part it is."""
    if symbol and not entry.get("established_by") and _ESTABLISH.search(text[:start]):
        entry["established_by"] = symbol
    if not entry.get("parent"):
        parent = _parent_after(text, end, named)
        if parent:
            entry["parent"] = parent


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
            "parent": None,
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
                sub = _UNDER_ITEM.search(m.group(0))
                out.append(
                    {
                        "session": session,
                        "title": m.group("title").strip(" ,."),
                        "under": sub.group(1) if sub else None,
                        "in": p["id"],
                    }
                )
    return out
