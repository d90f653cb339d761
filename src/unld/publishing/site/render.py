"""Writing the static site: one folder per resource, HTML beside Turtle and JSON-LD.

:func:`generate` takes the quads of a build (the same quads the dumps hold: best, the path of
its ``unld.nq``) and writes the site into a staging folder that is renamed into place at the
end.  Same quads, same bytes: every list is sorted, nothing depends on the clock, and the
pages, written by several processes, do not depend on which process wrote which.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import re
import shutil
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import groupby
from json.encoder import encode_basestring
from operator import itemgetter
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from xml.sax.saxutils import escape as xml_escape

import jinja2
import pyoxigraph as ox

from unld.core.iri import IriPolicy
from unld.core.namespaces import (
    CITO,
    DCT,
    ELI,
    ELI_DL,
    ORG,
    OWL,
    PROV,
    RDF,
    RDF_LANG_STRING,
    RDF_TYPE,
    RDFS,
    SKOS,
    TIME,
    UNLD,
    VANN,
    VOID,
    XSD,
    XSD_STRING,
)
from unld.core.resources import mappings_dir
from unld.publishing import dumps
from unld.publishing.jsonld import Compactor, context_head
from unld.publishing.output import die_with_parent
from unld.publishing.site import citegraph, html, listings, schema, search, timeline
from unld.publishing.site.model import (
    LABEL,
    TERM_CACHE_SIZE,
    TYPE,
    VALUE_CACHE_SIZE,
    Cache,
    Dataset,
    Page,
    number_key,
)
from unld.publishing.site.paths import (
    ONTOLOGY_IRI,
    PHRASE_NS,
    disk_path,
    is_safe_path,
    relative,
    split_fragment,
)
from unld.publishing.site.store import OBJECT_OF_IRI, PREDICATE, SUBJECT, Store

HERE = Path(__file__).resolve().parent

#: Dump files of a build that the site offers for download (copied into ``dumps/``).
DUMP_FILES = [
    ("unld.ttl", "Turtle", "text/turtle", "all graphs merged"),
    ("unld.nt", "N-Triples", "application/n-triples", "all graphs merged"),
    ("unld.nq", "N-Quads", "application/n-quads", "one named graph per resolution"),
    ("unld.trig", "TriG", "application/trig", "one named graph per resolution"),
    ("unld.jsonld", "JSON-LD", "application/ld+json", "compact, with the published context"),
    ("context.jsonld", "JSON-LD context", "application/ld+json", "the @context of every JSON-LD file"),
    (
        "ontology.ttl",
        "Ontology (Turtle)",
        "text/turtle",
        "ontology, alignments, phrase vocabularies and bodies",
    ),
    ("ontology.html", "Ontology documentation", "text/html", "human-readable documentation"),
    ("shapes.ttl", "SHACL shapes", "text/turtle", "what the data must look like"),
    ("void.ttl", "VoID / DCAT description", "text/turtle", "counts, dumps, licence"),
    ("validation.ttl", "Validation report", "text/turtle", "SHACL report of the build"),
    ("SHA256SUMS", "Checksums", "text/plain", "SHA-256 of every file above"),
]

#: Folders the site uses for its own listings (they are not IRIs of resources).
LISTINGS = {
    "doc": "Documents",
    "session": "Sessions",
    "body": "Bodies",
    "phrase": "Lead phrases",
    "browse/committee": "Resolutions by committee",
    "browse/agenda": "Resolutions by agenda item",
    **listings.EXTRA_LISTINGS,
    search.SEARCH_PAGE: "Search",
}

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

#: How a page names what links to it: (predicate, class of the linking resource or None).
INVERSE: dict[tuple[str, str | None], str] = {
    (ELI + "cites", None): "Cited by",
    (DCT + "references", None): "Referenced by",
    (UNLD + "session", UNLD + "Resolution"): "Resolutions of this session",
    (UNLD + "session", UNLD + "AgendaItem"): "Agenda items of this session",
    (UNLD + "session", UNLD + "PlenaryMeeting"): "Plenary meetings of this session",
    (UNLD + "session", UNLD + "FutureAgendaItem"): "Items proposed for this session's agenda",
    (UNLD + "agendaItem", None): "Resolutions under this agenda item",
    (UNLD + "adoptedAtMeeting", None): "Resolutions adopted at this meeting",
    (UNLD + "basedOn", None): "Resolutions adopted on this document",
    (UNLD + "recommendedBy", None): "Resolutions recommended by this committee",
    (UNLD + "reportOf", None): "Reports of this committee",
    (UNLD + "adoptedBy", None): "Adopted by this body",
    (UNLD + "mentionsBody", None): "Mentioned in",
    (ORG + "subOrganizationOf", None): "Subsidiary bodies",
    (ORG + "unitOf", None): "Units",
    (UNLD + "mandateOf", None): "Mandate periods",
    (UNLD + "establishedBy", None): "Mandates established by this resolution",
    (UNLD + "meetingOf", None): "Plenary meetings",
    (UNLD + "sessionOf", None): "Sessions",
    (UNLD + "leadPhrase", None): "Paragraphs that open with this phrase",
    (SKOS + "inScheme", None): "Concepts in this scheme",
    (SKOS + "topConceptOf", None): "Top concepts",
    (SKOS + "broader", None): "Narrower concepts",
    (UNLD + "describes", None): "Described in the named graph",
    (UNLD + "decidedIn", None): "Agenda items decided here",
    (UNLD + "hasFootnote", None): "Footnote of",
    (UNLD + "inSection", None): "Paragraphs in this section",
    (VOID + "exampleResource", None): "Example resource of the dataset",
    (VOID + "subset", None): "Part of the dataset",
}
_GROUP_ORDER = {
    title: i
    for i, title in enumerate(
        dict.fromkeys(
            [
                "Resolutions of this session",
                "Resolutions under this agenda item",
                "Resolutions adopted at this meeting",
                "Resolutions adopted on this document",
                "Resolutions recommended by this committee",
                "Cited by",
                *INVERSE.values(),
            ]
        )
    )
}
#: Links not listed on the linked page: the CiTO typing repeats eli:cites; types would list
#: every instance on the ontology page; parts are shown on their document's own page.
_SKIP_INVERSE = {
    TYPE,
    VOID + "class",
    ELI + "has_part",
    UNLD + "reported",
    UNLD + "mandatePeriod",
    UNLD + "establishes",
    UNLD + "includesInProvisionalAgenda",
}

_FRAGMENT_NAMES = [
    (re.compile(r"^(?:(?P<sec>[A-Z]+)-)?pp(?P<n>\d+)$"), "preambular paragraph {n}"),
    (
        re.compile(r"^(?:(?P<sec>[A-Z]+)-)?op(?P<n>\d+)(?P<sub>[a-z]+)?(?:-(?P<sub2>[a-z]+))?$"),
        "operative paragraph {n}",
    ),
    (re.compile(r"^fn(?P<n>\d+)$"), "footnote {n}"),
    (re.compile(r"^sec(?P<n>[A-Z0-9]+)$"), "section {n}"),
    (re.compile(r"^fa(?P<n>\d+)$"), "proposed agenda item {n}"),
]


_FRAG_KEY = re.compile(r"^(?:([A-Z]+)-)?([a-z]+)(\d+)(.*)$")
_RESOLUTION_NUMBER = re.compile(r"^(?:A/RES|A/DEC|S/RES|E/RES|A/HRC/RES)/(.+)$")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def _mention(variant: str) -> re.Pattern:
    """The pattern of one way of writing a symbol, found at every position where it
    starts (group 1 is the mention)."""
    return re.compile(
        r"(?<![\w/.])(?=(" + r"\s+".join(re.escape(part) for part in variant.split(" ")) + r")(?![\w/]))"
    )


def _is_word(c: str) -> bool:
    r"""``\w`` of a str pattern."""
    return c.isalnum() or c == "_"


def _starts(text: str, variant: str) -> list[tuple[int, int]]:
    """(start, end) of every place ``_mention(variant)`` matches, without compiling it:
    the parts of the variant in turn, each run of white space between them taken whole
    (the next part starts with a character that is not white space)."""
    parts = variant.split(" ")
    if "" in parts:  # white space at an end: left to the pattern
        return [(m.start(), m.end(1)) for m in _mention(variant).finditer(text)]
    first, rest = parts[0], parts[1:]
    out = []
    size = len(text)
    at = text.find(first)
    while at >= 0:
        if at == 0 or not (_is_word(text[at - 1]) or text[at - 1] in "/."):
            pos = at + len(first)
            for part in rest:
                gap = pos
                while gap < size and text[gap].isspace():
                    gap += 1
                if gap == pos or not text.startswith(part, gap):
                    break
                pos = gap + len(part)
            else:
                if pos == size or not (_is_word(text[pos]) or text[pos] == "/"):
                    out.append((at, pos))
        at = text.find(first, at + 1)
    return out


def _mentions(text: str, alternatives: list[str]) -> list[tuple[int, int]]:
    r"""Where ``text`` mentions any of ``alternatives`` (in order of preference), as the
    pattern ``(?<![\w/.])(?:alt1|alt2|...)(?![\w/])`` finds them: from left to right, at
    each place the first alternative that matches there, not overlapping.  Without
    compiling a pattern for each paragraph's list (or for each symbol: a large corpus cites
    hundreds of thousands)."""
    found = sorted((start, i, end) for i, v in enumerate(alternatives) for start, end in _starts(text, v))
    out = []
    last = 0
    for start, _, end in found:
        if start >= last:
            out.append((start, end))
            last = end
    return out


def _cited(ds: Dataset, iri: str) -> tuple[str, ...]:
    """What a document or part cites: acts (eli:cites) and other documents (dcterms:references)."""
    return ds.iris(iri, ELI + "cites") + ds.iris(iri, DCT + "references")


def fragment_name(frag: str) -> str:
    """``op6a`` -> ``operative paragraph 6 (a)``; unknown fragments as they are."""
    for rx, fmt in _FRAGMENT_NAMES:
        m = rx.match(frag)
        if m:
            d = m.groupdict()
            name = fmt.format(n=d["n"])
            if d.get("sub"):
                name += f" ({d['sub']})"
            if d.get("sub2"):
                name += f" ({d['sub2']})"
            if d.get("sec"):
                name = f"section {d['sec']}, {name}"
            return name
    return frag


def human_date(value: str | None) -> str | None:
    """``2021-12-06`` -> ``6 December 2021`` (UN style); other values as they are."""
    if not value:
        return value
    try:
        d = date.fromisoformat(value)
    except ValueError:
        return value
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


#: OWL-Time, for the mandate periods of bodies (their timelines).
_TIME = TIME


@dataclass
class SiteReport:
    """What :func:`generate` wrote."""

    out: Path
    pages: int = 0
    files: int = 0
    bytes: int = 0
    resolutions: int = 0
    skipped: list[str] = field(default_factory=list)
    #: seconds spent reading the quads, indexing them, copying files, writing the pages
    #: (and the listings), and putting the site in place
    timings: dict[str, float] = field(default_factory=dict)
    #: how many processes wrote the pages
    jobs: int = 1

    def summary(self) -> str:
        return (
            f"site written to {self.out}/: {self.pages} pages ({self.resolutions} "
            f"resolutions), {self.files} files, {self.bytes} bytes"
            + (f", {len(self.skipped)} IRI(s) without a safe path" if self.skipped else "")
        )


def load_quads(folder: Path) -> Store:
    """The quads of a built folder (its ``unld.nq``), as a compact :class:`Store` (a
    sequence of quads that :func:`generate` uses as it is).  A file that is not N-Quads
    raises ``SyntaxError``."""
    return Store.from_nquads(Path(folder) / "unld.nq")


def detect_base(quads: Iterable[ox.Quad]) -> str | None:
    """The base IRI a build used, read from the name of its VoID graph."""
    names = quads.graph_names() if isinstance(quads, Store) else (q.graph_name for q in quads)
    for g in names:
        if isinstance(g, ox.NamedNode) and g.value.endswith("/graph/void"):
            return g.value[: -len("graph/void")]
    return None


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(jinja2.Environment):
    """Templates read ``x.name`` on plain dicts: look the key up first (what the default
    lookup finds too, after a failed attribute lookup), except for dict's own attributes."""

    def getattr(self, obj: object, attribute: str) -> object:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]  # type: ignore[index]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def _environment() -> jinja2.Environment:
    env = _Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["human_date"] = human_date
    env.globals.update(html.GLOBALS)
    return env


