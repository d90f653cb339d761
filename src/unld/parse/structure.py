"""From clean lines to the record: masthead, paragraphs, sections, annexes, meeting.

The readers (:mod:`~unld.parse.pdftext`, :mod:`~unld.parse.markdown`,
:mod:`~unld.parse.html`) hand over body lines without page furniture.  Paragraph boundaries
are then read from content, not from blank lines alone (page breaks leave blank lines in the
middle of paragraphs, and older layouts print none between paragraphs): a paragraph starts
where the previous one has ended (``,`` ``;`` ``:`` ``.``) and the new line opens with an
operative number, a sub-paragraph label, or a lead phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from unld.parse.dates import iso_date, ordinal
from unld.parse.leads import is_operative_head, is_preambular_head
from unld.parse.lines import Line, join_lines, squash

GA_OPENING = re.compile(r"^\s*The General Assembly\s*,?\s*$")
TITLE_LINE = re.compile(
    r"^\s*(?P<num>(?:ES-|S-)?\d{1,3}/\d{1,4})(?:\s+(?P<part>[A-Z]))?\.\s+(?P<title>\S.*)$"
)
SESSION_LINE = re.compile(
    r"^\s*(?P<ord>[A-Za-z]+(?:[-\u2013][a-z]+)?)\s+(?P<kind>emergency special |special )?session\s*$",
    re.I,
)
AGENDA_LINE = re.compile(r"^\s*Agenda items?\s+(?P<items>\S.*?)\s*$")
MEETING_LINE = re.compile(
    r"^\s*(?P<num>\d{1,4})(?:st|nd|rd|th)(?P<resumed1>\s*\(resumed\))?\s+plenary\s+meeting"
    r"(?P<resumed>\s*\(resumed\))?\s*$",
    re.I,
)
NUMBERED = re.compile(r"^\s*(?P<num>\d{1,3})\.(?:\s+(?P<rest>\S.*))?\s*$")
SUBPARA = re.compile(r"^\s*\((?P<label>[a-z]{1,2}|[ivxl]{1,6})\)(?:\s+(?P<rest>\S.*))?\s*$")
SECTION = re.compile(r"^\s*(?P<label>[IVXL]{1,6}|[A-H])\.?\s*$")
# a line that ends with a colon (and perhaps a footnote reference): no section heading follows
_ENDS_WITH_COLON = re.compile(r":\s*(?:\[\^\d+\])?\s*$")
ANNEX_HEADING = re.compile(r"^\s*(?P<word>Annex(?:es)?|Appendix)(?:\s+(?P<label>[IVXL\d]+))?\s*$")
ENDS = re.compile(r"[,;:.][”’\"')\]]*\s*(?:\[\^\d+\]|\d{1,3})?\s*$|\b(?:and|or)\s*$")
ADOPTS_START = re.compile(r"^(?:\[\^\d+\])?\s*(?:Adopts|Approves|Proclaims|Endorses|Decides to adopt)\b")
#: Longest paragraph (in lines) read as "Adopts the following ...:" (real ones have a few)
MAX_ADOPTS_LINES = 400
ADOPTS_FOLLOWING = re.compile(
    r"^(?:\[\^\d+\])?\s*(?:Adopts|Approves|Proclaims|Endorses|Decides to adopt)\b"
    r".*\bfollowing\b.*:\s*(?:\[\^\d+\])?\s*$",
    re.S,
)
ROMAN_SUB = {
    "i",
    "ii",
    "iii",
    "iv",
    "v",
    "vi",
    "vii",
    "viii",
    "ix",
    "x",
    "xi",
    "xii",
    "xiii",
    "xiv",
    "xv",
    "xvi",
    "xvii",
    "xviii",
    "xix",
    "xx",
}


@dataclass
class LineGroup:
    """Lines being assembled into one piece of a text: a paragraph of the resolution
    (:class:`Block`) or a part of an annex (:class:`unld.parse.annexes.Part`)."""

    kind: str
    lines: list[Line] = field(default_factory=list)
    number: str | None = None
    label: str | None = None
    level: int = 1

    @property
    def line(self) -> int:
        """The number of its first line (0 for an empty group)."""
        return self.lines[0].no if self.lines else 0

    def raw(self) -> str:
        return "\n".join(ln.text for ln in self.lines)

    def ended(self) -> bool:
        """Whether its last line ends a sentence."""
        last = next((ln.text for ln in reversed(self.lines) if not ln.blank), "")
        # every match of ENDS ends (before trailing whitespace) with punctuation, a digit, a
        # bracket or "and"/"or": a line that ends with any other letter, as most lines of a
        # paragraph do, is rejected without running the search over the whole line
        tail = last.rstrip()
        if tail[-1:].isalpha() and not tail.endswith(("and", "or")):
            return False
        return bool(ENDS.search(last))


@dataclass
class Block(LineGroup):
    """A paragraph being assembled from lines; ``kind`` is "pp", "op", "sub" or "section"."""

    section: str | None = None
    first_text: str = ""


@dataclass
class Masthead:
    symbol: str | None = None
    number: str | None = None
    part: str | None = None
    title: str | None = None
    title_line: int | None = None
    session: int | str | None = None
    agenda: list[dict] = field(default_factory=list)
    adopted_on: str | None = None
    organ: str | None = None
    basis: dict | None = None
    warnings: list[dict] = field(default_factory=list)


def _warn(into: list[dict], line: int | None, message: str) -> None:
    into.append({"line": line, "message": message})


def find_opening(lines: list[Line]) -> int | None:
    """Index of the ``The General Assembly,`` line that opens the resolution's text."""
    return next((i for i, ln in enumerate(lines) if GA_OPENING.match(ln.text)), None)


