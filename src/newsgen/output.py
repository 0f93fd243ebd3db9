"""Writing an output folder: one guarded writer, an atomic swap of two folders, and an
in-place sync that rewrites only the files whose key changed."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from newsgen import urls
from newsgen.planned import Planned


class Writer:
    """The only way files reach an output folder: safe relative paths, each written once.

    With ``replace=True`` a file may already exist and is replaced atomically (write a
    hidden temporary file, then rename), so a reader sees the old bytes or the new ones.
    """

    def __init__(self, root: Path, replace: bool = False) -> None:
        self.root = root
        self._resolved_root = root.resolve()
        self.replace = replace
        self.written: set[str] = set()
        self._inside: set[Path] = set()
        """Folders known to lead inside the output folder (made where missing)."""

    def _target(self, rel: str) -> Path:
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
        except FileExistsError:
            if not folder.resolve().is_relative_to(self._resolved_root):
                return False
        self._inside.add(folder)
        return True

    def write(self, rel: str, data: bytes) -> None:
        target = self._target(rel)
        if not self.replace:
            target.write_bytes(data)
            return
        temporary = target.with_name(f".{target.name}.newsgen-tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)


Manifest = dict[str, str]
"""What an output folder holds: output file → the key it was made from."""


def sync(plan: Sequence[Planned], root: Path, previous: Mapping[str, str]) -> Manifest:
    """Make *root* hold exactly the files of *plan*, making only those whose key differs
    from *previous*; return the new manifest.

    Every changed file is made before the first write, so a template error changes
    nothing. Then new files are written, then changed ones, then deletions: a page never
    links to a page that is not there yet, or no longer. At 10,000 articles a new
    article writes about 20 files where a staging copy writes 13,000 (and creating
    10,000 folders alone costs 1.6 s on the reference machine).
    """
    made = {item.file: item.make() for item in plan if previous.get(item.file) != item.key}
    writer = Writer(root, replace=True)
    for file in sorted(made, key=lambda f: f in previous):
        writer.write(file, made[file])
    wanted = {item.file: item.key for item in plan}
    for file in sorted(previous.keys() - wanted.keys()):
        remove(root, file)
    return wanted


def remove(root: Path, rel: str) -> None:
    """Delete one output file, and the folders it leaves empty (never *root* itself)."""
    if not urls.is_safe_path(rel):
        raise ValueError(f"refusing to delete {rel!r}: unsafe path")
    target = root / rel
    target.unlink(missing_ok=True)
    folder = target.parent
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            break
        folder = folder.parent


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
        os.rename(old, staging)


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
