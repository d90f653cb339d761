"""Page furniture of PDF-extracted text: running headers, page numbers, footnote blocks.

Text extracted from the UN's PDFs keeps, on every page after the first, a block of running
header or footer lines (the symbol, the running title, the job number, ``2/7``) wherever the
page broke, often in the middle of a sentence, and keeps each page's footnotes (below a
``______`` rule) between two pages of text.  This module finds that furniture and separates
it from the body, keeping line numbers, so that the structure parser sees running text.

Page markers (``2/7``, ``18-15052 2/12``) anchor the search: the block around a marker is
furniture as long as its lines are blank, the symbol, a job number, a barcode or a piece
of the running title (taken from the masthead: the title and the agenda item titles).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from unld.parse.lines import Line, squash

JOB_NUMBER = re.compile(r"^\d{2}-\d{5}(?:\s*\([A-Z]\))?(?:\s+\d{6})?$")
BARCODE = re.compile(r"^\*\d{6,}\*$")
SEPARATOR = re.compile(r"^\s*_{5,}\s*$")
PAGE_MARKER = re.compile(
    r"^\s*(?:(?P<job1>\d{2}-\d{5})\s+)?(?P<page>\d{1,3})/(?P<pages>\d{1,3})"
    r"(?:\s+(?P<job2>\d{2}-\d{5}))?\s*$"
)
_GA_SYMBOL = re.compile(r"\b(A/(?:RES/)?[A-Z0-9./\-]+(?:\s[A-Z])?)\s*$")
_MASTHEAD_END = re.compile(r"^\s*The (?:General Assembly|Security Council)\b")
_DATE_LINE = re.compile(
    r"^\d{1,2} (?:january|february|march|april|may|june|july|august|september|october|november|december)"
    r" \d{4}$"
)


@dataclass
class Layout:
    """The text split into body lines and footnote lines, furniture removed."""

    body: list[Line]
    footnotes: list[Line]
    symbol: str | None = None
    removed: list[Line] = field(default_factory=list)


def _norm(text: str) -> str:
    return squash(text.replace("\u2013", "-").replace("\u2014", "-")).lower()


def masthead_symbol(lines: list[Line]) -> str | None:
    """The symbol printed in the masthead (``A/RES/76/19``), from the first lines."""
    for line in lines[:15]:
        m = re.search(r"\b([AS]/RES/[A-Z0-9\-]+/\d+(?:\s?\([A-Z0-9]+\))?(?:\s[A-Z]\b)?)", line.text)
        if m:
            return squash(m.group(1))
    return None


def _running_text(lines: list[Line]) -> str:
    """Normalised text of the masthead, where running titles come from: at most the first
    100 lines, so that looking a line up in it costs the same however long the text is."""
    end = next((i for i, ln in enumerate(lines) if _MASTHEAD_END.match(ln.text)), min(60, len(lines)))
    return " " + _norm(" ".join(ln.text for ln in lines[: min(end, 100)])) + " "


def _page_markers(lines: list[Line]) -> list[int]:
    found: list[tuple[int, int, int]] = []
    for i, line in enumerate(lines):
        m = PAGE_MARKER.match(line.text)
        if m:
            page, pages = int(m.group("page")), int(m.group("pages"))
            if 2 <= page <= pages:
                found.append((i, page, pages))
    if not found:
        return []
    total = Counter(p for _, _, p in found).most_common(1)[0][0]
    return [i for i, _, pages in found if pages == total]


class _Furniture:
    """Decides whether one line can be part of a running header or footer."""

    def __init__(self, symbol: str | None, running: str) -> None:
        self.symbol = _norm(symbol) if symbol else None
        self.running = running

    def __call__(self, line: Line) -> bool:
        text = _norm(line.text)
        if not text:
            return True
        if self.symbol and text == self.symbol:
            return True
        if JOB_NUMBER.match(text) or BARCODE.match(text) or PAGE_MARKER.match(line.text):
            return True
        if self.symbol and text.endswith(" " + self.symbol):
            text = text[: -len(self.symbol) - 1].strip()
        if self.symbol and text.startswith(self.symbol + " "):
            text = text[len(self.symbol) + 1 :].strip()
        if _DATE_LINE.match(text):
            # a running header never is a bare date, but the meeting's date under the
            # closing "Nth plenary meeting" line is, and it is in the masthead's text too
            return False
        return len(text) >= 6 and f" {text} " in self.running


# marks have one to three digits: a longer run of superscripts is text, not a mark; the
# pattern begins with a superscript (the one before it checked after) so that ``re`` skips
# to the next superscript instead of trying every position: it matches what
# (?<![⁰¹²³⁴⁵⁶⁷⁸⁹])[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3}(?![⁰¹²³⁴⁵⁶⁷⁸⁹]) matches
_SUPERSCRIPT = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹](?<![⁰¹²³⁴⁵⁶⁷⁸⁹][⁰¹²³⁴⁵⁶⁷⁸⁹])[⁰¹²³⁴⁵⁶⁷⁸⁹]{0,2}(?![⁰¹²³⁴⁵⁶⁷⁸⁹])")
_SUPER_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def _superscript_marks(line: Line) -> Line:
    """Superscript digits, as some extractions keep them, are footnote marks: at the start
    of a line they number a footnote (``¹ A/65/201.``), elsewhere they are a reference."""
    if not _SUPERSCRIPT.search(line.text):
        return line
    text = line.text
    lead = re.match(r"(\s*)([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})(?![⁰¹²³⁴⁵⁶⁷⁸⁹])\s*", text)
    head = ""
    if lead:
        head = lead.group(1) + lead.group(2).translate(_SUPER_DIGITS) + " "
        text = text[lead.end() :]
    text = _SUPERSCRIPT.sub(lambda m: f"[^{m.group(0).translate(_SUPER_DIGITS)}]", text)
    return Line(line.no, head + text)


def _blank_after_block(lines: list[Line], start: int, removed: set[int]) -> bool:
    """Whether the furniture block that starts at ``start`` ends with a blank line."""
    end = start
    while end + 1 < len(lines) and end + 1 in removed:
        end += 1
    return lines[end].blank


def split_layout(lines: list[Line]) -> Layout:
    """Remove page furniture and separate footnote blocks from the body.

    Time: linear in the number of lines (page markers, running heads and footnote blocks
    are found in passes over the lines, each line looked at a bounded number of times)."""
    lines = [_superscript_marks(ln) for ln in lines]
    symbol = masthead_symbol(lines)
    is_furniture = _Furniture(symbol, _running_text(lines))
    removed: set[int] = set()
    starts: set[int] = set()
    for i in _page_markers(lines):
        lo = i
        while lo - 1 >= 0 and is_furniture(lines[lo - 1]) and i - (lo - 1) <= 12:
            lo -= 1
        hi = i
        while hi + 1 < len(lines) and is_furniture(lines[hi + 1]) and (hi + 1) - i <= 12:
            hi += 1
        # keep the blank lines that separate the page's last paragraph from the next one:
        # a blank just before the block and a blank just after both survive as one blank
        removed.update(range(lo, hi + 1))
        starts.add(lo)
    footnote_idx: set[int] = set()
    i = 0
    while i < len(lines):
        if i not in removed and SEPARATOR.match(lines[i].text):
            j = i + 1
            while j < len(lines) and j not in starts:
                footnote_idx.add(j)
                j += 1
            removed.add(i)
            i = j
            continue
        i += 1
    body: list[Line] = []
    for idx, line in enumerate(lines):
        if idx in removed or idx in footnote_idx:
            if (
                idx in starts
                and body
                and not body[-1].blank
                and body[-1].text.rstrip().endswith((";", ".", ":"))
                and _blank_after_block(lines, idx, removed)
            ):
                # the page ended a paragraph and the next page opens with a new one (a section
                # heading, say): the blank between them went with the page's furniture
                body.append(Line(line.no, ""))
            continue
        body.append(line)
    footnotes = [lines[i] for i in sorted(footnote_idx) if i not in removed]
    return Layout(body=body, footnotes=footnotes, symbol=symbol, removed=[lines[i] for i in sorted(removed)])
