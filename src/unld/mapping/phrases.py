"""Lead phrases to the concepts of the phrase vocabularies (``ontology/phrases.ttl``).

A paragraph's lead phrase points at a concept whose key is the phrase without its adverbs:
lower case, leading adverbs removed (*also*, *further*, *strongly*, *equally*, *continues
to*...: the adverbs the parser keeps at the head of a lead), trailing *also*, *further*,
*again*, *once again*, *once more* and *anew* removed, the adverbs the parser allows inside a
phrase removed (*Having also considered*, *Having duly noted*), and every
run of other characters than letters turned into ``-``.  So "Recalling also" is
``phrase:recalling``, "Also requests" is ``phrase:requests`` and "Takes note with
appreciation" is ``phrase:takes-note-with-appreciation``.  The concept IRIs are fixed
(not under the data base IRI), like the ontology's terms.
"""

from __future__ import annotations

import re

from unld.core.namespaces import PHRASE
from unld.parse.leads import INNER_ADVERBS, PRE_ADVERBS


def _alternatives(words: set[str]) -> str:
    """A regular expression alternative of ``words``, longest first (a deterministic order
    in which no word is cut by a shorter one)."""
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


# The adverbs are the parser's (unld.parse.leads), so that the lead it keeps and the key
# made of it cannot drift apart: a leading adverb the parser keeps in the lead ("Equally
# concerned") is one the key leaves out ("concerned").
_LEADING = re.compile(
    r"^(?:(?:"
    + _alternatives(PRE_ADVERBS | {"once again", "once more", "continues to", "continuing to"})
    + r") )+"
)
_TRAILING = re.compile(r" (?:also|further|again|once again|once more|anew)$")
_INNER = re.compile(
    r"(?<=[a-z]) (?:" + _alternatives(INNER_ADVERBS | {"once again", "once more"}) + r")(?= [a-z])"
)


def phrase_key(lead: str) -> str:
    """The concept key of a lead phrase (``Recalling also`` -> ``recalling``); adverbs inside
    the phrase go too (``Having also considered`` -> ``having-considered``, ``Calls once
    again upon`` -> ``calls-upon``)."""
    key = _TRAILING.sub("", _LEADING.sub("", lead.lower()))
    key = _INNER.sub("", key)
    return re.sub(r"[^a-z]+", "-", key).strip("-")


def phrase_iri(lead: str) -> str:
    return PHRASE + phrase_key(lead)
