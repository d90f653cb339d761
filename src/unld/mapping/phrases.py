"""Lead phrases to the concepts of the phrase vocabularies (``ontology/phrases.ttl``).

A paragraph's lead phrase points at a concept whose key is the phrase without its adverbs:
lower case, leading adverbs removed (*also*, *further*, *strongly*, *continues to*...),
trailing *also*, *further*, *again*, *once again*, *once more* and *anew* removed, the same
adverbs inside the phrase removed (*Having also considered*), and every
run of other characters than letters turned into ``-``.  So "Recalling also" is
``phrase:recalling``, "Also requests" is ``phrase:requests`` and "Takes note with
appreciation" is ``phrase:takes-note-with-appreciation``.  The concept IRIs are fixed
(not under the data base IRI), like the ontology's terms.
"""

from __future__ import annotations

import re

from unld.core.namespaces import PHRASE

_LEADING = re.compile(
    r"^(?:(?:also|further|again|once again|once more|strongly|highly|urgently|deeply|gravely|"
    r"seriously|firmly|fully|most|solemnly|warmly|sincerely|duly|resolutely|earnestly|"
    r"continues to|continuing to) )+"
)
_TRAILING = re.compile(r" (?:also|further|again|once again|once more|anew)$")


_INNER = re.compile(r"(?<=[a-z]) (?:once again|once more|also|further|again)(?= [a-z])")


def phrase_key(lead: str) -> str:
    """The concept key of a lead phrase (``Recalling also`` -> ``recalling``); adverbs inside
    the phrase go too (``Having also considered`` -> ``having-considered``, ``Calls once
    again upon`` -> ``calls-upon``)."""
    key = _TRAILING.sub("", _LEADING.sub("", lead.lower()))
    key = _INNER.sub("", key)
    return re.sub(r"[^a-z]+", "-", key).strip("-")


def phrase_iri(lead: str) -> str:
    return PHRASE + phrase_key(lead)
