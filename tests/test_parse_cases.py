"""The hard cases of real resolution texts, each with the few lines of real text that show it."""

from __future__ import annotations

import pytest

from unld.parse import parse_source
from unld.parse.citations import find_citations, find_documents
from unld.parse.footnotes import place_marks
from unld.parse.leads import lead_phrase
from unld.parse.lines import join_lines, split_lines
from unld.parse.pdftext import split_layout
from unld.sources import Source


def cites(text: str, session: int = 80) -> list[tuple]:
    return [(c.target, c.kind, c.body, c.date) for c in find_citations(text, "pp1", session)]


def parse_text(text: str, name: str = "A_RES_80_1.txt") -> dict:
    return parse_source(Source(name, text, "0" * 64, "pdf-text"))


# --- citations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Recalling its resolution 50/70 M of 12 December 1995,",
            [("A/RES/50/70 M", "resolution", "General Assembly", "1995-12-12")],
        ),
        (
            "Recalling its resolutions 78/25 and 79/45,1",
            [
                ("A/RES/78/25", "resolution", "General Assembly", None),
                ("A/RES/79/45", "resolution", "General Assembly", None),
            ],
        ),
        (
            "Recalling its resolutions 57/284 A and B of 20 December 2002",
            [
                ("A/RES/57/284 A", "resolution", "General Assembly", "2002-12-20"),
                ("A/RES/57/284 B", "resolution", "General Assembly", "2002-12-20"),
            ],
        ),
        (
            "Recalling its resolutions 37/240 of 21 December 1982, 40/257 A to C of 18 December 1985",
            [
                ("A/RES/37/240", "resolution", "General Assembly", "1982-12-21"),
                ("A/RES/40/257 A", "resolution", "General Assembly", "1985-12-18"),
                ("A/RES/40/257 B", "resolution", "General Assembly", "1985-12-18"),
                ("A/RES/40/257 C", "resolution", "General Assembly", "1985-12-18"),
            ],
        ),
        (
            "Recalling also its resolution 1514 (XV) of 14 December 1960",
            [("A/RES/1514 (XV)", "resolution", "General Assembly", "1960-12-14")],
        ),
        (
            "Recalling its resolutions 2 (I) of 1 February 1946, 2480 B (XXIII) of 21 December 1968",
            [
                ("A/RES/2 (I)", "resolution", "General Assembly", "1946-02-01"),
                ("A/RES/2480 B (XXIII)", "resolution", "General Assembly", "1968-12-21"),
            ],
        ),
        (
            "the Final Document of the Tenth Special Session of the General Assembly, adopted by its "
            "resolution S-10/2 and its resolution ES-11/1 of 2 March 2022",
            [
                ("A/RES/S-10/2", "resolution", "General Assembly", None),
                ("A/RES/ES-11/1", "resolution", "General Assembly", "2022-03-02"),
            ],
        ),
        (
            "Reaffirming its resolution 70/1 of 25 September 2015, entitled “Transforming our world: the "
            "2030 Agenda for Sustainable Development”, 71/313 of 6 July 2017 and 75/1,",
            [
                ("A/RES/70/1", "resolution", "General Assembly", "2015-09-25"),
                ("A/RES/71/313", "resolution", "General Assembly", "2017-07-06"),
                ("A/RES/75/1", "resolution", "General Assembly", None),
            ],
        ),
        (
            "as well as its decisions 72/512 of 4 December 2017 and 75/564 of 28 April 2021,",
            [
                ("A/DEC/72/512", "decision", "General Assembly", "2017-12-04"),
                ("A/DEC/75/564", "decision", "General Assembly", "2021-04-28"),
            ],
        ),
        (
            "Recalling Security Council resolution 1325 (2000) of 31 October 2000",
            [("S/RES/1325 (2000)", "resolution", "Security Council", "2000-10-31")],
        ),
        (
            "further recalling the adoption of resolutions 72/276 and 2413 (2018) of 26 April 2018",
            [
                ("A/RES/72/276", "resolution", "General Assembly", "2018-04-26"),
                ("S/RES/2413 (2018)", "resolution", "Security Council", "2018-04-26"),
            ],
        ),
    ],
)
def test_citation_forms(text: str, expected: list[tuple]) -> None:
    assert cites(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "to achieve 50/50 gender balance at all levels,",
        "the adoption of Law No. 10/2018 on the protection of persons,",
        "adopted on 24/7 basis; see page 2/7 of the report,",
    ],
)
def test_not_citations(text: str) -> None:
    assert [c for c in cites(text) if c[2] == "General Assembly"] == []


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("Welcoming Human Rights Council resolution 52/27 of 4 April 2023,", "Human Rights Council"),
        (
            "to support the activities mandated by the Human Rights Council in its resolutions 58/13 "
            "of 3 April 2025,",
            "Human Rights Council",
        ),
        (
            "the Kunming-Montreal Global Biodiversity Framework and resolution 5/12 of the United Nations "
            "Environment Assembly,",
            "United Nations Environment Assembly",
        ),
        (
            "Official Records of the Economic and Social Council, 2025, Supplement No. 7 (E/2025/27), "
            "chap. I, sect. C, resolution 69/1, annex.",
            "another body",
        ),
        ("A/56/1026-S/2002/932, annex II, resolution 14/221.", "another body"),
    ],
)
def test_other_bodies_are_not_the_assembly(text: str, body: str) -> None:
    found = cites(text)
    assert found and all(c[2] == body for c in found)
    assert not any(c[0] and c[0].startswith("A/RES/") for c in found)


