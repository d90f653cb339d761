"""Asking SPARQL questions of a built dataset in the tests: the store, the prefixes of the
dumps, and answers as sorted tuples of plain values."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from unld.publishing.dumps import PREFIXES

PREFIX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items()) + "\n"


def load_store(build: Path) -> ox.Store:
    """An in-memory store holding ``build``'s ``unld.nq``."""
    store = ox.Store()
    store.load((build / "unld.nq").read_bytes(), format=ox.RdfFormat.N_QUADS)
    return store


def rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    """The solutions of ``query`` (the dumps' prefixes declared) over the union of the
    graphs, as sorted tuples of values (an unbound variable is "")."""
    return sorted(
        tuple(t.value if t is not None else "" for t in sol)
        for sol in store.query(PREFIX + query, use_default_graph_as_union=True)
    )
