"""Parse a resolution text into the record (README, "The record").

The record is plain JSON-ready data; its shape is the public, versioned contract printed by
``unld parse`` and read by the mapping stage.  Stages, each a module:

1. a reader removes what is not text (:mod:`.pdftext` page furniture, :mod:`.markdown`
   markup, :mod:`.html` tags) and sets footnotes aside;
2. :mod:`.structure` reads the masthead and cuts the body into paragraphs;
3. :mod:`.footnotes` finds the footnote marks in the paragraphs;
4. :mod:`.leads`, :mod:`.citations` and :mod:`.bodies` read what each paragraph says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from unld import RECORD_VERSION, __version__
from unld.core import symbols
from unld.core.errors import InputError
from unld.parse import council, structure
from unld.parse.annexes import build_annex, referred_labels, segment_annex, walk_paragraphs
from unld.parse.bodies import find_bodies, find_future_agenda, find_working_groups, named_in
from unld.parse.citations import Citation, find_citations, find_documents, object_of_lead
from unld.parse.dates import iso_date
from unld.parse.distribution import find_distribution
from unld.parse.footnotes import Footnote, place_marks, split_footnotes
from unld.parse.html import split_html
from unld.parse.leads import lead_phrase
from unld.parse.lines import Line, join_lines, split_lines, squash
from unld.parse.markdown import split_markdown
from unld.parse.pdftext import Layout, split_layout
from unld.sources import Source

_MARK = re.compile(r"\s*\[\^(\d{1,3})\]")


def _clean(text: str) -> tuple[str, list[str]]:
    """Paragraph text without footnote references, and the marks it referred to."""
    if "[^" not in text:  # most paragraphs have no mark: no need to try every position
        return text.strip(), []
    marks = _MARK.findall(text)
    return _MARK.sub("", text).strip(), marks


def _layout(source: Source, lines: list[Line]) -> tuple[Layout, dict[int, str]]:
    if source.format in ("markdown", "pdf"):
        # the PDF reader writes its text in the markdown reader's conventions
        return split_markdown(lines)
    if source.format == "html":
        return split_html(source.text), {}
    return split_layout(lines), {}


def body_and_footnotes(source: Source) -> tuple[list[Line], list[Line]]:
    """The lines of a source's text without page furniture, and its footnote lines: what
    the parser reads (and what :mod:`unld.validation.coverage` measures the graph against)."""
    layout, _hints = _layout(source, split_lines(source.text))
    return layout.body, layout.footnotes


def parse_source(source: Source) -> dict:
    """Parse one source into its record, or raise :class:`InputError` if it is no resolution."""
    lines = split_lines(source.text)
    layout, hints = _layout(source, lines)
    body = layout.body
    opening = structure.find_opening(body)
    if opening is None and council.find_opening(body) is not None:
        # a Security Council resolution: its own reader (parse/council.py)
        return council.parse(source, layout, hints)
    missing_opening = opening is None
    if opening is None:
        opening = _after_title(body, layout)
    if opening is None:
        raise InputError(
            source.path,
            "not a General Assembly resolution: no line 'The General Assembly,' opening the text was found",
        )
    mh = structure.parse_masthead(body[:opening])
    distributed = find_distribution(lines, body[opening].no)
    warnings = list(mh.warnings)
    if missing_opening:
        structure._warn(
            warnings,
            body[opening].no,
            "no line 'The General Assembly,' opens the text: read from the line after the title",
        )
    rest = body[opening + 1 :]
    meeting_idx = structure.find_meeting(rest)
    meeting = None
    tail: list[Line] = []
    if meeting_idx is not None:
        mline = rest[meeting_idx]
        m = structure.MEETING_LINE.match(mline.text)
        assert m is not None  # find_meeting found the line by this pattern
        date_line = next((ln for ln in rest[meeting_idx + 1 : meeting_idx + 4] if not ln.blank), None)
        date = iso_date(date_line.text) if date_line else None
        if date is None:
            structure._warn(
                warnings,
                mline.no + 1,
                "meeting date cannot be read: expected a date "
                "such as '6 December 2021' under the meeting line",
            )
        meeting = {
            "kind": "plenary",
            "number": int(m.group("num")),
            "date": date,
            "resumed": bool(m.group("resumed") or m.group("resumed1")),
        }
        skip = rest.index(date_line) + 1 if date is not None and date_line else meeting_idx + 1
        tail = rest[skip:]
        rest = rest[:meeting_idx]
    else:
        structure._warn(
            warnings,
            body[-1].no if body else None,
            "no closing 'Nth plenary meeting' line: expected one after the last operative paragraph",
        )
    blocks, adopted = structure.segment(rest, hints)
    annexes = _annexes(adopted, tail)
    if missing_opening and not any(b.kind == "op" and b.number for b in blocks):
        raise InputError(
            source.path,
            "not a General Assembly resolution: no line 'The General Assembly,' opening the text "
            "and no numbered operative paragraphs after the title",
        )
    if not any(b.kind == "op" for b in blocks):
        raise InputError(
            source.path,
            "no operative part: expected numbered operative paragraphs "
            "or a paragraph opening with a verb such as 'Decides' after the preamble",
            line=(rest[-1].no if rest else body[opening].no),
        )
    record = _record(source, mh, blocks, annexes, meeting, layout, hints, warnings)
    # the masthead's "Distr.: General <date>" and job number: which printing was read
    record["distribution"] = distributed
    return record


def _after_title(body: list[Line], layout: Layout) -> int | None:
    """Where the text begins when the line 'The General Assembly,' is missing (as text
    extractors sometimes drop it): the blank line after the title, if a masthead (the
    symbol, or 'Resolution adopted by') stands above a title line such as '78/225. Title'."""
    for k, ln in enumerate(body[:80]):
        if structure.TITLE_LINE.match(ln.text):
            above = " ".join(x.text for x in body[:k])
            if not (layout.symbol or re.search(r"Resolution adopted by", above, re.I)):
                return None
            end = next((j for j in range(k + 1, len(body)) if body[j].blank), None)
            return end
    return None


def _annexes(adopted: list[Line], tail: list[Line]) -> list[dict]:
    """The adopted text (after "Adopts the following ...:") and the annexes after the
    meeting line, each with its heading, title and parts (:mod:`.annexes`)."""
    out: list[dict] = []
    if adopted:
        # an adopted text may carry annexes of its own ("the Pact for the Future and its annexes")
        cut = [k for k, ln in enumerate(adopted) if structure.ANNEX_HEADING.match(ln.text)]
        bounds = [0, *cut, len(adopted)]
        for a, b in zip(bounds, bounds[1:], strict=False):
            if a < b:
                kind = "annex" if structure.ANNEX_HEADING.match(adopted[a].text) else "adopted-text"
                out.append(_annex(adopted[a:b], kind))
    if any(not ln.blank for ln in tail):
        chunks: list[list[Line]] = []
        for ln in tail:
            if structure.ANNEX_HEADING.match(ln.text) or not chunks:
                chunks.append([])
            chunks[-1].append(ln)
        for chunk in chunks:
            text = join_lines([ln.text for ln in chunk])
            if structure.ANNEX_HEADING.match(chunk[0].text) or len(text) > 200:
                out.append(_annex(chunk, "annex"))
    return out


def _annex(lines: list[Line], kind: str) -> dict:
    nonblank = [ln for ln in lines if not ln.blank]
    heading = None
    label = None
    start = 0
    if nonblank and structure.ANNEX_HEADING.match(nonblank[0].text):
        m = structure.ANNEX_HEADING.match(nonblank[0].text)
        heading = squash(nonblank[0].text)
        label = m.group("label") if m else None
        start = lines.index(nonblank[0]) + 1
    # the title: the first group of lines, when it is short and no numbered paragraph
    k = start
    while k < len(lines) and lines[k].blank:
        k += 1
    j = k
    while j < len(lines) and not lines[j].blank:
        j += 1
    group = lines[k:j]
    title = None
    if (
        group
        and len(group) <= 3
        and not structure.NUMBERED.match(group[0].text)
        and not structure.SUBPARA.match(group[0].text)
        and len(join_lines([ln.text for ln in group])) <= 250
        and not re.search(r"[,;]\s*$", group[-1].text)
    ):
        title = join_lines([ln.text for ln in group])
        k = j
    return {
        "kind": kind,
        "label": label,
        "heading": heading,
        "title": title or None,
        "line": nonblank[0].no if nonblank else None,
        "_parts": segment_annex(lines[k:]),
    }


def _record(
    source: Source,
    mh: structure.Masthead,
    blocks: list[structure.Block],
    annexes: list[dict],
    meeting: dict | None,
    layout: Layout,
    hints: dict[int, str],
    warnings: list[dict],
    footnote_gaps: bool = False,
    council: bool = False,
) -> dict:
    """The record of a read text: its identity, its paragraphs and annexes with their
    fragment ids, its footnotes where their marks stand, and everything it cites."""
    symbol, session, number = _identity(source, mh, layout, warnings)
    marks = _FootnoteMarks.place(layout, blocks, annexes, footnote_gaps)
    body = _Body(sectioned=any(b.kind == "section" for b in blocks), hints=hints, council=council)
    body.read(blocks)
    taken = set(body.ids.values()) | {s["label"] and f"sec{s['label']}" for s in body.sections}
    counts = _annex_parts(annexes, body.ids, taken, len(blocks))
    _link_annexes(annexes, body.ops, body.pps, blocks)
    footnotes = marks.footnotes(body.ids, annexes, counts, taken, warnings)
    annex_paragraphs = [
        p
        for a in annexes
        for p in [*a["headings"], *walk_paragraphs(a["paragraphs"])]
        if p.get("text") or p.get("title")
    ]
    cur_session = session if isinstance(session, int) else None
    citations = _citations(body.pps, body.ops, annex_paragraphs, annexes, footnotes, cur_session)
    # bodies named in the annexes are mentioned by the resolution too
    mentioning = _all_paragraphs(body.pps, body.ops) + [p for p in annex_paragraphs if p.get("text")]
    named_full = named_in(mentioning)  # one scan for the registry's names, read by both below
    return {
        "record_version": RECORD_VERSION,
        "symbol": symbol,
        "organ": mh.organ or "General Assembly",
        "session": session,
        "number": f"{number} {mh.part}" if number and mh.part else number,
        "title": mh.title,
        "adopted_on": mh.adopted_on,
        "agenda_items": [dict(a, session=session) for a in mh.agenda],
        "basis": mh.basis,
        "meeting": meeting,
        "sections": body.sections,
        "preambular_paragraphs": body.pps,
        "operative_paragraphs": body.ops,
        "footnotes": footnotes,
        "citations": citations,
        "working_groups": find_working_groups(mentioning, citations, symbol, named_full),
        "bodies": find_bodies(mentioning, named_full),
        "future_agenda": find_future_agenda(body.ops),
        "annexes": annexes,
        "warnings": warnings,
        "source": {"path": source.path, "sha256": source.sha256, "format": source.format},
        "unld_version": __version__,
    }


def _identity(
    source: Source, mh: structure.Masthead, layout: Layout, warnings: list[dict]
) -> tuple[str, int | str | None, str | None]:
    """The symbol, session and number of a resolution: from its title number ("76/19."),
    else from the masthead's symbol; an InputError when neither is printed."""
    session = mh.session
    number = mh.number
    if number is None:
        structure._warn(warnings, None, "no title line such as '76/19. Title' was found")
    if session is None and number:
        head = number.split("/")[0]
        session = int(head) if head.isdigit() else head
    symbol: str | None
    if number:
        number_session, _, number_in_session = number.partition("/")
        symbol = symbols.ga_resolution(number_session, number_in_session, mh.part)
    else:
        symbol = layout.symbol
    if layout.symbol and symbol and symbols.normalise(layout.symbol) != symbol:
        structure._warn(
            warnings,
            2,
            f"masthead symbol {layout.symbol} differs from the "
            f"title number {number}; the title number is used",
        )
    if symbol is None:
        raise InputError(
            source.path,
            "no symbol: expected a title line such as '76/19. Title' "
            "or a masthead symbol such as 'A/RES/76/19'",
        )
    return symbol, session, number


