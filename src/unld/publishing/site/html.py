"""The smallest pieces of the pages, written in Python: they are on every page many times
over (a page of a session links to hundreds of resolutions), where a template macro would
cost more than the markup it writes.  The templates call them as ``a(link)``,
``value(v)``, ``permalink(id, iri)`` and ``text(segments)``; every text goes through the
same escaping as ``{{ ... }}`` in a template.
"""

from __future__ import annotations

from markupsafe import Markup, escape


def a(link: dict) -> Markup:
    """A link (``href``, ``label``, ``internal``): external ones are marked; without an
    ``href`` the label alone."""
    label = escape(link["label"])
    if link["href"]:
        mark = "" if link["internal"] else ' class="external"'
        return Markup(f'<a href="{escape(link["href"])}"{mark}>{label}</a>')
    return Markup(f'<span class="noref">{label}</span>')


def value(v: dict) -> Markup:
    """A property value: a link, a date, or a literal with its language and datatype."""
    if v["kind"] == "iri":
        return a(v)
    if v["is_date"]:
        return Markup(f'<time datetime="{escape(v["raw"])}">{escape(v["text"])}</time>')
    out = f'<span class="literal">{escape(v["text"])}</span>'
    if v["lang"]:
        out += f' <span class="tag" lang="en">@{escape(v["lang"])}</span>'
    if v["datatype"]:
        out += f' <span class="tag">{escape(v["datatype"])}</span>'
    return Markup(out)


def permalink(id: str, iri: str) -> Markup:
    """The small ``#id`` link of a part to its own IRI."""
    iri_ = escape(iri)
    id_ = escape(id)
    return Markup(f'<a class="pid" href="#{id_}" title="{iri_}" aria-label="Link to {iri_}">#{id_}</a>')


def text(segments: list[dict]) -> Markup:
    """A text with the mentions of documents linked."""
    out = []
    for s in segments:
        if s["href"]:
            out.append(f'<a href="{escape(s["href"])}" title="{escape(s["title"])}">{escape(s["text"])}</a>')
        else:
            out.append(escape(s["text"]))
    return Markup("".join(out))


GLOBALS = {"a": a, "value": value, "permalink": permalink, "text": text}
