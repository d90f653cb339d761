"""Validation of the real graph of A/RES/76/19, and broken copies of it, through the CLI.

Each broken copy removes or spoils one thing a core shape exists for; the report must name
the resource and the property, and the exit code must be 1.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLE
from unld.cli import main
from unld.core.iri import IriPolicy
from unld.mapping.mapper import Mapper
from unld.parse import parse_source
from unld.publishing.dumps import serialize
from unld.sources import read_source

RES = "https://w3id.org/unld/doc/A/RES/76/19"
UNLD = "https://w3id.org/unld/ontology#"


@pytest.fixture(scope="module")
def graph() -> list[ox.Triple]:
    return Mapper(IriPolicy()).map_one(parse_source(read_source(EXAMPLE))).triples


def write(tmp_path: Path, triples: list[ox.Triple], name: str = "g.ttl") -> Path:
    path = tmp_path / name
    path.write_bytes(serialize(triples, ox.RdfFormat.TURTLE))
    return path


def validate(*args: str):
    return CliRunner().invoke(main, ["validate", *args])


def test_text_conforms() -> None:
    result = validate(str(EXAMPLE))
    assert result.exit_code == 0, result.output
    assert "0 violation(s)" in result.output


def test_graph_conforms(tmp_path: Path, graph: list[ox.Triple]) -> None:
    result = validate(str(write(tmp_path, graph)))
    assert result.exit_code == 0, result.output


def _without(graph: list[ox.Triple], subject: str, predicate: str) -> list[ox.Triple]:
    return [t for t in graph if not (t.subject.value == subject and t.predicate.value == predicate)]


def _replace(
    graph: list[ox.Triple], subject: str, predicate: str, value: ox.Literal | ox.NamedNode
) -> list[ox.Triple]:
    kept = _without(graph, subject, predicate)
    return [*kept, ox.Triple(ox.NamedNode(subject), ox.NamedNode(predicate), value)]


MANDATE = "https://w3id.org/unld/body/oewg-ict-2021-2025/mandate/2021-2025"


@pytest.mark.parametrize(
    ("name", "focus", "path", "break_it"),
    [
        ("missing adoption date", RES, UNLD + "adoptedOn", lambda g: _without(g, RES, UNLD + "adoptedOn")),
        (
            "paragraph without text",
            RES + "#op3",
            UNLD + "text",
            lambda g: _without(g, RES + "#op3", UNLD + "text"),
        ),
        (
            "malformed symbol",
            RES,
            UNLD + "symbol",
            lambda g: _replace(g, RES, UNLD + "symbol", ox.Literal("A/RES/76/ 19 ?")),
        ),
        (
            "mandate ending before it begins",
            MANDATE + "#end",
            "http://www.w3.org/2006/time#inXSDgYear",
            lambda g: _replace(
                g,
                MANDATE + "#end",
                "http://www.w3.org/2006/time#inXSDgYear",
                ox.Literal("2019", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")),
            ),
        ),
    ],
)
def test_broken_copy_is_a_violation(
    tmp_path: Path, graph: list[ox.Triple], name: str, focus: str, path: str, break_it
) -> None:
    result = validate(str(write(tmp_path, break_it(graph))))
    assert result.exit_code == 1, result.output
    violations = [ln for ln in result.output.splitlines() if ln.startswith("Violation:")]
    assert violations, result.output
    if name == "mandate ending before it begins":
        # the violation is about the interval: its end is before its beginning
        assert any(MANDATE in ln for ln in violations), violations
    else:
        assert any(f"<{focus}>" in ln and path in ln for ln in violations), violations


def test_missing_file_is_exit_2(tmp_path: Path) -> None:
    result = validate(str(tmp_path / "nope.ttl"))
    assert result.exit_code == 2
    assert "nope.ttl" in result.output and "Traceback" not in result.output


def test_not_rdf_is_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle <<<")
    result = validate(str(bad))
    assert result.exit_code == 2
    assert "bad.ttl" in result.output and re.search(r"not valid RDF", result.output)
