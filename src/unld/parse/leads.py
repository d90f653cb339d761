"""Lead phrases: the opening words that say what a paragraph does.

UN resolutions open every preambular paragraph with a participle or adjective
(*Recalling*, *Deeply concerned*, *Bearing in mind*) and every operative paragraph with a
finite verb (*Decides*, *Also requests*, *Takes note with appreciation*).  The phrase is
italic in print but plain in extracted text, so it is read here from the words themselves:

* leading adverbs are kept (*Also requests*, *Strongly encourages*, *Once again urges*);
* ``also``/``further``/``once again`` right after the verb are kept (*Recalling also*);
* fixed complements are kept (*Takes note*, *Bearing in mind*, *Calls upon*, *Calls for*,
  *Looks forward*, *Taking into account*, *Expresses its appreciation*,
  *Notes with concern*, *Having considered*);
* prepositions after *Guided*, *Encouraged*, *Expresses ... appreciation* are dropped;
* two verbs joined by ``and`` form one lead (*Deplores and condemns*).

The Security Council's conventions differ in two places (``council=True``): an adverb after
a finite verb is part of its lead (*Decides also*, *Affirms further*, *Emphasizes again*),
and a renewed call keeps its noun (*Reiterates its call upon*), the way its verb
(*Calls upon*) would.  An operative paragraph of the Council may open with a prepositional
phrase before its verb (*In regard to DDR ..., endorses also*): the lead is that verb.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

PRE_ADVERBS = {
    "also",
    "further",
    "strongly",
    "highly",
    "urgently",
    "deeply",
    "gravely",
    "seriously",
    "firmly",
    "fully",
    "again",
    "once",
    "most",
    "profoundly",
    "particularly",
    "solemnly",
    "sincerely",
    "warmly",
    "duly",
    "resolutely",
    "earnestly",
    "reiterating",
    "increasingly",
    "extremely",
    "greatly",
    "keenly",
    "equally",
    "similarly",
    "likewise",
    "therefore",
    "additionally",
    "finally",
    "lastly",
    "moreover",
    "hereby",
    "unequivocally",
    "categorically",
    "emphatically",
    "vigorously",
    "expressly",
    "fundamentally",
    "recently",
}
# "Reiterating" as a pre-adverb is wrong; it is a head.  Remove it from the adverbs.
PRE_ADVERBS.discard("reiterating")

#: Adjectives and past participles that open preambular paragraphs.
PREAMBLE_ADJECTIVES = {
    "alarmed",
    "aware",
    "mindful",
    "convinced",
    "concerned",
    "determined",
    "guided",
    "encouraged",
    "cognizant",
    "conscious",
    "desirous",
    "appreciative",
    "resolved",
    "disturbed",
    "dismayed",
    "shocked",
    "saddened",
    "troubled",
    "outraged",
    "committed",
    "inspired",
    "grateful",
    "pleased",
    "satisfied",
    "gratified",
    "heartened",
    "confident",
    "persuaded",
    "emphasizing",
    "anxious",
    "seized",
    "fully",
    "bearing",
    "having",
    "recognizing",
    "deploring",
    "welcoming",
    "affirming",
    "acknowledging",
    "recalling",
    "reaffirming",
    "regretting",
    "believing",
    "underlining",
    "noting",
    "considering",
    "observing",
    "stressing",
    "taking",
    "expressing",
    "reiterating",
    "highlighting",
    "underscoring",
    "emphasising",
    "appalled",
    "horrified",
    "distressed",
    "regretful",
    "hopeful",
    "acknowledged",
    "moved",
}

_WITH_ADJ = {
    "great",
    "deep",
    "grave",
    "serious",
    "particular",
    "profound",
    "appreciation",
    "utmost",
    "special",
    "growing",
    "increasing",
    "considerable",
    "strong",
    "alarm",
}
_WITH_NOUNS = {
    "appreciation",
    "concern",
    "satisfaction",
    "interest",
    "regret",
    "alarm",
    "gratitude",
    "approval",
    "deep",
    "grave",
    "great",
    "serious",
    "particular",
    "profound",
    "dismay",
    "disappointment",
    "encouragement",
    "sorrow",
    "distress",
    "thanks",
    "recognition",
    "welcome",
    "hope",
    "optimism",
    "pleasure",
    "sadness",
    "indignation",
    "shock",
    "outrage",
    "deepest",
    "growing",
    "increasing",
}
_TRAILING = ("also", "further", "again", "once again", "once more", "anew", "moreover")

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")


def _words(text: str, limit: int = 12) -> list[str]:
    return _WORD.findall(text[:200])[:limit]


def is_preambular_head(text: str) -> bool:
    """Whether ``text`` opens like a preambular paragraph (participle or adjective)."""
    words = _words(text, 4)
    i = 0
    while i < len(words) - 1 and words[i].lower() in PRE_ADVERBS:
        i += 1
    if not words or not words[0][:1].isupper():
        return False
    if _split_participle(words):
        return True
    head = words[i].lower()
    return head.endswith("ing") or head in PREAMBLE_ADJECTIVES


def is_operative_head(text: str) -> bool:
    """Whether ``text`` opens like an operative paragraph (finite verb, third person)."""
    words = _words(text, 4)
    if not words or not words[0][:1].isupper():
        return False
    i = 0
    while i < len(words) - 1 and words[i].lower() in PRE_ADVERBS:
        i += 1
    return words[i].lower() in OPERATIVE_VERBS


#: Finite verbs that open operative paragraphs (lower case).
OPERATIVE_VERBS = {
    "acknowledges",
    "adopts",
    "affirms",
    "appeals",
    "appreciates",
    "appropriates",
    "approves",
    "authorizes",
    "calls",
    "commends",
    "commits",
    "condemns",
    "confirms",
    "considers",
    "decides",
    "declares",
    "demands",
    "denounces",
    "deplores",
    "designates",
    "determines",
    "directs",
    "draws",
    "emphasizes",
    "encourages",
    "endorses",
    "expresses",
    "invites",
    "looks",
    "notes",
    "proclaims",
    "reaffirms",
    "realizes",
    "recalls",
    "recognizes",
    "recommends",
    "recommits",
    "regrets",
    "reiterates",
    "rejects",
    "reminds",
    "renews",
    "requests",
    "resolves",
    "respects",
    "stresses",
    "supports",
    "takes",
    "underlines",
    "underscores",
    "understands",
    "urges",
    "welcomes",
    "re-emphasizes",
    "highlights",
    "agrees",
    "accepts",
    "elects",
    "appoints",
    "establishes",
    "extends",
    "condones",
    "insists",
    "pledges",
    "undertakes",
    "wishes",
    "observes",
    "continues",
    "instructs",
    "entrusts",
    "mandates",
    "reconfirms",
    "reasserts",
    "stands",
    "salutes",
    "thanks",
    "congratulates",
    "pays",
    "honours",
    "acclaims",
    "launches",
    "convenes",
    "renames",
    "reappoints",
    "nominates",
    "requires",
    "exhorts",
    "implores",
    "warns",
    "cautions",
    "censures",
    "opposes",
    "disapproves",
    "abhors",
    "laments",
    "mourns",
    "fears",
    "hopes",
    "trusts",
    "believes",
    "concludes",
    "finds",
    "holds",
    "maintains",
    "upholds",
    "embraces",
    "applauds",
    "lauds",
    "praises",
    "emphasises",
    "recognises",
    "authorises",
    "urgently",
    "aligns",
    "amends",
    "terminates",
    "suspends",
    "restores",
    "revises",
    "replaces",
    "includes",
    "excludes",
    "postpones",
    "defers",
    "resumes",
    "closes",
    "concurs",
    "shares",
}


def lead_phrase(text: str, council: bool = False) -> str | None:
    """The lead phrase of a paragraph's text, following the conventions above (those of the
    Security Council with ``council``).

    Time: linear in the paragraph's first words (the phrase tables are looked up by key)."""
    words = _words(text)
    if not words or not words[0][:1].isupper():
        return None
    if council and words[0].lower() in _OPENING_PREPOSITIONS:
        verb = _verb_after_opening(text)
        if verb is not None:
            # read as if the verb opened the paragraph, then printed as it stands (lower case)
            lead = lead_phrase(text[verb].upper() + text[verb + 1 :], council)
            return text[verb] + lead[1:] if lead else None
    low = [w.lower() for w in words]
    i = _after_leading_adverbs(words, low)
    if i >= len(words):
        return None
    head = low[i]
    reading = _Reading(words, low, i + 1, council)
    rule = _HEAD_RULES.get(head)
    take = rule(reading) if rule is not None else None
    if take is None and council and head in _RENEWING:
        take = _renewed_call(reading)
    # a finite verb (operative) puts its adverb first ("Also requests"): one after it is not
    # part of the phrase ("*Underlines* further that"), but "once again" is ("Commends once
    # again"); a participle (preambular) keeps it ("Recalling also")
    finite = head in OPERATIVE_VERBS and not council
    take = _trailing(low, i + 1 if take is None else take, finite)
    take = _with_phrase(reading, take, finite)
    take = _compound(reading, take, finite)
    return " ".join(words[:take])


