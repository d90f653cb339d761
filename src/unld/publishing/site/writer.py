"""Writing the files of the site under its root, counting files and bytes.

Every path comes from :mod:`unld.publishing.site.paths`, which refuses whatever could
leave the output folder; the writer checks again before it creates a folder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import unquote

from unld.publishing.site.paths import disk_path, is_safe_path


class Writer:
    """The files of one generation: written, copied, or carried over from the previous one."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = 0
        self.bytes = 0
        self._made: tuple[str, str] = ("", "")

    def write(self, path: str, name: str, data: bytes, *, own: bool = False) -> None:
        """Write ``data`` as the file ``name`` of the folder ``path`` (``own``: a folder of
        the site itself, such as ``static``, rather than of a resource)."""
        folder = disk_path(self.root, path, own=own)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
        self.files += 1
        self.bytes += len(data)

    def copy(self, path: str, name: str, src: Path, *, own: bool = False) -> None:
        """Copy the file ``src`` without reading it into memory (dumps can be large)."""
        folder = disk_path(self.root, path, own=own)
        folder.mkdir(parents=True, exist_ok=True)
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

    def write_page(self, path: str, name: str, data: bytes) -> None:
        """A file of a resource page."""
        with open(os.path.join(self.page_folder(path), name), "wb") as fh:
            fh.write(data)
        self.files += 1
        self.bytes += len(data)

    def carry(self, path: str, name: str, previous: Path) -> None:
        """The file ``name`` of the page at ``path`` as the previous generation (rooted at
        ``previous``) wrote it: hard-linked (files of a generation are never written
        again), copied where the file system cannot link."""
        rel = os.path.join(unquote(path), name)
        src = os.path.join(previous, rel)
        dst = os.path.join(self.page_folder(path), name)
        try:
            os.link(src, dst)
        except OSError:
            shutil.copyfile(src, dst)
        self.files += 1
        self.bytes += os.stat(dst).st_size