@dataclass
class _FootnoteMarks:
    """Where each footnote's mark stands: the index of the text (the resolution's blocks,
    then the annexes' parts) that holds it."""

    notes: list[Any]
    where: dict[str, int]
    title_marks: dict[str, int]
    n_blocks: int

    @classmethod
    def place(
        cls, layout: Layout, blocks: list[structure.Block], annexes: list[dict], gaps: bool
    ) -> _FootnoteMarks:
        """Find the marks in document order (paragraphs, then annexes) and write them into
        the texts of the blocks and annex parts."""
        notes = split_footnotes(layout.footnotes, gaps=gaps)
        annex_parts = [part for a in annexes for part in a["_parts"]]
        texts = [b.raw() for b in blocks] + [part.raw() for part in annex_parts]
        marks = [n.mark for n in notes if n.mark.isdigit()]
        # markdown, HTML and superscripts print their marks explicitly; the others are searched
        explicit = {
            mk: i for i, t in reversed(list(enumerate(texts))) if "[^" in t for mk in _MARK.findall(t)
        }
        # a mark printed on an annex's title ("Annex A - Items subject to ...[^1]") is the
        # annex's: it stands before the annex's first part
        first_part = len(blocks)
        title_marks: dict[str, int] = {}
        for k, a in enumerate(annexes):
            for mk in _MARK.findall(a.get("title") or ""):
                if a["_parts"] and mk not in explicit:
                    explicit[mk] = first_part
                    title_marks[mk] = k
            first_part += len(a["_parts"])
        searched = [mk for mk in marks if mk not in explicit]
        placed, where = place_marks(texts, searched) if searched else (texts, {})
        _title_marks(annexes, [mk for mk in searched if mk not in where], where, len(blocks), title_marks)
        for i, b in enumerate(blocks):
            b.first_text = placed[i]
        for j, part in enumerate(annex_parts):
            part.text = placed[len(blocks) + j]
        return cls(notes, {**where, **explicit}, title_marks, len(blocks))

    def footnotes(
        self,
        ids: dict[int, str],
        annexes: list[dict],
        counts: list[int],
        taken: set[str],
        warnings: list[dict],
    ) -> list[dict]:
        """The resolution's own footnotes; those of an annex go into the annex."""
        own_marks = {mk for mk, t in self.where.items() if t < self.n_blocks}
        footnotes: list[dict] = []
        annex_footnotes: list[dict] = []
        for note in self.notes:
            if not note.mark.isdigit():
                # "* Reissued for technical reasons": a note on the document as issued (its
                # mark stands by the symbol in the masthead), not a footnote of its text
                continue
            entry: dict[str, Any] = {
                "id": f"fn{note.mark}",
                "mark": note.mark,
                "text": note.text,
                "documents": _footnote_documents(note.text),
                "in": ids.get(self.where.get(note.mark, -1)),
                "line": note.line,
            }
            in_annex = note.mark in self.where and note.mark not in own_marks
            if note.mark not in self.where:
                # a mark not found belongs where the marks numbered around it are
                in_annex = bool(annexes) and _in_annex_by_neighbours(note.mark, self.where, self.n_blocks)
                structure._warn(
                    warnings, note.line, f"footnote {note.mark}: its mark was not found in the text"
                )
            (annex_footnotes if in_annex else footnotes).append(entry)
        annex_of_part = [a for a, n in zip(annexes, counts, strict=True) for _ in range(n)]
        for entry in annex_footnotes:
            self._into_annex(entry, annexes, annex_of_part, taken)
        return footnotes

    def _into_annex(
        self, entry: dict, annexes: list[dict], annex_of_part: list[dict], taken: set[str]
    ) -> None:
        """Put an annex's footnote in the annex whose text holds its mark (or the annex of
        the marks around it)."""
        n_blocks = self.n_blocks
        t = self.where.get(entry["mark"])
        if t is None:
            earlier = sorted(
                (int(m), i)
                for m, i in self.where.items()
                if m.isdigit() and i >= n_blocks and int(m) < int(entry["mark"])
            )
            t = earlier[-1][1] if earlier else n_blocks
        owner = annex_of_part[t - n_blocks] if 0 <= t - n_blocks < len(annex_of_part) else annexes[0]
        if entry["mark"] in self.title_marks:
            entry["in"] = annexes[self.title_marks[entry["mark"]]]["id"]  # the mark is on its title
        if entry["id"] in taken:
            # the resolution's own footnotes restart their numbering: keep the ids apart
            entry["id"] = f"{owner['id']}-fn{entry['mark']}"
        taken.add(entry["id"])
        owner["footnotes"].append(entry)


