"""Human-readable HTML documentation of the ontology, written by ``unld build``.

The documentation generator reads the ontology's own labels, definitions, domains and
ranges; we only pick the file and keep the output deterministic (sorted subjects).
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from pathlib import Path


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
    return html.encode("utf-8")
