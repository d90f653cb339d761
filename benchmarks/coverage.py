"""Text coverage: the share of each resolution's text that its graph holds.

    python benchmarks/coverage.py [FOLDER ...] [--worst N]

For every source of the folders (default ``../shared/corpus`` and ``../shared/wild78``),
parse and map it and measure with :func:`unld.validation.coverage.measure` (what counts as text and
as covered is explained there and in docs/coverage.md).  Prints, per folder, a Markdown
table of the worst documents with the longest uncovered runs (the "why"), then the mean,
the minimum and how many documents are under 99 %.  Sources that are not resolutions are
listed apart: they have no graph to measure.
"""

from __future__ import annotations

import sys
from pathlib import Path

from unld.core.errors import InputError
from unld.core.iri import IriPolicy
from unld.mapping.mapper import Mapper
from unld.parse import parse_source
from unld.sources import expand, read_source
from unld.validation.coverage import Coverage, measure


def folder_coverage(folder: Path, mapper: Mapper) -> tuple[list[Coverage], list[str]]:
    out: list[Coverage] = []
    rejected: list[str] = []
    for path in expand([str(folder)]):
        source = read_source(str(path))
        try:
            record = parse_source(source)
        except InputError as exc:
            rejected.append(str(exc))
            continue
        out.append(measure(source, mapper.map_one(record).triples))
    return out, rejected


def main(argv: list[str]) -> int:
    worst_n = 5
    if "--worst" in argv:
        i = argv.index("--worst")
        worst_n = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2 :]
    folders = [Path(a) for a in argv] or [Path("../shared/corpus"), Path("../shared/wild78")]
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        print(f"error: no such folder: {', '.join(missing)} (give the folders to measure)", file=sys.stderr)
        return 2
    mapper = Mapper(IriPolicy())
    for folder in folders:
        results, rejected = folder_coverage(folder, mapper)
        if not results:
            print(f"{folder}: no resolutions")
            continue
        shares = [r.share for r in results]
        mean = sum(shares) / len(shares)
        chars = sum(r.total for r in results)
        covered = sum(r.covered for r in results)
        print(f"\n## {folder}\n")
        print("| document | characters | coverage | longest uncovered text |\n|---|---:|---:|---|")
        for r in sorted(results, key=lambda r: (r.share, r.path))[:worst_n]:
            why = " / ".join(f"`{m}`" for m in r.missing[:2]) or "-"
            print(f"| {Path(r.path).name} | {r.total} | {100 * r.share:.2f}% | {why} |")
        under = sum(s < 0.99 for s in shares)
        print(
            f"\n{len(results)} documents, {chars} characters: mean {100 * mean:.3f}%, "
            f"minimum {100 * min(shares):.2f}%, all characters {100 * covered / chars:.2f}%, "
            f"{under} under 99%; {len(rejected)} source(s) not read as resolutions"
        )
        for r in rejected:
            print(f"  rejected: {r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