@dataclass
class _Body:
    """The resolution's own text read block by block: sections, preambular and operative
    paragraphs with their sub-paragraphs, and the fragment id of each block."""

    sectioned: bool
    hints: dict[int, str]
    council: bool
    pps: list[dict] = field(default_factory=list)
    ops: list[dict] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)
    ids: dict[int, str] = field(default_factory=dict)
    _pp_count: dict[str | None, int] = field(default_factory=dict)
    _unnumbered: dict[str | None, int] = field(default_factory=dict)
    _numbered_sections: set[str | None] = field(default_factory=set)
    _last_op: dict | None = None
    _last_sub: dict | None = None

    def read(self, blocks: list[structure.Block]) -> None:
        self._numbered_sections = {b.section for b in blocks if b.kind == "op" and b.number}
        for i, b in enumerate(blocks):
            text, fmarks = _clean(join_lines(b.first_text.split("\n")))
            if b.kind == "section":
                self.sections.append({"label": b.label, "title": text or None, "line": b.line})
            elif b.kind == "pp":
                self.ids[i] = self._preambular(b, text, fmarks)
            elif b.kind == "op":
                self.ids[i] = self._operative(b, text, fmarks)
            elif b.kind == "sub":
                ident = self._sub(b, text, fmarks)
                if ident is not None:
                    self.ids[i] = ident
        for p in self.pps:
            p.setdefault("subparagraphs", [])

    def _pid(self, prefix: str, n: str | int, section: str | None) -> str:
        return f"{section}-{prefix}{n}" if self.sectioned and section else f"{prefix}{n}"

    def _preambular(self, b: structure.Block, text: str, fmarks: list[str]) -> str:
        self._pp_count[b.section] = self._pp_count.get(b.section, 0) + 1
        ident = self._pid("pp", self._pp_count[b.section], b.section)
        self.pps.append(
            {
                "id": ident,
                "index": len(self.pps) + 1,
                "section": b.section,
                "lead": _lead(text, self.hints.get(b.line), self.council),
                "text": text,
                "footnotes": fmarks,
                "line": b.line,
            }
        )
        self._last_op, self._last_sub = None, None
        return ident

    def _operative(self, b: structure.Block, text: str, fmarks: list[str]) -> str:
        if b.number is None:
            # an unnumbered paragraph is "op1" when its section has no numbered ones
            # ("Approves the report ..."), "opu1", "opu2" ... beside numbered paragraphs
            self._unnumbered[b.section] = self._unnumbered.get(b.section, 0) + 1
            n = self._unnumbered[b.section]
            ident = self._pid("op", n if b.section not in self._numbered_sections else f"u{n}", b.section)
        else:
            ident = self._pid("op", b.number, b.section)
        self._last_op = {
            "id": ident,
            "number": b.number,
            "section": b.section,
            "lead": _lead(text, self.hints.get(b.line), self.council),
            "text": text,
            "footnotes": fmarks,
            "subparagraphs": [],
            "line": b.line,
        }
        self.ops.append(self._last_op)
        self._last_sub = None
        return ident

    def _sub(self, b: structure.Block, text: str, fmarks: list[str]) -> str | None:
        """A sub-paragraph of the last paragraph (or of the last sub-paragraph, at level 2);
        None for one that no paragraph precedes."""
        owner = self._last_op if self._last_op is not None else (self.pps[-1] if self.pps else None)
        if owner is None:
            return None
        owner.setdefault("subparagraphs", [])
        nested = b.level == 2 and self._last_sub is not None
        parent = self._last_sub if nested and self._last_sub is not None else owner
        ident = f"{parent['id']}-{b.label}" if nested else f"{owner['id']}{b.label}"
        sub = {
            "id": ident,
            "label": b.label,
            "text": text,
            "footnotes": fmarks,
            "subparagraphs": [],
            "line": b.line,
        }
        parent["subparagraphs"].append(sub)
        if not nested:
            self._last_sub = sub
        return ident


