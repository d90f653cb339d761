"""Benchmark of the website's pages, in CPU milliseconds per page, by kind of page.

    python benchmarks/site_pages.py --from BUILD_DIR [--repeat 2] [--every K] [--out DIR]

Reads a built folder's ``unld.nq`` (``unld build ... --no-site``), indexes it as a
generation does, then writes each resource page's three files (``index.html``,
``index.ttl``, ``index.jsonld``) in this one process, timing each with
``time.process_time`` (steady on a shared machine, where wall time is not).  Pages are
grouped by kind: a resolution published here, a named graph's page, and the others by the
first segment of their path (``doc``, ``A``, ``phrase``, ``body``...).  ``--every K``
writes every K-th page only (a quicker sample; the caches then see fewer repeats than a
whole generation).  Each kind's figure is the best of ``--repeat`` runs.  The files go to
``--out`` (a new or empty folder, one ``run-K`` folder per run, kept), by default to a
temporary folder removed at the end.  Prints a markdown table and
the CPU of reading and indexing the quads.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from unld.core.namespaces import UNLD  # noqa: E402
from unld.publishing.site.pages import write_resource  # noqa: E402
from unld.publishing.site.render import Site, _work_order  # noqa: E402
from unld.publishing.site.store import Store  # noqa: E402


def kind_of(site: Site, iri: str, path: str) -> str:
    """The row a page is counted in."""
    if iri in site.ds.describing_graph and site.ds.has_type(iri, UNLD + "Resolution"):
        return "resolution"
    return path.split("/", 1)[0]


def one_run(src: Path, out: Path, every: int) -> tuple[dict[str, float], Counter[str], float, float]:
    """CPU seconds by kind, pages by kind, and the CPU of reading and of indexing."""
    clock = time.process_time()
    store = Store.from_nquads(src / "unld.nq")
    read = time.process_time() - clock
    clock = time.process_time()
    site = Site(store, "https://w3id.org/unld/", out, src)
    site.order = _work_order(site.base, site.pages)
    site.prepare()
    index = time.process_time() - clock
    spent: dict[str, float] = Counter()
    pages: Counter[str] = Counter()
    for iri in site.order[::every]:
        path = site.pages[iri]
        kind = kind_of(site, iri, path)
        clock = time.process_time()
        write_resource(site, iri, path)
        spent[kind] += time.process_time() - clock
        pages[kind] += 1
    return spent, pages, read, index


def print_table(title: str, best: dict[str, float], pages: Counter[str]) -> None:
    """The markdown table of CPU seconds by kind of page (``site_html.py`` prints its own
    with it)."""
    total = sum(best.values())
    print(f"{title}\n")
    print("| kind | pages | CPU s | ms per page | share |")
    print("|---|---:|---:|---:|---:|")
    for kind, s in sorted(best.items(), key=lambda kv: -kv[1]):
        per = 1000 * s / pages[kind]
        print(f"| {kind} | {pages[kind]:,} | {s:.2f} | {per:.2f} | {100 * s / total:.1f} % |")
    count = sum(pages.values())
    print(f"| all | {count:,} | {total:.2f} | {1000 * total / max(1, count):.2f} | |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--from", dest="src", type=Path, required=True, help="a built folder (with unld.nq)")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--every", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None, help="a new or empty folder to keep the files in")
    args = ap.parse_args()
    if args.out is not None and args.out.exists() and (not args.out.is_dir() or any(args.out.iterdir())):
        sys.exit(f"{args.out}: exists and is not an empty folder; give a new one")
    best: dict[str, float] = {}
    pages: Counter[str] = Counter()
    read = index = float("inf")
    for run in range(args.repeat):
        # each run into a folder of its own, made here: nothing else is ever removed
        out = args.out / f"run-{run + 1}" if args.out else Path(tempfile.mkdtemp(prefix="unld-site-pages-"))
        out.mkdir(parents=True, exist_ok=True)
        try:
            spent, pages, r, i = one_run(args.src, out, args.every)
        finally:
            if args.out is None:
                shutil.rmtree(out, ignore_errors=True)
        read, index = min(read, r), min(index, i)
        for kind, s in spent.items():
            best[kind] = min(best.get(kind, s), s)
    print_table(f"Pages of `{args.src}` (every {args.every}), best of {args.repeat} runs, CPU:", best, pages)
    print(f"\nReading unld.nq {read:.2f} s, indexing {index:.2f} s (CPU).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