def _after_leading_adverbs(words: list[str], low: list[str]) -> int:
    """The index of the head word, after the leading adverbs ("Also", "Once again",
    "Strongly", "Further")."""
    n = len(words)
    # "A firming": a participle a scan broke in two after its first letter
    i = 1 if _split_participle(words) else 0
    while i < n - 1 and low[i] in PRE_ADVERBS:
        if low[i] == "once" and i + 1 < n and low[i + 1] not in {"again", "more"}:
            break
        i += 1
        if low[i - 1] == "once" and low[i] in {"again", "more"}:
            i += 1
    return i


@dataclass(frozen=True)
class _Reading:
    """The words of a paragraph being read for its lead phrase; ``i`` is the index of the
    word after the head."""

    words: list[str]
    low: list[str]
    i: int
    council: bool

    def at(self, k: int) -> str:
        return self.low[k] if k < len(self.low) else ""


def _continues(r: _Reading) -> int | None:
    """ "Continues to encourage"."""
    return r.i + 2 if r.at(r.i) == "to" and r.i + 1 < len(r.low) else None


def _having(r: _Reading) -> int | None:
    """The perfect participle, with any adverb set inside: "Having also examined"."""
    if r.i >= len(r.low):
        return None
    k = r.i
    while k < len(r.low) - 1 and r.low[k] in INNER_ADVERBS:
        k += 1
    take = k + 1
    if r.council and r.at(take).endswith("ly") and r.at(take) not in _NOT_MANNER:
        # and the adverb of manner set after it: "Having considered separately"
        take += 1
    return take


