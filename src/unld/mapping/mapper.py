"""The mapping stage: records to one named graph each, by the rules in ``mappings/``.

Steps, each small:

1. each record becomes its view (:mod:`unld.mapping.view`) in a named graph of an in-memory store;
2. the phrase vocabularies are loaded once into the same store (rules look concepts up);
3. every rule (``mappings/NN-name.rq``, a SPARQL CONSTRUCT query, in file-name order) runs
   with the record's view and the vocabularies as its default graph;
4. the triples of all rules, de-duplicated, are the resolution's graph.

Two ways to run step 3 give the same graphs (``tests/test_mapping_batch.py`` compares them
on every resolution of the corpora):

- per record (:meth:`Mapper.map_reference`): each rule runs as written, once per record,
  with the record's view graph and the vocabularies as the default graph.  Simple, and the
  reference; but with ten rules that is ten query parses, plans and result serializations
  per record, about 12 ms of CPU each time.
- per batch (:meth:`Mapper.map_many`, the one the build uses): a batch of records' views
  share one store, and each rule is rewritten once into a SPARQL Update,
  ``INSERT { GRAPH ?out { template } } WHERE { VALUES ?view { ...batch... } GRAPH ?view
  { pattern } BIND(?out from ?view) }``, so that one query evaluation maps the whole batch
  and its triples land, as quads, in one output graph per record, which the native N-Triples
  writer then dumps.  ``GRAPH ?view`` scopes the pattern to one record exactly as the
  default graph did.  The vocabularies cannot stay a graph of their own inside ``GRAPH
  ?view``, so before the rules run, each view graph receives a copy of the vocabulary
  triples whose subject is an IRI the view names (added from Python: the view's writer
  knows every IRI it gives, and the vocabularies are indexed by subject once).  Rules
  therefore reach the vocabularies in one step from the view (``?p v:_leadIri ?concept .
  ?concept skos:inScheme ?s``), as today's rules do; a rule that went further into the
  vocabularies, or scanned them from elsewhere, would differ from the reference, and the
  parity test would say so.  A rule the rewriting does not understand (a dataset clause,
  ``GRAPH``/``SERVICE`` in its pattern, solution modifiers after it) runs per record within
  the batch, so any rule file works.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from unld.core.iri import IriPolicy
from unld.core.resources import mappings_dir, ontology_dir
from unld.mapping.view import graph_iri
from unld.mapping.view import load as load_view

VOCAB_GRAPH = ox.NamedNode("urn:unld:vocabularies")
#: Records whose views share one in-memory store (per-record mapping) before it is replaced
STORE_RECORDS = 64
#: Records mapped together by one evaluation of each rule (``benchmarks/mapping.py`` on the
#: 358 real resolutions: batches of 4 to 32 cost within the noise of each other, 12 to 13 ms
#: of CPU per resolution against 22 ms per record; 64 cost 17 ms, since some joins grow with
#: the store rather than with the record)
BATCH_RECORDS = 8
#: Vocabulary files the rules may consult (phrase concepts and their citation functions).
VOCABULARIES = ("phrases.ttl",)
_VIEW_GRAPH = "urn:unld:view-graph:"
_OUT_SUFFIX = "/out"
# Variable names the rewriting adds; a rule using them is run per record instead.
_VIEW_VAR, _OUT_VAR = "?unld_batch_view", "?unld_batch_out"


@dataclass(frozen=True)
class Rule:
    name: str
    text: str

    @property
    def batch_update(self) -> str | None:
        """The rule as a batch update (``%s`` stands for the batch's view graphs), or None."""
        return _batch_form(self.text)


@dataclass
class Mapped:
    """One resolution's graph, as sorted, distinct N-Triples lines."""

    symbol: str
    graph: str
    ntriples: bytes

    @property
    def triples(self) -> list[ox.Triple]:
        """The graph's triples.  Read leniently (without checking each IRI again, which
        halves the reading): the lines were written by oxigraph's own serializer from
        terms it had already checked, and only the mapper makes a Mapped."""
        return list(ox.parse(self.ntriples, format=ox.RdfFormat.N_TRIPLES, lenient=True))


@cache
def load_rules(folder: str | None = None) -> tuple[Rule, ...]:
    """The mapping rules, prefixed with ``_prefixes.rq``, in file-name order."""
    root = Path(folder) if folder else mappings_dir()
    prefixes = (root / "_prefixes.rq").read_text(encoding="utf-8")
    rules = []
    for path in sorted(root.glob("*.rq")):
        if path.name.startswith("_"):
            continue
        rules.append(Rule(path.stem, prefixes + "\n" + path.read_text(encoding="utf-8")))
    return tuple(rules)


# The lexical pieces of SPARQL that matter to find a query's template and pattern: comments,
# strings and IRIs (which may hold braces or keywords), braces, and words (keywords,
# prefixed names, variables).  Everything else (punctuation, numbers) is skipped.
_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                   |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<open>\{) | (?P<close>\})
      | (?P<word>[?$]?[A-Za-z_][\w\-]*(?::[\w.\-]*)?)
    """,
    re.X,
)
_UNSUPPORTED = {"GRAPH", "SERVICE", "FROM", "NAMED"}


_Tokens = list[tuple[str | None, re.Match[str]]]


def _batch_form(text: str) -> str | None:
    """``CONSTRUCT {T} WHERE {P}`` rewritten as an update over a batch of view graphs.

    Returns None for anything but a plain CONSTRUCT with its pattern last (those rules run
    per record): the rewriting must not change what a rule means.
    """
    if _VIEW_VAR[1:] in text or _OUT_VAR[1:] in text:
        return None
    tokens: _Tokens = [(m.lastgroup, m) for m in _TOKEN.finditer(text) if m.lastgroup != "comment"]
    words = [i for i, (kind, m) in enumerate(tokens) if kind == "word" and m.group().upper() == "CONSTRUCT"]
    if not words:
        return None
    parts = _construct_parts(text, tokens, words[0])
    if parts is None:
        return None
    template, pattern = parts
    prologue = text[: tokens[words[0]][1].start()]
    # '%' is the batch's placeholder: escape the rule's own
    return (
        prologue.replace("%", "%%")
        + f"INSERT {{ GRAPH {_OUT_VAR} {{\n"
        + template.replace("%", "%%")
        + f"\n}} }}\nWHERE {{\n  VALUES {_VIEW_VAR} {{ %s }}\n  GRAPH {_VIEW_VAR} {{\n"
        + pattern.replace("%", "%%")
        + f'\n  }}\n  BIND(IRI(CONCAT(STR({_VIEW_VAR}), "{_OUT_SUFFIX}")) AS {_OUT_VAR})\n}}\n'
    )


def _closing_brace(tokens: _Tokens, i: int) -> int | None:
    """Index of the brace closing the one opened at token ``i``."""
    depth = 0
    for j in range(i, len(tokens)):
        kind = tokens[j][0]
        depth += kind == "open"
        depth -= kind == "close"
        if depth == 0:
            return j
    return None


def _is_word(tokens: _Tokens, i: int, word: str) -> bool:
    return i < len(tokens) and tokens[i][0] == "word" and tokens[i][1].group().upper() == word


def _construct_parts(text: str, tokens: _Tokens, start: int) -> tuple[str, str] | None:
    """The template and the pattern of the CONSTRUCT at token ``start`` (the short form
    ``CONSTRUCT WHERE { T }`` has one for both), or None when the query is not a plain
    CONSTRUCT whose pattern ends it."""
    i = start + 1
    if i >= len(tokens):
        return None
    template: str | None = None
    if tokens[i][0] == "open":  # CONSTRUCT { template } WHERE? { pattern }
        end = _closing_brace(tokens, i)
        if end is None:
            return None
        template = text[tokens[i][1].end() : tokens[end][1].start()]
        i = end + 2 if _is_word(tokens, end + 1, "WHERE") else end + 1
    elif _is_word(tokens, i, "WHERE"):  # CONSTRUCT WHERE { T }
        i += 1
    else:
        return None
    if i >= len(tokens) or tokens[i][0] != "open":
        return None
    close = _closing_brace(tokens, i)
    if close is None or close != len(tokens) - 1:
        return None  # solution modifiers (LIMIT, ORDER BY...) would act on the whole batch
    if any(kind == "word" and m.group().upper() in _UNSUPPORTED for kind, m in tokens[i:close]):
        return None
    pattern = text[tokens[i][1].end() : tokens[close][1].start()]
    return (pattern if template is None else template), pattern


# Each view graph of the batch receives the vocabulary triples whose subject is an IRI the
# view gives as an object (what ``INSERT { GRAPH ?view { ?o ?p2 ?o2 } } WHERE { GRAPH ?view
# { ?s ?p ?o FILTER(isIRI(?o)) } GRAPH <vocabularies> { ?o ?p2 ?o2 } }`` would copy).  One
# step only: the closure would copy nearly the whole vocabulary into every view (concepts
# name their scheme, the scheme names every concept), which cost more than the batching
# saves.  The copy is made in Python (:func:`_vocabulary_by_subject`): as an update it cost
# a tenth of the mapping, and it needed the vocabularies (1,733 triples) loaded into every
# batch's store, as much again.


def _vocabulary_quads() -> list[ox.Quad]:
    quads: list[ox.Quad] = []
    for name in VOCABULARIES:
        path = ontology_dir() / name
        if path.exists():
            with open(path, "rb") as fh:
                for t in ox.parse(fh, format=ox.RdfFormat.TURTLE):
                    quads.append(ox.Quad(t.subject, t.predicate, t.object, VOCAB_GRAPH))
    return quads


@cache
def _vocabularies() -> tuple[ox.Quad, ...]:
    return tuple(_vocabulary_quads())


@cache
def _vocabulary_by_subject() -> dict[
    str, tuple[tuple[ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal], ...]
]:
    """The predicates and objects of the vocabulary triples, by the IRI of their subject."""
    out: dict[str, list[tuple[ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]]] = {}
    for q in _vocabularies():
        if isinstance(q.subject, ox.NamedNode):
            out.setdefault(q.subject.value, []).append((q.predicate, q.object))  # type: ignore[arg-type]
    return {iri: tuple(po) for iri, po in out.items()}


def _construct(
    store: ox.Store, query: str, default_graph: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]
) -> bytes:
    """The N-Triples of a CONSTRUCT query's result."""
    result = store.query(query, default_graph=default_graph)
    assert isinstance(result, ox.QueryTriples), "a mapping rule is a CONSTRUCT query"
    data = result.serialize(format=ox.RdfFormat.N_TRIPLES)
    assert data is not None
    return data


