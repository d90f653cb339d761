"""Mandates decided by the Security Council: establish, renew, extend or terminate.

Most Council resolutions exist to decide the mandate of a named body for a period: ``To
renew the mandate of the United Nations Disengagement Observer Force for another period of
six months, that is, until 31 May 1987``.  Each such decision becomes one record entry:
the body (as printed, resolved to one registry key so that ``United Nations Peace-keeping
Force in Cyprus`` of 1964 and ``UNFICYP`` of 2025 are one node), the action, the date the
period ends and the paragraph that decides it.

Bodies with a generic name are told apart by their *regime*: the resolution that set them
up, printed beside the name (``the Panel of Experts ... established by paragraph 24 of
resolution 1973 (2011)``).  A body the registry (``ontology/bodies.ttl``) does not know
gets a key made of its name's slug (and its regime for generic names): deterministic, and
the same in every resolution that spells it the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from unld.core import symbols
from unld.core.iri import slug
from unld.core.namespaces import DEFAULT_BASE
from unld.core.resources import ontology_dir
from unld.parse.dates import DATE, iso_date

#: Kinds of Council bodies in the registry whose mandates the reader follows.
COUNCIL_KINDS = {"peacekeeping operation", "political mission", "panel of experts", "sanctions committee"}

_VERB = re.compile(
    r"\b(?P<verb>extend|extends|renew|renews|establish|establishes|terminate|terminates"
    r"|creation|establishment)\b",
    re.I,
)
_ACTION = {
    "extend": "extend",
    "renew": "renew",
    "establish": "establish",
    "terminate": "terminate",
    "creation": "establish",
    "establishment": "establish",
}
# where a clause of an operative paragraph ends: a semicolon, a full stop, or a new verb
_CLAUSE_END = re.compile(
    r";|\.(?=\s+[A-Z])|\.\s*$|,\s+and\s+(?:further\s+|also\s+)?(?:decides|authorizes|requests|reaffirms|affirms"
    r"|calls|urges|expresses|underlines|stresses|emphasizes|encourages)\b"
)
_NAME_WORD = r"(?:[A-Z][\w’'\-]*|of|in|the|for|on|and|d’|de|du|en)"
_NAME = re.compile(rf"(?:United Nations|[A-Z][\w’'\-]*)(?:\s+{_NAME_WORD}){{0,14}}")
_ACRONYM = re.compile(r"\b[A-Z]{3,}[A-Z0-9]*\b")
_OBJECT = re.compile(
    r"(?:the\s+(?:present\s+)?(?:mandate|terms\s+of\s+reference)|the\s*,?\s*stationing"
    r"(?:\s+in\s+(?P<place>[A-Z]\w+))?)\s+of\s+(?:the\s+)?(?P<rest>.*)",
    re.S,
)
_ITS_MANDATE = re.compile(r"\bits\s+(?:present\s+)?mandate\b")
_GENERIC = {"force", "mission", "panel", "group", "office", "committee", "operation"}
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)
_UNTIL = re.compile(rf"\b(?:until|ending(?:\s+on)?|expiring\s+on|through)\s+(?P<date>{DATE.pattern})")
# a termination takes effect on a date: "terminate the mandate of UNAMI on 31 December 2025"
_ENDS_ON = re.compile(rf"\b(?:on|as\s+of|effective|with\s+effect\s+from)\s+(?P<date>{DATE.pattern})")
_REGIME = re.compile(r"resolution\s+(?P<num>\d{1,5})\s*\((?P<year>\d{4})\)")


@dataclass(frozen=True)
class CouncilBody:
    key: str
    name: str
    acronym: str | None
    kind: str
    regime: str | None


def _norm(text: str) -> str:
    t = text.lower().replace("\u2013", "-").replace("\u2014", "-").replace("\u2011", "-")
    t = t.replace("’", "'").replace("-", "")
    t = re.sub(r"\s+", " ", t).strip()
    return re.sub(r"^(?:the )?(?:united nations )?", "", t)


@cache
def council_registry() -> tuple[dict[str, CouncilBody], dict[str, str], dict[str, str]]:
    """Council bodies by key, keys by normalised name/alias/acronym, keys by regime symbol."""
    import pyoxigraph as ox

    store = ox.Store()
    with open(ontology_dir() / "bodies.ttl", "rb") as fh:
        store.load(fh, format=ox.RdfFormat.TURTLE, base_iri=DEFAULT_BASE)
    q = """
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX unld: <https://w3id.org/unld/ontology#>
    SELECT ?b ?kind ?name ?alias ?acronym ?regime WHERE {
      ?b skos:prefLabel ?name ; unld:bodyKind ?kind .
      FILTER(LANG(?name) = "en")
      OPTIONAL { ?b skos:altLabel ?alias FILTER(LANG(?alias) = "en") }
      OPTIONAL { ?b unld:acronym ?acronym }
      OPTIONAL { ?b unld:regime/unld:symbol ?regime }
    } ORDER BY ?b ?alias"""
    bodies: dict[str, CouncilBody] = {}
    names: dict[str, str] = {}
    regimes: dict[str, str] = {}
    rows = store.query(q)
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        kind = row["kind"].value
        if kind not in COUNCIL_KINDS:
            continue
        key = row["b"].value.rsplit("/body/", 1)[1]
        acronym = row["acronym"].value if row["acronym"] else None
        regime = row["regime"].value if row["regime"] else None
        bodies[key] = CouncilBody(key, row["name"].value, acronym, kind, regime)
        names[_norm(row["name"].value)] = key
        if row["alias"]:
            names[_norm(row["alias"].value)] = key
        if acronym:
            names[_norm(acronym)] = key
        if regime:
            regimes[regime] = key
    return bodies, names, regimes


def _clause(text: str, start: int) -> str:
    m = _CLAUSE_END.search(text, start)
    return text[start : m.start() if m else len(text)]


def _name_at(text: str) -> tuple[str | None, str | None]:
    """The body named at the start of ``text``: its name and the acronym printed after it."""
    text = _ARTICLE.sub("", text.lstrip(" ,"))
    m = _NAME.match(text)
    if not m:
        return None, None
    name = re.sub(r"(?:\s+(?:of|in|the|for|on|and|d’|de|du|en))+$", "", m.group(0))
    after = text[len(name) :]
    acr = re.match(r"\s*\((?:the\s+)?(?P<a>[A-Z][A-Za-z]{2,}[A-Z0-9]*)\)", after)
    return name, acr.group("a") if acr else None


def _mentions(full_text: str) -> list[tuple[int, str, str | None]]:
    """Every ``Name (ACRONYM)`` definition in the text: where, the name, the acronym."""
    out = []
    for m in re.finditer(
        r"(?P<n>(?:United Nations|[A-Z][\w’'\-]*)(?:\s+" + _NAME_WORD + r"){0,14})\s*"
        r"\((?:the\s+)?(?P<a>[A-Z][A-Za-z]{2,}[A-Z0-9]*)\)",
        full_text,
    ):
        out.append((m.start(), m.group("n"), m.group("a")))
    return out


# "as most recently extended by resolution 2675 (2023)": history, not the regime
_HISTORY = re.compile(r"(?:extended|renewed|modified|amended|expanded|updated|adjusted)\b[^;]{0,40}$", re.I)


def _regime_near(full_text: str, name: str) -> str | None:
    """The resolution that set up a generic body: the first one cited just after its name
    (``established by``, ``pursuant to``), not one that later extended or modified it."""
    for m in re.finditer(re.escape(name), full_text):
        window = full_text[m.end() : m.end() + 160]
        cut = re.search(r";", window)
        window = window[: cut.start()] if cut else window
        for r in _REGIME.finditer(window):
            if _HISTORY.search(window[max(0, r.start() - 60) : r.start()]):
                continue
            return symbols.sc_resolution(r.group("num"), r.group("year"))
    return None


#: Words of generic body names: a name made of these alone is told apart by its regime.
_GENERIC_WORDS = {
    "panel", "group", "committee", "team", "monitoring", "experts", "of", "the", "security",
    "council", "sanctions", "analytical", "support", "and",
}  # fmt: skip


def is_generic(name: str) -> bool:
    """``Panel of Experts``, ``Monitoring Group``, ``Committee of the Security Council``."""
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", name)}
    return bool(words) and words <= _GENERIC_WORDS and bool(words & {"panel", "group", "committee", "team"})


def resolve(
    name: str | None, acronym: str | None, full_text: str, before: str, own: str | None = None
) -> tuple[str, str, str | None, str | None] | None:
    """Key, printed name, acronym and regime of a body named ``name`` (or ``acronym``).

    A generic name (``the Force``, ``the Panel``) is the most recent specific mention of a
    body with that head word earlier in the resolution.
    """
    bodies, names, regimes = council_registry()
    if name and _ACRONYM.fullmatch(name) and not acronym:
        name, acronym = None, name
    if name and name.split()[-1].lower() in _GENERIC and len(name.split()) == 1:
        head = name.lower()
        # "the Panel": its full name ("Panel of Experts"), the definition "... (Panel)",
        # or the last capitalised mention with the same head word
        full = re.search(rf"\b{name}\s+of\s+[A-Z][\w\-]*(?:\s+(?:on|in|for)\s+[A-Z][\w\-]*)?", before)
        defined = [n for _, n, a in _mentions(before) if a and a.lower() == head]
        if full:
            name = full.group(0)
        elif defined:
            name = defined[-1]
        else:
            cands = [
                m
                for m in re.finditer(
                    rf"(?:United Nations\s+)?[A-Z][\w\-]*(?:\s+{_NAME_WORD}){{0,10}}", before
                )
            ]
            for m in reversed(cands):
                n = re.sub(r"(?:\s+(?:of|in|the|for|on|and))+$", "", m.group(0))
                if head in n.lower().split() and len(n.split()) > 1:
                    name = n
                    break
    if name is None and acronym:
        # the acronym alone: its definition in the text, else the registry's name
        for _, n, a in _mentions(full_text):
            if a == acronym:
                name = n
                break
    if acronym is None and name:
        for _, n, a in _mentions(full_text):
            if _norm(n) == _norm(name):
                acronym = a
                break
    key = None
    regime = None
    if name and is_generic(name):
        regime = _regime_near(full_text, name) or own
        if regime and regime in regimes:
            key = regimes[regime]
    if key is None and name and _norm(name) in names:
        key = names[_norm(name)]
    if key is None and acronym and _norm(acronym) in names:
        key = names[_norm(acronym)]
    if key is None and name:
        key = slug(_ARTICLE.sub("", name))
        if regime:
            key = f"{key}-{slug(regime.replace('S/RES/', 's-res-'))}"
    if key is None and acronym:
        # an acronym the text does not define and the registry does not know
        key = slug(acronym)
    if key is None:
        return None
    body = bodies.get(key)
    if name is None and body is not None:
        name = body.name
    if body is not None and acronym is None:
        acronym = body.acronym
    return key, name or key, acronym, regime


def _paragraphs(record: dict) -> list[tuple[str, dict]]:
    """Operative paragraphs and their sub-paragraphs, each with its printed label (``1(b)``)."""
    out: list[tuple[str, dict]] = []
    for k, op in enumerate(record["operative_paragraphs"], start=1):
        label = op["number"] or str(k)
        out.append((label, op))
        for sub in op.get("subparagraphs", []):
            out.append((f"{label}({sub['label']})", sub))
    return out


def find_mandates(record: dict) -> list[dict]:
    """The mandate decisions of a Council record, in the order of its paragraphs."""
    paragraphs = record["preambular_paragraphs"] + record["operative_paragraphs"]
    full_text = "\n".join(p["text"] for p in paragraphs)
    out: list[dict] = []
    seen: set[tuple] = set()
    for label, para in _paragraphs(record):
        text = para["text"]
        offset = full_text.find(text[:80]) if text else -1
        for v in _VERB.finditer(text):
            verb = (
                v.group("verb").lower().rstrip("s")
                if v.group("verb").lower() not in ("creation",)
                else "creation"
            )
            verb = "establishment" if v.group("verb").lower() == "establishment" else verb
            action = _ACTION.get(verb)
            if action is None:
                continue
            before_verb = text[: v.start()]
            if action in ("extend", "renew", "terminate") and re.search(
                r"(?:\b(?:was|were|been|be|as)\s+|previously\s+|recently\s+)$", before_verb
            ):
                continue  # "as most recently renewed by", "previously extended by"
            clause = _clause(text, v.end())
            found = _decided_body(clause, action)
            if found is None and action in ("extend", "renew", "terminate") and _ITS_MANDATE.search(clause):
                # "support for UNFICYP, and decides to extend its mandate": the body named before
                prev = [m.group(0) for m in _ACRONYM.finditer(before_verb)]
                found = (None, prev[-1]) if prev else None
            if found is None:
                continue
            name, acronym = found
            before = full_text[: offset + v.start()] if offset >= 0 else full_text
            # a generic body established here serves this resolution's own regime
            own = record["symbol"] if action == "establish" else None
            resolved = resolve(name, acronym, full_text, before, own)
            if resolved is None:
                continue
            key, printed, acr, regime = resolved
            until = _UNTIL.search(clause) or (_ENDS_ON.search(clause) if action == "terminate" else None)
            known = council_registry()[0].get(key)
            entry = {
                "body": printed,
                "acronym": acr,
                "key": key,
                "registered": known is not None,
                "kind": known.kind if known else kind_of(printed),
                "regime": regime,
                "action": action,
                "until": iso_date(until.group("date")) if until else None,
                "paragraph": label,
                "in": para["id"],
                "text": (v.group(0) + clause).strip(" ,"),
            }
            sig = (key, action, entry["until"], label)
            if sig not in seen:
                seen.add(sig)
                out.append(entry)
        # the passive: "Decides that the mandate of UNMISS shall be extended until 30 April 2026"
        for pm in _PASSIVE.finditer(text):
            name, acronym = _name_at(pm.group("rest")) if pm.group("rest") else (pm.group("acr"), None)
            if not name:
                continue
            before = full_text[: offset + pm.start()] if offset >= 0 else full_text
            resolved = resolve(name, acronym, full_text, before)
            if resolved is None:
                continue
            key, printed, acr, regime = resolved
            action = _ACTION[
                pm.group("verb").lower()[:-2] if pm.group("verb").lower() != "established" else "establish"
            ]
            clause = _clause(text, pm.end())
            until = _UNTIL.search(clause)
            sig = (key, action, iso_date(until.group("date")) if until else None, label)
            if sig in seen:
                continue
            seen.add(sig)
            known = council_registry()[0].get(key)
            out.append(
                {
                    "body": printed,
                    "acronym": acr,
                    "key": key,
                    "registered": known is not None,
                    "kind": known.kind if known else kind_of(printed),
                    "regime": regime,
                    "action": action,
                    "until": sig[2],
                    "paragraph": label,
                    "in": para["id"],
                    "text": (pm.group(0) + clause).strip(" ,"),
                }
            )
    return out


_POSSESSIVE = re.compile(
    r"^(?:\s*,[^,]*,)?\s*(?:the\s+)?(?P<acr>[A-Z][A-Z0-9]{2,})[’']s\s+(?:present\s+)?mandate\b"
)
_PASSIVE = re.compile(
    r"(?:\bthe\s+(?:present\s+)?mandate\s+of\s+(?:the\s+)?(?P<rest>[A-Z][^;]{0,200}?)"
    r"|\b(?P<acr>[A-Z][A-Z0-9]{2,})[’']s\s+(?:present\s+)?mandate)\s+(?:shall|should|will|is|be)"
    r"(?:\s+hereby)?\s+(?:be\s+)?(?P<verb>extended|renewed|terminated)\b"
)


def kind_of(name: str) -> str:
    """The kind of a body the registry does not know, from the words of its name."""
    low = name.lower()
    if "panel" in low or "group of experts" in low:
        return "panel of experts"
    if "committee" in low:
        return "sanctions committee"
    if re.search(r"assistance mission|political|office|support mission|verification mission", low):
        return "political mission"
    return "peacekeeping operation"


def _decided_body(clause: str, action: str) -> tuple[str | None, str | None] | None:
    """The body whose mandate ``clause`` (what follows the verb) decides, if it names one."""
    own = _POSSESSIVE.match(clause)
    if own:
        # "extend UNFICYP’s mandate until ..."
        return None, own.group("acr")
    m = _OBJECT.search(clause)
    if m:
        name, acr = _name_at(m.group("rest"))
        if name and m.group("place") and not re.search(r"\bin\s+[A-Z]", name):
            name = f"{name} in {m.group('place')}"
        return (name, acr) if name else None
    if action == "establish":
        # "the creation ... of a United Nations Peace-keeping Force", "establish, ..., a Committee"
        m = re.match(r"^(?:\s*,[^,]*,)?\s*(?:of\s+)?(?:a|an|the)\s+(?P<rest>[A-Z].*)", clause, re.S)
        if m is None:
            m = re.search(r",\s*of\s+(?:a|an|the)\s+(?P<rest>(?:United Nations|[A-Z]).*)", clause, re.S)
        if m:
            rest = m.group("rest")
            low = re.match(
                r"(?:United Nations\s+)?(?:[a-z][\w\-]*\s+){0,3}?(?:component|force|mission|group|office)\b",
                rest,
            )
            if low:
                # "a United Nations police component": a body named in lower case
                return low.group(0), None
            name, acr = _name_at(rest)
            if name and {w.lower() for w in name.split()} & (_GENERIC | {"component"}):
                return name, acr
        return None
    # "renew, with effect from ... until 13 January 2026, the Panel, with the following mandate"
    m = re.match(r"^(?:\s*,[^,]*,)?\s*(?:until\s+[^,]+?\s+)?the\s+(?P<rest>[A-Z].*)", clause, re.S)
    if m:
        name, acr = _name_at(m.group("rest"))
        if (
            name
            and (name.split()[-1].lower() in _GENERIC or _ACRONYM.fullmatch(name))
            and (
                re.search(r"\bmandate\b", clause)
                or _ACRONYM.fullmatch(name)
                or name.split()[-1].lower() == "panel"
            )
        ):
            return name, acr
    return None
