"""Benchmark of the website's HTML, in CPU milliseconds per page, by kind of page.

    python benchmarks/site_html.py --from BUILD_DIR [--repeat 2] [--every K]

What ``benchmarks/site_pages.py`` measures for a page's three files, for its
``index.html`` alone (``pages.render_html``: the page's contents, its schema.org JSON-LD,
the templates; for a resolution also the search index's copy of it).  Each page is
written as a generation writes it: its data files first (not timed: the HTML reads what
they decoded), then its HTML, timed with ``time.process_time`` (steady on a shared
machine, where wall time is not).  Kinds as in ``site_pages.py``; the listing pages
(written once each, they grow with the corpus) are timed together.  Each figure is the
best of ``--repeat`` runs.  Prints a markdown table.
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

from site_pages import kind_of, print_table  # noqa: E402  (beside this script)

from unld.publishing.site import listings  # noqa: E402
from unld.publishing.site.pages import render_html, write_data  # noqa: E402
from unld.publishing.site.render import Site, _work_order  # noqa: E402
from unld.publishing.site.store import Store  # noqa: E402


def one_run(src: Path, out: Path, every: int) -> tuple[dict[str, float], Counter[str]]:
    """CPU seconds of the HTML by kind, and pages by kind (``listings`` for the listings)."""
    site = Site(Store.from_nquads(src / "unld.nq"), "https://w3id.org/unld/", out, src)
    site.order = _work_order(site.base, site.pages)
    site.prepare()
    spent: dict[str, float] = Counter()
    pages: Counter[str] = Counter()
    for iri in site.order[::every]:
        path = site.pages[iri]
        kind = kind_of(site, iri, path)
        site.recorder.start()
        write_data(site, iri, path)
        clock = time.process_time()
        render_html(site, iri, path)
        spent[kind] += time.process_time() - clock
        site.recorder.stop()
        pages[kind] += 1
    clock = time.process_time()
    listings.write_all(site)
    spent["listings"] = time.process_time() - clock
    pages["listings"] = len(listings.WRITERS)
    return spent, pages


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--from", dest="src", type=Path, required=True, help="a built folder (with unld.nq)")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--every", type=int, default=1)
    args = ap.parse_args()
    best: dict[str, float] = {}
    pages: Counter[str] = Counter()
    for _ in range(args.repeat):
        out = Path(tempfile.mkdtemp(prefix="unld-site-html-"))
        try:
            spent, pages = one_run(args.src, out, args.every)
        finally:
            shutil.rmtree(out, ignore_errors=True)
        for kind, s in spent.items():
            best[kind] = min(best.get(kind, s), s)
    print_table(
        f"HTML of the pages of `{args.src}` (every {args.every}), best of {args.repeat} runs, CPU:",
        best,
        pages,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
