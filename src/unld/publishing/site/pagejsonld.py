"""The compact JSON-LD of a page: the same bytes as ``unld.publishing.jsonld.write`` (the
dumps' writer) with the same context, through the compactor's public entry points.

It is faster for many small documents: one compactor for every page, what a (predicate,
object) pair becomes in a node object worked out once (:meth:`Compactor.entry`), and the
node objects of subjects that several pages show (a resolution's page and its graph's page
share most of theirs) written once, kept by the subject's triple keys.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from unld.publishing.jsonld import Compactor, Entry, context_head
from unld.publishing.site.model import TERM_CACHE_SIZE, Cache, Dataset, Missing, Page, kept_blocks

#: ``json.dumps(..., ensure_ascii=False)`` without making an encoder for every call
_encode = json.JSONEncoder(ensure_ascii=False).encode


class PageJsonLd:
    """Writes the JSON-LD documents of the pages of one dataset."""

    def __init__(self, ds: Dataset, context: dict, context_url: str) -> None:
        self.ds = ds
        self.compactor = Compactor(context)
        self.head = context_head(context_url)
        self.entries: Cache[int, Entry] = Cache(TERM_CACHE_SIZE)
        #: node objects already written, by the subject's triple keys
        self.nodes: Cache[tuple[int, ...], bytes] = Cache(4096)

    def document(self, page: Page) -> bytes:
        """The whole document of ``page``: one node object per line."""
        out: list[bytes | None] = []
        missing = kept_blocks(self.nodes, page, out)
        if missing:
            self._nodes(missing, out)
        body = b"  " + b",\n  ".join(out) if out else b""  # type: ignore[arg-type]
        return self.head + body + b"\n ]\n}\n"

    def _nodes(self, missing: list[Missing], out: list[bytes | None]) -> None:
        """The node objects of the subjects ``missing`` (place in ``out``, subject, triple
        keys), put in ``out`` and kept; the terms they need decoded together."""
        st = self.ds.store
        n, m = st.n, st.m
        pvalues = self.ds.pvalues
        entries = self.entries
        known = entries.new
        compactor = self.compactor
        rows: list[list[Entry | int]] = []
        ids = [s for _, s, _ in missing]
        for _, s, keys in missing:
            base = s * m
            got: list[Entry | int] = []
            for k in keys:
                r = k - base
                e = known.get(r)
                if e is None:
                    e = entries.get(r)
                    if e is None:
                        ids.append(r % n)
                        got.append(r)  # an entry to make
                        continue
                got.append(e)
            rows.append(got)
        terms = self.ds.terms(ids)
        for (at, s, keys), got in zip(missing, rows, strict=True):
            made: list[Entry] = []
            for item in got:
                if isinstance(item, int):
                    entry = compactor.entry(pvalues[item // n], terms[item % n])
                    entries.put(item, entry)
                    made.append(entry)
                else:
                    made.append(item)
            subject = terms[s]
            name = subject.value if isinstance(subject, ox.NamedNode) else f"_:{subject.value}"
            node = _encode(compactor.assemble(name, made)).encode("utf-8")
            self.nodes.put(keys, node)
            out[at] = node
