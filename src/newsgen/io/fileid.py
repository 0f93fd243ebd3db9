"""A file's identity: its signature (size, mtime, inode), which says it did not change
without reading it, and its SHA-256, which says so of its bytes. Standard library only:
the no-op check uses them before any heavy import."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from newsgen.io.layout import marker_token

Signature = tuple[int, int, int]
"""(size, mtime in ns, inode): a file whose signature is unchanged is not read again."""


def signature(info: os.stat_result) -> Signature:
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def file_signature(path: Path) -> Signature:
    return signature(path.stat())


def signature_or_none(path: str | Path) -> Signature | None:
    try:
        return signature(os.stat(path))
    except OSError:
        return None


def marker_signature(output: Path, marker: str) -> Signature | None:
    return signature_or_none(output / marker)


def output_token(output: Path, marker: str) -> str:
    """The token the output folder's marker names (`newsgen.io.layout.marker_text`);
    ``""`` when there is none."""
    try:
        with open(output / marker, "rb") as file:
            return marker_token(file.read(4096))
    except OSError:
        return ""


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes, in hex."""
    with open(path, "rb", buffering=0) as file:
        return hashlib.sha256(file.read()).hexdigest()


def digest_or_none(path: str | Path) -> str | None:
    try:
        return file_digest(path)
    except OSError:
        return None


def read_signed(path: str | Path) -> tuple[bytes, Signature]:
    """A file's bytes and its signature once they were read (a write during the read shows
    as another signature than the scan's); OSError if it cannot be read."""
    with open(path, "rb", buffering=0) as file:
        return file.read(), signature(os.fstat(file.fileno()))


def read_digest(path: str | Path) -> tuple[str, Signature] | None:
    """SHA-256 of a file's bytes and its signature once read (`read_signed`); None if it
    cannot be read."""
    try:
        data, after = read_signed(path)
    except OSError:
        return None
    return hashlib.sha256(data).hexdigest(), after
