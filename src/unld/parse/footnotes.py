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
import heapq
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
# how sure each kind of place is (a mark glued to a word is almost certain).
# Each pattern begins with what it consumes first (the space before the mark, or its first
# digit) and checks the character before it with a lookbehind placed after that: a pattern
# that begins with a lookbehind is tried at every position of the text, one that begins
# with a space or a digit lets ``re`` skip ahead to the next one.  The matches, their
# spans and their groups are those of the lookbehind-first forms written in the comments.
_KINDS = (
    # (?<=[A-Za-z)\]”’\".,;:])(\d{1,3})(?![\d/]): "Security,1", "Tribunals1 and"
    (3, re.compile(r"(\d(?<=[A-Za-z)\]”’\".,;:]\d)\d{0,2})(?![\d/])")),
    # (?<=[)\]”’\".,;:]) {1,3}(\d{1,3})(?= {2,}|\s*\n|\s*$): ", 1  including"
    (2, re.compile(r" (?<=[)\]”’\".,;:] ) {0,2}(\d{1,3})(?= {2,}|\s*\n|\s*$)")),
    # (?<=[A-Za-z]) {1,3}(\d{1,3})(?= {2,}): "Goals 6  and"
    (2, re.compile(r" (?<=[A-Za-z] ) {0,2}(\d{1,3})(?= {2,})")),
    # (the word after the mark may be on the next line)
    # (?<=[,;:”’)]) (\d{1,3})(?= ?\n?[ \t]?[a-z]): "Agenda, 1 to close the gap"
    (1, re.compile(r" (?<=[,;:”’)] )(\d{1,3})(?= ?\n?[ \t]?[a-z])")),
    # (?<=[A-Za-z]) (\d{1,3})(?= ?\n?[ \t]?[a-z]): "Mission in Kosovo 1 and the"
    (0, re.compile(r" (?<=[A-Za-z] )(\d{1,3})(?= ?\n?[ \t]?[a-z])")),
    # after a year or a resolution number, before a word or the next number of a list:
    # "of 12 August 1949 8 and", "resolutions 71/205 13 and 72/190", "73/263, 15 74/168"
    # (?:(?<=\b(?:19|20)\d\d)|(?<=\d/\d{3})|(?<=\d/\d\d)|(?<=\d/\d)|(?<=\d/\d{3},)
    # |(?<=\d/\d\d,)|(?<=\d/\d,)) (\d{1,3})(?= ?\n?[ \t]?[a-z]| \d{1,3}/\d|,? and\b|[,;])
    (
        1,
        re.compile(
            r" (?:(?<=\b(?:19|20)\d\d )|(?<=\d/\d{3} )|(?<=\d/\d\d )|(?<=\d/\d )|(?<=\d/\d{3}, )"
            r"|(?<=\d/\d\d, )|(?<=\d/\d, ))(\d{1,3})(?= ?\n?[ \t]?[a-z]| \d{1,3}/\d|,? and\b|[,;])"
        ),
    ),
    # after a comma, before a date or a resolution number of a list: "Fraternity, 7 16 November
    # as", "27/5 of 25 September 2014, 8 33/2 of"
    (
        1,
        re.compile(
            r" (?<=[,;] )(\d{1,3})(?= \d{1,2} (?:January|February|March|April|May|June|July|August"
            r"|September|October|November|December)\b| \d{1,3}/\d)"
        ),
    ),
    # after a comma, before a capitalized name: "Environment and Development, 1 Agenda 21"
    # (?<=[a-z][,;]) (\d{1,3})(?= [A-Z][a-z])
    (0, re.compile(r" (?<=[a-z][,;] )(\d{1,3})(?= [A-Z][a-z])")),
    # glued to "Agenda 21", the one name of UN texts that ends in a number and takes marks
    # (?<=\bAgenda 21)(\d{1,3})(?![\d/])
    (2, re.compile(r"(\d(?<=\bAgenda 21\d)\d{0,2})(?![\d/])")),
)
# glued to the year of a date: "15 March 202321" is 15 March 2023 and mark 21
_YEAR = re.compile(
    r"(?<=\d )(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December) (?:19|20)\d\d(\d{1,3})(?!\d)"
)
# Words that are followed by a number of their own, not by a footnote mark ("Goal 1 and").
_COUNTED = re.compile(
    r"(?<![A-Za-z])(?:Goals?|Articles?|paragraphs?|paras?|No|Protocol|Annex|annex|Appendix|Chapter|chapter|"
    r"Part|part|Section|section|sect|Rule|rule|Principle|principle|Target|target|Phase|phase|"
    r"Level|level|Stage|stage|Category|category|Tier|Volume|vol|page|pages|item|items|session|"
    r"resolutions?|decisions?|Step|step|table|Table|figure|Figure|box|Box|Recommendation|"
    r"recommendation|Option|option|Scenario|Group|Grade|grade|Prize|Plan|Objective|objective|"
    r"Outcome|outcome|Priority|priority|Pillar|pillar|Component|component|Module|module|"
    r"Cluster|cluster|Platform|Sector|sector|Region|Zone|Block|Building|Floor|Class|Type|type|"
    r"Decade|Year|Schedule|Agenda|Programme|Resolution|Decision|Covid|COVID|times|per|at|and|or|"
    r"to|of|in|on|by|for|with|from|than|over|under|about|some|nearly|almost|least|most)$"
)
# "No." before a number makes it the number of a thing, glued or not ("Notice No.1")
_NUMBERED_BY = re.compile(r"\bN[oO]\.\s?$")
# "77/2285": 77/228 and mark 5; (?<![\w/])\d{1,2}/(\d{4,6})(?!\d), digit first as above
_NUMBER = re.compile(r"\d(?<![\w/]\d)\d?/(\d{4,6})(?!\d)")


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
            if _NUMBERED_BY.search(text, max(0, i - 4), i):
                continue  # "Implementation Assistance Notice No.1": a number, not a mark
            found.append(_Spot(t, m.start(), m.end(), m.group(1), sure))
    for m in _YEAR.finditer(text):
        found.append(_Spot(t, m.start(1), m.end(1), m.group(1), 2))
    for m in _NUMBER.finditer(text):
        if text[max(0, m.start() - 4) : m.start()].rstrip().endswith("No."):
            continue  # "Law No. 10/2018" is a law's number, not 10/201 and mark 8
        digits = m.group(1)
        for cut in range(1, len(digits)):
            if 0 < int(digits[:-cut]) <= 999:
                found.append(_Spot(t, m.start(1) + len(digits) - cut, m.end(1), digits[-cut:], 2))
                break
    return found


