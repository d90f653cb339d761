"""Annexes and adopted texts: cut into headings, paragraphs, sub-paragraphs and tables.

For landmark resolutions the annex *is* the content people cite (the Pact for the Future,
the 2030 Agenda, rules of procedure), so an annex is read as finely as the resolution's
own operative part rather than kept as one block of text.  Annexes do not follow the
resolution's conventions (no lead phrases, "We ..." paragraphs, chapters and numbered
actions, tables), so the segmentation here reads layout and numbering only:

* a **heading** is a roman or letter label (``I.``, ``B.``) with its title, a counted
  label (``Action 1.``, ``Article 5``, ``Rule 12``) with its text, or a short line that
  ends no sentence, standing after a paragraph that has ended;
* a **numbered paragraph** opens with ``12.`` where the numbering continues (``1.`` after a
  colon opens a numbered list inside the paragraph: its items are sub-paragraphs);
* a **sub-paragraph** opens with ``(a)`` or ``(iv)``;
* a **table** is a run of short lines that end no sentence (text extracted from a PDF
  table keeps one cell fragment per line); each line is kept as a cell;
* anything else continues the current paragraph, or opens an **unnumbered paragraph**
  once the previous one has ended.

Identifiers are fragment ids under the resolution's IRI (``docs/annexes.md``): the annex
``annex`` or ``annex-I``, then ``annex-p12``, ``annex-p12a``, ``annex-u3``, ``annex-secI``,
``annex-action1``, ``annex-h2``, ``annex-t1``.  They depend only on the annex's own text,
so they stay stable while the parser improves elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from unld.parse.lines import Line, join_lines, squash
from unld.parse.structure import NUMBERED, ROMAN_SUB, SUBPARA, LineGroup

ROMAN_HEADING = re.compile(r"^\s*(?P<label>[IVXL]{1,6}|[A-H])\.\s*(?P<title>\S.*?)?\s*$")
COUNTED_HEADING = re.compile(
    r"^\s*(?P<word>Action|Article|Rule|Chapter|Part|Section|Principle|Commitment|Objective|Goal|"
    r"Regulation|Appendix|Schedule|Module|Pillar|Element)\s+(?P<num>\d{1,3}|[IVXL]{1,6}|[A-Z])"
    r"(?:\.|:|\s*$|\s+[–—-]\s+|\s+(?=[A-Z]))\s*(?P<title>\S.*?)?\s*$"
)
# A heading line: no sentence end, starts with a capital letter or a quotation mark.
_HEADING_TEXT = re.compile(r"^[“\"'‘(]?[A-Z0-9]")
_NO_END = re.compile(r"[.,;:]\s*(?:\[\^\d+\])?\s*$")
_MARK = re.compile(r"\s*\[\^(\d+)\]")


@dataclass
class Part(LineGroup):
    """One piece of an annex being assembled from lines; ``kind`` is "heading",
    "paragraph", "sub" or "table"."""

    #: heading: counted word ("Action") or "" for roman/letter labels, None if unlabelled
    word: str | None = None
    text: str = ""


def _short(text: str) -> bool:
    return len(squash(text)) <= 40


def _table_run(lines: list[Line], k: int) -> int:
    """Length of the run of table-like lines starting at ``k`` (0 when it is no table).

    A PDF table comes out as one cell fragment per line: many short lines in a row, none of
    which ends a sentence.  Six such lines are needed, so that a list of short headings
    or a title broken over lines is never taken for a table, and a fifth of them at least
    must hold several words (justified text broken one word per line is no table).
    """
    j = k
    while j < len(lines) and (
        lines[j].blank or (_short(lines[j].text) and not _NO_END.search(lines[j].text))
    ):
        j += 1
    run = [ln for ln in lines[k:j] if not ln.blank]
    # justified text broken one word per line ("Building" / "on" / "the" / ...) is no table:
    # a fifth of a table's lines at least hold more than one word ("Asia-Pacific States")
    several = sum(len(ln.text.split()) > 1 for ln in run)
    return j - k if len(run) >= 6 and 5 * several >= len(run) else 0


def segment_annex(lines: list[Line]) -> list[Part]:
    """Cut an annex's lines (its heading and title removed) into parts, in order."""
    return _AnnexSegmenter(lines).run()


#: the end of a line that a colon ends (a footnote mark after it allowed)
_COLON_END = re.compile(r":\s*(?:\[\^\d+\])?\s*$")
#: the end of a line that a full stop or a colon ends
_SENTENCE_END = re.compile(r"[.:]\s*(?:\[\^\d+\])?\s*$")


