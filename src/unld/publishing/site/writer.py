"""Writing the files of the site under its root, counting files and bytes.

Every path comes from :mod:`unld.publishing.site.paths`, which refuses whatever could
leave the output folder; the writer checks again before it creates a folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from pathlib import Path
from urllib.parse import unquote

from unld.publishing.output import Stamp, stamp
from unld.publishing.site.paths import disk_path, is_safe_path

_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


class Writer:
    """The files of one generation: written, copied, or carried over from the previous one."""

    def __init__(self, root: Path, *, hashing: bool = False) -> None:
        self.root = root
        #: ``hashing``: the SHA-256 of every page file and file of the site written here,
        #: by the file's stamp, taken from the bytes in hand (a build's manifest needs them:
        #: reading the files back would cost as much again, on one process)
        self.hashing = hashing
        self.stamped: dict[Stamp, str] = {}
        self.files = 0
        self.bytes = 0
        self._made: tuple[str, str] = ("", "")
        #: the tree holds hard links into the previous generation: a file is removed
        #: before it is written, never written through
        self.linked = False

    def write(self, path: str, name: str, data: bytes, *, own: bool = False) -> None:
        """Write ``data`` as the file ``name`` of the folder ``path`` (``own``: a folder of
        the site itself, such as ``static``, rather than of a resource)."""
        folder = disk_path(self.root, path, own=own)
        folder.mkdir(parents=True, exist_ok=True)
        self._clear(folder / name)
        (folder / name).write_bytes(data)
        if self.hashing:
            self.stamped[stamp(os.stat(folder / name))] = hashlib.sha256(data).hexdigest()
        self.files += 1
        self.bytes += len(data)

    def copy(self, path: str, name: str, src: Path, *, own: bool = False) -> None:
        """Copy the file ``src`` without reading it into memory (dumps can be large)."""
        folder = disk_path(self.root, path, own=own)
        folder.mkdir(parents=True, exist_ok=True)
        self._clear(folder / name)
        shutil.copyfile(src, folder / name)
        self.files += 1
        self.bytes += (folder / name).stat().st_size

    def page_folder(self, path: str) -> str:
        """The folder of a resource page (made once for its files): ``path`` comes from
        :func:`page_path`, which refused every path that could leave the output folder, so
        it is joined as it is."""
        if self._made[0] != path:
            if not is_safe_path(path):
                raise ValueError(f"unsafe site path: {path!r}")
            folder = os.path.join(self.root, unquote(path))
            os.makedirs(folder, exist_ok=True)
            self._made = (path, folder)
        return self._made[1]

    def _clear(self, target: Path | str) -> None:
        if self.linked:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)

    def link(self, path: str, name: str, src: Path, *, own: bool = False) -> None:
        """The file ``src`` as a hard link (a copy where the file system cannot link): for
        files that are not written again once made, such as the build's dumps."""
        folder = disk_path(self.root, path, own=own)
        folder.mkdir(parents=True, exist_ok=True)
        self._clear(folder / name)
        try:
            os.link(os.path.realpath(src), folder / name)
        except OSError:
            shutil.copyfile(src, folder / name)
        self.files += 1
        self.bytes += (folder / name).stat().st_size

    def link_page(self, path: str, name: str, src: str, data: bytes) -> None:
        """The file ``name`` of the page at ``path`` as a hard link to the same file of the
        page at ``src``, written here in this generation with the bytes ``data`` (which are
        written again where the file system cannot link)."""
        target = os.path.join(self.page_folder(path), name)
        self._clear(target)
        try:
            os.link(os.path.join(self.root, unquote(src), name), target)
        except OSError:
            self.write_page(path, name, data)
            return
        self.files += 1
        self.bytes += len(data)

    def write_page(self, path: str, name: str, data: bytes) -> None:
        """A file of a resource page."""
        target = os.path.join(self.page_folder(path), name)
        self._clear(target)
        # three system calls: ``open()`` adds a buffered file object, a ``fstat`` and a
        # terminal test to each of the site's hundreds of thousands of files
        fd = os.open(target, _CREATE, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if self.hashing:
                self.stamped[stamp(os.fstat(fd))] = hashlib.sha256(data).hexdigest()
        finally:
            os.close(fd)
        self.files += 1
        self.bytes += len(data)
