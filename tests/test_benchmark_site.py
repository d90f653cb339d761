"""The site benchmark removes only the site folder it writes.

``benchmarks/site.py --out DIR`` once removed the parent of ``DIR`` before each run: with
``--out /tmp/x/site`` every build and corpus kept in ``/tmp/x`` went.  It now removes
``DIR`` alone, and only when it is empty or holds a generated site.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLE, ROOT

SCRIPT = ROOT / "benchmarks" / "site.py"


def _bench(built: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--from", str(built), "--out", str(out), "--jobs", "1", *extra],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_site_benchmark_keeps_what_is_beside_its_output(tmp_path: Path) -> None:
    from unld.build.pipeline import build

    built = tmp_path / "build"
    build([str(EXAMPLE)], built, "https://w3id.org/unld/", jobs=1, site=False)
    beside = tmp_path / "work" / "keep.txt"
    beside.parent.mkdir()
    beside.write_text("a corpus kept beside the site")

    done = _bench(built, tmp_path / "work" / "site", "--keep")
    assert done.returncode == 0, done.stderr
    assert "run 1:" in done.stdout
    assert (tmp_path / "work" / "site" / ".unld-site").is_dir()
    assert beside.read_text() == "a corpus kept beside the site"
    assert (built / "unld.nq").is_file()

    # again over the site it kept: that site is replaced, nothing else goes
    done = _bench(built, tmp_path / "work" / "site")
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "work" / "site").exists()
    assert beside.is_file()


def test_site_benchmark_refuses_a_folder_that_is_not_a_site(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "mine.txt").write_text("not a site")
    done = _bench(tmp_path, tmp_path / "data")
    assert done.returncode != 0
    # the check on the build's folder comes first: give it one
    (tmp_path / "unld.nq").write_text("")
    done = _bench(tmp_path, tmp_path / "data")
    assert done.returncode != 0
    assert "is not a generated site" in done.stderr
    assert (tmp_path / "data" / "mine.txt").read_text() == "not a site"
