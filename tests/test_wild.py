"""Real resolutions nobody tuned the parser for (``tests/data/wild/``, from session 78).

Each file here once was rejected or left out of the dumps, or lost its meeting date; each
test names what went wrong and checks the record, and every file must validate without a
violation.  The footnote-mark tests use sentences of real resolutions whose marks were
not found.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT
from unld.core.iri import IriPolicy
from unld.mapping.mapper import Mapper
from unld.parse import parse_source
from unld.parse.footnotes import place_marks
from unld.sources import read_source
from unld.validation.validator import Validator

WILD = ROOT / "tests" / "data" / "wild"


def _record(name: str) -> dict:
    return parse_source(read_source(WILD / f"{name}.txt"))


@pytest.fixture(scope="module")
def tools() -> tuple[Mapper, Validator]:
    policy = IriPolicy()
    return Mapper(policy), Validator(policy)


@pytest.mark.parametrize("path", sorted(WILD.glob("A_RES_*.txt")), ids=lambda p: p.stem)
def test_every_wild_file_validates(path: Path, tools: tuple[Mapper, Validator]) -> None:
    mapper, validator = tools
    record = parse_source(read_source(path))
    mapped = next(iter(mapper.map_many([record])))
    violations = [
        p.line() for p in validator.validate(mapped.triples, mapped.graph) if p.severity == "Violation"
    ]
    assert violations == []


def test_text_without_the_general_assembly_line() -> None:
    """A/RES/78/225 as extracted lacks 'The General Assembly,': masthead, title and
    numbered paragraphs are there, so it is read, with a warning."""
    record = _record("A_RES_78_225")
    assert record["title"].startswith("Enhancing the contributions of the Commission on Crime")
    assert record["preambular_paragraphs"][0]["lead"] == "Reaffirming"
    assert len(record["operative_paragraphs"]) == 15
    assert any("'The General Assembly,'" in w["message"] for w in record["warnings"])


def test_meeting_date_on_the_last_page_is_not_a_running_title() -> None:
    """'18 December 2023' under the meeting line is also in the masthead: not furniture."""
    assert _record("A_RES_78_129")["meeting"]["date"] == "2023-12-18"


def test_section_heading_after_a_page_break() -> None:
    """A/RES/78/253: section II opens a page, right after a footnote block and the footer."""
    record = _record("A_RES_78_253")
    labels = [s["label"] for s in record["sections"]]
    assert labels[:4] == ["I", "II", "III", "IV"]
    op2 = next(p for p in record["operative_paragraphs"] if p["id"] == "I-op2")
    assert op2["text"].endswith("report of the Advisory Committee;")


def test_a_note_on_the_document_is_not_a_footnote() -> None:
    """'* Reissued for technical reasons' is a note on the issued document."""
    record = _record("A_RES_78_68")
    assert all(f["mark"].isdigit() for f in record["footnotes"])


def test_report_symbol_without_its_slash() -> None:
    record = _record("A_RES_78_79")
    assert record["basis"]["documents"] == ["A/78/423"]
    assert any("A/78423 read as A/78/423" in w["message"] for w in record["warnings"])


def test_a_date_shared_along_a_list_yields_to_a_printed_one() -> None:
    """'1514 (XV) of 14 December 1960' and later '1514 (XV) and 1541 (XV) of 15 December
    1960': resolution 1514 (XV) has one date."""
    record = _record("A_RES_78_85")
    dates = {c["date"] for c in record["citations"] if c["target"] == "A/RES/1514 (XV)"}
    assert dates == {"1960-12-14"}
    assert {c["date"] for c in record["citations"] if c["target"] == "A/RES/1541 (XV)"} == {"1960-12-15"}


def test_another_bodys_decision_with_a_roman_session() -> None:
    """'decision Assembly/AU/Decl. 8 (XXXII)' is the African Union's."""
    record = _record("A_RES_78_185")
    assert not [c for c in record["citations"] if "XXXII" in (c["target"] or "")]


