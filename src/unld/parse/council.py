"""The Security Council reader: a Council resolution's text into the record.

A Council resolution differs from an Assembly one where it matters to a reader: it has no
session and no title of its own; it is numbered ``2768 (2025)`` by year; its masthead says
``Adopted by the Security Council at its 9836th meeting, on 15 January 2025`` (since the
1990s), or its older printings head it ``Resolution 242 (1967)`` / ``of 22 November 1967``
(or ``186 (1964). Resolution of 4 March 1964``) and close it with the meeting and the vote
(``Adopted at the 873rd meeting by 8 votes to none, with 3 abstentions (China, ...)``).
What it decides most often is the mandate of a peace operation, a political mission or a
sanctions panel, for a period with an end date: :mod:`.mandates` reads those.

The paragraphs themselves are cut, footnoted and cited by the same stages as the
Assembly's (:func:`unld.parse._record`), so that a fix to one helps both; this module reads
what is the Council's own and then reshapes the record: ``session`` and ``title`` are
``None``, and ``vote``, ``chapter_vii`` and ``mandates`` are added (README of the shared
answer keys; ``docs/security-council.md``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from unld.core import symbols
from unld.core.errors import InputError
from unld.parse.citations import Citation, find_documents
from unld.parse.dates import DATE, iso_date
from unld.parse.footnotes import split_footnotes
from unld.parse.lines import Line, squash
from unld.parse.mandates import find_mandates
from unld.parse.pdftext import Layout
from unld.parse.structure import Block
from unld.sources import Source

OPENING = re.compile(r"^\s*The Security Council\s*[,.;:]?\s*$")
# "Resolution 2768 (2025)", "RESOLUTION 806 (1993)", "186 (1964). Resolution of 4 March 1964"
_HEADING = re.compile(
    r"^\s*(?:Resolution|RESOLUTION)\s+(?P<num>\d{1,5})\s*\((?P<year>\d{4})\)"
    r"(?:\s*,?\s+of\s+(?P<date1>\d{1,2}\s+[A-Z][a-z]+\s+\d{4}))?\s*\.?\s*$"
    r"|^\s*(?P<num2>\d{1,5})\s*\((?P<year2>\d{4})\)\s*\.\s*Resolution\s+of\s+(?P<date>.+?)\s*$"
)
_OF_DATE = re.compile(r"^\s*of\s+(?P<date>\d{1,2}\s+[A-Z][a-z]+\s+\d{4})\s*\.?\s*$")
_ADOPTED_BY = re.compile(
    r"Adopted\s+by\s+the\s+Security\s+Council\s+at\s+its\s+(?P<num>\d+)\s*(?:st|nd|rd|th)\s+meeting\s*,?"
    r"\s*on\s+(?P<date>\d{1,2}\s+[A-Z][a-z]+\s+\d{4})"
)
# the closing line of older printings: "Adopted unanimously at the 1382nd meeting."
_CLOSING = re.compile(r"^\s*(?:Adopted\b|The draft resolution was\b)")
_AT_MEETING = re.compile(r"\bat\s+the\s+(?P<num>\d+)\s*(?:st|nd|rd|th)\s+meeting\b")
_TRAILING_MARK = re.compile(r"\s+(?P<mark>\d{1,3})\s*$")
# footnotes printed after the text: "5 Treaty of Guarantee ...", "1/ S/1994/62."
_NOTE_START = re.compile(r"^\s*(?P<mark>\d{1,3})(?:/)?\s+\S")
_SLASH_NOTE = re.compile(r"^\s*\d{1,3}/\s+\S")

_COUNT_WORDS = "none one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
_WORDS = {w: i for i, w in enumerate(_COUNT_WORDS.split())}
_NUMBER = r"(\d+|" + _COUNT_WORDS.replace(" ", "|") + ")"
_VOTES = re.compile(
    rf"\bby\s+{_NUMBER}\s+votes?\s+to\s+{_NUMBER}(?:\s*\((?P<against>[^)]*)\))?"
    rf"(?:\s*,?\s*with\s+{_NUMBER}\s+abstentions?(?:\s*\((?P<abstaining>[^)]*)\))?)?",
    re.I,
)


@dataclass
class CouncilHead:
    """What the lines around the text say: symbol, adoption date, meeting and vote."""

    symbol: str | None = None
    adopted_on: str | None = None
    meeting: int | None = None
    heading_line: int | None = None


def find_opening(lines: list[Line]) -> int | None:
    """Index of the ``The Security Council,`` line that opens a Council resolution."""
    return next((i for i, ln in enumerate(lines) if OPENING.match(ln.text)), None)


def read_head(lines: list[Line]) -> CouncilHead:
    """Symbol, adoption date and meeting from the masthead (the lines above the opening)."""
    head = CouncilHead()
    text_lines = [ln for ln in lines if not ln.blank]
    for i, ln in enumerate(text_lines):
        m = _HEADING.match(ln.text)
        if m and head.symbol is None:
            num, year = m.group("num") or m.group("num2"), m.group("year") or m.group("year2")
            head.symbol = symbols.sc_resolution(num, year)
            head.heading_line = ln.no
            if m.group("date") or m.group("date1"):
                head.adopted_on = iso_date(m.group("date") or m.group("date1"))
            elif i + 1 < len(text_lines):
                d = _OF_DATE.match(text_lines[i + 1].text)
                if d:
                    head.adopted_on = iso_date(d.group("date"))
    joined = squash(" ".join(ln.text for ln in text_lines))
    if head.symbol is None:
        # no heading line: the masthead symbol ("S/RES/2768 (2025)")
        sym = re.search(r"\bS/RES/(\d{1,5})\s*\((\d{4})\)", joined)
        if sym:
            head.symbol = symbols.sc_resolution(sym.group(1), sym.group(2))
    m = _ADOPTED_BY.search(joined)
    if m:
        head.meeting = int(m.group("num"))
        head.adopted_on = head.adopted_on or iso_date(m.group("date"))
    return head


def split_closing(body: list[Line]) -> tuple[list[Line], list[Line], list[Line]]:
    """The text, the closing lines (``Adopted ... meeting``) and the footnote lines after.

    Older printings close the text with the meeting and the vote, then print footnotes;
    later ones end with the last paragraph, sometimes followed by ``1/ S/1994/62.`` notes.
    """
    closing_at = None
    for k in range(len(body) - 1, -1, -1):
        if _CLOSING.match(body[k].text) and (k == 0 or body[k - 1].blank or _ends(body[k - 1].text)):
            closing_at = k
            break
    if closing_at is not None:
        end = closing_at
        while end < len(body) and not body[end].blank:
            end += 1
        nxt = next((j for j in range(end, len(body)) if not body[j].blank), None)
        if nxt is not None and re.match(r"^\s*\d+\s*(?:st|nd|rd|th)\s+meeting\b", body[nxt].text):
            # "Adopted unanimously at the" / (blank) / "2828th meeting."
            end = nxt + 1
        closing = [ln for ln in body[closing_at:end] if not ln.blank]
        return body[:closing_at], closing, body[end:]
    # no closing line: footnotes in the "1/ text" style after the last paragraph
    for k, ln in enumerate(body):
        if _SLASH_NOTE.match(ln.text) and (k == 0 or body[k - 1].blank or _ends(body[k - 1].text)):
            rest = body[k:]
            if all(ln2.blank or not re.match(r"^\s*\d{1,3}\.\s", ln2.text) for ln2 in rest):
                return body[:k], [], rest
    return body, [], []


def _ends(text: str) -> bool:
    return bool(re.search(r"[.;:,]\s*(?:\d{1,3})?\s*$", text))


def normalise_notes(lines: list[Line]) -> list[Line]:
    """Footnote lines with ``1/`` marks written as ``1`` (the form the footnote stage reads)."""
    out = []
    for ln in lines:
        m = re.match(r"^(\s*\d{1,3})/(\s+.*)$", ln.text)
        out.append(Line(ln.no, m.group(1) + m.group(2)) if m else ln)
    return out


def _count(word: str | None) -> int | None:
    if word is None:
        return None
    w = word.lower()
    return int(w) if w.isdigit() else _WORDS.get(w)


def _names(text: str | None) -> list[str]:
    if not text:
        return []
    # split on commas only: member names contain "and" ("... Great Britain and Northern Ireland")
    parts = re.split(r",\s*", squash(text))
    return [p.strip() for p in parts if p.strip()]


def read_vote(closing: list[Line], notes_text: dict[str, str]) -> tuple[dict | None, int | None]:
    """The vote as printed in the closing lines (or the footnote they refer to), and the meeting.

    ``yes``/``no``/``abstentions`` are counts where the text prints them, ``unanimous`` says
    whether it was adopted unanimously, ``without_vote`` whether no vote was taken; the
    names of the members who voted against or abstained are kept as printed.
    """
    if not closing:
        return None, None
    text = squash(" ".join(ln.text for ln in closing))
    meeting = None
    m = _AT_MEETING.search(text)
    if m:
        meeting = int(m.group("num"))
    # "Adopted unanimously at the 3293rd meeting. Decisions": the sentence only
    text = re.sub(r"(\bmeeting)\s*\.\s+\S.*$", r"\1", text)
    mark = _TRAILING_MARK.search(text)
    if mark and mark.group("mark") in notes_text:
        note = notes_text[mark.group("mark")]
        says_vote = re.search(r"\bvotes?\b|unanimously|without", text[: mark.start()], re.I)
        # "Adopted at the 286th meeting 6" / "6 The draft resolution was voted on ..."
        vote_note = re.search(r"\bvot", note, re.I) and not says_vote
        text = squash(note) if vote_note else text[: mark.start()]
    if not text.startswith("The draft"):
        # the vote sentence only: "... (Union of Soviet Socialist Republics). One member ..."
        text = re.split(r"(?<=[a-z)])\.\s+(?=[A-Z])", text, maxsplit=1)[0]
    text = text.rstrip(" .")
    vote: dict = {
        "yes": None,
        "no": None,
        "abstentions": None,
        "unanimous": bool(re.search(r"\bunanimously\b", text, re.I)),
        "without_vote": bool(re.search(r"without (?:a )?vote|no vote was taken", text, re.I)),
        "against": [],
        "abstaining": [],
        "text": text,
    }
    v = _VOTES.search(text)
    if v:
        groups = v.groups()
        vote["yes"], vote["no"] = _count(groups[0]), _count(groups[1])
        vote["abstentions"] = _count(groups[3]) if groups[3] else 0
        vote["against"] = _names(v.group("against"))
        vote["abstaining"] = _names(v.group("abstaining"))
    return vote, meeting


def notes_by_mark(lines: list[Line]) -> dict[str, str]:
    """Footnote texts by their mark, lines joined as printed (the vote sentence is quoted)."""
    out = {}
    for n in split_footnotes(lines, gaps=True):
        parts = [ln.text for ln in n.lines]
        parts[0] = re.sub(r"^\s*\S+\s*", "", parts[0], count=1)
        out[n.mark] = squash(" ".join(parts))
    return out


# "Acting under Chapter VII of the Charter", "Acting under Article 41 of Chapter VII",
# "Acting under Articles 39 and 40 of the Charter" (Chapter VII is Articles 39 to 51)
CHAPTER_VII = re.compile(
    r"\bActing\s+under\s+(?:Chapter\s+VII\b|Articles?\s+[\d\s,and]*?\bof\s+Chapter\s+VII\b"
    r"|Articles?\s+(?:39|4\d|5[01])\b)",
    re.I,
)


def acting_under_chapter_vii(paragraphs: list[dict]) -> bool:
    """Whether the Council says it acts under Chapter VII of the Charter."""
    return any(CHAPTER_VII.search(p["text"]) for p in paragraphs)


# preambular phrases of older Council texts that the general lead reader cuts short
_COUNCIL_LEAD = re.compile(
    r"^(?:Having\s+[a-z]+ed\s+and\s+[a-z]+ed\b|Having\s+in\s+mind\b|Paying\s+(?:a\s+)?tribute\b"
    r"|Expressing\s+its\s+(?:continuing|continued|deep|grave|serious)\s+concern\b"
    r"|Being\s+(?:strongly\s+|deeply\s+|firmly\s+)?of\s+the\s+opinion\b)"
)
# symbols as older printings and scans give them: "S/ 13697", "(5/2002/1005)", "S/7611 and Add.1"
_SPACED_SYMBOL = re.compile(r"\bS/\s+(?=\d)")
_SCANNED_S = re.compile(r"\(5/(?=(?:19|20)\d\d/\d+\))")
_ADDENDA = re.compile(r"\b(?P<base>S/(?:\d{4}/)?\d+)\s*(?:,|and)\s+Add\.(?P<a>\d+)(?:\s+and\s+(?P<b>\d+))?")


def _more_documents(record: dict) -> list[dict]:
    """Citations of documents that older printings give in forms the citation reader does
    not know: a space after ``S/``, ``5/`` scanned for ``S/``, addenda after ``and``."""
    from unld.parse import _all_paragraphs

    have = {(c["target"], c["in"]) for c in record["citations"]}
    out: list[dict] = []
    for p in (
        _all_paragraphs(record["preambular_paragraphs"], record["operative_paragraphs"]) + record["footnotes"]
    ):
        text = _SCANNED_S.sub("(S/", _SPACED_SYMBOL.sub("S/", p["text"]))
        found = [c.as_dict() for c in find_documents(text, p["id"])]
        for m in _ADDENDA.finditer(text):
            for n in (m.group("a"), m.group("b")):
                if n:
                    target = f"{m.group('base')}/Add.{n}"
                    found.append(
                        Citation(target, "document", "Security Council", None, p["id"], m.group(0)).as_dict()
                    )
        for c in found:
            if c["target"] and (c["target"], c["in"]) not in have:
                have.add((c["target"], c["in"]))
                out.append(c)
    return out


_SEIZED = re.compile(r"^(?:Decides|Decided) to remain (?:actively |firmly )?seized")


_HEADING_LINE = re.compile(r"^\s*(?P<label>[A-H]|[IVX]{1,4})\.\s+(?P<title>[A-Z][^;:]{2,100}?)\s*$")


def _own_lines(text: list[Line], symbol: str, hints: dict[int, str]) -> tuple[list[Line], list[dict]]:
    """The text without running headers (the symbol alone on a line) and without the
    headings of long Council resolutions, lettered (``D. Charcoal Ban``) or not, which are
    returned as sections: the paragraphs keep one numbering across headings.  Footnote
    marks printed ``2/`` (the 1990s) become ``2``, the form the footnote stage looks for."""
    out: list[Line] = []
    headings: list[dict] = []
    k = 0
    letter = ""
    while k < len(text):
        ln = text[k]
        k += 1
        if squash(ln.text) == symbol:
            continue
        label = re.match(r"^(\s*)\(([a-z]|6)\)\s", ln.text)
        if label and label.group(2) == "6" and letter == "a":
            # "(6)" after "(a)": a scan's reading of "(b)"
            ln = Line(ln.no, f"{label.group(1)}(b){ln.text[label.end() - 1 :]}")
        if label:
            letter = "b" if label.group(2) == "6" else label.group(2)
        slash = re.search(r"(\s\d{1,3})/\s*$", ln.text)
        if slash:
            ln = Line(ln.no, ln.text[: slash.start()] + slash.group(1))
        m = _HEADING_LINE.match(ln.text)
        prev = next((x for x in reversed(out) if not x.blank), None)
        nxt = next((x for x in text[k:] if not x.blank), None)
        span = _unlettered_heading(text, k - 1, prev, hints)
        if span:
            # "Degrading the threat posed by Al-Shabaab, and the Arms Embargo ..." (PDF text:
            # flush left between indented paragraphs, no closing punctuation)
            title = squash(" ".join(x.text for x in text[k - 1 : k - 1 + span]))
            headings.append({"label": None, "title": title, "line": ln.no})
            k += span - 1
            continue
        if (
            m
            and (prev is None or _ends(prev.text))
            and nxt is not None
            and re.match(r"^\s*\d{1,3}\.\s", nxt.text)
        ):
            headings.append({"label": m.group("label"), "title": m.group("title"), "line": ln.no})
            continue
        out.append(ln)
    return out, headings


def _unlettered_heading(text: list[Line], k: int, prev: Line | None, hints: dict[int, str]) -> int:
    """The number of lines (0 if none) of a heading of a PDF text at ``k``: after a blank
    line that follows a finished paragraph, flush left where paragraphs are indented, one or
    two lines without closing punctuation, then a blank line and an indented paragraph.
    Where the source marks lead phrases (``hints``: the italics of a PDF read by unld, or
    of markdown), a paragraph opens with its italic lead rather than an indent, and the
    heading is the roman line between two such paragraphs."""

    def opens(line: Line) -> bool:
        return line.text.startswith(" ") or line.no in hints

    ln = text[k]
    if ln.blank or opens(ln) or prev is None or not _ends(prev.text):
        return 0
    if k == 0 or not text[k - 1].blank:
        return 0
    if not re.match(r"^[A-Z][a-z]", ln.text) or re.search(r"[.;:,]\s*$", ln.text):
        return 0
    j = k + 1
    if j < len(text) and not text[j].blank and not opens(text[j]):
        if re.search(r"[.;:,]\s*$", text[j].text):
            return 0
        j += 1
    nxt = next((x for x in text[j:] if not x.blank), None)
    if j < len(text) and text[j].blank and nxt is not None and opens(nxt):
        return j - k
    return 0


def _following_measures(text: list[Line]) -> tuple[list[Line], list[Line]]:
    """An unnumbered operative paragraph ending ``the following measures :`` and followed by
    a numbered list (S/RES/47 (1948)): the list is the text it recommends, not paragraphs
    of the resolution (the way the Assembly's ``Adopts the following declaration:`` is)."""
    numbered = [k for k, ln in enumerate(text) if structure_numbered(ln.text)]
    if not numbered:
        return text, []
    first = numbered[0]
    if not re.match(r"^\s*1\.\s", text[first].text):
        return text, []
    before = [ln for ln in text[:first] if not ln.blank]
    # the paragraph just before the list (and its section title) ends with a colon
    last = next((ln for ln in reversed(before) if not _SECTION_TITLE.match(ln.text)), None)
    if last is None or not re.search(r":\s*$", last.text):
        return text, []
    para_start = next((j for j in range(len(before) - 1, -1, -1) if j == 0 or _ends(before[j - 1].text)), 0)
    if not re.match(r"^\s*(?:Recommends|Decides|Adopts|Approves|Endorses)\b", before[para_start].text):
        return text, []
    cut = next(j for j, ln in enumerate(text) if ln is last) + 1
    return text[:cut], text[cut:]


_SECTION_TITLE = re.compile(r"^\s*[A-H]\.\s+[A-Z]")


def structure_numbered(text: str) -> bool:
    return bool(re.match(r"^\s*\d{1,3}\.\s+\S", text))


def _operative_after_operative(blocks: list[Block]) -> list[Block]:
    """After an operative paragraph, a paragraph that opens with an operative verb is one too,
    even when it ends with a comma (``... and, to this end,``), and so is one that ends like
    an operative paragraph even when it opens with a participle (older texts)."""
    from unld.parse.leads import is_operative_head

    seen_op = False
    for b in blocks:
        if b.kind == "op":
            seen_op = True
        elif b.kind == "pp" and seen_op and b.lines:
            # "Noting with concern ..., considers that ...;" among the operative paragraphs
            last = next((ln.text for ln in reversed(b.lines) if not ln.blank), "")
            if is_operative_head(b.lines[0].text) or re.search(r"[;:]\s*\d{0,3}\s*$", last):
                b.kind = "op"
    return blocks


def _cut_after_seized(text: list[Line]) -> tuple[list[Line], list[Line]]:
    """The resolution's own lines, and what follows its closing paragraph (annexes).

    "Decides to remain (actively) seized of the matter." is the Council's last paragraph:
    numbered lists after it (the items of an annex) are not operative paragraphs.
    """
    for k, ln in enumerate(text):
        if re.search(r"remain\s+(?:actively\s+|firmly\s+)?seized\s+of\s+(?:the|this)\s+matter\s*\.", ln.text):
            rest = text[k + 1 :]
            if any(not x.blank for x in rest):
                return text[: k + 1], rest
    return text, []


def _dash_items(blocks: list[Block]) -> list[Block]:
    """Items printed with a dash ("— Calls for ...") are sub-paragraphs of the paragraph above."""
    out: list[Block] = []
    count = 0
    for b in blocks:
        first = b.lines[0].text if b.lines else ""
        if b.kind == "op" and b.number is None and re.match(r"^\s*[—–-]\s+\S", first) and out:
            count += 1
            b.kind, b.label, b.level = "sub", f"dash{count}", 1
            b.lines[0] = Line(b.lines[0].no, re.sub(r"^\s*[—–-]\s+", "", first))
        elif b.kind == "op":
            count = 0
        out.append(b)
    return out


def _closing_notes(record: dict, closing: list[Line]) -> None:
    """A footnote whose mark ends the closing line (``Adopted at the 286th meeting 6``) is
    the resolution's, about its adoption, wherever the mark search placed it."""
    mark = _TRAILING_MARK.search(squash(" ".join(ln.text for ln in closing)))
    if not mark:
        return
    for annex in record["annexes"]:
        notes = annex.get("footnotes", [])
        for note in [n for n in notes if n["mark"] == mark.group("mark")]:
            notes.remove(note)
            record["footnotes"].append({**note, "in": None})
    record["warnings"] = [
        w
        for w in record["warnings"]
        if w["message"] != f"footnote {mark.group('mark')}: its mark was not found in the text"
    ]


def _unique_ids(record: dict) -> None:
    """Give repeated sub-paragraph labels (``(a) (b) (a)``: a list restarting inside one
    paragraph) distinct ids, so that each sub-paragraph keeps its own IRI."""
    seen: set[str] = set()

    def walk(p: dict) -> None:
        ident = p["id"]
        k = 2
        while p["id"] in seen:
            p["id"] = f"{ident}-{k}"
            k += 1
        seen.add(p["id"])
        for sub in p.get("subparagraphs", []):
            walk(sub)

    for p in record["preambular_paragraphs"] + record["operative_paragraphs"]:
        walk(p)


def parse(source: Source, layout: Layout, hints: dict[int, str]) -> dict:
    """Parse a Council resolution (its layout already read) into its record."""
    from unld.parse import _annexes, _record, structure

    body = layout.body
    opening = find_opening(body)
    if opening is None:  # pragma: no cover - the caller dispatches on the opening
        raise InputError(source.path, "not a Security Council resolution: no line 'The Security Council,'")
    head = read_head(body[:opening])
    warnings: list[dict] = []
    text, closing, after = split_closing(body[opening + 1 :])
    note_lines = normalise_notes(after) + list(layout.footnotes)
    vote, closing_meeting = read_vote(closing, notes_by_mark(note_lines))
    symbol = head.symbol or (symbols.normalise(layout.symbol) if layout.symbol else None)
    if symbol is None:
        raise InputError(
            source.path,
            "no symbol: expected a heading such as 'Resolution 2768 (2025)' or "
            "'186 (1964). Resolution of 4 March 1964' above 'The Security Council,'",
            line=body[opening].no,
        )
    meeting_number = head.meeting or closing_meeting
    if meeting_number is None:
        warnings.append(
            {
                "line": body[opening].no,
                "message": "no meeting: expected 'Adopted by the Security Council at its Nth meeting' "
                "or a closing 'Adopted ... at the Nth meeting'",
            }
        )
    if head.adopted_on is None:
        warnings.append(
            {
                "line": head.heading_line or body[opening].no,
                "message": "no adoption date: expected 'of 22 November 1967' under the heading "
                "or 'on 15 January 2025' after the meeting",
            }
        )
    text, headings = _own_lines(text, symbol, hints)
    text, tail = _cut_after_seized(text)
    text, listed = _following_measures(text)
    blocks, adopted = structure.segment(text, hints)
    blocks = _dash_items(_operative_after_operative(blocks))
    adopted = listed + adopted
    if not any(b.kind == "op" for b in blocks):
        raise InputError(
            source.path,
            "no operative part: expected numbered operative paragraphs or a paragraph opening "
            "with a verb such as 'Decides' after the preamble",
            line=(text[-1].no if text else body[opening].no),
        )
    annexes = _annexes(adopted, tail)
    mh = structure.Masthead(symbol=symbol, adopted_on=head.adopted_on, organ="Security Council")
    # the running header (the symbol alone on a line) can fall among a page's footnotes
    note_lines = [ln for ln in note_lines if squash(ln.text) != symbol]
    own = Layout(body=body, footnotes=note_lines, symbol=symbol)
    meeting = (
        {"kind": "council", "number": meeting_number, "date": head.adopted_on, "resumed": False}
        if meeting_number is not None
        else None
    )
    record = _record(source, mh, blocks, annexes, meeting, own, hints, [], footnote_gaps=True, council=True)
    paragraphs = record["preambular_paragraphs"] + record["operative_paragraphs"]
    for p in record["operative_paragraphs"]:
        seized = _SEIZED.match(p["text"])
        if seized:
            p["lead"] = seized.group(0)
    for p in record["preambular_paragraphs"]:
        lead = _COUNCIL_LEAD.match(p["text"])
        if lead:
            p["lead"] = lead.group(0)
    record["citations"] = record["citations"] + _more_documents(record)
    _closing_notes(record, closing)
    _unique_ids(record)
    record["sections"] = headings
    record["number"] = symbol[len("S/RES/") :]
    record["session"] = None
    record["title"] = None
    record["agenda_items"] = []
    record["vote"] = vote
    record["chapter_vii"] = acting_under_chapter_vii(paragraphs)
    record["mandates"] = find_mandates(record)
    # the Assembly's "no title line" does not apply: a Council resolution has no title
    record["warnings"] = warnings + [w for w in record["warnings"] if not w["message"].startswith("no title")]
    return record


__all__ = [
    "DATE",
    "OPENING",
    "CouncilHead",
    "acting_under_chapter_vii",
    "find_opening",
    "normalise_notes",
    "notes_by_mark",
    "read_head",
    "read_vote",
    "split_closing",
]
