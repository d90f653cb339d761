"""Footnotes: their texts at page bottoms and their marks glued to the running text.

Footnotes are numbered in order through a resolution, so the marks are found in order too:
mark *k* is the first place after mark *k-1* where the number *k* is glued to a word or
punctuation (``Security,1``, ``Tribunals1 and``, ``resolution 79/45,1``), stands alone
between wide spaces as older layouts print it (``Development, 1  including``), or ends a
resolution number that cannot exist (``77/2285`` is 77/228 and mark 5).  Each mark found is
replaced by an explicit reference ``[^k]`` that later stages turn into a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

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


@cache
def _patterns(mark: str) -> tuple[re.Pattern[str], ...]:
    k = re.escape(mark)
    return (
        # glued to a word or punctuation: "Security,1", "Tribunals1 and"
        re.compile(rf"(?<=[A-Za-z)\]”’\".,;:])({k})(?![\d/])"),
        # after punctuation, spaced as older layouts print marks: "Development, 1  including"
        re.compile(rf"(?<=[)\]”’\".,;:]) {{1,3}}({k})(?= {{2,}}|\s*\n|\s*$)"),
        # after a word, between wide spaces: "Goals 6  and"
        re.compile(rf"(?<=[A-Za-z]) {{1,3}}({k})(?= {{2,}})"),
        # ending a resolution number that cannot exist: "77/2285" is 77/228 and mark 5
        re.compile(rf"(?<![\w/])\d{{1,2}}/(\d{{1,3}})({k})(?!\d)"),
    )


def _first(text: str, mark: str, start: int) -> tuple[int, int] | None:
    """(start, end) of the first place at or after ``start`` where ``mark`` may stand."""
    best: tuple[int, int] | None = None
    glued, spaced, wide, number = _patterns(mark)
    for rx in (glued, spaced, wide):
        for m in rx.finditer(text, start):
            if best is not None and m.start() >= best[0]:
                break
            # "COP26", "G20": a mark glued to a capital letter is part of a name
            i = m.start(1)
            if rx is glued and i and text[i - 1].isupper() and not (i > 1 and text[i - 2].islower()):
                continue
            best = (m.start(), m.end())
            break
    for m in number.finditer(text, start):
        if best is not None and m.start(2) >= best[0]:
            break
        if int(m.group(1) + mark) > 999:
            best = (m.start(2), m.end(2))
            break
    return best


def place_marks(texts: list[str], marks: list[str]) -> tuple[list[str], dict[str, int]]:
    """Replace footnote marks in ``texts`` (in document order) by ``[^k]`` references.

    Returns the new texts and, for each mark found, the index of the text it is in.
    Marks not found are left out of the mapping (the caller warns about them).
    """
    out = list(texts)
    where: dict[str, int] = {}
    ti, pos = 0, 0
    for mark in marks:
        hit = None
        for t in range(ti, len(out)):
            found = _first(out[t], mark, pos if t == ti else 0)
            if found:
                hit = (t, found)
                break
        if hit is None:
            continue
        t, (s, e) = hit
        out[t] = out[t][:s] + f"[^{mark}]" + out[t][e:]
        where[mark] = t
        ti, pos = t, s + len(mark) + 3
    return out, where
