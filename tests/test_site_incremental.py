"""The incremental site: a generation started from the previous one writes again only the
pages whose data changed, carries the others as hard links, and is the same bytes as a
full generation; the previous generation is never written through."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT
from unld.publishing import output
from unld.publishing.site import generate

BASE = "https://w3id.org/unld/"
WILD = ROOT / "tests" / "data" / "wild78"
#: A/RES/79/1 is cited by A/RES/79/222, 80/83 and 80/186: its new title shows on their pages.
RETITLED = "A_RES_79_1.txt"
OLD_TITLE, NEW_TITLE = "79/1. The Pact for the Future ", "79/1. The Pact for the Future of Humanity "
REMOVED = "A_RES_73_8.txt"
ADDED = "A_RES_78_146.txt"


def _files(root: Path) -> dict[str, bytes]:
    """Every file of a site (hidden ones included), by path."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _digests(root: Path) -> dict[str, str]:
    return {k: hashlib.sha256(v).hexdigest() for k, v in _files(root).items()}


def _assert_manifest_true(out: Path) -> None:
    """The build's manifest gives every file's true SHA-256 (hashes it took, not read)."""
    gen = out / output.CURRENT
    assert (gen / output.MANIFEST).read_bytes() == output.manifest(gen.resolve())


def _changed_sources(folder: Path, sources: list[Path]) -> Path:
    """The corpus with one title changed, one resolution removed and one added."""
    folder.mkdir()
    for src in sources:
        if src.name != REMOVED:
            shutil.copy(src, folder / src.name)
    text = (folder / RETITLED).read_text("utf-8")
    assert OLD_TITLE in text
    (folder / RETITLED).write_text(text.replace(OLD_TITLE, NEW_TITLE, 1), "utf-8")
    shutil.copy(WILD / ADDED, folder / ADDED)
    return folder


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Builds (dumps only) of the corpus and of the corpus changed."""
    from unld.build.pipeline import build

    tmp = tmp_path_factory.mktemp("incremental")
    sources = sorted(CORPUS.glob("A_RES_*.txt"))
    first, second = tmp / "first", tmp / "second"
    build([str(s) for s in sources], first, BASE, jobs=2, site=False)
    changed = _changed_sources(tmp / "changed-src", sources)
    build([str(changed)], second, BASE, jobs=2, site=False)
    return first, second


def test_incremental_site_is_the_full_site(builds: tuple[Path, Path], tmp_path: Path) -> None:
    first, second = builds
    old = tmp_path / "old" / "site"
    generate(first / "unld.nq", old, BASE, first, jobs=2)
    before = _digests(old)
    inc = tmp_path / "inc" / "site"
    report = generate(second / "unld.nq", inc, BASE, second, jobs=2, previous=old)
    full = tmp_path / "full" / "site"
    full_report = generate(second / "unld.nq", full, BASE, second, jobs=2)
    # every file the same bytes as the full generation's, the state for the next included
    got, want = _files(inc), _files(full)
    assert got.keys() == want.keys()
    assert [k for k in want if got[k] != want[k]] == []
    assert report.pages == full_report.pages
    # most pages carried over, as hard links to the previous generation's files
    assert 0 < report.carried < report.pages
    assert report.carried > report.pages // 2
    linked = [p for p in got if (old / p).is_file() and os.stat(inc / p).st_ino == os.stat(old / p).st_ino]
    assert len(linked) >= report.carried * 3  # a page's three files
    # the previous generation was read, never written
    assert _digests(old) == before
    # the new title is on the page of the resolution and on the pages citing it
    for page in ("doc/A/RES/79/1", "doc/A/RES/80/83", "doc/A/RES/80/186"):
        html = (inc / page / "index.html").read_text("utf-8")
        assert "The Pact for the Future of Humanity" in html, page
        assert os.stat(inc / page / "index.html").st_ino != os.stat(old / page / "index.html").st_ino
    # the added resolution has its pages; the removed one's graph page is gone
    assert (inc / "doc/A/RES/78/146/index.html").is_file()
    assert (old / "graph/A/RES/73/8/index.html").is_file()
    assert not (inc / "graph/A/RES/73/8").exists()
    assert not list((inc / ".unld-site/search").glob("*/doc/A/RES/73/8"))


def test_same_data_carries_every_page(builds: tuple[Path, Path], tmp_path: Path) -> None:
    """A generation of unchanged data writes no resource page again (but the ontology's)
    and keeps the search index of the previous one."""
    first, _ = builds
    old = tmp_path / "old" / "site"
    generate(first / "unld.nq", old, BASE, first, jobs=2)
    again = tmp_path / "again" / "site"
    report = generate(first / "unld.nq", again, BASE, first, jobs=2, previous=old)
    resource_pages = [p for p in _files(again) if p.endswith("/index.ttl")]
    # all but the ontology's page, which counts the instances of every class
    assert report.carried == len(resource_pages) - 1 > 1000
    assert (
        os.stat(again / "ontology" / "index.html").st_ino != os.stat(old / "ontology" / "index.html").st_ino
    )
    assert "search" not in report.timings
    assert _files(again) == _files(old)


def test_another_base_or_no_previous_state_is_a_full_generation(
    builds: tuple[Path, Path], tmp_path: Path
) -> None:
    first, _ = builds
    old = tmp_path / "old" / "site"
    generate(first / "unld.nq", old, BASE, first, jobs=2)
    other = tmp_path / "other" / "site"
    assert (
        generate(first / "unld.nq", other, "https://example.org/un/", first, jobs=2, previous=old).carried
        == 0
    )
    shutil.rmtree(old / ".unld-site")
    again = tmp_path / "again" / "site"
    assert generate(first / "unld.nq", again, BASE, first, jobs=2, previous=old).carried == 0


def test_a_build_starts_its_site_from_the_live_generation(tmp_path: Path) -> None:
    """Two builds into one folder: the second build's site starts from the first one's
    (most pages carried as hard links) and is the site a full generation writes."""
    from unld.build.pipeline import build

    sources = sorted(CORPUS.glob("A_RES_7*.txt"))[:6]
    assert sources[0].name == "A_RES_72_309.txt"
    out = tmp_path / "out"
    result = build([str(s) for s in sources], out, BASE, jobs=2)
    _assert_manifest_true(out)
    # the pages' hashes came from the processes that wrote them, the downloads' from the
    # dumps: the manifest read only the search index's files and the site's own state
    written = len(list(output.files_of(out / "site")))
    assert result.manifest["hashed"] < written // 10, (result.manifest, written)
    site = out / "site"
    inodes = {str(p.relative_to(site)): os.stat(p).st_ino for p in site.rglob("index.html")}
    changed = tmp_path / "src"
    changed.mkdir()
    for s in sources[1:]:
        shutil.copy(s, changed / s.name)
    build([str(changed)], out, BASE, jobs=2)
    _assert_manifest_true(out)
    full = tmp_path / "full" / "site"
    generate(out / "unld.nq", full, BASE, out, jobs=2)
    got, want = _files(site), _files(full)
    assert got.keys() == want.keys()
    assert [k for k in want if got[k] != want[k]] == []
    assert not (site / "graph" / "A" / "RES" / "72" / "309").exists()  # the removed resolution's graph
    pages = [str(p.relative_to(site)) for p in site.rglob("index.html")]
    carried = [p for p in pages if inodes.get(p) == os.stat(site / p).st_ino]
    assert len(carried) > len(pages) // 2


def test_the_site_command_starts_from_the_site_in_its_output_folder(
    builds: tuple[Path, Path], tmp_path: Path
) -> None:
    """``unld site`` run again into the same folder after the data changed writes again
    only what changed, and is the site ``unld site --full`` writes, byte for byte."""
    from click.testing import CliRunner

    from unld.cli import main

    first, second = builds
    site = tmp_path / "site"
    done = CliRunner().invoke(main, ["site", "--from", str(first), "--out", str(site)])
    assert done.exit_code == 0, done.output
    assert "carried over" not in done.output  # nothing to start from: a full generation
    inodes = {str(p.relative_to(site)): os.stat(p).st_ino for p in site.rglob("index.html")}
    done = CliRunner().invoke(main, ["site", "--from", str(second), "--out", str(site)])
    assert done.exit_code == 0, done.output
    carried = int(done.output.split("; ")[1].split()[0])
    full = tmp_path / "full"
    done = CliRunner().invoke(main, ["site", "--from", str(second), "--out", str(full), "--full"])
    assert done.exit_code == 0, done.output
    got, want = _files(site), _files(full)
    assert got.keys() == want.keys()
    assert [k for k in want if got[k] != want[k]] == []
    pages = [str(p.relative_to(site)) for p in site.rglob("index.html")]
    assert carried > len(pages) // 2
    kept = [p for p in pages if inodes.get(p) == os.stat(site / p).st_ino]
    assert len(kept) >= carried
    # the retitled resolution's page was written again
    assert "doc/A/RES/79/1/index.html" not in kept
    # --full writes every page again, even into a site it could start from
    done = CliRunner().invoke(main, ["site", "--from", str(second), "--out", str(full), "--full"])
    assert done.exit_code == 0 and "carried over" not in done.output
    assert _files(full) == want


def test_the_recorder_names_each_read_once_and_only_the_page_builders_reads() -> None:
    """Reads are kept as calls and named when the page is done: the same reads whatever
    how often a call is repeated, none of the calls a watched method makes in turn, and a
    call with an argument that cannot be kept is named at once."""
    from unld.publishing.site.incremental import Recorder, key

    class Data:
        def label(self, iri: str) -> str:
            return self.title(iri)  # a read made by a read: not the page's own

        def title(self, iri: str) -> str:
            return iri.rsplit("/", 1)[-1]

        def many(self, iris: list[str]) -> int:
            return len(iris)

    data, named = Data(), []
    rec = Recorder()

    def label(iri: str) -> tuple[str]:
        named.append(iri)
        return (key(iri, "label"),)

    rec.watch(data, "label", label)
    rec.watch(data, "title", lambda iri: (key(iri, "title"),))
    rec.watch(data, "many", lambda iris: [key(i, "*") for i in iris])
    data.label("https://w3id.org/unld/doc/A/RES/79/1")  # before start: not recorded
    rec.start()
    for _ in range(3):
        data.label("https://w3id.org/unld/doc/A/RES/79/1#op1")
        data.label("https://w3id.org/unld/doc/A/RES/80/83")
    data.many(["https://w3id.org/unld/session/79"])  # a list: named at once
    rec.note("https://w3id.org/unld/body/x\tpage")
    assert named == []  # nothing named before the page is done
    assert rec.stop() == [
        "https://w3id.org/unld/body/x\tpage",
        "https://w3id.org/unld/doc/A/RES/79/1\tlabel",
        "https://w3id.org/unld/doc/A/RES/80/83\tlabel",
        "https://w3id.org/unld/session/79\t*",
    ]
    assert sorted(named) == [
        "https://w3id.org/unld/doc/A/RES/79/1#op1",
        "https://w3id.org/unld/doc/A/RES/80/83",
    ]
    rec.start()
    assert rec.stop() == []  # the calls of the page before are gone


def test_sharded_incremental_site_is_the_full_site(
    builds: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the search index in shards of whole years, a generation started from the
    previous one indexes again only the shards whose resolutions changed (or moved between
    shards: an added resolution can move a boundary), carries the others, and is the same
    bytes as a full generation."""
    from unld.publishing.site import search

    monkeypatch.setattr(search, "SHARD_SIZE", 8)
    first, second = builds
    old = tmp_path / "old" / "site"
    generate(first / "unld.nq", old, BASE, first, jobs=2)
    before = search.load_order(old)
    assert before is not None and len(before) >= 3
    inc = tmp_path / "inc" / "site"
    report = generate(second / "unld.nq", inc, BASE, second, jobs=2, previous=old)
    full = tmp_path / "full" / "site"
    generate(second / "unld.nq", full, BASE, second, jobs=2)
    got, want = _files(inc), _files(full)
    assert got.keys() == want.keys()
    assert [k for k in want if got[k] != want[k]] == []
    assert "search" in report.timings
    # a shard nothing changed in keeps its index: the previous generation's files, linked
    after = search.load_order(inc)
    assert after is not None
    kept = [
        s
        for s in set(before) & set(after)
        if os.stat(inc / search.index_path(s, after) / "pagefind-entry.json").st_ino
        == os.stat(old / search.index_path(s, before) / "pagefind-entry.json").st_ino
    ]
    assert kept == ["2025"]  # nothing of that year changed
    # the shard of the retitled resolution (2024) was indexed again
    (retitled,) = [s for s in after if s.split("-")[0] >= "2024" >= s.split("-")[-1]]
    assert retitled not in kept


def test_shards_pack_whole_years_newest_first() -> None:
    from unld.publishing.site.search import UNDATED, index_path, shard_order, shards

    years = {
        f"doc/{i}": y for i, y in enumerate(["2024"] * 3 + ["2023"] * 2 + ["2022"] * 6 + ["2020"] + [None])
    }
    got = shards(years, size=5)
    assert {got[f"doc/{i}"] for i in range(5)} == {"2024-2023"}
    assert {got[f"doc/{i}"] for i in range(5, 11)} == {"2022"}  # one year over the limit: alone
    assert got["doc/11"] == "2020" and got["doc/12"] == UNDATED
    order = shard_order(got.values())
    assert order == ["2024-2023", "2022", "2020", UNDATED]
    assert index_path("2024-2023", order) == "pagefind"
    assert index_path("2020", order) == "pagefind/shards/2020"
    # everything in one shard when it fits: the index is where it always was
    assert set(shards(years).values()) == {"2024-2020", UNDATED}
