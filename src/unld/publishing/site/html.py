"""The pieces of the pages written in Python: they are on every page many times over (a
page of a session links to hundreds of resolutions, a resolution has dozens of
paragraphs), where a template macro would cost more than the markup it writes.  The
templates call them as ``a(link)``, ``value(v)``, ``permalink(id, iri)``,
``text(segments)``, ``paragraph(p)``, ``links(items)``, ``items(items)``,
``backlinks(groups, level)`` and ``props(rows)``; each writes the same bytes as the
template markup it replaced (``tests/test_site_html.py`` renders both on real pages), and
every text goes through the same escaping as ``{{ ... }}`` in a template.

Inside, the pieces are plain ``str`` escaped by :func:`esc`, and marked safe
(:class:`~markupsafe.Markup`) once, when handed to a template: ``markupsafe.escape``
makes a ``Markup`` object per call, which costs more than the escaping of a short text.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape


def esc(s: object) -> str:
    """``s`` escaped as ``markupsafe.escape`` (and so ``{{ s }}`` in a template) escapes
    it, as a plain ``str``: most texts have nothing to escape and are returned as they
    are; ``None`` is ``"None"``, as a template writes it."""
    if type(s) is not str:
        return str(escape(s))
    if "&" in s or "<" in s or ">" in s or "'" in s or '"' in s:
        return (
            s.replace("&", "&amp;")
            .replace(">", "&gt;")
            .replace("<", "&lt;")
            .replace("'", "&#39;")
            .replace('"', "&#34;")
        )
    return s


def _a(link: dict) -> str:
    """:func:`a` as a plain ``str``."""
    href = link["href"]
    if href:
        if link["internal"]:
            return f'<a href="{esc(href)}">{esc(link["label"])}</a>'
        return f'<a href="{esc(href)}" class="external">{esc(link["label"])}</a>'
    return f'<span class="noref">{esc(link["label"])}</span>'


def a(link: dict) -> Markup:
    """A link (``href``, ``label``, ``internal``): external ones are marked; without an
    ``href`` the label alone."""
    return Markup(_a(link))


def _value(v: dict) -> str:
    if v["kind"] == "iri":
        return _a(v)
    if v["is_date"]:
        return f'<time datetime="{esc(v["raw"])}">{esc(v["text"])}</time>'
    out = f'<span class="literal">{esc(v["text"])}</span>'
    if v["lang"]:
        out += f' <span class="tag" lang="en">@{esc(v["lang"])}</span>'
    if v["datatype"]:
        out += f' <span class="tag">{esc(v["datatype"])}</span>'
    return out


def value(v: dict) -> Markup:
    """A property value: a link, a date, or a literal with its language and datatype."""
    return Markup(_value(v))


def _permalink(id: str, iri: str) -> str:
    iri_ = esc(iri)
    id_ = esc(id)
    return f'<a class="pid" href="#{id_}" title="{iri_}" aria-label="Link to {iri_}">#{id_}</a>'


def permalink(id: str, iri: str) -> Markup:
    """The small ``#id`` link of a part to its own IRI."""
    return Markup(_permalink(id, iri))


def _text(segments: list[dict]) -> str:
    out = []
    for s in segments:
        if s["href"]:
            out.append(f'<a href="{esc(s["href"])}" title="{esc(s["title"])}">{esc(s["text"])}</a>')
        else:
            out.append(esc(s["text"]))
    return "".join(out)


def text(segments: list[dict]) -> Markup:
    """A text with the mentions of documents linked."""
    return Markup(_text(segments))


def _links(items: Iterable[dict]) -> str:
    return ", ".join([_a(i) for i in items])


def links(items: Iterable[dict]) -> Markup:
    """Links separated by commas (what cites, what is mentioned, what acts on an annex)."""
    return Markup(_links(items))


def _paragraph(p: dict, out: list[str]) -> None:
    """Append the markup of paragraph ``p`` (see :func:`paragraph`) to ``out``."""
    out.append(f'<div class="para {esc(p["kind"])}" id="{esc(p["id"])}">\n')
    if p["number"]:
        out.append(f'<span class="num">{esc(p["number"])}.</span>')
    elif p["label"]:
        out.append(f'<span class="num">({esc(p["label"])})</span>')
    out.append('  <div class="para-body">\n    <p>')
    lead = p["lead"]
    if lead:
        if lead["href"]:
            out.append(
                f'<a class="lead" href="{esc(lead["href"])}" title="Lead phrase: {esc(lead["title"])}">'
                f"<em>{esc(lead['text'])}</em></a>"
            )
        else:
            out.append(f'<em class="lead">{esc(lead["text"])}</em>')
    out.append(_text(p["segments"]))
    for r in p["refs"]:
        mark = esc(r["mark"])
        out.append(
            f'<sup class="fnref"><a href="{esc(r["href"])}" id="{esc(r["id"])}" '
            f'aria-label="Footnote {mark}">{mark}</a></sup>'
        )
    out.append(f" {_permalink(p['id'], p['iri'])}</p>\n")
    cites, bodies = p["cites"], p["bodies"]
    if cites or bodies:
        out.append('    <p class="para-meta">')
        if cites:
            out.append("Cites: " + _links(cites))
        if cites and bodies:
            out.append(" · ")
        if bodies:
            out.append("Mentions: " + _links(bodies))
        out.append("</p>\n")
    if p["subparagraphs"]:
        out.append('    <div class="subs">\n')
        for s in p["subparagraphs"]:
            _paragraph(s, out)
        out.append("    </div>\n")
    out.append("  </div>\n</div>\n")


