"""Footnotes: their texts at page bottoms and their marks glued to the running text.

Footnotes are numbered in order through a resolution, so the marks are found in order too:
mark *k* is the first place after mark *k-1* where the number *k* is glued to a word or
punctuation (``Security,1``, ``Tribunals1 and``, ``resolution 79/45,1``), stands alone
between wide spaces as older layouts print it (``Development, 1  including``), or ends a
resolution number that cannot exist (``77/2285`` is 77/228 and mark 5).  Each mark found is
replaced by an explicit reference ``[^k]`` that later stages turn into a link.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from unld.parse.lines import Line, join_lines

_FOOTNOTE_START = re.compile(r"^\s*(\d{1,3}|\*{1,3})(?:\s+(.*)|$)")


@dataclass
class Footnote:
    mark: str
    lines: list[Line] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.lines[0].no if self.lines else 0

    @property
    def text(self) -> str:
        parts = [ln.text for ln in self.lines]
        if parts:
            parts[0] = _FOOTNOTE_START.sub(lambda m: m.group(2) or "", parts[0], count=1)
        return join_lines(parts)


def split_footnotes(lines: list[Line]) -> list[Footnote]:
    """Cut footnote lines into footnotes, by marks counting up (a restart at 1 is allowed)."""
    notes: list[Footnote] = []
    expected = None
    for line in lines:
        if line.blank:
            continue
        m = _FOOTNOTE_START.match(line.text)
        if m and m.group(1).isdigit():
            k = int(m.group(1))
            if expected is None or k == expected or (k == 1 and notes and m.group(2)):
                notes.append(Footnote(m.group(1), [line]))
                expected = k + 1
                continue
        if m and not m.group(1).isdigit() and not notes:
            notes.append(Footnote(m.group(1), [line]))
            continue
        if notes:
            notes[-1].lines.append(line)
    return notes


# Places where a footnote mark may stand, found in one pass for every mark at once:
_GLUED = re.compile(r"(?<=[A-Za-z)\]”’\".,;:])(\d{1,3})(?![\d/])")  # "Security,1", "Tribunals1 and"
_SPACED = re.compile(r"(?<=[)\]”’\".,;:]) {1,3}(\d{1,3})(?= {2,}|\s*\n|\s*$)")  # ", 1  including"
_WIDE = re.compile(r"(?<=[A-Za-z]) {1,3}(\d{1,3})(?= {2,})")  # "Goals 6  and"
_NUMBER = re.compile(r"(?<![\w/])\d{1,2}/(\d{4,6})(?!\d)")  # "77/2285": 77/228 and mark 5


def _candidates(text: str) -> list[tuple[int, int, str]]:
    """(start, end, mark) of every place in ``text`` where some mark may stand."""
    found: list[tuple[int, int, str]] = []
    for rx in (_GLUED, _SPACED, _WIDE):
        for m in rx.finditer(text):
            i = m.start(1)
            # "COP26", "G20": digits glued to a capital letter are part of a name
            if rx is _GLUED and text[i - 1].isupper() and not (i > 1 and text[i - 2].islower()):
                continue
            found.append((m.start(), m.end(), m.group(1)))
    for m in _NUMBER.finditer(text):
        digits = m.group(1)
        for cut in range(1, len(digits)):
            if int(digits[:-cut]) <= 999 and int(digits[:-cut]) > 0:
                found.append((m.start(1) + len(digits) - cut, m.end(1), digits[-cut:]))
                break
    return sorted(found)


def place_marks(texts: list[str], marks: list[str]) -> tuple[list[str], dict[str, int]]:
    """Replace footnote marks in ``texts`` (in document order) by ``[^k]`` references.

    Mark *k* is the first candidate for *k* after the place of the mark before it.  Returns
    the new texts and, for each mark found, the index of the text it is in.  Marks not
    found are left out of the mapping (the caller warns about them).
    """
    by_mark: dict[str, list[tuple[int, int, int]]] = {}
    for t, text in enumerate(texts):
        for start, end, mark in _candidates(text):
            by_mark.setdefault(mark, []).append((t, start, end))
    chosen: dict[int, list[tuple[int, int, str]]] = {}
    where: dict[str, int] = {}
    here = (0, 0)
    for mark in marks:
        options = by_mark.get(mark, [])
        k = bisect.bisect_left(options, (here[0], here[1], -1))
        if k == len(options):
            continue
        t, start, end = options[k]
        chosen.setdefault(t, []).append((start, end, mark))
        where[mark] = t
        here = (t, end)
    out = list(texts)
    for t, spots in chosen.items():
        text = out[t]
        for start, end, mark in sorted(spots, reverse=True):
            text = text[:start] + f"[^{mark}]" + text[end:]
        out[t] = text
    return out, where
