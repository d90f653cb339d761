"""The Turtle of a page written straight from the store's triple keys: the same bytes as
``dumps.serialize`` (Oxigraph's Turtle writer with the project's prefixes) of the page's
triples, without writing them as N-Triples, parsing that and serialising the parse.

Oxigraph's writer streams: a subject's triples follow its first line after `` ;\\n\\t``
(another predicate) or `` , `` (another object of the same predicate), and `` .\\n``
closes the subject.  What it writes for each term (a prefixed name, ``a`` for ``rdf:type``
as a predicate, ``true`` or ``5`` for some typed literals) is asked of the writer itself,
once per term in a process, a page's new terms in one call; a literal without a datatype
(a string, or a string with a language) is its N-Triples text, which the writer prints
the same way.  A page with a blank node is left to the reference writer, which chooses
how to write it.  ``tests/test_site_data.py`` compares the two on every page of the
corpus.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from unld.core.namespaces import RDF_TYPE
from unld.publishing import dumps
from unld.publishing.site.model import TERM_CACHE_SIZE, Cache, Dataset, Obj, Page, kept_blocks

_P = ox.NamedNode("urn:unld:page-turtle:p")
_MARK = b"<urn:unld:page-turtle:%d> <urn:unld:page-turtle:p> "


def _written(terms: Sequence[Obj]) -> list[bytes]:
    """What the reference writer prints for each of ``terms`` as an object, found between
    the lines of a document with one triple per term (distinct subjects, so one line
    each)."""
    doc = dumps.serialize(
        [ox.Triple(ox.NamedNode(f"urn:unld:page-turtle:{i}"), _P, t) for i, t in enumerate(terms)],
        ox.RdfFormat.TURTLE,
    )
    if not terms:
        return []  # no document to search (a dataset without a triple)
    out = []
    at = doc.index(_MARK % 0)
    for i in range(len(terms)):
        start = at + len(_MARK % i)
        if i + 1 < len(terms):
            at = doc.index(b" .\n" + _MARK % (i + 1), start)
            out.append(doc[start:at])
            at += 3
        else:
            if not doc.endswith(b" .\n"):
                raise ValueError("unexpected Turtle from the reference writer")
            out.append(doc[start:-3])
    return out


class PageTurtle:
    """Writes the Turtle documents of the pages of one dataset."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        store = ds.store
        probe = ox.NamedNode("urn:unld:page-turtle:o")
        doc = dumps.serialize([ox.Triple(probe, _P, probe)], ox.RdfFormat.TURTLE)
        line = b"<urn:unld:page-turtle:o> <urn:unld:page-turtle:p> <urn:unld:page-turtle:o> .\n"
        if not doc.endswith(line):
            raise ValueError("unexpected Turtle from the reference writer")
        #: the prefixes, which the writer prints before the first triple of any document
        self.header = doc[: -len(line)]
        #: term number -> its Turtle text (subjects and objects alike)
        self.texts: Cache[int, bytes] = Cache(TERM_CACHE_SIZE)
        #: a subject's statements (closed by `` .\n``), by its triple keys: a resolution's
        #: page and its graph's page share most of them
        self.blocks: Cache[tuple[int, ...], bytes] = Cache(4096)
        preds = [ox.NamedNode(store.value(p)) for p in store.preds]
        #: the text of each predicate, by its number in the store's keys, and a space
        self.ptexts = [
            (b"a" if p.value == RDF_TYPE else t) + b" " for p, t in zip(preds, _written(preds), strict=True)
        ]

    def document(self, page: Page) -> bytes | None:
        """The Turtle of ``page``; None when it holds a blank node (see the module)."""
        if not page.groups:
            return b""
        blocks = self.blocks
        out: list[bytes | None] = [self.header]
        missing = kept_blocks(blocks, page, out)
        if missing:
            n, m = self.ds.store.n, self.ds.store.m
            rows = [[divmod(k - s * m, n) for k in keys] for _, s, keys in missing]
            found = self._texts([s for _, s, _ in missing] + [o for r in rows for _, o in r])
            if found is None:
                return None
            for (at, s, keys), r in zip(missing, rows, strict=True):
                block = self._block(found, s, r)
                blocks.put(keys, block)
                out[at] = block
        return b"".join(out)  # type: ignore[arg-type]

    def _block(self, found: dict[int, bytes], s: int, rows: list[tuple[int, int]]) -> bytes:
        """The statements of subject ``s`` with the (predicate, object) ``rows``, the terms'
        texts in ``found``."""
        ptexts = self.ptexts
        p, o = rows[0]
        out = [found[s] + b" " + ptexts[p] + found[o]]
        add = out.append
        last = p
        for p, o in rows[1:]:
            if p != last:
                add(b" ;\n\t" + ptexts[p] + found[o])
                last = p
            else:
                add(b" , " + found[o])
        add(b" .\n")
        return b"".join(out)

    def _texts(self, ids: list[int]) -> dict[int, bytes] | None:
        """The Turtle text of each term ``ids``; None when one is a blank node."""
        st = self.ds.store
        texts = self.texts
        known = texts.new
        found: dict[int, bytes] = {}
        ask: list[int] = []
        lit_end, iri_end = st.lit_end, st.iri_end
        blob, off = st.blob, st.off
        for i in ids:
            t = known.get(i)
            if t is None:
                t = texts.get(i)
            if t is not None:
                found[i] = t
            elif i >= iri_end:
                return None  # a blank node
            elif i < lit_end:
                text = blob[off[i] : off[i + 1]]
                end = text.rindex(b'"') + 1  # the closing quote: no language tag or datatype holds one
                if text[end : end + 1] in (b"", b"@"):  # a string, or a string with a language
                    found[i] = text
                    texts.put(i, text)
                else:
                    ask.append(i)
            else:
                ask.append(i)
        if ask:
            terms = self.ds.terms(ask)
            for i, t in zip(ask, _written([terms[i] for i in ask]), strict=True):
                found[i] = t
                texts.put(i, t)
        return found