def _annex_parts(annexes: list[dict], ids: dict[int, str], taken: set[str], n_blocks: int) -> list[int]:
    """Give each annex its id and its headings, paragraphs and tables (fragment ids under
    the resolution's IRI); the number of parts of each annex."""
    part_at = n_blocks
    counts: list[int] = []
    for a in annexes:
        a["id"] = _claim_annex_id(a["label"], taken)
        taken.add(a["id"])
        parts = a.pop("_parts")
        counts.append(len(parts))
        a["headings"], a["paragraphs"], a["tables"], where_in = build_annex(a["id"], parts, taken)
        for k, ident in where_in.items():
            ids[part_at + k] = ident
        part_at += len(parts)
        a["referred_by"] = []
        a["footnotes"] = []
    return counts


def _citations(
    pps: list[dict],
    ops: list[dict],
    annex_paragraphs: list[dict],
    annexes: list[dict],
    footnotes: list[dict],
    session: int | None,
) -> list[dict]:
    """Every document the resolution cites: in its paragraphs (with whether the lead verb
    governs it), its annexes and its footnotes; one entry per document and place."""
    cited: list[Citation] = []
    leads = _governing_leads(pps, ops)
    para_texts: dict[str, str] = {p["id"]: p["text"] for p in _all_paragraphs(pps, ops)}
    for para in _all_paragraphs(pps, ops):
        for c in find_citations(para["text"], para["id"], session) + find_documents(para["text"], para["id"]):
            c.object_of_lead = object_of_lead(para["text"], leads.get(para["id"]), c.start)
            cited.append(c)
    for para in annex_paragraphs:
        text = para.get("text") or para.get("title") or ""
        cited += find_citations(text, para["id"], session) + find_documents(text, para["id"])
    for fn in [*footnotes, *(f for a in annexes for f in a["footnotes"])]:
        found = find_citations(fn["text"], fn["id"], session)
        found += [c for c in find_documents(fn["text"], fn["id"])]
        # the text does not keep where a footnote's mark stood: what a footnote cites is the
        # lead's object only when the paragraph it notes is one clause governed by its lead
        noted = str(fn.get("in") or "")
        said = para_texts.get(noted)
        single = said is not None and object_of_lead(said, leads.get(noted), len(said))
        for c in found:
            c.object_of_lead = single
        cited += found
    return _dedupe([c.as_dict() for c in _one_date(cited)])


