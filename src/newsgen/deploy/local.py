"""The built output folder as a deploy sees it: every file with its size, SHA-256 and headers."""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

from newsgen.core.errors import UsageError
from newsgen.deploy.failures import DeployError
from newsgen.deploy.headers import CacheRule, Headers, headers_for
from newsgen.deploy.manifest import MANIFEST, PENDING
from newsgen.io.digests import sha256_and_size
from newsgen.io.layout import MARKER

SKIPPED = frozenset({MARKER, MANIFEST, PENDING})
"""Never uploaded: the build's own marker, and the deploy's records (kept in the bucket only)."""
HASH_THREADS = 4
"""hashlib lets go of the GIL on large reads: a few threads overlap reading and hashing."""


class LocalFile(NamedTuple):
    path: str
    """Relative to the output folder, ``/`` separated: the object's key after the prefix."""
    file: Path
    size: int
    sha256: str
    headers: Headers


def scan_output(
    output: Path, rules: Sequence[CacheRule] = (), known: Mapping[str, tuple[str, int]] | None = None,
) -> dict[str, LocalFile]:
    """Every regular file of a newsgen output folder, by path, sorted; refuse a folder that
    is not one (no ``.newsgen-output`` marker): deploying it would delete the site. Files
    *known* (the build's change manifest: SHA-256 and size) are not read here; each is
    checked against what it claims when uploaded (`read_checked`)."""
    if not (output / MARKER).is_file():
        raise UsageError(message=f"{os.path.relpath(output)} is not a newsgen build (no {MARKER} file): "
                         "run newsgen build first, or name the output with -o")
    found = sorted(_regular_files(output, ""))
    paths = frozenset(path for path, _ in found)
    known = known or {}
    unknown = [file for path, file in found if path not in known]
    with ThreadPoolExecutor(HASH_THREADS) as pool:
        hashed = dict(zip(unknown, pool.map(sha256_and_size, unknown), strict=True))
    digests = [known.get(path) or hashed[file] for path, file in found]
    return {
        path: LocalFile(path, file, size, sha256, headers_for(path, paths, rules))
        for (path, file), (sha256, size) in zip(found, digests, strict=True)
    }


def read_checked(local: LocalFile) -> bytes:
    """The file's bytes, refusing them if they are no longer what was hashed (a build
    writing the output during a deploy): the manifest would otherwise record a lie."""
    data = local.file.read_bytes()
    if len(data) != local.size or hashlib.sha256(data).hexdigest() != local.sha256:
        raise DeployError(message=f"{local.path} is not what was hashed (it changed after the build or while "
                          "deploying): let the build finish, then deploy again")
    return data


def _regular_files(folder: Path, relative: str) -> Iterator[tuple[str, Path]]:
    """``(path, file)`` for every regular file below *folder* (symbolic links are not
    followed nor uploaded), from the directory entries alone: no stat a file."""
    with os.scandir(folder) as entries:
        for entry in entries:
            path = relative + entry.name
            if entry.is_dir(follow_symlinks=False):
                yield from _regular_files(Path(entry.path), path + "/")
            elif entry.is_file(follow_symlinks=False) and path not in SKIPPED:
                yield path, Path(entry.path)
