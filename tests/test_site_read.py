"""Reading a build's unld.nq into the site's store on several processes: the same store as
the single process (every array), on the corpus build, on a generated corpus, on files whose
graphs' lines are apart or that the fast reader cannot split; the same errors; the same site."""

from __future__ import annotations

import hashlib
import os
import random
import signal
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from tests.conftest import load_make_corpus
from unld.cli import main
from unld.publishing.site import generate, store
from unld.publishing.site.store import Store

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/unld/"
ARRAYS = ("blob", "off", "keys", "gkeys", "graphs", "preds", "ikeys", "roles", "by_name", "gstart")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated corpus of 40 resolutions (seed 0), built without its site."""
    from unld.build.pipeline import build

    work = tmp_path_factory.mktemp("read-gen")
    load_make_corpus().generate(40, work / "corpus", seed=0)
    build([str(work / "corpus")], work / "out", BASE, jobs=2, site=False)
    return work / "out" / "unld.nq"


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file read on several processes, however small."""
    monkeypatch.setattr(store, "PARALLEL_MIN_BYTES", 0)


def _same(a: Store, b: Store) -> None:
    for name in ARRAYS:
        assert getattr(a, name) == getattr(b, name), name
    assert (a.n, a.np, a.lit_end, a.iri_end) == (b.n, b.np, b.lit_end, b.iri_end)


@pytest.mark.usefixtures("parallel")
@pytest.mark.parametrize("jobs", [2, 3])
def test_same_store_as_one_process(corpus_build: Path, generated: Path, jobs: int) -> None:
    for nq in (corpus_build / "unld.nq", generated):
        assert len(store._cuts(nq, jobs)) == jobs + 1  # really cut: a range per process
        one = Store.from_nquads(nq, jobs=1)
        _same(Store.from_nquads(nq, jobs=jobs), one)
        assert len(one) == nq.read_bytes().count(b"\n")


@pytest.mark.usefixtures("parallel")
def test_cuts_at_graph_starts(generated: Path) -> None:
    """The ranges start at a named graph's first line, so each graph is one process's."""
    data = generated.read_bytes()
    cuts = store._cuts(generated, 4)
    assert cuts[0] == 0 and cuts[-1] == len(data) and cuts == sorted(set(cuts))
    for at in cuts[1:-1]:
        assert data[at - 1 : at] == b"\n"
        before = data[data.rindex(b"\n", 0, at - 1) + 1 : at]
        after = data[at : data.index(b"\n", at) + 1]
        assert store._graph_field(before) != store._graph_field(after)


@pytest.mark.usefixtures("parallel")
def test_graph_lines_apart(generated: Path, tmp_path: Path) -> None:
    """A file whose graphs' lines are shuffled (each graph in every range), with a quad
    repeated: the same store as one process, and the quads the parser reads."""
    lines = generated.read_bytes().splitlines(keepends=True)
    random.Random(0).shuffle(lines)
    shuffled = tmp_path / "shuffled.nq"
    shuffled.write_bytes(b"".join([*lines, lines[0], lines[-1]]))
    one = Store.from_nquads(shuffled, jobs=1)
    _same(Store.from_nquads(shuffled, jobs=2), one)
    _same(Store.from_nquads(shuffled, jobs=5), one)
    with open(generated, "rb") as fh:
        assert list(one) == list(ox.parse(fh, format=ox.RdfFormat.N_QUADS))


