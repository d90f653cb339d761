"""The compact JSON-LD of a page: the same bytes as ``unld.publishing.jsonld.write`` (the
dumps' writer) with the same context, through the compactor's public entry points.

It is faster for many small documents: one compactor for every page, what a (predicate,
object) pair becomes in a node object worked out once (:meth:`Compactor.entry`), and the
node objects of subjects that several pages show (a resolution's page and its graph's page
share most of theirs) written once.
"""

from __future__ import annotations

import json
from itertools import groupby
from operator import itemgetter

import pyoxigraph as ox

from unld.publishing.jsonld import Compactor, Entry, context_head
from unld.publishing.site.model import TERM_CACHE_SIZE, Cache, Dataset, Page


class PageJsonLd:
    """Writes the JSON-LD documents of the pages of one dataset."""

    def __init__(self, ds: Dataset, context: dict, context_url: str) -> None:
        self.ds = ds
        self.compactor = Compactor(context)
        self.head = context_head(context_url)
        self.entries: Cache[int, Entry] = Cache(TERM_CACHE_SIZE)
        #: node objects already written, by subject and triples
        self.nodes: Cache[tuple[int, tuple[int, ...]], bytes] = Cache(4096)

    def _node(self, page: Page, s: int, rows: tuple[int, ...]) -> bytes:
        """The node object of subject ``s`` with the (predicate, object) keys ``rows``."""
        n = self.ds.store.n
        pvalues = self.ds.pvalues
        terms = page.terms
        entries = []
        for r in rows:
            e = self.entries.get(r)
            if e is None:
                e = self.compactor.entry(pvalues[r // n], terms[r % n])
                self.entries.put(r, e)
            entries.append(e)
        subject = terms[s]
        name = subject.value if isinstance(subject, ox.NamedNode) else f"_:{subject.value}"
        return json.dumps(self.compactor.assemble(name, entries), ensure_ascii=False).encode("utf-8")

    def document(self, page: Page) -> bytes:
        """The whole document of ``page``: one node object per line."""
        out = []
        for s, rows in groupby(page.rows, key=itemgetter(0)):
            rs = tuple(r for _, r in rows)
            node = self.nodes.get((s, rs))
            if node is None:
                node = self._node(page, s, rs)
                self.nodes.put((s, rs), node)
            out.append(node)
        body = b"  " + b",\n  ".join(out) if out else b""
        return self.head + body + b"\n ]\n}\n"
