"""Conflict reports name the source line of a citation from what the build kept beside each
graph (``Outcome.cited``), without parsing the source again: the same line the reference
(parsing the source) finds, on every citation of the real corpus."""

from __future__ import annotations

from pathlib import Path

from unld.build.pipeline import BuildResult, Outcome
from unld.core.namespaces import UNLD
from unld.validation.validator import source_line

BASE = "https://w3id.org/unld/"


def test_kept_citation_lines_match_the_parsed_source(corpus_built: tuple[Path, BuildResult]) -> None:
    _out, result = corpus_built
    outcomes = [o for o in result.outcomes if o.graph and o.cited]
    assert len(outcomes) > 20
    asked = 0
    for o in outcomes:
        assert o.cited is not None
        for target, date, _line in o.cited:
            focus = f"{BASE}doc/{target}"
            for prop, value in ((UNLD + "adoptedOn", date or ""), (UNLD + "title", target)):
                kept = source_line(o.path, focus, prop, value, o.cited)
                assert kept == source_line(o.path, focus, prop, value), (o.path, target, prop)
                asked += 1
    assert asked > 500


def test_cited_lines_survive_the_cache() -> None:
    entry = Outcome("x.txt", "A/RES/1/1", "g", cited=[["A/RES/73/8", "2018-10-26", 14]]).to_entry()
    assert Outcome.from_entry("x.txt", entry).cited == [["A/RES/73/8", "2018-10-26", 14]]
    # an entry written before the field existed, or a damaged one, falls back to parsing
    assert Outcome.from_entry("x.txt", {**entry, "cited": None}).cited is None
    assert Outcome.from_entry("x.txt", {**entry, "cited": [["only two", 1]]}).cited is None
