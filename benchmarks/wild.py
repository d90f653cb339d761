"""Build a folder of real resolutions nobody annotated, and count what went wrong.

    python benchmarks/wild.py [SOURCES_DIR] [--out DIR] [--jobs N] [--details]

Builds ``SOURCES_DIR`` (default ``../shared/wild78``: 305 resolutions of session 78 as
extracted text) as ``unld build`` does, into ``--out`` (default a temporary folder), then
prints a table: inputs, published, rejected (not read as a resolution), left out (graph
violating the shapes, with the violations), footnote marks placed (share of footnotes
whose mark was found in the text), meetings without a date, resolutions without a title,
and warnings per document.  ``--details`` lists the documents behind every miss.
``docs/wild.md`` carries the last run.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

from unld.build.pipeline import build
from unld.core.errors import InputError
from unld.core.iri import DEFAULT_BASE
from unld.parse import parse_source
from unld.sources import expand, read_source


def main(argv: list[str]) -> int:
    args: list[str] = []
    out: str | None = None
    jobs = 2
    it = iter(argv)
    for a in it:
        if a == "--out":
            out = next(it)
        elif a == "--jobs":
            jobs = int(next(it))
        elif not a.startswith("--"):
            args.append(a)
    details = "--details" in argv
    src = Path(args[0] if args else "../shared/wild78")
    with tempfile.TemporaryDirectory() as tmp:
        result = build(
            [str(src)], Path(out or tmp) / "build", DEFAULT_BASE, jobs=jobs, site=False, docs=False
        )
    published = [
        o
        for o in result.outcomes
        if not o.error and not o.duplicate_of and not any(p.severity == "Violation" for p in o.problems)
    ]
    left_out = [
        o for o in result.outcomes if not o.error and any(p.severity == "Violation" for p in o.problems)
    ]
    notes = placed = 0
    undated: list[str] = []
    untitled: list[str] = []
    unplaced: list[str] = []
    kinds: Counter[str] = Counter()
    warnings = 0
    records = 0
    for path in expand([str(src)]):
        try:
            record = parse_source(read_source(path))
        except InputError:
            continue
        records += 1
        warnings += len(record["warnings"])
        for w in record["warnings"]:
            kinds[re.sub(r"\d+|\*", "N", w["message"].split(":")[0])[:60]] += 1
        fns = record["footnotes"] + [f for a in record["annexes"] for f in a.get("footnotes", [])]
        notes += len(fns)
        missing = _unplaced(record)
        placed += sum(1 for f in fns if f["mark"] not in missing)
        unplaced += [f"{path.name} footnote {m}" for m in sorted(missing)]
        if record["meeting"] is None or not record["meeting"]["date"]:
            undated.append(path.name)
        if not record["title"]:
            untitled.append(path.name)
    n = len(result.outcomes)
    print("| figure | value |\n|---|---:|")
    print(f"| inputs | {n} |")
    print(f"| published | {len(published)} |")
    print(f"| rejected | {len(result.skipped)} |")
    print(f"| left out (violations) | {len(left_out)} |")
    print(f"| duplicates | {len(result.duplicates)} |")
    print(f"| footnote marks placed | {placed} of {notes} ({100 * placed / max(1, notes):.1f}%) |")
    print(f"| meetings without a date | {len(undated)} |")
    print(f"| resolutions without a title | {len(untitled)} |")
    print(f"| warnings per document | {warnings / max(1, records):.2f} |")
    if kinds:
        print("\nwarnings by kind:")
        for kind, count in kinds.most_common():
            print(f"  {count:5d}  {kind}")
    for o in result.skipped:
        print(f"rejected: {o.error}")
    for o in left_out:
        for p in o.problems:
            if p.severity == "Violation":
                print(f"left out: {Path(o.path).name}: {p.line()}")
    if details:
        for name in undated:
            print(f"meeting without a date: {name}")
        for name in untitled:
            print(f"without a title: {name}")
        for line in unplaced:
            print(f"mark not found: {line}")
    return 0


def _unplaced(record: dict) -> set[str]:
    """Footnote marks the parser warned it could not find."""
    out = set()
    for w in record["warnings"]:
        msg = w["message"]
        if msg.startswith("footnote ") and "its mark was not found" in msg:
            out.add(msg.split()[1].rstrip(":"))
    return out


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
