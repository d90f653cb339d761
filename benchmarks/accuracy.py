"""Score ``unld parse`` against the gold annotations, field by field.

    python benchmarks/accuracy.py [CORPUS_DIR] [GOLD_DIR] [--details]
    python benchmarks/accuracy.py --pdf [PDF_DIR] [CORPUS_DIR] [GOLD_DIR] [--details]
    python benchmarks/accuracy.py ../shared/sc/corpus ../shared/sc/gold      # the Council's keys
    python benchmarks/accuracy.py ../shared/sc/pdf ../shared/sc/gold         # from the PDFs

Prints a table: per field, the mean score over the documents where gold has a value
(scalars exact, sets by F1, lead lists by the share of positions that agree), and the mean
of the fields.  ``--details`` also lists every document and field below 1.

With ``--pdf`` (default folder ``../shared/pdf``) the documents are those with a PDF, and
each is scored twice, from its text in ``CORPUS_DIR`` and from its PDF, in two columns.
The PDF's superscripts say where each footnote mark truly is: the placement precision is
the share of the marks the text input placed (by searching the running text for them) in
the paragraph where the PDF's superscript stands.

Answer keys of Security Council resolutions (``../shared/sc/gold``, named by file stem) are
recognised by their fields and scored on the Council's fields (vote, mandates...); a field
with nothing to score (no printed vote) is shown as "—" and left out of the mean.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from scoring import (
    COUNCIL_FIELDS,
    FIELDS,
    is_council_gold,
    mandate_keys,
    project,
    project_council,
    score,
    score_council,
)

from unld.core.errors import InputError
from unld.parse import parse_source
from unld.sources import read_source


class Run:
    """The scores of one input kind over the documents."""

    def __init__(self, name: str, council: bool = False) -> None:
        self.name = name
        self.fields = COUNCIL_FIELDS if council else FIELDS
        self.project, self.score = (project_council, score_council) if council else (project, score)
        self.totals: dict[str, list[float]] = {f: [] for f in self.fields}
        self.marks_total = 0
        self.marks_placed = 0
        self.failures: list[str] = []
        self.wrong: list[tuple[str, str, float, object, object]] = []
        self.records: dict[str, dict] = {}
        self.seconds = 0.0

    def add(self, src: Path, key: str, gold: dict) -> None:
        start = time.perf_counter()
        try:
            record = parse_source(read_source(src))
            self.records[key] = record
            got = self.project(record)
            self.marks_total += len(record["footnotes"])
            self.marks_placed += sum(1 for fn in record["footnotes"] if fn["in"])
        except InputError as exc:
            self.failures.append(f"{src.name}: {exc}")
            got = {}
        self.seconds += time.perf_counter() - start
        for field, value in self.score(got, gold).items():
            if value is None:
                continue
            self.totals[field].append(value)
            if value < 1:
                want = gold.get(field)
                if field == "mandates":
                    want = mandate_keys(want)
                self.wrong.append((src.name, field, value, got.get(field), want))

    def mean(self, field: str) -> float | None:
        """The field's mean score, or None where no document has it."""
        vals = self.totals[field]
        return sum(vals) / len(vals) if vals else None

    def overall(self) -> float:
        """The mean of the fields that were scored."""
        means = [m for f in self.fields if (m := self.mean(f)) is not None]
        return sum(means) / len(means) if means else 1.0


def _details(run: Run) -> None:
    print(f"\nbelow 1 ({run.name}):")
    for name, field, value, have, want in run.wrong:
        print(f"  {name} {field} {value:.2f}")
        if field in (
            "cited_resolutions",
            "cited_sc_resolutions",
            "cited_decisions",
            "footnote_documents",
            "cited_ga_resolutions",
            "cited_documents",
            "mandates",
        ):
            print(f"      missing {sorted(set(want) - set(have or []))}")
            print(f"      extra   {sorted(set(have or []) - set(want))}")
        else:
            print(f"      got  {have!r:.300}")
            print(f"      want {want!r:.300}")


def _placement(text: Run, pdf: Run) -> tuple[int, int, list[str]]:
    """Marks the text input placed in the paragraph of the PDF's superscript."""
    agree = total = 0
    off: list[str] = []
    for key, rec in pdf.records.items():
        truth = {fn["mark"]: fn["in"] for fn in rec["footnotes"] if fn["in"]}
        other = {fn["mark"]: fn["in"] for fn in text.records.get(key, {}).get("footnotes", [])}
        for mark, where in truth.items():
            if other.get(mark) is None:
                continue
            total += 1
            if other[mark] == where:
                agree += 1
            else:
                off.append(f"{key} mark {mark}: text input {other[mark]}, superscript in {where}")
    return agree, total, off


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    details = "--details" in argv
    with_pdf = "--pdf" in argv
    if with_pdf:
        pdf_dir = Path(args[0] if args else "../shared/pdf")
        corpus = Path(args[1] if len(args) > 1 else "../shared/corpus")
        gold_dir = Path(args[2] if len(args) > 2 else "../shared/gold")
        pdfs = {p.stem: p for p in pdf_dir.glob("*.pdf")}
        gold_files = sorted(g for g in gold_dir.glob("*.txt.json") if g.name[: -len(".txt.json")] in pdfs)
    else:
        corpus = Path(args[0] if args else "../shared/corpus")
        gold_dir = Path(args[1] if len(args) > 1 else "../shared/gold")
        gold_files = sorted(gold_dir.glob("*.json"))
    council = bool(gold_files) and is_council_gold(json.loads(gold_files[0].read_text()))
    runs = [Run("text", council)] + ([Run("pdf", council)] if with_pdf else [])
    for gf in gold_files:
        name = gf.name[: -len(".json")]
        gold = json.loads(gf.read_text())
        src = corpus / name
        if not src.exists():
            # answer keys named by file stem: the .txt or .pdf of the same name
            src = next(iter(sorted(corpus.glob(name + ".*"))), src)
        if not src.exists():
            continue
        runs[0].add(src, name, gold)
        if with_pdf:
            runs[1].add(pdfs[Path(name).stem], name, gold)
    head = " | ".join(r.name for r in runs)
    print(f"| field | documents | {head} |\n|---|---:|" + "---:|" * len(runs))
    for field in runs[0].fields:
        cells = " | ".join("—" if (m := r.mean(field)) is None else f"{100 * m:.1f}%" for r in runs)
        print(f"| {field} | {len(runs[0].totals[field])} | {cells} |")
    means = " | ".join(f"**{100 * r.overall():.2f}%**" for r in runs)
    scored = len(runs[0].records) + len(runs[0].failures)
    print(f"| **mean** | {scored} | {means} |")
    for r in runs:
        print(f"\n{r.name}: documents without a record: {len(r.failures)}")
        for f in r.failures:
            print("  " + f)
        print(
            f"{r.name}: footnote marks found (no gold: a self-check): {r.marks_placed} of "
            f"{r.marks_total} ({100 * r.marks_placed / max(1, r.marks_total):.1f}%); "
            f"{r.seconds / max(1, scored):.3f} s per document"
        )
    if with_pdf:
        agree, total, off = _placement(runs[0], runs[1])
        print(
            f"\nplacement precision of the text input against the PDF's superscripts: {agree} of "
            f"{total} marks in the superscript's paragraph ({100 * agree / max(1, total):.1f}%)"
        )
        for line in off:
            print("  " + line)
    if details:
        for r in runs:
            _details(r)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
