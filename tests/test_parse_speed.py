"""The parser's fast paths against the plain forms they replace, on real texts.

Each fast form must find exactly what its reference finds: the same spans and groups for
the reordered footnote-mark patterns, the same matches for the registry alternation grouped
by first letter, the same offsets for document symbols found without a regex per symbol,
and the same bodies whether the scan of the registry's names is shared or not.  The
reference forms are written out here as they stood before.
"""

from __future__ import annotations

import random
import re

import pytest

from tests.conftest import CORPUS, EXAMPLE
from unld.parse import bodies, citations, footnotes, parse_source, pdftext
from unld.parse.lines import join_lines
from unld.sources import read_source

TEXTS = sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".md")) + [EXAMPLE]

#: The footnote-mark patterns as written with their lookbehind first (the reference).
REFERENCE_MARKS = [
    r"(?<=[A-Za-z)\]”’\".,;:])(\d{1,3})(?![\d/])",
    r"(?<=[)\]”’\".,;:]) {1,3}(\d{1,3})(?= {2,}|\s*\n|\s*$)",
    r"(?<=[A-Za-z]) {1,3}(\d{1,3})(?= {2,})",
    r"(?<=[,;:”’)]) (\d{1,3})(?= ?\n?[ \t]?[a-z])",
    r"(?<=[A-Za-z]) (\d{1,3})(?= ?\n?[ \t]?[a-z])",
    r"(?:(?<=\b(?:19|20)\d\d)|(?<=\d/\d{3})|(?<=\d/\d\d)|(?<=\d/\d)|(?<=\d/\d{3},)"
    r"|(?<=\d/\d\d,)|(?<=\d/\d,)) (\d{1,3})(?= ?\n?[ \t]?[a-z]| \d{1,3}/\d|,? and\b|[,;])",
    r"(?<=[,;]) (\d{1,3})(?= \d{1,2} (?:January|February|March|April|May|June|July|August"
    r"|September|October|November|December)\b| \d{1,3}/\d)",
    r"(?<=[a-z][,;]) (\d{1,3})(?= [A-Z][a-z])",
    r"(?<=\bAgenda 21)(\d{1,3})(?![\d/])",
]
REFERENCE_NUMBER = r"(?<![\w/])\d{1,2}/(\d{4,6})(?!\d)"

#: Pieces of the texts where marks are looked for, recombined at random for texts that
#: reach the corners of the patterns (starts of text, runs of spaces, numbers after numbers).
PIECES = [
    "a", "Z", "1", "12", "123", "1234", " ", "  ", "\n", "\t", ",", ";", ":", ".", ")", "]",
    "”", "’", '"', "/", "-", "Agenda 21", "No.", "1949", "2023", "76/19", "77/2285",
    " and", "January", "Goal", "COP", "G", "the", "Council", "x",
]  # fmt: skip


def _random_texts(n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(PIECES) for _ in range(rnd.randint(1, 40))) for _ in range(n)]


#: Texts at the edges of the patterns' repeats: one to four spaces before a mark.
EDGES = [
    f"{before}{spaces}12  x"
    for before in (",", "a", ")", "1949", "76/19,")
    for spaces in (" ", "  ", "   ", "    ")
]


def _texts() -> list[str]:
    return [read_source(str(p)).text for p in TEXTS] + _random_texts(4000) + EDGES


def _found(rx: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in rx.finditer(text)]


def test_footnote_mark_patterns_find_what_their_lookbehind_first_forms_find() -> None:
    fast = [rx for _, rx in footnotes._KINDS]
    assert len(fast) == len(REFERENCE_MARKS)
    pairs = [*zip(fast, REFERENCE_MARKS, strict=True), (footnotes._NUMBER, REFERENCE_NUMBER)]
    hits = 0
    for text in _texts():
        for rx, ref in pairs:
            want = _found(re.compile(ref), text)
            assert _found(rx, text) == want, (ref, text[:200])
            hits += len(want)
    assert hits > 1000  # the texts do reach the patterns


def test_superscript_pattern_finds_what_its_lookbehind_first_form_finds() -> None:
    sup = "⁰¹²³⁴⁵⁶⁷⁸⁹"
    reference = re.compile(f"(?<![{sup}])[{sup}]{{1,3}}(?![{sup}])")
    rnd = random.Random(11)
    texts = ["".join(rnd.choice(["a", " ", "¹", "²³", "⁴⁵⁶⁷", "1"]) for _ in range(20)) for _ in range(3000)]
    hits = 0
    for text in texts:
        want = _found(reference, text)
        assert _found(pdftext._SUPERSCRIPT, text) == want, text
        hits += len(want)
    assert hits > 1000


def _flat_names_re(names: list[str], prefix: str) -> re.Pattern[str]:
    """The registry alternation as it was: every name a branch, longest first."""
    alts = sorted(names, key=len, reverse=True)
    pattern = "|".join(re.escape(a).replace(r"\-", "[-–‑]").replace(r"\ ", r"\s+") for a in alts)
    return re.compile(rf"(?<![\w-]){prefix}(?:{pattern})(?![\w-])", re.I)


