"""Links between pages: where an IRI's page is, how a link to it reads, what links to a
resource (grouped by how), and the order resources are listed in.

:class:`Links` knows the pages of one generation (IRI -> path) and reads the dataset;
every page builder and listing goes through it, so that a link is written the same way
everywhere.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

import pyoxigraph as ox

from unld.core.namespaces import (
    CITO,
    DCT,
    ELI,
    ORG,
    RDF_LANG_STRING,
    SKOS,
    UNLD,
    VOID,
    XSD,
    XSD_STRING,
)
from unld.publishing.site.incremental import key
from unld.publishing.site.model import TYPE, VALUE_CACHE_SIZE, Dataset, Obj, literal, number_key
from unld.publishing.site.names import curie, frag_key, fragment_name, human_date
from unld.publishing.site.paths import relative, split_fragment

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
#: The predicates whose group title depends on the class of the linking resource.
_TITLED_BY_KIND = frozenset(p for p, kind in INVERSE if kind is not None)
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
SKIP_INVERSE = {
    TYPE,
    VOID + "class",
    ELI + "has_part",
    UNLD + "reported",
    UNLD + "mandatePeriod",
    UNLD + "establishes",
    UNLD + "includesInProvisionalAgenda",
}


def cited(ds: Dataset | Own, iri: str) -> tuple[str, ...]:
    """What a document or part cites: acts (eli:cites) and other documents (dcterms:references)."""
    return ds.iris(iri, ELI + "cites") + ds.iris(iri, DCT + "references")


@lru_cache(maxsize=VALUE_CACHE_SIZE)
def _literal_value(o: ox.Literal) -> dict:
    """A literal as the templates write it (see ``Links.value``): the same literals come
    back on many pages (numbers, dates, the same citation's text), and reading a term's
    parts from ``pyoxigraph`` makes new objects each time."""
    dt = o.datatype.value if o.datatype else None
    shown = o.value
    if dt == XSD + "date":
        shown = human_date(o.value) or o.value
    return {
        "kind": "literal",
        "text": shown,
        "raw": o.value,
        "lang": o.language if o.language and o.language != "en" else None,
        "datatype": curie(dt) if dt and dt not in (XSD_STRING, RDF_LANG_STRING) else None,
        "is_date": dt == XSD + "date",
    }


class Own:
    """Reads of a page's own resource and of its hash IRIs (a resolution's paragraphs,
    footnotes, sections...), each resource's properties decoded once, then read as a dict.

    What :mod:`.incremental` records stays the same: the page reads all of its resource's
    triples already (its Turtle and JSON-LD are made of them, see ``Dataset.page``), so
    taking the properties whole adds no read; the properties used are kept in
    :attr:`read` and recorded once, when the page is done (:meth:`reads`), as the
    dataset's watched methods would have recorded each call.  That saves a watched call
    per read (a resolution's page makes hundreds).  Other resources are read through the
    dataset, as before; ``value``, ``iris``, ``iri`` and ``types`` give what the dataset's
    methods of those names give."""

    def __init__(self, ds: Dataset, iri: str) -> None:
        self.ds = ds
        self.iri_ = iri
        self.prefix = iri + "#"
        self.seen: dict[str, dict[str, list[Obj]]] = {}
        #: the predicates read of the resource or its hash IRIs (``TYPE`` for its classes)
        self.read: set[str] = set()

    def props(self, s: str) -> dict[str, list[Obj]] | None:
        """The properties of ``s`` when it is the page's resource or one of its hash IRIs."""
        found = self.seen.get(s)
        if found is None:
            if s != self.iri_ and not s.startswith(self.prefix):
                return None
            found = self.seen[s] = self.ds.props(s)
        return found

    def value(self, s: str, p: str) -> str | None:
        props = self.props(s)
        if props is None:
            return self.ds.value(s, p)
        self.read.add(p)
        return literal(props.get(p, ()))

    def iris(self, s: str, p: str) -> tuple[str, ...]:
        props = self.props(s)
        if props is None:
            return self.ds.iris(s, p)
        self.read.add(p)
        return tuple([o.value for o in props.get(p, ()) if isinstance(o, ox.NamedNode)])

    def iri(self, s: str, p: str) -> str | None:
        v = self.iris(s, p)
        return v[0] if v else None

    def types(self, s: str) -> tuple[str, ...]:
        if self.props(s) is None:
            return self.ds.types(s)
        return self.iris(s, TYPE)

    def kind(self, s: str, links: Links) -> str | None:
        """``Links.kind_of``: the first class of ``s`` in the ontology's namespace."""
        if self.props(s) is None:
            return links.kind_of(s)
        for t in self.types(s):
            if t.startswith(UNLD):
                return t
        return None

    def reads(self) -> list[str]:
        """What the reads made here stand for, as :mod:`.incremental` names a read."""
        return [key(self.iri_, p) for p in sorted(self.read)]


class Links:
    """Links of one generation of the site: ``pages`` maps each IRI with a page to its path."""

    def __init__(self, ds: Dataset, base: str, pages: dict[str, str]) -> None:
        self.ds = ds
        self.base = base
        self.pages = pages
        #: the dump files offered for download (their IRIs link to ``dumps/``)
        self.dump_names: list[str] = []
        self.sort_key = lru_cache(maxsize=VALUE_CACHE_SIZE)(self._sort_key)
        self.kind_of = lru_cache(maxsize=VALUE_CACHE_SIZE)(self._kind)
        self.detail = lru_cache(maxsize=VALUE_CACHE_SIZE)(self._detail)
        #: the links of the page being written, by (IRI, label), and that page
        self._links: dict[tuple[str, str | None], dict] = {}
        self._links_from: str | None = None

    def new_page(self) -> None:
        """Forget the links of the page written last (see :meth:`link`)."""
        self._links = {}
        self._links_from = None

    def href(self, iri: str, frm: str) -> str | None:
        """The link from the page at ``frm`` to ``iri``: relative to a page of the site,
        the IRI itself for the web, None for what has no page."""
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
        """A link as the templates write it (``href``, ``label``, ``iri``, ``internal``).

        A page links to the same resources again and again (a predicate in each row of
        its property tables, a body in each paragraph that mentions it): each link is made
        once per page and copied after.  Only within a page, so that every page still
        makes, once, the reads of its links that :mod:`.incremental` records."""
        if frm != self._links_from:
            self._links = {}
            self._links_from = frm
        made = self._links.get((iri, label))
        if made is None:
            made = self._links[(iri, label)] = self._link(iri, frm, label)
        return made.copy()

    def _link(self, iri: str, frm: str, label: str | None) -> dict:
        head, frag = split_fragment(iri)
        if label is None:
            if frag and head in self.pages and not head.startswith(UNLD.rstrip("#")):
                label = f"{self.ds.label(head)}, {fragment_name(frag)}"
            else:
                label = self.ds.label(iri)
        href = self.href(iri, frm)
        internal = href is not None and not href.startswith(("http://", "https://"))
        return {"href": href, "label": label, "iri": iri, "internal": internal}

    def item(self, iri: str, frm: str, detail: str | None = None) -> dict:
        """A link in a list, with a short description after it (by default its title)."""
        return {**self.link(iri, frm), "detail": detail if detail is not None else self.detail(iri)}

    def value(self, o: object, frm: str) -> dict:
        """A property value as the templates write it: a link, or a literal."""
        if isinstance(o, ox.NamedNode):
            return {"kind": "iri", **self.link(o.value, frm)}
        assert isinstance(o, ox.Literal)
        return _literal_value(o).copy()

    def predicate(self, p: str, frm: str) -> dict:
        return {"curie": curie(p), **self.link(p, frm, label=curie(p))}

    def properties(self, iri: str, frm: str, skip: frozenset[str] | set[str] = frozenset()) -> list[dict]:
        """The rows of a property table, by CURIE."""
        rows = []
        for p, objs in sorted(self.ds.props(iri).items(), key=lambda kv: curie(kv[0])):
            if p in skip:
                continue
            rows.append({"predicate": self.predicate(p, frm), "values": [self.value(o, frm) for o in objs]})
        return rows

    def types(self, iri: str, frm: str) -> list[dict]:
        return [
            self.link(t, frm, label=self.ds.label(t) if t.startswith(UNLD) else curie(t))
            for t in self.ds.types(iri)
        ]

    def _kind(self, s: str) -> str | None:
        """The first class of ``s`` in the ontology's namespace."""
        for t in self.ds.types(s):
            if t.startswith(UNLD):
                return t
        return None

    def _incoming_groups(self, iri: str, skip: frozenset[str] | set[str]) -> dict[str, dict[str, set[str]]]:
        """What links to ``iri``: group title -> linking document -> its linking parts."""
        groups: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for s, p in self.ds.incoming(iri):
            if p in SKIP_INVERSE or p in skip or p.startswith((CITO, VOID)):
                continue  # the VoID description is about the dataset, not a link to read
            head, frag = split_fragment(s)
            if head == iri:
                continue  # the page's own parts
            # the linking resource's class is read only where the title depends on it:
            # a phrase's page has tens of thousands of linking paragraphs
            kind = self.kind_of(s) if p in _TITLED_BY_KIND else None
            title = INVERSE.get((p, kind)) or INVERSE.get((p, None))
            if title is None:
                title = f"Linked with {curie(p)}"
            groups[title][head].add(frag or "")
        return groups

    def backlinks(self, iri: str, frm: str, skip: frozenset[str] | set[str] = frozenset()) -> list[dict]:
        """What links to ``iri`` (or to its hash IRIs), grouped by how, each linking
        document once with the paragraphs that link."""
        groups = self._incoming_groups(iri, skip)
        out = []
        for title in sorted(groups, key=lambda t: (_GROUP_ORDER.get(t, len(_GROUP_ORDER)), t)):
            items = []
            for head in sorted(groups[title], key=self.sort_key):
                frags = sorted((f for f in groups[title][head] if f), key=frag_key)
                item = self.link(head, frm)
                # a part's link is its document's and the fragment (what ``href`` makes of
                # it, and the read it records is the document's, made by ``link`` above)
                top = item["href"]
                item["parts"] = [
                    {"href": None if top is None else f"{top}#{f}", "label": f, "title": fragment_name(f)}
                    for f in frags
                ]
                item["detail"] = self.detail(head)
                items.append(item)
            out.append({"title": title, "items": items})
        return out

    def part_backlinks(self, iri: str, path: str) -> list[dict]:
        """What links to a hash IRI shown on its document's page, one row a link."""
        out = []
        for s, p in sorted(self.ds.incoming(iri)):
            if p in SKIP_INVERSE or p.startswith(CITO):
                continue
            out.append({"predicate": self.predicate(p, path), **self.link(s, path)})
        return out

    def _detail(self, iri: str) -> str | None:
        """A short description shown after a link in lists: a title, a date."""
        title = self.ds.value(iri, DCT + "title")
        if title and title != self.ds.label(iri):
            return title
        return human_date(self.ds.value(iri, UNLD + "adoptedOn") or self.ds.value(iri, UNLD + "meetingDate"))

    def _sort_key(self, iri: str) -> tuple:
        """The order of lists: documents by symbol, numbered things by number, the rest
        by label."""
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
