"""Human-readable HTML documentation of the ontology, written by ``unld build``.

The documentation generator reads the ontology's own labels, definitions, domains and
ranges; we only pick the file and keep the output deterministic (sorted subjects).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
from pathlib import Path

#: the schema.org description the generator embeds, serialized from an unordered graph
_EMBEDDED = re.compile(r'(<script id="schema.org" type="application/ld\+json">)(.*?)(</script>)', re.S)


def ontology_html(ontology_ttl: Path) -> bytes | None:
    """HTML documentation of the ontology in ``ontology_ttl``; ``None`` without the tool."""
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                from pylode import OntPub
            except ImportError:  # the documentation tool is not installed
                return None
            doc = OntPub(ontology=str(ontology_ttl), sort_subjects=True)
            html = doc.make_html(include_css=True)
    finally:
        # the tool configures the root logger when imported; give the caller its logging back
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
    # drop the generator's timestamp, if any, so that the bytes are reproducible
    html = re.sub(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?", "", html)
    html = _EMBEDDED.sub(_sorted_jsonld, html)
    return html.encode("utf-8")


def _canonical(value: object) -> object:
    """Every JSON array sorted by its members' JSON text, every object by key: JSON-LD arrays
    of node objects and values are unordered, so sorting changes no triple (``@list``
    arrays, which are ordered, keep their order)."""
    if isinstance(value, list):
        members = [_canonical(v) for v in value]
        return sorted(members, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    if isinstance(value, dict):
        return {
            k: ([_canonical(m) for m in v] if k == "@list" and isinstance(v, list) else _canonical(v))
            for k, v in sorted(value.items())
        }
    return value


def _sorted_jsonld(match: re.Match[str]) -> str:
    """The embedded JSON-LD in a fixed order.  The generator serializes it from an RDF graph
    whose iteration order follows Python's string hashing, so without this the page (and
    with it ``SHA256SUMS``) changed with ``PYTHONHASHSEED``."""
    try:
        doc = json.loads(match.group(2))
    except ValueError:
        return match.group(0)
    text = json.dumps(_canonical(doc), indent=2, ensure_ascii=False).replace("</", "<\\/")
    return match.group(1) + "\n" + text + "\n" + match.group(3)
