"""Text coverage: how much of a resolution's text its graph holds (docs/coverage.md).

A publisher that drops an annex, a table or a paragraph loses data silently: the graph
still conforms.  Coverage measures it.  The text measured is the source's body, from the
line after ``The General Assembly,`` to the end, with the page furniture the readers
remove (running headers and footers, page numbers, footnote separators) left out, and the
footnotes printed at page bottoms added.  A word of it is covered when it stands in a
paragraph, heading, title, footnote or table-cell literal of the graph with its neighbours
(one of the three-word sequences it belongs to is in some literal, or it is a whole short
literal), so that a common word found somewhere else does not count.  Printed numbers
and labels (``12.``, ``(a)``, ``I.``, ``Action 1.``) are covered when the graph has them as
a paragraph number or label; the meeting line and its date when the graph has the meeting.

Before comparing, both sides are normalised the same way: whitespace collapsed, line-end
hyphens joined (:func:`~unld.parse.lines.join_lines`), footnote marks dropped (digits glued
to a word or punctuation).  The share is of characters, not words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from unld.core.namespaces import DCT, RDF_TYPE, UNLD
from unld.parse import body_and_footnotes, structure
from unld.parse.lines import Line, join_lines
from unld.sources import Source

_TEXT_PREDICATES = {
    UNLD + "text",
    DCT + "title",
    UNLD + "heading",
}
_LABEL_PREDICATES = {
    UNLD + "paragraphNumber",
    UNLD + "label",
}
_MEETING = UNLD + "adoptedAtMeeting"
# "12.", "(a)", "(iv)", "I.", "A." standing alone: printed labels
_LABEL = re.compile(r"^\(?([0-9]{1,3}|[a-z]{1,2}|[ivxl]{1,6}|[IVXL]{1,6}|[A-H])[.)]?$")
_GLUED_MARK = re.compile(r"(?<=[A-Za-z.,;:)\]”’\"])\d{1,3}$")
_REF = re.compile(r"\[\^\d+\]")


@dataclass(frozen=True)
class Coverage:
    """Coverage of one document: characters of its text, and how many the graph holds."""

    path: str
    total: int
    covered: int
    #: the longest runs of words not covered, for the report ("why")
    missing: tuple[str, ...] = ()

    @property
    def share(self) -> float:
        return self.covered / self.total if self.total else 1.0


def words(text: str) -> list[str]:
    """Normalised words of a text: footnote marks and references dropped."""
    out = []
    for w in _REF.sub("", text).split():
        w = _GLUED_MARK.sub("", w)
        if w:
            out.append(w)
    return out


def _literals(triples: list[ox.Triple]) -> tuple[set[tuple[str, ...]], set[str], bool]:
    grams: set[tuple[str, ...]] = set()
    labels: set[str] = set()
    meeting = False
    for t in triples:
        p = t.predicate.value
        if p == _MEETING:
            meeting = True
        if not isinstance(t.object, ox.Literal):
            continue
        if p in _TEXT_PREDICATES:
            ws = words(t.object.value)
            if len(ws) < 3:
                grams.add(tuple(ws))
            for i in range(len(ws) - 2):
                grams.add(tuple(ws[i : i + 3]))
        elif p in _LABEL_PREDICATES:
            labels.add(t.object.value)
            labels.update(t.object.value.split())
    return grams, labels, meeting


def _hits(ws: list[str], grams: set[tuple[str, ...]]) -> list[bool]:
    """For each word, whether one of the three-word sequences it belongs to is a literal's."""
    hit = [False] * len(ws)
    for i in range(len(ws)):
        if any(tuple(ws[j : j + 3]) in grams for j in range(max(0, i - 2), min(i, len(ws) - 3) + 1)):
            hit[i] = True
    return hit


def _footnote_labels(triples: list[ox.Triple]) -> set[str]:
    """The printed numbers of the graph's footnotes."""
    footnotes = {
        t.subject
        for t in triples
        if t.predicate.value == RDF_TYPE
        and isinstance(t.object, ox.NamedNode)
        and t.object.value == UNLD + "Footnote"
    }
    return {
        t.object.value
        for t in triples
        if t.subject in footnotes and isinstance(t.object, ox.Literal) and t.predicate.value == UNLD + "label"
    }


def _label_value(word: str) -> str | None:
    m = _LABEL.match(word)
    return m.group(1) if m else None


def measure(source: Source, triples: list[ox.Triple]) -> Coverage:
    """Coverage of one source by the graph made from it."""
    body, notes = body_and_footnotes(source)
    opening = structure.find_opening(body)
    text_lines = body[opening + 1 :] if opening is not None else body
    grams, labels, has_meeting = _literals(triples)
    notes_marks = _footnote_labels(triples)
    covered_lines: list[Line] = []
    meeting_idx = structure.find_meeting(text_lines)
    if meeting_idx is not None and has_meeting:
        # the meeting line and the date under it are facts of the graph
        after = [ln for ln in text_lines[meeting_idx + 1 : meeting_idx + 4] if not ln.blank][:1]
        covered_lines = [text_lines[meeting_idx], *after]
        skip = {id(ln) for ln in covered_lines}
        text_lines = [ln for ln in text_lines if id(ln) not in skip]
    total = covered = 0
    for ln in covered_lines:
        n = sum(len(w) for w in words(ln.text))
        total += n
        covered += n
    gaps: list[list[str]] = []
    for block in (text_lines, notes):
        ws = words(join_lines([ln.text for ln in block]))
        hit = _hits(ws, grams)
        # footnote marks standing alone between spaces, as older layouts print them
        # ("Ltamenah, 9  Saraqib 10  and Duma,"): match the words around them without them
        kept = [i for i, w in enumerate(ws) if not (w.isdigit() and w in notes_marks)]
        if len(kept) < len(ws):
            for i, h in zip(kept, _hits([ws[i] for i in kept], grams), strict=True):
                hit[i] = hit[i] or h
        for k in (1, 2):  # short literals, whole: a heading "Objectives", a cell "States"
            for i in range(len(ws) - k + 1):
                if tuple(ws[i : i + k]) in grams:
                    hit[i : i + k] = [True] * k
        run: list[str] = []
        for i, w in enumerate(ws):
            label = _label_value(w)
            ok = hit[i] or (label is not None and label in labels) or w.rstrip(".:") in labels
            total += len(w)
            covered += len(w) if ok else 0
            if ok:
                if run:
                    gaps.append(run)
                run = []
            else:
                run.append(w)
        if run:
            gaps.append(run)
    worst = sorted(gaps, key=lambda g: -sum(len(w) for w in g))[:3]
    return Coverage(source.path, total, covered, tuple(" ".join(g)[:120] for g in worst))
