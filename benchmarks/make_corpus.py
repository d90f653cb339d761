"""Generate N realistic General Assembly resolution texts for benchmarks.

    python benchmarks/make_corpus.py N OUT [--seed S] [--source DIR] [--jobs J]

The texts have the form of the UN's PDFs as text extraction gives them (masthead, running
page headers with ``n/N`` page markers and job numbers in the middle of paragraphs,
footnotes at page bottoms below a ``______`` rule, the closing meeting line).  They are made
from real pieces: the real resolutions in ``--source`` (default ``tests/data/corpus``) are
parsed once with unld's own parser, and their preambular and operative paragraphs,
sub-paragraphs, footnote texts, titles, agenda-item titles and committee forms are
recombined into new resolutions of sessions 40 to 80.

Resolution numbers cited in the harvested pieces are rewritten so that the generated corpus
has a citation network of its own: most citations point at other generated resolutions of
earlier sessions (a few of them heavily cited, most rarely), some at real resolutions older
than the 40th session; the date printed after a cited number is the date of the resolution
it now cites.

Output: one ``A_RES_<session>_<number>.txt`` per resolution, ``MANIFEST.tsv`` (file, symbol,
session, committee) and ``EXPECTED.jsonl``: for each file what its parse must say (symbol,
dates, basis, meeting, paragraph and footnote counts, cited resolutions), so that the
generator can be checked against the parser.

The same N, seed and source give byte-identical files.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import multiprocessing as mp
import os
import random
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from unld.core.errors import InputError
from unld.parse import parse_source
from unld.parse.citations import find_citations, find_documents
from unld.parse.dates import MONTH_NAMES, printed
from unld.parse.leads import is_operative_head, is_preambular_head
from unld.parse.pdftext import BARCODE, JOB_NUMBER, PAGE_MARKER
from unld.sources import read_source

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT / "tests" / "data" / "corpus"

FIRST_SESSION, LAST_SESSION = 40, 80
BODY_WIDTH, TITLE_WIDTH, NOTE_WIDTH, RUNNING_WIDTH = 86, 74, 96, 70
PAGE_ROWS, FIRST_PAGE_ROWS = 50, 66

_DATE_TEXT = r"\d{1,2}\s+(?:" + "|".join(MONTH_NAMES) + r")\s+\d{4}"

COMMITTEES = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth"]

# --------------------------------------------------------------------------------------
# words and dates


_UNITS = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_TENS = {4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty"}
_TENTHS = {4: "fortieth", 5: "fiftieth", 6: "sixtieth", 7: "seventieth", 8: "eightieth"}


def session_words(session: int) -> str:
    """``76`` -> ``Seventy-sixth`` (sessions 40 to 89)."""
    tens, unit = divmod(session, 10)
    word = _TENTHS[tens] if unit == 0 else f"{_TENS[tens]}-{_UNITS[unit]}"
    return word[0].upper() + word[1:]


def nth(n: int) -> str:
    """``1`` -> ``1st``, ``12`` -> ``12th``, ``22`` -> ``22nd``."""
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def date_text(d: date) -> str:
    return printed(d)


def session_start(session: int) -> date:
    """Opening of a regular session: the third Tuesday of September."""
    first = date(1945 + session, 9, 1)
    return first + timedelta(days=(1 - first.weekday()) % 7 + 14)


# --------------------------------------------------------------------------------------
# harvest: templates of real pieces with slots for the numbers they cite

_NUMBER = re.compile(
    r"(?<![\w/.\-])(?:(?P<sess>(?:ES-|S-)?\d{1,2})/(?P<num>\d{1,4})(?![\d/])"
    r"(?P<parts>(?:\s[A-Z](?=[\s,;.)\]”]|$))(?:(?:,\s|\sand\s|\sto\s)[A-Z](?=[\s,;.)\]”]|$))*)?"
    r"|(?P<onum>\d{1,4})(?:\s(?P<opart>[A-Z]))?\s\((?P<roman>(?:E?S-)?[IVXL]{1,6})\))"
)
_DATE_AFTER = re.compile(r"(\s*,?\s*of\s+)(" + _DATE_TEXT + r")\b")
_GROUP_GLUE = re.compile(r"^(?:,\s*|\s+and\s+|,\s+and\s+)$")
_BAD_TEXT = re.compile(r"_{3}|\[\^|A/RES/|\t|\s{2}")
# a footnote mark the parser did not find in the source, left glued to a word: "Agreement3"
_STRAY_MARK = re.compile(r"(?:[a-z]|[,;:])[”’\")\]]?\d{1,3}(?![\d/.])|[,;)”’] \d{1,3}(?= [a-z])")
_ADOPTS = re.compile(r"^(?:Adopts|Approves|Proclaims|Endorses|Decides to adopt)\b.*\bfollowing\b", re.S)


@dataclass(frozen=True)
class Slot:
    """A cited number in a template: ``kind`` resolution or decision, ``group`` the run of
    numbers that share one date (``74/28 and 74/29 of 12 December 2019``)."""

    kind: str
    group: int
    dated: bool


@dataclass
class Template:
    """Text pieces (``str``, ``"DATE"``) and slots, in order; slots are filled at generation."""

    parts: list
    size: int = 0
    #: kind, number of slots and whether a date follows, of each group of numbers in order
    groups: list[tuple[str, int, bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.size = sum(len(p) if isinstance(p, str) else 8 for p in self.parts)
        sizes: dict[int, tuple[str, int, bool]] = {}
        for p in self.parts:
            if isinstance(p, Slot):
                kind, count, dated = sizes.get(p.group, (p.kind, 0, False))
                sizes[p.group] = (kind, count + 1, dated or p.dated)
        self.groups = [sizes[g] for g in sorted(sizes)]

    def render(self, values: list[tuple[list[str], list[date]]]) -> str:
        """The text with each group's numbers and dates.  A group's date is printed after
        its last number (``74/28 and 74/29 of 12 December 2019``); a number of the group
        adopted on another day gets its own (``53/70 of 4 December 1998 and 54/49 of ...``),
        so that every cited number reads with its own adoption date."""
        out: list[str] = []
        used = [0] * len(values)
        last_group = 0
        for p in self.parts:
            if isinstance(p, Slot):
                numbers, dates = values[p.group]
                k = min(used[p.group], len(numbers) - 1)
                used[p.group] += 1
                out.append(numbers[k])
                if self.groups[p.group][2] and k < len(numbers) - 1 and dates[k] != dates[-1]:
                    out.append(f" of {date_text(dates[k])}")
                last_group = p.group
            elif p == "DATE":
                out.append(date_text(values[last_group][1][-1]))
            else:
                out.append(p)
        return "".join(out)


@dataclass
class Operative:
    text: Template
    subs: list[Template] = field(default_factory=list)


@dataclass
class OldResolution:
    text: str
    target: str
    session: int
    when: date


@dataclass
class Harvest:
    preambular: list[Template]
    operative: list[Operative]
    with_subs: list[Operative]
    decides: list[Template]
    footnotes: list[Template]
    profiles: list[dict]
    agenda_titles: list[str]
    old: list[OldResolution]
    old_weights: list[float]
    committee_weights: list[tuple[str | None, float]]


def _ga_targets(text: str) -> tuple[list[str], list[str]]:
    found = find_citations(text, "x", LAST_SESSION) + find_documents(text, "x")
    res = [c.target for c in found if c.body == "General Assembly" and c.kind == "resolution"]
    dec = [c.target for c in found if c.body == "General Assembly" and c.kind == "decision"]
    return res, dec


def _symbols(m: re.Match) -> tuple[list[str], list[str]]:
    """The resolution and decision symbols a number match can stand for."""
    if m.group("roman"):
        part = f" {m.group('opart')}" if m.group("opart") else ""
        sym = f"A/RES/{m.group('onum')}{part} ({m.group('roman')})"
        return [sym], []
    parts = re.findall(r"[A-Z]", m.group("parts") or "")
    if parts and "to" in (m.group("parts") or ""):
        parts = [chr(c) for c in range(ord(parts[0]), ord(parts[-1]) + 1)]
    base = f"{m.group('sess')}/{m.group('num')}"
    res = [f"A/RES/{base} {p}" if p else f"A/RES/{base}" for p in parts or [""]]
    dec = [f"A/DEC/{base} {p}" if p else f"A/DEC/{base}" for p in parts or [""]]
    return res, dec


def make_template(text: str) -> Template | None:
    """Cut ``text`` into a template, or ``None`` if its citations cannot be rewritten safely."""
    if _BAD_TEXT.search(text) or _STRAY_MARK.search(text):
        return None
    res, dec = _ga_targets(text)
    parts: list = []
    pos = 0
    group = -1
    prev_slot_end = None
    prev_dated = True
    for m in _NUMBER.finditer(text):
        rsyms, dsyms = _symbols(m)
        if any(s in res for s in rsyms):
            kind = "resolution"
        elif any(s in dec for s in dsyms):
            kind = "decision"
        else:
            continue
        between = text[pos : m.start()]
        if not (prev_slot_end == pos and not prev_dated and _GROUP_GLUE.match(between)):
            group += 1
        d = _DATE_AFTER.match(text, m.end())
        parts.append(between)
        parts.append(Slot(kind, group, bool(d)))
        pos = m.end()
        if d:
            parts.append(d.group(1))
            parts.append("DATE")
            pos = d.end()
        prev_slot_end, prev_dated = pos, bool(d)
    parts.append(text[pos:])
    # groups must be uniform in kind; dated groups carry their date on their last number
    kinds: dict[int, set[str]] = {}
    for p in parts:
        if isinstance(p, Slot):
            kinds.setdefault(p.group, set()).add(p.kind)
    if any(len(k) > 1 for k in kinds.values()):
        return None
    tpl = Template([p for p in parts if p != ""])
    for mode in ("new", "old"):
        filled, expected = _test_fill(tpl, mode)
        if _BAD_TEXT.search(filled):
            return None
        got, _ = _ga_targets(filled)
        if sorted(set(got)) != sorted(k for k in expected if k.startswith("A/RES/")):
            return None
        # every number reads with the date meant for it (and no other)
        dates: dict[str, set] = {}
        for c in find_citations(filled, "x", LAST_SESSION):
            if c.body == "General Assembly":
                dates.setdefault(c.target, set()).add(c.date)
        if any(dates.get(t, {None}) != {d} for t, d in expected.items()):
            return None
    return tpl


_ROMANS = ["XV", "XXI", "XXV", "III", "XXIX", "IX", "XVIII", "XXVI"]


def _test_fill(tpl: Template, mode: str) -> tuple[str, dict[str, str | None]]:
    """Fill ``tpl`` with made-up numbers: "new" ones (``41/100``), each adopted on another
    day, or "old" ones (``1514 (XV)``), all of a group adopted on one day.  Return the text
    and the date each cited symbol should read with."""
    values: list[tuple[list[str], list[date]]] = []
    expected: dict[str, str | None] = {}
    i = 0
    for g, (kind, count, dated) in enumerate(tpl.groups):
        numbers, dates = [], []
        for _ in range(count):
            i += 1
            when = date(1990, 1, 1) + timedelta(days=i if mode == "new" else g)
            if kind == "decision":
                number, sym = f"{41 + i % 30}/{400 + i}", f"A/DEC/{41 + i % 30}/{400 + i}"
            elif mode == "new":
                number, sym = f"{41 + i % 30}/{100 + i}", f"A/RES/{41 + i % 30}/{100 + i}"
            else:
                roman = _ROMANS[i % len(_ROMANS)]
                number, sym = f"{1000 + i} ({roman})", f"A/RES/{1000 + i} ({roman})"
            numbers.append(number)
            dates.append(when)
            expected[sym] = when.isoformat() if dated else None
        values.append((numbers, dates))
    return tpl.render(values), expected


_END_PUNCT = re.compile(r"(?:[;,.]\s*(?:and|or)|[,;.:])+$")


def _strip_end(text: str) -> str:
    return _END_PUNCT.sub("", text.rstrip()).rstrip()


def harvest(source: Path) -> Harvest:
    """Parse the real resolutions in ``source`` and keep their reusable pieces."""
    files = sorted(p for p in source.glob("*.txt") if p.name.startswith("A_RES_"))
    if not files:
        raise SystemExit(f"make_corpus: no A_RES_*.txt files in {source}")
    pre: list[Template] = []
    ops: list[Operative] = []
    subs_ops: list[Operative] = []
    decides: list[Template] = []
    notes: list[Template] = []
    profiles: list[dict] = []
    agenda_titles: list[str] = []
    committees: dict[str | None, int] = {}
    old_seen: dict[str, list] = {}
    for path in files:
        try:
            rec = parse_source(read_source(path))
        except InputError:
            continue
        agenda = next((a["title"] for a in rec["agenda_items"] if a.get("title")), None)
        if agenda and _title_ok(agenda):
            agenda_titles.append(agenda)
        basis = rec.get("basis") or {}
        committee = basis.get("committee") if basis.get("kind") == "committee-report" else None
        if committee and committee.split()[0] not in COMMITTEES:
            committee = None
        committees[committee] = committees.get(committee, 0) + 1
        if rec.get("title") and _title_ok(rec["title"]):
            profiles.append({"title": rec["title"], "agenda": agenda, "committee": committee})
        for c in rec["citations"]:
            if c["body"] == "General Assembly" and c["kind"] == "resolution" and c["target"]:
                old_seen.setdefault(c["target"], []).append((c["text"], c["date"]))
        for p in rec["preambular_paragraphs"]:
            if p["subparagraphs"] or not is_preambular_head(p["text"]):
                continue
            if p["text"].rstrip().endswith(":") or len(p["text"]) > 2500:
                continue
            tpl = make_template(_strip_end(p["text"]))
            if tpl and len(p["text"]) >= 40:
                pre.append(tpl)
        for p in rec["operative_paragraphs"]:
            text = p["text"]
            if len(text) < 30 or len(text) > 3000 or not text[:1].isupper():
                continue
            subs = p["subparagraphs"]
            if subs:
                if not text.rstrip().endswith(":") or _ADOPTS.match(text) or len(subs) > 10:
                    continue
                if any(s["subparagraphs"] or len(s["text"]) < 5 for s in subs):
                    continue
                head = make_template(text.rstrip())
                sub_tpls = [make_template(_strip_end(s["text"])) for s in subs]
                if head and all(sub_tpls):
                    subs_ops.append(Operative(head, sub_tpls))
                continue
            if text.rstrip().endswith(":"):
                continue
            tpl = make_template(_strip_end(text))
            if tpl is None:
                continue
            ops.append(Operative(tpl))
            if is_operative_head(text) and not is_preambular_head(text) and len(text) < 600:
                decides.append(tpl)
        for fn in rec["footnotes"]:
            text = fn["text"].strip()
            if 2 <= len(text) <= 500 and not re.match(r"^[\d*(]", text):
                tpl = make_template(text)
                if tpl:
                    notes.append(tpl)
    old = _old_pool(old_seen)
    weights = [1.0 + 2.0 * len(old_seen.get(o.target, [])) for o in old]
    comm = sorted(committees.items(), key=lambda kv: (kv[0] or "", kv[1]))
    weights_c = [(c, float(n) + 1.0) for c, n in comm]
    for c in COMMITTEES:
        name = f"{c} Committee"
        if name not in committees:
            weights_c.append((name, 1.0))
    if not (pre and ops and decides and notes and profiles):
        raise SystemExit(f"make_corpus: {source} has too few usable pieces")
    return Harvest(
        pre,
        ops,
        subs_ops,
        decides,
        notes,
        profiles,
        agenda_titles or [p["title"] for p in profiles],
        old,
        weights,
        weights_c,
    )


def _title_ok(title: str) -> bool:
    return 8 <= len(title) <= 300 and not _BAD_TEXT.search(title) and not title.endswith("-")


#: Well-known resolutions older than the 40th session, beside those the source cites.
_KNOWN_OLD = [
    ("217 A (III)", "1948-12-10"),
    ("1514 (XV)", "1960-12-14"),
    ("1541 (XV)", "1960-12-15"),
    ("2200 A (XXI)", "1966-12-16"),
    ("2625 (XXV)", "1970-10-24"),
    ("3314 (XXIX)", "1974-12-14"),
    ("34/180", "1979-12-18"),
]
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}


def _roman(text: str) -> int:
    total = 0
    for a, b in zip(text, text[1:] + " ", strict=True):
        v = _ROMAN_VALUES[a]
        total += -v if b != " " and _ROMAN_VALUES[b] > v else v
    return total


def _old_pool(seen: dict[str, list]) -> list[OldResolution]:
    pool: dict[str, OldResolution] = {}
    candidates = [(t, x, d) for t, xs in sorted(seen.items()) for x, d in xs]
    candidates += [(None, x, d) for x, d in _KNOWN_OLD]
    for target, text, when in candidates:
        m = re.fullmatch(r"A/RES/(\d+)/\d+(?: [A-Z])?|A/RES/\d+(?: [A-Z])? \(([IVXL]+)\)", target or "")
        if target is not None and not m:
            continue
        # the number as printed, with its letter: "2200 A (XXI)", "33/71 B"
        shown = target[len("A/RES/") :] if target is not None else text
        got, _ = _ga_targets(f"Recalling its resolution {shown}, ")
        if len(got) != 1:
            continue
        sym = got[0]
        sm = re.fullmatch(r"A/RES/(\d+)/.*", sym)
        rm = re.fullmatch(r"A/RES/.*\(([IVXL]+)\)", sym)
        session = int(sm.group(1)) if sm else _roman(rm.group(1)) if rm else None
        if session is None or session >= FIRST_SESSION:
            continue
        d = date.fromisoformat(when) if when else None
        if d is None or not (date(1945 + session, 9, 1) <= d <= date(1946 + session, 9, 30)):
            d = None
        prev = pool.get(sym)
        if prev is None:
            pool[sym] = OldResolution(shown, sym, session, d or date(1945 + session, 12, 10))
        elif d is not None:
            prev.when = d
    return [pool[k] for k in sorted(pool)]


# --------------------------------------------------------------------------------------
# the generated corpus: who is who, when, and who cites whom


@dataclass
class Meta:
    session: int
    number: int
    adopted: date
    meeting: int
    fame: float
    profile: int
    symbol: str = ""

    def __post_init__(self) -> None:
        self.symbol = f"A/RES/{self.session}/{self.number}"


def plan(n: int, rng: random.Random, harvest_: Harvest) -> list[Meta]:
    """Symbols, adoption dates and meetings of ``n`` resolutions of sessions 40-80."""
    sessions = list(range(FIRST_SESSION, LAST_SESSION + 1))
    counts = dict.fromkeys(sessions, 0)
    for _ in range(n):
        counts[rng.choice(sessions)] += 1
    out: list[Meta] = []
    for s in sessions:
        k = counts[s]
        if not k:
            continue
        total = max(k, rng.randint(240, 340))
        numbers = sorted(rng.sample(range(1, total + 1), k))
        start = session_start(s)
        end = session_start(s + 1) - timedelta(days=1)
        days: list[date] = []
        for _ in range(k):
            r = rng.random()
            if r < 0.1:
                d = start + timedelta(days=rng.randint(5, 45))
            elif r < 0.8:
                d = date(1945 + s, 11, 15) + timedelta(days=rng.randint(0, 46))
            else:
                lo = date(1946 + s, 1, 10)
                d = lo + timedelta(days=rng.randint(0, (end - lo).days))
            if d.weekday() == 5:
                d -= timedelta(days=1)
            elif d.weekday() == 6:
                d += timedelta(days=1)
            days.append(min(max(d, start + timedelta(days=1)), end))
        days.sort()
        meetings: dict[date, int] = {}
        last = 0
        for d in days:
            if d in meetings:
                continue
            elapsed = (d - start).days
            base = 1 + int(elapsed * 0.55) if elapsed <= 100 else 56 + int((elapsed - 100) * 0.2)
            last = max(base, last + 1)
            meetings[d] = last
        for num, d in zip(numbers, days, strict=True):
            fame = min(rng.paretovariate(1.0), 2000.0)
            out.append(Meta(s, num, d, meetings[d], fame, rng.randrange(len(harvest_.profiles))))
    return out


class Network:
    """Chooses what a resolution cites: earlier generated ones by fame, or real old ones."""

    def __init__(self, metas: list[Meta], harvest_: Harvest) -> None:
        self.metas = metas
        self.cum = [0.0]
        for m in metas:
            self.cum.append(self.cum[-1] + m.fame)
        self.first: dict[int, int] = {}
        for i, m in enumerate(metas):
            self.first.setdefault(m.session, i)
        self.sessions = sorted(self.first)
        self.by_profile: dict[int, list[int]] = {}
        for i, m in enumerate(metas):
            self.by_profile.setdefault(m.profile, []).append(i)
        self.old = harvest_.old
        self.old_cum = [0.0]
        for w in harvest_.old_weights:
            self.old_cum.append(self.old_cum[-1] + w)

    def index_before(self, session: int) -> int:
        """Index of the first generated resolution of ``session`` or later."""
        k = bisect.bisect_left(self.sessions, session)
        return self.first[self.sessions[k]] if k < len(self.sessions) else len(self.metas)

    def pick_old(self, rng: random.Random) -> OldResolution:
        r = rng.random() * self.old_cum[-1]
        return self.old[min(bisect.bisect_right(self.old_cum, r) - 1, len(self.old) - 1)]

    def pick(self, rng: random.Random, me: Meta) -> int | None:
        """Index of a generated resolution of an earlier session, or ``None`` (cite an old one)."""
        hi = self.index_before(me.session)
        if hi == 0 or rng.random() < 0.15:
            return None
        if rng.random() < 0.3:
            same = self.by_profile.get(me.profile, [])
            k = bisect.bisect_left(same, hi) - 1
            if k >= 0:
                return same[k - rng.randrange(min(3, k + 1))]
        lo = 0
        if rng.random() < 0.5:
            lo = self.index_before(me.session - rng.randint(1, 4))
            if lo >= hi:
                lo = 0
        r = self.cum[lo] + rng.random() * (self.cum[hi] - self.cum[lo])
        return min(max(bisect.bisect_right(self.cum, r) - 1, lo), hi - 1)


# --------------------------------------------------------------------------------------
# text assembly


class Cites:
    """Fills the slots of one resolution's templates and remembers what it cited."""

    def __init__(self, rng: random.Random, net: Network, me: Meta) -> None:
        self.rng, self.net, self.me = rng, net, me
        self.cited: set[str] = set()

    def _decision(self) -> tuple[str, date]:
        rng = self.rng
        s = rng.randint(max(31, self.me.session - 12), self.me.session - 1)
        n = rng.randint(401, 580)
        # a decision's date follows from its number, so that it is the same wherever cited
        return f"{s}/{n}", date(1945 + s, 12, 1 + n % 22)

    def _group(self, kind: str, size: int) -> tuple[list[str], list[date]]:
        """Numbers for a group of ``size`` slots and their adoption dates, oldest first."""
        rng, net = self.rng, self.net
        if kind == "decision":
            picks = sorted({self._decision() for _ in range(size)}, key=lambda p: (p[1], p[0]))
            return [p[0] for p in picks], [p[1] for p in picks]
        first = net.pick(rng, self.me)
        if first is None:
            uniq: dict[str, OldResolution] = {}
            for _ in range(size * 4):
                o = net.pick_old(rng)
                uniq[o.target] = o
                if len(uniq) == size:
                    break
            chosen = sorted(uniq.values(), key=lambda o: (o.when, o.target))
            self.cited.update(o.target for o in chosen)
            return [o.text for o in chosen], [o.when for o in chosen]
        s = net.metas[first].session
        lo, hi = net.first[s], net.index_before(s + 1)
        chosen_i = {first}
        for _ in range(size * 4):
            if len(chosen_i) >= min(size, hi - lo):
                break
            chosen_i.add(min(max(first + rng.randint(-4, 4), lo), hi - 1))
        picks = [net.metas[i] for i in sorted(chosen_i)]
        self.cited.update(m.symbol for m in picks)
        return [f"{m.session}/{m.number}" for m in picks], [m.adopted for m in picks]

    def fill(self, tpl: Template) -> str:
        if not tpl.groups:
            return "".join(tpl.parts)
        return tpl.render([self._group(kind, count) for kind, count, _ in tpl.groups])


