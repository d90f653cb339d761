"""Reading the UN's PDF files: characters with their font, size and place, turned into text.

Text extractors flatten what the PDF knows.  Here every character comes with its font,
size and baseline (from PDFium, through ``pypdfium2``; ``docs/pdf.md`` says why that
library), and the page geometry decides what plain text has to guess:

* **running headers and footers** are the lines in the page's top band (pages after the
  first; the first page's top is the masthead) and bottom band (every page): the symbol,
  the running title, ``2/7``, the job number, the barcode;
* **footnotes** are the lines below the ``______`` rule at the foot of a page, each opened
  by its number;
* **footnote marks** are digits set smaller than their line and raised above its baseline
  (superscripts): each becomes an explicit reference ``[^k]`` where it stands;
* **lead phrases** are the italic words that open a paragraph (``*Recalling*``).

The result is text in the conventions of the markdown reader (``*italic lead*``, ``[^k]``
marks, footnotes as lines opened by superscript digits), so the one reader
:func:`unld.parse.markdown.split_markdown` serves both.  Line numbers in warnings count
lines of that text.

Unreadable files get an :class:`~unld.core.errors.InputError` that says why: encrypted, damaged
or truncated, or without a text layer (a scan).
"""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from unld.core.errors import InputError
from unld.parse.lines import join_lines, squash

if TYPE_CHECKING:
    from pypdfium2 import PdfDocument

#: Bands of the page (fractions of its height) where running headers and footers stand.
#: On the UN's pages the running header's baseline is above 91% of the height and the
#: footer's below 6%, while body text and footnotes stay between 7% and 90%.
TOP_BAND = 0.91
BOTTOM_BAND = 0.062

_SUPER = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_PLAIN = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_SEPARATOR = re.compile(r"^_{5,}$")
_LABEL = re.compile(r"^(?:\d{1,3}\.|\([a-z]{1,4}\)|\([ivx]{1,6}\))\s+")
_FONT_ITALIC = 1 << 6
_FONT_BOLD = 1 << 18


@dataclass(frozen=True)
class Char:
    """One character: its text, left edge, baseline, font size and style."""

    text: str
    x: float
    y: float
    size: float
    italic: bool
    right: float = 0.0
    bold: bool = False


@dataclass
class Page:
    """One page: its size and characters in the order of the content stream."""

    width: float
    height: float
    chars: list[Char] = field(default_factory=list)


@dataclass
class PdfLine:
    """Characters that share a baseline, left to right."""

    page: int
    chars: list[Char]
    base: float
    size: float

    @property
    def x(self) -> float:
        return min((c.x for c in self.chars if c.text.strip()), default=0.0)

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)


def _open(data: bytes, path: str) -> PdfDocument:
    """Open a PDF with PDFium, or say in words why it cannot be read."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    if not data.lstrip()[:5] == b"%PDF-":
        raise InputError(path, "not a PDF file (it does not start with '%PDF-'); expected a PDF")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = raw.FPDF_GetLastError()
        if code == raw.FPDF_ERR_PASSWORD:
            raise InputError(
                path, "the PDF is encrypted with a password; expected a PDF that opens without one"
            ) from None
        if code == raw.FPDF_ERR_SECURITY:
            raise InputError(
                path, "the PDF uses an unsupported security handler; expected a plain PDF"
            ) from None
        raise InputError(
            path, f"the PDF is damaged or truncated ({exc}); expected a complete PDF file"
        ) from None


def read_chars(data: bytes, path: str) -> list[Page]:
    """Every page's characters with font size, baseline and italics."""
    import pypdfium2.raw as raw

    doc = _open(data, path)
    pages: list[Page] = []
    buf = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    x, y = ctypes.c_double(), ctypes.c_double()
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    # ctypes references made once: the loop below runs once per character
    px, py, pflags = ctypes.byref(x), ctypes.byref(y), ctypes.byref(flags)
    box = (ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom), ctypes.byref(top))
    try:
        for index in range(len(doc)):
            page = doc[index]
            width, height = page.get_size()
            textpage = page.get_textpage()
            tp = textpage.raw
            out = Page(width, height)
            style_of: dict[bytes, tuple[bool, bool]] = {}
            # a text object has one font and size: ask PDFium once per object, not per character
            object_style: dict[int | None, tuple[float, bool, bool]] = {}
            for i in range(raw.FPDFText_CountChars(tp)):
                code = raw.FPDFText_GetUnicode(tp, i)
                if code in (10, 13) or code == 0:
                    continue
                ch = "-" if code in (2, 0xFFFE, 0xAD) else chr(code)
                raw.FPDFText_GetCharOrigin(tp, i, px, py)
                obj = ctypes.cast(raw.FPDFText_GetTextObject(tp, i), ctypes.c_void_p).value
                known = object_style.get(obj) if obj else None
                if known is None:
                    size = raw.FPDFText_GetFontSize(tp, i)
                    raw.FPDFText_GetFontInfo(tp, i, buf, len(buf), pflags)
                    name = buf.value
                    style = style_of.get(name)
                    if style is None:
                        low = name.lower()
                        style = (
                            b"italic" in low or b"oblique" in low or bool(flags.value & _FONT_ITALIC),
                            b"bold" in low or bool(flags.value & _FONT_BOLD),
                        )
                        style_of[name] = style
                    known = (size, *style)
                    if obj:
                        object_style[obj] = known
                raw.FPDFText_GetCharBox(tp, i, *box)
                out.chars.append(
                    Char(ch, x.value, y.value, known[0], known[1], max(right.value, x.value), known[2])
                )
            textpage.close()
            page.close()
            pages.append(out)
    finally:
        doc.close()
    return pages


