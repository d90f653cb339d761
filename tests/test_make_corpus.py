"""The benchmark corpus generator: deterministic, and its texts parse as it says they do."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import load_make_corpus
from unld.parse import parse_source
from unld.sources import read_source

ROOT = Path(__file__).resolve().parents[1]
N, SEED = 40, 1234


make_corpus = load_make_corpus()


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "a"
    make_corpus.generate(N, out, seed=SEED)
    return out


def _expected(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "EXPECTED.jsonl").read_text("utf-8").splitlines()]


def test_deterministic(generated: Path, tmp_path: Path) -> None:
    again = tmp_path / "b"
    make_corpus.generate(N, again, seed=SEED, jobs=2)
    names = sorted(p.name for p in generated.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    assert len(names) == N + 2
    for name in names:
        assert (generated / name).read_bytes() == (again / name).read_bytes(), name


def test_other_seed_differs(generated: Path, tmp_path: Path) -> None:
    other = tmp_path / "c"
    make_corpus.generate(N, other, seed=SEED + 1)
    assert (other / "MANIFEST.tsv").read_bytes() != (generated / "MANIFEST.tsv").read_bytes()


def test_manifest(generated: Path) -> None:
    rows = [line.split("\t") for line in (generated / "MANIFEST.tsv").read_text("utf-8").splitlines()]
    assert rows[0] == ["file", "symbol", "session", "committee"]
    symbols = [r[1] for r in rows[1:]]
    assert len(symbols) == N and len(set(symbols)) == N
    for file, symbol, session, committee in rows[1:]:
        assert (generated / file).is_file()
        assert file == symbol.replace("/", "_") + ".txt"
        assert symbol.startswith(f"A/RES/{session}/") and 40 <= int(session) <= 80
        assert re.fullmatch(r"(First|Second|Third|Fourth|Fifth|Sixth) Committee|Plenary .*", committee)


def test_texts_look_like_pdf_extractions(generated: Path) -> None:
    for e in _expected(generated):
        text = (generated / e["file"]).read_text("utf-8")
        assert text.startswith(f"United Nations \n{e['symbol']}\n")
        assert "The General Assembly, \n" in text
        assert f"\n{e['meeting']['number']}" in text
        if e["pages"] > 1:
            assert re.search(rf"^{e['pages']}/{e['pages']}\s*$", text, re.M)
        if e["footnotes"]:
            assert "\n__________________ \n" in text


def test_parse_agrees_with_generator(generated: Path) -> None:
    expected = _expected(generated)
    assert len(expected) == N
    for e in expected:
        r = parse_source(read_source(generated / e["file"]))
        where = e["file"]
        assert r["warnings"] == [], where
        assert r["annexes"] == [], where
        assert r["symbol"] == e["symbol"], where
        assert r["session"] == e["session"], where
        assert r["number"] == e["number"], where
        assert r["title"] == e["title"].rstrip(" ."), where
        assert r["adopted_on"] == e["adopted_on"], where
        [item] = r["agenda_items"]
        assert (item["number"], item["sub_item"], item["title"]) == (
            e["agenda_item"]["number"],
            e["agenda_item"]["sub_item"],
            e["agenda_item"]["title"],
        ), where
        assert r["basis"] == e["basis"], where
        assert (r["meeting"]["number"], r["meeting"]["date"]) == (
            e["meeting"]["number"],
            e["meeting"]["date"],
        ), where
        assert len(r["preambular_paragraphs"]) == e["preambular"], where
        ops = r["operative_paragraphs"]
        assert len(ops) == e["operative"], where
        assert [o["number"] for o in ops] == e["operative_numbers"], where
        assert [len(o["subparagraphs"]) for o in ops] == e["subparagraphs"], where
        assert [(f["mark"], f["in"]) for f in r["footnotes"]] == [
            (f["mark"], f["in"]) for f in e["footnotes"]
        ], where
        cited = sorted(
            {
                c["target"]
                for c in r["citations"]
                if c["body"] == "General Assembly" and c["kind"] == "resolution"
            }
        )
        assert cited == e["cited"], where


def test_citation_dates_are_adoption_dates(generated: Path) -> None:
    expected = _expected(generated)
    adopted = {e["symbol"]: e["adopted_on"] for e in expected}
    seen: dict[str, set[str]] = {}
    for e in expected:
        r = parse_source(read_source(generated / e["file"]))
        for c in r["citations"]:
            if c["body"] == "General Assembly" and c["date"]:
                seen.setdefault(c["target"], set()).add(c["date"])
    assert seen
    for target, dates in seen.items():
        # one date per cited resolution or decision across the corpus, its own when generated
        assert len(dates) == 1, (target, dates)
        if target in adopted:
            assert dates == {adopted[target]}, target


def test_citations_point_back_in_time(generated: Path) -> None:
    expected = _expected(generated)
    symbols = {e["symbol"] for e in expected}
    internal = 0
    for e in expected:
        for target in e["cited"]:
            m = re.fullmatch(r"A/RES/(\d+)/\d+(?: [A-Z])?", target)
            if target in symbols:
                internal += 1
                assert int(m.group(1)) < e["session"], (e["file"], target)
            else:
                # real resolutions older than the generated ones
                assert m is None or int(m.group(1)) < 40, (e["file"], target)
    assert internal > 0


def test_session_words() -> None:
    assert make_corpus.session_words(40) == "Fortieth"
    assert make_corpus.session_words(76) == "Seventy-sixth"
    assert make_corpus.session_words(80) == "Eightieth"
    assert [make_corpus.nth(n) for n in (1, 2, 3, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st",
        "2nd",
        "3rd",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "101st",
        "111th",
    ]
