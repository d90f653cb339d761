"""PDF input: the UN's own PDF files read directly, and PDFs that cannot be read.

The PDFs in ``tests/data/pdf/`` are official files of three corpus resolutions (their
MANIFEST says where from), with the gold annotations of their texts.  Broken PDFs are made
from them here: cut short, encrypted, rasterized into pages without a text layer.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.scoring import project, score
from tests.conftest import CORPUS, ROOT
from unld.core.errors import InputError
from unld.parse import _lead, parse_source
from unld.sources import expand, read_source

PDFS = ROOT / "tests" / "data" / "pdf"
NAMES = ["A_RES_78_107", "A_RES_78_55", "A_RES_78_222"]


def _record(name: str) -> dict:
    return parse_source(read_source(PDFS / f"{name}.pdf"))


def _unld(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed ``unld`` command in a process of its own (exit code, stderr)."""
    unld = Path(sys.executable).with_name("unld")
    return subprocess.run([str(unld), *args], capture_output=True, text=True, cwd=cwd, timeout=600)


@pytest.mark.parametrize("name", NAMES)
def test_pdf_scores_like_the_gold(name: str) -> None:
    """Every field of the gold read from the PDF, as from the text of the same resolution."""
    gold = json.loads((PDFS / f"{name}.txt.json").read_text())
    record = _record(name)
    assert record["source"]["format"] == "pdf"
    scores = score(project(record), gold)
    assert {f: v for f, v in scores.items() if v is not None and v < 1} == {}
    text_scores = score(project(parse_source(read_source(CORPUS / f"{name}.txt"))), gold)
    for field, value in scores.items():
        if value is not None:
            assert value >= (text_scores[field] or 0), field


def test_superscripts_place_every_footnote_mark() -> None:
    """Marks are the raised, smaller digits of the PDF: each footnote is placed where its
    superscript stands (checked by hand against the printed page)."""
    record = _record("A_RES_78_107")
    where = {f["mark"]: f["in"] for f in record["footnotes"]}
    assert where == {"1": "pp7", "2": "op1", "3": "op2", "4": "op12", "5": "op28"}
    assert not [w for w in record["warnings"] if "mark" in w["message"]]
    # "Law No. 10/2018" is not mark 8 (the text input's guess): the superscript is in pp32
    record = _record("A_RES_78_222")
    assert {f["mark"]: f["in"] for f in record["footnotes"]}["8"] == "pp32"
    pp32 = next(p for p in record["preambular_paragraphs"] if p["id"] == "pp32")
    assert pp32["footnotes"] == ["8"]
    assert "a draft resolution was not adopted" in pp32["text"]


def test_running_headers_and_footers_are_not_text() -> None:
    """The page bands hold the symbol, the running title, the job number and ``2/5``."""
    record = _record("A_RES_78_107")
    texts = [p["text"] for p in record["preambular_paragraphs"] + record["operative_paragraphs"]]
    for t in texts:
        assert "23-24966" not in t and "A/RES/78/107" not in t and "/5" not in t
    # a paragraph that runs over a page break is one paragraph
    assert any(t.startswith("Recognizing the importance of the Programme of Assistance") for t in texts)
    assert record["meeting"] == {"kind": "plenary", "number": 45, "date": "2023-12-07", "resumed": False}


def test_italics_mark_the_lead_but_the_grammar_cuts_it() -> None:
    """PDF italics run over the object (*Reiterates its approval*): the grammar cuts it;
    italics shorter than the grammar's reading (*Underlines* further) decide."""
    record = _record("A_RES_78_107")
    assert record["operative_paragraphs"][0]["lead"] == "Reiterates"
    assert record["preambular_paragraphs"][6]["lead"] == "Taking note with appreciation"
    assert _lead("Underlines further that the group should take into account", "Underlines") == "Underlines"
    assert _lead("Reiterates its request to the Secretary-General", "Reiterates its request") == "Reiterates"