def test_document_symbols() -> None:
    text = (
        "as contained in A/CONF.199/20, E/2019/33, A/HRC/43/2, A/67/828-S/2013/210 and "
        "ICCD/COP(13)/21/Add.1, and A/78/15 (Part I)."
    )
    assert [c.target for c in find_documents(text, "fn1")] == [
        "A/CONF.199/20",
        "E/2019/33",
        "A/HRC/43/2",
        "A/67/828-S/2013/210",
        "ICCD/COP(13)/21/Add.1",
        "A/78/15 (Part I)",
    ]


# --- footnote marks ------------------------------------------------------------------------


def test_glued_footnote_marks() -> None:
    texts = [
        "Recalling its resolution 79/45,1 and the report of the Secretary-General,2",
        "Reaffirm the 2030 Agenda for Sustainable Development, 3  including the resolve",
        "in its resolution 77/2284 and Tribunals5 and the",
    ]
    placed, where = place_marks(texts, ["1", "2", "3", "4", "5"])
    assert placed[0] == ("Recalling its resolution 79/45,[^1] and the report of the Secretary-General,[^2]")
    assert "Development,[^3]  including" in placed[1]
    assert placed[2] == "in its resolution 77/228[^4] and Tribunals[^5] and the"
    assert where == {"1": 0, "2": 0, "3": 1, "4": 2, "5": 2}


# --- lead phrases ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        ("Recalling further World Health Assembly resolutions 60.18", "Recalling further"),
        ("Also requests the Secretary-General to report", "Also requests"),
        ("Takes note with appreciation of the report", "Takes note with appreciation"),
        ("Bearing in mind that", "Bearing in mind"),
        ("Calls upon Member States", "Calls upon"),
        ("Calls once again upon all States", "Calls once again upon"),
        ("Expresses its deep concern at", "Expresses its deep concern"),
        ("Deeply concerned about", "Deeply concerned"),
        ("Guided by the purposes", "Guided"),
        ("Having considered the report", "Having considered"),
        ("Encourages further efforts to", "Encourages"),
        ("Deplores and strongly condemns the", "Deplores and strongly condemns"),
        ("Taking note further of the recent", "Taking note further"),
        ("Continues to encourage Member States", "Continues to encourage"),
        ("Looks forward to the convening", "Looks forward"),
    ],
)
def test_lead_phrases(text: str, lead: str) -> None:
    assert lead_phrase(text) == lead


# --- layout --------------------------------------------------------------------------------

PAGE_BREAK = """\
Noting that considerable progress has been achieved in developing and applying 
the latest information technologies and means of telecommunication, 

A/RES/76/19 
Developments in the field of information and telecommunications 
in the context of international security, and advancing responsible 
State behaviour in the use of information and 
communications technologies
 
21-18253
2/3 
 
 
Expressing concern that these technologies and means can potentially be used 
"""


def test_running_header_removed_between_paragraphs() -> None:
    head = (
        "United Nations \nA/RES/76/19\n \nSeventy-sixth session \nAgenda item 95\n\n"
        "76/19. Developments in the field of information and telecommunications \n"
        "in the context of international security, and advancing responsible \n"
        "State behaviour in the use of information and \ncommunications technologies \n\n"
        "The General Assembly, \n \n"
    )
    layout = split_layout(split_lines(head + PAGE_BREAK))
    body = [ln.text.strip() for ln in layout.body if ln.text.strip()]
    assert "21-18253" not in body and "2/3" not in body
    assert body[-1].startswith("Expressing concern")
    assert body[-2].endswith("means of telecommunication,")