def _remains(r: _Reading) -> int | None:
    """A copula and its adjective: "Remains concerned", "Remaining deeply concerned"."""
    k = r.i
    while k < len(r.low) - 1 and r.low[k] in PRE_ADVERBS:
        k += 1
    return k + 1 if r.at(k) in PREAMBLE_ADJECTIVES and not r.at(k).endswith("ing") else None


def _pays(r: _Reading) -> int | None:
    """ "Pays tribute", "Paying homage"."""
    return r.i + 1 if r.at(r.i) in {"tribute", "homage"} else None


def _takes(r: _Reading) -> int | None:
    """ "Takes note", "Taking into account", "Taking fully into account"."""
    if r.at(r.i) == "note":
        return r.i + 1
    if r.at(r.i) == "into" and r.at(r.i + 1) in {"account", "consideration"}:
        return r.i + 2
    if r.at(r.i) == "fully" and r.at(r.i + 1) == "into":
        return r.i + 3
    return None


def _bearing(r: _Reading) -> int | None:
    """ "Bearing in mind"."""
    return r.i + 2 if r.at(r.i) == "in" and r.at(r.i + 1) == "mind" else None


def _calls(r: _Reading) -> int | None:
    """ "Calls upon", "Calls once again upon", "Calls also for"."""
    k = r.i
    if r.at(k) == "once" and r.at(k + 1) == "again":
        k += 2
    elif r.at(k) in {"again", "also", "further"}:
        k += 1
    return k + 1 if r.at(k) in {"upon", "for", "on"} else None


