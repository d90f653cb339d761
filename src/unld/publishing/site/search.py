"""Full-text search for the static site, with no server: a Pagefind index.

Pagefind (a pip package that ships its own binary) reads HTML and writes a chunked index
under ``pagefind/`` that the browser fetches piece by piece, so search works on any static
host.  It does not read the published pages: while a resolution's page is written, a slim
copy of what is to be found in it (symbol, title, agenda items, paragraphs and footnotes
with their ids, and the filter values: organ, session, year, committee, agenda item) is
written at the same path under ``.unld-site/search/``; the indexer reads those (a tenth of
the bytes of the pages, without their embedded data), with URLs that are the pages' own;
they stay for the next generation, which indexes again only when one of them changed.
Every paragraph keeps its ``id``, which Pagefind records as an anchor: the search page
sends a hit to the paragraph that holds the query.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import time
from pathlib import Path

import cbor2

from unld.core.errors import UnldError
from unld.core.namespaces import DCT, UNLD
from unld.publishing.site.model import Dataset
from unld.publishing.site.paths import disk_path

#: Where the index is written, relative to the site's root.
INDEX_DIR = "pagefind"
#: The search page's folder.
SEARCH_PAGE = "search"
#: Where the slim copies of the resolution pages are written for the indexer (and kept for
#: the next generation, which indexes them again when one changed).
SOURCE_DIR = ".unld-site/search"


class SearchIndexError(UnldError):
    """The search indexer could not run or failed: the site is not published without it."""

    exit_code = 1


def filters(ds: Dataset, iri: str) -> list[dict[str, str]]:
    """The filter values of a resolution page, as (name, value) pairs for the template.

    Labels, not IRIs: they are what a reader picks from.  A resolution without a committee
    is filed as adopted without reference to one, as the UN lists them.
    """
    out: list[dict[str, str]] = []
    for organ in ds.iris(iri, UNLD + "adoptedBy"):
        out.append({"name": "organ", "value": ds.label(organ)})
    for session in ds.iris(iri, UNLD + "session"):
        out.append({"name": "session", "value": ds.label(session)})
    adopted = ds.value(iri, UNLD + "adoptedOn")
    if adopted and adopted[:4].isdigit():
        out.append({"name": "year", "value": adopted[:4]})
    committee = ds.iri(iri, UNLD + "recommendedBy")
    out.append(
        {
            "name": "committee",
            "value": ds.label(committee) if committee else "Without reference to a committee",
        }
    )
    for item in ds.iris(iri, UNLD + "agendaItem"):
        title = ds.value(item, DCT + "title")
        out.append({"name": "agenda", "value": f"{ds.label(item)}: {title}" if title else ds.label(item)})
    return out


def write_source(root: Path, path: str, html: bytes) -> bool:
    """Write the slim copy of the resolution page at ``path`` for the indexer; False when
    the copy already there (carried from the previous generation) is the same bytes.  A
    copy that differs is replaced, never written through (it may be a hard link)."""
    folder = disk_path(root / SOURCE_DIR, path)
    target = folder / "index.html"
    try:
        if target.read_bytes() == html:
            return False
        target.unlink()
    except FileNotFoundError:
        folder.mkdir(parents=True, exist_ok=True)
    target.write_bytes(html)
    return True


def executable() -> Path:
    """The Pagefind binary that the ``pagefind[bin]`` dependency installed."""
    try:
        from pagefind_bin import get_executable
    except ImportError as err:  # pragma: no cover - a broken install
        raise SearchIndexError(
            "the search indexer is not installed: reinstall unld (it depends on 'pagefind[bin]')"
        ) from err
    return Path(get_executable())


def build_index(root: Path) -> float:
    """Index the resolutions whose slim copies were written under ``root``; return the
    seconds it took.

    Runs the binary offline (before the staging folder replaces the old site), with the
    English stemmer; the copies stay for the next generation.
    """
    clock = time.perf_counter()
    source = root / SOURCE_DIR
    if not source.is_dir():
        return 0.0
    args = [
        str(executable()),
        "--site",
        str(source),
        "--output-path",
        str(root / INDEX_DIR),
        "--force-language",
        "en",
        "--silent",
    ]
    try:
        done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise SearchIndexError(f"the search indexer could not run: {err}") from err
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise SearchIndexError("the search indexer failed: " + " / ".join(tail))
    canonical(root / INDEX_DIR)
    return time.perf_counter() - clock


#: Every file of the index is gzipped CBOR after this signature.
_SIGNATURE = b"pagefind_dcd"


def _read(path: Path) -> object:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_SIGNATURE):
        raise SearchIndexError(f"{path.name}: not a search index file")
    return cbor2.loads(data[len(_SIGNATURE) :])


def _write(folder: Path, stem_len: int, value: object, suffix: str, lang: str, prefix: str = "") -> str:
    """Write ``value`` under a name made of its content's hash, as the indexer names its
    files; return the name without the suffix."""
    data = _SIGNATURE + cbor2.dumps(value)
    name = f"{lang}_{hashlib.sha256(data).hexdigest()[:stem_len]}"
    (folder / f"{prefix}{name}{suffix}").write_bytes(gzip.compress(data, mtime=0))
    return name


def canonical(index: Path) -> None:
    """Make the index the same bytes for the same pages.

    The indexer writes each filter's values in its hash map's order, which changes from
    run to run (and so the names of those files, the metadata file listing them, and the
    entry file naming that).  The values are put in sorted order here and the three renamed
    after their new content; everything else the indexer writes is already stable.
    """
    entry_path = index / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for lang, info in entry["languages"].items():
        meta_path = index / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_path)
        if not (isinstance(meta, list) and len(meta) > 3 and isinstance(meta[3], list)):
            raise SearchIndexError(f"{meta_path.name}: not the metadata this version of unld knows")
        renamed = []
        for name, file in meta[3]:
            path = index / "filter" / f"{file}.pf_filter"
            filt = _read(path)
            if not (isinstance(filt, list) and len(filt) == 2 and isinstance(filt[1], list)):
                raise SearchIndexError(f"{path.name}: not a filter this version of unld knows")
            values = sorted(filt[1], key=lambda pair: str(pair[0]))
            path.unlink()
            renamed.append([name, _write(index / "filter", 7, [filt[0], values], ".pf_filter", lang)])
        meta[3] = sorted(renamed)
        meta_path.unlink()
        info["hash"] = _write(index, 10, meta, ".pf_meta", lang, "pagefind.")
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