class _AnnexSegmenter:
    """The state of :func:`segment_annex` as it reads the lines: the part being assembled,
    the last paragraph number, the last number of a list inside a paragraph, and whether a
    blank line came before."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.k = 0
        self.parts: list[Part] = []
        self.cur: Part | None = None
        self.last_num = 0
        self.nested = 0  # last number of a numbered list inside a paragraph ("1. Close all ...")
        self.saw_blank = False

    def run(self) -> list[Part]:
        while self.k < len(self.lines):
            ln = self.lines[self.k]
            if ln.blank:
                self.saw_blank = True
                self.k += 1
                continue
            cur = self.cur
            ended = cur.ended() if cur is not None and cur.kind != "table" else True
            after_colon = cur is not None and bool(_COLON_END.search(cur.lines[-1].text))
            if (
                self._numbered(ln, ended, after_colon)
                or self._sub(ln, ended)
                or (ended and not after_colon and self._heading_or_table(ln))
                or self._heading_runs_on(ln)
                or self._heading_after_colon(ln, after_colon)
            ):
                continue
            self._paragraph(ln, ended)
        return [p for p in self.parts if p.kind != "heading" or any(not x.blank for x in p.lines) or p.label]

    def _add(self, part: Part, lines_read: int = 1, blank_before_next: bool = False) -> None:
        self.cur = part
        self.parts.append(part)
        self.k += lines_read
        self.saw_blank = blank_before_next

    def _numbered(self, ln: Line, ended: bool, after_colon: bool) -> bool:
        """A numbered paragraph, or an item of a numbered list inside a paragraph (after a
        colon, or continuing such a list)."""
        m = NUMBERED.match(ln.text)
        if not (m and (ended or self.saw_blank)):
            return False
        n = int(m.group("num"))
        first = Line(ln.no, m.group("rest") or "")
        nested = self.nested
        if _owner(self.parts) is not None and ((after_colon and n == 1) or (nested and n == nested + 1)):
            self.nested = n
            self._add(Part("sub", [first], label=str(n), level=1))
            return True
        last = self.last_num
        if n == last + 1 or (n == 1 and not after_colon) or (0 < n - last <= 3 and self.saw_blank):
            self._add(Part("paragraph", [first], number=str(n)))
            self.last_num, self.nested = n, 0
            return True
        return False

    def _sub(self, ln: Line, ended: bool) -> bool:
        """A sub-paragraph ("(a)", "(ii)") of the last paragraph."""
        m = SUBPARA.match(ln.text)
        if not (m and ended and _owner(self.parts) is not None):
            return False
        label = m.group("label")
        prev = self.cur if self.cur is not None and self.cur.kind == "sub" else None
        level = 1
        if prev is not None and label in ROMAN_SUB:
            continues = prev.level == 1 and label == _next_letter(prev.label or "")
            if not continues and (prev.level == 2 or label == "i"):
                level = 2
        self._add(Part("sub", [Line(ln.no, m.group("rest") or "")], label=label, level=level))
        return True

    def _heading_or_table(self, ln: Line) -> bool:
        """A counted heading ("Article 3"), a roman or lettered heading ("II. Principles"), a
        table, or an unlabelled heading line, after a finished part."""
        m = COUNTED_HEADING.match(ln.text)
        if m:
            part = Part(
                "heading",
                [Line(ln.no, m.group("title") or "")],
                label=f"{m.group('word')} {m.group('num')}",
                word=m.group("word"),
                level=3,
            )
            return self._heading(part, titled=bool(m.group("title")))
        m = ROMAN_HEADING.match(ln.text)
        title = m.group("title") if m else None
        if m and (title is None or (len(title) <= 150 and not re.search(r"[;,]\s*$", title))):
            label = m.group("label")
            level = 2 if len(label) == 1 and label not in "IVXL" else 1
            return self._heading(
                Part("heading", [Line(ln.no, title or "")], label=label, word="", level=level), bool(title)
            )
        run = _table_run(self.lines, self.k)
        if run:
            self._add(Part("table", [x for x in self.lines[self.k : self.k + run] if not x.blank]), run, True)
            return True
        if _is_heading(self.lines, self.k, self.cur):
            self._add(Part("heading", [ln], level=4))
            self.nested = 0
            return True
        return False

    def _heading(self, part: Part, titled: bool) -> bool:
        self._add(part)
        self.nested = 0
        if not titled:
            # a title on lines of its own follows a label that stands alone
            self.k = _title_lines(self.lines, self.k, part)
        return True

    def _heading_runs_on(self, ln: Line) -> bool:
        """ "Action 1. We will take bold, ambitious, ... transformative" / "actions to ...": a
        counted heading's text runs on to the end of its sentence."""
        cur = self.cur
        if not (cur is not None and cur.kind == "heading" and cur.word and not self.saw_blank):
            return False
        if _SENTENCE_END.search(cur.lines[-1].text):
            return False
        cur.lines.append(ln)
        self.k += 1
        return True

    def _heading_after_colon(self, ln: Line, after_colon: bool) -> bool:
        """ "Declare the following:" / "Guiding principles" / "In order to ...": a heading
        line after a blank line that follows a colon."""
        if not (after_colon and self.saw_blank and _is_heading(self.lines, self.k, None)):
            return False
        self._add(Part("heading", [ln], level=4))
        self.nested = 0
        return True

    def _paragraph(self, ln: Line, ended: bool) -> None:
        """A new unnumbered paragraph, or the next line of the part being assembled."""
        cur = self.cur
        if (
            cur is None
            or cur.kind in ("heading", "table")
            or (ended and _opens_paragraph(cur, ln, self.saw_blank))
        ):
            self._add(Part("paragraph", [ln]))
            self.nested = 0
        else:
            cur.lines.append(ln)
            self.saw_blank = False
            self.k += 1


