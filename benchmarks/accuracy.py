"""Score ``unld parse`` against the gold annotations, field by field.

    python benchmarks/accuracy.py [CORPUS_DIR] [GOLD_DIR] [--details]

Prints a table: per field, the mean score over the documents where gold has a value
(scalars exact, sets by F1, lead lists by the share of positions that agree), and the mean
of the fields.  ``--details`` also lists every document and field below 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from unld.accuracy import FIELDS, project, score
from unld.errors import InputError
from unld.parse import parse_source
from unld.sources import read_source


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    corpus = Path(args[0] if args else "../shared/corpus")
    gold_dir = Path(args[1] if len(args) > 1 else "../shared/gold")
    details = "--details" in argv
    totals: dict[str, list[float]] = {f: [] for f in FIELDS}
    marks_total = marks_placed = 0
    failures: list[str] = []
    wrong: list[tuple[str, str, float, object, object]] = []
    gold_files = sorted(gold_dir.glob("*.json"))
    for gf in gold_files:
        src = corpus / gf.name[: -len(".json")]
        gold = json.loads(gf.read_text())
        try:
            record = parse_source(read_source(src))
            got = project(record)
            marks_total += len(record["footnotes"])
            marks_placed += sum(1 for fn in record["footnotes"] if fn["in"])
        except InputError as exc:
            failures.append(f"{src.name}: {exc}")
            got = {}
        for field, value in score(got, gold).items():
            if value is None:
                continue
            totals[field].append(value)
            if value < 1:
                wrong.append((src.name, field, value, got.get(field), gold.get(field)))
    print("| field | documents | score |\n|---|---:|---:|")
    means = []
    for field in FIELDS:
        vals = totals[field]
        mean = sum(vals) / len(vals) if vals else 1.0
        means.append(mean)
        print(f"| {field} | {len(vals)} | {100 * mean:.1f}% |")
    print(f"| **mean** | {len(gold_files)} | **{100 * sum(means) / len(means):.2f}%** |")
    print(f"\ndocuments without a record: {len(failures)}")
    print(
        f"footnote marks found in the text (no gold: a self-check): {marks_placed} of "
        f"{marks_total} ({100 * marks_placed / max(1, marks_total):.1f}%)"
    )
    for f in failures:
        print("  " + f)
    if details:
        print("\nbelow 1:")
        for name, field, value, have, want in wrong:
            print(f"  {name} {field} {value:.2f}")
            if field in (
                "cited_resolutions",
                "cited_sc_resolutions",
                "cited_decisions",
                "footnote_documents",
            ):
                print(f"      missing {sorted(set(want) - set(have or []))}")
                print(f"      extra   {sorted(set(have or []) - set(want))}")
            else:
                print(f"      got  {have!r:.300}")
                print(f"      want {want!r:.300}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