class _Writer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = 0
        self.bytes = 0
        self._made: tuple[str, str] = ("", "")

    def write(self, path: str, name: str, data: bytes, *, own: bool = False) -> None:
        folder = disk_path(self.root, path, own=own)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
        self.files += 1
        self.bytes += len(data)

    def copy(self, path: str, name: str, src: Path, *, own: bool = False) -> None:
        """Copy the file ``src`` without reading it into memory (dumps can be large)."""
        folder = disk_path(self.root, path, own=own)
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, folder / name)
        self.files += 1
        self.bytes += (folder / name).stat().st_size

    def write_page(self, path: str, name: str, data: bytes) -> None:
        """A file of a resource page: ``path`` comes from :func:`page_path`, which refused
        every path that could leave the output folder, so it is joined as it is."""
        if self._made[0] != path:
            if not is_safe_path(path):
                raise ValueError(f"unsafe site path: {path!r}")
            folder = os.path.join(self.root, unquote(path))
            os.makedirs(folder, exist_ok=True)
            self._made = (path, folder)
        with open(os.path.join(self._made[1], name), "wb") as fh:
            fh.write(data)
        self.files += 1
        self.bytes += len(data)


_PREFIXES = sorted(
    {
        **dumps.PREFIXES,
        "vann": VANN,
        "eli-dl": ELI_DL,
        "rdf": RDF,
        "foaf": "http://xmlns.com/foaf/0.1/",
    }.items(),
    key=lambda kv: (-len(kv[1]), kv[0]),
)


def _curie(iri: str) -> str:
    for name, ns in _PREFIXES:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{name}:{iri[len(ns) :]}"
    return iri


