"""Incremental dumps (unld.build.splice): spliced from the previous build's, byte-identical
to a full ``--no-cache`` build of the same sources."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox

from tests.conftest import corpus_files
from unld.build import pipeline
from unld.build.cache import CACHE_DIR, BuildCache, source_key
from unld.build.pipeline import BuildResult, build
from unld.build.splice import STATE
from unld.core.iri import IriPolicy
from unld.core.resources import mappings_dir
from unld.publishing import jsonld, output
from unld.publishing import ntlines as lines

BASE = "https://w3id.org/unld/"


def _build(src: Path, out: Path, cache: bool = True) -> BuildResult:
    return build([str(src)], out, BASE, jobs=1, use_cache=cache, site=False, docs=False)


def _state(out: Path) -> dict:
    (found,) = (out / CACHE_DIR).glob(f"*/{STATE}")
    return json.loads(found.read_bytes())  # type: ignore[no-any-return]


def _same_files(out: Path, ref: Path) -> None:
    mine, theirs = output.state(out), output.state(ref)
    assert sorted(mine) == sorted(theirs)
    differ = [name for name in theirs if mine[name] != theirs[name]]
    assert not differ, f"not the bytes of a full build: {differ}"
    assert (out / output.MANIFEST).read_bytes() == (ref / output.MANIFEST).read_bytes()


def _edit_paragraph(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    word = next(w for w in ("Requests", "Decides", "Calls upon", "Urges") if w in text)
    path.write_text(text.replace(word, word + " once more", 1), encoding="utf-8")


def test_spliced_dumps_equal_a_full_build(tmp_path: Path) -> None:
    files = corpus_files()
    added = next(f for f in files if f.name == "A_RES_76_19.txt")
    # A/RES/73/8 is cited by other resolutions, whose graphs lose facts to its own when it
    # is there: removing it changes the graphs that cite it too
    removed = next(f for f in files if f.name == "A_RES_73_8.txt")
    src = tmp_path / "src"
    src.mkdir()
    for f in files:
        if f != added:
            shutil.copy(f, src / f.name)
    out = tmp_path / "out"
    first = _build(src, out, cache=False)
    assert not first.spliced
    before = (out / "unld.nq").read_bytes()

    # a paragraph edited, a resolution added, another removed
    _edit_paragraph(src / "A_RES_74_183.txt")
    shutil.copy(added, src / added.name)
    (src / removed.name).unlink()
    second = _build(src, out)
    assert second.spliced
    assert (out / "unld.nq").read_bytes() != before
    # the dumps were hashed once, for SHA256SUMS and the manifest alike
    assert second.manifest["reused"] >= 5
    # the lines of shared nodes found by regular expressions are those found line by line
    store = BuildCache(out, BASE)

    def graphs_now(result: BuildResult) -> list[tuple[pipeline.Outcome, str]]:
        return [
            (o, source_key(o.path, Path(o.path).read_bytes()))
            for o in result.outcomes
            if not o.error and not o.duplicate_of and not any(p.severity == "Violation" for p in o.problems)
        ]

    graphs = graphs_now(second)
    fast = pipeline.shared_lines(IriPolicy(BASE), store, graphs)
    assert len(fast) > 10 and sum(len(kept) for _, _, kept in fast) > 1000
    assert [(o.path, k, kept) for o, k, kept in fast] == [
        (o.path, k, kept) for o, k, kept in pipeline.shared_lines_by_line(IriPolicy(BASE), store, graphs)
    ]
    # and the lines the union's validation starts from, taken from what the digest read
    # (nothing remembered) or read again (all remembered), are the same
    for remember in (False, True):
        found = pipeline.UnionInputs()
        pipeline.union_digest(IriPolicy(BASE), "fast", store, graphs, remember=remember, found=found)
        assert bool(found.kept) is not remember
        kept = pipeline.union_kept(store, graphs, found)
        assert [(o.path, k, lines) for o, k, lines in kept] == [(o.path, k, lines) for o, k, lines in fast]
    (union_result,) = store.dir.glob("union-*.state")
    ref = tmp_path / "ref"
    assert not _build(src, ref, cache=False).spliced
    _same_files(out, ref)
    # what the splice keeps for the next build is what a full build would keep
    mine, theirs = _state(out), _state(ref)
    for key in ("graphs", "counts", "void", "stats"):
        assert mine[key] != [] and sorted(map(str, mine[key])) == sorted(map(str, theirs[key])), key
    assert [c[0] for c in mine["chunks"]] != [], "the union is in chunks"

    # a second change on top of a spliced build: a paragraph, which changes no shared node,
    # so the union's validation is the one kept in the cache
    _edit_paragraph(src / "A_RES_72_309.txt")
    third = _build(src, out)
    assert third.spliced
    assert list(store.dir.glob("union-*.state")) == [union_result]
    # the digest of the union's inputs from what the cache remembers of each graph is the
    # digest from every graph read again
    assert pipeline.union_digest(IriPolicy(BASE), "fast", store, graphs_now(third)) == pipeline.union_digest(
        IriPolicy(BASE), "fast", store, graphs_now(third), remember=False
    )
    ref2 = tmp_path / "ref2"
    _build(src, ref2, cache=False)
    _same_files(out, ref2)

    # an index that does not describe the previous dumps: written in full, with a warning
    (found,) = (out / CACHE_DIR).glob(f"*/{STATE}")
    found.write_bytes(b"{not json")
    fourth = _build(src, out)
    assert not fourth.spliced
    assert any("index of the previous dumps" in w for w in fourth.cache_warnings)
    _same_files(out, ref2)
    # an index of another generation (a build killed between the switch and the index)
    state = _state(ref2)
    state["generation"] = "g-elsewhere"
    found.write_bytes(json.dumps(state).encode())
    fifth = _build(src, out)
    assert not fifth.spliced
    _same_files(out, ref2)

    # the chunked JSON-LD writer writes what the whole-document writer writes
    context = json.loads((mappings_dir() / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    buf = io.BytesIO()
    triples = ox.parse((ref2 / "unld.nt").read_bytes(), format=ox.RdfFormat.N_TRIPLES)
    jsonld.stream(buf, triples, context, context)
    assert (ref2 / "unld.jsonld").read_bytes() == buf.getvalue()


def test_chunks_end_where_a_subject_does() -> None:
    data = [b"<a> <p> <x> .", b"<a> <q> <x> .", b"<b> <p> <x> .", b"<b> <q> <x> .", b"<b> <r> <x> ."]
    data += [b"<c> <p> <x> .", b"_:b1 <p> <x> .", b"_:b10 <p> <x> ."]
    for size in (1, 2, 3, 100):
        parts = list(lines.chunks(data, size))
        assert [ln for part in parts for ln in part] == data
        subjects = [{lines.subject(ln) for ln in part} for part in parts]
        for i, here in enumerate(subjects):
            assert all(not (here & later) for later in subjects[i + 1 :]), size
            assert len(parts[i]) >= size or i == len(parts) - 1
    assert len(list(lines.chunks(data, 2))) == 4


def test_sorted_file_has(tmp_path: Path) -> None:
    data = sorted({b"<s%d> <p> <o> ." % i for i in range(500)})
    path = tmp_path / "u.nt"
    path.write_bytes(b"\n".join(data[::2]) + b"\n")
    for i, line in enumerate(data):
        assert lines.sorted_file_has(path, line) == (i % 2 == 0)
    assert not lines.sorted_file_has(path, b"<s> <p> <o> .")
    assert not lines.sorted_file_has(path, b"<t> <p> <o> .")
    (tmp_path / "empty.nt").write_bytes(b"")
    assert not lines.sorted_file_has(tmp_path / "empty.nt", data[0])


def test_manifest_reuses_the_hashes_of_hard_linked_files(tmp_path: Path) -> None:
    old, new = tmp_path / "g-old", tmp_path / "g-new"
    (old / "site" / "doc").mkdir(parents=True)
    (old / "site" / "doc" / "a.html").write_bytes(b"<p>a</p>")
    (old / "site" / "doc" / "b.html").write_bytes(b"<p>b</p>")
    (old / "unld.nt").write_bytes(b"<urn:s> <urn:p> <urn:o> .\n")
    (old / output.MANIFEST).write_bytes(output.manifest(old))
    (new / "site" / "doc").mkdir(parents=True)
    # a.html hard-linked from the previous generation, b.html written again (the same
    # bytes), unld.nt changed with the same size, c.html new
    (new / "site" / "doc" / "a.html").hardlink_to(old / "site" / "doc" / "a.html")
    (new / "site" / "doc" / "b.html").write_bytes(b"<p>b</p>")
    (new / "unld.nt").write_bytes(b"<urn:s> <urn:p> <urn:x> .\n")
    (new / "site" / "doc" / "c.html").write_bytes(b"<p>c</p>")
    # a stale hash the manifest must not trust: the old manifest lied about a.html
    lied = output.read_manifest((old / output.MANIFEST).read_bytes())
    counts: dict[str, int] = {}
    got = output.manifest(new, {}, old, counts)
    assert got == output.manifest(new)
    assert counts == {"hashed": 3, "reused": 1}
    (old / output.MANIFEST).write_bytes(
        "".join(f"{'0' * 64 if k.endswith('a.html') else v}  {k}\n" for k, v in sorted(lied.items())).encode()
    )
    # the reused hash is the previous manifest's: a file linked from it is the same file
    assert b"0" * 64 in output.manifest(new, {}, old)
    # known hashes (the build's own, for SHA256SUMS) are taken as they are
    counts = {}
    digest = output.read_manifest(got)["unld.nt"]
    assert output.manifest(new, {"unld.nt": digest}, None, counts) == got
    assert counts == {"hashed": 3, "reused": 1}


def test_manifest_takes_stamped_hashes_only_for_the_very_file(tmp_path: Path) -> None:
    """The site's writers hash the bytes they write and give the hashes by the file's
    stamp; the manifest takes them only while the file is the one they wrote, and a hard
    link of a file whose hash is known (the site's downloads) takes that hash."""
    gen = tmp_path / "g"
    (gen / "site" / "dumps").mkdir(parents=True)
    (gen / "unld.nt").write_bytes(b"<urn:s> <urn:p> <urn:o> .\n")
    (gen / "site" / "dumps" / "unld.nt").hardlink_to(gen / "unld.nt")
    kept, rewritten = gen / "site" / "a.html", gen / "site" / "b.html"
    kept.write_bytes(b"<p>a</p>")
    rewritten.write_bytes(b"<p>b</p>")
    stamped = {output.stamp(os.stat(p)): "1" * 64 for p in (kept, rewritten)}
    rewritten.unlink()
    rewritten.write_bytes(b"<p>B, longer</p>")  # another file now: its stamp is not given
    want = output.read_manifest(output.manifest(gen))
    counts: dict[str, int] = {}
    got = output.read_manifest(output.manifest(gen, {"unld.nt": "2" * 64}, None, counts, stamped))
    assert got == {**want, "site/a.html": "1" * 64, "unld.nt": "2" * 64, "site/dumps/unld.nt": "2" * 64}
    assert counts == {"hashed": 1, "reused": 3}


def test_source_line_sees_a_source_edited_in_the_same_process(tmp_path: Path) -> None:
    """Regression: the parsed sources behind conflict reports were remembered by path, so a
    build after an edit (in one process: a server, the tests) named the old lines."""
    from unld.validation.validator import source_line

    path = tmp_path / "A_RES_74_183.txt"
    text = next(f for f in corpus_files() if f.name == path.name).read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    rows = text.split("\n")
    no, row = next(
        (i, r)
        for i, r in enumerate(rows, start=1)
        if len(r.split()) >= 6 and sum(" ".join(r.split()[:4]) in " ".join(x.split()) for x in rows) == 1
    )
    value = " ".join(row.split()[:4])
    assert source_line(str(path), "urn:x", "urn:y", value) == no
    path.write_text("\n\n" + text, encoding="utf-8")
    assert source_line(str(path), "urn:x", "urn:y", value) == no + 2