def parse_masthead(lines: list[Line]) -> Masthead:
    """Read session, agenda items, adoption date, basis and title from the lines above
    ``The General Assembly``.  Time: linear in those lines."""
    mh = Masthead()
    text_lines = [ln for ln in lines if not ln.blank]
    i = 0
    while i < len(text_lines):
        ln = text_lines[i]
        s = squash(ln.text)
        m = SESSION_LINE.match(s)
        if m and mh.session is None and i + 1 < len(text_lines):
            n = ordinal(m.group("ord"))
            if n is None:
                _warn(mh.warnings, ln.no, f"session line '{s}': expected an ordinal such as 'Seventy-sixth'")
            else:
                kind = (m.group("kind") or "").strip().lower()
                mh.session = f"ES-{n}" if kind.startswith("emergency") else f"S-{n}" if kind else n
            i += 1
            continue
        m = AGENDA_LINE.match(s)
        if m and not mh.agenda:
            # whole numbers only: a run of digits is one number, never cut into items
            items = re.findall(r"(?<!\d)(\d{1,3})(?!\d)(?:\s*\(([a-z]{1,2})\))?", m.group("items"))
            if not items:
                _warn(
                    mh.warnings, ln.no, f"agenda line '{s}': expected item numbers such as '95' or '99 (k)'"
                )
            # title lines follow until a blank line in the source
            title_lines: list[str] = []
            j = lines.index(ln) + 1
            while j < len(lines) and lines[j].blank:
                j += 1
            while (
                j < len(lines)
                and not lines[j].blank
                and not re.match(r"^\s*(Resolution adopted|\[)", lines[j].text)
                and not TITLE_LINE.match(lines[j].text)
            ):
                title_lines.append(lines[j].text)
                j += 1
            title = join_lines(title_lines) or None
            for number, sub in items:
                mh.agenda.append(
                    {"number": number, "sub_item": sub or None, "title": title if len(items) == 1 else None}
                )
            i += 1
            continue
        i += 1
    joined = " ".join(squash(ln.text) for ln in text_lines)
    m = re.search(
        r"Resolution adopted by the (General Assembly|Security Council|"
        r"Human Rights Council|Economic and Social Council)\s*(?:on\s+(.{0,40}))?",
        joined,
        re.I,
    )  # older texts print the line in capitals
    if m:
        mh.organ = " ".join(w if w == "and" else w.capitalize() for w in m.group(1).lower().split())
        date_text = m.group(2) or ""
        mh.adopted_on = iso_date(date_text)
        if mh.adopted_on is None:
            line = next((ln.no for ln in text_lines if "resolution adopted" in ln.text.lower()), None)
            _warn(
                mh.warnings,
                line,
                f"adoption date '{date_text.strip()}' cannot be read: expected "
                "a date such as '6 December 2021'",
            )
    mh.basis = _basis(lines, mh.warnings)
    if mh.basis and isinstance(mh.session, int):
        mh.basis["documents"] = [
            _report_slash(d, mh.session, lines, mh.warnings) for d in mh.basis["documents"]
        ]
    for k, ln in enumerate(lines):
        m = TITLE_LINE.match(ln.text)
        if m:
            parts = [m.group("title")]
            for nxt in lines[k + 1 :]:
                if nxt.blank or GA_OPENING.match(nxt.text):
                    break
                parts.append(nxt.text)
            mh.number, mh.part = m.group("num"), m.group("part")
            mh.title = join_lines(parts).rstrip(" .") or None
            mh.title_line = ln.no
    return mh