@pytest.mark.usefixtures("parallel")
def test_default_graph_blank_nodes_and_no_links(tmp_path: Path) -> None:
    """Canonical lines in the default graph and in blank nodes' graphs, blank subjects,
    predicates met in one range only; then a file with no link between two IRIs (no
    incoming keys at all) and an empty file: the same stores as one process."""
    lines = []
    for i in range(300):
        lines.append(b'<http://ex.org/s%d> <http://ex.org/p%d> "v %d"@en .\n' % (i % 7, i % 3, i))
        lines.append(b"_:b%d <http://ex.org/q> <http://ex.org/o%d> _:g%d .\n" % (i, i % 5, i % 4))
        lines.append(
            b"<http://ex.org/s%d> <http://ex.org/r%d> _:b%d <http://ex.org/g> .\n" % (i, i // 150, i)
        )
    mixed = _write(tmp_path / "mixed.nq", b"".join(lines))
    literals = _write(tmp_path / "literals.nq", b"".join(lines[::3]))
    empty = _write(tmp_path / "empty.nq", b"")
    for nq in (mixed, literals, empty):
        one = Store.from_nquads(nq, jobs=1)
        _same(Store.from_nquads(nq, jobs=2), one)
        _same(Store.from_nquads(nq, jobs=3), one)
        parsed = ox.parse(nq.read_bytes(), format=ox.RdfFormat.N_QUADS)
        assert sorted(map(str, one)) == sorted(map(str, parsed))
    assert len(Store.from_nquads(literals, jobs=2).ikeys) == 0


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.usefixtures("parallel")
def test_not_canonical_falls_back_to_the_parser(generated: Path, tmp_path: Path) -> None:
    """A comment and a line with a space inside a literal in the last range: the fast reader
    of that range gives up, and the parser reads the whole file, to the same store."""
    lines = generated.read_bytes().splitlines(keepends=True)
    odd = tmp_path / "odd.nq"
    extra = b'<http://ex.org/s> <http://ex.org/p> "a b <c> d"^^<http://ex.org/t> .\r\n'
    odd.write_bytes(b"".join(lines[:-5]) + b"# comment\n" + extra + b"".join(lines[-5:]))
    one = Store.from_nquads(odd, jobs=1)
    _same(Store.from_nquads(odd, jobs=2), one)
    parsed = list(ox.parse(odd.read_bytes(), format=ox.RdfFormat.N_QUADS))
    assert sorted(map(str, one)) == sorted(map(str, parsed))
    # a literal the fast split takes but the parser refuses (checked in the worker): the same error
    bad_term = tmp_path / "bad-term.nq"
    bad_term.write_bytes(b"".join(lines[:-1]) + b'<http://ex.org/s> <http://ex.org/p> "x\\q" .\n')
    with pytest.raises(SyntaxError) as many:
        Store.from_nquads(bad_term, jobs=2)
    with pytest.raises(SyntaxError) as single:
        Store.from_nquads(bad_term, jobs=1)
    assert str(many.value) == str(single.value)


@pytest.mark.usefixtures("parallel")
def test_broken_file_same_error(generated: Path, tmp_path: Path) -> None:
    lines = generated.read_bytes().splitlines(keepends=True)
    broken = tmp_path / "broken.nq"
    broken.write_bytes(b"".join(lines) + b"<http://ex.org/s> <http://ex.org/p> .\n")
    with pytest.raises(SyntaxError) as many:
        Store.from_nquads(broken, jobs=2)
    with pytest.raises(SyntaxError) as single:
        Store.from_nquads(broken, jobs=1)
    assert str(many.value) == str(single.value) and str(many.value)


def _die(path: Path, start: int, end: int) -> store._Part:
    """A worker killed while it reads (the kernel's out-of-memory killer would do this)."""
    if start > 0:
        os.kill(os.getpid(), signal.SIGKILL)
    return store._split_part_unpatched(path, start, end)  # type: ignore[attr-defined]


@pytest.mark.usefixtures("parallel")
def test_worker_killed_is_a_clear_error(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reading process killed: an error that says so (no hang, no traceback from the
    command), not a store made of what the others read."""
    monkeypatch.setattr(store, "_split_part_unpatched", store._split_part, raising=False)
    monkeypatch.setattr(store, "_split_part", _die)
    with pytest.raises(OSError, match="stopped before it finished"):
        Store.from_nquads(generated, jobs=2)
    build = _folder_with(tmp_path / "build", generated.read_bytes())
    result = CliRunner().invoke(main, ["site", "--from", str(build), "--out", str(tmp_path / "site")])
    assert result.exit_code == 2, result.output
    assert "unld.nq: cannot read it: a process reading the file stopped before it finished" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "site").exists()


def _folder_with(folder: Path, nquads: bytes) -> Path:
    folder.mkdir()
    (folder / "unld.nq").write_bytes(nquads)
    return folder


def test_command_reports_a_broken_file_alike(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``unld site`` on a file that is not N-Quads: the same message and exit code whether
    the file is read by one process or by several."""
    build = _folder_with(
        tmp_path / "build", generated.read_bytes() + b"<http://ex.org/s> <http://ex.org/p> .\n"
    )
    outputs = []
    for least in (1 << 62, 0):  # one process; several
        monkeypatch.setattr(store, "PARALLEL_MIN_BYTES", least)
        result = CliRunner().invoke(main, ["site", "--from", str(build), "--out", str(tmp_path / "site")])
        assert result.exit_code == 2 and "unld.nq: cannot read it:" in result.output, result.output
        outputs.append(result.output)
    assert outputs[0] == outputs[1]


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.usefixtures("parallel")
def test_same_site(generated: Path, tmp_path: Path) -> None:
    """The site of the store read on two processes is the same bytes, file by file."""
    dumps = generated.parent
    one = generate(Store.from_nquads(generated, jobs=1), tmp_path / "one", BASE, dumps, jobs=2)
    two = generate(generated, tmp_path / "two", BASE, dumps, jobs=2)
    assert one.pages == two.pages > 40
    assert _digests(tmp_path / "one") == _digests(tmp_path / "two")
