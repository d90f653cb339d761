"""The compiled SHACL engine gives the same report as pyshacl, the reference.

Compared on every valid and invalid example beside the shapes and on the graph of every
resolution of the corpus, both on the whole data graph and restricted to the resources a
graph describes (how the build uses it).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from tests.conftest import CORPUS
from unld.iri import IriPolicy
from unld.mapping import Mapper
from unld.parse import parse_source
from unld.resources import ontology_dir
from unld.sources import read_source
from unld.validate import Problem, Validator

POLICY = IriPolicy()
EXAMPLES = sorted((ontology_dir() / "examples").glob("*/*.ttl"))


@pytest.fixture(scope="module")
def engines() -> tuple[Validator, Validator]:
    return Validator(POLICY, "fast"), Validator(POLICY, "pyshacl")


def key(p: Problem) -> tuple:
    return (p.severity, p.focus, p.path, p.value, p.shape, p.message)


def test_fast_engine_is_used(engines: tuple[Validator, Validator]) -> None:
    fast, _ = engines
    assert fast.engine_name == "fast" and fast.fast is not None


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_same_report_on_examples(engines: tuple[Validator, Validator], example) -> None:
    fast, ref = engines
    triples = list(ox.parse(example.read_bytes(), format=ox.RdfFormat.TURTLE, base_iri=POLICY.base))
    got = {key(p) for p in fast.validate(triples, only_own=False)}
    want = {key(p) for p in ref.validate(triples, only_own=False)}
    assert got == want
    if example.parent.name == "invalid":
        assert got  # each invalid example is reported (a violation, or a warning)


@pytest.fixture(scope="module")
def corpus_graphs() -> list:
    records = [parse_source(read_source(p)) for p in sorted(CORPUS.glob("*.txt"))]
    return list(Mapper(POLICY).map_many(records))


def test_same_report_on_the_corpus(engines: tuple[Validator, Validator], corpus_graphs) -> None:
    fast, ref = engines
    for mapped in corpus_graphs:
        whole = fast.validate(mapped.triples, mapped.graph, only_own=False)
        want = {key(p) for p in ref.validate(mapped.triples, mapped.graph, only_own=False)}
        assert {key(p) for p in whole} == want, (mapped.symbol, {key(p) for p in whole} ^ want)
        # restricted to the graph's own resources: the same results, filtered
        own = {t.subject.value for t in mapped.triples}
        assert {key(p) for p in fast.validate(mapped.triples, mapped.graph)} == {
            key(p) for p in whole if p.focus in own
        }


def test_same_report_on_the_shared_graphs(engines: tuple[Validator, Validator]) -> None:
    fast, ref = engines
    assert {key(p) for p in fast.validate_shared()} == {key(p) for p in ref.validate_shared()}
