"""``unld publish``: the Graph Store Protocol loader, against a real Oxigraph server.

The server is ``oxigraph serve`` from the ``oxigraph`` package (a test dependency), bound to
a free port on 127.0.0.1 and stopped when the tests are done.  Faults that Oxigraph cannot
produce (a 401, a 503) come from a small server of the standard library.

The server and the readers of its graphs are in ``tests/oxigraph.py``; the corpus build is
the session's (``tests/conftest.py``).
"""

from __future__ import annotations

import hashlib
import shutil
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner

import unld.build.pipeline
from tests.conftest import CORPUS, ROOT  # noqa: E402
from tests.oxigraph import OxigraphServer, dump_quads, store_quads
from tests.webservers import free_port
from unld.cli import main
from unld.core.errors import UsageError
from unld.publishing.endpoint import (
    AuthenticationError,
    Credentials,
    EndpointError,
    GraphStore,
    PublishOptions,
    SpooledGraphs,
    graph_store_url,
    publish,
)

EXAMPLES = ROOT / "examples"
BASE = "https://w3id.org/unld/"
VOID_GRAPH = f"{BASE}graph/void"


# --- helpers ---------------------------------------------------------------------------------


def build_dataset(sources: list[Path], out: Path) -> Path:
    """Build ``sources`` into ``out`` with ``unld build``; return ``out/unld.nq``."""
    unld.build.pipeline.build([str(s) for s in sources], out, BASE, 2, docs=False)
    return out / "unld.nq"


def digest(graphs: dict[str, set[str]]) -> str:
    h = hashlib.sha256()
    for g in sorted(graphs):
        for t in sorted(graphs[g]):
            h.update(f"{t} <{g}>\n".encode())
    return h.hexdigest()


def graph_digests(graphs: dict[str, set[str]]) -> dict[str, str]:
    return {g: digest({g: ts}) for g, ts in graphs.items()}


def run_cli(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env)