def _basis(lines: list[Line], warnings: list[dict]) -> dict | None:
    from unld.parse.citations import find_documents

    start = next((k for k, ln in enumerate(lines) if ln.text.lstrip().startswith("[")), None)
    if start is None:
        return None
    parts = []
    for ln in lines[start : start + 6]:
        parts.append(ln.text)
        if "]" in ln.text:
            break
    content = squash(" ".join(parts)).strip()
    m = re.match(r"^\[(?P<body>.*)\]", content)
    if not m:
        _warn(
            warnings,
            lines[start].no,
            "basis line has no closing ']': expected "
            "'[on the report of the ... Committee (A/..., para. ...)]'",
        )
        return None
    body = m.group("body").strip()
    docs = [c.target for c in find_documents(body, "basis")]
    para = re.search(r"\bparas?\.\s*(\d+[a-z]?)", body)
    if body.lower().startswith("without reference to a main committee"):
        return {
            "kind": "without-reference",
            "committee": None,
            "documents": docs,
            "paragraph": para.group(1) if para else None,
        }
    rm = re.match(r"on the reports? of the (?P<c>.+?)\s*\((?P<d>[^()]*(?:\([^()]*\)[^()]*)*)\)\s*$", body)
    if not rm:
        _warn(
            warnings,
            lines[start].no,
            f"basis line '{content}' cannot be read: expected '[on the report of the ... Committee (...)]'",
        )
        return None
    committee = normalise_committee(rm.group("c"))
    return {
        "kind": "committee-report",
        "committee": committee,
        "documents": docs,
        "paragraph": para.group(1) if para else None,
    }


def _report_slash(symbol: str, session: int, lines: list[Line], warnings: list[dict]) -> str:
    """``A/78423`` in the basis of a resolution of session 78 is the report ``A/78/423``
    with its slash lost in print (the Assembly's reports of a session are ``A/78/...``)."""
    m = re.fullmatch(rf"A/{session}(\d{{3}})", symbol)
    if not m:
        return symbol
    fixed = f"A/{session}/{m.group(1)}"
    line = next((ln.no for ln in lines if symbol in ln.text), None)
    _warn(warnings, line, f"report symbol {symbol} read as {fixed}: expected 'A/<session>/<number>'")
    return fixed


_COMMITTEES = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth"]


def normalise_committee(name: str) -> str:
    """``Special Political and Decolonization Committee (Fourth Committee)`` -> ``Fourth Committee``."""
    name = squash(name)
    m = re.search(r"\((First|Second|Third|Fourth|Fifth|Sixth) Committee\)", name)
    if m:
        return f"{m.group(1)} Committee"
    if re.match(r"Special Political and Decolonization Committee", name, re.I):
        return "Fourth Committee"
    m = re.match(r"(First|Second|Third|Fourth|Fifth|Sixth) Committee$", name)
    return m.group(0) if m else name


def find_meeting(lines: list[Line]) -> int | None:
    """Index of the last ``45th plenary meeting`` line."""
    idx = None
    for k, ln in enumerate(lines):
        if MEETING_LINE.match(ln.text):
            idx = k
    return idx


