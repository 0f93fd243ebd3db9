"""The site's source files by signature: what a build reads, and whether it changed.

A `scan` names every file a build reads (the config file, ``content/``, ``templates/``,
``static/`` and newsgen's own files) with its (size, mtime, inode). Standard library
only: the no-op check scans before any heavy import.
"""
from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

import newsgen
from newsgen.options import CONFIG_FILE, SOURCE_DIRS, is_leftover

PACKAGE = Path(newsgen.__file__).parent
PACKAGE_PREFIX = "newsgen:"
"""`scan` names newsgen's own files ``newsgen:<path in the package>``."""
RACY_NS = 2_000_000_000
"""A file changed this close to a scan may change again within one mtime tick: hash it."""

Signature = tuple[int, int, int]
"""(size, mtime in ns, inode): a file whose signature is unchanged is not read again."""


class Scan(NamedTuple):
    """A `scan` and the moment it started."""

    started_ns: int
    files: dict[str, Signature]


def scan_now(site_dir: Path) -> Scan:
    """A `scan` of *site_dir*, stamped with when it started."""
    return Scan(time.time_ns(), scan(site_dir))


def scan(site_dir: Path) -> dict[str, Signature]:
    """The signature of every file a build reads, keyed by its path relative to the site
    (newsgen's own files, the theme included, under `PACKAGE_PREFIX`)."""
    found: dict[str, Signature] = {}
    for name in SOURCE_DIRS:
        found.update(scan_tree(site_dir / name, f"{name}/"))
    found.update(scan_tree(PACKAGE, PACKAGE_PREFIX))
    try:
        found[CONFIG_FILE] = signature(os.stat(site_dir / CONFIG_FILE))
    except OSError:
        pass
    return found


def scan_tree(root: Path, prefix: str = "") -> dict[str, Signature]:
    """The signature of every file below *root*, by *prefix* + its relative name, skipping
    leftovers (`is_leftover`: hidden names, ``x~``, ``.x.swp``…) and symlinked folders."""
    found: dict[str, Signature] = {}
    stack = [(str(root), prefix)]
    while stack:
        folder, rel = stack.pop()
        try:
            entries = os.scandir(folder)
        except OSError:
            continue
        with entries:
            for entry in entries:
                if is_leftover(entry.name):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, f"{rel}{entry.name}/"))
                elif entry.is_file():
                    found[f"{rel}{entry.name}"] = signature(entry.stat())
    return found


def rescan(site_dir: Path, scanned: dict[str, Signature], changed: Iterable[str]) -> dict[str, Signature] | None:
    """*scanned* brought up to date for the paths *changed* (site-relative, as a `Watcher`
    reports them, leftovers already left out), without walking the folders: what `scan`
    would find if nothing else changed. None when only a full `scan` can tell: a path is
    now a folder, or a folder went."""
    files = dict(scanned)
    for name in changed:
        try:
            info = os.stat(site_dir / name)
        except FileNotFoundError:
            if files.pop(name, None) is None and any(path.startswith(f"{name}/") for path in files):
                return None
            continue
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        files[name] = signature(info)
    return files


def source_file(site_dir: Path, name: str) -> Path:
    """The file that the `scan` name *name* stands for."""
    if name.startswith(PACKAGE_PREFIX):
        return PACKAGE / name.removeprefix(PACKAGE_PREFIX)
    return site_dir / name


def racy_digests(site_dir: Path, scanned: Scan, skip: Callable[[str], bool]) -> dict[str, str | None]:
    """SHA-256 of the files of *scanned* changed so shortly before it started that their
    signature alone cannot tell a second change (save those whose name *skip* accepts).
    Taken before the build reads them: a file that changes later no longer matches."""
    since = scanned.started_ns - RACY_NS
    return {
        name: digest_or_none(source_file(site_dir, name))
        for name, (_, mtime, _) in scanned.files.items() if mtime >= since and not skip(name)
    }


def signature(info: os.stat_result) -> Signature:
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def marker_signature(output: Path, marker: str) -> Signature | None:
    try:
        return signature(os.stat(output / marker))
    except OSError:
        return None


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, in hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def digest_or_none(path: Path) -> str | None:
    try:
        return file_digest(path)
    except OSError:
        return None
