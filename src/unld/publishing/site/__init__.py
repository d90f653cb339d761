"""The static linked-data website: a folder per IRI with HTML, Turtle and JSON-LD.

``generate(source, out, base, dumps_dir, jobs=None)`` writes the site of a build; the
source is best the path of the build's ``unld.nq`` (read in one pass into a compact
:class:`~unld.publishing.site.store.Store`), or a store from ``load_quads(folder)``, or any iterable
of quads.  Pages are written by one process per core; the output is the same whatever
their number.
"""

from unld.publishing.site.render import (
    SiteReport,
    check_checksum,
    check_output,
    detect_base,
    generate,
    load_quads,
)

__all__ = ["SiteReport", "check_checksum", "check_output", "detect_base", "generate", "load_quads"]
