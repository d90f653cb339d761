"""The batch mapping (each rule once per batch of records) against the reference (each rule
once per record): the same graphs, byte for byte, on every resolution of the corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, corpus_files
from unld.core.errors import InputError
from unld.core.iri import IriPolicy
from unld.core.resources import mappings_dir
from unld.mapping.mapper import Mapped, Mapper, load_rules
from unld.parse import parse_source
from unld.sources import read_source


@pytest.fixture(scope="module")
def records() -> list[dict]:
    out = []
    for path in [EXAMPLE, *corpus_files()]:
        try:
            out.append(parse_source(read_source(path)))
        except InputError:
            continue
    assert len(out) > 50
    return out


def test_every_shipped_rule_runs_batched() -> None:
    """A shipped rule that fell back to per-record mapping would silently cost the speed."""
    assert [rule.name for rule in load_rules() if rule.batch_update is None] == []


@pytest.fixture(scope="module")
def reference(records: list[dict]) -> list[Mapped]:
    return list(Mapper(IriPolicy("https://w3id.org/unld/")).map_reference(records))


@pytest.mark.parametrize("batch", [1, 7, 64])
def test_batch_equals_reference_on_the_corpus(
    records: list[dict], reference: list[Mapped], batch: int
) -> None:
    want = reference
    got = list(Mapper(IriPolicy("https://w3id.org/unld/"), batch=batch).map_many(records))
    assert [m.symbol for m in got] == [m.symbol for m in want]
    assert sum(len(m.ntriples) for m in want) > 1_000_000
    for g, w in zip(got, want, strict=True):
        assert g.graph == w.graph
        assert g.ntriples == w.ntriples, g.symbol


RULES_THE_REWRITING_LEAVES_ALONE = {
    # solution modifiers act on the whole result: per batch they would cut across records
    "95-limit.rq": 'CONSTRUCT { ?res rdfs:comment "first paragraph, 100%" } '
    "WHERE { ?r v:_iri ?res ; v:operative_paragraphs ?p . ?p v:_index 1 } LIMIT 1",
    "96-order.rq": "CONSTRUCT { ?res rdfs:comment ?s } WHERE { ?r v:_iri ?res ; v:symbol ?s } ORDER BY ?s",
}
RULES_IT_REWRITES = {
    # the short form, a '%' and braces in strings and comments
    "97-short.rq": "# a { brace } in a comment\nCONSTRUCT WHERE { ?r v:symbol ?s ; v:_iri ?res . "
    "?res2 v:_iri ?res }",
    "98-strings.rq": 'CONSTRUCT { ?res rdfs:comment "a } brace, 5%" } WHERE { ?r v:_iri ?res '
    'FILTER(!CONTAINS(STR(?res), "{")) }',
}


def test_rules_outside_the_rewriting_still_map_the_same(records: list[dict], tmp_path: Path) -> None:
    folder = tmp_path / "mappings"
    shutil.copytree(mappings_dir(), folder)
    for name, text in {**RULES_THE_REWRITING_LEAVES_ALONE, **RULES_IT_REWRITES}.items():
        (folder / name).write_text(text, encoding="utf-8")
    mapper = Mapper(IriPolicy("https://w3id.org/unld/"), rules_folder=str(folder), batch=5)
    by_name = {rule.name + ".rq": rule for rule in mapper.rules}
    for name in RULES_THE_REWRITING_LEAVES_ALONE:
        assert by_name[name].batch_update is None, name
    for name in RULES_IT_REWRITES:
        assert by_name[name].batch_update is not None, name
    sample = records[:12]
    want = list(mapper.map_reference(sample))
    got = list(mapper.map_many(sample))
    assert any(b"first paragraph, 100%" in m.ntriples for m in want)
    assert any(b"a } brace, 5%" in m.ntriples for m in want)
    assert [m.ntriples for m in got] == [m.ntriples for m in want]