def test_header_in_the_middle_of_a_sentence(tmp_path) -> None:
    from tests.conftest import CORPUS

    path = CORPUS / "A_RES_78_220.txt"
    from unld.sources import read_source

    rec = parse_source(read_source(path))
    texts = [p["text"] for p in rec["operative_paragraphs"]]
    # page 3 begins inside operative paragraph 4: the sentence runs on, no header inside
    joined = next(t for t in texts if "as well as other actions provided under the penal code" in t)
    assert "A/RES/78/220" not in joined and "23-25993" not in joined


def test_hyphenation_and_breaks() -> None:
    assert (
        join_lines(["report of the Secretary-", "General on the", "drug -", "resistant forms"])
        == "report of the Secretary-General on the drug-resistant forms"
    )
    assert join_lines(["a zero -tolerance policy"]) == "a zero-tolerance policy"


# --- whole small documents ----------------------------------------------------------------

MASTHEAD = """\
United Nations 
A/RES/80/1
 
General Assembly 
Distr.: General 
16 December 2025 
 
25-20552 (E) 
*2520552* 
 
Eightieth session 
Agenda items 14 and 117 (a)
 
 
 Resolution adopted by the General Assembly 
on 12 December 2025 
 
[on the report of the Special Political and Decolonization Committee (Fourth Committee) 
(A/80/400, para. 12)] 
 
80/1. Example title that runs 
over two lines 
 
The General Assembly, 
 
"""


def test_masthead_forms() -> None:
    rec = parse_text(
        MASTHEAD + "Recalling its resolution 79/1,\n \n1. \nDecides to act;\n \n"
        "61st plenary meeting \n12 December 2025 \n"
    )
    assert rec["symbol"] == "A/RES/80/1" and rec["session"] == 80
    assert [(a["number"], a["sub_item"]) for a in rec["agenda_items"]] == [("14", None), ("117", "a")]
    assert rec["basis"]["committee"] == "Fourth Committee"
    assert rec["basis"]["documents"] == ["A/80/400"] and rec["basis"]["paragraph"] == "12"
    assert rec["title"] == "Example title that runs over two lines"
    assert rec["operative_paragraphs"][0]["number"] == "1"
    assert rec["operative_paragraphs"][0]["lead"] == "Decides"
    assert rec["meeting"]["number"] == 61 and rec["meeting"]["date"] == "2025-12-12"


def test_without_reference_basis() -> None:
    text = MASTHEAD.replace(
        "[on the report of the Special Political and Decolonization Committee (Fourth Committee) \n"
        "(A/80/400, para. 12)] ",
        "[without reference to a Main Committee (A/73/L.4 and A/73/L.4/Add.1)] ",
    )
    rec = parse_text(
        text + "Recalling its resolution 79/1,\n \n1. \nDecides to act;\n \n"
        "61st plenary meeting \n12 December 2025 \n"
    )
    assert rec["basis"] == {
        "kind": "without-reference",
        "committee": None,
        "documents": ["A/73/L.4", "A/73/L.4/Add.1"],
        "paragraph": None,
    }


def test_sections_subparagraphs_and_roman_items() -> None:
    body = (
        "I \nGeneral \n \nRecalling its resolution 79/1,\n \n1. \nDecides:\n \n(a) \n"
        "To act;\n \n(b) \nTo report on:\n \n(i) \nprogress;\n \n(ii) \nresults;\n \n"
        "II \nBudget \n \n1. \nApproves the budget;\n \n2. \nRequests the report.\n \n"
        "61st plenary meeting \n12 December 2025 \n"
    )
    rec = parse_text(MASTHEAD + body)
    ops = rec["operative_paragraphs"]
    assert [o["id"] for o in ops] == ["I-op1", "II-op1", "II-op2"]
    assert [s["label"] for s in ops[0]["subparagraphs"]] == ["a", "b"]
    assert [s["id"] for s in ops[0]["subparagraphs"][1]["subparagraphs"]] == ["I-op1b-i", "I-op1b-ii"]
    assert [s["label"] for s in rec["sections"]] == ["I", "II"]


