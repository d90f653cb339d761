"""The static linked-data website: a folder per IRI with HTML, Turtle and JSON-LD.

``generate(quads, out, base, dumps_dir)`` writes the site of a build;
``load_quads(folder)`` reads a built folder's ``unld.nq``.  See ``docs/site.md``.
"""

from unld.site.render import SiteReport, detect_base, generate, load_quads

__all__ = ["SiteReport", "detect_base", "generate", "load_quads"]
