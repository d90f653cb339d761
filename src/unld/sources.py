"""Reading source files: decode, detect the format, normalise line ends.

A :class:`Source` is the plain-data input of the parser.  Reading never guesses silently:
a file that is empty, binary or not text gets an :class:`~unld.core.errors.InputError` naming it.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from unld.core.errors import InputError, UsageError

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


#: Largest source accepted, in bytes (the real resolutions are under 250 KB); the
#: environment variable ``UNLD_MAX_INPUT_BYTES`` changes it.
DEFAULT_MAX_INPUT_BYTES = 8 * 1024 * 1024
MAX_INPUT_ENV = "UNLD_MAX_INPUT_BYTES"


def max_input_bytes() -> int:
    """The size limit of one source: ``UNLD_MAX_INPUT_BYTES`` or the default."""
    value = os.environ.get(MAX_INPUT_ENV, "").strip()
    if not value:
        return DEFAULT_MAX_INPUT_BYTES
    try:
        limit = int(value)
    except ValueError:
        raise UsageError(f"{MAX_INPUT_ENV} must be a number of bytes, not {value[:40]!r}") from None
    if limit < 1:
        raise UsageError(f"{MAX_INPUT_ENV} must be a positive number of bytes")
    return limit


def _utf16(data: bytes) -> str | None:
    """The encoding of UTF-16 text without a byte order mark, told by where its NUL bytes
    are (every other byte, for text in the Latin script), or ``None``."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.6 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.6 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


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
    """Decode bytes as UTF-8 (BOM allowed), UTF-16 (with a BOM or without), falling back to
    Windows-1252 for old exports.

    A NUL anywhere is refused (with its line): it is binary, and would otherwise reach the
    dumps and the pages.  Other stray control characters are dropped; many of them at the
    start mean a binary file.
    """
    if not data.strip():
        raise InputError(path, "the file is empty; expected the text of a resolution")
    utf16 = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else _utf16(data)
    if utf16:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError as exc:
            raise InputError(path, f"the file is not valid UTF-16 (byte {exc.start})") from None
    else:
        if b"\x00" in data[:4096]:
            raise InputError(path, "the file is binary (it contains NUL bytes); expected text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise InputError(path, f"the file is not text in UTF-8 or Windows-1252 ({exc})") from exc
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise InputError(path, "the file contains a NUL byte; expected text", line)
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 8:
        raise InputError(path, "the file looks binary (control characters); expected text")
    return _CONTROLS.sub("", text)


_CONTROLS = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f]")


def normalise_text(text: str) -> str:
    """Unify line ends and spaces so that every reader sees the same kind of text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\ufeff", "")


def read_bytes(name: str, limit: int | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (:func:`max_input_bytes`).

    Named pipes and devices are refused before they are opened (``/dev/zero`` never ends,
    a pipe blocks), and at most ``limit + 1`` bytes are read, so a file that grows while it
    is read cannot take all the memory.
    """
    limit = max_input_bytes() if limit is None else limit
    try:
        info = os.stat(name)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(name)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(
                name, "is not a regular file (a named pipe, socket or device); expected a text file"
            )
        if info.st_size > limit:
            raise InputError(name, _too_large(info.st_size, limit))
        with open(name, "rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except IsADirectoryError:
        raise InputError(name, "is a folder; expected a file") from None
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror})") from None
    if len(data) > limit:
        raise InputError(name, _too_large(len(data), limit))
    return data


def _too_large(size: int, limit: int) -> str:
    return (
        f"the file is larger than the limit of {limit} bytes ({size} bytes or more); "
        f"expected the text of one resolution (set {MAX_INPUT_ENV} to raise the limit)"
    )


def read_source(path: str | Path) -> Source:
    """Read one file into a :class:`Source` (see :func:`read_bytes` for the limits)."""
    name = str(path)
    data = read_bytes(name)
    if Path(name).suffix.lower() == ".pdf" or data[:5] == b"%PDF-":
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
