"""The N-Quads fast path against its line-by-line reference, on the corpus's graphs."""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox

from tests.conftest import EXAMPLE, corpus_files
from unld.core.errors import InputError
from unld.core.iri import IriPolicy
from unld.mapping.mapper import Mapper
from unld.parse import parse_source
from unld.publishing import ntlines as lines
from unld.sources import read_source


def _graphs() -> list[tuple[str, list[bytes]]]:
    records = []
    for path in [EXAMPLE, *corpus_files()[:20]]:
        try:
            records.append(parse_source(read_source(path)))
        except InputError:
            continue
    return [(m.graph, lines.split_lines(m.ntriples)) for m in Mapper(IriPolicy()).map_many(records)]


def test_nquads_fast_path_equals_line_by_line() -> None:
    graphs = _graphs()
    # lines in the other form N-Triples allows ("s p o." and trailing blanks) take the
    # line-by-line path inside the fast one, and still give the same quads
    odd = [
        (
            graphs[0][0] + "-odd",
            [line[:-2] + b"." for line in graphs[0][1]] + [b"<urn:x> <urn:p> <urn:o> .  "],
        )
    ]
    fast, slow = io.BytesIO(), io.BytesIO()
    n_fast = lines.write_nquads(fast, [*graphs, *odd, ("urn:empty", [])])
    n_slow = lines.write_nquads_by_line(slow, [*graphs, *odd, ("urn:empty", [])])
    assert fast.getvalue() == slow.getvalue()
    assert n_fast == n_slow == sum(len(g) for _, g in [*graphs, *odd]) > 10_000
    # and it is N-Quads a parser reads back, each quad in its graph
    quads = list(ox.parse(fast.getvalue(), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == n_fast
    assert {q.graph_name.value for q in quads} == {name for name, _ in [*graphs, *odd]}


def test_parts_of_every_spacing_of_the_final_dot() -> None:
    """Regression: "o." lost the last character of its object, and trailing blanks kept
    the dot in the object."""
    for line in (b'<urn:s> <urn:p> "a." .', b'<urn:s> <urn:p> "a.".', b'<urn:s> <urn:p> "a."  .  '):
        assert lines.parts(line) == (b"<urn:s>", b"<urn:p>", b'"a."'), line


def test_counted_union_equals_the_counted_merge() -> None:
    graphs = [g for _, g in _graphs()]
    union, several = lines.counted_union(graphs)
    reference = list(lines.counted_merge(graphs))
    assert union == [line for line, _ in reference]
    assert several == {line: n for line, n in reference if n > 1}
    assert len(several) > 10  # the corpus's graphs share sessions, meetings, cited documents


def test_stats_of_a_batch_equal_those_of_each_line() -> None:
    from unld.publishing.dumps import Stats

    union = [line for line, _ in lines.counted_merge(g for _, g in _graphs())]
    union += [b"<urn:z> <urn:p> <urn:o>.", b"<urn:z> <http://www.w3.org/2002/07/owl#sameAs> <urn:o> .  "]
    one, batch = Stats(), Stats()
    for line in union:
        one.add(line)
    batch.add_all(union)
    one.finish()
    batch.finish()
    assert batch.to_json() == one.to_json()
    assert batch.triples == len(union) and batch.classes and batch.adopted


def test_merged_blocks_of_runs_equal_the_counted_merge(tmp_path: Path) -> None:
    from unld.publishing.dumps import merged_blocks

    graphs = [g for _, g in _graphs()]
    runs = []
    for i in range(0, len(graphs), 4):  # runs of four graphs, as the dumps make runs of 256
        run, _ = lines.counted_union(graphs[i : i + 4])
        runs.append(tmp_path / f"run-{i}.nt")
        runs[-1].write_bytes(b"\n".join(run) + b"\n")
    reference = list(lines.counted_merge(lines.split_lines(r.read_bytes()) for r in runs))
    blocks = list(merged_blocks(runs, size=100))
    assert len(blocks) > 3
    assert [line for block, _ in blocks for line in block] == [line for line, _ in reference]
    assert [pair for _, several in blocks for pair in several] == [(ln, n) for ln, n in reference if n > 1]
    # one run is read in blocks of bytes completed to the end of a line
    single = [line for block, _ in merged_blocks(runs[:1], read_size=100) for line in block]
    assert single == lines.split_lines(runs[0].read_bytes())
