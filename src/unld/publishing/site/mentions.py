"""Where a paragraph mentions the documents it cites, so that the page links them there.

A resolution is mentioned by its full symbol or, as the UN writes, by its number
(``43/78 H``, ``2625 (2022)``).  The matcher finds what one regular expression of all
the cited symbols (longest first) would find, without compiling one per paragraph: a
large corpus cites hundreds of thousands of symbols.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from unld.core.namespaces import UNLD
from unld.publishing.site.model import Dataset

_RESOLUTION_NUMBER = re.compile(r"^(?:A/RES|A/DEC|S/RES|E/RES|A/HRC/RES)/(.+)$")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def _mention(variant: str) -> re.Pattern:
    """The pattern of one way of writing a symbol, found at every position where it
    starts (group 1 is the mention)."""
    return re.compile(
        r"(?<![\w/.])(?=(" + r"\s+".join(re.escape(part) for part in variant.split(" ")) + r")(?![\w/]))"
    )


def _is_word(c: str) -> bool:
    r"""``\w`` of a str pattern."""
    return c.isalnum() or c == "_"


def _follows(text: str, pos: int, rest: list[str]) -> int:
    """Where the parts ``rest`` end when they follow ``pos``, each after a run of white
    space taken whole; -1 when they do not follow."""
    size = len(text)
    for part in rest:
        gap = pos
        while gap < size and text[gap].isspace():
            gap += 1
        if gap == pos or not text.startswith(part, gap):
            return -1
        pos = gap + len(part)
    return pos


def _starts(text: str, variant: str) -> list[tuple[int, int]]:
    """(start, end) of every place ``_mention(variant)`` matches, without compiling it:
    the parts of the variant in turn, each run of white space between them taken whole
    (the next part starts with a character that is not white space)."""
    parts = variant.split(" ")
    if "" in parts:  # white space at an end: left to the pattern
        return [(m.start(), m.end(1)) for m in _mention(variant).finditer(text)]
    first, rest = parts[0], parts[1:]
    out = []
    size = len(text)
    at = text.find(first)
    while at >= 0:
        if at == 0 or not (_is_word(text[at - 1]) or text[at - 1] in "/."):
            pos = _follows(text, at + len(first), rest)
            if pos >= 0 and (pos == size or not (_is_word(text[pos]) or text[pos] == "/")):
                out.append((at, pos))
        at = text.find(first, at + 1)
    return out


def mentions(text: str, alternatives: list[str]) -> list[tuple[int, int]]:
    r"""Where ``text`` mentions any of ``alternatives`` (in order of preference), as the
    pattern ``(?<![\w/.])(?:alt1|alt2|...)(?![\w/])`` finds them: from left to right, at
    each place the first alternative that matches there, not overlapping."""
    found = sorted((start, i, end) for i, v in enumerate(alternatives) for start, end in _starts(text, v))
    out = []
    last = 0
    for start, _, end in found:
        if start >= last:
            out.append((start, end))
            last = end
    return out


def _variants(ds: Dataset, cited: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Each way of writing a cited document's symbol (white space as single spaces) ->
    the document."""
    variants: dict[str, str] = {}
    for c in cited:
        symbol = ds.value(c, UNLD + "symbol")
        if not symbol:
            continue
        forms = {symbol}
        m = _RESOLUTION_NUMBER.match(symbol)
        if m:
            forms.add(m.group(1))
        for form in forms:
            variants.setdefault(_SPACES.sub(" ", form), c)
    return variants


def segments(
    ds: Dataset, text: str, cited: list[str] | tuple[str, ...], href: Callable[[str], str | None]
) -> tuple[list[dict], set[str]]:
    """Split ``text`` into pieces, linking (with ``href``) each mention of a cited
    document; also the documents so linked.  Pieces are plain data: the template escapes
    them."""
    variants = _variants(ds, cited)
    if not variants or not text:
        return [{"text": text, "href": None, "title": None}], set()
    out: list[dict] = []
    linked: set[str] = set()
    last = 0
    for start, end in mentions(text, sorted(variants, key=lambda v: (-len(v), v))):
        mention = text[start:end]
        target = variants.get(_SPACES.sub(" ", mention))
        if target is None:
            continue
        if start > last:
            out.append({"text": text[last:start], "href": None, "title": None})
        out.append({"text": mention, "href": href(target), "title": ds.label(target)})
        linked.add(target)
        last = end
    if last < len(text):
        out.append({"text": text[last:], "href": None, "title": None})
    return out or [{"text": "", "href": None, "title": None}], linked
