"""One build of a site at a time, and the sign that a build died.

A build holds an advisory lock (``fcntl.flock``) on ``.newsgen-cache/lock`` from before
its no-op check until its cache is saved. A second build of the same site waits for it
and says so (``waiting for another build of this site (pid N)…``), which suits CI jobs
that overlap; the kernel drops the lock when its holder dies, however it dies.

While a build may write, it keeps a file ``.newsgen-cache/building``. Finding it at the
start means that the last build died (``kill -9``, a power cut) and may have left debris
for this one to clear; the no-op check never answers "nothing changed" then (one stat).
Standard library only: the no-op check runs before the engine is imported.
"""
from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

LOCK = "lock"
BUILDING = "building"
DIRTY = "dirty"
"""Kept in the cache folder while an update renames files in the output
(`newsgen.incremental.store.BuildCache.mark_dirty`): found after a build, the output is
partly updated, and the next build rewrites it whole."""

_held: dict[str, int | None] = {}
"""The cache folders whose lock this process holds (a nested `hold` is free), with the
lock file's descriptor (None: the folder could hold no lock)."""


@contextlib.contextmanager
def hold(folder: Path | None, waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the lock of the cache *folder* (none if None); if another process holds it,
    call *waiting* with a message and wait. A folder that can hold no lock (a damaged
    cache, which the build then replaces) is built without one."""
    key = os.path.abspath(folder) if folder is not None else None
    if key is None or key in _held:
        yield
        return
    fd = _lock(folder, waiting)  # type: ignore[arg-type]
    _held[key] = fd
    try:
        yield
    finally:
        del _held[key]
        if fd is not None:
            os.close(fd)  # which releases the lock


def _lock(folder: Path, waiting: Callable[[str], None] | None) -> int | None:
    import fcntl  # POSIX only; the no-op check imports this module on every platform

    path = folder / LOCK
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:
        try:  # something else stands there (a folder, a file this user may not open): replace it
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError:
            return None  # a cache folder that is not one: the build replaces it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
        if waiting is not None:
            waiting(f"waiting for another build of this site (pid {holder})…")
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError:  # a filesystem without locks
        pass
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def cut_short(folder: Path) -> str:
    """Why the output of the cache *folder*'s site may be half-built (``""``: it is not):
    a build is running or died, or an update was cut short while it renamed files."""
    if os.path.lexists(folder / DIRTY):
        return "the last build was cut short while it replaced files, so the output is partly updated"
    if died(folder):
        return "a build is running, or the last one was killed"
    return ""


def died(folder: Path) -> bool:
    """Whether the last build with this cache *folder* died before it finished."""
    return os.path.lexists(folder / BUILDING)


@contextlib.contextmanager
def building(folder: Path | None) -> Iterator[bool]:
    """Mark the cache *folder* while a build may write; yields whether the last build died.
    The mark goes when the build ends, whether it succeeded or failed: only a killed
    build leaves it."""
    if folder is None:
        yield False
        return
    dead = died(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / BUILDING).write_text(f"{os.getpid()}\n", encoding="ascii")
    try:
        yield dead
    finally:
        with contextlib.suppress(OSError):
            (folder / BUILDING).unlink()
