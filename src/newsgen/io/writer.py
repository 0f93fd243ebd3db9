"""Writing an output folder: one guarded writer, an atomic swap of two folders, and the
debris of a killed build (the all-or-nothing update is `newsgen.io.update`)."""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from newsgen.core import urls

LEFTOVERS = (".newsgen-tmp", ".newsgen-old")
"""Files that older versions wrote beside a page while replacing it (``.index.html.newsgen-tmp``)."""
STAGING_KINDS = ("new", "old")
"""Folders beside the output: ``.build.new-*`` (a site or index being written), ``.build.old-*``."""


class Writer:
    """The only way files reach an output folder: safe relative paths, each written once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._resolved_root = root.resolve()
        self.written: set[str] = set()
        self._inside: set[Path] = set()
        """Folders known to lead inside the output folder (made where missing)."""
        self.made: list[Path] = []
        """The folders it made, in order."""

    def target(self, rel: str) -> Path:
        """Where *rel* goes, its folders made; ValueError if unsafe or written twice."""
        if not urls.is_safe_path(rel) or rel in self.written or not rel:
            raise ValueError(f"refusing to write {rel!r}: unsafe path or written twice")
        target = self.root / rel
        if not self._lead_inside(target.parent):
            raise ValueError(f"refusing to write {rel!r}: outside the output folder")
        self.written.add(rel)
        return target

    def _lead_inside(self, folder: Path) -> bool:
        """Make *folder* if missing; True if it leads inside the output folder. A folder
        this call makes does, when its parent does; only one that was already there (a
        symlink, say) is resolved: 13,000 pages in new folders skip 100,000 lstat calls."""
        if folder in self._inside:
            return True
        if folder != self.root and not self._lead_inside(folder.parent):
            return False
        try:
            folder.mkdir(parents=folder == self.root)
            self.made.append(folder)
        except FileExistsError:
            if not folder.resolve().is_relative_to(self._resolved_root):
                return False
        self._inside.add(folder)
        return True

    def write(self, rel: str, data: bytes) -> None:
        write_file(self.target(rel), data)


def write_file(path: Path, data: bytes) -> None:
    """Create or truncate *path* and write *data* to it (``os.write`` until all is written)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def staging(output: Path, kind: str = "new") -> Path:
    """A new empty folder beside *output* (on its filesystem, so it can be swapped in)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{output.name}.{kind}-", dir=output.parent))


def clean_debris(output: Path) -> list[Path]:
    """Remove what a killed build left: staging folders beside *output*, empty folders
    inside it (newsgen never publishes one; an update makes a new page's folders first),
    and the temporary files and ``.pagefind-*`` folders that older versions wrote inside
    it. Returns what it removed."""
    removed = []
    prefixes = tuple(f".{output.name}.{kind}-" for kind in STAGING_KINDS)
    if output.parent.is_dir():
        for entry in output.parent.iterdir():
            if entry.name.startswith(prefixes) and entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
    if not output.is_dir():
        return removed
    for folder, dirs, files in os.walk(output, topdown=False):
        here = Path(folder)
        for name in files:
            if name.endswith(LEFTOVERS):
                with contextlib.suppress(OSError):
                    (here / name).unlink()
                    removed.append(here / name)
        for name in dirs:
            path = here / name
            if name.startswith(".pagefind-") and here == output:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
            else:
                with contextlib.suppress(OSError):
                    path.rmdir()  # only when empty
                    removed.append(path)
    return removed


_RENAME_EXCHANGE = 2


def swap(staging: Path, output: Path) -> None:
    """Put *staging* at *output*. With an old output, exchange the two atomically where the
    kernel can (Linux ``renameat2``), else rename twice; *staging* then holds the old site."""
    if not output.exists():
        os.rename(staging, output)
        return
    if not _exchange(staging, output):
        old = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
        os.rename(output, old / "site")
        os.rename(staging, output)
        os.rename(old / "site", staging)
        old.rmdir()


def _exchange(a: Path, b: Path) -> bool:
    import ctypes  # only a staged build swaps: an update in place need not import it
    import ctypes.util

    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)
