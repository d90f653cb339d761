"""What the page of a resolution published here shows: the masthead, the text divided
into sections with its paragraphs (mentions of cited documents linked, the lead phrase
linked to its concept, footnote marks), the annexes, the footnotes, the items proposed for
a later session's agenda, and the "Related" panel.

:func:`resolution` returns plain data for ``resolution.html``; nothing here writes a file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from unld.core.namespaces import DCT, ELI, PROV, RDFS, UNLD
from unld.publishing.site import citegraph, mentions, search
from unld.publishing.site.links import Links, Own, cited
from unld.publishing.site.model import TYPE
from unld.publishing.site.names import fragment_name, human_date
from unld.publishing.site.paths import split_fragment


class _Text:
    """The parts of one resolution as its page writes them, and which of its hash IRIs
    have been shown (the rest are listed at the end, so that every anchor exists)."""

    def __init__(self, links: Links, iri: str, path: str, own: Own) -> None:
        self.links = links
        self.ds = links.ds
        self.iri = iri
        self.path = path
        #: the resolution's own properties and its parts', read once each
        self.own = own
        # the parts: hash IRIs of the resolution (its eli:has_part links, when present,
        # name the same ones)
        parts = sorted(set(own.iris(iri, ELI + "has_part")) | set(self.ds.fragments(iri)))
        self.by_type: dict[str, list[str]] = defaultdict(list)
        for part in parts:
            self.by_type[own.kind(part, links) or ""].append(part)
        self.footnotes = sorted(self.by_type.get(UNLD + "Footnote", []), key=self.pos)
        self.fn_marks = {f: own.value(f, UNLD + "label") or str(i + 1) for i, f in enumerate(self.footnotes)}
        self.fn_refs: dict[str, list[dict]] = defaultdict(list)
        self.rendered: set[str] = set()

    def pos(self, p: str) -> int:
        """The position of a part among its siblings (0 without one)."""
        v = self.own.value(p, UNLD + "position")
        return int(v) if v and v.lstrip("-").isdigit() else 0

    def segments(self, text: str, of: str) -> tuple[list[dict], set[str], tuple[str, ...]]:
        """The pieces of ``text`` (of the part ``of``) with its mentions linked, what was
        linked, and what the part cites."""
        docs = cited(self.own, of)
        pieces, linked = mentions.segments(self.ds, text, docs, lambda t: self.links.href(t, self.path))
        return pieces, linked, docs

    def _lead(self, p: str, segments: list[dict]) -> dict | None:
        """The lead phrase of paragraph ``p``, cut from its first piece, linked to its concept."""
        ds, own = self.ds, self.own
        lead = own.value(p, UNLD + "leadText")
        concept = own.iri(p, UNLD + "leadPhrase")
        if not (lead and segments and segments[0]["href"] is None and segments[0]["text"].startswith(lead)):
            return None
        segments[0] = {**segments[0], "text": segments[0]["text"][len(lead) :]}
        return {
            "text": lead,
            "href": self.links.href(concept, self.path) if concept else None,
            "title": ds.label(concept) if concept else None,
        }

    def _refs(self, p: str, frag: str) -> list[dict]:
        """The footnote marks of paragraph ``p``, each remembered for its footnote's links back."""
        refs = []
        for f in sorted(self.own.iris(p, UNLD + "hasFootnote"), key=self.pos):
            fid = split_fragment(f)[1] or ""
            ref_id = f"ref-{fid}-{frag}"
            refs.append({"href": f"#{fid}", "id": ref_id, "mark": self.fn_marks.get(f, fid)})
            self.fn_refs[f].append({"id": ref_id, "name": fragment_name(frag)})
        return refs

    def paragraph(self, p: str, kind: str) -> dict:
        """A paragraph (``pp``, ``op``, ``sub`` or ``annex``) with its sub-paragraphs."""
        own, links, path = self.own, self.links, self.path
        self.rendered.add(p)
        frag = split_fragment(p)[1] or ""
        segments, linked, docs = self.segments(own.value(p, UNLD + "text") or "", p)
        lead = self._lead(p, segments)
        refs = self._refs(p, frag)
        subs = sorted((s for s in own.iris(p, ELI + "has_part")), key=self.pos)
        return {
            "id": frag,
            "iri": p,
            "kind": kind,
            "number": own.value(p, UNLD + "paragraphNumber"),
            "label": own.value(p, UNLD + "label"),
            "name": fragment_name(frag),
            "lead": lead,
            "segments": segments,
            "refs": refs,
            "cites": [links.link(c, path) for c in docs if c not in linked],
            "bodies": [links.link(b, path) for b in own.iris(p, UNLD + "mentionsBody")],
            "subparagraphs": [self.paragraph(s, "sub") for s in subs],
        }

    def sections(self) -> dict[str, dict]:
        ds = self.own
        return {
            s: {
                "id": split_fragment(s)[1],
                "iri": s,
                "label": ds.value(s, UNLD + "label") or "",
                "title": ds.value(s, DCT + "title"),
                "position": self.pos(s),
            }
            for s in self.by_type.get(UNLD + "Section", [])
        }

    def body(self) -> list[dict]:
        """The preamble and operative part, in groups by section (one group without)."""
        ds, by_type = self.own, self.by_type
        sections = self.sections()
        groups: dict[str | None, dict] = {}
        ordered = [(0, self.pos(p), p, "pp") for p in by_type.get(UNLD + "PreambularParagraph", [])] + [
            (1, self.pos(p), p, "op") for p in by_type.get(UNLD + "OperativeParagraph", [])
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
                    self.rendered.add(sec)
            groups[sec]["preamble" if item[3] == "pp" else "operative"].append(
                self.paragraph(item[2], item[3])
            )
        for sec in sorted(sections, key=lambda s: sections[s]["position"]):
            if sec not in groups:  # a section without paragraphs still gets its anchor
                groups[sec] = {"section": sections[sec], "preamble": [], "operative": []}
                self.rendered.add(sec)
        return sorted(groups.values(), key=lambda g: g["section"]["position"] if g["section"] else 0)

    def notes(self) -> list[dict]:
        """The footnotes, each linked back to every mark (after the paragraphs)."""
        notes = []
        for f in self.footnotes:
            self.rendered.add(f)
            segments, linked, docs = self.segments(self.own.value(f, UNLD + "text") or "", f)
            notes.append(
                {
                    "id": split_fragment(f)[1],
                    "iri": f,
                    "mark": self.fn_marks[f],
                    "segments": segments,
                    "backrefs": self.fn_refs.get(f, []),
                    "cites": [self.links.link(c, self.path) for c in docs if c not in linked],
                }
            )
        return notes

    def future(self) -> list[dict]:
        """Items the resolution includes in the provisional agenda of a later session."""
        ds, links, path = self.own, self.links, self.path
        future = []
        for fa in sorted(ds.iris(self.iri, UNLD + "includesInProvisionalAgenda")):
            self.rendered.add(fa)
            session = ds.iri(fa, UNLD + "session")
            decided = ds.iri(fa, UNLD + "decidedIn")
            future.append(
                {
                    "id": split_fragment(fa)[1],
                    "iri": fa,
                    "title": ds.value(fa, DCT + "title"),
                    "under": ds.value(fa, UNLD + "underItemTitled"),
                    "session": links.link(session, path) if session else None,
                    "decided": links.link(decided, path) if decided else None,
                }
            )
        return future

    def leftovers(self) -> list[dict]:
        """Hash IRIs not shown yet, with their properties (last: every part is shown)."""
        out = []
        for f in self.ds.fragments(self.iri):
            if f not in self.rendered:
                out.append(
                    {
                        "id": split_fragment(f)[1],
                        "iri": f,
                        "name": fragment_name(split_fragment(f)[1] or ""),
                        "types": self.links.types(f, self.path),
                        "properties": self.links.properties(f, self.path, skip={TYPE}),
                    }
                )
        return out

    def annexes(self) -> list[dict]:
        """The annexes as the page shows them, in reading order (see :func:`_annex`)."""
        out: list[dict] = []

        def walk(owner: str) -> None:
            for annex in sorted(self.own.iris(owner, UNLD + "hasAnnex"), key=self.pos):
                self.rendered.add(annex)
                out.append(_annex(self, annex))
                walk(annex)

        walk(self.iri)
        return out


def _annex_heading(text: _Text, part: str) -> dict:
    """A heading of an annex, at the level of its depth among the annex's sections."""
    ds = text.own
    text.rendered.add(part)
    depth_of = 0
    up = ds.iri(part, UNLD + "inAnnexSection")
    while up and depth_of < 3:
        depth_of += 1
        up = ds.iri(up, UNLD + "inAnnexSection")
    return {
        "kind": "heading",
        "id": split_fragment(part)[1],
        "iri": part,
        "label": ds.value(part, UNLD + "label"),
        "title": ds.value(part, DCT + "title"),
        "level": min(6, 3 + depth_of),
    }


def _annex_table(text: _Text, part: str) -> dict:
    ds = text.own
    text.rendered.add(part)
    cells = sorted(ds.iris(part, ELI + "has_part"), key=text.pos)
    text.rendered.update(cells)
    return {
        "kind": "table",
        "id": split_fragment(part)[1],
        "iri": part,
        "cells": [{"id": split_fragment(c)[1], "text": ds.value(c, UNLD + "text") or ""} for c in cells],
    }


def _annex(text: _Text, annex: str) -> dict:
    """One annex: its heading and title, then its headings, paragraphs and tables in the
    order the annex prints them, and the paragraphs acting on it."""
    ds, links = text.own, text.links
    items: list[dict] = []
    builders: dict[str, Callable[[_Text, str], dict]] = {
        UNLD + "AnnexSection": _annex_heading,
        UNLD + "AnnexParagraph": lambda t, p: {"kind": "paragraph", "para": t.paragraph(p, "annex")},
        UNLD + "AnnexTable": _annex_table,
    }
    for part in sorted(ds.iris(annex, ELI + "has_part"), key=lambda q: (text.pos(q), q)):
        build = builders.get(ds.kind(part, links) or "")
        if build is not None:
            items.append(build(text, part))
    acts = sorted(text.ds.subjects(UNLD + "actsOnAnnex", annex), key=links.sort_key)
    return {
        "id": split_fragment(annex)[1],
        "iri": annex,
        "heading": ds.value(annex, UNLD + "heading"),
        "title": ds.value(annex, DCT + "title"),
        "acts": [links.link(a, text.path) for a in acts],
        "parts": items,
    }


def citation(links: Links, own: Own, iri: str) -> str:
    """How to cite a resolution: symbol, title, date of adoption, and its IRI."""
    ds = own
    parts = [ds.value(iri, UNLD + "symbol") or links.ds.label(iri)]
    title = ds.value(iri, DCT + "title")
    if title:
        parts.append(title)
    adopted = human_date(ds.value(iri, UNLD + "adoptedOn"))
    if adopted:
        parts.append(f"adopted {adopted}")
    return ", ".join(parts) + f". {iri}"


def _masthead(links: Links, own: Own, iri: str, path: str) -> dict:
    """Symbol, title, adoption, session, agenda items, meeting, committee and basis."""
    ds, mine = links.ds, own
    meeting = mine.iri(iri, UNLD + "adoptedAtMeeting")
    committee = mine.iri(iri, UNLD + "recommendedBy")
    return {
        "iri": iri,
        "symbol": mine.value(iri, UNLD + "symbol") or ds.label(iri),
        "number": mine.value(iri, UNLD + "resolutionNumber"),
        "title": mine.value(iri, DCT + "title"),
        "adopted_on": mine.value(iri, UNLD + "adoptedOn"),
        "adopted_by": [links.link(b, path) for b in mine.iris(iri, UNLD + "adoptedBy")],
        "session": [links.link(s, path) for s in mine.iris(iri, UNLD + "session")],
        "agenda": [
            {**links.link(a, path), "title": ds.value(a, DCT + "title")}
            for a in sorted(mine.iris(iri, UNLD + "agendaItem"), key=links.sort_key)
        ],
        "meeting": (
            {**links.link(meeting, path), "date": ds.value(meeting, UNLD + "meetingDate")}
            if meeting
            else None
        ),
        "basis": [links.link(d, path) for d in mine.iris(iri, UNLD + "basedOn")],
        "basis_paragraph": mine.value(iri, UNLD + "basisParagraph"),
        "committee": links.link(committee, path) if committee else None,
        "undocs": mine.iris(iri, RDFS + "seeAlso"),
    }


def _related(links: Links, own: Own, iri: str, path: str) -> dict:
    """The "Related" panel: what it cites, bodies, what links here, its graph and source."""
    ds = links.ds
    graph = ds.describing_graph.get(iri)
    source = ds.iri(graph, PROV + "wasDerivedFrom") if graph else None
    return {
        "cited": [
            {**links.link(c, path), "detail": links.detail(c)}
            for c in sorted(cited(own, iri), key=links.sort_key)
        ],
        "bodies": [links.link(b, path) for b in own.iris(iri, UNLD + "mentionsBody")],
        "backlinks": links.backlinks(iri, path, skip={UNLD + "describes"}),
        "graph": links.link(graph, path) if graph else None,
        "source": (
            {
                "label": ds.label(source),
                "sha256": ds.value(source, UNLD + "sha256"),
                "format": ds.value(source, UNLD + "sourceFormat"),
            }
            if source
            else None
        ),
    }


def resolution(links: Links, iri: str, path: str, own: Own | None = None) -> dict:
    """Everything ``resolution.html`` shows of the resolution ``iri`` (page at ``path``);
    ``own`` reads its properties and its parts' (and keeps what was read of them, for the
    page's record: see :class:`.links.Own`)."""
    own = own or Own(links.ds, iri)
    text = _Text(links, iri, path, own)
    body = text.body()
    annexes = text.annexes()
    notes = text.notes()
    future = text.future()
    return {
        **_masthead(links, own, iri, path),
        "body": body,
        "annexes": annexes,
        "footnotes": notes,
        "future": future,
        "leftovers": text.leftovers(),
        **_related(links, own, iri, path),
        "properties": links.properties(iri, path, skip={TYPE, ELI + "has_part"}),
        "filters": search.filters(links.ds, iri),
        "citegraph": citegraph.svg(links, iri, path),
        "cite": {"text": citation(links, own, iri), "iri": iri},
    }
