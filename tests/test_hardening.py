"""Hostile inputs, kills, corrupt caches, concurrent builds, misbehaving servers.

Each test reproduces one way unld was broken (a traceback, a secret printed, a build that a
kill or a second build left inconsistent...) and checks that it now holds.  Servers are
real (``http.server`` in a thread); builds run as real processes where a kill or a lock is
at stake.  The kill tests at chosen moments stay within about a minute; the run at 50
random moments is ``benchmarks/kill.py``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.kill import children
from tests.conftest import CORPUS, EXAMPLE
from unld.build.pipeline import Outcome, _map_each
from unld.cli import main
from unld.core.errors import UsageError
from unld.core.iri import DEFAULT_BASE, IriPolicy
from unld.parse import parse_source
from unld.publishing import output
from unld.publishing.endpoint import Credentials, EndpointError, GraphFile, GraphStore, PublishOptions
from unld.publishing.query import QueryError, check_query, query_remote
from unld.sources import decode, read_source

UNLD = str(Path(sys.executable).parent / "unld")
SMALL = ["A_RES_72_313.txt", "A_RES_76_19.txt"]


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def no_traceback(result) -> None:
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


@pytest.fixture(scope="module")
def small_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small")
    result = run("build", str(EXAMPLE), "--out", str(out), "-q", "--no-site")
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "src"
    folder.mkdir()
    for name in SMALL:
        shutil.copy(CORPUS / name, folder / name)
    return folder


# --- a little server for the faults Oxigraph does not make ---------------------------------


class Scripted(BaseHTTPRequestHandler):
    """Answers with ``self.server.script(handler)``; records the Authorization headers."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.server.seen.append((self.headers.get("Host"), self.headers.get("Authorization")))  # type: ignore[attr-defined]
        self.server.script(self)  # type: ignore[attr-defined]

    do_PUT = do_POST = do_GET = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def serve() -> Iterator:
    servers: list[ThreadingHTTPServer] = []

    def start(script) -> tuple[ThreadingHTTPServer, int]:
        server = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
        server.daemon_threads = True
        server.script = script  # type: ignore[attr-defined]
        server.seen = []  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server, server.server_address[1]

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


def reply(handler: BaseHTTPRequestHandler, status: int, body: bytes, media: str = "text/plain") -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", media)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


# --- 1. secrets ------------------------------------------------------------------------------


@pytest.mark.parametrize("token", ["tok-s3cr3t-xyz\r", "tok-s3cr3t-\u00e9\u4e2d"])
def test_a_token_that_cannot_be_sent_is_refused_by_name(small_build: Path, token: str) -> None:
    env = {"UNLD_ENDPOINT_TOKEN": token}
    for args in (
        ["publish", "--from", str(small_build), "--endpoint", "http://127.0.0.1:1/query"],
        ["query", "ASK {}", "--endpoint", "http://127.0.0.1:1/query"],
    ):
        result = run(*args, env=env)
        no_traceback(result)
        assert result.exit_code == 2, result.output
        assert "UNLD_ENDPOINT_TOKEN" in result.output
        assert "s3cr3t" not in result.output


def test_a_password_with_a_carriage_return_is_refused() -> None:
    env = {"UNLD_ENDPOINT_USER": "u", "UNLD_ENDPOINT_PASSWORD": "pw-s3cr3t\r"}
    with pytest.raises(UsageError, match="carriage return") as info:
        Credentials.from_env(env)
    assert "s3cr3t" not in str(info.value)


def test_an_echoing_server_leaks_no_part_of_the_secret(serve, tmp_path: Path) -> None:
    """The answer is scrubbed before it is cut: no first characters of a secret survive."""

    def echo(h: BaseHTTPRequestHandler) -> None:
        reply(h, 500, b"x" * 185 + b" " + (h.headers.get("Authorization") or "").encode())

    _server, port = serve(echo)
    creds = Credentials.from_env({"UNLD_ENDPOINT_USER": "admin", "UNLD_ENDPOINT_PASSWORD": "pw-s3cr3t-long"})
    basic = base64.b64encode(b"admin:pw-s3cr3t-long").decode()
    graph = tmp_path / "g.nt"
    graph.write_bytes(b"<http://a/s> <http://a/p> <http://a/o> .\n")
    store = GraphStore(
        f"http://127.0.0.1:{port}/store",
        creds,
        PublishOptions(retries=0),
        sleep=lambda s: None,
    )
    problem = store.put(GraphFile("http://a/g", graph, 1, graph.stat().st_size))
    assert problem is not None and "HTTP 500" in problem
    assert basic[:6] not in problem
    assert "***" in problem