def test_build_a_folder_of_pdfs(tmp_path: Path) -> None:
    """``unld build`` takes a folder of PDFs; the dumps hold their graphs."""
    src = tmp_path / "src"
    src.mkdir()
    for name in NAMES[:2]:
        (src / f"{name}.pdf").write_bytes((PDFS / f"{name}.pdf").read_bytes())
    assert [p.name for p in expand([src])] == ["A_RES_78_107.pdf", "A_RES_78_55.pdf"]
    out = tmp_path / "b"
    proc = _unld("build", str(src), "--out", str(out), "--no-site", "--quiet", "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    nq = (out / "unld.nq").read_text()
    assert "<https://w3id.org/unld/graph/A/RES/78/107>" in nq
    assert '"pdf"' in nq


# --- PDFs that cannot be read ------------------------------------------------------------


def _truncated(tmp: Path) -> Path:
    data = (PDFS / "A_RES_78_55.pdf").read_bytes()
    path = tmp / "truncated.pdf"
    path.write_bytes(data[: len(data) // 3])
    return path


def _encrypted(tmp: Path, user_password: str = "secret") -> Path:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(PDFS / "A_RES_78_55.pdf"))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    path = tmp / ("encrypted.pdf" if user_password else "restricted.pdf")
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def _scanned(tmp: Path) -> Path:
    """The resolution's pages rendered to images, in a PDF without text: a scan."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(PDFS / "A_RES_78_55.pdf")
    scan = pdfium.PdfDocument.new()
    for i in range(len(doc)):
        width, height = doc[i].get_size()
        image = pdfium.PdfImage.new(scan)
        image.set_bitmap(doc[i].render(scale=1))
        image.set_matrix(pdfium.PdfMatrix().scale(width, height))
        page = scan.new_page(width, height)
        page.insert_obj(image)
        page.gen_content()
    buf = io.BytesIO()
    scan.save(buf)
    path = tmp / "scanned.pdf"
    path.write_bytes(buf.getvalue())
    return path


def _not_a_resolution(tmp: Path) -> Path:
    """A real PDF page of a resolution's middle: no masthead, no opening."""
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_page(pypdf.PdfReader(PDFS / "A_RES_78_107.pdf").pages[2])
    path = tmp / "page3.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (_truncated, "the PDF is damaged or truncated"),
        (_encrypted, "the PDF is encrypted with a password"),
        (_scanned, "the PDF has no text layer"),
        (_not_a_resolution, "not a General Assembly resolution"),
    ],
)
def test_unreadable_pdf_is_named_and_explained(tmp_path: Path, make, expected: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(InputError) as info:
        parse_source(read_source(path))
    assert str(info.value).startswith(f"{path}: ")
    assert expected in str(info.value)
    proc = _unld("parse", str(path), str(PDFS / "A_RES_78_55.pdf"))
    assert proc.returncode == 2
    assert f"{path}: " in proc.stderr and expected in proc.stderr
    assert "Traceback" not in proc.stderr
    # the good file's record is still printed
    assert [r["symbol"] for r in json.loads(proc.stdout)] == ["A/RES/78/55"]


def test_a_text_file_named_pdf(tmp_path: Path) -> None:
    path = tmp_path / "A_RES_78_55.pdf"
    path.write_text((CORPUS / "A_RES_78_55.txt").read_text())
    with pytest.raises(InputError, match="not a PDF file"):
        read_source(path)


def test_pdf_with_an_owner_password_only_is_read(tmp_path: Path) -> None:
    """Restrictions without a password to open (printing, copying) do not stop reading."""
    record = parse_source(read_source(_encrypted(tmp_path, user_password="")))
    assert record["symbol"] == "A/RES/78/55"


def test_build_skips_broken_pdfs_and_builds_the_others(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for make in (_truncated, _encrypted, _scanned):
        make(src)
    (src / "A_RES_78_55.pdf").write_bytes((PDFS / "A_RES_78_55.pdf").read_bytes())
    out = tmp_path / "b"
    proc = _unld("build", str(src), "--out", str(out), "--no-site", "--quiet", "--jobs", "1")
    assert proc.returncode == 2, proc.stderr
    for name in ("truncated.pdf", "encrypted.pdf", "scanned.pdf"):
        assert name in proc.stderr
    assert "Traceback" not in proc.stderr
    assert "<https://w3id.org/unld/graph/A/RES/78/55>" in (out / "unld.nq").read_text()


def test_parse_and_validate_take_a_folder_of_pdfs(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in NAMES[:2]:
        (src / f"{name}.pdf").write_bytes((PDFS / f"{name}.pdf").read_bytes())
    proc = _unld("parse", str(src))
    assert proc.returncode == 0, proc.stderr
    assert [r["symbol"] for r in json.loads(proc.stdout)] == ["A/RES/78/107", "A/RES/78/55"]
    proc = _unld("validate", str(src))
    assert proc.returncode == 0, proc.stderr
    assert "2 graph(s) validated: 0 violation(s)" in proc.stdout


def test_publish_takes_pdfs() -> None:
    """``unld publish`` builds the PDFs it is given, then sends one graph per resolution."""
    proc = _unld("publish", str(PDFS), "--endpoint", "http://127.0.0.1:9/query", "--dry-run")
    assert proc.returncode == 0, proc.stderr
    for name in NAMES:
        assert f"https://w3id.org/unld/graph/{name.replace('_', '/')}\t" in proc.stdout
