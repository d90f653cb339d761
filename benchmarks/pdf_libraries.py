"""Compare the PDF libraries unld could read resolutions with: speed and what each gives.

    python benchmarks/pdf_libraries.py [PDF_DIR] [TEXT_DIR]

For pypdf, pypdfium2 and pdfplumber, on every PDF of ``PDF_DIR`` (default ``../shared/pdf``):
the seconds per document to get (1) the plain text and (2) every character with its font
name, size and position (what finding superscripts, italics and page furniture needs), and
how close the plain text's words are to the extracted text of the same resolution in
``TEXT_DIR`` (default ``../shared/corpus``; the share of its words found, in order, by
``difflib``).  Prints a Markdown table (``docs/pdf.md`` carries the last run).
"""

from __future__ import annotations

import difflib
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

WORD = re.compile(r"[A-Za-z0-9]+")


def pypdf_text(path: Path) -> str:
    import pypdf

    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)


def pypdf_chars(path: Path) -> int:
    """pypdf gives text runs with the font dictionary and the text matrix, not characters."""
    import pypdf

    runs = 0

    def visit(text: str, cm: object, tm: object, font: object, size: float) -> None:
        nonlocal runs
        runs += len(text)

    for page in pypdf.PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    return runs


def pdfium_text(path: Path) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in doc)
    finally:
        doc.close()


def pdfium_chars(path: Path) -> int:
    from unld.parse.pdf import read_chars

    return sum(len(p.chars) for p in read_chars(path.read_bytes(), str(path)))


def plumber_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def plumber_chars(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return sum(len(page.chars) for page in pdf.pages)


def likeness(text: str, reference: str) -> float:
    a, b = WORD.findall(text), WORD.findall(reference)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(m.size for m in matcher.get_matching_blocks()) / max(1, len(b))


def timed(fn: Callable[[Path], object], files: list[Path]) -> tuple[float, list[object]]:
    start = time.perf_counter()
    out = [fn(f) for f in files]
    return (time.perf_counter() - start) / len(files), out


def main(argv: list[str]) -> int:
    pdf_dir = Path(argv[0] if argv else "../shared/pdf")
    text_dir = Path(argv[1] if len(argv) > 1 else "../shared/corpus")
    files = sorted(pdf_dir.glob("*.pdf"))
    refs = [(text_dir / (f.stem + ".txt")).read_text(encoding="utf-8") for f in files]
    pages = 0
    import pypdfium2 as pdfium

    for f in files:
        doc = pdfium.PdfDocument(f)
        pages += len(doc)
        doc.close()
    print(f"{len(files)} PDFs, {pages} pages\n")
    print(
        "| library | text: s/document | chars with font, size, position: s/document | words as in the text |"
    )
    print("|---|---:|---:|---:|")
    for name, text_fn, chars_fn in (
        ("pypdf", pypdf_text, pypdf_chars),
        ("pypdfium2", pdfium_text, pdfium_chars),
        ("pdfplumber", plumber_text, plumber_chars),
    ):
        t_text, texts = timed(text_fn, files)
        t_chars, _ = timed(chars_fn, files)
        like = sum(likeness(str(t), r) for t, r in zip(texts, refs, strict=True)) / len(files)
        print(f"| {name} | {t_text:.3f} | {t_chars:.3f} | {100 * like:.1f}% |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
