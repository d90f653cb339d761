"""The W3C SHACL Core test suite, run on our engines (``tests/data/w3c-shacl-core/``).

The compiled engine must give the expected report on every test or refuse it
(:class:`Unsupported`), never a different answer; the default validator (the engine, with
pyshacl for the shapes it refuses) must be right on every test but the one where pyshacl,
the reference, is wrong.  pyshacl's results on the suite are recorded here as the reference.
"""

from __future__ import annotations

import pytest

from tests.w3c_shacl import Case, cases, ox_text, pyshacl_like
from unld.validation.shacl import Result, Unsupported, path_text, validate_triples

CASES = cases()
#: where pyshacl 0.40, the reference, disagrees with the suite (it reports a sh:uniqueLang
#: result for a value of sh:uniqueLang that is not true)
PYSHACL_WRONG = {"property/uniqueLang-002"}
#: the tests the engine refuses: none (the suite's every feature is implemented)
REFUSED: set[str] = set()


def keys(results: list[Result]) -> object:
    from collections import Counter

    return Counter(
        (
            ox_text(r.focus),
            path_text(r.path),
            ox_text(r.value),
            f"<{r.severity}>" if ":" in r.severity else f"<http://www.w3.org/ns/shacl#{r.severity}>",
            f"<http://www.w3.org/ns/shacl#{r.component}>",
            ox_text(r.shape),
        )
        for r in results
    )


def run(case: Case, fallback: bool) -> tuple[bool, object]:
    data, shapes = case.triples()
    conforms, results = validate_triples(data, shapes, fallback=fallback)
    return conforms, keys(results)


def test_the_suite_is_complete() -> None:
    assert len(CASES) == 98


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_engine_is_right_or_refuses(case: Case) -> None:
    try:
        got = run(case, fallback=False)
    except Unsupported:
        return
    assert got == (case.conforms, case.results)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_default_validator_is_right(case: Case) -> None:
    """The engine with pyshacl for the shapes it refuses: right on every test."""
    assert run(case, fallback=True) == (case.conforms, case.results)


def test_what_the_engine_refuses() -> None:
    """The tests the engine refuses, recorded: a change in what it supports shows here."""
    refused = set()
    for case in CASES:
        try:
            run(case, fallback=False)
        except Unsupported:
            refused.add(case.name)
    assert refused == REFUSED


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_pyshacl_reference(case: Case) -> None:
    from pyshacl import validate

    got = pyshacl_like(validate)(case)
    assert (got == (case.conforms, case.results)) == (case.name not in PYSHACL_WRONG)