def _looks(r: _Reading) -> int | None:
    """ "Looks forward"."""
    return r.i + 1 if r.at(r.i) == "forward" else None


def _expresses(r: _Reading) -> int | None:
    """The verb and its object, which names what is expressed: "Expresses its deep
    appreciation", "Expressing concerns", "Expresses the view", "Sharing deep concern"; the
    object ends before the first function word ("to", "that", "about", ",")."""
    return _object_phrase(r.words, r.low, r.i) or None


def _draws(r: _Reading) -> int | None:
    """ "Draws attention": the verb alone."""
    return r.i if r.at(r.i) == "attention" else None


def _renewed_call(r: _Reading) -> int | None:
    """The call renewed is the Council's "Calls upon" made a noun: "Reiterates its call
    upon"; "upon" is kept (it can only be the call's), "on" and "for" may open its object."""
    if r.at(r.i) in {"its", "their"} and r.at(r.i + 1) in {"call", "calls"}:
        return r.i + 3 if r.at(r.i + 2) == "upon" else r.i + 2
    return None


def _with_phrase(r: _Reading, take: int, finite: bool) -> int:
    """ "with appreciation", "with deep concern" after the verb."""
    if r.at(take) != "with":
        return take
    k = take + 1
    while r.at(k) in _WITH_ADJ and r.at(k + 1) in _WITH_NOUNS:
        k += 1
    return _trailing(r.low, k + 1, finite) if r.at(k) in _WITH_NOUNS else take


def _compound(r: _Reading, take: int, finite: bool) -> int:
    """A compound: "Deplores and condemns", "Welcomes and recognizes"."""
    if r.at(take) != "and":
        return take
    k = take + 1
    if r.at(k) in {"strongly", "also", "further", "firmly", "fully"}:
        k += 1
    if r.at(k) in OPERATIVE_VERBS and r.at(k).endswith("s") and k < len(r.low):
        return _trailing(r.low, k + 1, finite)
    return take


#: What follows a head word in its lead phrase, by the head (the inflections of one verb
#: share a rule).
_HEAD_RULES: dict[str, Callable[[_Reading], int | None]] = {
    **dict.fromkeys(("continues", "continue", "continuing"), _continues),
    "having": _having,
    **dict.fromkeys(("remains", "remaining", "remain"), _remains),
    **dict.fromkeys(("pays", "paying", "pay"), _pays),
    **dict.fromkeys(("takes", "taking", "take", "took"), _takes),
    **dict.fromkeys(("bearing", "bears", "bear"), _bearing),
    **dict.fromkeys(("calls", "calling", "call"), _calls),
    **dict.fromkeys(("looks", "looking", "look"), _looks),
    **dict.fromkeys(("expresses", "expressing", "express", "shares", "sharing", "share"), _expresses),
    **dict.fromkeys(("draws", "drawing", "draw"), _draws),
}


#: Verbs that renew what the Council said before ("Reiterates its call upon").
_RENEWING = {"reiterates", "reiterating", "renews", "renewing", "repeats", "repeating"}

#: Words ending in "-ly" that are not adverbs of manner ("Having considered only ...").
_NOT_MANNER = {"only", "early", "likely", "fully"}

#: Prepositions that can open an operative paragraph of the Council before its verb:
#: "In regard to DDR under the new concept of operation, endorses also ...".
_OPENING_PREPOSITIONS = {"in", "with", "regarding", "concerning", "pursuant", "consistent"}