def _owner(parts: list[Part]) -> Part | None:
    return next((p for p in reversed(parts) if p.kind == "paragraph"), None) if parts else None


def _title_lines(lines: list[Line], k: int, heading: Part) -> int:
    """Take the title printed under a label that stands alone (``I.`` / ``Sustainable ...``)."""
    while k < len(lines) and lines[k].blank:
        k += 1
    taken = 0
    while (
        k < len(lines)
        and not lines[k].blank
        and taken < 3
        and not NUMBERED.match(lines[k].text)
        and not SUBPARA.match(lines[k].text)
    ):
        heading.lines.append(lines[k])
        taken += 1
        k += 1
        if _NO_END.search(lines[k - 1].text):
            break
    return k


def _is_heading(lines: list[Line], k: int, cur: Part | None) -> bool:
    """A short line that ends no sentence, after a paragraph that has ended, with a blank
    line or a new paragraph after it: ``Objectives``, ``Preamble``, ``Guiding principles``."""
    text = squash(lines[k].text)
    if not text or len(text) > 120 or _NO_END.search(text) or not _HEADING_TEXT.match(text):
        return False
    if cur is not None and cur.kind == "paragraph" and not cur.ended():
        return False
    j = k + 1
    if j < len(lines) and not lines[j].blank:
        nxt = lines[j].text
        # the next line must open something: a number, a label, or a capitalised sentence
        # standing as a paragraph of its own (a heading is not continued on the next line)
        return bool(NUMBERED.match(nxt) or SUBPARA.match(nxt) or ROMAN_HEADING.match(nxt))
    return True


def _opens_paragraph(cur: Part, ln: Line, saw_blank: bool) -> bool:
    """Whether ``ln`` opens an unnumbered paragraph after ``cur`` (which has ended)."""
    if cur.kind == "sub":
        return saw_blank and ln.text.lstrip()[:1].isupper() and not _sub_continues(cur)
    if saw_blank:
        return ln.text.lstrip()[:1].isupper() or ln.text.lstrip()[:1] in "“\"'‘"
    if cur.number is not None:
        return False  # a numbered paragraph runs on until the next number or heading
    from unld.parse.leads import is_operative_head, is_preambular_head

    return is_preambular_head(ln.text) or is_operative_head(ln.text)


def _sub_continues(sub: Part) -> bool:
    return bool(re.search(r"(?:;|,|\band|\bor)\s*$", sub.lines[-1].text))


def _next_letter(label: str) -> str:
    if len(label) == 1 and label.isalpha():
        return chr(ord(label) + 1)
    return ""


# --- identifiers and the record ---------------------------------------------------------------


def annex_id(label: str | None, several: bool) -> str:
    """Fragment id of an annex: ``annex``, or ``annex-I`` when it has a label."""
    return f"annex-{label}" if label else "annex"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "", text)


class _Ids:
    """Fragment ids of one annex's parts, unique within the resolution."""

    def __init__(self, prefix: str, taken: set[str]) -> None:
        self.prefix = prefix
        self.taken = taken
        self.unnumbered = 0
        self.unlabelled = 0
        self.tables = 0

    def claim(self, ident: str, fallback: str | None = None) -> str:
        if ident in self.taken and fallback is not None:
            ident = fallback
        base, n = ident, 2
        while ident in self.taken:
            ident = f"{base}-{n}"
            n += 1
        self.taken.add(ident)
        return ident

    def heading(self, part: Part, parent: dict | None) -> str:
        if part.label is None:
            self.unlabelled += 1
            return self.claim(f"{self.prefix}-h{self.unlabelled}")
        own = f"{part.word.lower()}{_slug(part.label.split(' ', 1)[1])}" if part.word else f"sec{part.label}"
        fallback = f"{parent['id']}-{own}" if parent else None
        return self.claim(f"{self.prefix}-{own}", fallback)

    def paragraph(self, part: Part, heading: dict | None) -> str:
        if part.number is None:
            self.unnumbered += 1
            return self.claim(f"{self.prefix}-u{self.unnumbered}")
        fallback = f"{heading['id']}-p{part.number}" if heading else None
        return self.claim(f"{self.prefix}-p{part.number}", fallback)

    def table(self) -> str:
        self.tables += 1
        return self.claim(f"{self.prefix}-t{self.tables}")


