"""Where a resource's page lives: from an IRI to a folder of the site, safely.

Layout: one folder per IRI, at the IRI's path under the base (``doc/A/RES/76/19/`` holds
``index.html``, ``index.ttl`` and ``index.jsonld``), so that the IRI resolves on any static
host that serves a folder's ``index.html``.  Hash IRIs (``#op6a``) are anchors on the page
of the IRI without its fragment.  Ontology terms and phrase concepts live at fixed IRIs
(``https://w3id.org/unld/ontology#X``, ``https://w3id.org/unld/phrase/<key>``); they get
the folders ``ontology/`` and ``phrase/<key>/`` whatever the base.

Paths come only from normalised IRIs, and anything that could escape the output folder or
confuse a web server is refused: ``.`` and ``..`` segments, empty segments, absolute paths,
percent-encoded slashes and backslashes, control characters, query strings, names that
start with a dot, the names the site keeps for itself (``dumps``, ``static``...) and the
names of a page's own files (``index.html``...) as any segment, and paths too deep or too
long for a file system.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from unld.core.namespaces import ONTOLOGY_IRI
from unld.core.namespaces import PHRASE as PHRASE_NS

#: Top-level names the site uses for its own files: no resource page may take them.
RESERVED = frozenset(
    {
        "dumps",
        "static",
        "_config",
        "browse",
        "search",
        "pagefind",
        "index.html",
        "index.ttl",
        "index.jsonld",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "context.jsonld",
        ".htaccess",
        ".nojekyll",
    }
)

# Characters an IRI path may hold here: RFC 3986 unreserved, sub-delimiters, ':', '@',
# '/' and percent-escapes.  Anything else (spaces, quotes, '<', '\\', '?', non-ASCII,
# control characters) means the IRI was not built by the IRI policy: no page.
_PATH_CHARS = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*")
_PCT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_BAD_ESCAPES = re.compile(r"%(?:2[Ff]|5[Cc]|[01][0-9A-Fa-f]|7[Ff])")
#: Longest folder name written: the file systems' own limit (NAME_MAX, 255 bytes on ext4,
#: XFS, btrfs, APFS), since real body names give long ones (a working group's slug of 233
#: bytes in A/RES/78/40); a longer one could not be created.
_MAX_SEGMENT_BYTES = 255
#: Deepest and longest page path written (file systems refuse paths over 4,096 bytes, and
#: creating thousands of nested folders exhausts the interpreter's recursion).
_MAX_SEGMENTS = 24
_MAX_PATH_BYTES = 1024
#: The files of every page folder: no segment may take these names (the folder
#: ``.../index.html/`` cannot live beside the file ``.../index.html``).
PAGE_FILES = frozenset({"index.html", "index.ttl", "index.jsonld"})


def split_fragment(iri: str) -> tuple[str, str | None]:
    """``(iri without fragment, fragment or None)``."""
    head, sep, frag = iri.partition("#")
    return head, (frag if sep else None)


def page_path(iri: str, base: str) -> str | None:
    """The site path (percent-encoded, no leading or trailing slash) of the page of ``iri``.

    ``''`` is the home page (the base itself); ``None`` means the IRI has no page here
    (another site's IRI, or one that could not be written safely).  A hash IRI gives the
    path of its document.
    """
    head, _ = split_fragment(iri)
    if head.startswith(base):
        rest = head[len(base) :]
    elif head == ONTOLOGY_IRI or head == ONTOLOGY_IRI + "/":
        return "ontology"
    elif head.startswith(ONTOLOGY_IRI + "/"):
        # the ontology's version IRI (``ontology/0.1.0``), fixed as the ontology is
        rest = "ontology" + head[len(ONTOLOGY_IRI) :]
    elif head.startswith(PHRASE_NS):
        rest = "phrase/" + head[len(PHRASE_NS) :]
    else:
        return None
    if rest == "":
        return ""
    if rest in ("ontology", "ontology/"):
        return "ontology"
    return rest if is_safe_path(rest) else None


def is_safe_path(rest: str, *, own: bool = False) -> bool:
    """Whether a relative, percent-encoded path can be written and served safely.

    ``own`` paths are the site's own folders (``dumps``, ``static``...), allowed to take
    the reserved names that resource pages may not."""
    if not rest or not _PATH_CHARS.fullmatch(rest) or _PCT.search(rest):
        return False
    if _BAD_ESCAPES.search(rest) or rest.startswith("/") or rest.endswith("/"):
        return False
    try:
        segments = unquote(rest, errors="strict").split("/")
    except UnicodeDecodeError:
        # escapes that are not UTF-8 (``%C0%AE``, an overlong '.'): no file name to give them
        return False
    if segments[0] in RESERVED and not own:
        return False
    if len(segments) > _MAX_SEGMENTS or len(rest.encode("utf-8")) > _MAX_PATH_BYTES:
        return False
    for seg in segments:
        if seg in ("", ".", "..") or seg.startswith(".") or "\\" in seg or seg in PAGE_FILES:
            return False
        if any(ord(c) < 0x20 or ord(c) == 0x7F for c in seg):
            return False
        if len(seg.encode("utf-8")) > _MAX_SEGMENT_BYTES:
            return False
    return True


def disk_path(root: Path, path: str, *, own: bool = False) -> Path:
    """The folder on disk for a site ``path``: percent-escapes decoded, as a web server
    decodes a request before it looks for the file.  Raises ``ValueError`` for a path
    that is not safe (see :func:`is_safe_path`) or would land outside ``root``."""
    if path and not is_safe_path(path, own=own):
        raise ValueError(f"unsafe site path: {path!r}")
    target = (root / unquote(path)) if path else root
    resolved_root = root.resolve()
    resolved = target.resolve()
    if resolved != resolved_root and resolved_root not in resolved.parents:
        raise ValueError(f"site path escapes the output folder: {path!r}")
    return target


def relative(from_path: str, to_path: str, fragment: str | None = None, *, folder: bool = True) -> str:
    """A relative link from the page at ``from_path`` to the page (or file) ``to_path``.

    Relative links let the site work under any prefix (a project site on a static host,
    a local server).  Folder links end with ``/`` (the page is the folder's index.html).
    """
    depth = len(from_path.split("/")) if from_path else 0
    up = "../" * depth
    target = to_path + ("/" if folder and to_path else "")
    href = (up + target) or "./"
    if not href.startswith("."):
        href = "./" + href  # a first segment with ':' must not read as a scheme
    if fragment:
        href += "#" + fragment
    return href