_CLAUSE_VERB = re.compile(r",\s+([a-z][a-z\-]*)")


def _verb_after_opening(text: str) -> int | None:
    """Where the finite verb of a paragraph that opens with a prepositional phrase stands:
    the first operative verb after a comma in the paragraph's first sentence."""
    end = min(k for k in (text.find(";"), text.find("."), len(text)) if k >= 0)
    for m in _CLAUSE_VERB.finditer(text, 0, min(end, 300)):
        k = m.start(1)
        words = _words(text[k:], 3)
        j = 0
        while j < len(words) - 1 and words[j].lower() in PRE_ADVERBS:
            j += 1
        if words and words[j].lower() in OPERATIVE_VERBS:
            return k
    return None


def _split_participle(words: list[str]) -> bool:
    """Whether the paragraph opens with a participle that a scan broke after its first
    letter, where an f-ligature (ff, fi, fl) was lost: "A firming" for "Affirming"."""
    return (
        len(words) > 1
        and len(words[0]) == 1
        and words[0].isupper()
        and words[1].startswith("f")
        and words[1].islower()
        and words[1].endswith("ing")
    )


#: Adverbs that may stand inside a lead phrase, between its words ("Having also examined").
INNER_ADVERBS = {"also", "further", "again", "once", "more", "duly", "carefully", "fully"}

#: Words that end the object of "Expresses": prepositions, conjunctions, pronouns.
_FUNCTION_WORDS = {
    "to",
    "that",
    "about",
    "at",
    "for",
    "over",
    "with",
    "in",
    "on",
    "of",
    "regarding",
    "concerning",
    "and",
    "or",
    "by",
    "as",
    "towards",
    "toward",
    "vis-à-vis",
    "also",
    "further",
    "again",
    "once",
    "whether",
    "which",
    "who",
    "upon",
    "from",
    "into",
    "among",
    "through",
    "within",
    "against",
    "under",
    "after",
    "before",
    "despite",
    "given",
    "however",
    "nevertheless",
    "nonetheless",
    "therefore",
    "thus",
}


def _object_phrase(words: list[str], low: list[str], i: int) -> int | None:
    """The end of the object noun phrase of an "express" verb from word ``i``: an optional
    determiner, at most two modifiers and a noun, all before the first function word and
    the first punctuation.  None when there is no such phrase."""
    text_end = len(words)
    k = i
    if k < text_end and low[k] in {"its", "their", "his", "her", "the", "our"}:
        k += 1
    start = k
    while k < text_end and k - start < 3 and low[k] not in _FUNCTION_WORDS and words[k][:1].islower():
        k += 1
    if k == start:
        return None
    if (
        k + 2 < text_end
        and low[k] == "and"
        and low[k - 1] in _WITH_ADJ
        and low[k + 1] not in _FUNCTION_WORDS
        and words[k + 1][:1].islower()
        and low[k + 2] in _WITH_NOUNS
    ):
        return k + 3  # two modifiers of one noun: "Expressing serious and urgent concern"
    return k


def _trailing(low: list[str], take: int, finite: bool = False) -> int:
    n = len(low)
    if take < n and low[take] in {"also", "further", "again", "anew"} and not finite:
        # "further" before a noun is an adjective ("Encourages further efforts"), except
        # after a participle ("Recalling further World Health Assembly resolutions")
        if (
            low[take] == "further"
            and take + 1 < n
            and not low[take - 1].endswith("ing")
            and low[take + 1]
            not in {
                "that",
                "its",
                "the",
                "to",
                "with",
                "in",
                "on",
                "all",
                "his",
                "her",
                "their",
                "of",
                "resolution",
                "resolutions",
                "decision",
                "decisions",
            }
        ):
            return take
        return take + 1
    if take + 1 < n and low[take] == "once" and low[take + 1] in {"again", "more"}:
        return take + 2
    return take