def _body_size(pages: list[Page]) -> float:
    """The size of the running text: the most common size of the visible characters."""
    sizes = Counter(round(c.size * 2) / 2 for p in pages for c in p.chars if c.text.strip())
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _lines(page_no: int, page: Page) -> list[PdfLine]:
    """Group a page's characters into lines by baseline, superscripts with their line."""
    lines: list[PdfLine] = []
    cur: PdfLine | None = None
    for c in page.chars:
        if cur is not None:
            same = abs(c.y - cur.base) <= 0.45 * max(cur.size, c.size)
            raised = c.size < 0.85 * cur.size and 0 < c.y - cur.base < 0.75 * cur.size
            lowered = cur.size < 0.85 * c.size and 0 < cur.base - c.y < 0.75 * c.size
            if same or raised or lowered:
                cur.chars.append(c)
                if c.text.strip() and c.size > cur.size * 1.15:
                    cur.base, cur.size = c.y, c.size  # the line opened with a superscript
                continue
        if not c.text.strip():
            continue
        cur = PdfLine(page_no, [c], c.y, c.size)
        lines.append(cur)
    # pieces on one baseline (the masthead's columns) make one line, left to right
    merged: list[PdfLine] = []
    for line in sorted(lines, key=lambda ln: (-round(ln.base, 0), ln.x)):
        if merged and abs(merged[-1].base - line.base) < 1.5:
            prev = merged[-1]
            gap = line.x - max(c.x for c in prev.chars)
            if gap > 0:
                # one character per Char, so that positions in the text are indices
                prev.chars.extend([Char(" ", line.x, line.base, line.size, False), *line.chars])
                prev.size = max(prev.size, line.size)
                continue
        merged.append(line)
    for line in merged:
        line.chars = _ordered(line.chars)
    return merged


def _ordered(chars: list[Char]) -> list[Char]:
    """The characters of a line in stream order, unless the stream went backwards."""
    xs = [c.x for c in chars if c.text.strip()]
    if all(a <= b + 0.5 for a, b in zip(xs, xs[1:], strict=False)):
        return chars
    return sorted(chars, key=lambda c: c.x)


def _render(line: PdfLine, in_footnotes: bool, italic: tuple[int, int] | None = None) -> str:
    """A line's text with superscript digits as marks: ``[^k]`` in the body, superscript
    digits opening a footnote (the markdown reader's convention); the characters
    ``italic`` spans are wrapped in ``*``."""
    out: list[str] = []
    i = 0
    chars = line.chars
    while i < len(chars):
        c = chars[i]
        if i and c.text.strip() and chars[i - 1].text.strip() and c.x - chars[i - 1].right > 0.2 * line.size:
            out.append(" ")  # a gap the PDF leaves without a space character
        if italic and i == italic[0]:
            out.append("*")
        if italic and i == italic[1]:
            out.append("*")
        if c.text.isdigit() and _is_superscript(c, line):
            j = i
            while j < len(chars) and chars[j].text.isdigit() and _is_superscript(chars[j], line):
                j += 1
            digits = "".join(ch.text for ch in chars[i:j])
            if in_footnotes and not "".join(out).strip():
                out.append(digits.translate(_SUPER) + " ")
            else:
                out.append(f"[^{digits}]")
            i = j
            continue
        out.append("\\*" if c.text == "*" else c.text)
        i += 1
    return "".join(out).rstrip()


def _is_superscript(c: Char, line: PdfLine) -> bool:
    return c.size < 0.85 * line.size and c.y - line.base > 0.15 * line.size


