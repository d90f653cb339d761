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

from unld.accuracy import (
    COUNCIL_FIELDS,
    FIELDS,
    is_council_gold,
    mandate_keys,
    project,
    project_council,
    score,
    score_council,
)
from unld.errors import InputError
from unld.parse import parse_source
from unld.sources import read_source


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    corpus = Path(args[0] if args else "../shared/corpus")
    gold_dir = Path(args[1] if len(args) > 1 else "../shared/gold")
    details = "--details" in argv
    gold_files = sorted(gold_dir.glob("*.json"))
    # the Council's answer keys (../shared/sc/gold) score their own fields
    council = bool(gold_files) and is_council_gold(json.loads(gold_files[0].read_text()))
    fields = COUNCIL_FIELDS if council else FIELDS
    project_one, score_one = (project_council, score_council) if council else (project, score)
    totals: dict[str, list[float]] = {f: [] for f in fields}
    marks_total = marks_placed = 0
    failures: list[str] = []
    wrong: list[tuple[str, str, float, object, object]] = []
    for gf in gold_files:
        src = corpus / gf.name[: -len(".json")]
        if not src.exists():
            # answer keys are named by file stem: the .txt or .pdf of the same name
            src = next(iter(sorted(corpus.glob(gf.name[: -len(".json")] + ".*"))), src)
        if not src.exists():
            continue
        gold = json.loads(gf.read_text())
        try:
            record = parse_source(read_source(src))
            got = project_one(record)
            marks_total += len(record["footnotes"])
            marks_placed += sum(1 for fn in record["footnotes"] if fn["in"])
        except InputError as exc:
            failures.append(f"{src.name}: {exc}")
            got = {}
        for field, value in score_one(got, gold).items():
            if value is None:
                continue
            totals[field].append(value)
            if value < 1:
                want = gold.get(field)
                if field == "mandates":
                    want = mandate_keys(want)
                wrong.append((src.name, field, value, got.get(field), want))
    print("| field | documents | score |\n|---|---:|---:|")
    means = []
    for field in fields:
        vals = totals[field]
        if not vals:
            # nothing to score (the 2025 texts print no vote): not counted in the mean
            print(f"| {field} | 0 | — |")
            continue
        mean = sum(vals) / len(vals)
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
                "cited_ga_resolutions",
                "cited_documents",
                "mandates",
            ):
                print(f"      missing {sorted(set(want) - set(have or []))}")
                print(f"      extra   {sorted(set(have or []) - set(want))}")
            else:
                print(f"      got  {have!r:.300}")
                print(f"      want {want!r:.300}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