def _clean(text: str) -> tuple[str, list[str]]:
    if "[^" not in text:  # most paragraphs have no mark: no need to try every position
        return text.strip(), []
    marks = _MARK.findall(text)
    return _MARK.sub("", text).strip(), marks


def build_annex(
    prefix: str, parts: list[Part], taken: set[str]
) -> tuple[list[dict], list[dict], list[dict], dict[int, str]]:
    """Headings, paragraphs and tables of one annex (``part.text`` holds the text with its
    footnote references), and the fragment id of each part by its index in ``parts``.

    Every heading, paragraph and table has ``index``, its place in the annex's reading
    order, so that a reader can put them back in order.
    """
    from unld.parse.leads import lead_phrase

    ids = _Ids(prefix, taken)
    headings: list[dict] = []
    paragraphs: list[dict] = []
    tables: list[dict] = []
    where: dict[int, str] = {}
    stack: list[dict] = []  # open headings, outermost first
    order = 0
    last_para: dict | None = None
    last_sub: dict | None = None
    for i, part in enumerate(parts):
        text, marks = _clean(join_lines(part.text.split("\n")))
        if part.kind == "heading":
            while stack and stack[-1]["level"] >= part.level:
                stack.pop()
            parent = stack[-1] if stack else None
            order += 1
            h: dict[str, Any] = {
                "id": ids.heading(part, parent),
                "index": order,
                "label": part.label,
                "title": text or None,
                "level": part.level,
                "in": parent["id"] if parent else None,
                "footnotes": marks,
                "line": part.line,
            }
            headings.append(h)
            stack.append(h)
            where[i] = h["id"]
            last_para, last_sub = None, None
            continue
        heading = stack[-1] if stack else None
        if part.kind == "table":
            order += 1
            tid = ids.table()
            cells = []
            for j, ln in enumerate(part.lines, start=1):
                cell_text, cell_marks = _clean(squash(ln.text))
                cells.append({"id": f"{tid}-c{j}", "text": cell_text, "footnotes": cell_marks, "line": ln.no})
            tables.append(
                {
                    "id": tid,
                    "index": order,
                    "in": heading["id"] if heading else None,
                    "cells": cells,
                    "line": part.line,
                }
            )
            where[i] = tid
            last_para, last_sub = None, None
            continue
        if part.kind == "sub" and last_para is not None:
            sub: dict[str, Any] = {
                "label": part.label,
                "text": text,
                "footnotes": marks,
                "subparagraphs": [],
                "line": part.line,
            }
            if part.level == 2 and last_sub is not None:
                sub["id"] = ids.claim(f"{last_sub['id']}-{part.label}")
                last_sub["subparagraphs"].append(sub)
            else:
                sep = "-" if (part.label or "").isdigit() else ""
                sub["id"] = ids.claim(f"{last_para['id']}{sep}{part.label}")
                last_para["subparagraphs"].append(sub)
                last_sub = sub
            where[i] = sub["id"]
            continue
        order += 1
        p: dict[str, Any] = {
            "id": ids.paragraph(part if part.kind == "paragraph" else Part("paragraph"), heading),
            "index": order,
            "number": part.number,
            "in": heading["id"] if heading else None,
            "lead": lead_phrase(text) if part.number is None else None,
            "text": text,
            "footnotes": marks,
            "subparagraphs": [],
            "line": part.line,
        }
        paragraphs.append(p)
        where[i] = p["id"]
        last_para, last_sub = p, None
    return headings, paragraphs, tables, where


def walk_paragraphs(paragraphs: list[dict]) -> list[dict]:
    """The paragraphs and their sub-paragraphs, in document order."""
    out: list[dict] = []

    def walk(p: dict) -> None:
        out.append(p)
        for s in p.get("subparagraphs", []):
            walk(s)

    for p in paragraphs:
        walk(p)
    return out


_REFERS = re.compile(
    r"\b(?:annex(?:es)?(?:\s+(?P<label>[IVXL]+|\d+))?\s+(?:to|of)\s+the\s+present\s+(?:resolution|decision)"
    r"|annexed\s+(?:hereto|to\s+the\s+present\s+(?:resolution|decision)))",
    re.I,
)


def referred_labels(text: str) -> list[str | None]:
    """Annex labels a paragraph refers to (``None``: the annex, unlabelled)."""
    return [m.group("label") for m in _REFERS.finditer(text)]