_ENDING = re.compile(r"(?:[,;:.][”’\"')\]]*\d{0,3}|\b(?:and|or))$")
_LABEL = re.compile(r"^\((?:[a-z]{1,2}|[ivxl]{1,6})\)$")


_CLOSERS = frozenset(",;:.”’\"')]0123456789dr")


def _can_end(tok: str) -> bool:
    """A line may end after ``tok``: not a hyphen (the lines would be joined without a
    space), not a short number (it would read as a footnote mark)."""
    return not (tok.endswith("-") or (tok.isdigit() and len(tok) <= 3))


def _can_start(tok: str, note: bool) -> bool:
    """A line may begin with ``tok``: not what reads as an operative number (``12.``), a
    sub-paragraph label (``(a)``), a footnote (any number, in footnotes) or a rule."""
    c = tok[:1]
    if c in "[*_•":
        return False
    if c.isdigit():
        return not note and not re.match(r"\d{1,3}(?:\.|$)", tok)
    return not (c == "(" and _LABEL.match(tok))


def _ends_clause(tok: str) -> bool:
    """``tok`` ends a clause (``,`` ``;`` ``.`` ``:``, a glued mark after them, ``and``)."""
    return tok[-1:] in _CLOSERS and bool(_ENDING.search(tok))


def _breakable(prev: str, nxt: str, note: bool = False) -> bool:
    """Whether a line may end after ``prev`` and the next begin with ``nxt``: see
    :func:`_can_end` and :func:`_can_start`; and a line that ends a clause is followed by a
    lower-case word (a capital would start a paragraph)."""
    return _can_end(prev) and _can_start(nxt, note) and (nxt[:1].islower() or not _ends_clause(prev))