@pytest.mark.parametrize(
    ("text", "mark", "before"),
    [
        ("the progress in the work of the Commission 53 \nand that it is giving", "53", "Commission"),
        (
            "on seafarers’ fundamental rights and on the shipping industry 67 \nhas continued",
            "67",
            "industry",
        ),
        ("off the coast of Somalia since 2011 68 \nresulting from efforts", "68", "2011"),
        ("the Geneva Conventions of 12 August 1949 8 and Additional Protocol I", "8", "1949"),
        ("and the reports of 18 October 2022, 15 March 202321 and 19 October 2023", "21", "2023"),
        ("Implementation of Agenda 216 \nand the Plan of Implementation", "6", "Agenda 21"),
        ("International Day of Human Fraternity, 7 16 November as the International Day", "7", ","),
        ("Environment and Development, 1 Agenda 21, the Programme", "1", ","),
    ],
)
def test_footnote_marks_found_in_real_sentences(text: str, mark: str, before: str) -> None:
    placed, where = place_marks([text], [mark])
    assert where == {mark: 0}
    assert placed[0].split(f"[^{mark}]")[0].rstrip().endswith(before)


@pytest.mark.parametrize(
    "text",
    [
        "Recalling Sustainable Development Goal 14, under the theme",
        "Calling for the immediate repeal of Law No. 10/2018 and all similar laws",
        "held in Montreal, Canada, from 7 to 19 December 2022",
    ],
)
def test_numbers_that_are_not_marks(text: str) -> None:
    assert place_marks([text], ["14", "1", "7", "8"])[1] == {}


@pytest.mark.parametrize(
    ("text", "lead", "key"),
    [
        (
            "Having also examined the report of the Secretary-General,",
            "Having also examined",
            "having-examined",
        ),
        (
            "Expressing concerns about the serious challenges to the States of Central Asia",
            "Expressing concerns",
            "expressing-concerns",
        ),
        (
            "Expresses the view that adequate measures are important",
            "Expresses the view",
            "expresses-the-view",
        ),
        (
            "Expresses its profound gratitude to the Government and the people of Antigua and Barbuda",
            "Expresses its profound gratitude",
            "expresses-its-profound-gratitude",
        ),
        (
            "Sharing deep concern at the catastrophic humanitarian consequences",
            "Sharing deep concern",
            "sharing-deep-concern",
        ),
        (
            "Remains deeply concerned about the recurring food insecurity",
            "Remains deeply concerned",
            "remains-deeply-concerned",
        ),
        ("Pays tribute to the important and long-standing role of the Court", "Pays tribute", "pays-tribute"),
        ("Underlines further that the open-ended working group 2021–2025 should", "Underlines", "underlines"),
        ("Recalling further its resolution 75/290 B of 25 June 2021,", "Recalling further", "recalling"),
        ("Guided by the purposes and principles of the Charter", "Guided", "guided"),
        ("Calls once again upon all States to", "Calls once again upon", "calls-upon"),
    ],
)
def test_lead_phrases_of_unseen_resolutions(text: str, lead: str, key: str) -> None:
    """Sentences of session 78 resolutions: the grammar of lead phrases, not a list."""
    from unld.mapping.phrases import phrase_key
    from unld.parse.leads import lead_phrase

    assert lead_phrase(text) == lead
    assert phrase_key(lead) == key


def test_new_phrases_of_unseen_resolutions_have_concepts() -> None:
    """The vocabulary grew from the phrases the grammar found in session 78."""
    from unld.mapping.phrases import phrase_key

    ttl = (ROOT / "ontology" / "phrases.ttl").read_text()
    for lead in (
        "Expresses grave concern",
        "Recalling with appreciation",
        "Having also considered",
        "Highlights",
    ):
        assert f"phrase:{phrase_key(lead)} a skos:Concept" in ttl