def paragraph(p: dict) -> Markup:
    """A paragraph of a resolution (a dict of :meth:`resolution._Text.paragraph`): its
    number, lead phrase, text, footnote marks, what it cites and mentions, and its
    sub-paragraphs, each in turn."""
    out: list[str] = []
    _paragraph(p, out)
    return Markup("".join(out))


def paragraphs(ps: Iterable[dict]) -> Markup:
    """Paragraphs one after the other."""
    out: list[str] = []
    for p in ps:
        _paragraph(p, out)
    return Markup("".join(out))


def items(entries: Iterable[dict]) -> Markup:
    """The rows of a list of links, each with its short description after it (a
    ``detail``), one ``<li>`` a line."""
    out = []
    for i in entries:
        detail = i["detail"]
        if detail:
            out.append(f'<li>{_a(i)} <span class="detail">{esc(detail)}</span></li>\n')
        else:
            out.append(f"<li>{_a(i)}</li>\n")
    return Markup("".join(out))


def listing(entries: Iterable[dict]) -> Markup:
    """The rows of a listing page: each link with its description, and the links under
    it (an agenda item's resolutions)."""
    out = []
    for item in entries:
        row = "  <li>" + _a(item)
        if item["detail"]:
            row += f' <span class="detail">{esc(item["detail"])}</span>'
        children = item.get("children")
        if children:
            row += '    <ul class="links">' + "".join([f"<li>{_a(c)}</li>" for c in children]) + "</ul>"
        out.append(row + "</li>\n")
    return Markup("".join(out))


def backlinks(groups: list[dict], level: int = 2) -> Markup:
    """ "What links here": each group of links (see ``Links.backlinks``) under its
    heading, each linking document with the parts of it that link."""
    if not groups:
        return Markup("")
    h, h2 = level, level + 1
    out = [
        '<section class="backlinks" aria-labelledby="what-links-here">\n'
        f'<h{h} id="what-links-here">What links here</h{h}>\n'
    ]
    for g in groups:
        entries = g["items"]
        count = f'<span class="count">({len(entries)})</span>'
        out.append(f'<h{h2}>{esc(g["title"])} {count}</h{h2}>\n<ul class="links">\n')
        for item in entries:
            out.append("  <li>" + _a(item))
            if item["detail"]:
                out.append(f' <span class="detail">{esc(item["detail"])}</span>')
            parts = item["parts"]
            if parts:
                out.append(
                    ' <span class="parts">in '
                    + ", ".join(
                        [
                            f'<a href="{esc(p["href"])}" title="{esc(p["title"])}">{esc(p["label"])}</a>'
                            for p in parts
                        ]
                    )
                    + "</span>"
                )
            out.append("</li>\n")
        out.append("</ul>\n")
    out.append("</section>\n")
    return Markup("".join(out))


def props(rows: list[dict]) -> Markup:
    """A property table: each predicate with its value, or its values as a list."""
    return Markup(_props(rows))


def _props(rows: list[dict]) -> str:
    if not rows:
        return ""
    out = [
        '<div class="table-wrap">\n<table class="props">\n'
        '  <thead><tr><th scope="col">Property</th><th scope="col">Value</th></tr></thead>\n'
        "  <tbody>\n"
    ]
    for row in rows:
        values = row["values"]
        if len(values) == 1:
            shown = _value(values[0])
        else:
            shown = '<ul class="values">' + "".join([f"<li>{_value(v)}</li>" for v in values]) + "</ul>"
        out.append(f'    <tr><th scope="row">{_a(row["predicate"])}</th><td>{shown}</td></tr>\n')
    out.append("  </tbody>\n</table>\n</div>\n")
    return "".join(out)


def parts(entries: list[dict]) -> Markup:
    """Hash IRIs of a resolution that its text does not show, each a section with its
    property table (``resolution._Text.leftovers``)."""
    out = []
    for p in entries:
        out.append(
            f'<section class="part" id="{esc(p["id"])}">\n'
            f"<h2>{esc(p['name'])} {_permalink(p['id'], p['iri'])}</h2>\n"
            f"{_props(p['properties'])}\n</section>\n"
        )
    return Markup("".join(out))


def _search_paragraph(p: dict, out: list[str]) -> None:
    if p["number"]:
        number = f"{esc(p['number'])}. "
    elif p["label"]:
        number = f"({esc(p['label'])}) "
    else:
        number = ""
    lead = esc(p["lead"]["text"]) if p["lead"] else ""
    words = "".join([esc(s["text"]) for s in p["segments"]])
    out.append(f'<div id="{esc(p["id"])}"><p>{number}{lead}{words}</p>\n')
    for s in p["subparagraphs"]:
        _search_paragraph(s, out)
    out.append("</div>\n")


def search_paragraphs(ps: Iterable[dict]) -> Markup:
    """Paragraphs as the search index reads them: their words, under the ids that hits
    land on (``search_doc.html``)."""
    out: list[str] = []
    for p in ps:
        _search_paragraph(p, out)
    return Markup("".join(out))


GLOBALS = {
    "a": a,
    "value": value,
    "permalink": permalink,
    "text": text,
    "paragraph": paragraph,
    "paragraphs": paragraphs,
    "links": links,
    "items": items,
    "listing": listing,
    "backlinks": backlinks,
    "props": props,
    "parts": parts,
    "search_paragraphs": search_paragraphs,
}
