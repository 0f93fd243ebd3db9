"""The site's source files by signature: what a build reads, and whether it changed.

A `scan` names every file a build reads (the config and topics files, ``content/``, ``templates/``,
``static/`` and newsgen's own files) with its (size, mtime, inode), and every entry a
build must refuse to read: a symlink that leaves the site folder (``static/x.txt ->
/proc/self/environ`` would publish the build's environment), a symlink loop, a FIFO (which
would hang the build), a socket or a device. Symlinks that stay inside are followed.
Standard library only: the no-op check scans before any heavy import.
"""
from __future__ import annotations

import itertools
import operator
import os
import stat
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

import newsgen
from newsgen.io.fileid import Signature, digest_or_none, signature
from newsgen.io.layout import SOURCE_DIRS, SOURCE_FILES, is_leftover

PACKAGE = Path(newsgen.__file__).parent
PACKAGE_PREFIX = "newsgen:"
"""`scan` names newsgen's own files ``newsgen:<path in the package>``."""
NOT_BUILD_CODE = ("deploy/", "starter/", "preview/")
"""Parts of newsgen a build never runs (``newsgen deploy``, ``newsgen init``'s files, ``newsgen
serve``): outside the scan and `newsgen.io.sources.code_digest`, so editing them rebuilds
nothing, and the preview reads a build cache made before (`newsgen.preview.session`)."""
RACY_NS = 2_000_000_000
"""A file changed this close to a scan may change again within one mtime tick: hash it."""

_MTIME = operator.itemgetter(1)

OUTSIDE = "symlink to outside the site"
LOOP = "symlink to a folder that holds it (a loop)"


class Sources(NamedTuple):
    """A `scan`: the files a build reads, and the entries it refused to read."""

    files: dict[str, Signature]
    refused: dict[str, str]
    """Site-relative name → why (`OUTSIDE`, ``not a regular file (a FIFO)``…): a build
    reports each one as an error and reads none of them."""
    linked: bool = False
    """Whether a symlink was followed: a change to its target has another name."""


class Checkout(NamedTuple):
    """What the site's git index said of a `Scan` (`newsgen.incremental.checkout`)."""

    index: Signature
    """The git index's own signature."""
    vouched: dict[str, bytes] | None
    """The identity of each file the index vouched for (its blob id; newsgen's own files:
    their SHA-256); None when not asked, the index being the one the last build asked."""
    found: dict[str, Signature]
    """Each file's own signature, as the scan found it."""
    moved: int
    """How many files the scan gives the signature the cache knows them by, not their own."""


class Scan(NamedTuple):
    """A `scan` and the moment it started."""

    started_ns: int
    sources: Sources
    checkout: Checkout | None = None
    """What the site's git index said of it: None when the site has none, or no one asked."""

    @property
    def files(self) -> dict[str, Signature]:
        return self.sources.files

    @property
    def refused(self) -> dict[str, str]:
        return self.sources.refused


def scan_now(site_dir: Path) -> Scan:
    """A `scan` of *site_dir*, stamped with when it started."""
    return Scan(time.time_ns(), scan(site_dir))


def changed_since(files: Mapping[str, Signature], since: int) -> list[str]:
    """The files of *files* whose mtime is *since* (ns) or later, in their order: a C loop
    over the signatures (a build and a no-op ask it of 100,000 files)."""
    return list(itertools.compress(files, map(since.__le__, map(_MTIME, files.values()))))


def scan(site_dir: Path) -> Sources:
    """The signature of every file a build reads, keyed by its path relative to the site
    (newsgen's own files, the theme included, under `PACKAGE_PREFIX`), and what it must
    not read: anything reached through a symlink that leaves the (resolved) site folder,
    and anything but regular files and folders. Only symlinks are resolved."""
    inside = os.path.realpath(site_dir)
    files: dict[str, Signature] = {}
    refused: dict[str, str] = {}
    linked = False
    for name in SOURCE_DIRS:
        linked |= _walk(site_dir / name, f"{name}/", inside, files, refused)
    code: dict[str, Signature] = {}
    _walk(PACKAGE, PACKAGE_PREFIX, None, code, refused)  # newsgen's own files are trusted
    files.update(item for item in code.items() if is_build_code(item[0].removeprefix(PACKAGE_PREFIX)))
    for name in SOURCE_FILES:
        config = site_dir / name
        why = refusal(config, inside)
        if why is not None:
            refused[name] = why
        else:
            try:
                files[name] = signature(os.stat(config))
                linked |= config.is_symlink()
            except OSError:
                pass
    return Sources(files, refused, linked)


def scan_tree(root: Path, prefix: str = "", inside: str | None = None) -> Sources:
    """The signature of every regular file below *root*, by *prefix* + its relative name,
    skipping leftovers (`is_leftover`: hidden names, ``x~``, ``.x.swp``…), following
    symlinks that stay within the folder *inside* (a real path; None: anywhere) and
    refusing the others, loops and special files (FIFOs, sockets, devices)."""
    files: dict[str, Signature] = {}
    refused: dict[str, str] = {}
    linked = _walk(root, prefix, inside, files, refused)
    return Sources(files, refused, linked)


def is_build_code(name: str) -> bool:
    """Whether newsgen's file *name* (``core/site.py``) is code or theme a build runs."""
    return not name.startswith(NOT_BUILD_CODE)


def refusal(path: Path, inside: str) -> str | None:
    """Why a build must not read *path*, a file it reads without a `scan` (newsgen.yaml;
    a template that another includes by a name the scan skips): a symlink anywhere on its
    way leads outside the real folder *inside*, or it is not a regular file. None when it
    may be read, is not there, or is a folder."""
    if not _within(os.path.realpath(path), inside):
        return OUTSIDE
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    return None if stat.S_ISREG(mode) or stat.S_ISDIR(mode) else _not_regular(mode)


