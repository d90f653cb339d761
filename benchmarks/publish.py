"""How fast ``unld publish`` loads a dataset into a real Oxigraph server.

Builds SOURCES (default: the shared corpus beside the repository, else ``examples/``) into a
temporary folder, or reads a build with ``--from DIR``; starts ``oxigraph serve`` on a free
port of 127.0.0.1 with its store in a temporary folder; publishes every named graph twice
(into the empty store, then again, replacing each graph); prints graphs, triples, bytes,
seconds and triples per second for each run, and stops the server.

``--copies N`` sends every graph N times under distinct graph IRIs (``<graph>/copy-1`` ...)
to measure a larger load without a larger corpus.

    python benchmarks/publish.py                       # build the corpus, then publish
    python benchmarks/publish.py --from build/ --copies 20
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from unld.build.pipeline import build
from unld.core.iri import DEFAULT_BASE
from unld.publishing.endpoint import GraphFile, SpooledGraphs, publish

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(location: Path, port: int, log: Path) -> subprocess.Popen:
    exe = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if exe is None:
        sys.exit("the oxigraph server is not installed (pip install oxigraph)")
    with open(log, "ab") as fh:
        proc = subprocess.Popen(
            [exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"], stdout=fh, stderr=fh
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"oxigraph exited: {log.read_text(errors='replace')}")
        try:
            if (
                requests.get(
                    f"http://127.0.0.1:{port}/query", params={"query": "ASK {}"}, timeout=1
                ).status_code
                == 200
            ):
                return proc
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.terminate()
    sys.exit("oxigraph did not answer within 30 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", help="texts or folders to build")
    parser.add_argument("--from", dest="from_dir", type=Path, help="an existing build folder")
    parser.add_argument("--copies", type=int, default=1, help="send every graph N times")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="unld-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if args.from_dir:
            nq = args.from_dir / "unld.nq"
        else:
            sources = args.sources or [str(CORPUS if CORPUS.is_dir() else ROOT / "examples")]
            started = time.monotonic()
            result = build(sources, tmp / "build", DEFAULT_BASE, docs=False)
            print(
                f"build: {len(result.outcomes)} source(s), {result.graphs} graph(s), "
                f"{len(result.violations)} violation(s) (resolutions with violations are "
                f"left out), {time.monotonic() - started:.2f} s"
            )
            nq = tmp / "build" / "unld.nq"
        started = time.monotonic()
        dataset = SpooledGraphs.from_nquads(nq, tmp / "spool")
        print(
            f"spool: {len(dataset.graphs)} graph(s), {dataset.triples} triples, "
            f"{time.monotonic() - started:.2f} s"
        )
        if args.copies > 1:
            dataset.graphs = [
                GraphFile(f"{g.iri}/copy-{i}", g.path, g.triples, g.bytes)
                for i in range(1, args.copies + 1)
                for g in dataset.graphs
            ]
        port = free_port()
        server = start_server(tmp / "store", port, tmp / "oxigraph.log")
        try:
            for label in ("into an empty store", "again (replacing)"):
                s = publish(dataset, f"http://127.0.0.1:{port}/store")
                rate = s.triples / s.seconds if s.seconds else 0.0
                print(
                    f"publish {label}: {s.sent} graph(s), {s.triples} triples, "
                    f"{s.bytes / 1e6:.1f} MB, {s.seconds:.2f} s, {rate:,.0f} triples/s, "
                    f"{len(s.failures)} failure(s)"
                )
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
