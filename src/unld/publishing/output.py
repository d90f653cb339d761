"""The output folder of a build: locked while it is written, switched in one step.

A build writes every file (dumps, checksums, site) into a new *generation* folder,
``out/.unld-gen/<id>/``, and ends with a manifest of all of them (``MANIFEST.sha256``,
written last).  The reader-facing names in ``out/`` (``unld.nq``, ``SHA256SUMS``,
``site``...) are symbolic links into ``out/.unld-current``, itself a symbolic link to the
current generation.  Publishing a build is one ``rename`` of a new ``.unld-current`` link
over the old one, so a reader (or a build killed at any moment) sees either the whole old
build or the whole new one, never a mix; no file is copied, so the switch costs the same
for 50 files or 223,000.  A later build can hard-link unchanged files from
``out/.unld-current/`` into its generation instead of writing them again.

Two builds into one folder are kept apart by an advisory lock (``out/.unld-lock``, a
POSIX record lock): the second stops at once with a message saying that one is running.  The lock
is released by the kernel when its holder dies, so a killed build leaves no stale lock;
the next build removes what a killed one left behind (generation and staging folders)
before it starts.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

from unld.core.errors import UsageError
from unld.publishing.dumps import Staging, file_digest

LOCK = ".unld-lock"
GENERATIONS = ".unld-gen"
CURRENT = ".unld-current"
MANIFEST = "MANIFEST.sha256"


class OutputBusy(UsageError):
    """Another build holds the output folder's lock (exit code 2)."""


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the lock of ``out`` (created if needed) for the ``with`` block, after removing
    what an interrupted build left there; :class:`OutputBusy` if another build holds it."""
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            # a POSIX record lock: owned by this process alone, so that forked workers,
            # which may outlive a killed build by a moment, do not hold it
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            who = f" (process {holder})" if holder.isdigit() else ""
            raise OutputBusy(
                f"{out}: another build is writing into this folder{who}; wait for it to "
                "finish, or give another --out"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        recover(out)
        yield
    finally:
        os.close(fd)  # releases the lock


def recover(out: Path) -> None:
    """Remove what interrupted builds left in ``out``: generations that are not current,
    staging folders, half-made links.  Called with the lock held."""
    current = current_generation(out)
    gens = out / GENERATIONS
    if gens.is_dir():
        for g in gens.iterdir():
            if g != current:
                _remove(g)
    for p in out.iterdir():
        name = p.name
        if name.startswith(".unld-staging-") or name == f"{CURRENT}.new" or name.startswith(".unld-old-"):
            _remove(p)
        elif name.startswith(".") and name.endswith(".old") and p.is_dir() and not p.is_symlink():
            _remove(p)  # the old site beside a site being replaced by ``unld site``


def _remove(p: Path) -> None:
    if p.is_symlink() or not p.is_dir():
        with contextlib.suppress(FileNotFoundError):
            p.unlink()
    else:
        shutil.rmtree(p, ignore_errors=True)


def current_generation(out: Path) -> Path | None:
    """The folder ``out/.unld-current`` points to, or ``None``."""
    link = out / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    path = (out / target).resolve()
    return path if path.is_dir() else None


def live_generation(out: Path) -> Path | None:
    """The generation readers of ``out`` see now (the previous one, while a build writes
    the next), or ``None`` before the first build: what a build copies or hard-links
    unchanged files from."""
    return current_generation(out)


class Generation(Staging):
    """A new generation of ``out`` being written; :meth:`commit` makes it current.

    A :class:`unld.publishing.dumps.Staging` (``path``, ``write_bytes``, ``files``, ``dir``) whose
    folder is a generation and whose commit is the switch.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        root = out / GENERATIONS
        root.mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix="g-", dir=root))
        os.chmod(self.dir, 0o755)
        self.files: list[str] = []
        #: SHA-256 of files already hashed in this build (the dumps, for SHA256SUMS), by
        #: path: the manifest takes them rather than reading the files again
        self.digests: dict[str, str] = {}
        #: SHA-256 of files whose writer hashed the bytes it wrote (the site's pages), by the
        #: file's :func:`stamp`: the manifest takes them for a file that still has that stamp
        self.stamped: dict[Stamp, str] = {}
        #: files the manifest hashed, and files whose hash it took from elsewhere
        self.hashed = 0
        self.reused = 0

    def commit(self) -> None:
        """Write the manifest, then switch ``out/.unld-current`` to this generation.

        The folders are flushed to disk around the switch, not every file: the switch is
        atomic for a reader and for a killed build; after a power cut, a file of the new
        generation may be incomplete, which ``sha256sum -c MANIFEST.sha256`` shows and the
        next build (with ``--no-cache`` if the cache was hit too) repairs.

        Before the switch, every top-level name of the generation gets its link in ``out``
        (pointing through ``.unld-current``, so at the old generation until the switch);
        after it, links to names the new build does not have, and the old generation, are
        removed.
        """
        old = current_generation(self.out)
        counts: dict[str, int] = {}
        (self.dir / MANIFEST).write_bytes(manifest(self.dir, self.digests, old, counts, self.stamped))
        self.hashed, self.reused = counts.get("hashed", 0), counts.get("reused", 0)
        names = sorted(p.name for p in self.dir.iterdir())
        for name in names:
            _link(self.out, name)
        _fsync_dir(self.dir)
        new_link = self.out / f"{CURRENT}.new"
        with contextlib.suppress(FileNotFoundError):
            new_link.unlink()
        os.symlink(f"{GENERATIONS}/{self.dir.name}", new_link)
        current = self.out / CURRENT
        if current.is_dir() and not current.is_symlink():
            # a copy of a build made with links followed (``cp -r``): set it aside first
            aside = self.out / ".unld-old-current"
            _remove(aside)
            os.replace(current, aside)
        os.replace(new_link, current)  # the switch: one rename
        _fsync_dir(self.out)
        for p in self.out.iterdir():
            if p.is_symlink() and p.name not in names and os.readlink(p).startswith(f"{CURRENT}/"):
                p.unlink()
        if old is not None and old != self.dir:
            _remove(old)
        _remove(self.out / ".unld-old-current")

    def __enter__(self) -> Generation:
        return self