class _JsonLd:
    """Compact JSON-LD of a page, the same bytes as ``unld.publishing.jsonld.write`` (the dumps'
    writer) with the same context, and faster: one compactor for every page, and what a
    (predicate, object) pair becomes in a node object is worked out once."""

    def __init__(self, ds: Dataset, context: dict, context_url: str) -> None:
        self.ds = ds
        self.c = Compactor(context)
        self.head = context_head(context_url)
        self.memo = Cache(TERM_CACHE_SIZE)
        #: node objects already written, by subject and triples (a resolution's page and
        #: its graph's page, written one after the other, share most of theirs)
        self.nodes = Cache(4096)

    def entry(self, p: str, obj: object) -> tuple:
        """What one value of a node becomes (see ``Compactor.node``): ``(0, None, type,
        None)``, ``(1, term, language, text)`` for a language map, or ``(2, key, value, sort
        key)``."""
        c = self.c
        if p == _RDF_TYPE and isinstance(obj, ox.NamedNode):
            return (0, None, c.compact_iri(obj.value), None)
        term = c.terms.get(p)
        if (
            term is not None
            and term.language_map
            and isinstance(obj, ox.Literal)
            and obj.datatype.value in (_LANG_STRING, _XSD_STRING)
        ):
            return (1, term.name, obj.language or "@none", obj.value)
        key = term.name if term is not None else c.compact_iri(p)
        if term is not None and term.language_map:
            key = c.compact_iri(p)
            value = c._value(obj, None)  # type: ignore[arg-type]
        else:
            value = c._value(obj, term)  # type: ignore[arg-type]
        # the sort key of Compactor.node: the value as JSON
        sort = (
            encode_basestring(value)
            if isinstance(value, str)
            else json.dumps(value, sort_keys=True, ensure_ascii=False)
        )
        return (2, key, value, sort)

    def node(self, subject: str, entries: list[tuple]) -> dict:
        out: dict[str, object] = {"id": subject}
        types: list[str] = []
        grouped: dict[str, list[tuple[str, object]]] = {}
        maps: dict[str, dict[str, list[str]]] = {}
        for kind, key, a, b in entries:
            if kind == 0:
                types.append(a)
            elif kind == 1:
                maps.setdefault(key, {}).setdefault(a, []).append(b)
            else:
                grouped.setdefault(key, []).append((b, a))
        if types:
            out["type"] = types[0] if len(types) == 1 else sorted(types)
        for key, values in grouped.items():
            if len(values) == 1:
                out[key] = values[0][1]
            else:
                values.sort(key=itemgetter(0))
                out[key] = [v for _, v in values]
        for key, langs in maps.items():
            out[key] = {lang: (vs[0] if len(vs) == 1 else sorted(vs)) for lang, vs in sorted(langs.items())}
        return {k: out[k] for k in sorted(out, key=_node_order)}

    def document(self, page: Page) -> bytes:
        n = self.ds.store.n
        pvalues = self.ds.pvalues
        terms = page.terms
        memo, nodes = self.memo, self.nodes
        out = [self.head]
        for s, rows in groupby(page.rows, key=itemgetter(0)):
            rs = tuple(r for _, r in rows)
            node = nodes.get((s, rs))
            if node is None:
                entries = []
                for r in rs:
                    e = memo.get(r)
                    if e is None:
                        e = self.entry(pvalues[r // n], terms[r % n])
                        memo.put(r, e)
                    entries.append(e)
                subject = terms[s]
                name = subject.value if isinstance(subject, ox.NamedNode) else f"_:{subject.value}"
                node = json.dumps(self.node(name, entries), ensure_ascii=False).encode("utf-8")
                nodes.put((s, rs), node)
            out.append(node)
        body = b"  " + b",\n  ".join(out[1:]) if len(out) > 1 else b""
        return self.head + body + b"\n ]\n}\n"


def _node_order(key: str) -> tuple[bool, bool, str]:
    return (key != "id", key != "type", key)


_RDF_TYPE = RDF_TYPE
_XSD_STRING = XSD_STRING
_LANG_STRING = RDF_LANG_STRING


class Site:
    """One generation run: the dataset, the templates, and where each page lives."""

    def __init__(
        self, quads: Store | Iterable[ox.Quad], base: str, root: Path, dumps_dir: Path | None
    ) -> None:
        IriPolicy(base)  # raises a usage error for a malformed base
        self.base = base
        self.ds = Dataset.from_quads(quads, base)
        self.root = root
        self.dumps_dir = dumps_dir
        self.env = _environment()
        self.writer = _Writer(root)
        self.report = SiteReport(root)
        self.pages: dict[str, str] = {}
        self.order: list[str] = []
        seen_paths: set[str] = set()
        pages = self.ds.pages
        self.report.skipped.extend(self.ds.refused)
        for iri, path in pages.items():
            if path in LISTINGS or path in seen_paths:
                self.report.skipped.append(iri)
                continue
            seen_paths.add(path)
            self.pages[iri] = path
        self.dataset_iri = base + "dataset"
        self.dump_names: list[str] = []
        self.context_doc = json.loads((mappings_dir() / "context.jsonld").read_text("utf-8"))
        #: pages refer to the context the site itself serves at its root, so that it
        #: resolves wherever the base IRI points (not only at the default base)
        self.context_url = base + "context.jsonld"
        self.jsonld = _JsonLd(self.ds, self.context_doc["@context"], self.context_url)
        self.sort_key = lru_cache(maxsize=VALUE_CACHE_SIZE)(self._sort_key)
        self._kind_of = lru_cache(maxsize=VALUE_CACHE_SIZE)(self._kind)
        self.detail = lru_cache(maxsize=VALUE_CACHE_SIZE)(self._detail)

    # --- links ---------------------------------------------------------------------------

    def href(self, iri: str, frm: str) -> str | None:
        head, frag = split_fragment(iri)
        if head == self.base:
            return relative(frm, "", frag)
        if head in self.pages:
            return relative(frm, self.pages[head], frag)
        if head.startswith(self.base + "dumps/"):
            name = head[len(self.base + "dumps/") :]
            if name in self.dump_names:
                return relative(frm, "dumps/" + name, frag, folder=False)
        if iri.startswith(("http://", "https://")):
            return iri
        return None

    def link(self, iri: str, frm: str, label: str | None = None) -> dict:
        head, frag = split_fragment(iri)
        if label is None:
            if frag and head in self.pages and not head.startswith(UNLD.rstrip("#")):
                label = f"{self.ds.label(head)}, {fragment_name(frag)}"
            else:
                label = self.ds.label(iri)
        href = self.href(iri, frm)
        internal = href is not None and not href.startswith(("http://", "https://"))
        return {"href": href, "label": label, "iri": iri, "internal": internal}

    def value(self, o: object, frm: str) -> dict:
        if isinstance(o, ox.NamedNode):
            return {"kind": "iri", **self.link(o.value, frm)}
        assert isinstance(o, ox.Literal)
        dt = o.datatype.value if o.datatype else None
        shown = o.value
        if dt == XSD + "date":
            shown = human_date(o.value) or o.value
        return {
            "kind": "literal",
            "text": shown,
            "raw": o.value,
            "lang": o.language if o.language and o.language != "en" else None,
            "datatype": _curie(dt) if dt and dt not in (XSD_STRING, RDF_LANG_STRING) else None,
            "is_date": dt == XSD + "date",
        }

    def predicate(self, p: str, frm: str) -> dict:
        return {"curie": _curie(p), **self.link(p, frm, label=_curie(p))}

    def properties(self, iri: str, frm: str, skip: set[str] = frozenset()) -> list[dict]:
        rows = []
        for p, objs in sorted(self.ds.props(iri).items(), key=lambda kv: _curie(kv[0])):
            if p in skip:
                continue
            rows.append({"predicate": self.predicate(p, frm), "values": [self.value(o, frm) for o in objs]})
        return rows

    def types(self, iri: str, frm: str) -> list[dict]:
        return [
            self.link(t, frm, label=self.ds.label(t) if t.startswith(UNLD) else _curie(t))
            for t in self.ds.types(iri)
        ]

    # --- what links here -----------------------------------------------------------------

    def _kind(self, s: str) -> str | None:
        for t in self.ds.types(s):
            if t.startswith(UNLD):
                return t
        return None

    def backlinks(self, iri: str, frm: str, skip: set[str] = frozenset()) -> list[dict]:
        """What links to ``iri`` (or to its hash IRIs), grouped by how, each linking
        document once with the paragraphs that link."""
        incoming = self.ds.incoming(iri)
        groups: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for s, p in incoming:
            if p in _SKIP_INVERSE or p in skip or p.startswith((CITO, VOID)):
                continue  # the VoID description is about the dataset, not a link to read
            head, frag = split_fragment(s)
            if head == iri:
                continue  # the page's own parts
            kind = self._kind_of(s)
            title = INVERSE.get((p, kind)) or INVERSE.get((p, None))
            if title is None:
                title = f"Linked with {_curie(p)}"
            groups[title][head].add(frag or "")
        out = []
        for title in sorted(groups, key=lambda t: (_GROUP_ORDER.get(t, len(_GROUP_ORDER)), t)):
            items = []
            for head in sorted(groups[title], key=self.sort_key):
                frags = sorted((f for f in groups[title][head] if f), key=self._frag_key)
                item = self.link(head, frm)
                item["parts"] = [
                    {"href": self.href(f"{head}#{f}", frm), "label": f, "title": fragment_name(f)}
                    for f in frags
                ]
                item["detail"] = self.detail(head)
                items.append(item)
            out.append({"title": title, "items": items})
        return out

    def _detail(self, iri: str) -> str | None:
        """A short description shown after a link in lists: a title, a date."""
        title = self.ds.value(iri, DCT + "title")
        if title and title != self.ds.label(iri):
            return title
        return human_date(self.ds.value(iri, UNLD + "adoptedOn") or self.ds.value(iri, UNLD + "meetingDate"))

    def _sort_key(self, iri: str) -> tuple:
        if self.ds.value(iri, UNLD + "symbol"):
            return (0, self.ds.doc_sort_key(iri))
        number = (
            self.ds.value(iri, UNLD + "itemNumber")
            or self.ds.value(iri, UNLD + "meetingNumber")
            or self.ds.value(iri, UNLD + "sessionNumber")
        )
        if number:
            return (1, (number_key(number + (self.ds.value(iri, UNLD + "subItem") or "")),), iri)
        tail = iri.rsplit("/", 1)[-1]
        if tail.isdigit():
            return (1, (number_key(tail),), iri)
        return (2, (self.ds.label(iri).lower(), iri))

    @staticmethod
    def _frag_key(frag: str) -> tuple:
        order = {"pp": 0, "op": 1, "fn": 2}
        m = _FRAG_KEY.match(frag)
        if not m:
            return (9, 0, frag)
        sec, kind, n, rest = m.groups()
        return (order.get(kind, 3), sec or "", int(n), rest)

    # --- page frame ----------------------------------------------------------------------

    def frame(
        self,
        path: str,
        title: str,
        crumbs: list[tuple[str, str | None]],
        iri: str | None,
        jsonld: str | None,
        alternates: bool = True,
        description: str | None = None,
    ) -> dict:
        return {
            "path": path,
            "title": title,
            "iri": iri,
            "jsonld": jsonld,
            "alternates": alternates,
            "description": description,
            "home": relative(path, ""),
            "css": relative(path, "static/style.css", folder=False),
            "nav": [
                {"href": relative(path, p), "label": label, "current": p == path}
                for p, label in [
                    (search.SEARCH_PAGE, "Search"),
                    ("doc", "Documents"),
                    ("session", "Sessions"),
                    ("browse/year", "Years"),
                    ("browse/committee", "Committees"),
                    ("browse/agenda", "Agenda items"),
                    ("body", "Bodies"),
                    ("phrase", "Phrases"),
                    ("ontology", "Ontology"),
                ]
            ]
            + [{"href": relative(path, "", "downloads"), "label": "Downloads", "current": False}],
            "crumbs": [{"label": label, "href": href} for label, href in crumbs],
        }

    def crumb(self, frm: str, iri: str) -> tuple[str, str | None]:
        return (self.ds.label(iri), self.href(iri, frm))

    def breadcrumbs(self, iri: str, path: str) -> list[tuple[str, str | None]]:
        home = ("Home", relative(path, ""))
        ds = self.ds

        def listing(p: str) -> tuple[str, str]:
            return (LISTINGS[p], relative(path, p))

        me = (ds.label(iri), None)
        if IriPolicy(self.base).is_organ_scoped(iri):
            session = ds.iri(iri, UNLD + "session")
            trail = [home, listing("session")]
            if session and session != iri and session in self.pages:
                trail.append(self.crumb(path, session))
            return [*trail, me]
        if iri.startswith(self.base + "doc/"):
            session = ds.iri(iri, UNLD + "session")
            if session and session in self.pages:
                return [home, listing("session"), self.crumb(path, session), me]
            return [home, listing("doc"), me]
        if iri.startswith(self.base + "body/"):
            owner = ds.iri(iri, UNLD + "mandateOf")
            if owner and owner in self.pages:
                return [home, listing("body"), self.crumb(path, owner), me]
            return [home, listing("body"), me]
        if iri.startswith(PHRASE_NS) or iri.startswith(self.base + "phrase/"):
            scheme = ds.iri(iri, SKOS + "inScheme")
            trail = [home, listing("phrase")]
            if scheme and scheme in self.pages:
                trail.append(self.crumb(path, scheme))
            return [*trail, me]
        return [home, me]

    def render(self, template: str, **ctx: object) -> bytes:
        return self.env.get_template(template).render(**ctx).encode("utf-8")

    # --- resource pages ------------------------------------------------------------------

    def write_resource(self, iri: str, path: str) -> None:
        ds = self.ds
        page = ds.page(iri)
        self.writer.write_page(
            path,
            "index.ttl",
            dumps.serialize(ox.parse(page.ntriples, format=ox.RdfFormat.N_TRIPLES), ox.RdfFormat.TURTLE),
        )
        self.writer.write_page(path, "index.jsonld", self.jsonld.document(page))
        del page
        title = ds.label(iri)
        jsonld = schema.page_jsonld(ds, iri, self.dataset_iri)
        frame = self.frame(path, title, self.breadcrumbs(iri, path), iri, jsonld)
        if iri == ONTOLOGY_IRI or path == "ontology":
            html = self.render("ontology.html", page=frame, **self.ontology(iri, path))
        elif iri in ds.describing_graph and ds.has_type(iri, UNLD + "Resolution"):
            res = self.resolution(iri, path)
            frame["title"] = f"{res['symbol']}: {res['title']}" if res["title"] else title
            frame["description"] = res["title"]
            html = self.render("resolution.html", page=frame, res=res)
            search.write_source(self.root, path, self.render("search_doc.html", res=res))
        else:
            html = self.render("resource.html", page=frame, r=self.resource(iri, path))
        self.writer.write_page(path, "index.html", html)
        self.report.pages += 1

    def resource(self, iri: str, path: str) -> dict:
        ds = self.ds
        parts = []
        for f in ds.fragments(iri):
            frag = split_fragment(f)[1] or ""
            parts.append(
                {
                    "id": frag,
                    "iri": f,
                    "name": ds.label(f) if ds.props(f) else frag,
                    "types": self.types(f, path),
                    "properties": self.properties(f, path, skip={TYPE}),
                    "backlinks": self._part_backlinks(f, path),
                }
            )
        definition = ds.value(iri, SKOS + "definition") or ds.value(iri, RDFS + "comment")
        return {
            "iri": iri,
            "label": ds.label(iri),
            "types": self.types(iri, path),
            "definition": definition,
            "properties": self.properties(iri, path, skip={TYPE}),
            "parts": parts,
            "backlinks": self.backlinks(iri, path),
            "detail": self.detail(iri),
            # the Council's chart of dated periods, and the list of periods with their years
            "chart": self.timeline(iri, path),
            "timeline": timeline.mandates(self, iri, path) if ds.iris(iri, UNLD + "mandatePeriod") else None,
            "cite": {"text": f"{ds.label(iri)}. {iri}", "iri": iri},
        }

    def timeline(self, iri: str, path: str) -> dict | None:
        """A body's mandate periods in order, as rows of a timeline (None without any).

        Each period runs from its beginning (the adoption date of the resolution deciding
        it) to its end; periods without an end are drawn to the latest date known.  The
        bars are SVG rectangles whose x and width are per cent of the whole span, so that
        the page needs no script and no inline style.
        """
        ds = self.ds
        rows: list[dict[str, Any]] = []
        for o in ds.objects(iri, UNLD + "mandatePeriod"):
            m = o.value
            begin_node = ds.iri(m, _TIME + "hasBeginning")
            end_node = ds.iri(m, _TIME + "hasEnd")
            begin = (
                (ds.value(begin_node, _TIME + "inXSDDate") or ds.value(begin_node, _TIME + "inXSDgYear"))
                if begin_node
                else None
            )
            end = (
                (ds.value(end_node, _TIME + "inXSDDate") or ds.value(end_node, _TIME + "inXSDgYear"))
                if end_node
                else None
            )
            if begin is None:
                continue
            res = ds.iri(m, UNLD + "decidedBy") or ds.iri(m, UNLD + "establishedBy")
            para = ds.iri(m, UNLD + "decidedInParagraph")
            rows.append(
                {
                    "period": self.link(m, path, f"{begin} – {end or 'open'}"),
                    "begin": begin,
                    "end": end,
                    "action": ds.value(m, UNLD + "mandateAction"),
                    "resolution": self.link(res, path) if res else None,
                    "paragraph": self.link(para, path, fragment_name(split_fragment(para)[1] or ""))
                    if para
                    else None,
                }
            )
        if not rows:
            return None
        rows.sort(key=lambda r: (r["begin"], r["end"] or "9999"))

        def day(value: str) -> float:
            y, _, rest = value.partition("-")
            mth, _, d = rest.partition("-")
            return int(y) + (int(mth or 1) - 1) / 12 + (int(d or 1) - 1) / 365

        lo = min(day(r["begin"]) for r in rows)
        hi = max(max(day(r["begin"]), day(r["end"]) if r["end"] else 0.0) for r in rows)
        span = max(hi - lo, 1.0)
        for k, r in enumerate(rows):
            start = day(r["begin"])
            # an open period lasts until the next one of the body begins
            following = [day(n["begin"]) for n in rows[k + 1 :] if day(n["begin"]) > start]
            stop = day(r["end"]) if r["end"] else (following[0] if following else hi)
            r["x"] = round(100 * (start - lo) / span, 2)
            r["width"] = max(round(100 * (stop - start) / span, 2), 0.5)
            r["y"] = 6 + 22 * k
        return {"rows": rows, "height": 12 + 22 * len(rows), "first": rows[0]["begin"], "last": str(hi)[:4]}

    def _part_backlinks(self, iri: str, path: str) -> list[dict]:
        out = []
        for s, p in sorted(self.ds.incoming(iri)):
            if p in _SKIP_INVERSE or p.startswith(CITO):
                continue
            out.append({"predicate": self.predicate(p, path), **self.link(s, path)})
        return out

    # --- the resolution ------------------------------------------------------------------

    def resolution(self, iri: str, path: str) -> dict:
        ds = self.ds
        # the parts: hash IRIs of the resolution (its eli:has_part links, when present,
        # name the same ones)
        parts = sorted(set(ds.iris(iri, ELI + "has_part")) | set(ds.fragments(iri)))
        by_type: dict[str, list[str]] = defaultdict(list)
        for part in parts:
            kind = self._kind_of(part) or ""
            by_type[kind].append(part)

        def pos(p: str) -> int:
            v = ds.value(p, UNLD + "position")
            return int(v) if v and v.lstrip("-").isdigit() else 0

        sections = {
            s: {
                "id": split_fragment(s)[1],
                "iri": s,
                "label": ds.value(s, UNLD + "label") or "",
                "title": ds.value(s, DCT + "title"),
                "position": pos(s),
            }
            for s in by_type.get(UNLD + "Section", [])
        }
        footnotes = sorted(by_type.get(UNLD + "Footnote", []), key=pos)
        fn_marks = {f: ds.value(f, UNLD + "label") or str(i + 1) for i, f in enumerate(footnotes)}
        fn_refs: dict[str, list[dict]] = defaultdict(list)
        rendered: set[str] = set()

        def paragraph(p: str, kind: str) -> dict:
            rendered.add(p)
            frag = split_fragment(p)[1] or ""
            text = ds.value(p, UNLD + "text") or ""
            lead = ds.value(p, UNLD + "leadText")
            concept = ds.iri(p, UNLD + "leadPhrase")
            cited = _cited(ds, p)
            segments, linked = self.segments(text, cited, path)
            lead_seg = None
            if lead and segments and segments[0]["href"] is None and segments[0]["text"].startswith(lead):
                lead_seg = {
                    "text": lead,
                    "href": self.href(concept, path) if concept else None,
                    "title": ds.label(concept) if concept else None,
                }
                segments[0] = {**segments[0], "text": segments[0]["text"][len(lead) :]}
            refs = []
            for f in sorted(ds.iris(p, UNLD + "hasFootnote"), key=pos):
                fid = split_fragment(f)[1] or ""
                ref_id = f"ref-{fid}-{frag}"
                refs.append({"href": f"#{fid}", "id": ref_id, "mark": fn_marks.get(f, fid)})
                fn_refs[f].append({"id": ref_id, "name": fragment_name(frag)})
            subs = sorted((s for s in ds.iris(p, ELI + "has_part")), key=pos)
            number = ds.value(p, UNLD + "paragraphNumber")
            label = ds.value(p, UNLD + "label")
            return {
                "id": frag,
                "iri": p,
                "kind": kind,
                "number": number,
                "label": label,
                "name": fragment_name(frag),
                "lead": lead_seg,
                "segments": segments,
                "refs": refs,
                "cites": [self.link(c, path) for c in cited if c not in linked],
                "bodies": [self.link(b, path) for b in ds.iris(p, UNLD + "mentionsBody")],
                "subparagraphs": [paragraph(s, "sub") for s in subs],
            }

        groups: dict[str | None, dict] = {}
        ordered = [(0, pos(p), p, "pp") for p in by_type.get(UNLD + "PreambularParagraph", [])] + [
            (1, pos(p), p, "op") for p in by_type.get(UNLD + "OperativeParagraph", [])
        ]

        def group_key(item: tuple) -> tuple:
            sec = ds.iri(item[2], UNLD + "inSection")
            return (sections[sec]["position"] if sec in sections else 0, item[0], item[1], item[2])

        for item in sorted(ordered, key=group_key):
            sec = ds.iri(item[2], UNLD + "inSection")
            sec = sec if sec in sections else None
            if sec not in groups:
                groups[sec] = {"section": sections.get(sec) if sec else None, "preamble": [], "operative": []}
                if sec:
                    rendered.add(sec)
            groups[sec]["preamble" if item[3] == "pp" else "operative"].append(paragraph(item[2], item[3]))
        for sec in sorted(sections, key=lambda s: sections[s]["position"]):
            if sec not in groups:  # a section without paragraphs still gets its anchor
                groups[sec] = {"section": sections[sec], "preamble": [], "operative": []}
                rendered.add(sec)
        body = sorted(groups.values(), key=lambda g: g["section"]["position"] if g["section"] else 0)

        annexes = self._annexes(iri, by_type, paragraph, pos, rendered, path)

        notes = []
        for f in footnotes:
            rendered.add(f)
            cited = _cited(ds, f)
            segments, linked = self.segments(ds.value(f, UNLD + "text") or "", cited, path)
            notes.append(
                {
                    "id": split_fragment(f)[1],
                    "iri": f,
                    "mark": fn_marks[f],
                    "segments": segments,
                    "backrefs": fn_refs.get(f, []),
                    "cites": [self.link(c, path) for c in cited if c not in linked],
                }
            )

        future = []
        for fa in sorted(ds.iris(iri, UNLD + "includesInProvisionalAgenda")):
            rendered.add(fa)
            session = ds.iri(fa, UNLD + "session")
            decided = ds.iri(fa, UNLD + "decidedIn")
            future.append(
                {
                    "id": split_fragment(fa)[1],
                    "iri": fa,
                    "title": ds.value(fa, DCT + "title"),
                    "under": ds.value(fa, UNLD + "underItemTitled"),
                    "session": self.link(session, path) if session else None,
                    "decided": self.link(decided, path) if decided else None,
                }
            )

        leftovers = []
        for f in ds.fragments(iri):
            if f not in rendered:
                leftovers.append(
                    {
                        "id": split_fragment(f)[1],
                        "iri": f,
                        "name": fragment_name(split_fragment(f)[1] or ""),
                        "types": self.types(f, path),
                        "properties": self.properties(f, path, skip={TYPE}),
                    }
                )

        basis_docs = ds.iris(iri, UNLD + "basedOn")
        committee = ds.iri(iri, UNLD + "recommendedBy")
        meeting = ds.iri(iri, UNLD + "adoptedAtMeeting")
        graph = ds.describing_graph.get(iri)
        source = ds.iri(graph, PROV + "wasDerivedFrom") if graph else None
        number = ds.value(iri, UNLD + "resolutionNumber")
        return {
            "iri": iri,
            "symbol": ds.value(iri, UNLD + "symbol") or ds.label(iri),
            "number": number,
            "title": ds.value(iri, DCT + "title"),
            "adopted_on": ds.value(iri, UNLD + "adoptedOn"),
            "adopted_by": [self.link(b, path) for b in ds.iris(iri, UNLD + "adoptedBy")],
            "session": [self.link(s, path) for s in ds.iris(iri, UNLD + "session")],
            "agenda": [
                {**self.link(a, path), "title": ds.value(a, DCT + "title")}
                for a in sorted(ds.iris(iri, UNLD + "agendaItem"), key=self.sort_key)
            ],
            "meeting": (
                {**self.link(meeting, path), "date": ds.value(meeting, UNLD + "meetingDate")}
                if meeting
                else None
            ),
            "basis": [self.link(d, path) for d in basis_docs],
            "basis_paragraph": ds.value(iri, UNLD + "basisParagraph"),
            "committee": self.link(committee, path) if committee else None,
            "undocs": ds.iris(iri, RDFS + "seeAlso"),
            "body": body,
            "annexes": annexes,
            "footnotes": notes,
            "future": future,
            "leftovers": leftovers,
            "cited": [
                {**self.link(c, path), "detail": self.detail(c)}
                for c in sorted(_cited(ds, iri), key=self.sort_key)
            ],
            "bodies": [self.link(b, path) for b in ds.iris(iri, UNLD + "mentionsBody")],
            "backlinks": self.backlinks(iri, path, skip={UNLD + "describes"}),
            "graph": self.link(graph, path) if graph else None,
            "source": (
                {
                    "label": ds.label(source),
                    "sha256": ds.value(source, UNLD + "sha256"),
                    "format": ds.value(source, UNLD + "sourceFormat"),
                }
                if source
                else None
            ),
            "properties": self.properties(iri, path, skip={TYPE, ELI + "has_part"}),
            "filters": search.filters(ds, iri),
            "citegraph": citegraph.svg(self, iri, path),
            "cite": {"text": self.citation(iri), "iri": iri},
        }

    def _annexes(
        self,
        iri: str,
        by_type: dict[str, list[str]],
        paragraph: Callable[[str, str], dict],
        pos: Callable[[str], int],
        rendered: set[str],
        path: str,
    ) -> list[dict]:
        """The annexes of a resolution as the page shows them, in reading order: each with
        its heading and title, then its headings, paragraphs and tables in the order the
        annex prints them (an annex of an adopted text follows the text)."""
        ds = self.ds
        out: list[dict] = []

        def walk(owner: str, depth: int) -> None:
            for annex in sorted(ds.iris(owner, UNLD + "hasAnnex"), key=pos):
                rendered.add(annex)
                items = []
                for part in sorted(ds.iris(annex, ELI + "has_part"), key=lambda q: (pos(q), q)):
                    kind = self._kind_of(part) or ""
                    if kind == UNLD + "AnnexSection":
                        rendered.add(part)
                        label = ds.value(part, UNLD + "label")
                        depth_of = 0
                        up = ds.iri(part, UNLD + "inAnnexSection")
                        while up and depth_of < 3:
                            depth_of += 1
                            up = ds.iri(up, UNLD + "inAnnexSection")
                        items.append(
                            {
                                "kind": "heading",
                                "id": split_fragment(part)[1],
                                "iri": part,
                                "label": label,
                                "title": ds.value(part, DCT + "title"),
                                "level": min(6, 3 + depth_of),
                            }
                        )
                    elif kind == UNLD + "AnnexParagraph":
                        items.append({"kind": "paragraph", "para": paragraph(part, "annex")})
                    elif kind == UNLD + "AnnexTable":
                        rendered.add(part)
                        cells = sorted(ds.iris(part, ELI + "has_part"), key=pos)
                        rendered.update(cells)
                        items.append(
                            {
                                "kind": "table",
                                "id": split_fragment(part)[1],
                                "iri": part,
                                "cells": [
                                    {"id": split_fragment(c)[1], "text": ds.value(c, UNLD + "text") or ""}
                                    for c in cells
                                ],
                            }
                        )
                acts = sorted(ds.subjects(UNLD + "actsOnAnnex", annex), key=self.sort_key)
                out.append(
                    {
                        "id": split_fragment(annex)[1],
                        "iri": annex,
                        "heading": ds.value(annex, UNLD + "heading"),
                        "title": ds.value(annex, DCT + "title"),
                        "acts": [self.link(a, path) for a in acts],
                        "parts": items,
                    }
                )
                walk(annex, depth + 1)

        walk(iri, 0)
        return out

    def citation(self, iri: str) -> str:
        """How to cite a resolution: symbol, title, date of adoption, and its IRI."""
        ds = self.ds
        parts = [ds.value(iri, UNLD + "symbol") or ds.label(iri)]
        title = ds.value(iri, DCT + "title")
        if title:
            parts.append(title)
        adopted = human_date(ds.value(iri, UNLD + "adoptedOn"))
        if adopted:
            parts.append(f"adopted {adopted}")
        return ", ".join(parts) + f". {iri}"

    def segments(self, text: str, cited: list[str], frm: str) -> tuple[list[dict], set[str]]:
        """Split ``text`` into pieces, linking each mention of a cited document.

        A resolution is mentioned by its full symbol or, as the UN writes, by its number
        (``43/78 H``, ``2625 (2022)``).  Pieces are plain data: the template escapes them.
        """
        variants: dict[str, str] = {}
        for c in cited:
            symbol = self.ds.value(c, UNLD + "symbol")
            if not symbol:
                continue
            forms = {symbol}
            m = _RESOLUTION_NUMBER.match(symbol)
            if m:
                forms.add(m.group(1))
            for form in forms:
                key = _SPACES.sub(" ", form)
                variants.setdefault(key, c)
        if not variants or not text:
            return [{"text": text, "href": None, "title": None}], set()
        out: list[dict] = []
        linked: set[str] = set()
        last = 0
        for start, end in _mentions(text, sorted(variants, key=lambda v: (-len(v), v))):
            mention = text[start:end]
            target = variants.get(_SPACES.sub(" ", mention))
            if target is None:
                continue
            if start > last:
                out.append({"text": text[last:start], "href": None, "title": None})
            out.append({"text": mention, "href": self.href(target, frm), "title": self.ds.label(target)})
            linked.add(target)
            last = end
        if last < len(text):
            out.append({"text": text[last:], "href": None, "title": None})
        return out or [{"text": "", "href": None, "title": None}], linked

    # --- the ontology --------------------------------------------------------------------

    def ontology(self, iri: str, path: str) -> dict:
        ds = self.ds
        # subjects, objects (of an IRI subject) and predicates in the ontology's namespace
        terms = set(ds.terms_in(UNLD, SUBJECT | OBJECT_OF_IRI | PREDICATE))
        groups: dict[str, list[dict]] = defaultdict(list)
        for t in sorted(terms, key=lambda t: t[len(UNLD) :].lower()):
            types = ds.types(t)
            if OWL + "Class" in types or RDFS + "Class" in types:
                kind = "Classes"
            elif any(x.endswith("Property") for x in types):
                kind = "Properties"
            elif types:
                kind = "Individuals"
            else:  # not declared (yet): by the naming convention
                kind = "Classes" if t[len(UNLD)].isupper() else "Properties"
            used = ds.count_incoming(t, TYPE)
            groups[kind].append(
                {
                    "id": t[len(UNLD) :],
                    "iri": t,
                    "label": ds.value(t, LABEL) or t[len(UNLD) :],
                    "definition": ds.value(t, SKOS + "definition") or ds.value(t, RDFS + "comment"),
                    "types": self.types(t, path),
                    "properties": self.properties(t, path, skip={TYPE, LABEL, SKOS + "definition"}),
                    "instances": used,
                }
            )
        order = ["Classes", "Properties", "Individuals"]
        return {
            "onto": {
                "iri": iri,
                "title": ds.value(iri, DCT + "title") or "unld ontology",
                "description": ds.value(iri, DCT + "description"),
                "properties": self.properties(iri, path, skip={TYPE, DCT + "title", DCT + "description"}),
                "groups": [{"title": k, "terms": groups[k]} for k in order if groups.get(k)],
                "doc_href": (
                    relative(path, "dumps/ontology.html", folder=False)
                    if "ontology.html" in self.dump_names
                    else None
                ),
                "ttl_href": (
                    relative(path, "dumps/ontology.ttl", folder=False)
                    if "ontology.ttl" in self.dump_names
                    else None
                ),
            }
        }

    # --- listings --------------------------------------------------------------------------

    def write_listing(self, path: str, title: str, intro: str, sections: list[dict]) -> None:
        crumbs = [("Home", relative(path, "")), (title, None)]
        frame = self.frame(path, title, crumbs, None, None, alternates=False, description=intro)
        self.writer.write(
            path,
            "index.html",
            self.render("listing.html", page=frame, intro=intro, sections=sections),
            own=True,
        )
        self.report.pages += 1

    def item(self, iri: str, frm: str, detail: str | None = None) -> dict:
        return {**self.link(iri, frm), "detail": detail if detail is not None else self.detail(iri)}

    def listings(self) -> None:
        ds = self.ds
        # documents
        p = "doc"
        built = set(ds.resolutions)
        docs = [i for i in self.pages if i.startswith(self.base + "doc/")]
        kinds = [
            ("Resolution", "Resolutions cited"),
            ("Decision", "Decisions"),
            ("CommitteeReport", "Committee reports"),
            ("DraftResolution", "Draft resolutions"),
            ("Document", "Other documents"),
        ]
        sections = [
            {"title": "Resolutions published here", "items": [self.item(r, p) for r in ds.resolutions]}
        ]
        placed = set(built)
        for cls, title in kinds:
            items = sorted(
                (d for d in docs if d not in placed and ds.has_type(d, UNLD + cls)), key=self.sort_key
            )
            placed.update(items)
            sections.append({"title": title, "items": [self.item(d, p) for d in items]})
        rest = sorted((d for d in docs if d not in placed), key=self.sort_key)
        if rest:
            sections.append({"title": "Other", "items": [self.item(d, p) for d in rest]})
        self.write_listing(
            p,
            "Documents",
            "Every resolution published here and every document they cite, by kind and symbol.",
            [s for s in sections if s["items"]],
        )
        # sessions
        p = "session"
        sessions = sorted((s for s in ds.of_type(UNLD + "Session") if s in self.pages), key=self.sort_key)
        items = []
        for s in sessions:
            n = sum(1 for r in ds.resolutions if s in ds.iris(r, UNLD + "session"))
            items.append(self.item(s, p, f"{n} resolution{'s' if n != 1 else ''} published"))
        self.write_listing(
            p,
            "Sessions",
            "Sessions of the General Assembly: their resolutions, agenda items and plenary meetings.",
            [{"title": "Sessions", "items": items}],
        )
        # bodies
        p = "body"
        bodies = sorted(
            (b for b in self.pages if b.startswith(self.base + "body/") and "/mandate/" not in b),
            key=self.sort_key,
        )
        by_kind: dict[str, list[dict]] = defaultdict(list)
        for b in bodies:
            kind = self._kind_of(b)
            name = {
                UNLD + "Organ": "Organs",
                UNLD + "Committee": "Committees",
                UNLD + "WorkingGroup": "Working groups",
                UNLD + "PeaceOperation": "Peace operations and missions",
                UNLD + "PoliticalMission": "Peace operations and missions",
                UNLD + "PanelOfExperts": "Panels and sanctions committees",
                UNLD + "SanctionsCommittee": "Panels and sanctions committees",
            }.get(kind or "", "Other bodies")
            by_kind[name].append(self.item(b, p, ds.value(b, UNLD + "bodyKind")))
        self.write_listing(
            p,
            "Bodies",
            "Organs, Main Committees, working groups, the Security Council's peace operations, missions "
            "and panels, and other bodies named by the resolutions.",
            [
                {"title": k, "items": by_kind[k]}
                for k in [
                    "Organs",
                    "Committees",
                    "Working groups",
                    "Peace operations and missions",
                    "Panels and sanctions committees",
                    "Other bodies",
                ]
                if by_kind.get(k)
            ],
        )
        # phrases
        p = "phrase"
        schemes = sorted(
            s for s in ds.of_type(SKOS + "ConceptScheme") if s in self.pages and s.startswith(PHRASE_NS)
        )
        sections = []
        for sc in schemes:
            concepts = sorted(
                (c for c in ds.subjects(SKOS + "inScheme", sc) if c in self.pages),
                key=lambda c: ds.label(c).lower(),
            )
            sections.append(
                {
                    "title": ds.label(sc),
                    "href": self.href(sc, p),
                    "columns": True,
                    "items": [self.item(c, p, self._uses(c)) for c in concepts],
                }
            )
        self.write_listing(
            p,
            "Lead phrases",
            "The phrases that open preambular and operative "
            "paragraphs, as SKOS concepts, with how often each is used here.",
            sections,
        )
        # by committee
        p = "browse/committee"
        by_committee: dict[str, list[str]] = defaultdict(list)
        for r in ds.resolutions:
            by_committee[ds.iri(r, UNLD + "recommendedBy") or ""].append(r)
        sections = []
        for c in sorted(by_committee, key=lambda c: (c == "", self.sort_key(c) if c else ())):
            title = ds.label(c) if c else "Without reference to a Main Committee"
            sections.append(
                {
                    "title": title,
                    "href": self.href(c, p) if c else None,
                    "items": [self.item(r, p) for r in by_committee[c]],
                }
            )
        self.write_listing(
            p,
            "Resolutions by committee",
            "Resolutions grouped by the Main Committee whose report recommended them.",
            sections,
        )
        # by agenda item
        p = "browse/agenda"
        sections = []
        for s in sessions:
            items = sorted(
                (
                    a
                    for a in ds.subjects(UNLD + "session", s)
                    if ds.has_type(a, UNLD + "AgendaItem") and a in self.pages
                ),
                key=self.sort_key,
            )
            if not items:
                continue
            entries = []
            for a in items:
                res = [
                    self.link(r, p) for r in sorted(ds.subjects(UNLD + "agendaItem", a), key=self.sort_key)
                ]
                entries.append({**self.item(a, p), "children": res})
            sections.append({"title": ds.label(s), "href": self.href(s, p), "items": entries})
        self.write_listing(
            p,
            "Resolutions by agenda item",
            "Agenda items of each session and the resolutions adopted under them.",
            sections,
        )
        listings.write_all(self)
        self.search_page()

    def search_page(self) -> None:
        """The search page: a form that works with the Pagefind index (the one page that
        needs JavaScript; without it, it points to the listings)."""
        p = search.SEARCH_PAGE
        crumbs = [("Home", relative(p, "")), ("Search", None)]
        frame = self.frame(p, "Search", crumbs, None, None, alternates=False)
        frame["search"] = True
        html = self.render(
            "search.html",
            page=frame,
            bundle=relative(p, search.INDEX_DIR + "/pagefind.js", folder=False),
            script=relative(p, "static/search.js", folder=False),
            listings=[
                {"href": relative(p, k), "label": v}
                for k, v in LISTINGS.items()
                if k.startswith("browse/") or k == "session"
            ],
        )
        self.writer.write(p, "index.html", html, own=True)
        self.report.pages += 1

    def _uses(self, concept: str) -> str:
        n = len(self.ds.subjects(UNLD + "leadPhrase", concept))
        return f"{n} paragraph{'s' if n != 1 else ''}"

    # --- home, files ---------------------------------------------------------------------

    def copy_dumps(self) -> None:
        if not self.dumps_dir:
            return
        for name, *_ in DUMP_FILES:
            src = self.dumps_dir / name
            if src.is_file():
                self.writer.copy("dumps", name, src, own=True)
                self.dump_names.append(name)

    def context(self) -> None:
        """The context every page's JSON-LD refers to (``<base>context.jsonld``), always
        written, with or without the build's dumps beside the site."""
        self.writer.write("", "context.jsonld", (mappings_dir() / "context.jsonld").read_bytes())

    def home(self) -> None:
        ds = self.ds
        path = ""
        downloads = []
        for name, label, media, note in DUMP_FILES:
            if name in self.dump_names:
                size = (self.root / "dumps" / name).stat().st_size
                downloads.append(
                    {
                        "href": relative(path, "dumps/" + name, folder=False),
                        "name": name,
                        "label": label,
                        "media": media,
                        "note": note,
                        "size": _size(size),
                        "iri": self.base + "dumps/" + name,
                    }
                )
        counts = [
            ("Resolutions published", len(ds.resolutions), relative(path, "doc")),
            (
                "Documents cited",
                sum(1 for d in self.pages if d.startswith(self.base + "doc/")) - len(ds.resolutions),
                relative(path, "doc"),
            ),
            (
                "Sessions",
                len([s for s in ds.of_type(UNLD + "Session") if s in self.pages]),
                relative(path, "session"),
            ),
            ("Agenda items", len(ds.of_type(UNLD + "AgendaItem")), relative(path, "browse/agenda")),
            ("Plenary meetings", len(ds.of_type(UNLD + "PlenaryMeeting")), relative(path, "session")),
            (
                "Bodies",
                len([b for b in self.pages if b.startswith(self.base + "body/") and "/mandate/" not in b]),
                relative(path, "body"),
            ),
            ("Triples", self.triple_count(), None),
        ]
        recent = [
            self.item(r, path)
            for r in sorted(
                ds.resolutions, key=lambda r: (ds.value(r, UNLD + "adoptedOn") or "", r), reverse=True
            )[:10]
        ]
        description = (
            "United Nations General Assembly resolutions as linked data: every "
            "resolution, paragraph, session, agenda item, meeting and body with "
            "its own IRI, in HTML, Turtle and JSON-LD."
        )
        jsonld = schema.dataset_jsonld(
            "unld: UN General Assembly resolutions as linked data", description, self.dataset_iri, downloads
        )
        frame = self.frame(
            path,
            "UN General Assembly resolutions as linked data",
            [],
            self.base,
            jsonld,
            alternates=True,
            description=description,
        )
        void = ds.graph_triples(self.base + "graph/void")
        self.writer.write(path, "index.ttl", dumps.serialize(void, ox.RdfFormat.TURTLE))
        self.writer.write(path, "index.jsonld", dumps.jsonld(void, self.context_doc, self.context_url))
        html = self.render(
            "home.html",
            page=frame,
            counts=counts,
            downloads=downloads,
            recent=recent,
            base=self.base,
            ontology_doc=(
                relative(path, "dumps/ontology.html", folder=False)
                if "ontology.html" in self.dump_names
                else None
            ),
            ontology=relative(path, "ontology"),
            example=self.example(path),
        )
        self.writer.write(path, "index.html", html)
        self.report.pages += 1

    def triple_count(self) -> int:
        """The dataset's triples as its VoID description counts them (``void:triples``, the
        number the build prints), so that the home page shows the same figure; the store's
        own count (which includes the VoID graph) only for quads without a description."""
        counted = self.ds.value(self.dataset_iri, VOID + "triples")
        return int(counted) if counted and counted.isdigit() else self.ds.store.triple_count

    def example(self, frm: str) -> dict | None:
        if not self.ds.resolutions:
            return None
        r = self.ds.resolutions[0]
        return {"iri": r, "href": self.href(r, frm)}

    def not_found(self) -> None:
        frame = self.frame(
            "", "Not found", [("Home", "./"), ("Not found", None)], None, None, alternates=False
        )
        # served for any missing path: links must not be relative to where it is served
        frame["css"] = "/static/style.css"
        frame["home"] = "/"
        for item in frame["nav"]:
            item["href"] = "/" + item["href"].lstrip("./")
        frame["crumbs"][0]["href"] = "/"
        self.writer.write("", "404.html", self.render("404.html", page=frame))

    def static(self) -> None:
        for f in sorted((HERE / "static").iterdir()):
            if f.is_file():
                self.writer.write("static", f.name, f.read_bytes(), own=True)
        config = HERE / "templates"
        self.writer.write("_config", "nginx-unld.conf", (config / "nginx-unld.conf").read_bytes(), own=True)
        self.writer.write("", ".htaccess", (config / "htaccess").read_bytes())
        self.writer.write("", ".nojekyll", b"")
        urls = [self.base] + [self.base + p + "/" for p in sorted([*self.pages.values(), *LISTINGS])]
        sitemap = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        ]
        sitemap += [f"  <url><loc>{xml_escape(u)}</loc></url>" for u in urls]
        sitemap.append("</urlset>")
        self.writer.write("", "sitemap.xml", ("\n".join(sitemap) + "\n").encode("utf-8"))
        self.writer.write(
            "", "robots.txt", f"User-agent: *\nAllow: /\nSitemap: {self.base}sitemap.xml\n".encode()
        )

    # --- the whole run ---------------------------------------------------------------------

    def prepare(self) -> None:
        """Compute, once, what every page needs, before worker processes share it."""
        self.ds.describing_graph  # noqa: B018
        self.ds.resolutions  # noqa: B018
        self.ds.hash_ids(self.base)
        for name in (
            "home.html",
            "listing.html",
            "resolution.html",
            "resource.html",
            "ontology.html",
            "404.html",
            "search.html",
            "search_doc.html",
        ):
            self.env.get_template(name)
        self.ds.forget()  # what the workers will decode again is not kept twice

    def task(self, task: tuple[str, int, int]) -> tuple[int, int, int]:
        """Do one share of the work: ``("pages", start, end)`` of the sorted page list, or
        ``("rest", 0, 0)`` (listings, home page, 404).  Returns (pages, files, bytes)."""
        before = (self.report.pages, self.writer.files, self.writer.bytes)
        kind, start, end = task
        if kind == "pages":
            for iri in self.order[start:end]:
                self.write_resource(iri, self.pages[iri])
        else:
            self.listings()
            self.home()
            self.not_found()
        return (self.report.pages - before[0], self.writer.files - before[1], self.writer.bytes - before[2])

    def run(self, jobs: int | None = None) -> SiteReport:
        """Write everything; the pages on ``jobs`` processes (default: one per core)."""
        clock = time.perf_counter()
        self.copy_dumps()
        self.context()
        self.static()
        self.report.timings["files"] = time.perf_counter() - clock
        clock = time.perf_counter()
        # a resolution's page, then its graph's page (which repeats most of it): the
        # order of the work, not of anything written
        graphs, docs = self.base + "graph/", self.base + "doc/"
        self.order = sorted(
            self.pages, key=lambda i: (docs + i[len(graphs) :], 1) if i.startswith(graphs) else (i, 0)
        )
        self.report.resolutions = len(self.ds.resolutions)
        self.prepare()
        self.report.timings["index"] += time.perf_counter() - clock
        clock = time.perf_counter()
        jobs = self.report.jobs = _jobs(jobs, len(self.order))
        size = max(8, min(256, len(self.order) // (jobs * 16) or 1))
        tasks = [("rest", 0, 0)] + [
            ("pages", i, min(i + size, len(self.order))) for i in range(0, len(self.order), size)
        ]
        files, nbytes = self.writer.files, self.writer.bytes
        results = [self.task(t) for t in tasks] if jobs == 1 else _in_processes(self, tasks, jobs)
        self.report.pages = sum(r[0] for r in results)
        self.report.files = files + sum(r[1] for r in results)
        self.report.bytes = nbytes + sum(r[2] for r in results)
        self.report.timings["pages"] = time.perf_counter() - clock
        self.report.timings["search"] = search.build_index(self.root)
        return self.report


#: The site being written, for the worker processes (forked: they share its indexes).
_ACTIVE: Site | None = None


def _task(task: tuple[str, int, int]) -> tuple[int, int, int]:
    assert _ACTIVE is not None
    return _ACTIVE.task(task)


def _jobs(jobs: int | None, pages: int) -> int:
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if jobs is None:
        try:
            jobs = len(os.sched_getaffinity(0))
        except AttributeError:
            jobs = os.cpu_count() or 1
    return max(1, min(jobs, pages // 64 or 1))


def _in_processes(site: Site, tasks: list[tuple[str, int, int]], jobs: int) -> list[tuple[int, int, int]]:
    """Run ``tasks`` on ``jobs`` forked processes that share the site's indexes."""
    global _ACTIVE
    _ACTIVE = site
    gc.collect()
    gc.freeze()  # the shared objects stay untouched by the collector: not copied
    try:
        with ProcessPoolExecutor(
            jobs,
            mp_context=multiprocessing.get_context("fork"),
            initializer=die_with_parent,
            initargs=(os.getpid(),),
        ) as pool:
            return list(pool.map(_task, tasks))
    finally:
        gc.unfreeze()
        _ACTIVE = None


def _size(n: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return str(n)


def generate(
    quads: Store | Path | str | Iterable[ox.Quad],
    out: Path,
    base: str,
    dumps_dir: Path | None = None,
    *,
    jobs: int | None = None,
) -> SiteReport:
    """Write the static site for ``quads`` into ``out`` (replaced as a whole at the end).

    ``quads`` is the path of an N-Quads file (a build's ``unld.nq``: read in one pass into
    a compact store), a :class:`Store` (:func:`load_quads`), or any iterable of quads.
    ``dumps_dir`` is the folder holding the dump files to offer for download (copied into
    ``out/dumps/``); without it the site has no downloads.  Pages are written by ``jobs``
    processes (default: one per core); the output does not depend on how many.
    """
    out = Path(out)
    clock = time.perf_counter()
    if isinstance(quads, (str, Path)):
        quads = Store.from_nquads(Path(quads))
    read = time.perf_counter() - clock
    with dumps.Staging(out.parent) as stage:
        root = stage.path(out.name)
        root.mkdir()
        clock = time.perf_counter()
        site = Site(quads, base, root, dumps_dir)
        site.report.timings.update(read=read, index=time.perf_counter() - clock)
        report = site.run(jobs)
        clock = time.perf_counter()
        stage.commit()
        report.timings["commit"] = time.perf_counter() - clock
    report.out = out
    return report