#: Candidate places (counted once per mark, so a mark numbered again after a restart
#: counts its places again) beyond which :func:`_greedy` places the marks.  Real texts have
#: a few hundred; a text of 8 MB made of marks could otherwise have billions.
MAX_CHAIN_PLACES = 200_000


def _greedy(spots_by_mark: list[list[_Spot]]) -> list[_Spot | None]:
    """Each mark at the first place of it after the previous mark's place: for texts with
    more candidate places than :data:`MAX_CHAIN_PLACES`.  O(n log n) for n places."""
    keys: dict[int, list[tuple[int, int]]] = {}
    ordered: dict[int, list[_Spot]] = {}
    chosen: list[_Spot | None] = []
    after = (-1, -1)
    for spots in spots_by_mark:
        if id(spots) not in keys:
            ordered[id(spots)] = sorted(spots, key=lambda s: (s.text, s.start))
            keys[id(spots)] = [(s.text, s.start) for s in ordered[id(spots)]]
        i = bisect.bisect_left(keys[id(spots)], after)
        if i < len(keys[id(spots)]):
            spot = ordered[id(spots)][i]
            chosen.append(spot)
            after = (spot.text, spot.end)
        else:
            chosen.append(None)
    return chosen


def _chain(spots_by_mark: list[list[_Spot]]) -> list[_Spot | None]:
    """One place per mark (or none), in increasing order of place, placing as many marks as
    possible, then preferring surer and earlier places: a longest increasing chain, so that
    one false place far ahead cannot push every later mark out of reach.

    Time O(n log n) for n candidate places: places are visited in text order, a place
    becomes a possible predecessor once the visit has passed its end, and the best chain
    ending before mark *k* is a prefix maximum over marks in a Fenwick tree.  (The plain
    dynamic programme compares every pair of places: 40,000 marks took 48 s.)  Ties go to
    the place listed first, as in the plain programme, which the tests keep as reference.
    Past :data:`MAX_CHAIN_PLACES` places, :func:`_greedy` answers instead.
    """
    if sum(len(spots) for spots in spots_by_mark) > MAX_CHAIN_PLACES:
        return _greedy(spots_by_mark)
    flat = [(k, s) for k, spots in enumerate(spots_by_mark) for s in spots]
    n_marks = len(spots_by_mark)
    best: list[tuple[int, int, int]] = [(0, 0, 0)] * len(flat)
    back: list[int] = [-1] * len(flat)
    # Fenwick tree over mark numbers (1-based) of (score, -index of the chain's last place)
    tree: list[tuple[tuple[int, int, int], int] | None] = [None] * (n_marks + 1)

    def insert(k: int, value: tuple[tuple[int, int, int], int]) -> None:
        k += 1
        while k <= n_marks:
            cur = tree[k]
            if cur is None or value > cur:
                tree[k] = value
            k += k & -k

    def prefix(k: int) -> tuple[tuple[int, int, int], int] | None:
        """The best value among marks 0 .. k-1."""
        out = None
        while k > 0:
            cur = tree[k]
            if cur is not None and (out is None or cur > out):
                out = cur
            k -= k & -k
        return out

    order = sorted(range(len(flat)), key=lambda i: (flat[i][1].text, flat[i][1].start, i))
    pending: list[tuple[int, int, int]] = []  # (text, end, index): places not yet passed
    for i in order:
        k, s = flat[i]
        while pending and (pending[0][0], pending[0][1]) <= (s.text, s.start):
            _t, _e, j = heapq.heappop(pending)
            insert(flat[j][0], (best[j], -j))
        place = s.text * 10**7 + s.start
        score, prev = (1, s.sure, -place), -1
        found = prefix(k)
        if found is not None:
            (count, sure, places), j = found[0], -found[1]
            cand = (count + 1, sure + s.sure, places - place)
            if cand > score:
                score, prev = cand, j
        best[i], back[i] = score, prev
        heapq.heappush(pending, (s.text, s.end, i))
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

    Time: O(n log n) for n characters (candidate places are found by one scan per
    pattern; see :func:`_chain`).  Returns the new texts and, for each mark found, the
    index of the text it is in.  Marks
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
    for mark, chosen_spot in zip(marks, chosen, strict=True):
        if chosen_spot is not None:
            where[mark] = chosen_spot.text
            per_text.setdefault(chosen_spot.text, []).append(chosen_spot)
    out = list(texts)
    for t, spots in per_text.items():
        text = out[t]
        for spot in sorted(spots, key=lambda s: s.start, reverse=True):
            text = text[: spot.start] + f"[^{spot.mark}]" + text[spot.end :]
        out[t] = text
    return out, where