def _link(out: Path, name: str) -> None:
    """Make ``out/name`` the link ``.unld-current/name`` (once; later builds find it there).

    A file or folder of the name written by an older unld (before generations) is replaced:
    that first switch is not atomic, the later ones are.
    """
    target = out / name
    want = f"{CURRENT}/{name}"
    if target.is_symlink() and os.readlink(target) == want:
        return
    tmp = out / f".unld-old-link-{name}"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(want, tmp)
    if target.is_dir() and not target.is_symlink():
        aside = out / f".unld-old-{name}"
        _remove(aside)
        os.replace(target, aside)
        os.replace(tmp, target)
        _remove(aside)
    else:
        os.replace(tmp, target)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def files_of(folder: Path) -> Iterator[str]:
    """Relative paths of every file under ``folder``, in sorted order, links followed."""
    for root, dirs, files in os.walk(folder, followlinks=True):
        dirs.sort()
        rel = os.path.relpath(root, folder)
        for f in sorted(files):
            yield f if rel == "." else f"{rel}/{f}"


#: What identifies a file's content without reading it: device, inode, size and
#: modification time (a file written again gets another modification time).
Stamp = tuple[int, int, int, int]


def stamp(st: os.stat_result) -> Stamp:
    """The :data:`Stamp` of a file's ``stat``."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def manifest(
    folder: Path,
    known: dict[str, str] | None = None,
    previous: Path | None = None,
    counts: dict[str, int] | None = None,
    stamped: dict[Stamp, str] | None = None,
) -> bytes:
    """``sha256sum``-style lines for every file of a generation but the manifest itself,
    sorted by path (so that ``sha256sum -c MANIFEST.sha256`` checks a whole build).

    A file is read only when its hash is not known already: ``known`` gives the hashes the
    build took (the dumps, for SHA256SUMS), and a file that is the very file of the same
    path in the ``previous`` generation (a hard link: same device, inode, size and
    modification time) has the hash that generation's manifest gives it.  ``stamped`` gives
    the hashes of files by their :func:`stamp` (the site's pages, hashed by the processes
    that wrote them), and the files of ``known`` lend theirs to their hard links (the
    site's downloads are links to the dumps).  ``counts`` receives how many files were
    hashed and how many hashes were taken.
    """
    known = known or {}
    by_stamp = dict(stamped or {})
    for rel, hexdigest in known.items():
        with contextlib.suppress(OSError):
            by_stamp[stamp(os.stat(folder / rel))] = hexdigest
    before: dict[str, str] = {}
    if previous is not None:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            before = read_manifest((previous / MANIFEST).read_bytes())
    hashed = reused = 0
    lines = []
    for rel in sorted(files_of(folder)):
        if rel == MANIFEST:
            continue
        digest: str | None = known.get(rel)
        if digest is None and rel in before and previous is not None:
            with contextlib.suppress(OSError):
                if _same_file(os.stat(folder / rel), os.stat(previous / rel)):
                    digest = before[rel]
        if digest is None and by_stamp:
            with contextlib.suppress(OSError):
                digest = by_stamp.get(stamp(os.stat(folder / rel)))
        if digest is None:
            digest = file_digest(folder / rel)
            hashed += 1
        else:
            reused += 1
        lines.append(f"{digest}  {rel}\n")
    if counts is not None:
        counts.update(hashed=hashed, reused=reused)
    return "".join(lines).encode()


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    """Whether two paths name one file (hard links) not written since."""
    return stamp(a) == stamp(b)


def state(out: Path) -> dict[str, str]:
    """What a reader of ``out`` sees: every file reachable from its visible names (links
    followed; names starting with a dot are unld's own), with its SHA-256."""
    seen: dict[str, str] = {}
    for entry in sorted(os.listdir(out)):
        if entry.startswith("."):
            continue
        p = out / entry
        if not p.exists():
            continue  # a link whose target is not (yet, or any more) there
        paths = [entry] if not p.is_dir() else [f"{entry}/{r}" for r in files_of(p)]
        for rel in paths:
            seen[rel] = file_digest(out / rel)
    return seen


def read_manifest(data: bytes) -> dict[str, str]:
    """A manifest's lines as ``{path: sha256}``."""
    out: dict[str, str] = {}
    for line in data.decode("utf-8").splitlines():
        digest, _, rel = line.partition("  ")
        out[rel] = digest
    return out


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this worker process when its parent dies (Linux), so that a
    killed build leaves no workers behind; exit at once if the parent is already gone."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