def test_adopted_declaration_is_an_annex() -> None:
    body = (
        "Adopts the following political declaration approved by the high-level meeting:\n"
        "\n\nPolitical declaration of the high-level meeting\n\n We, Heads of State, "
        "reaffirm our commitment:\n 1. Reaffirm the 2030 Agenda, as in resolution 70/1;\n"
        " 2. Commit to act.\n\n115th plenary meeting \n13 September 2018 \n"
    )
    rec = parse_text(MASTHEAD.replace("Recalling", "") + body)
    assert len(rec["operative_paragraphs"]) == 1
    assert rec["operative_paragraphs"][0]["number"] is None
    assert rec["operative_paragraphs"][0]["lead"] == "Adopts"
    assert rec["annexes"][0]["kind"] == "adopted-text"
    assert rec["annexes"][0]["title"] == "Political declaration of the high-level meeting"
    # what the adopted text cites is cited by its own paragraphs, never by the resolution's
    cites = [c for c in rec["citations"] if c["target"] == "A/RES/70/1"]
    assert cites and all(c["in"].startswith("annex-") for c in cites)


def test_annex_after_meeting_line() -> None:
    body = (
        "Recalling its resolution 79/1,\n \n1. \nApproves the terms of reference contained "
        "in the annex to the present resolution.\n \n61st plenary meeting \n"
        "12 December 2025 \n \nAnnex \n \nTerms of reference \n \n1. The group shall meet "
        "twice, as decided in resolution 78/5.\n"
    )
    rec = parse_text(MASTHEAD + body)
    assert len(rec["operative_paragraphs"]) == 1
    assert rec["annexes"][0]["kind"] == "annex" and rec["annexes"][0]["title"] == "Terms of reference"
    assert rec["annexes"][0]["referred_by"] == ["op1"]
    cites = [c for c in rec["citations"] if c["target"] == "A/RES/78/5"]
    assert [c["in"] for c in cites] == ["annex-p1"]


def test_malformed_pieces_become_warnings() -> None:
    text = MASTHEAD.replace("on 12 December 2025", "on 32 Decembre 2025").replace(
        "Agenda items 14 and 117 (a)", "Agenda item to be announced"
    )
    rec = parse_text(
        text + "Recalling its resolution 79/1,\n \n1. \nDecides to act;\n \n"
        "61st plenary meeting \n12 December 2025 \n"
    )
    messages = " | ".join(w["message"] for w in rec["warnings"])
    assert "adoption date" in messages and "agenda line" in messages
    assert rec["adopted_on"] is None
    assert all(isinstance(w["line"], int) for w in rec["warnings"])


def test_shared_date_only_for_and_pairs() -> None:
    """Regression: a date printed after the last of a comma list belongs to it alone."""
    got = dict(
        (c[0], c[3])
        for c in cites(
            "Recalling its resolutions 46/77 of 2 March 1992, 47/233 of 17 August 1993, 48/264, "
            "51/241, 52/163 of 15 December 1997, 51/241, and 71/263 of 23 December 2016, and "
            "74/28 and 74/29 of 12 December 2019"
        )
    )
    assert got["A/RES/48/264"] is None and got["A/RES/51/241"] is None
    assert got["A/RES/52/163"] == "1997-12-15"
    assert got["A/RES/74/28"] == got["A/RES/74/29"] == "2019-12-12"


def test_marks_spaced_from_words_and_decimals() -> None:
    """Regression: marks printed with single spaces ("Kosovo 1 and", "Agenda, 1 to"), a
    decimal number that is not a mark ("42.1 million"), and a counter that is not one
    ("Goal 1 and"); one false early place must not push every later mark out of reach."""
    texts = [
        "the report of the Secretary-General on the budget of the Mission in Kosovo 1 and the "
        "related report of the Advisory Committee on Administrative and Budgetary Questions, 2",
        "building on the 2015 Addis Ababa Action Agenda, 3 to close the financing gap, 4\nand "
        "catalyse investments, in line with Sustainable Development Goal 1 and",
        "amounting to 42.1 million United States dollars, representing some 1 per cent;5",
    ]
    placed, where = place_marks(texts, ["1", "2", "3", "4", "5"])
    assert "Kosovo[^1] and" in placed[0] and "Questions,[^2]" in placed[0]
    assert "Agenda,[^3] to" in placed[1] and "gap,[^4]" in placed[1]
    assert "Goal 1 and" in placed[1] and "42.1 million" in placed[2]
    assert placed[2].endswith("cent;[^5]")
    assert where == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 2}