def _break_ok(text: str, cut: int, note: bool) -> bool:
    """Whether the line may break at the space ``text[cut]``."""
    prev = text[text.rfind(" ", 0, cut) + 1 : cut]
    nxt_end = text.find(" ", cut + 1)
    nxt = text[cut + 1 : nxt_end if nxt_end != -1 else len(text)]
    return bool(prev and nxt) and _breakable(prev, nxt, note)


def wrap(text: str, width: int, first: int = 0, note: bool = False) -> list[tuple[int, int]]:
    """Cut ``text`` (words separated by single spaces) into lines of about ``width``
    characters; return the (start, end) offsets of the lines.

    ``first`` is the width already taken on the first line (``1. `` before the text)."""
    lines: list[tuple[int, int]] = []
    pos, n = 0, len(text)
    room = width - first
    while n - pos > room:
        cut = text.rfind(" ", pos, pos + room + 1)
        while cut > pos and not _break_ok(text, cut, note):
            cut = text.rfind(" ", pos, cut)
        if cut <= pos:  # no break within the width: the line runs on to the next one
            cut = text.find(" ", pos + room + 1)
            while cut != -1 and not _break_ok(text, cut, note):
                cut = text.find(" ", cut + 1)
            if cut == -1:
                break
        lines.append((pos, cut))
        pos, room = cut + 1, width
    lines.append((pos, n))
    # no short last line (a lone "A." would read as a section heading)
    if len(lines) >= 2 and lines[-1][1] - lines[-1][0] < 10:
        lines[-2:] = [(lines[-2][0], n)]
    return lines


