"""A fresh checkout seen as the files the last build read.

``git clone`` in a CI job gives every file a new signature (mtime, inode) and, mostly,
the same bytes; so does ``pip install`` to newsgen's own files. With ``.newsgen-cache/``
restored, the build would hash every file to find that out (1.6 s for 100,000 articles)
and then re-plan a site in which nothing changed. Instead, `as_built` asks the site's git
index (`newsgen.io.gitindex`) which files still hold the blob it names, and the cache's
``checkout`` record which blob each file held when the cache last saw it, under which
signature; a file with the same blob (and size) is given that signature back. The rest
of the engine then sees the files it knows: nothing changed is a no-op, one article
added is an addition.

Only files the index vouches for are given an old signature; any doubt (no index, an
index this newsgen does not read, another blob or size) leaves a file its own
signature, and the engine hashes it as before: slower, never wrong. The site must be
its repository's top folder (the index names files from there).
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from newsgen.incremental.errors import CacheError
from newsgen.incremental.noop import STATE, State
from newsgen.incremental.store import BuildCache
from newsgen.io.gitindex import index_signature, read_index
from newsgen.io.scanning import PACKAGE_PREFIX, Checkout, Scan, Signature, digest_or_none, signature, source_file

CHECKOUT = "checkout"


@dataclass
class Vouched:
    """The ``checkout`` record: each file git's index vouched for when the last build
    asked it, by path: the signature the cache knows it by, and its identity."""

    files: dict[str, tuple[Signature, bytes]]


def as_built(cache: Path | None, site_dir: Path, scanned: Scan) -> Scan:
    """*scanned*, each file whose bytes git's index vouches are those the cache last saw
    under another signature given that signature. Asks the index only when it changed
    since the last build, or that build's own scan was given old signatures."""
    index = index_signature(site_dir) if cache is not None and not scanned.refused else None
    if cache is None or index is None:
        return scanned
    store = BuildCache(cache)
    try:
        state = store.load(STATE, State)
        known = store.load(CHECKOUT, Vouched) if state is None or state.git_index != index else None
    except CacheError:  # the build reports it
        return scanned
    if state is not None and state.git_index == index:
        return scanned._replace(checkout=Checkout(index, None, scanned.files, 0))
    git = read_index(site_dir)
    if git is None:
        return scanned
    index, files = git.signature, scanned.files  # the one read, should git have written it since
    vouched = git.vouched(site_dir, files)
    vouched.update(
        (name, bytes.fromhex(sha)) for name in files
        if name.startswith(PACKAGE_PREFIX) and (sha := digest_or_none(source_file(site_dir, name))) is not None
    )
    was = known.files if known is not None else {}
    moved = {
        name: old for name, identity in vouched.items()
        if (seen := was.get(name)) is not None and seen[1] == identity and (old := seen[0]) != (own := files[name])
        and old[0] == own[0]  # the same size too: a checkout filter (eol, LFS) gives the same blob other bytes
    }
    if not moved:
        return scanned._replace(checkout=Checkout(index, vouched, files, 0))
    sources = scanned.sources._replace(files={**files, **moved})
    return scanned._replace(sources=sources, checkout=Checkout(index, vouched, files, len(moved)))


def remember_checkout(
    store: BuildCache, site_dir: Path, scanned: Scan, parsed: Mapping[str, bytes], is_article: Callable[[str], bool],
) -> Signature | None:
    """Save what git's index vouched for in *scanned* (when it was asked), by the
    signatures the build went by; the index's signature for the `State`, when the next
    build need not ask it again (None: it must).

    A file is kept only where the build knew the bytes the index vouched for: an article
    it did not parse, or whose bytes parsed were that blob (*parsed*: name → blob id; one
    changed between the scan and the read is not); another file, if unchanged since the
    scan. (A signature that was too fresh to trust stays so: the parse cache hashes such
    a file, and the no-op check compares its digest, as after any build.)"""
    checkout = scanned.checkout
    if checkout is None:
        return None
    if checkout.vouched is not None:
        files, found = scanned.files, checkout.found
        store.save(CHECKOUT, Vouched({
            name: (sig, identity) for name, identity in checkout.vouched.items()
            if (sig := files.get(name)) is not None and (
                parsed.get(name, identity) == identity if is_article(name)
                else _signature(source_file(site_dir, name)) == found[name]
            )
        }))
    return checkout.index if checkout.moved == 0 else None


def _signature(path: Path) -> Signature | None:
    try:
        return signature(os.stat(path))
    except OSError:
        return None