def _claim_annex_id(label: str | None, taken: set[str]) -> str:
    from unld.parse.annexes import annex_id

    base = annex_id(label, False)
    ident, n = base, 2
    while ident in taken:
        ident = f"{base}-{n}"
        n += 1
    return ident


def _link_annexes(
    annexes: list[dict], ops: list[dict], pps: list[dict], blocks: list[structure.Block]
) -> None:
    """Which paragraphs of the resolution adopt, welcome or take note of each annex.

    The paragraph that opens an adopted text ("Adopts the following Pact for the Future
    and its annexes:") holds the adopted text, and the annexes printed after it when it
    says "and its annexes"; any paragraph naming "the annex to the present resolution"
    (or "annex II to ...") refers to that annex.
    """
    adopted = [a for a in annexes if a["kind"] == "adopted-text"]
    if adopted and ops:
        opener = ops[-1]
        for a in adopted:
            a["referred_by"].append(opener["id"])
        if re.search(r"\bits annex(?:es)?\b", opener["text"]):
            for a in annexes:
                if a["kind"] == "annex":
                    a["part_of"] = adopted[0]["id"]
                    a["referred_by"].append(opener["id"])
    labelled = {a["label"]: a for a in annexes if a["kind"] == "annex" and a["label"]}
    plain = [a for a in annexes if a["kind"] == "annex"]
    for para in _all_paragraphs(pps, ops):
        for label in referred_labels(para["text"]):
            target = labelled.get(label) if label else (plain[0] if len(plain) == 1 else None)
            if target is not None and para["id"] not in target["referred_by"]:
                target["referred_by"].append(para["id"])


