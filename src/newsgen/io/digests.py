"""SHA-256 of files: a file's digest and size (`sha256_and_size`: the change manifest, the
deploy, the images), and the files a build publishes as they are (stylesheets, scripts,
images), read again only when a file's signature (size, mtime, inode) changed.

A published file's output key is its content's digest, never its signature: a fresh
checkout in CI gives every file a new mtime and inode, and with its cache restored the build
hashes them once, finds the same digests, and rewrites none of them.
"""
from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from newsgen.io.fileid import Signature, file_digest, read_digest, signature
from newsgen.io.scanning import RACY_NS

Known = dict[str, tuple[Signature | None, str]]
"""File path → its signature when hashed (None: too fresh to trust) and its SHA-256."""


def sha256_and_size(file: Path) -> tuple[str, int]:
    """The SHA-256 (hex) of *file*'s bytes and their count, read in chunks."""
    with open(file, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest(), handle.tell()


def digests_of(folder: Path, names: Sequence[str], jobs: int) -> list[tuple[str, Signature] | None]:
    """The SHA-256 of each file *names* (relative to *folder*) and its signature once read
    (`read_digest`), None for one that cannot be read; by *jobs* threads, each given an
    equal share (opening, reading and hashing let go of the interpreter lock). A CI
    checkout of 100,000 articles, every file with a new signature: 1.6 s in cProfile,
    against 2.1 s one by one through pathlib."""
    base = os.fspath(folder)
    paths = [os.path.join(base, name) for name in names]
    if jobs <= 1 or len(paths) < 256:
        return list(map(read_digest, paths))
    share = -(-len(paths) // jobs)
    with ThreadPoolExecutor(jobs) as pool:
        parts = pool.map(lambda part: list(map(read_digest, part)), [paths[i : i + share] for i in range(0, len(paths), share)])
        return [sha for part in parts for sha in part]


class FileDigests:
    """The digests of files by path, each kept while its signature holds."""

    def __init__(self, known: Known | None = None) -> None:
        self.known: Known = known or {}
        self.seen: Known = {}
        """The files asked about since `begin`: what the cache keeps."""

    def begin(self) -> None:
        """Start a build: the files it asks about are the ones `seen` will hold."""
        self.seen = {}

    def of(self, file: Path) -> str:
        """The SHA-256 of *file*, hashed only if its signature is not the one it had."""
        name = str(file)
        sig = signature(file.stat())
        known = self.known.get(name)
        if known is not None and known[0] is not None and known[0] == sig:
            self.seen[name] = known
            return known[1]
        sha = file_digest(file)
        # A write within the same mtime tick keeps the signature: trust it once the tick is past.
        entry = (sig if sig[1] < time.time_ns() - RACY_NS else None, sha)
        self.known[name] = self.seen[name] = entry
        return sha
