"""The conventions every command follows: -q/--quiet, -v/--verbose, -V/--version, one
command list in --help, help that names only files that exist, and ``parse --format``."""

from __future__ import annotations

import json
import re

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from tests.conftest import EXAMPLE, ROOT
from unld.cli import main

COMMANDS = ["parse", "validate", "build", "site", "publish", "query"]


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_version() -> None:
    for flag in ("-V", "--version"):
        result = run(flag)
        assert result.exit_code == 0 and re.match(r"unld, version \d", result.output)


def test_help_lists_each_command_once_in_pipeline_order() -> None:
    out = run("--help").output
    listed = [line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.strip()]
    assert listed == COMMANDS
    assert out.count("parse ") == 1


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_quiet_and_verbose(command: str) -> None:
    out = run(command, "--help").output
    for option in ("-q, --quiet", "-v, --verbose"):
        assert option in out, (command, option)
    result = run(command, "-q", "-v", *([] if command == "site" else [str(EXAMPLE)]))
    assert result.exit_code == 2 and "--quiet or --verbose, not both" in result.output


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_names_only_files_that_exist(command: str) -> None:
    out = run(*([command] if command else []), "--help").output
    for path in re.findall(r"\b((?:docs|examples)/[\w./-]+\.\w+)", out):
        assert (ROOT / path).is_file(), (command, path)


def test_parse_turtle_and_jsonld_are_the_mapped_graph() -> None:
    from unld.core.iri import IriPolicy
    from unld.mapping.mapper import Mapper
    from unld.parse import parse_source
    from unld.sources import read_source

    mapped = Mapper(IriPolicy("https://w3id.org/unld/")).map_one(parse_source(read_source(EXAMPLE)))
    reference = rdflib.Graph().parse(data=mapped.ntriples.decode(), format="nt")
    ttl = run("parse", str(EXAMPLE), "--format", "ttl")
    assert ttl.exit_code == 0
    assert isomorphic(rdflib.Graph().parse(data=ttl.stdout, format="turtle"), reference)
    jsonld = run("parse", str(EXAMPLE), "--format", "jsonld")
    assert jsonld.exit_code == 0
    doc = json.loads(jsonld.stdout)
    assert isinstance(doc["@context"], dict)  # embedded: loads with no network
    assert isomorphic(rdflib.Graph().parse(data=jsonld.stdout, format="json-ld"), reference)


def test_parse_turtle_follows_the_base_iri() -> None:
    result = run("parse", str(EXAMPLE), "--format", "ttl", "--base-iri", "https://data.example.org/un/")
    g = rdflib.Graph().parse(data=result.stdout, format="turtle")
    assert (rdflib.URIRef("https://data.example.org/un/doc/A/RES/76/19"), None, None) in g


def test_parse_verbose_and_errors_go_to_stderr(tmp_path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    result = run("parse", "-v", str(EXAMPLE), str(bad))
    assert result.exit_code == 2
    assert "A/RES/76/19, 13 preambular and 7 operative paragraph(s)" in result.stderr
    assert "empty.txt" in result.stderr
    assert json.loads(result.stdout)[0]["symbol"] == "A/RES/76/19"


def test_validate_quiet_prints_no_summary() -> None:
    loud = run("validate", str(EXAMPLE))
    quiet = run("validate", "-q", str(EXAMPLE))
    assert loud.exit_code == quiet.exit_code == 0
    assert "graph(s) validated" in loud.stdout and quiet.stdout == ""
    verbose = run("validate", "-v", str(EXAMPLE))
    assert "validated with the fast engine in" in verbose.stderr


def test_build_verbose_and_quiet(tmp_path) -> None:
    verbose = run("build", str(EXAMPLE), "--out", str(tmp_path / "b"), "--no-site", "-v")
    assert verbose.exit_code == 0
    assert "built 1 resolution(s)" in verbose.stdout and re.search(r"  \w.*: \d+\.\d\d s", verbose.stderr)
    quiet = run("build", str(EXAMPLE), "--out", str(tmp_path / "b"), "--no-site", "-q")
    assert quiet.exit_code == 0 and quiet.output == ""
    q = run(
        "query",
        "SELECT ?s WHERE { ?r unld:symbol ?s } ORDER BY ?s LIMIT 1",
        "--from",
        str(tmp_path / "b"),
        "-q",
    )
    assert q.exit_code == 0 and "row" not in q.stdout
    q = run(
        "query",
        "SELECT ?s WHERE { ?r unld:symbol ?s } ORDER BY ?s LIMIT 1",
        "--from",
        str(tmp_path / "b"),
        "-v",
    )
    assert "(1 row)" in q.stdout and "1 row(s) from" in q.stderr


def test_build_names_a_file_it_cannot_read(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing data file of unld's own is reported as what it is, not as a folder that
    cannot be written."""
    monkeypatch.setattr("unld.build.pipeline.mappings_dir", lambda: tmp_path / "missing")
    result = run("build", str(EXAMPLE), "--out", str(tmp_path / "out"), "--no-site", "-q")
    assert result.exit_code == 2
    assert f"cannot read {tmp_path / 'missing' / 'context.jsonld'}" in result.output
    assert "cannot write" not in result.output and "Traceback" not in result.output
