"""Shared fixtures: where the bundled example and the shared corpus are."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "A_RES_76_19.md"
# A copy of the shared corpus of 54 real resolutions and their gold annotations, kept in the
# repository so that the suite runs the same everywhere (tests/data/corpus/MANIFEST.tsv
# says where each text came from).
CORPUS = ROOT / "tests" / "data" / "corpus"
GOLD = ROOT / "tests" / "data" / "gold"


def corpus_files() -> list[Path]:
    """The real resolutions of the shared corpus (empty when the corpus is not beside us)."""
    return sorted(p for p in CORPUS.glob("A_RES_*") if p.suffix in (".txt", ".md"))


@pytest.fixture(scope="session")
def example_record() -> dict:
    from unld.parse import parse_source
    from unld.sources import read_source

    return parse_source(read_source(EXAMPLE))