def _walk(root: Path, prefix: str, inside: str | None, files: dict[str, Signature], refused: dict[str, str]) -> bool:
    """`scan_tree` into *files* and *refused*; whether it followed a symlink. Each folder
    goes with its real path, worked out from its parent's without a system call unless it
    is a symlink: a link that leads to a folder holding it is a loop."""
    real = os.path.realpath(root)
    linked = root.is_symlink()
    why = _link_refusal(real, inside) if linked and inside is not None else None
    if why is None:
        try:
            mode = os.stat(root).st_mode
        except OSError:  # not there, or a dangling link: nothing to read
            return linked
        why = None if stat.S_ISDIR(mode) or stat.S_ISREG(mode) else _not_regular(mode)
    if why is not None:
        refused[prefix.rstrip("/") or str(root)] = why
        return linked
    stack = [(str(root), prefix, real)]
    while stack:
        folder, rel, real = stack.pop()
        try:  # its entries are stat'ed relative to the folder's descriptor: 0.04 s less for 100,000 files
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue
        try:
            linked |= _walk_folder(fd, folder, rel, real, inside, files, refused, stack)
        finally:
            os.close(fd)
    return linked


def _walk_folder(
    fd: int, folder: str, rel: str, real: str, inside: str | None, files: dict[str, Signature],
    refused: dict[str, str], stack: list[tuple[str, str, str]],
) -> bool:
    """One folder of `_walk` (open as *fd*; *rel*: its prefix, *real*: its real path): its
    files into *files* and *refused*, its folders onto *stack*; whether it holds a symlink."""
    try:
        entries = os.scandir(fd)
    except OSError:
        return False
    linked = False
    with entries:
        for entry in entries:
            base = entry.name
            if is_leftover(base):
                continue
            name = rel + base
            if entry.is_dir(follow_symlinks=False):
                stack.append((os.path.join(folder, base), name + "/", os.path.join(real, base)))
            elif entry.is_file(follow_symlinks=False):
                try:
                    info = entry.stat(follow_symlinks=False)
                except FileNotFoundError:  # deleted since the folder was listed: not there
                    continue
                files[name] = (info.st_size, info.st_mtime_ns, info.st_ino)  # `signature`, inline: 100,000 calls
            elif entry.is_symlink():
                linked = True
                path = os.path.join(folder, base)
                target = os.path.realpath(path)
                why = _link_refusal(target, inside) if inside is not None else None
                try:
                    info = os.stat(path)
                except OSError:  # a dangling link: nothing to read
                    info = None
                if why is not None:
                    refused[name] = why
                elif info is None:
                    continue
                elif stat.S_ISDIR(info.st_mode):
                    if _within(real, target):
                        refused[name] = LOOP
                    else:
                        stack.append((path, f"{name}/", target))
                elif stat.S_ISREG(info.st_mode):
                    files[name] = signature(info)
                else:
                    refused[name] = _not_regular(info.st_mode)
            else:
                try:
                    refused[name] = _not_regular(entry.stat(follow_symlinks=False).st_mode)
                except OSError:  # gone since
                    pass
    return linked


def _within(path: str, folder: str) -> bool:
    """Whether the real path *path* is *folder* or below it."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _link_refusal(target: str, inside: str) -> str | None:
    """Why a symlink to the real path *target* must not be followed from the site folder
    *inside*: it leaves it, or it leads to a name a build never reads (``.git/config``)."""
    if not _within(target, inside):
        return OUTSIDE
    rel = target[len(inside.rstrip(os.sep)) + 1 :]
    if any(is_leftover(part) for part in rel.split(os.sep) if part):
        return f"symlink to {rel.replace(os.sep, '/')}, which a build never reads (a hidden or temporary name)"
    return None


def _not_regular(mode: int) -> str:
    kind = (
        "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
        else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "neither a file nor a folder"
    )
    return f"not a regular file ({kind})"


def rescan(site_dir: Path, scanned: Sources, changed: Iterable[str]) -> Sources | None:
    """*scanned* brought up to date for the paths *changed* (site-relative, as a `Watcher`
    reports them, leftovers already left out), without walking the folders: what `scan`
    would find if nothing else changed. None when only a full `scan` can tell: a path is
    now a folder, a symlink or a special file, a folder went, or *scanned* refused an
    entry or followed a symlink (whose target changes under another name)."""
    if scanned.refused or scanned.linked:
        return None
    files = dict(scanned.files)
    for name in changed:
        try:
            info = os.lstat(site_dir / name)
        except FileNotFoundError:
            if files.pop(name, None) is None and any(path.startswith(f"{name}/") for path in files):
                return None
            continue
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        files[name] = signature(info)
    return Sources(files, {})


def source_file(site_dir: Path, name: str) -> Path:
    """The file that the `scan` name *name* stands for."""
    if name.startswith(PACKAGE_PREFIX):
        return PACKAGE / name.removeprefix(PACKAGE_PREFIX)
    return site_dir / name


def racy_digests(site_dir: Path, scanned: Scan, skip: Callable[[str], bool]) -> dict[str, str | None]:
    """SHA-256 of the files of *scanned* changed so shortly before it started that their
    signature alone cannot tell a second change (save those whose name *skip* accepts).
    Taken before the build reads them: a file that changes later no longer matches."""
    recent = changed_since(scanned.files, scanned.started_ns - RACY_NS)
    return {name: digest_or_none(source_file(site_dir, name)) for name in recent if not skip(name)}
