"""Shared fixtures: where the bundled example and the corpus are, and the corpus built once.

The corpus build is a session fixture: every test module that needs a built dataset (the
dumps, the site, a store to load) reads the same folder instead of building its own.  Tests
must not write into it; a test that changes a build copies it first.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

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


def load_make_corpus() -> Any:
    """``benchmarks/make_corpus.py`` as a module (it is a script, not a package module),
    loaded once: objects made by a second copy of the module would not pickle as the
    first's (worker processes look its classes up by name)."""
    if "make_corpus" in sys.modules:
        return sys.modules["make_corpus"]
    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "benchmarks" / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and worker processes look it up by name
    spec.loader.exec_module(module)
    return module
