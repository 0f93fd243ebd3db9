"""What git's index vouches for: the files of a checkout whose bytes are the blob it
names, told by their signature alone, without reading them.

After a checkout, git records each file's stat data (size, mtime, inode…) beside its
blob id in ``.git/index``; a file that still has them has that blob's bytes (git's own
rule for ``git status``). A CI job that clones the site gives every file a new signature
and the same bytes: the index lets a build know which ones without hashing 100,000 files.

Only the site's own repository is read (``.git`` a folder in the site folder, never a
parent's), and only what is sure: index versions 2-4 with SHA-1 ids and a checksum that
holds (a SHA-256 repository's index fails it; one written with ``index.skipHash`` has
none), no split index; entries at stage 0, regular files, neither assumed valid nor
skipped from the worktree. An entry from the index's own second or later is "racily
clean" (a write in the index's clock tick keeps the signature): it vouches only once the
file's bytes are read and found to be the blob, as git does. Anything else vouches for
nothing, and the build hashes as before. Standard library only: the no-op check runs it
before the engine loads.
"""
from __future__ import annotations

import hashlib
import os
import stat
import struct
from pathlib import Path
from typing import NamedTuple

from newsgen.io.fileid import Signature, read_signed, signature, signature_or_none

_HEADER = struct.Struct(">4sLL")
_ENTRY = struct.Struct(">8xLL4xLL8xL20sH")
"""Of ctime s, ns; mtime s, ns; dev, ino, mode, uid, gid, size; the blob id; the flags: all
but the ctime, the device and the owner."""
_VERSIONS = (2, 3, 4)
_ASSUME_VALID, _EXTENDED, _STAGE, _NAME_LENGTH = 0x8000, 0x4000, 0x3000, 0x0FFF
_SKIPPED = 0x6000
"""Of the extended flags: skip-worktree, intent-to-add."""
_MASK = 0xFFFF_FFFF
_SPLIT = b"link"
"""The extension of a split index: its entries are in another file."""


class GitIndex(NamedTuple):
    """The entries of a git index that can vouch for a file, and the index's signature."""

    entries: dict[str, tuple[Signature, bytes]]
    """Path → the signature git recorded (its size and inode cut to 32 bits, as git keeps
    them) and the blob id."""
    signature: Signature
    racy: frozenset[str]
    """The entries from the second the index was written or later ("racily clean": a
    write in the same clock tick as the index keeps the signature), which vouch for a
    file only once its bytes are read and found to be the blob, as git does. After a
    checkout, the files written in its last second; all of them, for a small site."""

    def vouched(self, folder: Path, files: dict[str, Signature]) -> dict[str, bytes]:
        """The blob id of each of *files* (by path, with its `signature`; in *folder*)
        whose signature is the one the index recorded with that blob."""
        found = self._matching(files)
        for name in self.racy & found.keys():
            read = read_blob(folder / name)
            if read is None or read[0] != found[name]:
                del found[name]
        return found

    def _matching(self, files: dict[str, Signature]) -> dict[str, bytes]:
        entries = self.entries
        found = {name: entry[1] for name, sig in files.items() if (entry := entries.get(name)) is not None and entry[0] == sig}
        wide = {  # a file over 4 GB, or an inode number over 32 bits (XFS, tmpfs): git keeps their low bits
            name: entry[1] for name, (size, mtime, ino) in files.items()
            if (size > _MASK or ino > _MASK) and (entry := entries.get(name)) is not None
            and entry[0] == (size & _MASK, mtime, ino & _MASK)
        } if len(found) < len(files) else {}
        return found | wide


def blob_id(data: bytes) -> bytes:
    """The id git gives a file of bytes *data* (SHA-1 of a ``blob`` header and them): how
    a build tells that the bytes it parsed are those the index vouches for."""
    blob = hashlib.sha1(b"blob %d\0" % len(data), usedforsecurity=False)
    blob.update(data)
    return blob.digest()


def read_blob(path: Path) -> tuple[bytes, Signature] | None:
    """The blob id of the file *path* and its signature once read (`read_signed`); None if
    it cannot be read."""
    try:
        data, after = read_signed(path)
    except OSError:
        return None
    return blob_id(data), after


def index_signature(site_dir: Path) -> Signature | None:
    """The signature of the site's own git index, None when it has none."""
    return signature_or_none(site_dir / ".git" / "index")


def read_index(site_dir: Path) -> GitIndex | None:
    """The site's own git index (``SITE/.git/index``), None when there is none or it is
    one this module does not trust (see the module's notes)."""
    git = site_dir / ".git"
    try:
        if not stat.S_ISDIR(os.lstat(git).st_mode):  # a worktree's or submodule's .git file points elsewhere
            return None
        with open(git / "index", "rb") as file:
            info = os.fstat(file.fileno())
            data = file.read()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    try:
        entries = _entries(data)
    except (struct.error, ValueError, IndexError):
        return None
    if entries is None:
        return None
    written = info.st_mtime_ns // 1_000_000_000  # git without nanosecond times counts whole seconds
    return GitIndex(
        entries, signature(info), frozenset(name for name, (sig, _) in entries.items() if sig[1] // 1_000_000_000 >= written),
    )


def _entries(data: bytes) -> dict[str, tuple[Signature, bytes]] | None:
    """The trusted entries of the index *data*, None if it cannot be trusted at all."""
    magic, version, count = _HEADER.unpack_from(data)
    if magic != b"DIRC" or version not in _VERSIONS or len(data) < 32:
        return None
    body, checksum = memoryview(data)[:-20], data[-20:]
    if hashlib.sha1(body).digest() != checksum:  # also index.skipHash's zeros, and a SHA-256 repository's index
        return None
    entries: dict[str, tuple[Signature, bytes]] = {}
    at, previous = _HEADER.size, b""
    for _ in range(count):
        start = at
        msec, mnsec, ino, mode, size, blob, flags = _ENTRY.unpack_from(data, at)
        at += _ENTRY.size
        skipped = flags & (_ASSUME_VALID | _STAGE)
        if flags & _EXTENDED:
            if version < 3:
                return None
            skipped |= struct.unpack_from(">H", data, at)[0] & _SKIPPED
            at += 2
        if version == 4:
            strip, at = _varint(data, at)
            end = data.index(b"\0", at)
            name = previous[: len(previous) - strip] + data[at:end]
            at = end + 1
        else:
            length = flags & _NAME_LENGTH
            end = data.index(b"\0", at + length) if length == _NAME_LENGTH else at + length
            name = data[at:end]
            at = start + ((end - start) // 8 + 1) * 8  # one to eight NULs: the entry is a multiple of 8 bytes
        previous = name
        if not skipped and stat.S_ISREG(mode):
            entries[name.decode("utf-8", "surrogateescape")] = ((size, msec * 1_000_000_000 + mnsec, ino), blob)
    if _SPLIT in _extension_names(data, at, len(data) - 20):
        return None
    return entries


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """Git's offset encoding (index version 4): the number at *at*, and where it ends."""
    byte = data[at]
    value = byte & 0x7F
    while byte & 0x80:
        at += 1
        byte = data[at]
        value = ((value + 1) << 7) | (byte & 0x7F)
    return value, at + 1


def _extension_names(data: bytes, at: int, end: int) -> set[bytes]:
    """The signatures of the extensions between *at* and *end*."""
    names: set[bytes] = set()
    while at + 8 <= end:
        name, size = struct.unpack_from(">4sL", data, at)
        names.add(name)
        at += 8 + size
    return names
