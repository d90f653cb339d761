"""Dates and ordinal numbers as UN resolutions print them."""

from __future__ import annotations

import re
from datetime import date

#: The months as the texts print them.
MONTH_NAMES = [
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
MONTHS = {m.lower(): i for i, m in enumerate(MONTH_NAMES, start=1)}


def printed(d: date) -> str:
    """A date as the texts print it: "6 December 2021"."""
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


DATE = re.compile(
    r"\b(\d{1,2})\s+(January|February|March|April|May|June|July|August|"
    r"September|October|November|December)\s+(\d{4})\b"
)

_UNITS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_TENTHS = {
    "twentieth": 20,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
    "sixtieth": 60,
    "seventieth": 70,
    "eightieth": 80,
    "ninetieth": 90,
    "hundredth": 100,
}
_CARDINAL_UNITS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}


def iso_date(text: str) -> str | None:
    """``6 December 2021`` -> ``2021-12-06``; ``None`` when there is no valid date."""
    m = DATE.search(text)
    if not m:
        return None
    try:
        return date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1))).isoformat()
    except ValueError:
        return None


def ordinal(text: str) -> int | None:
    """English ordinal words to a number: ``Seventy-sixth`` -> 76, ``Eightieth`` -> 80."""
    t = text.strip().lower().replace("\u2013", "-").replace(" ", "-")
    if t in _UNITS:
        return _UNITS[t]
    if t in _TENTHS:
        return _TENTHS[t]
    if "-" in t:
        tens, _, unit = t.partition("-")
        if tens in _TENS and unit in _UNITS and _UNITS[unit] < 10:
            return _TENS[tens] + _UNITS[unit]
        if tens == "one" and unit.startswith("hundred"):
            return 100
    m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", t)
    return int(m.group(1)) if m else None
