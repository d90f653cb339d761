"""OpenLink Virtuoso (Debian's package), started by the test without a service manager: the
bulk-loading steps of docs/stores.md run as written, the example queries give the rows the
embedded store gives, and ``unld publish`` answers the authenticated graph store's HTTP
Digest challenge."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from tests.conftest import ROOT, unavailable
from tests.webservers import free_port
from unld.build.pipeline import BuildResult
from unld.cli import main

QUERIES = sorted((ROOT / "examples" / "queries").glob("*.rq"))
DOCS = ROOT / "docs" / "stores.md"


@dataclass
class Virtuoso:
    isql_port: int
    http_port: int
    data: Path

    @property
    def sparql(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def graph_store(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql-graph-crud-auth"

    def isql(self, sql: str) -> str:
        done = subprocess.run(
            ["isql-vt", str(self.isql_port), "dba", "dba", f"exec={sql}"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "*** Error" not in done.stdout + done.stderr, done.stdout + done.stderr
        return done.stdout

    def count(self, where: str) -> int:
        r = requests.post(
            self.sparql,
            data={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        r.raise_for_status()
        return int(r.json()["results"]["bindings"][0]["n"]["value"])

    def quads(self, base: str) -> int:
        return self.count(f'GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{base}"))')


@pytest.fixture(scope="module")
def build_dir(corpus_built: tuple[Path, BuildResult]) -> Path:
    out, result = corpus_built
    assert not result.violations
    return out


def _ini(folder: Path, isql_port: int, http_port: int, data: Path) -> Path:
    """The ini of docs/stores.md, with this test's folders and ports."""
    text = re.search(r"```ini\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert text, "docs/stores.md has no ini block"
    ini = (
        text.group(1)
        .replace("/srv/virtuoso", str(folder))
        .replace("/data/unld", str(data))
        .replace("ServerPort = 1111", f"ServerPort = {isql_port}")
        .replace("ServerPort = 8890", f"ServerPort = {http_port}")
    )
    path = folder / "virtuoso.ini"
    path.write_text(ini)
    return path


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    binary = shutil.which("virtuoso-t")
    if not binary or not shutil.which("isql-vt"):
        unavailable("Virtuoso is not installed (Debian package 'virtuoso-opensource')")
    folder = tmp_path_factory.mktemp("virtuoso")
    data = tmp_path_factory.mktemp("virtuoso-data")
    server = Virtuoso(free_port(), free_port(), data)
    ini = _ini(folder, server.isql_port, server.http_port, data)
    done = subprocess.run(
        [binary, "+configfile", str(ini), "+wait"], cwd=folder, capture_output=True, text=True, timeout=120
    )
    log = folder / "virtuoso.log"
    assert done.returncode == 0, done.stdout + done.stderr + (log.read_text() if log.exists() else "")
    pid = int((folder / "virtuoso.lck").read_text().strip().split("=")[1])
    try:
        yield server
    finally:
        subprocess.run(
            ["isql-vt", str(server.isql_port), "dba", "dba", "exec=shutdown;"],
            capture_output=True,
            timeout=60,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def loaded(virtuoso: Virtuoso, build_dir: Path) -> Virtuoso:
    """The build bulk-loaded with the SQL of docs/stores.md, as written."""
    sql = re.search(r"```sql\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert sql, "docs/stores.md has no sql block"
    shutil.copy(build_dir / "unld.nq", virtuoso.data / "unld.nq")
    out = virtuoso.isql(sql.group(1).replace("/data/unld", str(virtuoso.data)))
    row = next(line for line in out.splitlines() if line.startswith(str(virtuoso.data)))
    assert row.split()[1:] == ["2", "NULL"], out  # ll_state 2, no ll_error
    return virtuoso


def _lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for _ in fh)


def test_bulk_load_gives_every_graph_and_quad(loaded: Virtuoso, build_dir: Path) -> None:
    base = "https://w3id.org/unld/"
    assert loaded.quads(base) == _lines(build_dir / "unld.nq")
    graphs = loaded.count(
        f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{base}")) }}'
    )
    names = {line.split(b" ")[-2] for line in (build_dir / "unld.nq").read_bytes().splitlines()}
    assert graphs == len(names) > 50


@pytest.mark.parametrize("query", QUERIES, ids=[q.stem for q in QUERIES])
def test_example_queries_give_the_embedded_stores_rows(
    loaded: Virtuoso, build_dir: Path, query: Path
) -> None:
    runner = CliRunner()
    local = runner.invoke(main, ["query", "-f", str(query), "--from", str(build_dir), "--format", "csv"])
    remote = runner.invoke(main, ["query", "-f", str(query), "--endpoint", loaded.sparql, "--format", "csv"])
    assert local.exit_code == 0 and remote.exit_code == 0, (local.output, remote.output)
    assert remote.output == local.output
    assert len(local.output.splitlines()) > 2


def test_publish_answers_the_digest_challenge(
    loaded: Virtuoso, build_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = "https://w3id.org/unld/"
    graph = base + "graph/A/RES/76/19"
    before = loaded.quads(base)
    in_graph = loaded.count(f"GRAPH <{graph}> {{ ?s ?p ?o }}")
    loaded.isql(f"SPARQL CLEAR GRAPH <{graph}>;")
    assert loaded.count(f"GRAPH <{graph}> {{ ?s ?p ?o }}") == 0

    monkeypatch.setenv("UNLD_ENDPOINT_USER", "dba")
    monkeypatch.setenv("UNLD_ENDPOINT_PASSWORD", "not-the-password")
    refused = CliRunner().invoke(
        main, ["publish", "--graph-store", loaded.graph_store, "--from", str(build_dir)]
    )
    assert refused.exit_code == 1
    assert "401" in refused.output and "UNLD_ENDPOINT_PASSWORD" in refused.output
    assert "not-the-password" not in refused.output

    monkeypatch.setenv("UNLD_ENDPOINT_PASSWORD", "dba")
    done = CliRunner().invoke(
        main, ["publish", "--graph-store", loaded.graph_store, "--from", str(build_dir)]
    )
    assert done.exit_code == 0, done.output
    assert "0 failure(s)" in done.output
    assert loaded.count(f"GRAPH <{graph}> {{ ?s ?p ?o }}") == in_graph > 100
    assert loaded.quads(base) == before == _lines(build_dir / "unld.nq")
