"""``unld validate``: validate resolution texts, RDF files, or a built dataset.

Texts are parsed and mapped first; RDF files are read as they are; a built dataset
(``--from build/``) is read from its N-Quads dump and validated graph by graph (the shared
graphs of ontology, vocabularies and bodies are added to each by the validator).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from unld.core.errors import InputError, UsageError
from unld.core.iri import IriPolicy
from unld.validation.validator import Problem, Validator, settle_union

RDF_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
}
SHARED_GRAPH_SUFFIXES = ("graph/vocabularies", "graph/bodies", "graph/void", "/ontology")


def _graphs_of(path: Path, base: str) -> dict[str, list[ox.Triple]]:
    fmt = RDF_FORMATS[path.suffix.lower()]
    graphs: dict[str, list[ox.Triple]] = {}
    try:
        with open(path, "rb") as fh:
            for q in ox.parse(fh, format=fmt, base_iri=base):
                name = (
                    str(q.graph_name.value)
                    if isinstance(q, ox.Quad) and isinstance(q.graph_name, ox.NamedNode)
                    else str(path)
                )
                triple = q.triple if isinstance(q, ox.Quad) else q
                graphs.setdefault(name, []).append(triple)
    except SyntaxError as exc:
        raise InputError(str(path), f"is not valid RDF: {exc}") from None
    except MemoryError:
        # the RDF reader's buffer holds at most 16 MB: one statement (a line) larger than that
        raise InputError(
            str(path),
            "holds a statement larger than the RDF reader's 16 MB buffer; expected RDF of resolutions",
        ) from None
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror})") from None
    return {g: t for g, t in graphs.items() if not g.endswith(SHARED_GRAPH_SUFFIXES)}


def validate_paths(
    files: list[Path], from_dir: Path | None, base: str, engine: str = "fast"
) -> tuple[list[Problem], int]:
    """Validate every graph found, and the shared graphs once; return the problems and the
    number of graphs."""
    policy = IriPolicy(base)
    validator = Validator(policy, engine)
    graphs: dict[str, list[ox.Triple]] = {}
    texts: list[Path] = []
    if from_dir is not None:
        dump = from_dir / "unld.nq"
        if not dump.exists():
            raise UsageError(f"{dump} not found: run 'unld build --out {from_dir}' first")
        graphs.update(_graphs_of(dump, base))
    from unld.sources import expand

    # a folder stands for the resolution texts and PDFs in it
    for f in [p for given in files for p in (expand([given]) if given.is_dir() else [given])]:
        if f.suffix.lower() in RDF_FORMATS:
            if not f.exists():
                raise InputError(str(f), "no such file")
            graphs.update(_graphs_of(f, base))
        else:
            texts.append(f)
    if texts:
        from unld.mapping.mapper import Mapper
        from unld.parse import parse_source
        from unld.sources import read_source

        records = [parse_source(read_source(t)) for t in texts]
        mapper = Mapper(policy)
        for t, record in zip(texts, records, strict=True):
            try:
                mapped = mapper.map_one(record)
            except Exception as exc:  # noqa: BLE001 - e.g. a record over the RDF reader's 16 MB
                detail = " ".join(str(exc).split())[:160]
                raise InputError(str(t), f"cannot be mapped: {type(exc).__name__}: {detail}") from None
            graphs[mapped.graph] = mapped.triples
    problems: list[Problem] = validator.validate_shared()
    per_graph = {name: validator.validate(graphs[name], name) for name in sorted(graphs)}
    if len(graphs) > 1:
        # what the graphs say together about the nodes they share (as the build does)
        union = settle_union(validator, sorted(graphs.items()), {})
        per_graph = {name: union.replace_in(ps) for name, ps in per_graph.items()}
        problems.extend(union.problems)
    for name in sorted(graphs):
        problems.extend(per_graph[name])
    return problems, len(graphs)