def _paragraph_texts() -> list[str]:
    out: list[str] = []

    def walk(paras: list[dict]) -> None:
        for p in paras:
            if p.get("text"):
                out.append(p["text"])
            walk(p.get("subparagraphs", []))

    for path in TEXTS:
        record = parse_source(read_source(str(path)))
        walk(record["preambular_paragraphs"])
        walk(record["operative_paragraphs"])
    return out


def test_registry_alternation_grouped_by_first_letter_matches_the_flat_one() -> None:
    reg, names = bodies.registry()
    kinds = {k for k, _ in bodies._KINDS}
    others = [n for n, key in names.items() if reg[key].kind not in kinds | {"organization"}]
    groups = [n for n, key in names.items() if reg[key].kind in kinds]
    short = list(bodies.short_names())
    cases = [
        (bodies._body_re()[0], _flat_names_re(others, r"(?:the\s+|United\s+Nations\s+)?")),
        (bodies._alias_re(), _flat_names_re(groups, "")),
    ]
    short_re = bodies._body_re()[1]
    assert short_re is not None
    cases.append((short_re, _flat_names_re(short, r"(?:the\s+|United\s+Nations\s+)?")))
    # the registry's own names, in other cases and spacings, make sure every branch is hit
    named = [f"see the {n.title()} and {n.upper()}, {n.replace(' ', chr(10))}." for n in names]
    hits = 0
    for text in _paragraph_texts() + named:
        for fast, flat in cases:
            want = [(m.span(), m.group(0)) for m in flat.finditer(text)]
            assert [(m.span(), m.group(0)) for m in fast.finditer(text)] == want, text[:200]
            hits += len(want)
    assert hits > len(names)


def _reference_find_symbol(text: str, symbol: str, at: int) -> int | None:
    pattern = r"\s*".join(re.escape(ch) for ch in symbol if not ch.isspace())
    m = re.compile(pattern).search(text, at) or re.compile(pattern).search(text)
    return m.start() if m else None


@pytest.mark.parametrize(
    ("text", "symbol"),
    [
        ("see A/ 76 /19 and A/76/19", "A/76/19"),
        ("in A/76/19, then A /76/ 19\n", "A/76/19"),
        ("A/C.1/76/L.5 and A/C.1/76/L.56", "A/C.1/76/L.56"),
        ("S/RES/2250 (2015)", "S/RES/2250 (2015)"),
        ("S/RES/2250\u00a0(2015)", "S/RES/2250(2015)"),
        ("nothing here", "A/76/19"),
        ("AAAA/7", "A/7"),
        ("A/7", "A/7/"),
    ],
)
def test_symbol_offsets_without_a_regex_per_symbol(text: str, symbol: str) -> None:
    for at in range(len(text) + 1):
        assert citations._find_symbol(text, symbol, at) == _reference_find_symbol(text, symbol, at)


def test_symbol_offsets_on_the_corpus() -> None:
    from unld.core import symbols

    checked = 0
    for path in TEXTS:
        text = read_source(str(path)).text
        at = 0
        for sym in symbols.find_documents(text):
            got = citations._find_symbol(text, sym, at)
            assert got == _reference_find_symbol(text, sym, at), (path.name, sym)
            at = got if got is not None else at
            checked += 1
    assert checked > 50


def test_bodies_read_with_one_shared_scan_as_with_their_own() -> None:
    seen = 0
    for path in TEXTS:
        record = parse_source(read_source(str(path)))
        paras = [*record["preambular_paragraphs"], *record["operative_paragraphs"]]
        shared = bodies.named_in(paras)
        assert bodies.find_bodies(paras, shared) == bodies.find_bodies(paras)
        symbol = record["symbol"]
        own = bodies.find_working_groups(paras, record["citations"], symbol)
        assert bodies.find_working_groups(paras, record["citations"], symbol, shared) == own
        seen += len(record["bodies"]) + len(record["working_groups"])
    assert seen > 10


def test_body_before_a_short_name_is_the_last_full_name_printed() -> None:
    text = "Recalling the Security Council and the Human Rights Council, and Council resolution 5/1"
    upto = text.index("resolution 5/1")
    assert citations._body_before(text, upto) == "Human Rights Council"
    # no full name printed before: no body (the fallback over the list finds none either)
    assert citations._body_before("the Board resolution 1/2", 10) is None


@pytest.mark.parametrize(
    ("parts", "joined"),
    [
        (["drug -resistant"], "drug-resistant"),
        (["a -b", "c - d"], "a-b c - d"),
        (["1 -a", "X -y"], "1 -a X-y"),
        (["Secretary-", "General"], "Secretary-General"),
    ],
)
def test_join_lines_joins_spaced_hyphens(parts: list[str], joined: str) -> None:
    assert join_lines(parts) == joined
