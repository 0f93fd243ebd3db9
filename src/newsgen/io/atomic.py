"""Replacing a file whole: its new bytes written to a temporary file beside it, then renamed
over it, so a reader (or a killed process) finds the old file or the new one, never half.
Standard library only: the build cache writes through it."""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def replacing(
    target: Path, *, suffix: str = "", temporary: Path | None = None, fsync: bool = False, mode: int | None = None,
) -> Iterator[BinaryIO]:
    """A binary file whose bytes replace *target* (one ``os.replace``) when the block ends
    without an exception; on any exception the temporary file is removed and *target* left
    as it was.

    The temporary file is ``.<target's name>.<random><suffix>`` beside *target*, made with
    ``tempfile.mkstemp`` (mode 0o600), or *temporary*, a name the caller chose (created or
    truncated, with the umask's mode). *fsync*: its bytes reach the disk before the rename.
    *mode*: the permissions *target* gets when it is new; an existing *target*'s are kept.
    """
    if temporary is None:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
        file: BinaryIO = os.fdopen(fd, "wb")
    else:
        name = os.fspath(temporary)
        file = open(name, "wb")
    try:
        with file:
            yield file
            if fsync:
                file.flush()
                os.fsync(file.fileno())
        if mode is not None:
            if target.exists():
                with contextlib.suppress(OSError):
                    os.chmod(name, target.stat().st_mode & 0o7777)
            else:
                os.chmod(name, mode)
        os.replace(name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