@dataclass
class Row:
    """One output line: its text and the footnote marks it carries."""

    text: str
    marks: tuple[int, ...] = ()
    keep: bool = False  # no page break right before this row


def _norm(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text.replace("\u2013", "-").replace("\u2014", "-")).strip().lower()


def _wrap_text(text: str, width: int, note: bool = False) -> list[str]:
    return [text[s:e] for s, e in wrap(text, width, note=note)]


@dataclass
class Para:
    """A paragraph being laid out: kind, tokens, and footnote marks by token index."""

    kind: str  # pp, op, sub
    ident: str
    tokens: list[str]
    label: str = ""  # "3." or "(a)"
    marks: dict[int, int] = field(default_factory=dict)


def _mark_spots(para: Para, rng: random.Random) -> int | None:
    """A token after which a footnote mark may be glued: the last, or one ending with a comma."""
    last = len(para.tokens) - 1
    if para.tokens[last] in ("and", "or") and last > 0:
        last -= 1  # "field;2 and", never "and2"
    if rng.random() < 0.7:
        return last
    commas = [
        i for i, t in enumerate(para.tokens[:-1]) if t.endswith(",") and len(t) > 2 and not t[-2].isdigit()
    ]
    return rng.choice(commas) if commas else last


_CLASH = {}


