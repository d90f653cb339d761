"""A real Oxigraph server for the tests, and readers of what it and a dump hold.

``oxigraph serve`` comes from the ``oxigraph`` package (a test dependency); it is bound to a
free port on 127.0.0.1 and stopped when the tests are done.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import requests

from tests.conftest import unavailable
from tests.webservers import free_port

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")


class OxigraphServer:
    """``oxigraph serve`` on 127.0.0.1, its store in ``location``; the union of the named
    graphs is the default graph of queries, as ``unld query`` expects."""

    def __init__(self, location: Path) -> None:
        self.location = location
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log = location.parent / f"{location.name}.log"

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.root}/query"

    @property
    def store_url(self) -> str:
        return f"{self.root}/store"

    def start(self) -> OxigraphServer:
        if OXIGRAPH is None:
            unavailable("the oxigraph server (PyPI package 'oxigraph') is not installed")
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    OXIGRAPH,
                    "serve",
                    "--location",
                    str(self.location),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--union-default-graph",
                ],
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"oxigraph exited: {self.log.read_text(errors='replace')}")
            try:
                r = requests.get(self.query_url, params={"query": "ASK {}"}, timeout=1)
                if r.status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("oxigraph did not answer within 30 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None

    def __enter__(self) -> OxigraphServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def dump_quads(nq: Path) -> dict[str, set[str]]:
    """graph IRI -> its triples (as N-Triples lines) in an N-Quads dump."""
    graphs: dict[str, set[str]] = {}
    with open(nq, "rb") as fh:
        for q in ox.parse(fh, format=ox.RdfFormat.N_QUADS):
            graphs.setdefault(q.graph_name.value, set()).add(str(q.triple))
    return graphs


def store_quads(server: OxigraphServer) -> dict[str, set[str]]:
    """graph IRI -> its triples, as the server holds them (read back over SPARQL)."""
    r = requests.post(
        server.query_url,
        data={"query": "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    r.raise_for_status()

    def term(t: dict) -> ox.NamedNode | ox.Literal | ox.BlankNode:
        if t["type"] == "uri":
            return ox.NamedNode(t["value"])
        if t["type"] == "bnode":
            return ox.BlankNode(t["value"])
        if "xml:lang" in t:
            return ox.Literal(t["value"], language=t["xml:lang"])
        return (
            ox.Literal(t["value"], datatype=ox.NamedNode(t["datatype"]))
            if "datatype" in t
            else ox.Literal(t["value"])
        )

    graphs: dict[str, set[str]] = {}
    for b in r.json()["results"]["bindings"]:
        triple = ox.Triple(term(b["s"]), term(b["p"]), term(b["o"]))
        graphs.setdefault(b["g"]["value"], set()).add(str(triple))
    return graphs
