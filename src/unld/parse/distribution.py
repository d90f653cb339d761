"""The distribution line and job number printed in the masthead of every UN document.

``Distr.: General`` is followed by the date the document was distributed (on the same line
or the next), and the masthead prints the document's job number (``23-24921 (E)``), the
Secretariat's production number that also runs in the page footers.  Both identify the
printed document the record was read from, so they are kept with the record's source.
"""

from __future__ import annotations

import re

from unld.parse.dates import DATE, iso_date
from unld.parse.lines import Line

_DISTR = re.compile(r"^\s*\**Distr\.?\s*:\s*(?P<kind>General|Limited|Restricted)\b(?P<rest>.*)$", re.I)
#: a job number: two digits of the year, five of the document, the language letter
_JOB = re.compile(r"^\s*(?P<job>\d{2}-\d{5})(?:\s*\((?P<lang>[A-Z])\))?(?:\s+\d{6})?\s*\**\s*$")


def find_distribution(lines: list[Line], upto: int) -> dict | None:
    """The distribution kind and date, and the job number, from the lines before ``upto``.

    ``upto`` is the line number (1-based) of the line that opens the resolution's text; the
    job number is also looked for after it (in the footers), where some texts print it
    only.  ``None`` when the source prints neither (a Markdown text without masthead).
    """
    kind = date = job = None
    head = [ln for ln in lines if ln.no < upto]
    for i, ln in enumerate(head):
        m = _DISTR.match(ln.text)
        if m and kind is None:
            kind = m.group("kind").capitalize()
            following = [m.group("rest")] + [x.text for x in head[i + 1 : i + 3]]
            for text in following:
                if DATE.search(text):
                    date = iso_date(text)
                    break
    for ln in head + [ln for ln in lines if ln.no >= upto]:
        m = _JOB.match(ln.text)
        if m:
            job = m.group("job")
            break
    if kind is None and job is None:
        return None
    return {"kind": kind, "date": date, "job_number": job}