def _clash_patterns(k: str) -> tuple[re.Pattern[str], ...]:
    pats = _CLASH.get(k)
    if pats is None:
        e = re.escape(k)
        pats = (
            re.compile(rf"(?<=[A-Za-z)\]”’\".,;:]){e}(?![\d/])"),
            re.compile(rf"(?<=[)\]”’\".,;:]) {{1,3}}{e}(?=\s|$)"),
            re.compile(rf"(?<![\w/])\d{{1,2}}/(\d{{1,3}}){e}(?!\d)"),
        )
        _CLASH[k] = pats
    return pats


def _clashes(text: str, k: str) -> bool:
    """Whether the parser could take some place in ``text`` for footnote mark ``k``."""
    if k not in text:
        return False
    glued, spaced, number = _clash_patterns(k)
    if glued.search(text) or spaced.search(text):
        return True
    return any(int(m.group(1) + k) > 999 for m in number.finditer(text))


def _place_marks(paras: list[Para], wanted: list[tuple[int, int]]) -> int:
    """Number the wanted marks (paragraph index, token index) in order, dropping any that the
    parser would look for earlier in the text; return how many were placed."""
    k = 0
    prev = (0, -1)
    for pi, ti in wanted:
        mark = str(k + 1)
        # the text the parser searches before it reaches this place
        chunks: list[str] = []
        for j in range(prev[0], pi + 1):
            toks = paras[j].tokens
            a = prev[1] + 1 if j == prev[0] else 0
            b = ti + 1 if j == pi else len(toks)
            if a < b:
                chunks.append(" " + " ".join(toks[a:b]))
        if any(_clashes(c, mark) for c in chunks):
            continue
        k += 1
        paras[pi].marks[ti] = k
        prev = (pi, ti)
    return k


