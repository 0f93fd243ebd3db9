"""An in-place update of an output folder that changes all its files or none: each new
file is written beside the output first (where space runs out, if it does, with the site
unchanged), then renames put them all in place, undone if one fails."""
from __future__ import annotations

import contextlib
import errno
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from newsgen.core import urls
from newsgen.core.outputs import Planned
from newsgen.io.writer import Writer, staging, swap, write_file


class Update:
    """Files of an output folder replaced all together or not at all.

    `prepare` writes each new file into a folder beside the output (``.build.new-*``, on
    its filesystem) and links the old one there too, if any: space runs out, if it does,
    here, and a build killed here leaves the published folder untouched. `commit` then
    only renames and unlinks, which need no space: new pages first, then those that link
    to them, then folders (the search index), deletions last, so no link ever points at a
    missing page. Should a step fail, what was done is undone. Leaving the ``with`` block
    removes the folder beside, and with it the old files.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.writer = Writer(root)
        self.beside: Path | None = None
        self.staged: list[tuple[Path, Path, Path | None]] = []
        """(target, new file beside, the old file's link beside or None)."""
        self.doomed: list[tuple[Path, Path]] = []
        """(file to delete, its link beside)."""
        self.undo: list[tuple[str, Path, Path]] = []
        self.committed = False

    def __enter__(self) -> Update:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if not self.committed:
                self.rollback()
        finally:
            if self.beside is not None:
                shutil.rmtree(self.beside, ignore_errors=True)
            if self.committed:
                for target, _ in self.doomed:
                    _prune(self.root, target.parent)
            else:
                for folder in reversed(self.writer.made):
                    with contextlib.suppress(OSError):
                        folder.rmdir()

    def prepare(self, made: Mapping[str, bytes], doomed: Iterable[str] = ()) -> None:
        """Write every file of *made* beside the output; keep the old one of each, and of
        each file of *doomed* (to delete), linked there. An `OSError` names the output
        file it was writing."""
        if self.beside is None:
            self.beside = staging(self.root)
        for number, rel in enumerate(sorted(made)):
            target = self.writer.target(rel)
            try:
                fresh = self.beside / str(number)
                write_file(fresh, made[rel])
                self.staged.append((target, fresh, _link(target, self.beside / f"{number}.old")))
            except OSError as exc:
                raise OSError(exc.errno, exc.strerror, str(target)) from None
        for number, rel in enumerate(doomed):
            if not urls.is_safe_path(rel):
                raise ValueError(f"refusing to delete {rel!r}: unsafe path")
            target = self.root / rel
            try:
                old = _link(target, self.beside / f"gone-{number}")
            except OSError as exc:
                raise OSError(exc.errno, exc.strerror, str(target)) from None
            if old is not None:
                self.doomed.append((target, old))

    def commit(self, folders: Mapping[Path, Path] | None = None) -> None:
        """Put every prepared file in its place, then each folder of *folders* (a fresh
        folder → where it goes), then delete the doomed files. Undone on failure."""
        try:
            for target, fresh, old in sorted(self.staged, key=lambda s: s[2] is not None):  # new files first
                os.rename(fresh, target)
                self.undo.append(("added", target, fresh) if old is None else ("replaced", target, old))
            for fresh_folder, place in (folders or {}).items():
                existed = place.exists()
                swap(fresh_folder, place)
                self.undo.append(("swapped" if existed else "moved", fresh_folder, place))
            for target, old in self.doomed:
                os.unlink(target)
                self.undo.append(("deleted", target, old))
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, exc.filename) from None
        self.committed = True

    def rollback(self) -> None:
        """Undo what `commit` did, latest first; `PartialUpdate` if some of it cannot be."""
        failed: list[OSError] = []
        while self.undo:
            action, a, b = self.undo.pop()
            try:
                if action == "added":
                    os.unlink(a)
                elif action == "swapped":
                    swap(a, b)
                elif action == "moved":
                    os.rename(b, a)
                else:  # replaced or deleted: the old file goes back
                    os.rename(b, a)
            except OSError as exc:
                failed.append(exc)
        if failed:
            raise PartialUpdate(failed[0].errno, failed[0].strerror, failed[0].filename)


class PartialUpdate(OSError):
    """An update failed and could not be undone: the output is partly new."""


def _link(target: Path, link: Path) -> Path | None:
    """Link *target* as *link*; None if there is no such file."""
    try:
        os.link(target, link)
    except FileNotFoundError:
        return None
    return link


def _prune(root: Path, folder: Path) -> None:
    """Remove *folder* and its parents while they are empty (never *root* itself)."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            break
        folder = folder.parent


def space_needed(root: Path, sizes: Iterable[int], files: int, extra: int = 0) -> None:
    """Raise `OSError` (ENOSPC) before writing *files* files of these *sizes* (plus *extra*
    bytes) into *root* if its filesystem has not the room or the inodes for them."""
    try:
        stat = os.statvfs(root)
    except OSError:
        return  # a filesystem that cannot say: the writes will tell
    block = stat.f_frsize or stat.f_bsize or 4096
    need = sum(-(-size // block) * block for size in sizes) + extra
    free = (stat.f_bfree if os.geteuid() == 0 else stat.f_bavail) * block
    if need > free or (stat.f_files and files > stat.f_favail):
        message = f"{os.strerror(errno.ENOSPC)} (the update needs {_mb(need)} and {files} files, {_mb(free)} free)"
        raise OSError(errno.ENOSPC, message, str(root))


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


Manifest = dict[str, str]
"""What an output folder holds: output file → the key it was made from."""


def sync(plan: Sequence[Planned], root: Path, previous: Mapping[str, str]) -> Manifest:
    """Make *root* hold exactly the files of *plan*, making only those whose key differs
    from *previous*, all together or not at all (`Update`); return the new manifest.

    At 10,000 articles a new article writes about 20 files where a staging copy writes
    13,000 (and creating 10,000 folders alone costs 1.6 s on the reference machine).
    """
    made = {item.file: item.make() for item in plan if previous.get(item.file) != item.key}
    wanted = {item.file: item.key for item in plan}
    with Update(root) as update:
        update.prepare(made, sorted(previous.keys() - wanted.keys()))
        update.commit()
    return wanted
