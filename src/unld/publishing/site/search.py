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

The indexer holds everything it indexes in memory (about half a megabyte per resolution:
10 GiB for 20,000), and it cannot update an index.  So the resolutions are indexed in
shards of at most :data:`SHARD_SIZE`, whole years together, newest first (:func:`shards`):
each shard is indexed by its own run, several at once, and a change indexes again only
its shard.  The newest shard's index is at ``pagefind/``, the others at
``pagefind/shards/<name>/``; the search page merges them (Pagefind's ``mergeIndex``).  As
the shards hold disjoint ranges of years, newest first, a search sorted by date lists its
hits in date order across them.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote

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
#: the next generation, which indexes them again when one changed), a folder per shard.
SOURCE_DIR = ".unld-site/search"
#: Where the indexer's runs write, before their indexes are put in place.
STATE_WORK = ".unld-site/indexing"
#: Where the shards other than the newest are indexed, under :data:`INDEX_DIR`.
SHARDS_DIR = "shards"
#: The most resolutions indexed by one run of the indexer (unless one year has more): about
#: 1 GiB of its memory.  The search page fetches each shard's index files per query, so
#: shards are not made smaller than they need to be.
SHARD_SIZE = 2000
#: The shard of resolutions without an adoption date (last: they sort after the dated).
UNDATED = "undated"


class SearchIndexError(UnldError):
    """The search indexer could not run or failed: the site is not published without it."""

    exit_code = 1


def adoption_year(ds: Dataset, iri: str) -> str | None:
    """The year a resolution was adopted (its ``year`` filter and its shard), or None."""
    adopted = ds.value(iri, UNLD + "adoptedOn") or ""
    return adopted[:4] if adopted[:4].isdigit() else None


def filters(ds: Dataset, iri: str) -> list[dict[str, str]]:
    """The filter values of a resolution page, as (name, value) pairs for the template.

    Labels, not IRIs: they are what a reader picks from.  An Assembly resolution without a
    committee is filed as adopted without reference to one, as the UN lists them; another
    organ's (the Security Council's) has no Main Committee to be filed under.
    """
    out: list[dict[str, str]] = []
    organs = ds.iris(iri, UNLD + "adoptedBy")
    for organ in organs:
        out.append({"name": "organ", "value": ds.label(organ)})
    for session in ds.iris(iri, UNLD + "session"):
        out.append({"name": "session", "value": ds.label(session)})
    year = adoption_year(ds, iri)
    if year:
        out.append({"name": "year", "value": year})
    committee = ds.iri(iri, UNLD + "recommendedBy")
    if committee or not organs or ds.base + "body/general-assembly" in organs:
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


def shards(years: Mapping[str, str | None], size: int | None = None) -> dict[str, str]:
    """The shard of each resolution page, by path, from its adoption year (None: unknown).

    Years are taken newest first and packed whole into shards of at most ``size``
    resolutions (:data:`SHARD_SIZE`; a year with more is a shard by itself); a shard is
    named after its years (``2024-2019``, ``2021``), the undated ones make the last shard.
    The same pages give the same shards; a page added or removed moves a boundary only
    where a shard is full.
    """
    limit = SHARD_SIZE if size is None else size
    per_year = Counter(y for y in years.values() if y)
    groups: list[list[str]] = []
    count = 0
    for year in sorted(per_year, reverse=True):
        if groups and count + per_year[year] <= limit:
            groups[-1].append(year)
            count += per_year[year]
        else:
            groups.append([year])
            count = per_year[year]
    name = {y: g[0] if len(g) == 1 else f"{g[0]}-{g[-1]}" for g in groups for y in g}
    return {path: name[y] if y else UNDATED for path, y in years.items()}


def shard_order(names: Iterable[str]) -> list[str]:
    """Shards newest first (the first is the primary index), the undated last."""

    def key(name: str) -> tuple[bool, list[int]]:
        return (name == UNDATED, [] if name == UNDATED else [-int(y) for y in name.split("-")])

    return sorted(set(names), key=key)


def index_path(shard: str, order: list[str]) -> str:
    """Where the index of ``shard`` is, relative to the site's root."""
    return INDEX_DIR if shard == order[0] else f"{INDEX_DIR}/{SHARDS_DIR}/{shard}"


def write_source(root: Path, shard: str, path: str, html: bytes) -> bool:
    """Write the slim copy of the resolution page at ``path`` in its ``shard`` for the
    indexer; False when the copy already there (carried from the previous generation) is
    the same bytes.  A copy that differs is replaced, never written through (it may be a
    hard link)."""
    folder = disk_path(root / SOURCE_DIR / shard, path)
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


def settle_sources(root: Path, wanted: Mapping[str, str]) -> set[str]:
    """Put every slim copy in the shard ``wanted`` (path -> shard) says, and remove the
    others; return the shards that gained or lost a copy this way.

    A page carried over from the previous generation keeps its copy where that generation
    put it: when its shard is another now (shards are packed by year, so an added year
    can move a boundary), the copy is moved.  Copies of pages that are no longer
    resolutions go, and so do the folders of shards that are no longer.
    """
    source = root / SOURCE_DIR
    if not source.is_dir():
        return set()
    held: dict[str, list[str]] = {}  # page folder on disk -> shards holding a copy
    for shard in sorted(p.name for p in source.iterdir() if p.is_dir()):
        for folder, _, names in os.walk(source / shard):
            if "index.html" in names:
                held.setdefault(Path(folder).relative_to(source / shard).as_posix(), []).append(shard)
    touched: set[str] = set()
    for path, shard in wanted.items():
        rel = unquote(path)  # the copies are at the pages' decoded paths (paths.disk_path)
        where = held.get(rel, [])
        if shard in where:
            where.remove(shard)
        elif where:
            old = where.pop()
            target = source / shard / rel
            target.mkdir(parents=True, exist_ok=True)
            (source / old / rel / "index.html").rename(target / "index.html")
            touched.update((old, shard))
    for rel, shards_left in held.items():
        for shard in shards_left:
            (source / shard / rel / "index.html").unlink()
            touched.add(shard)
    for folder, _, _ in os.walk(source, topdown=False):
        if folder != str(source):
            with contextlib.suppress(OSError):
                os.rmdir(folder)  # only when empty
    return touched


#: The shards of the index the site holds, newest first, under the site's root.
_ORDER_FILE = ".unld-site/search-shards.json"


def load_order(root: Path) -> list[str] | None:
    """The shards the site at ``root`` was indexed in (None: unknown)."""
    try:
        order = json.loads((root / _ORDER_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return [str(s) for s in order] if isinstance(order, list) else None


def save_order(root: Path, order: list[str]) -> None:
    path = root / _ORDER_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # a hard link into the previous generation
    path.write_text(json.dumps(order), "utf-8")


def has_index(root: Path, shard: str, order: list[str]) -> bool:
    """Whether the index of ``shard`` is where it belongs."""
    return (root / index_path(shard, order) / "pagefind-entry.json").is_file()


def build_index(root: Path, order: list[str], dirty: Iterable[str], jobs: int = 1) -> float:
    """Index the shards ``dirty`` (of the shards ``order``, newest first) from their slim
    copies under ``root``, ``jobs`` runs at a time; remove the indexes of shards no longer
    in ``order``.  Returns the seconds it took.

    Runs the binary offline (before the staging folder replaces the old site), with the
    English stemmer; the copies stay for the next generation.
    """
    clock = time.perf_counter()
    index = root / INDEX_DIR
    extra = index / SHARDS_DIR
    if extra.is_dir():
        for old in extra.iterdir():
            if old.name not in order[1:]:
                shutil.rmtree(old)
    wanted = set(dirty)
    todo = [s for s in order if s in wanted]
    work = root / STATE_WORK
    shutil.rmtree(work, ignore_errors=True)
    with ThreadPoolExecutor(max(1, min(jobs, len(todo) or 1))) as pool:
        for _ in pool.map(lambda s: _index_one(root / SOURCE_DIR / s, work / s), todo):
            pass
    # each run wrote its own folder; the indexes go into place once all succeeded
    for shard in todo:
        out = root / index_path(shard, order)
        if shard == order[0]:
            out.mkdir(parents=True, exist_ok=True)
            for item in out.iterdir():  # the primary's own files: the other shards stay
                if item.name != SHARDS_DIR:
                    shutil.rmtree(item) if item.is_dir() else item.unlink()
            for item in (work / shard).iterdir():
                item.rename(out / item.name)
        else:
            shutil.rmtree(out, ignore_errors=True)
            out.parent.mkdir(parents=True, exist_ok=True)
            (work / shard).rename(out)
    shutil.rmtree(work, ignore_errors=True)
    if not order and index.is_dir():
        shutil.rmtree(index)
    return time.perf_counter() - clock


def _index_one(source: Path, out: Path) -> None:
    """One run of the indexer: the slim copies under ``source`` into the index ``out``."""
    args = [
        str(executable()),
        "--site",
        str(source),
        "--output-path",
        str(out),
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
    canonical(out)


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