class Writer:
    """Builds the text of one generated resolution."""

    def __init__(self, h: Harvest, net: Network, rng: random.Random, me: Meta, job: int) -> None:
        self.h, self.net, self.rng, self.me, self.job = h, net, rng, me, job
        self.cites = Cites(rng, net, me)

    # -- masthead ----------------------------------------------------------------------

    def _title(self) -> tuple[str, str]:
        rng, h = self.rng, self.h
        prof = h.profiles[self.me.profile]
        agenda = prof["agenda"] or rng.choice(h.agenda_titles)
        title = prof["title"]
        r = rng.random()
        if r < 0.15:
            title = agenda
        elif r < 0.25 and ": " in agenda:
            tail = agenda.split(": ", 1)[1]
            if _title_ok(tail):
                title = tail[0].upper() + tail[1:]
        return title, agenda

    def _basis(self, committee: str | None) -> tuple[str, dict]:
        rng, s = self.rng, self.me.session
        if committee:
            report = f"A/{s}/{rng.randint(380, 720)}"
            if rng.random() < 0.25:
                report += f"/Add.{rng.randint(1, 9)}"
            para = str(rng.randint(5, 120))
            name = committee
            if committee.startswith("Fourth") and s >= 48:
                name = "Special Political and Decolonization Committee (Fourth Committee)"
            text = f"[on the report of the {name} ({report}, para. {para})]"
            return text, {
                "kind": "committee-report",
                "committee": committee,
                "documents": [report],
                "paragraph": para,
            }
        r = rng.random()
        if r < 0.08:
            report = f"A/{s}/{rng.randint(500, 700)}"
            para = str(rng.randint(8, 20))
            return (
                f"[without reference to a Main Committee ({report}, para. {para})]",
                {"kind": "without-reference", "committee": None, "documents": [report], "paragraph": para},
            )
        draft = f"A/{s}/L.{rng.randint(1, 110)}"
        docs = [draft]
        if r < 0.3:
            docs.append(f"{draft}/Add.1")
        return (
            f"[without reference to a Main Committee ({' and '.join(docs)})]",
            {"kind": "without-reference", "committee": None, "documents": docs, "paragraph": None},
        )

    def _committee(self) -> str | None:
        rng = self.rng
        prof = self.h.profiles[self.me.profile]
        if rng.random() < 0.75:
            return prof["committee"]
        names = [c for c, _ in self.h.committee_weights]
        weights = [w for _, w in self.h.committee_weights]
        return rng.choices(names, weights)[0]

    # -- body --------------------------------------------------------------------------

    def _size(self) -> int:
        return int(min(max(math.exp(self.rng.gauss(math.log(10000), 0.95)), 1200), 90000))

    def _paragraphs(self) -> tuple[list[Para], dict]:
        rng, h = self.rng, self.h
        target = self._size() - 1500
        paras: list[Para] = []
        if rng.random() < 0.05:
            n_pp = rng.randint(0, 3)
            pps = [self.cites.fill(rng.choice(h.preambular)) for _ in range(n_pp)]
            ops = [(self.cites.fill(rng.choice(h.decides)), [])]
            numbered = False
        else:
            numbered = True
            share = 0.0 if rng.random() < 0.08 else rng.uniform(0.2, 0.6)
            pps, ops = [], []
            size = 0
            while size < target and (len(pps) < 20 or len(ops) < 40):
                if (rng.random() < share and len(pps) < 20) or len(ops) >= 40:
                    text = self.cites.fill(rng.choice(h.preambular))
                    pps.append(text)
                    size += len(text)
                else:
                    if h.with_subs and rng.random() < 0.08:
                        op = rng.choice(h.with_subs)
                    else:
                        op = rng.choice(h.operative)
                    sub_texts = [self.cites.fill(t) for t in op.subs]
                    text = self.cites.fill(op.text)
                    ops.append((text, sub_texts))
                    size += len(text) + sum(len(t) for t in sub_texts)
            if not ops:
                op = rng.choice(h.operative)
                ops.append((self.cites.fill(op.text), []))
        for i, text in enumerate(pps, start=1):
            paras.append(Para("pp", f"pp{i}", (text + ",").split(" ")))
        for n, (text, subs) in enumerate(ops, start=1):
            last = n == len(ops)
            ident = f"op{n}"
            label = f"{n}." if numbered else ""
            if subs:
                paras.append(Para("op", ident, text.split(" "), label))
                for j, sub in enumerate(subs):
                    letter = chr(ord("a") + j)
                    if j == len(subs) - 1:
                        end = "." if last else ";"
                    elif j == len(subs) - 2 and rng.random() < 0.4:
                        end = "; and"
                    else:
                        end = ";"
                    paras.append(Para("sub", ident + letter, (sub + end).split(" "), f"({letter})"))
            else:
                paras.append(Para("op", ident, (text + ("." if last else ";")).split(" "), label))
        expected = {
            "preambular": len(pps),
            "operative": len(ops),
            "operative_numbers": [str(n) if numbered else None for n in range(1, len(ops) + 1)],
            "subparagraphs": [len(s) for _, s in ops],
        }
        return paras, expected

    def _footnotes(self, paras: list[Para]) -> list[tuple[str, str]]:
        """Choose where marks go, number them, and fill their footnote texts."""
        rng = self.rng
        rate = rng.choice([0.0, 0.1, 0.2, 0.3, 0.45])
        wanted: list[tuple[int, int]] = []
        for i, p in enumerate(paras):
            chance = rate * (1.0 if p.kind == "pp" else 0.6 if p.kind == "op" else 0.3)
            if rng.random() < chance and len(wanted) < 40:
                wanted.append((i, _mark_spots(p, rng)))
        count = _place_marks(paras, wanted)
        notes: list[tuple[str, str]] = []
        by_mark = {k: p.ident for p in paras for k in p.marks.values()}
        for k in range(1, count + 1):
            notes.append((self.cites.fill(rng.choice(self.h.footnotes)), by_mark[k]))
        return notes

    # -- layout ------------------------------------------------------------------------

    def _para_rows(self, p: Para, same_line: bool) -> list[Row]:
        tokens = list(p.tokens)
        for i, k in p.marks.items():
            tokens[i] += str(k)
        text = " ".join(tokens)
        # where each mark is in the text
        at: list[tuple[int, int]] = []
        for i, k in sorted(p.marks.items()):
            at.append((len(" ".join(tokens[: i + 1])), k))
        rows: list[Row] = []
        first = 0
        if p.label:
            if same_line and p.kind == "op":
                first = len(p.label) + 1
            else:
                rows.append(Row(p.label + " "))
        for a, b in wrap(text, BODY_WIDTH, first):
            marks = tuple(k for off, k in at if a < off <= b)
            line = text[a:b]
            if first and not rows:
                line = f"{p.label} {line}"
            rows.append(Row(line + " ", marks))
        return rows

    def build(self) -> tuple[str, dict]:
        me, rng = self.me, self.rng
        title, agenda = self._title()
        committee = self._committee()
        basis_text, basis = self._basis(committee)
        paras, counts = self._paragraphs()
        notes = self._footnotes(paras)
        issued = me.adopted + timedelta(days=rng.randint(2, 12))
        job = f"{issued.year % 100:02d}-{self.job:05d}"
        item = rng.randint(3, 175)
        sub_item = chr(ord("a") + rng.randint(0, 10)) if rng.random() < 0.3 else None
        item_text = f"{item} ({sub_item})" if sub_item else str(item)

        head: list[str] = [
            "United Nations ",
            me.symbol,
            " ",
            " ",
            "General Assembly ",
            "Distr.: General ",
            date_text(issued) + " ",
            " ",
            f"{job} (E)    {issued:%d%m%y}     ",
            f"*{job.replace('-', '')}* ",
            " ",
            " ",
            f"{session_words(me.session)} session ",
            f"Agenda item {item_text} ",
        ]
        head += [ln + " " for ln in _wrap_text(agenda, TITLE_WIDTH)]
        head += (
            [" "] * 4
            + [" Resolution adopted by the General Assembly ", f"on {date_text(me.adopted)} "]
            + [" "] * 4
        )
        head += [ln + " " for ln in _wrap_text(basis_text, BODY_WIDTH)]
        head += [" "] * 3
        title_lines = _wrap_text(f"{me.session}/{me.number}. {title}", TITLE_WIDTH)
        head += [ln + " " for ln in title_lines] + [" "] * 3 + ["The General Assembly, ", " "]
        running = " " + _norm(" ".join(head)) + " "

        same_line = rng.random() < 0.4
        body: list[Row] = []
        for p in paras:
            body.extend(self._para_rows(p, same_line))
            body.append(Row(" "))
        closing = [
            Row(f"{nth(me.meeting)} plenary meeting ", keep=True),
            Row(date_text(me.adopted) + " ", keep=True),
            Row(" ", keep=True),
        ]
        body.extend(closing)
        note_rows = {k: _note_rows(k, text) for k, (text, _) in enumerate(notes, start=1)}
        pages = _paginate(head, body, note_rows, me.symbol, running)
        text = _render(head, pages, note_rows, me.symbol, title, job)

        expected = {
            "symbol": me.symbol,
            "session": me.session,
            "number": f"{me.session}/{me.number}",
            "title": title,
            "adopted_on": me.adopted.isoformat(),
            "agenda_item": {"number": str(item), "sub_item": sub_item, "title": agenda},
            "basis": basis,
            "meeting": {"number": me.meeting, "date": me.adopted.isoformat()},
            **counts,
            "footnotes": [{"mark": str(k), "in": where} for k, (_, where) in enumerate(notes, start=1)],
            "cited": sorted(self.cites.cited),
            "pages": len(pages),
        }
        return text, expected