class Recorder(BaseHTTPRequestHandler):
    """A stand-in endpoint: answers every request with the next status of ``statuses``
    (the last one repeats) and records method, path and Authorization header."""

    statuses: list[int] = [204]
    requests_seen: list[tuple[str, str, str | None]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.requests_seen.append((self.command, self.path, self.headers.get("Authorization")))
        status = self.statuses[min(len(self.requests_seen), len(self.statuses)) - 1]
        self.send_response(status)
        body = b"authentication required\n" if status == 401 else b""
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="unld"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_PUT = do_POST = do_GET = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[type[Recorder], str]]:
    """A :class:`Recorder` server in a thread; yields its class (to set statuses and read
    the requests) and its root URL."""
    handler = type("Handler", (Recorder,), {"statuses": [204], "requests_seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield handler, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def build_dir(corpus_build: Path) -> Path:
    return corpus_build


@pytest.fixture(scope="module")
def expected(build_dir: Path) -> dict[str, set[str]]:
    return dump_quads(build_dir / "unld.nq")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    with OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "store") as s:
        yield s


# --- no network ------------------------------------------------------------------------------


def test_graph_store_url_is_derived_for_oxigraph_and_fuseki() -> None:
    assert graph_store_url("http://localhost:7878/query", None) == "http://localhost:7878/store"
    assert graph_store_url("http://h:3030/unld/sparql", None) == "http://h:3030/unld/data"
    assert graph_store_url("http://h:3030/unld/query/", None) == "http://h:3030/unld/data"
    assert graph_store_url("http://x/q", "https://h/gsp?x=1") == "https://h/gsp?x=1"
    with pytest.raises(UsageError, match="--graph-store"):
        graph_store_url("http://h:8890/sparql", None)
    with pytest.raises(UsageError, match="--endpoint"):
        graph_store_url(None, None)


def test_credentials_in_a_url_are_refused_without_echoing_them() -> None:
    with pytest.raises(UsageError) as info:
        graph_store_url("http://alice:hunter2@localhost:7878/query", None)
    assert "hunter2" not in str(info.value)
    assert "UNLD_ENDPOINT_PASSWORD" in str(info.value)


def test_credentials_come_from_the_environment_only() -> None:
    basic = Credentials.from_env({"UNLD_ENDPOINT_USER": "alice", "UNLD_ENDPOINT_PASSWORD": "pw-9x"})
    assert "pw-9x" not in repr(basic)
    req = requests.Request("PUT", "http://h/").prepare()
    assert basic(req).headers["Authorization"].startswith("Basic ")
    token = Credentials.from_env({"UNLD_ENDPOINT_TOKEN": "tok-7"})
    assert token(requests.Request("PUT", "http://h/").prepare()).headers["Authorization"] == "Bearer tok-7"
    assert "tok-7" not in repr(token) and token.scrub("x tok-7 y") == "x *** y"
    assert (
        "Authorization"
        not in Credentials.from_env({})(requests.Request("PUT", "http://h/").prepare()).headers
    )
    with pytest.raises(UsageError, match="together"):
        Credentials.from_env({"UNLD_ENDPOINT_USER": "alice"})
    with pytest.raises(UsageError, match="not both"):
        Credentials.from_env({"UNLD_ENDPOINT_TOKEN": "t", "UNLD_ENDPOINT_USER": "u"})


def test_dataset_splits_the_dump_into_one_ntriples_file_per_graph(
    build_dir: Path, expected: dict[str, set[str]], tmp_path: Path
) -> None:
    ds = SpooledGraphs.from_nquads(build_dir / "unld.nq", tmp_path)
    assert [g.iri for g in ds.graphs] == list(expected)  # the order of the dump
    for g in ds.graphs:
        triples = {str(t) for t in ox.parse(g.path.read_bytes(), format=ox.RdfFormat.N_TRIPLES)}
        assert triples == expected[g.iri]
        assert g.triples == len(expected[g.iri])


def test_dry_run_lists_graphs_and_sends_nothing(build_dir: Path, expected, recorder) -> None:
    handler, root = recorder
    result = run_cli("publish", "--from", str(build_dir), "--graph-store", f"{root}/store", "--dry-run")
    assert result.exit_code == 0, result.output
    assert handler.requests_seen == []
    listed = dict(line.split("\t") for line in result.stdout.splitlines() if "\t" in line)
    assert listed == {g: f"{len(ts)} triples" for g, ts in expected.items()}
    assert f"would send {len(expected)} graph(s)" in result.stdout


def test_publish_from_sources_builds_them_first() -> None:
    result = run_cli("publish", str(EXAMPLES), "--dry-run", "--quiet")
    # the build's own verdict decides whether the example's graph is among those sent
    if result.exit_code == 0:
        assert f"{BASE}graph/A/RES/76/19\t" in result.stdout
    else:
        assert result.exit_code == 1 and "Violation" in result.stderr
    assert f"{BASE}graph/vocabularies\t" in result.stdout


def test_publish_with_neither_endpoint_nor_graph_store_is_a_usage_error(build_dir) -> None:
    result = run_cli("publish", "--from", str(build_dir), env={"UNLD_ENDPOINT": ""})
    assert result.exit_code == 2
    assert "--endpoint" in result.stderr


# --- a real Oxigraph server ------------------------------------------------------------------


def test_publish_loads_every_graph(server: OxigraphServer, build_dir: Path, expected) -> None:
    result = run_cli("publish", "--endpoint", server.query_url, "--from", str(build_dir))
    assert result.exit_code == 0, result.output
    held = store_quads(server)
    assert set(held) == set(expected)
    assert {g: len(t) for g, t in held.items()} == {g: len(t) for g, t in expected.items()}
    assert held == expected
    total = sum(len(t) for t in expected.values())
    assert f"published {len(expected)} of {len(expected)} graph(s)" in result.stdout
    assert f"{total} triples" in result.stdout and "0 failure(s)" in result.stdout


def test_publishing_twice_changes_nothing(server: OxigraphServer, build_dir: Path, expected) -> None:
    assert run_cli("publish", "--endpoint", server.query_url, "--from", str(build_dir)).exit_code == 0
    before = store_quads(server)
    result = run_cli("publish", "--endpoint", server.query_url, "--from", str(build_dir))
    assert result.exit_code == 0, result.output
    after = store_quads(server)
    assert {g: len(t) for g, t in after.items()} == {g: len(t) for g, t in before.items()}
    assert digest(after) == digest(before) == digest(expected)


def test_a_changed_source_replaces_only_its_graph(
    server: OxigraphServer, build_dir: Path, expected, tmp_path_factory: pytest.TempPathFactory
) -> None:
    copy = tmp_path_factory.mktemp("changed-corpus") / "corpus"
    shutil.copytree(CORPUS, copy)
    text_file, old, new = (
        copy / "A_RES_79_157.txt",
        "79/157. Report of the Human Rights Council",
        "79/157. Report of the Human Rights Council and its follow-up",
    )
    changed_graph = f"{BASE}graph/A/RES/79/157"
    text = text_file.read_text(encoding="utf-8")
    assert old in text
    text_file.write_text(text.replace(old, new, 1), encoding="utf-8")
    # rebuilt over a copy of the first build, so that unchanged sources come from its cache
    out = tmp_path_factory.mktemp("changed") / "build"
    shutil.copytree(build_dir, out)
    nq = build_dataset([copy], out)

    assert run_cli("publish", "--endpoint", server.query_url, "--from", str(build_dir)).exit_code == 0
    before = graph_digests(store_quads(server))
    result = run_cli("publish", "--endpoint", server.query_url, "--from", str(nq.parent))
    assert result.exit_code == 0, result.output
    after = graph_digests(store_quads(server))
    assert set(after) == set(before)
    changed = {g for g in after if after[g] != before[g]}
    # the description of the dataset may count the new triples; no other graph may change
    assert changed - {VOID_GRAPH} == {changed_graph}
    assert store_quads(server)[changed_graph] == dump_quads(nq)[changed_graph]

    # put the original back for the other tests
    assert run_cli("publish", "--endpoint", server.query_url, "--from", str(build_dir)).exit_code == 0
    assert store_quads(server) == expected


# --- faults ----------------------------------------------------------------------------------


def test_a_server_that_dies_mid_publish_gives_a_clear_error_and_a_rerun_finishes(
    build_dir: Path, expected, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = OxigraphServer(tmp_path / "store").start()
    try:
        put = GraphStore.put
        calls = Counter()

        def put_then_die(self, graph):
            calls["put"] += 1
            if calls["put"] == 6:
                server.stop()
            return put(self, graph)

        with monkeypatch.context() as m:
            m.setattr(GraphStore, "put", put_then_die)
            result = run_cli(
                "publish", "--endpoint", server.query_url, "--from", str(build_dir), "--retries", "1"
            )
        assert result.exit_code == 1
        assert f"cannot reach the graph store {server.store_url}" in result.stderr
        assert f"5 of {len(expected)} graph(s) had been sent" in result.stderr
        assert "run the command again" in result.stderr
        assert "Traceback" not in result.output

        server.start()
        assert len(store_quads(server)) == 5
        result = run_cli("publish", "--endpoint", server.query_url, "--from", str(build_dir))
        assert result.exit_code == 0, result.output
        assert store_quads(server) == expected
    finally:
        server.stop()


def test_refused_credentials_name_the_variables_and_never_show_the_secret(build_dir: Path, recorder) -> None:
    handler, root = recorder
    handler.statuses = [401]
    secret = "s3cret-Pa55word"
    env = {"UNLD_ENDPOINT_USER": "alice", "UNLD_ENDPOINT_PASSWORD": secret}
    result = run_cli("publish", "--graph-store", f"{root}/store", "--from", str(build_dir), env=env)
    assert result.exit_code == 1
    assert "401" in result.stderr
    assert "UNLD_ENDPOINT_USER" in result.stderr and "UNLD_ENDPOINT_PASSWORD" in result.stderr
    # the credentials were sent, once: a refusal is not retried and stops the run
    assert len(handler.requests_seen) == 1
    sent = handler.requests_seen[0][2]
    assert sent is not None and sent.startswith("Basic ")
    for leak in (secret, sent.split()[1]):
        assert leak not in result.stdout and leak not in result.stderr


def test_refused_token_names_the_variable(build_dir: Path, recorder) -> None:
    handler, root = recorder
    handler.statuses = [403]
    result = run_cli(
        "publish",
        "--graph-store",
        f"{root}/store",
        "--from",
        str(build_dir),
        env={"UNLD_ENDPOINT_TOKEN": "tok-very-secret"},
    )
    assert result.exit_code == 1
    assert "403" in result.stderr and "UNLD_ENDPOINT_TOKEN" in result.stderr
    assert "tok-very-secret" not in result.output


def test_an_unreachable_endpoint_fails_fast_with_a_clear_message(build_dir: Path) -> None:
    port = free_port()  # nothing listens there
    result = run_cli("publish", "--endpoint", f"http://127.0.0.1:{port}/query", "--from", str(build_dir))
    assert result.exit_code == 1
    assert f"cannot reach the graph store http://127.0.0.1:{port}/store" in result.stderr
    assert "connection refused" in result.stderr
    assert "(3 attempt(s))" in result.stderr


def test_5xx_answers_are_retried_and_4xx_are_not(build_dir: Path, recorder, tmp_path: Path) -> None:
    handler, root = recorder
    ds = SpooledGraphs.from_nquads(build_dir / "unld.nq", tmp_path)
    ds.graphs = ds.graphs[:2]
    options = PublishOptions(retries=3, backoff=0.01)

    handler.statuses = [503, 502, 204]
    summary = publish(ds, f"{root}/store", options=options)
    assert summary.ok and summary.sent == 2
    assert len(handler.requests_seen) == 4  # 503, 502, 204 for the first graph; 204

    handler.requests_seen.clear()
    handler.statuses = [400]
    summary = publish(ds, f"{root}/store", options=options)
    assert not summary.ok and summary.sent == 0 and len(summary.failures) == 2
    assert len(handler.requests_seen) == 2  # one request per graph, no retry
    assert "HTTP 400" in summary.failures[0][1]

    handler.requests_seen.clear()
    handler.statuses = [500]
    summary = publish(ds, f"{root}/store", options=options)
    assert [p for _, p in summary.failures] == ["HTTP 500 (4 attempt(s))"] * 2


def test_puts_carry_the_graph_iri_and_ntriples(build_dir: Path, recorder, tmp_path: Path) -> None:
    handler, root = recorder
    ds = SpooledGraphs.from_nquads(build_dir / "unld.nq", tmp_path)
    ds.graphs = ds.graphs[:1]
    summary = publish(ds, f"{root}/store")
    assert summary.ok
    method, path, _auth = handler.requests_seen[0]
    assert method == "PUT"
    assert path == "/store?graph=" + requests.utils.quote(ds.graphs[0].iri, safe="")


def test_a_wrong_graph_store_url_stops_at_once(build_dir: Path, recorder, tmp_path: Path) -> None:
    handler, root = recorder
    handler.statuses = [404]
    ds = SpooledGraphs.from_nquads(build_dir / "unld.nq", tmp_path)
    with pytest.raises(EndpointError, match="Graph Store Protocol URL") as info:
        publish(ds, f"{root}/nowhere")
    assert not isinstance(info.value, AuthenticationError)
    assert len(handler.requests_seen) == 1
