"""Citations: resolutions, decisions and documents named in a paragraph or footnote.

A resolution number alone (``78/25``) says little: it is a General Assembly resolution only
when the words before it say *resolution* and no other body is named for it
(``Human Rights Council resolution 58/13``, ``resolution 5/12 of the United Nations
Environment Assembly``).  So the text is read as a sequence of *triggers* (``resolution``,
``decisions``, ``Security Council resolutions``) and *numbers*; each number takes the kind
and the body of the nearest trigger before it in the same sentence, the way a reader
carries ``resolutions`` through ``78/25 and 79/45``.  Numbers that are not citations
(``50/50 gender balance``, ``Law No. 10/2018``, page numbers, dates) fail the plausibility
tests: a trigger is required, the number must fit the session, and the words after it must
continue a citation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from unld.core import symbols
from unld.parse.dates import DATE, iso_date

#: Names of bodies other than the General Assembly whose resolutions are numbered like the
#: Assembly's.  Order matters: longer names first.
OTHER_BODIES = [
    ("Human Rights Council", "Human Rights Council"),
    ("Economic and Social Council", "Economic and Social Council"),
    ("Security Council", "Security Council"),
    ("Commission on Human Rights", "Commission on Human Rights"),
    ("Commission on the Status of Women", "Commission on the Status of Women"),
    (
        "Commission on Crime Prevention and Criminal Justice",
        "Commission on Crime Prevention and Criminal Justice",
    ),
    ("Commission on Narcotic Drugs", "Commission on Narcotic Drugs"),
    ("Commission on Population and Development", "Commission on Population and Development"),
    ("Commission for Social Development", "Commission for Social Development"),
    ("Commission on Sustainable Development", "Commission on Sustainable Development"),
    ("Statistical Commission", "Statistical Commission"),
    ("Environment Assembly", "United Nations Environment Assembly"),
    ("World Health Assembly", "World Health Assembly"),
    ("Health Assembly", "World Health Assembly"),
    ("League of Arab States", "League of Arab States"),
    ("Conference of the Parties", "Conference of the Parties"),
    ("Executive Board", "Executive Board"),
    ("Governing Council", "Governing Council"),
    ("General Conference", "General Conference"),
    ("Board of Governors", "Board of Governors"),
    ("Trade and Development Board", "Trade and Development Board"),
    ("Industrial Development Board", "Industrial Development Board"),
    ("UN-Habitat Assembly", "UN-Habitat Assembly"),
    ("Habitat Assembly", "UN-Habitat Assembly"),
    ("UNESCO", "UNESCO"),
    ("Human Rights Committee", "Human Rights Committee"),
    ("African Union", "African Union"),
    ("Organization of American States", "Organization of American States"),
    ("Organization of Islamic Cooperation", "Organization of Islamic Cooperation"),
    ("Council of Europe", "Council of Europe"),
    ("International Labour Conference", "International Labour Conference"),
    ("Assembly of States Parties", "Assembly of States Parties"),
    ("Meeting of the Parties", "Meeting of the Parties"),
    ("Commission", "a commission"),
    ("Conference", "a conference"),
]
_BODY_RE = re.compile(
    r"\b(?P<ga>General Assembly|the Assembly)\b|"
    + "|".join(rf"(?P<b{i}>{re.escape(name)})" for i, (name, _) in enumerate(OTHER_BODIES))
)
_ECOSOC_TRIGGER = re.compile(r"Economic and Social Council\s+(?:resolutions?|decisions?)\s*$")

_TOKEN = re.compile(
    r"(?P<trigger>\b[Rr]esolutions?\b|\b[Dd]ecisions?\b)"
    r"|(?P<sc>(?<![\w/.\-])(?P<scnum>\d{1,4})\s\((?P<year>(?:19|20)\d\d)\))"
    r"|(?P<old>(?<![\w/.\-])(?P<onum>\d{1,4})(?:\s(?P<opart>[A-Z]))?\s\((?P<roman>(?:E?S-)?[IVXL]{1,6})\))"
    r"|(?P<eco>(?<![\w/.\-])(?P<eyear>(?:19|20)\d\d)/(?P<enum>\d{1,3})(?![\d/]))"
    r"|(?P<ga>(?<![\w/.\-])(?P<sess>(?:ES-|S-)?\d{1,2})/(?P<num>\d{1,4})(?![\d/]))"
    r"|(?P<stop>;|\.\s+[A-Z]|\bdocuments?\b|\bparagraphs?\b|\bparas?\.|\bArticles?\b|\bannex\b)"
)
_PARTS_HEAD = re.compile(r"\s([A-Z])(?=[\s,;.)\]”]|$)")
_PARTS_MORE = re.compile(r"(,\s|\sand\s|\sto\s)([A-Z])(?=[\s,;.)\]”]|$)")
_ANY_NUMBER = re.compile(r"\d/\d|\d \((?:19|20)\d\d\)|\d \([IVXL]+\)|\d (?:[A-Z] )?\((?:E?S-)?[IVXL]+\)")
_SHARED_DATE = re.compile(r"\s+and\s+$")
_AFTER_OK = re.compile(
    r"^(?:\s*(?:\[\^\d+\])?\s*(?:$|[,;.:)\]”’]|and\b|of\b|on\b|in\b|entitled\b|as\b|to\b|"
    r"which\b|by\b|adopted\b|concerning\b|regarding\b|relating\b|that\b|the\b|at\b|"
    r"section\b|sect\.|part\b|paragraph|para\.|annex|where|with\b|were\b|was\b|"
    r"establishing|endorsing|containing|respectively|\())"
)


@dataclass
class Citation:
    """One cited document, as the record contract writes it."""

    target: str | None
    kind: str
    body: str
    date: str | None
    where: str
    text: str
    #: where the citation stands in the paragraph's text (character offset), and whether
    #: the cited document is the object of the paragraph's lead verb (see :func:`object_of_lead`)
    start: int | None = None
    object_of_lead: bool = False
    #: the date was printed after a later citation of a list ("A and B of <date>")
    shared_date: bool = False

    def as_dict(self) -> dict:
        return {
            "target": self.target,
            "kind": self.kind,
            "body": self.body,
            "date": self.date,
            "in": self.where,
            "text": self.text,
            "start": self.start,
            "object_of_lead": self.object_of_lead,
        }


#: Words between a lead phrase and a citation that put the citation in a clause of its own:
#: "Welcomes the deliberations of the working group *established by* resolution 76/231"
#: welcomes the deliberations, not the resolution.
_CLAUSE = re.compile(
    r"\b(?:establish\w*|adopted\s+(?:by|in|at|on|under)|convened|created|mandated?|mandates|pursuant|"
    r"accordance|requested|proposed|based\s+on|as\s+contained\s+in|called\s+for|referred\s+to|mentioned|set\s+out|reflected|endorsed|"
    r"implementation|implementing|follow-up|under|through|provided\s+for|as\s+well\s+as\s+in|"
    r"contained\s+in\s+(?:the\s+)?annex|annexed|since|following|whereby|which|that)\b"
    r"|(?:[,;]|\band)\s+(?:[\w\-]+\s+){0,4}?(?:takes|notes|welcomes|recalls|reaffirms|requests|"
    r"decides|calls|urges|encourages|invites|stresses|emphasizes|recognizes|expresses|"
    r"acknowledges|endorses|approves|reiterates|underlines|commends|bearing|noting|recalling|"
    r"reaffirming|welcoming|taking|recognizing|expressing|stressing|emphasizing|acknowledging|"
    r"guided|mindful|convinced|concerned)\b"
    r"|;|\.\s+[A-Z]"
)


def object_of_lead(text: str, lead: str | None, start: int | None) -> bool:
    """Whether a citation at ``start`` in ``text`` is the object of the lead phrase.

    The lead phrase ("Recalling", "Takes note of") says why the paragraph cites something
    only for what it governs: "Recalling its resolution 76/19" recalls 76/19, but "Welcomes
    the deliberations of the working group established by resolution 76/231" does not agree
    with 76/231.  The words between the lead and the citation decide: a relative or
    participial clause ("established by", "pursuant to", "which"), another verb after a
    comma, or the end of a sentence put the citation outside the lead's object.
    """
    if not lead or start is None:
        return False
    at = text.find(lead)
    if at > start:
        return False
    # a sub-paragraph without a lead of its own continues its paragraph's lead
    gap = text[at + len(lead) : start] if at >= 0 else text[:start]
    # the other citations of a list and their dates do not lengthen the object
    words = _LISTED.sub(" ", gap)
    return len(words.strip()) <= 100 and not _CLAUSE.search(gap)


_LISTED = re.compile(
    r"(?:E?S-)?\d{1,4}\s?(?:\((?:E?S-)?[IVXL]+\)|\((?:19|20)\d\d\)|/\d+)(?:\s[A-Z])?"
    r"|\bof\s+\d{1,2}\s+\w+\s+\d{4}|\s*,\s*|\s+and\s+"
)


_BODY_ALT = "|".join(re.escape(name) for name, _ in OTHER_BODIES)
_ADJACENT = re.compile(
    r"(?:(?P<ga>General Assembly|Assembly|\bits|\bthese|\bthose|\bthe said|\bpresent)"
    rf"|(?P<other>{_BODY_ALT}))(?:['’]s)?\s+$"
)
_SUBJECT_ITS = re.compile(rf"(?P<other>{_BODY_ALT}),?\s+(?:in|by|through|under)\s+its\s+$")
_DOCUMENT_PART = re.compile(
    r"(?:\bannex(?:es)?(?:\s+[IVXL\d]+)?|\bchap\.\s*[IVXL\d]+|\bsect\.\s*[A-Z\d]+|\bappendix"
    r"(?:\s+[IVXL\d]+)?|\bpart\s+(?:one|two|three|[IVXL\d]+))\s*,\s*$",
    re.I,
)


def _body_before(text: str, upto: int) -> str | None:
    """Whose resolution a trigger names, from the words right before it.

    ``Human Rights Council resolution`` names the Council; ``its resolution`` and a bare
    ``resolution`` are the Assembly's own.  A resolution cited as a part of another
    document (``A/56/1026, annex II, resolution 14/221``, ``E/2025/27, chap. I, sect. C,
    resolution 69/1``) belongs to some other body: ``None`` is returned for it.
    """
    before = text[max(0, upto - 120) : upto]
    m = _SUBJECT_ITS.search(before)
    if m:  # "the Human Rights Council in its resolution": "its" is the Council's
        return next(canon for n, canon in OTHER_BODIES if n == m.group("other"))
    if _SHORT_BODY.search(before):
        # "Council resolution 52/27": a short name; the full one was given earlier
        full = [mm for mm in _BODY_RE.finditer(text[:upto]) if not mm.group("ga")]
        if full:
            last = full[-1]
            idx = next(i for i in range(len(OTHER_BODIES)) if last.group(f"b{i}"))
            return OTHER_BODIES[idx][1]
        # else the last body of the list printed anywhere before (as the list of every
        # occurrence of every body, in the list's order, had last)
        return next((canon for n, canon in reversed(OTHER_BODIES) if n in text[:upto]), None)
    m = _ADJACENT.search(before)
    if m:
        if m.group("ga"):
            return "General Assembly"
        name = m.group("other")
        return next(canon for n, canon in OTHER_BODIES if n == name)
    if _DOCUMENT_PART.search(before):
        return None
    return "General Assembly"


_SHORT_BODY = re.compile(r"\b(?:Council|Commission|Conference|Board|Committee)(?:['’]s)?\s+$")
# (the patterns below hold no lookbehind and no anchor, so matching them at ``pos`` of the
# whole text is matching them at the start of ``text[pos:]``, without copying the rest)
_BODY_AFTER = re.compile(
    r"\s*(?:\[\^\d+\]\s*)?(?:\([^)]*\)\s*)?(?:of\s+(?:\d{1,2}\s+\w+\s+\d{4}\S*\s+)?)?"
    r"(?:of|by|adopted by|at\s+the\s+[\w\s\-]{0,40}?(?:meeting|session)\s+of)\s+"
    r"the\s+([^,;]{3,90})"
)
_ASSEMBLY_NAMED = re.compile(r"(?:United Nations\s+)?General Assembly\b")
_BODY_NAMED = [
    (re.compile(rf"(?:[\w\-]+\s+){{0,4}}{re.escape(name)}\b"), canon) for name, canon in OTHER_BODIES
]
_OF_BEFORE_DATE = re.compile(r"\s*(?:\[\^\d+\])?,?\s*of\s+")


def _body_after(text: str, pos: int) -> str | None:
    """A body named right after a number: ``5/12 of the United Nations Environment Assembly``."""
    m = _BODY_AFTER.match(text, pos)
    if not m:
        return None
    phrase = m.group(1)
    if _ASSEMBLY_NAMED.match(phrase):
        return None
    for rx, canon in _BODY_NAMED:
        if rx.match(phrase):
            return canon
    return None


def _parts(text: str, pos: int) -> tuple[list[str], int]:
    """Letters of lettered resolutions after a number: ``A and B``, ``A to C``, ``M``."""
    m = _PARTS_HEAD.match(text, pos)
    if not m:
        return [], pos
    parts = [m.group(1)]
    end = m.end()
    while True:
        more = _PARTS_MORE.match(text, end)
        if not more:
            break
        if more.group(1).strip() == "to":
            first, last = ord(parts[-1]), ord(more.group(2))
            parts.extend(chr(c) for c in range(first + 1, last + 1))
        else:
            parts.append(more.group(2))
        end = more.end()
    return parts, end


def _date_after(text: str, pos: int) -> tuple[str | None, int]:
    m = _OF_BEFORE_DATE.match(text, pos)
    if not m:
        return None, pos
    d = DATE.match(text, m.end())
    if not d:
        return None, pos
    return iso_date(d.group(0)), d.end()


def find_citations(text: str, where: str, session: int | None) -> list[Citation]:
    """Every resolution and decision cited in ``text`` (clean text of one paragraph).

    Time: linear in ``text`` (one pass of the citation patterns)."""
    dates = _SharedDates(text)
    if not _ANY_NUMBER.search(text):  # most paragraphs cite nothing
        return dates.out
    trigger: tuple[str, str] | None = None  # (kind, body)
    max_session = (session or 99) + 1
    for m in _TOKEN.finditer(text):
        if m.group("stop"):
            trigger = None
            dates.pending = []
            continue
        if m.group("trigger"):
            word = m.group("trigger").lower()
            kind = "decision" if word.startswith("decision") else "resolution"
            trigger = (kind, _body_before(text, m.start()) or "another body")
            dates.pending = []
            continue
        if trigger is None:
            continue
        kind, body = trigger
        end = m.end()
        if m.group("sc"):
            found = _council_citation(m, kind, body, where)
        elif m.group("old"):
            found = _roman_session_citation(m, kind, body, where)
        elif m.group("eco"):
            body_here = body or "Economic and Social Council"
            ecosoc = body_here == "Economic and Social Council" and kind == "resolution"
            target = symbols.ecosoc_resolution(m.group("eyear"), m.group("enum")) if ecosoc else None
            found = [Citation(target, kind, body_here, None, where, m.group(0))]
        else:
            found, end = _numbered_citation(text, m, kind, body, where, max_session)
        if found:
            dates.add(found, m.start(), end)
    return dates.out


class _SharedDates:
    """The citations found so far, and those that share the date printed after the last of
    them: "74/28 and 74/29 of 12 December 2019" (a comma ends the sharing: "48/264, 52/163
    of 15 December 1997")."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[Citation] = []
        self.pending: list[Citation] = []
        self.last_end = 0

    def add(self, found: list[Citation], start: int, end: int) -> None:
        if self.pending and not _SHARED_DATE.match(self.text, self.last_end, start):
            self.pending = []
        date, _ = _date_after(self.text, end)
        for c in found:
            c.date = c.date or date
            c.start = start
        self.out.extend(found)
        if date:
            for c in self.pending:
                if not c.date:
                    c.date, c.shared_date = date, True
            self.pending = []
        else:
            self.pending.extend(found)
        self.last_end = end


def _council_citation(m: re.Match[str], kind: str, body: str, where: str) -> list[Citation]:
    """ "resolution 2216 (2015)" after a Council's or the Assembly's resolutions."""
    if body not in ("Security Council", "General Assembly") or kind != "resolution":
        return []
    target = symbols.sc_resolution(m.group("scnum"), m.group("year"))
    return [Citation(target, "resolution", "Security Council", None, where, m.group(0))]


def _roman_session_citation(m: re.Match[str], kind: str, body: str, where: str) -> list[Citation]:
    """ "1514 (XV)": only the Assembly's resolutions were numbered by a Roman session; its
    decisions never were ("decision Assembly/AU/Decl. 8 (XXXII)" is another body's)."""
    if body != "General Assembly" or kind != "resolution":
        return []
    target = symbols.ga_resolution(m.group("roman"), m.group("onum"), m.group("opart"))
    return [Citation(target, kind, "General Assembly", None, where, m.group(0))]


def _numbered_citation(
    text: str, m: re.Match[str], kind: str, body: str, where: str, max_session: int
) -> tuple[list[Citation], int]:
    """ "76/19", "77/512", "43/78 A and B" and the body it belongs to (the Assembly's, the
    Human Rights Council's, another body's); where the citation ends, its lettered parts
    included."""
    sess, num = m.group("sess"), m.group("num")
    parts, end = _parts(text, m.end())
    if not _AFTER_OK.match(text[end : end + 40]) or text[max(0, m.start() - 6) : m.start()].rstrip().endswith(
        "No."
    ):
        return [], end
    if sess.isdigit() and not (1 <= int(sess) <= max_session):
        return [], end
    if int(num) > 999 or int(num) == 0:
        return [], end
    after_body = _body_after(text, end)
    if kind == "decision" and sess.isdigit() and int(num) < 300 and after_body is None:
        # the Assembly numbers its decisions from 301 ("decision 77/512"); a lower
        # number is another body's ("decision 15/4" of a Conference of the Parties)
        after_body = body if body != "General Assembly" else "another body"
    # the Security Council numbers its resolutions with a year: "72/276" in a list of
    # Council resolutions is the Assembly's twin resolution
    body_here = after_body or ("General Assembly" if body == "Security Council" else body)
    if body_here == "General Assembly":
        maker = symbols.ga_decision if kind == "decision" else symbols.ga_resolution
        letters: list[str | None] = list(parts) if parts else [None]
        return [
            Citation(maker(sess, num, part), kind, body_here, None, where, m.group(0)) for part in letters
        ], end
    hrc = body_here == "Human Rights Council" and kind == "resolution"
    target = symbols.hrc_resolution(sess, num) if hrc else None
    return [Citation(target, kind, body_here, None, where, m.group(0))], end


def find_documents(text: str, where: str) -> list[Citation]:
    """Document symbols printed in ``text``; resolution symbols become resolution citations."""
    out: list[Citation] = []
    at = 0
    for sym in symbols.find_documents(text):
        found = _find_symbol(text, sym, at)
        at = found if found is not None else at
        m = _GA_SYMBOL.fullmatch(sym)
        if m:
            out.append(
                Citation(
                    symbols.ga_resolution(*m.groups()),
                    "resolution",
                    "General Assembly",
                    None,
                    where,
                    sym,
                    found,
                )
            )
            continue
        m = _SC_SYMBOL.fullmatch(sym)
        if m:
            out.append(
                Citation(
                    symbols.sc_resolution(*m.groups()),
                    "resolution",
                    "Security Council",
                    None,
                    where,
                    sym,
                    found,
                )
            )
            continue
        out.append(
            Citation(sym, "document", symbols.organ_of(sym) or "United Nations", None, where, sym, found)
        )
    return out


_GA_SYMBOL = re.compile(r"A/RES/((?:ES-|S-)?\d+)/(\d+)(?: ([A-Z]))?")
_SC_SYMBOL = re.compile(r"S/RES/(\d+)\s?\((\d{4})\)")


def _find_symbol(text: str, symbol: str, at: int) -> int | None:
    r"""Offset of a document symbol in ``text`` (printed with any spacing), from ``at`` on,
    else from the start.

    The symbol's characters other than spaces, in order, with any whitespace between them:
    what the regex ``c1\s*c2\s*...`` finds, found without compiling a regex per symbol
    (every symbol is a new pattern, and their compiles evicted the parser's other patterns
    from ``re``'s cache).  No backtracking is needed: ``\s*`` is followed by a character
    that is not whitespace, so it takes all the whitespace there is or the match fails.
    """
    chars = [ch for ch in symbol if not ch.isspace()]
    if not chars:
        return min(at, len(text))
    for start in (at, 0):
        i = text.find(chars[0], start)
        while i >= 0:
            if _spaced_at(text, i, chars):
                return i
            i = text.find(chars[0], i + 1)
    return None


def _spaced_at(text: str, i: int, chars: list[str]) -> bool:
    """Whether ``chars`` stand at ``i`` in ``text``, whitespace allowed between them."""
    j = i + 1
    n = len(text)
    for ch in chars[1:]:
        while j < n and text[j].isspace():
            j += 1
        if j >= n or text[j] != ch:
            return False
        j += 1
    return True
