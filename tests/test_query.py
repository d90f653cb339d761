"""``unld query``: the same answers from the embedded store and from a real endpoint.

The corpus build is published into an Oxigraph server (see ``test_endpoint.py`` for the
server and the build); every example query in ``examples/queries/`` must then give the same
rows with ``--from`` (embedded pyoxigraph) and with ``--endpoint`` (SPARQL 1.1 Protocol).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from tests.oxigraph import OxigraphServer, dump_quads
from tests.webservers import free_port
from unld.cli import main
from unld.publishing.endpoint import SpooledGraphs, publish
from unld.publishing.query import QueryResult, cell, prepare, query_local, render

EXAMPLES = ROOT / "examples"
QUERIES = sorted((EXAMPLES / "queries").glob("*.rq"))


def run_cli(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env={"UNLD_ENDPOINT": "", **(env or {})})


def rows_of(output: str) -> list[dict[str, str]]:
    """The rows of ``--format json`` output as {variable: value} (type-insensitive)."""
    doc = json.loads(output)
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


@pytest.fixture(scope="module")
def build_dir(corpus_build: Path) -> Path:
    return corpus_build


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, build_dir: Path) -> Iterator[OxigraphServer]:
    with OxigraphServer(tmp_path_factory.mktemp("oxigraph-query") / "store") as s:
        spool = tmp_path_factory.mktemp("spool")
        summary = publish(SpooledGraphs.from_nquads(build_dir / "unld.nq", spool), s.store_url)
        assert summary.ok
        yield s


@pytest.fixture(scope="module")
def answers(server: OxigraphServer, build_dir: Path) -> dict[str, tuple[str, str]]:
    """query file name -> (embedded JSON output, endpoint JSON output)."""
    out = {}
    for q in QUERIES:
        local = run_cli("query", "-f", str(q), "--from", str(build_dir), "--format", "json")
        remote = run_cli("query", "-f", str(q), "--endpoint", server.query_url, "--format", "json")
        assert local.exit_code == 0, local.output
        assert remote.exit_code == 0, remote.output
        out[q.name] = (local.stdout, remote.stdout)
    return out


# --- the example queries ---------------------------------------------------------------------


def test_there_are_example_queries_with_a_comment_header() -> None:
    names = {q.name for q in QUERIES}
    assert {
        "citation-network.rq",
        "most-cited.rq",
        "by-committee-and-session.rq",
        "working-groups.rq",
        "agenda-item-across-sessions.rq",
    } <= names
    for q in QUERIES:
        first = q.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# "), q.name


@pytest.mark.parametrize("query", [q.name for q in QUERIES])
def test_embedded_store_and_endpoint_give_the_same_rows(answers, query: str) -> None:
    local, remote = answers[query]
    assert json.loads(local)["head"] == json.loads(remote)["head"]
    assert json.loads(local)["results"]["bindings"] == json.loads(remote)["results"]["bindings"]
    assert rows_of(local), f"{query} returned no rows"


def test_citation_network_holds_known_citations(answers) -> None:
    rows = rows_of(answers["citation-network.rq"][0])
    pairs = {(r["citing"], r["cited"]) for r in rows}
    assert ("A/RES/76/19", "A/RES/75/240") in pairs
    assert ("A/RES/76/19", "A/RES/73/27") in pairs
    assert ("A/RES/76/19", "A/RES/43/78 H") in pairs
    most = rows_of(answers["most-cited.rq"][0])
    counts = [int(r["citedBy"]) for r in most]
    assert counts == sorted(counts, reverse=True)
    cited_by = {r["cited"]: int(r["citedBy"]) for r in most}
    # the 2030 Agenda is the resolution the corpus cites most
    assert most[0]["cited"] == "A/RES/70/1" and cited_by["A/RES/70/1"] >= 10


def test_working_groups_have_their_mandates_and_founding_resolutions(answers) -> None:
    rows = {(r["group"], r.get("start")): r for r in rows_of(answers["working-groups.rq"][0])}
    oewg = rows[("oewg-ict-2021-2025", "2021")]
    assert (oewg["end"], oewg["establishedBy"]) == ("2025", "A/RES/75/240")
    earlier = rows[("oewg-ict-2019-2021", "2019")]
    assert (earlier["end"], earlier["establishedBy"]) == ("2021", "A/RES/73/27")


def test_one_agenda_item_across_sessions(answers) -> None:
    rows = rows_of(answers["agenda-item-across-sessions.rq"][0])
    # the item's number changes between sessions; its title does not
    assert [(r["session"], r["item"], r["symbol"], r["adopted"]) for r in rows] == [
        ("78", "78", "A/RES/78/107", "2023-12-07"),
        ("79", "78", "A/RES/79/120", "2024-12-04"),
        ("80", "79", "A/RES/80/163", "2025-12-15"),
    ]


def test_resolutions_by_committee_and_session(answers, build_dir: Path) -> None:
    rows = rows_of(answers["by-committee-and-session.rq"][0])
    got = {(r["session"], r["committee"]): int(r["resolutions"]) for r in rows}
    assert got[("76", "First Committee")] == 1  # A/RES/76/19, on the report A/76/439
    assert got[("80", "Third Committee")] == 2
    # every resolution of the dataset is counted once
    graphs = dump_quads(build_dir / "unld.nq")
    assert sum(got.values()) == sum("/graph/A/RES/" in g for g in graphs)


# --- formats ---------------------------------------------------------------------------------


def test_table_csv_and_json_agree(build_dir: Path) -> None:
    q = str(EXAMPLES / "queries" / "working-groups.rq")
    table = run_cli("query", "-f", q, "--from", str(build_dir))
    as_csv = run_cli("query", "-f", q, "--from", str(build_dir), "--format", "csv")
    as_json = run_cli("query", "-f", q, "--from", str(build_dir), "--format", "json")
    assert table.exit_code == as_csv.exit_code == as_json.exit_code == 0
    rows = rows_of(as_json.stdout)
    records = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [{k: v for k, v in r.items() if v} for r in records] == rows
    lines = table.stdout.splitlines()
    assert lines[0].split()[:4] == ["group", "start", "end", "establishedBy"]
    assert set(lines[1]) <= {"-", " "}
    assert lines[-1] == f"({len(rows)} row{'s' if len(rows) != 1 else ''})"


def test_table_shortens_project_iris_and_brackets_others() -> None:
    assert cell({"type": "uri", "value": "https://w3id.org/unld/ontology#Resolution"}) == "unld:Resolution"
    assert (
        cell({"type": "uri", "value": "https://w3id.org/unld/doc/A/RES/76/19"})
        == "<https://w3id.org/unld/doc/A/RES/76/19>"
    )
    assert cell({"type": "literal", "value": "two\nlines"}) == "two lines"
    assert cell(None) == ""


def test_ask_and_construct(build_dir: Path) -> None:
    ask = run_cli("query", "ASK { ?r eli:cites ?d }", "--from", str(build_dir))
    assert (ask.exit_code, ask.stdout) == (0, "true\n")
    ask_json = run_cli("query", "ASK { ?r eli:cites ?d }", "--from", str(build_dir), "--format", "json")
    assert json.loads(ask_json.stdout) == {"head": {}, "boolean": True}
    construct = run_cli(
        "query",
        "CONSTRUCT { ?r unld:session ?s } WHERE { ?r unld:symbol 'A/RES/76/19' ; unld:session ?s }",
        "--from",
        str(build_dir),
        "--format",
        "csv",
    )
    assert construct.exit_code == 0, construct.output
    assert construct.stdout.splitlines()[0] == "subject,predicate,object"
    assert "https://w3id.org/unld/A/session/76" in construct.stdout


def test_construct_from_the_endpoint_matches(server: OxigraphServer, build_dir: Path) -> None:
    q = (
        "CONSTRUCT { ?r unld:agendaItem ?i } WHERE { ?r unld:symbol ?s ; unld:agendaItem ?i "
        "FILTER(STRSTARTS(?s, 'A/RES/79/1')) }"
    )
    local = run_cli("query", q, "--from", str(build_dir), "--format", "json")
    remote = run_cli("query", q, "--endpoint", server.query_url, "--format", "json")
    assert local.exit_code == remote.exit_code == 0, remote.output

    def key(out: str) -> list[str]:
        return sorted(json.dumps(b, sort_keys=True) for b in json.loads(out)["results"]["bindings"])

    assert key(local.stdout) == key(remote.stdout) and key(local.stdout)


def test_project_prefixes_need_no_declaration() -> None:
    text, error = prepare("SELECT ?r WHERE { ?r a unld:Resolution }")
    assert error is None and "PREFIX unld: <https://w3id.org/unld/ontology#>" in text
    declared = "PREFIX u: <https://w3id.org/unld/ontology#>\nSELECT ?r WHERE { ?r a u:Resolution }"
    assert prepare(declared) == (declared, None)
    _, error = prepare("SELECT ?r WHERE {\n ?r a nowhere:Thing }")
    assert error is not None and error.startswith("error at 2:")
    assert "not declared" in error


# --- errors ----------------------------------------------------------------------------------


def test_bad_sparql_is_exit_2_locally_and_remotely(server: OxigraphServer, build_dir: Path) -> None:
    bad = "SELECT ?s WHERE { ?s ?p "
    local = run_cli("query", bad, "--from", str(build_dir))
    assert local.exit_code == 2
    assert "not valid SPARQL" in local.stderr and "error at 1:" in local.stderr
    remote = run_cli("query", bad, "--endpoint", server.query_url)
    assert remote.exit_code == 2
    assert "rejected the query" in remote.stderr
    assert "Traceback" not in local.output + remote.output


def test_an_update_is_not_a_query(build_dir: Path) -> None:
    result = run_cli("query", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "--from", str(build_dir))
    assert result.exit_code == 2
    assert "not valid SPARQL" in result.stderr


def test_a_missing_build_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("query", "ASK {}", "--from", str(tmp_path / "nothing"))
    assert result.exit_code == 2
    assert "unld build" in result.stderr


def test_query_needs_exactly_one_of_argument_and_file(build_dir: Path) -> None:
    assert run_cli("query", "--from", str(build_dir)).exit_code == 2
    q = str(EXAMPLES / "queries" / "most-cited.rq")
    assert run_cli("query", "ASK {}", "-f", q, "--from", str(build_dir)).exit_code == 2


def test_from_and_endpoint_together_are_a_usage_error(build_dir: Path) -> None:
    result = run_cli("query", "ASK {}", "--from", str(build_dir), "--endpoint", "http://127.0.0.1:1/query")
    assert result.exit_code == 2 and "not both" in result.stderr


def test_the_endpoint_from_the_environment_is_used(server: OxigraphServer) -> None:
    result = run_cli("query", "ASK { ?r eli:cites ?d }", env={"UNLD_ENDPOINT": server.query_url})
    assert (result.exit_code, result.stdout) == (0, "true\n")


def test_an_unreachable_endpoint_is_a_clear_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    result = run_cli("query", "ASK {}", "--endpoint", url)
    assert result.exit_code == 1
    assert f"cannot reach the SPARQL endpoint {url}: connection refused" in result.stderr


def test_render_rejects_an_unknown_format() -> None:
    from unld.core.errors import UsageError

    with pytest.raises(UsageError):
        render(QueryResult("bindings", ["x"], []), "xml")


def test_query_local_without_cli(build_dir: Path) -> None:
    result = query_local("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", build_dir)
    assert result.kind == "bindings" and int(result.rows[0]["n"]["value"]) > 0