def test_netrc_is_never_read_not_even_after_a_redirect(serve, tmp_path: Path) -> None:
    results = json.dumps({"head": {"vars": []}, "boolean": True}).encode()

    def target(h: BaseHTTPRequestHandler) -> None:
        reply(h, 200, results, "application/sparql-results+json")

    other, other_port = serve(target)

    def redirect(h: BaseHTTPRequestHandler) -> None:
        h.send_response(307)
        h.send_header("Location", f"http://localhost:{other_port}/query")
        h.send_header("Content-Length", "0")
        h.end_headers()

    _first, port = serve(redirect)
    netrc = tmp_path / "netrc"
    netrc.write_text("machine localhost login someone password netrc-s3cr3t\n")
    netrc.chmod(0o600)
    old = os.environ.get("NETRC")
    os.environ["NETRC"] = str(netrc)
    try:
        result = query_remote("ASK {}", f"http://127.0.0.1:{port}/query", Credentials(None, "none"))
    finally:
        if old is None:
            del os.environ["NETRC"]
        else:
            os.environ["NETRC"] = old
    assert result.boolean is True
    assert other.seen, "the redirect was not followed"  # type: ignore[attr-defined]
    assert all(auth is None for _host, auth in other.seen)  # type: ignore[attr-defined]


def test_a_trickling_server_is_cut_at_the_timeout(serve) -> None:
    """--timeout is a total deadline: one byte a second cannot hold the client."""

    def trickle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/sparql-results+json")
        h.send_header("Content-Length", "100")
        h.end_headers()
        for _ in range(100):
            try:
                h.wfile.write(b" ")
                h.wfile.flush()
            except OSError:
                return
            time.sleep(0.3)

    _server, port = serve(trickle)
    start = time.monotonic()
    with pytest.raises(EndpointError, match="no answer within 1.5 s"):
        query_remote("ASK {}", f"http://127.0.0.1:{port}/query", Credentials(None, "none"), timeout=1.5)
    assert time.monotonic() - start < 10  # the trickle alone lasts 30 s


@pytest.mark.parametrize(
    "body",
    [b"[]", b'{"results": {"bindings": [1]}}', b'{"head": {"vars": 3}}', b'{"boolean": "yes"}', b"{{"],
)
def test_malformed_json_results_are_a_clear_error(serve, body: bytes) -> None:
    _server, port = serve(lambda h: reply(h, 200, body, "application/sparql-results+json"))
    result = run("query", "SELECT * { ?s ?p ?o }", "--endpoint", f"http://127.0.0.1:{port}/query")
    no_traceback(result)
    assert result.exit_code == 1
    assert "results that are not" in result.output


# --- 2. one hostile source does not stop the build -----------------------------------------