def _note_rows(k: int, text: str) -> list[str]:
    lines = _wrap_text(text, NOTE_WIDTH, note=True)
    return [f"{k} {lines[0]} "] + [ln + " " for ln in lines[1:]]


def _furniture_like(text: str, symbol: str, running: str) -> bool:
    """Whether the parser could take this line for part of a running header."""
    t = _norm(text)
    if not t:
        return True
    sym = symbol.lower()
    if t == sym or JOB_NUMBER.match(t) or BARCODE.match(t) or PAGE_MARKER.match(text):
        return True
    if t.endswith(" " + sym):
        t = t[: -len(sym) - 1].strip()
    if t.startswith(sym + " "):
        t = t[len(sym) + 1 :].strip()
    return len(t) >= 6 and f" {t} " in running


def _paginate(
    head: list[str], body: list[Row], notes: dict[int, list[str]], symbol: str, running: str
) -> list[tuple[list[Row], list[int]]]:
    """Cut the body into pages: (rows, footnote marks whose texts end the page)."""
    pages: list[tuple[list[Row], list[int]]] = []
    rows: list[Row] = []
    marks: list[int] = []
    used = len(head)
    room = FIRST_PAGE_ROWS
    for i, row in enumerate(body):
        need = 1 + sum(len(notes[k]) + 1 for k in row.marks) + (2 if row.marks and not marks else 0)
        if (
            used + need > room
            and rows
            and not row.keep
            and _can_break(body, i, rows, notes, marks, symbol, running)
        ):
            pages.append((rows, marks))
            rows, marks, used, room = [], [], 0, PAGE_ROWS
            if not row.text.strip():
                continue
        rows.append(row)
        marks.extend(row.marks)
        used += need
    pages.append((rows, marks))
    return pages


