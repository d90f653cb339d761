"""Property-based tests (hypothesis) of the parser, the mapping, the site's paths and pages,
and the query guard, on mutated real texts and generated strings.

Bounded to run in CI in a few minutes (``max_examples`` below); ``benchmarks/fuzz.py`` runs
the same mutations by the hundred thousand, each in a measured process.
"""

from __future__ import annotations

import contextlib
import json
import re
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.mutations import HOSTILE, corpus_texts, mutate, parse_bytes
from unld.core.errors import InputError
from unld.core.iri import DEFAULT_BASE, IriPolicy
from unld.publishing.query import MAX_NESTING, QueryError, check_query
from unld.publishing.site import html
from unld.publishing.site.paths import PAGE_FILES, disk_path, page_path

TEXTS = corpus_texts()
SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)

mutated = st.tuples(st.integers(0, len(TEXTS) - 1), st.integers(0, 2**32)).map(
    lambda t: (TEXTS[t[0]][0], mutate(TEXTS[t[0]][1], t[1]))
)
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40)), max_size=8).map("".join)


def _parse_or_reject(name: str, data: bytes) -> dict | None:
    try:
        return parse_bytes(name, data)
    except InputError as exc:
        assert exc.path == name and exc.message  # names the file, says what was expected
        return None


@SETTINGS
@given(mutated)
def test_the_parser_gives_a_record_or_an_input_error(case: tuple[str, bytes]) -> None:
    name, data = case
    record = _parse_or_reject(name, data)
    if record is None:
        return
    json.dumps(record)
    assert all(len(f["mark"]) <= 3 for f in record["footnotes"])
    assert len(record["agenda_items"]) <= 100
    assert "\x00" not in json.dumps(record, ensure_ascii=False)


@SETTINGS
@given(st.integers(0, len(TEXTS) - 1), hostile_text, st.integers(0, 10**6))
def test_hostile_pieces_anywhere_give_a_record_or_an_input_error(n: int, piece: str, where: int) -> None:
    name, data = TEXTS[n]
    text = data.decode("utf-8", "replace")
    at = where % (len(text) + 1)
    _parse_or_reject(name, (text[:at] + piece + text[at:]).encode("utf-8", "surrogatepass"))


_MAPPER: list = []


def _mapper():
    if not _MAPPER:
        from unld.mapping.mapper import Mapper

        _MAPPER.append(Mapper(IriPolicy(DEFAULT_BASE)))
    return _MAPPER[0]


@settings(SETTINGS, max_examples=40)
@given(mutated)
def test_every_record_maps_to_a_graph_that_parses(case: tuple[str, bytes]) -> None:
    record = _parse_or_reject(*case)
    if record is None:
        return
    mapped = _mapper().map_one(record)
    triples = list(ox.parse(mapped.ntriples, format=ox.RdfFormat.N_TRIPLES))
    assert triples
    assert mapped.graph.startswith(f"{DEFAULT_BASE}graph/")


@SETTINGS
@given(st.text(max_size=300))
def test_page_paths_stay_inside_the_site_and_writable(rest: str) -> None:
    path = page_path(DEFAULT_BASE + rest, DEFAULT_BASE)
    if not path:
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        target = disk_path(root, path)
        assert root.resolve() in target.resolve().parents
        parts = target.relative_to(root).parts
        assert not set(parts) & PAGE_FILES
        assert len(parts) <= 24 and all(len(p.encode()) <= 200 for p in parts)
        target.mkdir(parents=True)
        (target / "index.html").write_text("x")


@SETTINGS
@given(hostile_text, hostile_text)
def test_page_text_is_always_escaped(label: str, title: str) -> None:
    out = str(html.text([{"href": None, "text": label}, {"href": "x/", "title": title, "text": label}]))
    out += str(html.a({"href": None, "label": label, "internal": True}))
    # the markup the functions write themselves; their attribute values are escaped
    stripped = re.sub(r"<(/?)(a|span)( [^<>]*)?>", "", out)
    assert "<" not in stripped and ">" not in stripped


brackets = st.lists(st.sampled_from(list("{}()[] ?s<>\"'#\n") + ["SELECT * WHERE ", "SERVICE"]), max_size=400)


@SETTINGS
@given(brackets.map("".join))
def test_the_query_guard_keeps_the_parser_safe(text: str) -> None:
    try:
        check_query(text, local=True)
    except QueryError:
        return
    with contextlib.suppress(SyntaxError, ValueError, OSError, RuntimeError):
        ox.Store().query(text)  # a crash here would take the test process down


@pytest.mark.parametrize("depth", [MAX_NESTING, MAX_NESTING + 1, 3000])
def test_the_nesting_limit_is_exact(depth: int) -> None:
    text = "SELECT * WHERE " + "{" * depth + "}" * depth
    if depth <= MAX_NESTING:
        check_query(text)
    else:
        with pytest.raises(QueryError):
            check_query(text)