def _sorted_lines(data: bytes) -> bytes:
    """Sorted, distinct N-Triples lines: the form every dump is written from."""
    lines = sorted(set(data.split(b"\n")) - {b""})
    return b"".join(line + b"\n" for line in lines)


class Mapper:
    """Maps records to graphs; build one per process and reuse it (the rules are parsed once)."""

    def __init__(
        self, policy: IriPolicy, rules_folder: str | None = None, batch: int = BATCH_RECORDS
    ) -> None:
        self.policy = policy
        self.rules = load_rules(rules_folder)
        self.vocab = _vocabularies()
        self.batch = batch
        self.updates = [rule.batch_update for rule in self.rules]
        self.by_subject = _vocabulary_by_subject()

    def map_many(self, records: Iterable[dict]) -> Iterator[Mapped]:
        """Each record's graph, in order, mapped a batch of records at a time."""
        it = iter(records)
        while chunk := list(islice(it, self.batch)):
            yield from self._map_batch(chunk)

    def _map_batch(self, records: list[dict]) -> list[Mapped]:
        store = ox.Store()
        if None in self.updates:
            store.extend(self.vocab)  # the per-record rules read the vocabularies as they are
        views = [ox.NamedNode(f"{_VIEW_GRAPH}{i}") for i in range(len(records))]
        copies: list[ox.Quad] = []
        for record, view in zip(records, views, strict=True):
            for iri in load_view(store, record, self.policy, view):
                named = self.by_subject.get(iri)
                if named:
                    subject = ox.NamedNode(iri)
                    copies.extend(ox.Quad(subject, p, o, view) for p, o in named)
        store.extend(copies)
        values = " ".join(str(view) for view in views)
        # rules the rewriting leaves alone run per record, as in the reference (the copied
        # vocabulary triples in the view change nothing: they are in the vocabularies too)
        fallback: list[list[bytes]] = [[] for _ in records]
        for rule, update in zip(self.rules, self.updates, strict=True):
            if update is not None:
                store.update(update % values)
            else:
                for i, view in enumerate(views):
                    fallback[i].append(_construct(store, rule.text, [view, VOCAB_GRAPH]))
        out = []
        for record, view, extra in zip(records, views, fallback, strict=True):
            data = store.dump(
                format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(view.value + _OUT_SUFFIX)
            )
            assert data is not None
            symbol = record["symbol"]
            out.append(
                Mapped(symbol, graph_iri(self.policy, symbol), _sorted_lines(b"".join([data, *extra])))
            )
        return out

    def map_reference(self, records: Iterable[dict]) -> Iterator[Mapped]:
        """Each record's graph, every rule run as written, once per record (the reference)."""
        store = ox.Store()
        for i, record in enumerate(records):
            if i % STORE_RECORDS == 0:
                # a fresh store now and then, rather than removing each view (removal costs
                # as much as insertion) or keeping them all
                store = ox.Store()
                store.extend(self.vocab)
            view_graph = ox.NamedNode(f"{_VIEW_GRAPH}{i}")
            load_view(store, record, self.policy, view_graph)
            chunks = [_construct(store, rule.text, [view_graph, VOCAB_GRAPH]) for rule in self.rules]
            yield Mapped(
                record["symbol"],
                graph_iri(self.policy, record["symbol"]),
                _sorted_lines(b"".join(chunks)),
            )

    def map_one(self, record: dict) -> Mapped:
        return next(self.map_many([record]))
