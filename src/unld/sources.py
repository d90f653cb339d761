"""Reading source files: decode, detect the format, normalise line ends.

A :class:`Source` is the plain-data input of the parser.  Reading never guesses silently:
a file that is empty, binary or not text gets an :class:`~unld.errors.InputError` naming it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from unld.errors import InputError

#: File name suffixes read as resolution texts when a folder is given.
SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")


@dataclass(frozen=True)
class Source:
    """One input file, decoded.  ``format`` is ``pdf-text``, ``markdown``, ``html`` or ``pdf``
    (a PDF file, whose ``text`` is what :mod:`unld.parse.pdf` read from it)."""

    path: str
    text: str
    sha256: str
    format: str


def detect_format(path: str, text: str) -> str:
    """Pick the reader for a text: by suffix first, then by content."""
    suffix = Path(path).suffix.lower()
    if suffix in (".md", ".markdown"):
        return "markdown"
    if suffix in (".html", ".htm") or re.match(r"\s*<(!doctype|html)", text, re.I):
        return "html"
    if re.search(r"^\*[A-Z][^*\n]{2,40}\*", text, re.M) and "**" in text:
        return "markdown"
    return "pdf-text"


def decode(path: str, data: bytes) -> str:
    """Decode bytes as UTF-8 (BOM allowed), falling back to Windows-1252 for old exports."""
    if not data.strip():
        raise InputError(path, "the file is empty; expected the text of a resolution")
    if b"\x00" in data[:4096]:
        raise InputError(path, "the file is binary (it contains NUL bytes); expected text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise InputError(path, f"the file is not text in UTF-8 or Windows-1252 ({exc})") from exc
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 8:
        raise InputError(path, "the file looks binary (control characters); expected text")
    return text


def normalise_text(text: str) -> str:
    """Unify line ends and spaces so that every reader sees the same kind of text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\ufeff", "")


def read_source(path: str | Path) -> Source:
    """Read one file into a :class:`Source`."""
    p = Path(path)
    name = str(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except IsADirectoryError:
        raise InputError(name, "is a folder; expected a file") from None
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror})") from None
    if p.suffix.lower() == ".pdf" or data[:5] == b"%PDF-":
        from unld.parse.pdf import pdf_text

        text = normalise_text(pdf_text(name, data))
        return Source(name, text, hashlib.sha256(data).hexdigest(), "pdf")
    text = normalise_text(decode(name, data))
    return Source(name, text, hashlib.sha256(data).hexdigest(), detect_format(name, text))


def expand(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named by ``paths``: files as given, folders walked for resolution texts.

    The order is sorted within each folder so that every run sees the same order.
    """
    for path in paths:
        p = Path(path)
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
        else:
            yield p