def _can_break(
    body: list[Row],
    i: int,
    rows: list[Row],
    notes: dict[int, list[str]],
    marks: list[int],
    symbol: str,
    running: str,
) -> bool:
    """A page may break before ``body[i]`` if the lines on either side of the running header
    cannot be taken for a part of it."""
    before = notes[marks[-1]][-1] if marks else next((r.text for r in reversed(rows) if r.text.strip()), "")
    after = next((r.text for r in body[i:] if r.text.strip()), "")
    if not before or not after:
        return False
    return not _furniture_like(before, symbol, running) and not _furniture_like(after, symbol, running)


def _running_title(title: str) -> list[str]:
    lines = _wrap_text(title, RUNNING_WIDTH)[:4]
    if len(lines) > 1 and len(lines[-1]) < 6:
        lines[-2] = f"{lines[-2]} {lines[-1]}"
        lines.pop()
    return lines


def _render(
    head: list[str],
    pages: list[tuple[list[Row], list[int]]],
    notes: dict[int, list[str]],
    symbol: str,
    title: str,
    job: str,
) -> str:
    out: list[str] = list(head)
    total = len(pages)
    running = _running_title(title)
    for n, (rows, marks) in enumerate(pages, start=1):
        if n > 1:
            if n % 2 == 0:
                out += [symbol + " "] + [ln + " " for ln in running] + [" ", job, f"{n}/{total} "]
            else:
                out += [ln + " " for ln in running] + [symbol, " ", f"{n}/{total}", job + " "]
            out += [" ", " "]
        out += [r.text for r in rows]
        if marks:
            out += ["__________________ ", " "]
            for k in marks:
                out += notes[k] + [" "]
        if n < total:
            out.append("")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------


_SHARED: dict = {}


def _write_one(task: tuple[int, int]) -> tuple[str, str]:
    """Write one resolution; return its manifest line and its expected values (JSON)."""
    i, job = task
    h, net, seed, out = _SHARED["h"], _SHARED["net"], _SHARED["seed"], _SHARED["out"]
    me = net.metas[i]
    # one generator per resolution: a file does not change when another one does
    rng = random.Random(f"{seed}:{me.symbol}")
    text, expected = Writer(h, net, rng, me, job).build()
    name = f"A_RES_{me.session}_{me.number}.txt"
    with open(out / name, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    expected["file"] = name
    committee = expected["basis"]["committee"] or "Plenary (without reference to a Main Committee)"
    return (
        f"{name}\t{me.symbol}\t{me.session}\t{committee}",
        json.dumps(expected, sort_keys=True, ensure_ascii=False),
    )


def generate(n: int, out: Path, seed: int = 0, source: Path = DEFAULT_SOURCE, jobs: int = 1) -> list[dict]:
    """Write ``n`` resolutions, ``MANIFEST.tsv`` and ``EXPECTED.jsonl`` into ``out``;
    return the expected values of each.  ``jobs`` processes share the writing; the output
    does not depend on it."""
    h = harvest(source)
    rng = random.Random(seed)
    metas = plan(n, rng, h)
    net = Network(metas, h)
    out.mkdir(parents=True, exist_ok=True)
    tasks = list(enumerate(rng.sample(range(10000, 99999), len(metas))))
    _SHARED.update(h=h, net=net, seed=seed, out=out)
    try:
        if jobs > 1 and len(tasks) > jobs and "fork" in mp.get_all_start_methods():
            with mp.get_context("fork").Pool(jobs) as pool:
                results = pool.map(_write_one, tasks, chunksize=64)
        else:
            results = [_write_one(t) for t in tasks]
    finally:
        _SHARED.clear()
    manifest = ["file\tsymbol\tsession\tcommittee"] + [m for m, _ in results]
    (out / "MANIFEST.tsv").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    (out / "EXPECTED.jsonl").write_text("\n".join(e for _, e in results) + "\n", encoding="utf-8")
    return [json.loads(e) for _, e in results]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="how many resolutions")
    ap.add_argument("out", type=Path, help="folder to write into (created)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--source",
        type=Path,
        default=DEFAULT_SOURCE,
        help="folder of real resolution texts to harvest (default: %(default)s)",
    )
    ap.add_argument(
        "--jobs",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="processes writing files (default: %(default)s); the output is the same",
    )
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("N must be at least 1")
    t0 = time.perf_counter()
    results = generate(args.n, args.out, args.seed, args.source, args.jobs)
    size = sum((args.out / r["file"]).stat().st_size for r in results)
    print(
        f"wrote {len(results)} resolutions ({size / 1e6:.1f} MB) to {args.out} "
        f"in {time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