def test_hostile_sources_are_skipped_and_the_others_built(tmp_path: Path, sources: Path) -> None:
    (sources / "marked.html").write_text(
        "<html><body><p>The General Assembly,</p><![ what <p>1. Decides x;</p></body></html>"
    )
    os.mkfifo(tmp_path / "pipe.txt")
    (sources / "nul.txt").write_bytes(b"The General Assembly,\n" * 400 + b"\x00 after the first 4 KB\n")
    out = tmp_path / "out"
    proc = subprocess.run(
        [UNLD, "build", str(sources), str(tmp_path / "pipe.txt"), "--out", str(out), "--no-site", "-q"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "pipe.txt: is not a regular file" in proc.stderr
    assert "nul.txt:401: the file contains a NUL byte" in proc.stderr
    assert "marked.html" in proc.stderr  # read (as text), then found not to be a resolution
    nq = (out / "unld.nq").read_text()
    assert "graph/A/RES/72/313>" in nq and "graph/A/RES/76/19>" in nq


def test_a_record_too_large_for_the_mapping_is_skipped_and_the_next_one_mapped() -> None:
    """The JSON-LD reader refuses documents over 16 MB: that record alone is skipped."""
    from unld.mapping.mapper import Mapper

    record = parse_source(read_source(EXAMPLE))
    big = dict(record)
    big["preambular_paragraphs"] = [
        dict(record["preambular_paragraphs"][0], text="x" * (17 * 1024 * 1024)),
        *record["preambular_paragraphs"][1:],
    ]
    first, second = Outcome("big.txt"), Outcome("next.txt")
    mapped = list(_map_each(Mapper(IriPolicy(DEFAULT_BASE)), [(first, big), (second, record)]))
    assert [o.path for o, _ in mapped] == ["next.txt"]
    assert first.error and first.error.startswith("big.txt: cannot be mapped:")
    assert mapped[0][1].triples


def test_hostile_cited_symbols_get_no_page_and_break_no_build(tmp_path: Path) -> None:
    text = (CORPUS / "A_RES_72_309.txt").read_text()
    at = text.index("Reaffirming")
    deep = "A/73/" + "/".join(["499"] * 1100)
    hostile = f"Noting the report A/73/499/index.html and the report {deep} of the Secretary-General, "
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "A_RES_72_309.txt").write_text(text[:at] + hostile + text[at:])
    out = tmp_path / "out"
    result = run("build", str(folder), "--out", str(out), "-q")
    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert (out / "site" / "doc" / "A" / "RES" / "72" / "309" / "index.html").is_file()
    # no folder takes the name of a page's own file
    assert not [p for p in (out / "site").rglob("index.html") if p.is_dir()]
    assert not [p for p in (out / "site" / "doc").rglob("*") if len(p.relative_to(out / "site").parts) > 30]


def test_superscript_runs_and_long_agenda_numbers_are_not_marks_or_items(tmp_path: Path) -> None:
    text = EXAMPLE.read_text()
    sup = ("\u00b9\u00b2\u00b3\u2074" * 1100)[:4301]
    hostile = text.replace("Recalling", "Recalling" + sup, 1)
    assert hostile != text
    (tmp_path / "sup.md").write_text(hostile)
    record = parse_source(read_source(tmp_path / "sup.md"))
    assert all(len(f["mark"]) <= 3 for f in record["footnotes"])
    txt = (CORPUS / "A_RES_72_309.txt").read_text().replace("Agenda item 13", "Agenda item " + "5" * 5000, 1)
    (tmp_path / "agenda.txt").write_text(txt)
    record = parse_source(read_source(tmp_path / "agenda.txt"))
    assert len(record["agenda_items"]) <= 1


# --- 3 and 8. sources: size, pipes, devices, encodings --------------------------------------


def test_devices_and_pipes_are_refused_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "p.txt"
    os.mkfifo(fifo)
    proc = subprocess.run([UNLD, "parse", "/dev/zero", str(fifo)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "/dev/zero: is not a regular file" in proc.stderr
    assert f"{fifo}: is not a regular file" in proc.stderr


def test_the_input_size_limit_is_visible_and_can_be_changed() -> None:
    path = str(CORPUS / "A_RES_72_309.txt")
    result = run("parse", path, env={"UNLD_MAX_INPUT_BYTES": "1000"})
    assert result.exit_code == 2
    assert "larger than the limit of 1000 bytes" in result.output
    assert "UNLD_MAX_INPUT_BYTES" in result.output
    assert run("parse", path, env={"UNLD_MAX_INPUT_BYTES": "1000000"}).exit_code == 0


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_decoded_with_or_without_bom(tmp_path: Path, encoding: str) -> None:
    text = (CORPUS / "A_RES_72_309.txt").read_text(encoding="utf-8")
    path = tmp_path / "A_RES_72_309.txt"
    path.write_bytes(text.encode(encoding))
    utf8 = parse_source(read_source(CORPUS / "A_RES_72_309.txt"))
    utf16 = parse_source(read_source(path))
    for key in ("source",):
        utf8.pop(key), utf16.pop(key)
    assert utf16 == utf8


def test_nul_bytes_anywhere_are_refused_with_their_line() -> None:
    data = b"line\n" * 2000 + b"bad \x00 byte\n"
    with pytest.raises(Exception, match="NUL") as info:
        decode("x.txt", data)
    assert getattr(info.value, "line", None) == 2001


# --- 3. linear footnote placement, same answers as the plain programme ----------------------


def _chain_reference(spots_by_mark: list) -> list:
    """The plain dynamic programme (quadratic) that :func:`footnotes._chain` replaced."""
    flat = [(k, s) for k, spots in enumerate(spots_by_mark) for s in spots]
    best: list[tuple[int, int, int]] = []
    back: list[int] = []
    for i, (k, s) in enumerate(flat):
        score, prev = (1, s.sure, -(s.text * 10**7 + s.start)), -1
        for j in range(i):
            kj, sj = flat[j]
            if kj < k and (sj.text, sj.end) <= (s.text, s.start):
                cand = (best[j][0] + 1, best[j][1] + s.sure, best[j][2] - (s.text * 10**7 + s.start))
                if cand > score:
                    score, prev = cand, j
        best.append(score)
        back.append(prev)
    chosen: list = [None] * len(spots_by_mark)
    if flat:
        i = max(range(len(flat)), key=lambda n: best[n])
        while i >= 0:
            k, s = flat[i]
            chosen[k] = s
            i = back[i]
    return chosen


def test_footnote_chain_matches_the_reference_on_the_corpus() -> None:
    from unld.parse import footnotes

    checked = 0
    for path in sorted(CORPUS.glob("A_RES_*.txt")):
        record = parse_source(read_source(path))
        marks = [f["mark"] for f in record["footnotes"]]
        texts = [p["text"] for p in record["preambular_paragraphs"] + record["operative_paragraphs"]]
        by_mark: dict[str, list] = {}
        for t, text in enumerate(texts):
            for spot in footnotes._candidates(t, text):
                by_mark.setdefault(spot.mark, []).append(spot)
        spots = [by_mark.get(m, []) for m in marks]
        assert footnotes._chain(spots) == _chain_reference(spots), path.name
        checked += bool(marks)
    assert checked > 20


# --- 4, 6. atomic switch, lock, leftovers, workers -------------------------------------------


def _assert_whole(out: Path, manifests: list[bytes]) -> int:
    """The reader-visible files of ``out`` are exactly one of ``manifests`` (empty bytes:
    the empty folder); returns which."""
    seen = output.state(out)
    for n, m in enumerate(manifests):
        want = output.read_manifest(m) if m else {}
        if m:
            want[output.MANIFEST] = hashlib.sha256(m).hexdigest()
        if seen == want:
            return n
    raise AssertionError(f"{out} matches no build: {sorted(seen)[:20]}")


KILLER = r"""
import os, signal, sys
from unld.publishing import output
after, calls = int(sys.argv[1]), [0]
real_replace = os.replace

def replace(a, b, *args, **kw):
    # a kill just before or just after a chosen rename of the commit
    calls[0] += 1
    if calls[0] == after and sys.argv[2] == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(a, b, *args, **kw)
    if calls[0] == after:
        os.kill(os.getpid(), signal.SIGKILL)

os.replace = replace
from unld.cli import main
sys.argv = ["unld", *sys.argv[3:]]
main()
"""


def test_a_build_killed_at_each_rename_leaves_the_old_or_the_new_build(tmp_path: Path, sources: Path) -> None:
    """Kill -9 just before and just after every rename of a rebuild (one source added):
    each time, what a reader sees is the whole old build or the whole new one."""

    # ontology.html (written by pyLODE) depends on the hash seed: one seed for every run
    env = {**os.environ, "PYTHONHASHSEED": "0"}

    def build_into(out: Path) -> bytes:
        proc = subprocess.run(
            [UNLD, "build", str(sources), "--out", str(out), "-q", "--jobs", "1"],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )
        assert proc.returncode == 0, proc.stderr
        return (out / output.MANIFEST).read_bytes()

    old_dir = tmp_path / "old"
    old = build_into(old_dir)
    shutil.copy(CORPUS / "A_RES_72_312.txt", sources)
    new = build_into(tmp_path / "new")
    assert new != old
    script = tmp_path / "killer.py"
    script.write_text(KILLER)
    seen: list[tuple[str, int, int]] = []
    for after in range(1, 60):
        finished = 0
        for when in ("before", "after"):
            out = tmp_path / f"trial-{after}-{when}"
            shutil.copytree(old_dir, out, symlinks=True)
            args = ["build", str(sources), "--out", str(out), "-q", "--jobs", "1"]
            proc = subprocess.run(
                [sys.executable, str(script), str(after), when, *args],
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert proc.returncode in (0, -signal.SIGKILL), proc.stderr
            seen.append((when, after, _assert_whole(out, [old, new])))
            if proc.returncode == 0:
                assert seen[-1][2] == 1
                finished += 1
            else:
                # the next build repairs it: whole and new
                assert build_into(out) == new
                assert _assert_whole(out, [old, new]) == 1
                assert len(list((out / output.GENERATIONS).iterdir())) == 1
            shutil.rmtree(out)
        if finished == 2:
            break
    else:
        raise AssertionError("the build never finished")
    results = [r for _w, _a, r in seen]
    assert 0 in results and 1 in results  # kills before the switch and after it were both seen


def test_a_second_build_into_the_same_folder_says_one_is_running(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    first = subprocess.Popen(
        [UNLD, "build", str(CORPUS), "--out", str(out), "-q", "--jobs", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        lock = out / output.LOCK
        while time.monotonic() < deadline and not (lock.exists() and lock.read_bytes().strip()):
            time.sleep(0.05)
        second = run("build", str(EXAMPLE), "--out", str(out), "-q")
        assert second.exit_code == 2
        assert "another build is writing into this folder" in second.output
        assert f"process {first.pid}" in second.output
    finally:
        _stdout, stderr = first.communicate(timeout=600)
    assert first.returncode == 0, stderr
    manifest = (out / output.MANIFEST).read_bytes()
    assert _assert_whole(out, [manifest]) == 0


def test_leftovers_of_killed_builds_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / ".unld-staging-abc" / "site").mkdir(parents=True)
    (out / output.GENERATIONS / "g-killed" / "site").mkdir(parents=True)
    (out / output.GENERATIONS / "g-killed" / "unld.nq").write_text("half")
    result = run("build", str(EXAMPLE), "--out", str(out), "-q", "--no-site")
    assert result.exit_code == 0, result.output
    assert not (out / ".unld-staging-abc").exists()
    assert not (out / output.GENERATIONS / "g-killed").exists()
    assert len(list((out / output.GENERATIONS).iterdir())) == 1


def test_workers_do_not_outlive_a_killed_build(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [UNLD, "build", str(CORPUS), "--out", str(tmp_path / "out"), "-q", "--jobs", "2", "--no-cache"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(workers) < 2 and proc.poll() is None:
        workers |= children(proc.pid)
        time.sleep(0.02)
    assert workers, "no worker was started"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.1)
    alive = [w for w in workers if Path(f"/proc/{w}").exists() and "Z" not in _state(w)]
    assert not alive


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


# --- 5. the cache is verified ---------------------------------------------------------------


def _corrupt_graph(path: Path) -> None:
    path.write_bytes(b"")


def _truncate_line(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 7])


def _edit_literal(path: Path) -> None:
    data = path.read_bytes()
    at = data.index(b'"') + 1
    path.write_bytes(data[:at] + (b"X" if data[at : at + 1] != b"X" else b"Y") + data[at + 1 :])


def _edit_iri(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data.replace(b"/RES/", b"/REX/", 1))


@pytest.mark.parametrize("damage", [_corrupt_graph, _truncate_line, _edit_literal, _edit_iri])
def test_a_corrupt_cached_graph_is_rebuilt_with_a_warning(tmp_path: Path, sources: Path, damage) -> None:
    out = tmp_path / "out"
    assert run("build", str(sources), "--out", str(out), "-q", "--no-site").exit_code == 0
    good = (out / "SHA256SUMS").read_bytes()
    graphs = sorted((out / ".unld-cache").glob("*/*.nt"))
    damage(graphs[0])
    result = run("build", str(sources), "--out", str(out), "--no-site")
    no_traceback(result)
    assert result.exit_code == 0
    assert "cached result was corrupt" in result.output
    assert "--no-cache" in result.output
    assert (out / "SHA256SUMS").read_bytes() == good


def test_garbage_cache_records_are_rebuilt(tmp_path: Path, sources: Path) -> None:
    out = tmp_path / "out"
    assert run("build", str(sources), "--out", str(out), "-q", "--no-site").exit_code == 0
    good = (out / "SHA256SUMS").read_bytes()
    entries = sorted((out / ".unld-cache").glob("*/*.json"))
    entries[0].write_bytes(b"\x00garbage{")
    entry = json.loads(entries[1].read_text())
    entry["problems"] = [1, 2]
    entries[1].write_text(json.dumps(entry))
    result = run("build", str(sources), "--out", str(out), "--no-site")
    no_traceback(result)
    assert result.exit_code == 0
    assert result.output.count("cached result was corrupt") == 2
    assert (out / "SHA256SUMS").read_bytes() == good


def test_a_truncated_cached_ontology_documentation_is_written_again(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("build", str(EXAMPLE), "--out", str(out), "-q", "--no-site").exit_code == 0
    good = (out / "ontology.html").read_bytes()
    (cached,) = (out / ".unld-cache").glob("*/ontology-*.html")
    cached.write_bytes(good[:100])
    result = run("build", str(EXAMPLE), "--out", str(out), "--no-site")
    assert result.exit_code == 0
    assert "ontology documentation was corrupt" in result.output
    assert (out / "ontology.html").read_bytes() == good


# --- 7. queries ----------------------------------------------------------------------------


def test_deep_nesting_is_refused_before_any_parser_sees_it(small_build: Path) -> None:
    deep = "SELECT * WHERE " + "{" * 3000 + "}" * 3000
    for args in (["--from", str(small_build)], ["--endpoint", "http://127.0.0.1:1/query"]):
        proc = subprocess.run([UNLD, "query", deep, *args], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2, proc.stderr
        assert "nests brackets more than" in proc.stderr


def test_service_is_not_run_over_a_build(small_build: Path) -> None:
    result = run(
        "query", "SELECT * { SERVICE <http://127.0.0.1:1/q> { ?s ?p ?o } }", "--from", str(small_build)
    )
    assert result.exit_code == 2
    assert "SERVICE clauses are not run" in result.output
    check_query("SELECT ?service { ?service <http://x/SERVICE> 'SERVICE' } # SERVICE", local=True)


CARTESIAN = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"


def test_a_local_query_stops_at_the_timeout(small_build: Path) -> None:
    start = time.monotonic()
    result = run("query", CARTESIAN, "--from", str(small_build), "--timeout", "1")
    assert result.exit_code == 2
    assert "ran longer than 1 s (--timeout)" in result.output
    assert time.monotonic() - start < 30


def test_a_local_query_stops_at_the_memory_limit(small_build: Path) -> None:
    result = run("query", CARTESIAN, "--from", str(small_build), "--max-memory", "400", "--timeout", "120")
    no_traceback(result)
    assert result.exit_code == 2
    assert "needed more than 400 MB (--max-memory)" in result.output


def test_limits_leave_ordinary_queries_alone(small_build: Path) -> None:
    result = run(
        "query", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "--from", str(small_build), "--format", "csv"
    )
    assert result.exit_code == 0, result.output
    assert int(result.output.split()[1]) > 100
    with pytest.raises(QueryError):
        check_query("x" * 1_000_001)


def test_validate_on_a_statement_over_16_mb_is_a_clear_error(tmp_path: Path) -> None:
    big = tmp_path / "big.nt"
    big.write_text('<http://a/s> <http://a/p> "' + "x" * (17 * 1024 * 1024) + '" .\n')
    result = run("validate", str(big))
    no_traceback(result)
    assert result.exit_code == 2
    assert "larger than the RDF reader's 16 MB buffer" in result.output


def test_a_build_copied_with_its_links_followed_is_rebuilt(tmp_path: Path) -> None:
    first = tmp_path / "first"
    assert run("build", str(EXAMPLE), "--out", str(first), "-q", "--no-site").exit_code == 0
    copy = tmp_path / "copy"
    shutil.copytree(first, copy)  # cp -r: the links become files and folders
    assert not (copy / output.CURRENT).is_symlink()
    result = run("build", str(EXAMPLE), "--out", str(copy), "-q", "--no-site")
    assert result.exit_code == 0, result.output
    assert (copy / output.CURRENT).is_symlink()
    assert output.state(copy) == output.state(first)


def test_an_answer_over_the_limit_is_refused(serve) -> None:
    body = json.dumps(
        {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "y" * 5000}}]}}
    )
    _server, port = serve(lambda h: reply(h, 200, body.encode(), "application/sparql-results+json"))
    url = f"http://127.0.0.1:{port}/query"
    with pytest.raises(EndpointError, match="larger than 1000 bytes"):
        query_remote("SELECT * { ?s ?p ?o }", url, Credentials(None, "none"), max_bytes=1000)
    assert (
        query_remote("SELECT * { ?s ?p ?o }", url, Credentials(None, "none")).rows[0]["x"]["value"]
        == "y" * 5000
    )
