"""Compact JSON-LD written directly from sorted triples, using our own context.

General-purpose compaction (an RDF library's serializer, or the JSON-LD API's compaction
algorithm) is the slow part of a large dump: it frames the whole graph in memory and
searches the context for each value.  Our context is ours and simple: every property has at
most one term, with at most one coercion (``@id``, a datatype or a language) or a language
map.  So we invert it once and write each node object as we meet its subject in the sorted
triples.  Values the coercion does not fit are written in expanded form, which any JSON-LD
processor reads the same way; the tests expand our output with a reference processor and
compare graphs.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from json.encoder import encode_basestring
from operator import itemgetter
from typing import BinaryIO

import pyoxigraph as ox

from unld.core.namespaces import RDF_LANG_STRING, RDF_TYPE, XSD_STRING

LANG_STRING = RDF_LANG_STRING

#: What one value becomes in a node object (see :meth:`Compactor.entry`).
Entry = tuple[int, str | None, object, str | None]


@dataclass(frozen=True)
class Term:
    name: str
    coerce: str | None  # "@id", a datatype IRI, or None
    language: str | None
    language_map: bool


class Compactor:
    """Compaction with one JSON-LD context (a dict: the value of ``@context``)."""

    def __init__(self, context: dict) -> None:
        self.prefixes: list[tuple[str, str]] = []
        raw: dict[str, object] = dict(context)
        for name, value in raw.items():
            if isinstance(value, str) and value.endswith(("#", "/")) and not name.startswith("@"):
                self.prefixes.append((value, name))
        self.prefixes.sort(key=lambda p: -len(p[0]))
        self._compact: dict[str, str] = {}
        self.terms: dict[str, Term] = {}
        for name, value in sorted(raw.items()):
            if name.startswith("@") or (isinstance(value, str) and value.startswith("@")):
                continue
            if isinstance(value, str):
                if value.endswith(("#", "/")):
                    continue
                iri, coerce, lang, lmap = self.expand(value), None, None, False
            elif isinstance(value, dict):
                iri = self.expand(str(value["@id"]))
                coerce = value.get("@type")
                coerce = self.expand(coerce) if coerce and coerce != "@id" else coerce
                lang = value.get("@language")
                lmap = value.get("@container") == "@language"
            else:
                continue
            if iri not in self.terms:
                self.terms[iri] = Term(name, coerce, lang, lmap)

    def expand(self, value: str) -> str:
        prefix, sep, rest = value.partition(":")
        if sep and not rest.startswith("//"):
            for ns, name in self.prefixes:
                if name == prefix:
                    return ns + rest
        return value

    def compact_iri(self, iri: str) -> str:
        short = self._compact.get(iri)
        if short is None:
            short = iri
            for ns, name in self.prefixes:
                if iri.startswith(ns) and len(iri) > len(ns):
                    local = iri[len(ns) :]
                    if not local.startswith("//"):
                        short = f"{name}:{local}"
                    break
            if len(self._compact) > 100_000:
                self._compact.clear()
            self._compact[iri] = short
        return short

    def _value(self, obj: ox.NamedNode | ox.Literal | ox.BlankNode, term: Term | None) -> object:
        if isinstance(obj, ox.NamedNode):
            if term is not None and term.coerce == "@id":
                return obj.value
            return {"@id": obj.value}
        if isinstance(obj, ox.BlankNode):
            return {"@id": f"_:{obj.value}"}
        lang = obj.language
        dt = obj.datatype.value
        if term is not None:
            if lang and term.language == lang:
                return obj.value
            if not lang and term.coerce and term.coerce != "@id" and dt == term.coerce:
                return obj.value
            if not lang and dt == XSD_STRING and term.coerce is None and term.language is None:
                return obj.value
        elif not lang and dt == XSD_STRING:
            return obj.value
        if lang:
            return {"@value": obj.value, "@language": lang}
        if dt == XSD_STRING:
            return {"@value": obj.value}
        return {"@value": obj.value, "@type": self.compact_iri(dt)}

    def entry(self, p: str, obj: ox.NamedNode | ox.Literal | ox.BlankNode, sort_key: bool = True) -> Entry:
        """What the value ``obj`` of the property ``p`` becomes in a node object: ``(0,
        None, type, None)`` for a type, ``(1, term, language, text)`` for a language map, or
        ``(2, key, value, sort key)``.  Public so that a writer of many small documents (the
        site's pages) can keep the entries of values it meets again instead of compacting
        them anew; :meth:`assemble` makes the node object of a subject's entries.
        ``sort_key=False`` leaves the sort key out (``None``) for :meth:`assemble` to make
        when a key has several values: most have one, and the key costs a JSON encoding."""
        if p == RDF_TYPE and isinstance(obj, ox.NamedNode):
            return (0, None, self.compact_iri(obj.value), None)
        term = self.terms.get(p)
        if (
            term is not None
            and term.language_map
            and isinstance(obj, ox.Literal)
            and obj.datatype.value in (LANG_STRING, XSD_STRING)
        ):
            return (1, term.name, obj.language or "@none", obj.value)
        key = term.name if term is not None else self.compact_iri(p)
        if term is not None and term.language_map:
            key = self.compact_iri(p)  # a value the language map cannot hold
            value = self._value(obj, None)
        else:
            value = self._value(obj, term)
        return (2, key, value, _sort_key(value) if sort_key else None)

    def assemble(self, subject: str, entries: Iterable[Entry]) -> dict:
        """The node object of ``subject`` from the :meth:`entry` of each of its values:
        types sorted, several values of a key sorted by their JSON text, keys in order."""
        out: dict[str, object] = {"id": subject}
        types: list[str] = []
        grouped: dict[str, list[tuple[str, object]]] = {}
        maps: dict[str, dict[str, list[str]]] = {}
        for kind, key, a, b in entries:
            if kind == 0:
                types.append(a)  # type: ignore[arg-type]
            elif kind == 1:
                maps.setdefault(key, {}).setdefault(a, []).append(b)  # type: ignore[arg-type]
            else:
                grouped.setdefault(key, []).append((b, a))  # type: ignore[arg-type]
        if types:
            out["type"] = types[0] if len(types) == 1 else sorted(types)
        for key, values in grouped.items():
            if len(values) == 1:
                out[key] = values[0][1]
            else:
                values = [(_sort_key(v) if k is None else k, v) for k, v in values]
                values.sort(key=itemgetter(0))
                out[key] = [v for _, v in values]
        for key, langs in maps.items():
            out[key] = {lang: (vs[0] if len(vs) == 1 else sorted(vs)) for lang, vs in sorted(langs.items())}
        return {k: out[k] for k in sorted(out, key=_key_order)}

    def node(self, subject: str, triples: list[ox.Triple]) -> dict:
        """The node object of ``subject`` with ``triples`` (all of them about it)."""
        entries = []
        for t in triples:
            if isinstance(t.object, ox.Triple):
                raise ValueError("quoted triples are not published")
            entries.append(self.entry(t.predicate.value, t.object, sort_key=False))
        return self.assemble(subject, entries)


def _key_order(key: str) -> tuple[bool, bool, str]:
    """``id`` first, then ``type``, then the other keys in order."""
    return (key != "id", key != "type", key)


def _sort_key(value: object) -> str:
    """Values of a property are sorted by their JSON text (strings, the most common, the
    fast way: the encoder's own string escaping gives the same text)."""
    if isinstance(value, str):
        return encode_basestring(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _by_subject(triples: Iterable[ox.Triple]) -> Iterator[tuple[str, list[ox.Triple]]]:
    current: str | None = None
    group: list[ox.Triple] = []
    for t in triples:
        subject = t.subject
        if isinstance(subject, ox.Triple):
            raise ValueError("quoted triples are not published")
        s = subject.value if isinstance(subject, ox.NamedNode) else f"_:{subject.value}"
        if s != current:
            if group:
                yield current or "", group
            current, group = s, []
        group.append(t)
    if group:
        yield current or "", group


def context_head(context_ref: str | dict) -> bytes:
    """The opening of a document: ``@context`` is a URL (pages, whose context the site serves
    at its own base) or the context itself (the dump, so that it loads with no network)."""
    if isinstance(context_ref, dict):
        text = json.dumps(context_ref, ensure_ascii=False, indent=1).replace("\n", "\n ")
    else:
        text = json.dumps(context_ref)
    return b'{"@context": ' + text.encode("utf-8") + b',\n "@graph": [\n'


def stream(out: BinaryIO, triples: Iterable[ox.Triple], context: dict, context_ref: str | dict) -> None:
    """Write a compact JSON-LD document of ``triples`` (sorted by subject) to ``out``, compacted
    with ``context`` and carrying ``context_ref`` as its ``@context`` (see
    :func:`context_head`): one node object per line, so that large dumps stay diffable and
    are written without holding them in memory."""
    c = Compactor(context)
    out.write(context_head(context_ref))
    first = True
    for s, ts in _by_subject(triples):
        node = json.dumps(c.node(s, ts), ensure_ascii=False).encode("utf-8")
        out.write((b"  " if first else b",\n  ") + node)
        first = False
    out.write(b"\n ]\n}\n")


def write(triples: Iterable[ox.Triple], context: dict, context_ref: str | dict) -> bytes:
    """The document of :func:`stream` as bytes."""
    buf = io.BytesIO()
    stream(buf, triples, context, context_ref)
    return buf.getvalue()
