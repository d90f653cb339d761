"""Shared fixtures: where the bundled example and the corpus are, and the corpus built once.

The corpus build is a session fixture: every test module that needs a built dataset (the
dumps, the site, a store to load) reads the same folder instead of building its own.  Tests
must not write into it; a test that changes a build copies it first.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from unld.build.pipeline import BuildResult

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "A_RES_76_19.md"
# A copy of the shared corpus of 54 real resolutions and their gold annotations, kept in the
# repository so that the suite runs the same everywhere (tests/data/corpus/MANIFEST.tsv
# says where each text came from).
CORPUS = ROOT / "tests" / "data" / "corpus"
GOLD = ROOT / "tests" / "data" / "gold"


BASE = "https://w3id.org/unld/"


def unavailable(reason: str) -> NoReturn:
    """A real component a test needs is missing (a server, a browser): the test is skipped
    on a developer's machine, and fails where ``UNLD_TESTS_REQUIRE_ALL=1`` says every
    component must be there (``.ci/run`` installs them all and sets it), so that a
    component missing in CI can never turn tests into silent skips."""
    if os.environ.get("UNLD_TESTS_REQUIRE_ALL") == "1":
        pytest.fail(f"{reason} (UNLD_TESTS_REQUIRE_ALL=1: every component must be installed)")
    pytest.skip(reason)


def corpus_files() -> list[Path]:
    """The real resolutions of the corpus copy."""
    return sorted(p for p in CORPUS.glob("A_RES_*") if p.suffix in (".txt", ".md"))


@pytest.fixture(scope="session")
def corpus_built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    """The whole corpus built with every output (dumps, ontology documentation, site), and
    what the build reported."""
    from unld.build.pipeline import build

    out = tmp_path_factory.mktemp("corpus-build")
    return out, build([str(CORPUS)], out, BASE, jobs=2)


@pytest.fixture(scope="session")
def corpus_build(corpus_built: tuple[Path, BuildResult]) -> Path:
    """The folder of the corpus build."""
    return corpus_built[0]


@pytest.fixture(scope="session")
def example_record() -> dict:
    from unld.parse import parse_source
    from unld.sources import read_source

    return parse_source(read_source(EXAMPLE))
