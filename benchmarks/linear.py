"""Doubling benchmark: the parser's time on inputs that double in size.

    python benchmarks/linear.py [--start 4] [--steps 7] [--marks 4000]

Two series, each printing the CPU time (the machine may be shared) and the ratio to the
previous size (a linear pass
doubles, ratio ~2; a quadratic one quadruples, ratio ~4):

* **whole texts**: a real resolution (``A_RES_72_309.txt``) whose second half is repeated
  ``n`` times, ``n`` doubling from ``--start``, parsed with the time of each pass (lines,
  layout, segmentation, footnote placement, lead phrases, citations, bodies) taken apart;
* **footnote marks**: ``--marks`` footnotes and their marks, doubling, through the mark
  placement alone (once 48 s for 40,000 marks).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import unld.parse as parse  # noqa: E402
from tests.mutations import source_of  # noqa: E402
from unld.parse import structure  # noqa: E402
from unld.parse.footnotes import place_marks  # noqa: E402

SOURCE = ROOT / "tests" / "data" / "corpus" / "A_RES_72_309.txt"
#: The passes timed apart: (label, module, attribute) as ``unld.parse`` calls them.
PASSES = [
    ("lines", parse, "split_lines"),
    ("layout", parse, "_layout"),
    ("segment", structure, "segment"),
    ("footnotes", parse, "place_marks"),
    ("leads", parse, "lead_phrase"),
    ("citations", parse, "find_citations"),
    ("names", parse, "named_in"),
    ("bodies", parse, "find_working_groups"),
]


def _timed(spent: dict[str, float], label: str, fn: Callable) -> Callable:
    def wrapper(*args: object, **kwargs: object) -> object:
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - start

    return wrapper


def whole_texts(start: int, steps: int) -> None:
    src = SOURCE.read_text(encoding="utf-8")
    head = src.index("The General Assembly,")
    body = src[head:]
    first, second = body[: len(body) // 2], body[len(body) // 2 :]
    print(
        f"{'copies':>7} {'bytes':>10} {'total s':>8} {'ratio':>6}  " + " ".join(f"{p[0]:>9}" for p in PASSES)
    )
    previous = None
    for k in range(steps):
        n = start * 2**k
        text = src[:head] + first + second * n
        spent: dict[str, float] = defaultdict(float)
        originals = [(mod, attr, getattr(mod, attr)) for _label, mod, attr in PASSES]
        for (label, mod, attr), (_m, _a, fn) in zip(PASSES, originals, strict=True):
            setattr(mod, attr, _timed(spent, label, fn))
        try:
            began = time.process_time()
            record = parse.parse_source(source_of("x.txt", text.encode()))
            total = time.process_time() - began
        finally:
            for mod, attr, fn in originals:
                setattr(mod, attr, fn)
        ratio = f"{total / previous:.2f}" if previous else ""
        previous = total
        cells = " ".join(f"{spent[p[0]]:9.2f}" for p in PASSES)
        print(
            f"{n:7d} {len(text.encode()):10d} {total:8.2f} {ratio:>6}  {cells}"
            f"   ({len(record['operative_paragraphs'])} operative paragraphs)",
            flush=True,
        )


def footnote_marks(marks: int, steps: int) -> None:
    print(f"\n{'marks':>7} {'seconds':>8} {'ratio':>6}")
    previous = None
    for k in range(steps):
        n = marks * 2**k
        # one paragraph per mark, the mark glued to a word as the texts print them, numbered
        # 1..999 over and over as long footnoted texts restart their numbering
        numbers = [str(i % 999 + 1) for i in range(n)]
        texts = [f"Recalling its resolution on the matter,{m} and noting the report" for m in numbers]
        began = time.process_time()
        _placed, where = place_marks(texts, numbers[:999])
        seconds = time.process_time() - began
        ratio = f"{seconds / previous:.2f}" if previous else ""
        previous = seconds
        print(f"{n:7d} {seconds:8.2f} {ratio:>6}   ({len(where)} placed)", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--start", type=int, default=4, help="copies of the repeated half in the first text")
    ap.add_argument("--steps", type=int, default=7)
    ap.add_argument("--marks", type=int, default=4000)
    args = ap.parse_args()
    whole_texts(args.start, args.steps)
    footnote_marks(args.marks, min(args.steps, 4))


if __name__ == "__main__":
    main()
