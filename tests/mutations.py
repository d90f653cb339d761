"""Mutations of real resolution texts, for the property-based tests and ``benchmarks/fuzz.py``.

A mutation takes the bytes of a corpus file and a random generator and returns new bytes:
cut, duplicate or swap pieces, insert hostile pieces (markup, superscript runs, long digit
runs, NUL and control bytes, line ends of every kind, non-Latin scripts), change the
encoding.  Every mutation is deterministic for a seed, so a failure can be replayed.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from pathlib import Path

from unld.parse import parse_source
from unld.sources import Source, decode, detect_format, normalise_text

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus"

#: Pieces a hostile or broken file may hold.
HOSTILE = [
    "<![",
    "<![CDATA[",
    "<!--",
    "<script>alert(1)</script>",
    "</p></div>",
    "&#0;",
    "&#x110000;",
    "\u00b9\u00b2\u00b3" * 50,
    "\u2074" * 2000,
    "9" * 5000,
    "Agenda item " + "7" * 3000,
    "The General Assembly,",
    "Resolution adopted by the General Assembly on 31 February 2021",
    "A/RES/76/19",
    "A/73/499/index.html",
    "A/" + "/".join(["1"] * 300),
    "../../../etc/passwd",
    "resolution 77/2285",
    "[^1]",
    "[^99999]",
    "*Recalling*",
    "**",
    "\x00",
    "\x1b[31m",
    "\r",
    "\r\n",
    "\f",
    "\u2028",
    "\ufeff",
    "\u202e",
    "\ud83d\ude00".encode("utf-16", "surrogatepass").decode("utf-16"),
    "\u0627\u0644\u062c\u0645\u0639\u064a\u0629",
    "\u4e2d\u6587",
    " " * 300,
    "\t" * 50,
    "1." * 200,
    "(a)" * 200,
    "\n" * 200,
    "Footnote" + "1" * 10,
    "1  " * 400,
]


def _cut(data: bytes, rng: random.Random) -> bytes:
    if len(data) < 2:
        return data
    a = rng.randrange(len(data))
    b = min(len(data), a + rng.choice([1, 5, 50, 500, 5000]))
    return data[:a] + data[b:]


def _duplicate(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    a = rng.randrange(len(data))
    b = min(len(data), a + rng.choice([1, 10, 200, 2000]))
    return data[:b] + data[a:b] * rng.choice([1, 2, 10]) + data[b:]


def _insert(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    piece = rng.choice(HOSTILE).encode("utf-8", "surrogatepass")
    return data[:at] + piece + data[at:]


def _flip(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    for _ in range(rng.choice([1, 3, 20])):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _swap_lines(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    if len(lines) < 2:
        return data
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _encode(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", "replace")
    encoding = rng.choice(["utf-16", "utf-16-le", "utf-16-be", "cp1252", "utf-8-sig", "latin-1"])
    return text.encode(encoding, "replace")


def _line_ends(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b"\n", rng.choice([b"\r\n", b"\r", b"\n\n", b"\f", b" "]))


MUTATORS: list[Callable[[bytes, random.Random], bytes]] = [
    _cut,
    _duplicate,
    _insert,
    _insert,
    _insert,
    _flip,
    _swap_lines,
    _truncate,
    _encode,
    _line_ends,
]


def corpus_texts() -> list[tuple[str, bytes]]:
    """(name, bytes) of every corpus text (``.txt``, ``.md``, ``.html``)."""
    return [
        (p.name, p.read_bytes()) for p in sorted(CORPUS.iterdir()) if p.suffix in (".txt", ".md", ".html")
    ]


def mutate(data: bytes, seed: int, rounds: int | None = None) -> bytes:
    """``data`` after 1 to 4 random mutations (or ``rounds``), chosen by ``seed``."""
    rng = random.Random(seed)
    for _ in range(rounds or rng.randint(1, 4)):
        data = rng.choice(MUTATORS)(data, rng)
    return data


def source_of(name: str, data: bytes) -> Source:
    """A :class:`~unld.sources.Source` of ``data`` as if read from a file called ``name``
    (the steps of :func:`unld.sources.read_source` after reading)."""
    text = normalise_text(decode(name, data))
    return Source(name, text, hashlib.sha256(data).hexdigest(), detect_format(name, text))


def parse_bytes(name: str, data: bytes) -> dict:
    """The record of ``data``, or :class:`~unld.core.errors.InputError` as the parser raises it."""
    return parse_source(source_of(name, data))