def _title_marks(
    annexes: list[dict], missing: list[str], where: dict[str, int], n_blocks: int, found: dict[str, int]
) -> None:
    """Marks not found in the text that are glued to an annex's title (``Annex A - Items
    subject to a no-objection process1``): the footnote is the annex's.  Only a mark numbered
    after every mark of the resolution's own paragraphs is looked for there, so that a title
    cannot take a mark the paragraphs print."""
    own = [int(mk) for mk, t in where.items() if t < n_blocks and mk.isdigit()]
    first_part = n_blocks
    for k, a in enumerate(annexes):
        wanted = [mk for mk in missing if mk not in found and int(mk) > max(own, default=0)]
        if a.get("title") and a["_parts"] and wanted:
            titled, at = place_marks([a["title"]], wanted)
            if at:
                a["title"] = titled[0]
                for mk in at:
                    where[mk] = first_part
                    found[mk] = k
        first_part += len(a["_parts"])


def _in_annex_by_neighbours(mark: str, where: dict[str, int], n_blocks: int) -> bool:
    """Whether the nearest placed marks (by number) around ``mark`` are in annexes."""
    if not mark.isdigit():
        return False
    k = int(mark)
    placed = {int(m): t for m, t in where.items() if m.isdigit()}
    before = [placed[m] for m in sorted(placed) if m < k][-1:]
    after = [placed[m] for m in sorted(placed) if m > k][:1]
    near = before + after
    if not near:
        return True  # no mark was found at all: the resolution's own text has none
    return all(t >= n_blocks for t in near) or bool(before and before[0] >= n_blocks)


