"""HTML renderings of a resolution, turned into lines like the other readers produce.

Block elements become line breaks, ``<sup>`` footnote marks become ``[^k]`` references, and
script and style contents are dropped.  Footnote paragraphs (a ``<sup>`` mark at the start of
a block after the body) are moved aside as footnote lines.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from unld.parse.lines import Line
from unld.parse.pdftext import Layout

_BLOCKS = {
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "ol",
    "ul",
    "table",
    "hr",
}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.sup = False

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        """``<![`` not followed by a section name (the standard library's parser stops on an
        assertion there) is read as text, like a browser does."""
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            self.handle_data("<![")
            return i + 3

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style", "head", "title"):
            self.skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n\n" if tag in ("p", "h1", "h2", "h3", "div", "li") else "\n")
        elif tag == "sup":
            self.sup = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "title"):
            self.skip = max(0, self.skip - 1)
        elif tag == "sup":
            self.sup = False
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.sup and re.fullmatch(r"\s*\d{1,3}\s*", data):
            self.parts.append(f"[^{data.strip()}]")
        else:
            self.parts.append(data)


def split_html(text: str) -> Layout:
    """Lines of an HTML rendering, footnotes set aside.  Time: linear in the text (the
    standard library's HTML tokenizer, then one pass over the lines)."""
    parser = _Text()
    parser.feed(text)
    parser.close()
    plain = re.sub(r"[ \t]+\n", "\n", "".join(parser.parts))
    plain = re.sub(r"\n{3,}", "\n\n", plain)
    body: list[Line] = []
    footnotes: list[Line] = []
    after_meeting = False
    for i, raw in enumerate(plain.split("\n"), start=1):
        line = Line(i, raw.rstrip())
        m = re.match(r"^\s*\[\^(\d{1,3})\]\s*(.*)$", line.text)
        if m and (after_meeting or body and not re.match(r"^\s*\d", m.group(2))):
            footnotes.append(Line(i, f"{m.group(1)} {m.group(2)}"))
            continue
        if re.search(r"plenary meeting\s*$", line.text):
            after_meeting = True
        body.append(line)
    return Layout(body=body, footnotes=footnotes, symbol=None)
