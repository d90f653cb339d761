"""The N-Quads fast path against its line-by-line reference, on the corpus's graphs."""

from __future__ import annotations

import io

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
