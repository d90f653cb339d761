"""Every gold annotation of the shared corpus: the fields that must be exact.

The gold files hold what a careful reader finds in each real resolution
(``../shared/gold/README.md``).  Lead phrases are scored by ``benchmarks/accuracy.py``
rather than asserted here, because a few are typographic judgement calls.
"""

from __future__ import annotations

import json

import pytest

from benchmarks.scoring import project
from tests.conftest import CORPUS, GOLD
from unld.parse import parse_source
from unld.sources import read_source

EXACT = [
    "symbol",
    "session",
    "adopted_on",
    "title",
    "agenda_items",
    "committee",
    "basis_document",
    "basis_documents",
    "basis_paragraph",
    "meeting_number",
    "meeting_date",
    "n_preambular",
    "n_operative",
    "n_footnotes",
    "has_annex",
]
SETS = ["cited_resolutions", "cited_sc_resolutions", "cited_decisions", "footnote_documents"]

GOLD_FILES = sorted(GOLD.glob("*.json")) if GOLD.exists() else []


@pytest.mark.parametrize("gold_file", GOLD_FILES, ids=lambda p: p.name[:-5])
def test_gold(gold_file) -> None:
    gold = json.loads(gold_file.read_text())
    got = project(parse_source(read_source(CORPUS / gold_file.name[:-5])))
    for field in EXACT:
        if gold[field] is not None:
            assert got[field] == gold[field], field
    for field in SETS:
        if gold[field] is not None:
            assert sorted(got[field]) == sorted(gold[field]), field
