"""The listing of resolutions by organ, on a real build that holds General Assembly and
Security Council resolutions (copies of real Council texts from tests/data/sc/)."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT
from unld.publishing.site import load_quads

BASE = "https://w3id.org/unld/"
UNLD = BASE + "ontology#"
SC = ROOT / "tests" / "data" / "sc" / "corpus"
COUNCIL = ["S_RES_186_1964.txt", "S_RES_242_1967.txt", "S_RES_599_1987.txt", "S_RES_2768_2025.txt"]
ASSEMBLY = ["A_RES_76_19.txt", "A_RES_73_3.txt", "A_RES_74_183.txt"]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build (with its site) of real Assembly and Council resolutions."""
    from unld.build.pipeline import build

    src = tmp_path_factory.mktemp("mixed-src")
    for name in COUNCIL:
        shutil.copy(SC / name, src / name)
    for name in ASSEMBLY:
        shutil.copy(CORPUS / name, src / name)
    out = tmp_path_factory.mktemp("mixed-build")
    build([str(src)], out, BASE, jobs=2)
    return out


def _sections(page: str) -> dict[str, list[tuple[str, str]]]:
    """Listing sections: title -> (symbol, detail) of each item, with the count checked."""
    out = {}
    for block in page.split('<section class="listing"')[1:]:
        head = re.search(
            r'<h2 id="s\d+">(?:<a [^>]*>)?([^<]+)(?:</a>)? <span class="count">\((\d+)\)</span>', block
        )
        assert head, block[:200]
        items = re.findall(
            r'<li><a href="[^"]+">([^<]+)</a>(?: <span class="detail">([^<]*)</span>)?</li>', block
        )
        assert len(items) == int(head.group(2))
        assert head.group(1) not in out, f"two sections named {head.group(1)!r}"
        out[head.group(1)] = items
    return out


def test_listing_by_organ_counts_each_organs_resolutions(mixed: Path) -> None:
    quads = load_quads(mixed)
    published = {q.object.value for q in quads if q.predicate.value == UNLD + "describes"}
    labels = {
        BASE + "body/general-assembly": "General Assembly",
        BASE + "body/security-council": "Security Council",
    }
    organs = Counter(
        labels[q.object.value]
        for q in quads
        if q.predicate.value == UNLD + "adoptedBy" and q.subject.value in published
    )
    assert organs == {"General Assembly": len(ASSEMBLY), "Security Council": len(COUNCIL)}
    page = (mixed / "site" / "browse" / "organ" / "index.html").read_text("utf-8")
    sections = _sections(page)
    assert {k: len(v) for k, v in sections.items()} == dict(organs)
    assert list(sections) == ["Security Council", "General Assembly"]  # most resolutions first
    # the title beside an Assembly resolution's symbol
    titles = dict(sections["General Assembly"])
    assert titles["A/RES/76/19"].startswith("Developments in the field of information and telecommunications")
    assert all(titles.values())
    # a Council resolution has no title: what it decides, else its date of adoption
    council = dict(sections["Security Council"])
    assert (
        council["S/RES/186 (1964)"]
        == "Establishes the mandate of United Nations Peacekeeping Force in Cyprus"
    )
    assert council["S/RES/599 (1987)"].startswith(
        "Extends the mandate of United Nations Interim Force in Lebanon"
    )
    assert council["S/RES/242 (1967)"] == "22 November 1967"
    symbols = [s for s, _ in sections["Security Council"]]
    assert symbols == ["S/RES/186 (1964)", "S/RES/242 (1967)", "S/RES/599 (1987)", "S/RES/2768 (2025)"]


def test_every_page_links_the_listing_by_organ(mixed: Path) -> None:
    home = (mixed / "site" / "index.html").read_text("utf-8")
    assert '<a href="./browse/organ/">by organ</a>' in home
    page = (mixed / "site" / "doc" / "A" / "RES" / "76" / "19" / "index.html").read_text("utf-8")
    assert re.search(r'<a href="../../../../../browse/organ/"[^>]*>Organs</a>', page)
    sitemap = (mixed / "site" / "sitemap.xml").read_text("utf-8")
    assert f"<loc>{BASE}browse/organ/</loc>" in sitemap
