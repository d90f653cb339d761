"""The reference resolution A/RES/76/19, field by field (markdown and PDF-text forms)."""

from __future__ import annotations

import pytest

from tests.conftest import CORPUS, EXAMPLE
from unld.parse import parse_source
from unld.sources import read_source

CITED = [
    "A/RES/43/78 H",
    "A/RES/53/70",
    "A/RES/54/49",
    "A/RES/55/28",
    "A/RES/56/19",
    "A/RES/57/53",
    "A/RES/58/32",
    "A/RES/59/61",
    "A/RES/60/45",
    "A/RES/61/54",
    "A/RES/62/17",
    "A/RES/63/37",
    "A/RES/64/25",
    "A/RES/65/41",
    "A/RES/66/24",
    "A/RES/67/27",
    "A/RES/68/243",
    "A/RES/69/28",
    "A/RES/70/237",
    "A/RES/71/28",
    "A/RES/73/27",
    "A/RES/73/266",
    "A/RES/74/28",
    "A/RES/74/29",
    "A/RES/75/32",
    "A/RES/75/240",
]
TITLE = (
    "Developments in the field of information and telecommunications in the context of "
    "international security, and advancing responsible State behaviour in the use of "
    "information and communications technologies"
)
PP_LEADS = [
    "Recalling",
    "Stressing",
    "Recalling",
    "Noting",
    "Expressing concern",
    "Expressing concern also",
    "Considering",
    "Underlining",
    "Noting",
    "Reaffirming",
    "Reaffirming also",
    "Recognizing",
    "Guided",
]
OP_LEADS = ["Recognizes", "Welcomes", "Calls upon", "Supports", "Underlines", "Invites", "Decides"]


@pytest.fixture(scope="module", params=["md", "txt"])
def record(request: pytest.FixtureRequest) -> dict:
    path = EXAMPLE if request.param == "md" else CORPUS / "A_RES_76_19.txt"
    return parse_source(read_source(path))


def test_identity(record: dict) -> None:
    assert record["record_version"] == 2
    assert record["symbol"] == "A/RES/76/19"
    assert record["organ"] == "General Assembly"
    assert record["session"] == 76
    assert record["number"] == "76/19"
    assert record["title"] == TITLE
    assert record["adopted_on"] == "2021-12-06"


def test_agenda_basis_meeting(record: dict) -> None:
    assert record["agenda_items"] == [
        {
            "number": "95",
            "sub_item": None,
            "session": 76,
            "title": "Developments in the field of information and telecommunications in the "
            "context of international security",
        }
    ]
    assert record["basis"] == {
        "kind": "committee-report",
        "committee": "First Committee",
        "documents": ["A/76/439"],
        "paragraph": "7",
    }
    assert record["meeting"] == {"kind": "plenary", "number": 45, "date": "2021-12-06", "resumed": False}


def test_preambular_paragraphs(record: dict) -> None:
    pps = record["preambular_paragraphs"]
    assert [p["lead"] for p in pps] == PP_LEADS
    assert [p["id"] for p in pps] == [f"pp{i}" for i in range(1, 14)]
    assert pps[0]["text"].startswith(
        "Recalling its resolutions 43/78 H of 7 December 1988, 53/70 of 4 December 1998,"
    )
    assert pps[12]["text"].endswith("in the Context of International Security,")
    assert pps[12]["footnotes"] == ["1"]


def test_operative_paragraphs(record: dict, request: pytest.FixtureRequest) -> None:
    ops = record["operative_paragraphs"]
    assert [p["number"] for p in ops] == [str(i) for i in range(1, 8)]
    leads = [p["lead"] for p in ops]
    if record["source"]["format"] == "markdown":
        assert leads == OP_LEADS  # the italic run is the lead as typeset
    else:
        assert leads[:4] + leads[5:] == OP_LEADS[:4] + OP_LEADS[5:]
    op6 = ops[5]
    assert op6["text"].endswith("on the following questions:")
    assert [(s["id"], s["label"]) for s in op6["subparagraphs"]] == [("op6a", "a"), ("op6b", "b")]
    assert op6["subparagraphs"][0]["text"].startswith("Efforts taken at the national level")
    assert ops[0]["footnotes"] == ["2"] and ops[1]["footnotes"] == ["3"]
    assert ops[3]["text"] == (
        "Supports the open-ended working group on security of and in the use of information "
        "and communications technologies 2021–2025, and acknowledges its mandate in accordance "
        "with General Assembly resolution 75/240;"
    )


def test_footnotes(record: dict) -> None:
    assert [(f["mark"], f["text"], f["documents"], f["in"]) for f in record["footnotes"]] == [
        ("1", "A/65/201, A/68/98 and A/70/174.", ["A/65/201", "A/68/98", "A/70/174"], "pp13"),
        ("2", "A/75/816.", ["A/75/816"], "op1"),
        ("3", "A/76/135.", ["A/76/135"], "op2"),
    ]


def test_citations(record: dict) -> None:
    cites = record["citations"]
    resolutions = [c for c in cites if c["kind"] == "resolution" and c["in"] == "pp1"]
    assert sorted(c["target"] for c in resolutions) == sorted(CITED)
    dates = {c["target"]: c["date"] for c in resolutions}
    assert dates["A/RES/43/78 H"] == "1988-12-07"
    assert dates["A/RES/74/28"] == dates["A/RES/74/29"] == "2019-12-12"
    assert dates["A/RES/75/240"] == "2020-12-31"
    decisions = [(c["target"], c["date"]) for c in cites if c["kind"] == "decision"]
    assert decisions == [("A/DEC/72/512", "2017-12-04"), ("A/DEC/75/564", "2021-04-28")]
    assert {"target": "A/RES/75/240", "in": "op4"}.items() <= next(
        c for c in cites if c["in"] == "op4"
    ).items()
    docs = sorted(c["target"] for c in cites if c["kind"] == "document")
    assert docs == ["A/65/201", "A/68/98", "A/70/174", "A/75/816", "A/76/135"]


def test_working_groups(record: dict) -> None:
    groups = {g["key"]: g for g in record["working_groups"]}
    assert set(groups) == {"oewg-ict-2019-2021", "gge-ict", "oewg-ict-2021-2025"}
    new = groups["oewg-ict-2021-2025"]
    assert new["mandate"] == {"start": "2021", "end": "2025"}
    assert new["established_by"] == "A/RES/75/240"
    assert new["in"] == ["op4", "op5"]
    assert groups["oewg-ict-2019-2021"]["kind"] == "open-ended working group"
    assert "op5" in groups["oewg-ict-2019-2021"]["in"]  # "the previous Open-ended Working Group"
    assert groups["gge-ict"]["kind"] == "group of governmental experts"
    assert {"pp12", "pp13", "op2", "op3"} <= set(groups["gge-ict"]["in"])


def test_future_agenda(record: dict) -> None:
    assert record["future_agenda"] == [
        {
            "session": 77,
            "in": "op7",
            "under": None,
            "title": "Developments in the field of information and telecommunications in the "
            "context of international security",
        }
    ]


def test_no_markup_leaks(record: dict) -> None:
    import json

    text = json.dumps(record, ensure_ascii=False)
    for mark in ("**", "*[", "](#)", "¹", "²", "³", "[^"):
        assert mark not in text
    assert record["warnings"] == []
    assert record["annexes"] == []