def _lead(text: str, hint: str | None, council: bool = False) -> str | None:
    """The lead phrase: the italics where the source marks it, cut to what the grammar reads.

    Italics that stop before the words the grammar would take decide
    (``*Underlines* further``); italics that run on past them take in the object the
    typesetter set with the verb (``*Reiterates its request*``, ``*Draws the attention*``),
    which is not part of the phrase, so the grammar's reading is kept.

    The Security Council's printers set the verb alone in italics where its phrase runs on
    (``*Expressing* serious concern``, ``*Calls* upon``, ``*Emphasizes* again``), so for
    the Council (``council``) italics that stop short do not decide either: the grammar,
    with the Council's conventions, reads the phrase wherever it agrees with the italics
    on its first words."""
    rule = lead_phrase(text, council)
    if not hint:
        return rule
    hint = hint.rstrip(" ,;:")
    if rule and (hint == rule or hint.startswith(rule + " ")):
        return rule
    if council and rule and rule.startswith(hint + " "):
        return rule
    return hint


def _governing_leads(pps: list[dict], ops: list[dict]) -> dict[str, str]:
    """The lead phrase that governs each paragraph: its own, or its paragraph's."""
    out: dict[str, str] = {}

    def walk(p: dict, inherited: str | None) -> None:
        lead = p.get("lead") or inherited
        if lead:
            out[p["id"]] = lead
        for s in p.get("subparagraphs", []):
            walk(s, lead)

    for p in pps + ops:
        walk(p, None)
    return out


def _all_paragraphs(pps: list[dict], ops: list[dict]) -> list[dict]:
    out: list[dict] = []

    def walk(p: dict) -> None:
        out.append(p)
        for s in p.get("subparagraphs", []):
            walk(s)

    for p in pps + ops:
        walk(p)
    return out


def _footnote_documents(text: str) -> list[str]:
    return [c.target for c in find_documents(text, "fn") if c.kind == "document" and c.target]


def _one_date(cited: list[Citation]) -> list[Citation]:
    """One adoption date per cited act.  A date shared along a list ("resolutions 1514 (XV)
    and 1541 (XV) of 15 December 1960") may belong to the last act only: where the text
    prints another date for an act elsewhere, that date wins; where the dates of an act
    still disagree, the first is kept and the others dropped."""
    direct: dict[str, str] = {}
    for c in cited:
        if c.target and c.date and not c.shared_date:
            direct.setdefault(c.target, c.date)
    first: dict[str, str] = {}
    for c in cited:
        if not (c.target and c.date):
            continue
        if c.target in direct and c.date != direct[c.target]:
            c.date = direct[c.target] if c.shared_date else None
        if c.date and first.setdefault(c.target, c.date) != c.date:
            c.date = None
    return cited


def _dedupe(citations: list[dict]) -> list[dict]:
    seen: set[tuple] = set()
    out = []
    for c in citations:
        key = (c["target"], c["kind"], c["body"], c["in"], c["text"] if c["target"] is None else "")
        if key in seen:
            continue
        seen.add(key)
        out.append(c)
    return out


__all__ = ["parse_source", "body_and_footnotes", "Citation", "Footnote"]
