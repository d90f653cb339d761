"""``unld build``: the files it writes, round trips, determinism, atomicity, exit codes,
parallel and incremental builds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from tests.conftest import CORPUS, EXAMPLE
from unld.cli import main

FILES = [
    "unld.ttl",
    "unld.nt",
    "unld.nq",
    "unld.trig",
    "unld.jsonld",
    "context.jsonld",
    "ontology.ttl",
    "ontology.html",
    "shapes.ttl",
    "validation.ttl",
    "void.ttl",
    "SHA256SUMS",
    "site",
    "MANIFEST.sha256",
]
SUBSET = [
    "A_RES_76_19.txt",
    "A_RES_79_132.txt",
    "A_RES_80_114.txt",
    "A_RES_78_220.txt",
    "A_RES_73_3.txt",
    "A_RES_80_243.txt",
    "A_RES_79_103.txt",
]


def build(*args: str):
    return CliRunner().invoke(main, ["build", *args])


def snapshot(folder: Path) -> dict[str, bytes]:
    """The published files of a build (not the lock, which names the process that held it)."""
    return {
        p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name != ".unld-lock"
    }


@pytest.fixture(scope="module")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build")
    result = build(str(EXAMPLE.parent), "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def subset(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for name in SUBSET:
        shutil.copy(CORPUS / name, src / name)
    return src


def test_writes_every_file(example_build: Path) -> None:
    assert sorted(p.name for p in example_build.iterdir() if not p.name.startswith(".")) == sorted(FILES)
    sums = (example_build / "SHA256SUMS").read_text().splitlines()
    dumps = set(FILES) - {"SHA256SUMS", "site", "MANIFEST.sha256"}
    assert sorted(line.split()[1] for line in sums) == sorted(dumps)
    assert (example_build / "site" / "doc" / "A" / "RES" / "76" / "19" / "index.html").exists()


def _rdflib(path: Path, fmt: str) -> rdflib.Graph:
    if fmt in ("nquads", "trig"):
        ds = rdflib.Dataset()
        ds.parse(path, format=fmt)
        g = rdflib.Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            g.add((s, p, o))
        return g
    if fmt == "json-ld":  # the dump embeds its context: read as it is
        return rdflib.Graph().parse(path, format="json-ld")
    return rdflib.Graph().parse(path, format=fmt)


def _oxigraph(path: Path, fmt: ox.RdfFormat) -> rdflib.Graph:
    g = rdflib.Graph()
    data = ox.parse(path.read_bytes(), format=fmt)
    nt = ox.serialize(
        [q.triple if isinstance(q, ox.Quad) else q for q in data], format=ox.RdfFormat.N_TRIPLES
    )
    return g.parse(data=nt, format="nt")


def test_dumps_round_trip(example_build: Path) -> None:
    reference = _rdflib(example_build / "unld.nt", "nt")
    assert len(reference) > 2000
    for name, fmt, oxfmt in [
        ("unld.ttl", "turtle", ox.RdfFormat.TURTLE),
        ("unld.nq", "nquads", ox.RdfFormat.N_QUADS),
        ("unld.trig", "trig", ox.RdfFormat.TRIG),
        ("unld.jsonld", "json-ld", None),
    ]:
        assert isomorphic(_rdflib(example_build / name, fmt), reference), name
        if oxfmt is not None:
            assert isomorphic(_oxigraph(example_build / name, oxfmt), reference), name


def test_jsonld_expands_with_the_reference_processor(example_build: Path) -> None:
    from pyld import jsonld

    doc = json.loads((example_build / "unld.jsonld").read_text())
    assert doc["@context"] == json.loads((example_build / "context.jsonld").read_text())["@context"]
    nq = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    assert isomorphic(rdflib.Graph().parse(data=nq, format="nt"), _rdflib(example_build / "unld.nt", "nt"))


def test_named_graphs(example_build: Path) -> None:
    graphs = {
        q.graph_name.value
        for q in ox.parse((example_build / "unld.nq").read_bytes(), format=ox.RdfFormat.N_QUADS)
    }
    assert graphs == {
        "https://w3id.org/unld/graph/A/RES/76/19",
        "https://w3id.org/unld/ontology",
        "https://w3id.org/unld/graph/vocabularies",
        "https://w3id.org/unld/graph/bodies",
        "https://w3id.org/unld/graph/void",
    }


def test_void_counts(example_build: Path) -> None:
    void = rdflib.Graph().parse(example_build / "void.ttl")
    ds = rdflib.URIRef("https://w3id.org/unld/dataset")
    triples = int(void.value(ds, rdflib.URIRef("http://rdfs.org/ns/void#triples")))
    # one number: the distinct triples of the union as published, the description included,
    # which are the lines of unld.nt
    data = {q.triple for q in ox.parse((example_build / "unld.nq").read_bytes(), format=ox.RdfFormat.N_QUADS)}
    assert triples == len(data) == (example_build / "unld.nt").read_bytes().count(b"\n")
    assert void.value(ds, rdflib.URIRef("http://purl.org/dc/terms/license")) is not None


def test_deterministic(tmp_path: Path, subset: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert build(str(subset), "--out", str(a), "-q", "--jobs", "1").exit_code == 0
    assert build(str(subset), "--out", str(b), "-q", "--jobs", "2", "--no-cache").exit_code == 0
    assert snapshot(a) == snapshot(b)


def test_same_bytes_whatever_the_hash_seed(tmp_path: Path) -> None:
    """Two builds in processes with different ``PYTHONHASHSEED`` write the same bytes, the
    ontology's documentation and ``SHA256SUMS`` included (the documentation generator
    embeds JSON-LD serialized from an unordered graph)."""
    import os
    import subprocess
    import sys

    trees = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-m", "unld", "build", str(EXAMPLE), "--out", str(out), "-q", "--no-site"],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        trees.append(snapshot(out))
    assert trees[0]["ontology.html"] == trees[1]["ontology.html"]
    assert trees[0] == trees[1]


@pytest.mark.parametrize("failure", [KeyboardInterrupt, OSError])
def test_failed_build_leaves_previous_files(
    tmp_path: Path, subset: Path, monkeypatch: pytest.MonkeyPatch, failure: type[BaseException]
) -> None:
    out = tmp_path / "out"
    assert build(str(EXAMPLE.parent), "--out", str(out), "-q").exit_code == 0
    before = snapshot(out)

    def boom(*args: object, **kwargs: object) -> bytes:
        raise failure(28, "No space left on device") if failure is OSError else failure()

    monkeypatch.setattr("unld.publishing.jsonld.stream", boom)
    result = build(str(subset), "--out", str(out), "-q")
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    if failure is OSError:
        assert "No space left on device" in result.output
    assert snapshot(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".unld-staging")]


def test_bad_sources_are_skipped_with_exit_2(tmp_path: Path, subset: Path) -> None:
    (subset / "notes.txt").write_text("Shopping list: bread, milk.\n")
    (subset / "empty.txt").write_bytes(b"")
    result = build(str(subset), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "notes.txt" in result.stderr and "empty.txt" in result.stderr
    assert "Traceback" not in result.output
    assert f"built {len(SUBSET)} resolution(s)" in result.stdout
    assert (tmp_path / "out" / "unld.nq").exists()


def test_missing_source_is_exit_2(tmp_path: Path) -> None:
    result = build(str(tmp_path / "nowhere.txt"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "nowhere.txt" in result.output


def test_bad_base_iri_is_exit_2(tmp_path: Path) -> None:
    result = build(str(EXAMPLE), "--out", str(tmp_path / "o"), "--base-iri", "not an iri")
    assert result.exit_code == 2 and "base IRI" in result.output


def test_incremental_build_equals_full_build(tmp_path: Path, subset: Path) -> None:
    inc, full = tmp_path / "inc", tmp_path / "full"
    assert build(str(subset), "--out", str(inc), "-q").exit_code == 0
    # change one source, add one, remove one
    text = (subset / "A_RES_80_114.txt").read_text()
    (subset / "A_RES_80_114.txt").write_text(text.replace("61st plenary meeting", "62nd plenary meeting"))
    shutil.copy(CORPUS / "A_RES_78_55.txt", subset / "A_RES_78_55.txt")
    (subset / "A_RES_79_103.txt").unlink()
    assert build(str(subset), "--out", str(inc), "-q").exit_code == 0
    assert build(str(subset), "--out", str(full), "-q", "--no-cache").exit_code == 0
    assert snapshot(inc) == snapshot(full)
    nq = (inc / "unld.nq").read_text()
    assert "A/session/80/meeting/62" in nq and "A/session/80/meeting/61>" not in nq
    assert "graph/A/RES/78/55" in nq and "graph/A/RES/79/103" not in nq


def test_validation_report_conforms_as_shacl_says(example_build: Path, tmp_path: Path) -> None:
    """validation.ttl: sh:conforms is false as soon as there is a result, a warning included
    (a build with warnings only still exits 0).  The warning: the example without its
    agenda item line."""
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    src = tmp_path / "src"
    src.mkdir()
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "Agenda item 95\n" in text
    (src / EXAMPLE.name).write_text(text.replace("Agenda item 95\n", ""), encoding="utf-8")
    out = tmp_path / "out"
    result = build(str(src), "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    seen = set()
    for folder in (example_build, out):
        g = rdflib.Graph().parse(folder / "validation.ttl")
        (conforms,) = g.objects(None, sh.conforms)
        results = list(g.objects(None, sh.result))
        assert all(g.value(r, sh.resultSeverity) == sh.Warning for r in results)
        assert conforms.toPython() is (not results)
        seen.add(bool(results))
    assert seen == {True, False}  # one report with warnings, one without any result