def _italic_lead(line: PdfLine) -> tuple[int, int] | None:
    """Where the italic words opening a paragraph begin and end in the line's text."""
    text = "".join(c.text for c in line.chars)
    m = _LABEL.match(text.lstrip())
    start = len(text) - len(text.lstrip()) + (m.end() if m else 0)
    if m is None and (lab := re.match(r"^\s*(?:\d{1,3}\.|\([a-z]{1,4}\))(?=\S)", text)):
        start = lab.end()  # "1." and the lead set apart by a gap, not a space
    end = start
    for k in range(start, len(line.chars)):
        c = line.chars[k]
        if c.text.strip() and not c.italic:
            break
        end = k + 1
    # italics that stop inside a word (``*Condemn*s``, a letter set in the wrong font) stop
    # at its end: a lead phrase is made of whole words
    while end > start and end < len(text) and text[end].isalpha() and text[end - 1].isalpha():
        end += 1
    lead = text[start:end].rstrip(" ,;:")
    if len(lead) < 2 or not lead[0].isupper():
        return None
    return start, start + len(lead)


def pdf_text(path: str, data: bytes) -> str:
    """The text of a PDF resolution, in the markdown reader's conventions (module doc)."""
    pages = read_chars(data, path)
    if not any(c.text.strip() for p in pages for c in p.chars):
        raise InputError(
            path,
            f"the PDF has no text layer ({len(pages)} page(s) of images: a scan?); "
            "expected a PDF with text, or the text of the resolution",
        )
    body_size = _body_size(pages)
    out: list[str] = []
    notes: list[str] = []
    prev: PdfLine | None = None
    for page_no, page in enumerate(pages):
        lines = [
            ln
            for ln in _lines(page_no, page)
            if ln.base >= BOTTOM_BAND * page.height and (page_no == 0 or ln.base <= TOP_BAND * page.height)
        ]
        sep = next((k for k, ln in enumerate(lines) if _SEPARATOR.match(squash(ln.text))), None)
        body, foot = (lines[:sep], lines[sep + 1 :]) if sep is not None else (lines, [])
        _footnotes(foot, notes)
        if not body:
            continue
        left = Counter(round(ln.x) for ln in body if ln.size >= 0.95 * body_size).most_common(1)
        margin = left[0][0] if left else min(ln.x for ln in body)
        for line in body:
            if prev is None:
                starts = True
            elif prev.page != line.page:
                # a new page goes on with the paragraph unless its first line is indented,
                # numbered, or a heading (bold, as section headings are)
                starts = (
                    line.x > margin + 8
                    or bool(_LABEL.match(squash(line.text)))
                    or all(c.bold for c in line.chars if c.text.strip())
                )
            else:
                pitch = 1.2 * max(line.size, prev.size)
                starts = prev.base - line.base > 1.3 * pitch or abs(prev.size - line.size) > 1
            if starts and out:
                out.append("")
            out.append(_render(line, in_footnotes=False, italic=_italic_lead(line) if starts else None))
            prev = line
    if notes:
        out.append("")
        out.extend(notes)
    return "\n".join(out) + "\n"


def _footnotes(lines: list[PdfLine], notes: list[str]) -> None:
    """Add the footnotes of one page to ``notes``: one line each, opened by its number
    in superscript digits; a page that opens with the rest of a footnote continues it."""
    current: list[str] = []
    opened = False
    skipping = False

    def flush() -> None:
        if current:
            joined = join_lines(current)
            if opened or not notes:
                notes.append(joined)
            else:
                notes[-1] = join_lines([notes[-1], joined])

    for line in lines:
        text = _render(line, in_footnotes=True)
        number = re.match(r"^\s*(\d{1,3})\s+(?=\S)", text)
        if number and number.group(1) == _next_mark(notes, current):
            # a number set at the text's size: a footnote's number only if it is the next one
            text = number.group(1).translate(_SUPER) + " " + text[number.end() :]
        if re.match(r"^\s*[⁰¹²³⁴⁵⁶⁷⁸⁹]+ ", text):
            flush()
            current, opened, skipping = [text.strip()], True, False
        elif text.startswith("\\*"):
            # "* Reissued for technical reasons": a note on the document, not on its text
            flush()
            current, opened, skipping = [], True, True
        elif not skipping:
            current.append(text)
    flush()


def _next_mark(notes: list[str], current: list[str]) -> str:
    """The number the next footnote should have: one more than the last one opened."""
    for text in [*reversed(current[:1]), *reversed(notes)]:
        m = re.match(r"^\s*([⁰¹²³⁴⁵⁶⁷⁸⁹]+) ", text)
        if m:
            return str(int(m.group(1).translate(_PLAIN)) + 1)
    return "1"