@pytest.mark.parametrize(
    ("session_line", "number", "symbol", "session"),
    [
        ("Eleventh emergency special session", "ES-11/1", "A/RES/ES-11/1", "ES-11"),
        ("Twenty-seventh special session", "S-27/2", "A/RES/S-27/2", "S-27"),
    ],
)
def test_special_sessions(session_line: str, number: str, symbol: str, session: str) -> None:
    from tests.conftest import CORPUS

    text = (CORPUS / "A_RES_76_19.txt").read_text()
    text = (
        text.replace("Seventy-sixth session", session_line)
        .replace("76/19. Developments", f"{number}. Developments")
        .replace("A/RES/76/19", symbol)
    )
    rec = parse_text(text)
    assert (rec["symbol"], rec["session"], rec["number"]) == (symbol, session, number)
    assert rec["warnings"] == []


def test_windows_line_ends_bom_and_no_break_spaces() -> None:
    from tests.conftest import CORPUS
    from unld.sources import normalise_text

    text = (CORPUS / "A_RES_76_19.txt").read_text()
    odd = "\ufeff" + text.replace("\n", "\r\n").replace(" ", "\u00a0", 80)
    assert parse_text(normalise_text(odd)) == parse_text(text)


def test_html_rendering() -> None:
    """An HTML rendering (paragraphs, <sup> footnote marks) gives the same resolution."""
    from tests.conftest import EXAMPLE
    from unld.sources import read_source

    md = parse_source(read_source(EXAMPLE))
    paras = "".join(
        f"<p>{'<i>' + p['lead'] + '</i>' + p['text'][len(p['lead']) :] if p['lead'] else p['text']}"
        + "".join(f"<sup>{m}</sup>" for m in p["footnotes"])
        + "</p>"
        for p in md["preambular_paragraphs"]
    )
    ops = "".join(
        f"<p>{p['number']}. {p['text']}"
        + "".join(f"<sup>{m}</sup>" for m in p["footnotes"])
        + "</p>"
        + "".join(f"<p>({s['label']}) {s['text']}</p>" for s in p["subparagraphs"])
        for p in md["operative_paragraphs"]
    )
    notes = "".join(f"<p><sup>{f['mark']}</sup> {f['text']}</p>" for f in md["footnotes"])
    html = (
        "<!DOCTYPE html><html><head><title>A/RES/76/19</title><style>p{}</style></head><body>"
        "<p>Seventy-sixth session</p><p>Agenda item 95</p><p>Developments in the field of "
        "information and telecommunications in the context of international security</p>"
        "<p>Resolution adopted by the General Assembly on 6 December 2021</p>"
        "<p>[on the report of the First Committee (A/76/439, para. 7)]</p>"
        f"<h1>76/19. {md['title']}</h1><p><i>The General Assembly,</i></p>{paras}{ops}"
        "<p>45th plenary meeting</p><p>6 December 2021</p>" + notes + "</body></html>"
    )
    rec = parse_source(Source("A_RES_76_19.html", html, "0" * 64, "html"))
    for field in (
        "symbol",
        "session",
        "title",
        "adopted_on",
        "basis",
        "meeting",
        "citations",
        "working_groups",
        "future_agenda",
    ):
        assert rec[field] == md[field], field
    assert [p["lead"] for p in rec["preambular_paragraphs"]] == [
        p["lead"] for p in md["preambular_paragraphs"]
    ]
    assert [(p["number"], p["footnotes"]) for p in rec["operative_paragraphs"]] == [
        (p["number"], p["footnotes"]) for p in md["operative_paragraphs"]
    ]
    assert [(f["mark"], f["documents"], f["in"]) for f in rec["footnotes"]] == [
        (f["mark"], f["documents"], f["in"]) for f in md["footnotes"]
    ]


def test_superscript_marks_and_capitalised_masthead() -> None:
    """Extractions that keep superscript marks, and older mastheads in capitals."""
    from tests.conftest import CORPUS

    text = (CORPUS / "A_RES_76_19.txt").read_text()
    text = text.replace("International Security,1 ", "International Security,¹ ")
    text = text.replace("\n1 A/65/201", "\n¹ A/65/201")
    text = text.replace(
        " Resolution adopted by the General Assembly ", " RESOLUTION ADOPTED BY THE GENERAL ASSEMBLY "
    )
    rec = parse_text(text)
    assert rec["organ"] == "General Assembly" and rec["adopted_on"] == "2021-12-06"
    assert rec["footnotes"][0]["mark"] == "1" and rec["footnotes"][0]["in"] == "pp13"
    assert rec["preambular_paragraphs"][12]["text"].endswith("International Security,")
    assert rec["warnings"] == []
