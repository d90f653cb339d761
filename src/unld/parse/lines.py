"""Numbered lines: the unit every reader works on, so that errors can name a line."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    """One line of the source (1-based ``no``), trailing whitespace removed."""

    no: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip(" \t"))


def split_lines(text: str) -> list[Line]:
    """Number the lines of a normalised text.  Time: linear in the text."""
    return [Line(i, t.rstrip()) for i, t in enumerate(text.split("\n"), start=1)]


_SPACE = re.compile(r"[ \t]+")
# "drug -resistant": the space is consumed first (and the letter before it checked after),
# so that ``re`` skips from space to space instead of trying every position
_SPACED_HYPHEN = re.compile(r" (?<=[A-Za-z] )-(?=[a-z])")


def squash(text: str) -> str:
    """Collapse runs of spaces and strip: the form in which lines are compared."""
    if "  " not in text and "\t" not in text:  # each run is one space already: nothing to do
        return text.strip()
    return _SPACE.sub(" ", text).strip()


def join_lines(parts: list[str]) -> str:
    """Join hard-broken lines into running text.

    A line that ends with a hyphen is joined without a space (UN typesetting breaks lines
    at the hyphens of compounds such as ``Secretary-General``, not inside words); every
    other break becomes one space.  PDF extraction's ``drug -resistant`` becomes
    ``drug-resistant``.
    """
    pieces: list[str] = []
    for raw in parts:
        part = squash(raw)
        if not part:
            continue
        if (
            pieces
            and pieces[-1].endswith("-")
            and len(pieces[-1]) > 1
            and (pieces[-1][-2].isalnum() or pieces[-1][-2] == " ")
        ):
            # "Secretary-" + "General", "drug -" + "resistant": no space at the hyphen
            pieces[-1] = pieces[-1].rstrip(" -") + "-"
            pieces.append(part)
        else:
            if pieces:
                pieces.append(" ")
            pieces.append(part)
    out = "".join(pieces)
    return _SPACED_HYPHEN.sub("-", out) if " -" in out else out
