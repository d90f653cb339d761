"""The build cache trusts a file's unchanged stamp (device, inode, size, modification time)
instead of reading and hashing it again, and reads it again on any change: a rebuild of an
unchanged corpus reads no source and no cached graph, an edited source of the same size is
processed again, and a file modified within the racy window is never vouched for."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from tests.conftest import CORPUS
from unld.build.cache import RACY_SECONDS
from unld.build.pipeline import build

BASE = "https://w3id.org/unld/"


def _sources(tmp_path: Path, n: int = 4, age: float = 60.0) -> Path:
    """``n`` corpus files, last modified ``age`` seconds ago."""
    folder = tmp_path / "src"
    folder.mkdir()
    then = time.time() - age
    for f in sorted(CORPUS.glob("A_RES_*.txt"))[:n]:
        shutil.copy(f, folder / f.name)
        os.utime(folder / f.name, (then, then))
    return folder


def test_an_unchanged_rebuild_reads_no_source_and_no_graph(tmp_path: Path) -> None:
    src, out = _sources(tmp_path), tmp_path / "out"
    first = build([str(src)], out, BASE, jobs=1, site=False)
    assert first.cache_files == {"read": 4, "trusted": 0}  # the graphs were written, not read
    sums = (out / "SHA256SUMS").read_bytes()
    again = build([str(src)], out, BASE, jobs=1, site=False)
    assert again.cache_files == {"read": 0, "trusted": 8}
    assert (out / "SHA256SUMS").read_bytes() == sums


def test_an_edit_of_the_same_size_is_seen(tmp_path: Path) -> None:
    src, out = _sources(tmp_path), tmp_path / "out"
    build([str(src)], out, BASE, jobs=1, site=False)
    build([str(src)], out, BASE, jobs=1, site=False)
    edited = sorted(src.iterdir())[0]
    text = edited.read_text(encoding="utf-8")
    changed = text.replace("Recalling", "Recallinx", 1)
    assert changed != text and len(changed) == len(text)
    edited.write_text(changed, encoding="utf-8")
    past = time.time() - 30  # not the recorded time, and old enough to be vouched for
    os.utime(edited, (past, past))
    result = build([str(src)], out, BASE, jobs=1, site=False)
    assert result.cache_files["read"] == 1
    assert b"Recallinx" in (out / "unld.nt").read_bytes()


def test_a_graph_edited_in_place_is_read_again(tmp_path: Path) -> None:
    src, out = _sources(tmp_path), tmp_path / "out"
    build([str(src)], out, BASE, jobs=1, site=False)
    good = (out / "SHA256SUMS").read_bytes()
    graph = sorted((out / ".unld-cache").glob("*/*.nt"))[0]
    data = graph.read_bytes()
    graph.write_bytes(data.replace(b"/RES/", b"/REX/", 1))
    result = build([str(src)], out, BASE, jobs=1, site=False)
    assert any("cached result was corrupt" in w for w in result.cache_warnings)
    assert (out / "SHA256SUMS").read_bytes() == good


def test_a_file_modified_within_the_racy_window_is_not_vouched_for(tmp_path: Path) -> None:
    # modified "now" for the whole test, however slow the machine: dated a minute ahead
    src, out = _sources(tmp_path, age=-60.0), tmp_path / "out"
    assert RACY_SECONDS >= 1
    build([str(src)], out, BASE, jobs=1, site=False)
    # their stamps were not recorded, so the next build reads them again (a second write in
    # the same clock tick could not hide behind an unchanged time); the graphs it wrote are
    # vouched for
    assert build([str(src)], out, BASE, jobs=1, site=False).cache_files == {"read": 4, "trusted": 4}