def segment(lines: list[Line], lead_hints: dict[int, str]) -> tuple[list[Block], list[Line]]:
    """Cut the resolution's own lines into blocks; return them and any adopted-text lines.

    The adopted text (``Adopts the following declaration:`` and what follows) is returned
    separately so that its own numbered paragraphs never count as the resolution's.

    Time: linear in the number of lines: each line is looked at once, a paragraph is joined
    only to test for an adopted text (when its first line can open one, and at most
    :data:`MAX_ADOPTS_LINES` lines), and the parent of a sub-paragraph is remembered rather
    than searched for.
    """
    return _Segmenter(lines, lead_hints).run()


#: a line that ends with a colon (a footnote mark or quotation mark after it allowed)
_COLON_END = re.compile(r":[”’\"')\]]*\s*(?:\[\^\d+\]|\d{1,3})?\s*$")
#: a line that ends with a comma, likewise
_COMMA_END = re.compile(r",[”’\"')\]]*\s*(?:\[\^\d+\]|\d{1,3})?\s*$")


class _Segmenter:
    """The state of :func:`segment` as it reads the lines one by one: the block being
    assembled, the section, the last paragraph number, whether the operative part has
    begun and whether a blank line came before."""

    def __init__(self, lines: list[Line], lead_hints: dict[int, str]) -> None:
        self.lines = lines
        self.hints = lead_hints
        self.k = 0
        self.blocks: list[Block] = []
        self.cur: Block | None = None
        self.section: str | None = None
        self.last_num = 0
        self.in_operative = False
        self.saw_blank = False
        self.last_main: Block | None = None  # the last numbered or preambular paragraph

    def run(self) -> tuple[list[Block], list[Line]]:
        adopted: list[Line] = []
        while self.k < len(self.lines):
            ln = self.lines[self.k]
            self.k += 1
            if ln.blank:
                self.saw_blank = True
                continue
            cur = self.cur
            ended = cur.ended() if cur and cur.kind != "section" else True
            if self._adopts_what_follows(ended):
                adopted = self.lines[self.k - 1 :]
                break
            if self._numbered(ln, ended) or self._sub(ln, ended) or self._section(ln, ended):
                continue
            self._paragraph(ln, ended)
        # operative paragraphs end with ";" or "."; an unnumbered paragraph opening with a
        # finite verb but ending with "," is part of a preamble ("Recalls its resolution
        # 79/258 A, ...,")
        for b in self.blocks:
            if b.kind == "op" and b.number is None and _COMMA_END.search(b.lines[-1].text):
                b.kind = "pp"
        return self.blocks, adopted

    def _add(self, block: Block, main: bool = False) -> None:
        self.cur = block
        self.blocks.append(block)
        if main:
            self.last_main = block
        self.saw_blank = False

    def _adopts_what_follows(self, ended: bool) -> bool:
        """Whether the finished paragraph adopts the text that follows it."""
        cur = self.cur
        return bool(
            cur is not None
            and cur.kind in ("op", "pp")
            and ended
            and ":" in cur.lines[-1].text
            # the whole paragraph is joined only when its start can match, and only for a
            # paragraph of a plausible length: joining at every line is quadratic
            and ADOPTS_START.match(next((x.text for x in cur.lines if x.text.strip()), ""))
            and len(cur.lines) <= MAX_ADOPTS_LINES
            and ADOPTS_FOLLOWING.match(join_lines([x.text for x in cur.lines]))
        )

    def _numbered(self, ln: Line, ended: bool) -> bool:
        """A numbered operative paragraph (the next number, or 1, or a small gap after a
        blank line)."""
        m = NUMBERED.match(ln.text)
        if not (m and (ended or self.saw_blank)):
            return False
        n = int(m.group("num"))
        gap_ok = self.saw_blank and ended and 0 < n - self.last_num <= 3
        if not (n == self.last_num + 1 or n == 1 or gap_ok):
            return False
        self._add(
            Block("op", [Line(ln.no, m.group("rest") or "")], number=str(n), section=self.section), main=True
        )
        self.last_num = n
        self.in_operative = True
        return True

    def _sub(self, ln: Line, ended: bool) -> bool:
        """A sub-paragraph ("(a)", "(ii)") of the last paragraph; roman numerals after a
        letter are the second level unless they continue the letters."""
        m = SUBPARA.match(ln.text)
        if not (m and ended and self.blocks):
            return False
        label = m.group("label")
        prev_sub = self.blocks[-1] if self.blocks[-1].kind == "sub" else None
        level = 1
        if prev_sub is not None and label in ROMAN_SUB:
            continues_letters = prev_sub.level == 1 and label == _next_letter(prev_sub.label or "")
            if not continues_letters and (prev_sub.level == 2 or label == "i"):
                level = 2
        parent = self.last_main
        self._add(
            Block(
                "sub",
                [Line(ln.no, m.group("rest") or "")],
                label=label,
                level=level,
                section=self.section,
                number=parent.number if parent else None,
            )
        )
        return True

    def _section(self, ln: Line, ended: bool) -> bool:
        """A section heading ("A", "I") with its title on the lines below."""
        m = SECTION.match(ln.text)
        cur = self.cur
        if not (m and ended and (self.saw_blank or not cur)):
            return False
        # a heading cannot follow a colon: "as set out in the table below:" / "A." / "Action"
        # (tested last: most lines are no heading, and the search runs to the line's end)
        if cur is not None and cur.lines and _ENDS_WITH_COLON.search(cur.lines[-1].text):
            return False
        if not _section_follows(self.lines, self.k):
            return False
        self.section = m.group("label")
        title_lines = []
        while self.k < len(self.lines) and self.lines[self.k].blank:
            self.k += 1
        while self.k < len(self.lines) and not self.lines[self.k].blank:
            title_lines.append(self.lines[self.k])
            self.k += 1
        self._add(Block("section", title_lines, label=self.section, section=self.section))
        self.in_operative = False
        self.saw_blank = True
        return True

    def _paragraph(self, ln: Line, ended: bool) -> None:
        """An unnumbered paragraph that opens with its lead phrase, or the next line of the
        paragraph being assembled."""
        cur = self.cur
        if ended and not self.saw_blank and cur is not None and cur.kind != "section":
            # after a colon only a blank line starts a new paragraph: "Goal 6:\nEnsure ..."
            ended = not _COLON_END.search(cur.lines[-1].text)
        text = ln.text
        hint = self.hints.get(ln.no)
        # (read only when the line may open a paragraph: both are used under ``ended`` only)
        starts_pp = ended and is_preambular_head(text)
        starts_op = ended and (
            is_operative_head(text) or (hint is not None and hint.split()[-1].endswith("s"))
        )
        if ended and starts_op and not starts_pp:
            self._add(Block("op", [ln], number=None, section=self.section), main=True)
            self.in_operative = True
            return
        # a participial paragraph after a finished paragraph of an unnumbered operative part
        # (older Council texts: "Noting with concern ..., considers that ...;") is a paragraph
        # of its own; the Council's reader decides which part it belongs to
        after_unnumbered = (
            self.in_operative
            and self.saw_blank
            and self.last_num == 0
            and cur is not None
            and _finished(cur.lines[-1].text)
        )
        if ended and starts_pp and (not self.in_operative or after_unnumbered):
            self._add(Block("pp", [ln], section=self.section), main=True)
            return
        if cur is None or cur.kind == "section":
            self._add(Block("pp" if not self.in_operative else "op", [ln], section=self.section), main=True)
        else:
            cur.lines.append(ln)
            self.saw_blank = False


def _finished(text: str) -> bool:
    """Whether a line ends an operative paragraph (``;`` or ``.``, a footnote mark after)."""
    return bool(re.search(r"[;.][”’\"')\]]*\s*(?:\[\^\d+\]|\d{1,3})?\s*$", text))


def _next_letter(label: str) -> str:
    if len(label) == 1 and label.isalpha():
        return chr(ord(label) + 1)
    return ""


def _section_follows(lines: list[Line], k: int) -> bool:
    """A section heading (``I``, ``A``) is followed by a title or a paragraph, not by text
    that continues a sentence."""
    j = k
    while j < len(lines) and lines[j].blank:
        j += 1
    if j >= len(lines):
        return False
    nxt = lines[j].text.strip()
    return bool(nxt) and (nxt[0].isupper() or nxt[0].isdigit())
