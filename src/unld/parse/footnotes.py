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


def split_footnotes(lines: list[Line], gaps: bool = False) -> list[Footnote]:
    """Cut footnote lines into footnotes, by marks counting up (a restart at 1 is allowed).

    With ``gaps``, marks may skip a few numbers (``95, 96, 97, 100``): the Security
    Council's yearly volumes number their footnotes through the book, and a resolution
    prints only its own.
    """
    notes: list[Footnote] = []
    expected = None
    for line in lines:
        if line.blank:
            continue
        m = _FOOTNOTE_START.match(line.text)
        if m and m.group(1).isdigit():
            k = int(m.group(1))
            skipped = (
                gaps
                and expected is not None
                and expected < k <= expected + 9
                and bool(m.group(2))
                and m.group(2)[:1].isupper()
            )
            if expected is None or k == expected or skipped or (k == 1 and notes and m.group(2)):
                notes.append(Footnote(m.group(1), [line]))
                expected = k + 1
                continue
        if m and not m.group(1).isdigit() and not notes:
            notes.append(Footnote(m.group(1), [line]))
            continue
        if notes:
            notes[-1].lines.append(line)
    return notes


# Places where a footnote mark may stand, found in one pass for every mark at once, with
# how sure each kind of place is (a mark glued to a word is almost certain):
_KINDS = (
    (3, re.compile(r"(?<=[A-Za-z)\]”’\".,;:])(\d{1,3})(?![\d/])")),  # "Security,1", "Tribunals1 and"
    (2, re.compile(r"(?<=[)\]”’\".,;:]) {1,3}(\d{1,3})(?= {2,}|\s*\n|\s*$)")),  # ", 1  including"
    (2, re.compile(r"(?<=[A-Za-z]) {1,3}(\d{1,3})(?= {2,})")),  # "Goals 6  and"
    (1, re.compile(r"(?<=[,;:”’)]) (\d{1,3})(?= [a-z])")),  # "Agenda, 1 to close the gap"
    (0, re.compile(r"(?<=[A-Za-z]) (\d{1,3})(?= [a-z])")),  # "Mission in Kosovo 1 and the"
)
# Words that are followed by a number of their own, not by a footnote mark ("Goal 1 and").
_COUNTED = re.compile(
    r"(?:Goals?|Articles?|paragraphs?|paras?|No|Protocol|Annex|annex|Appendix|Chapter|chapter|"
    r"Part|part|Section|section|sect|Rule|rule|Principle|principle|Target|target|Phase|phase|"
    r"Level|level|Stage|stage|Category|category|Tier|Volume|vol|page|pages|item|items|session|"
    r"resolutions?|decisions?|Step|step|table|Table|figure|Figure|box|Box|Recommendation|"
    r"recommendation|Option|option|Scenario|Group|Grade|grade|Prize|Plan|Objective|objective|"
    r"Outcome|outcome|Priority|priority|Pillar|pillar|Component|component|Module|module|"
    r"Cluster|cluster|Platform|Sector|sector|Region|Zone|Block|Building|Floor|Class|Type|type|"
    r"Decade|Year|Schedule|Agenda|Programme|Resolution|Decision|Covid|COVID|times|per|at|and|or|"
    r"to|of|in|on|by|for|with|from|than|over|under|about|some|nearly|almost|least|most)$"
)
_NUMBER = re.compile(r"(?<![\w/])\d{1,2}/(\d{4,6})(?!\d)")  # "77/2285": 77/228 and mark 5


@dataclass(frozen=True)
class _Spot:
    text: int
    start: int
    end: int
    mark: str
    sure: int


def _candidates(t: int, text: str) -> list[_Spot]:
    """Every place in ``text`` (number ``t``) where some mark may stand."""
    found: list[_Spot] = []
    for sure, rx in _KINDS:
        for m in rx.finditer(text):
            i = m.start(1)
            # "COP26", "G20": digits glued to a capital letter are part of a name; "42.1 million"
            # is a decimal number
            if sure == 3 and (
                text[i - 1].isupper()
                and not (i > 1 and text[i - 2].islower())
                or text[i - 1] == "."
                and i > 1
                and text[i - 2].isdigit()
            ):
                continue
            if sure == 0 and _COUNTED.search(text, max(0, i - 16), i - 1):
                continue
            found.append(_Spot(t, m.start(), m.end(), m.group(1), sure))
    for m in _NUMBER.finditer(text):
        digits = m.group(1)
        for cut in range(1, len(digits)):
            if 0 < int(digits[:-cut]) <= 999:
                found.append(_Spot(t, m.start(1) + len(digits) - cut, m.end(1), digits[-cut:], 2))
                break
    return found


def _chain(spots_by_mark: list[list[_Spot]]) -> list[_Spot | None]:
    """One place per mark (or none), in increasing order of place, placing as many marks as
    possible, then preferring surer and earlier places: a longest increasing chain, so that
    one false place far ahead cannot push every later mark out of reach."""
    flat = [(k, s) for k, spots in enumerate(spots_by_mark) for s in spots]
    best: list[tuple[int, int, int]] = []  # (marks placed, sureness, -place) ending at flat[i]
    back: list[int] = []
    for i, (k, s) in enumerate(flat):
        score, prev = (1, s.sure, -(s.text * 10**7 + s.start)), -1
        for j in range(i):
            kj, sj = flat[j]
            if kj < k and (sj.text, sj.end) <= (s.text, s.start):
                cand = (best[j][0] + 1, best[j][1] + s.sure, best[j][2] - (s.text * 10**7 + s.start))
                if cand > score:
                    score, prev = cand, j
        best.append(score)
        back.append(prev)
    chosen: list[_Spot | None] = [None] * len(spots_by_mark)
    if flat:
        i = max(range(len(flat)), key=lambda n: best[n])
        while i >= 0:
            k, s = flat[i]
            chosen[k] = s
            i = back[i]
    return chosen


def place_marks(texts: list[str], marks: list[str]) -> tuple[list[str], dict[str, int]]:
    """Replace footnote marks in ``texts`` (in document order) by ``[^k]`` references.

    Returns the new texts and, for each mark found, the index of the text it is in.  Marks
    not found are left out of the mapping (the caller warns about them).
    """
    wanted = set(marks)
    by_mark: dict[str, list[_Spot]] = {}
    for t, text in enumerate(texts):
        for spot in _candidates(t, text):
            if spot.mark in wanted:
                by_mark.setdefault(spot.mark, []).append(spot)
    chosen = _chain([by_mark.get(m, []) for m in marks])
    where: dict[str, int] = {}
    per_text: dict[int, list[_Spot]] = {}
    for mark, spot in zip(marks, chosen, strict=True):
        if spot is not None:
            where[mark] = spot.text
            per_text.setdefault(spot.text, []).append(spot)
    out = list(texts)
    for t, spots in per_text.items():
        text = out[t]
        for spot in sorted(spots, key=lambda s: s.start, reverse=True):
            text = text[: spot.start] + f"[^{spot.mark}]" + text[spot.end :]
        out[t] = text
    return out, where
