"""The markdown rendering of a resolution, turned into the same lines as PDF text.

The markdown form has no page furniture, but it jams headings together with emphasis runs
(``**Title****Resolution adopted ...***[on the report ...]***76/19. ...***``), links
symbols (``[75/240](#)``), and marks footnotes with superscript digits (``¹``).  We split the
emphasis runs into lines, drop the link syntax, turn superscript marks into explicit
footnote references ``[^1]`` and move footnote lines (``¹ A/65/201 ...``) aside.  The
italic opening of a paragraph (``*Recognizes*``) is the lead phrase as typeset; it is kept
as a hint for the lead-phrase reader.
"""

from __future__ import annotations

import re

from unld.parse.lines import Line
from unld.parse.pdftext import Layout

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
# marks have one to three digits: a longer run of superscripts is text, not a mark
_FOOTNOTE_LINE = re.compile(rf"^\s*([{_SUP}]{{1,3}})\s+(.*)$")
_GLUED_MARK = re.compile(rf"(?<![{_SUP}])([{_SUP}]{{1,3}})(?![{_SUP}])")
_LEAD = re.compile(r"^\s*(?:\d+\.\s+|\([a-z]{1,4}\)\s+)?\*([^*]+)\*")


def strip_inline(text: str) -> str:
    """Remove link syntax and emphasis markers from one line of markdown."""
    text = _LINK.sub(r"\1", text)
    text = text.replace("\\*", "\u0000")
    text = re.sub(r"_{1,2}([^_]+)_{1,2}", r"\1", text) if "__" in text else text
    text = text.replace("*", "").replace("\u0000", "*")
    return re.sub(r"^#{1,6}\s+", "", text)


def split_markdown(lines: list[Line]) -> tuple[Layout, dict[int, str]]:
    """Return the layout of a markdown resolution and the italic lead hints by line number.

    Time: linear in the text (each line is matched and rewritten once)."""
    body: list[Line] = []
    footnotes: list[Line] = []
    leads: dict[int, str] = {}
    for line in lines:
        fm = _FOOTNOTE_LINE.match(line.text)
        if fm:
            footnotes.append(
                Line(line.no, f"{fm.group(1).translate(SUPERSCRIPTS)} {strip_inline(fm.group(2))}")
            )
            continue
        lead = _LEAD.match(line.text)
        if lead:
            leads[line.no] = lead.group(1).strip()
        # emphasis runs of two or more asterisks separate headings that were jammed together
        pieces = re.split(r"\*{2,}", line.text) if "**" in line.text else [line.text]
        for n, piece in enumerate(pieces):
            text = _GLUED_MARK.sub(lambda m: f"[^{m.group(1).translate(SUPERSCRIPTS)}]", piece)
            text = strip_inline(text)
            if n:
                body.append(Line(line.no, ""))
            if len(pieces) > 1 and not text.strip():
                continue
            body.append(Line(line.no, text.rstrip()))
    return Layout(body=body, footnotes=footnotes, symbol=None), leads
