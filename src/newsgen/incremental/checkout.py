"""A fresh checkout seen as the files the last build read.

``git clone`` in a CI job gives every file a new signature (mtime, inode) and, mostly,
the same bytes; so does ``pip install`` to newsgen's own files. With ``.newsgen-cache/``
restored, the build would hash every file to find that out (1.6 s for 100,000 articles)
and then re-plan a site in which nothing changed. Instead, `scan_as_built` asks the site's git
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

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from newsgen.core.options import LEDGER_FILE
from newsgen.incremental.errors import CacheError
from newsgen.incremental.noop import STATE, State
from newsgen.incremental.store import BuildCache
from newsgen.io.gitindex import index_signature, read_blob, read_index
from newsgen.io.fileid import Signature, digest_or_none, signature_or_none
from newsgen.io.scanning import PACKAGE_PREFIX, Checkout, Scan, scan_now, source_file

CHECKOUT = "checkout"


@dataclass
class Vouched:
    """The ``checkout`` record: each file git's index vouched for when the last build
    asked it, by path: the signature the cache knows it by, and its identity."""

    files: dict[str, tuple[Signature, bytes]]


def scan_as_built(cache: Path | None, site_dir: Path) -> Scan:
    """A `scan_now` of *site_dir*, each file whose bytes git's index vouches are those the
    cache last saw under another signature given that signature. Asks the index only
    when it changed since the last build, or that build's own scan was given old
    signatures."""
    scanned = scan_now(site_dir)
    index = index_signature(site_dir) if cache is not None and not scanned.refused else None
    if cache is None or index is None:
        return scanned
    store = BuildCache(cache)
    try:
        state = store.load(STATE, State)
    except CacheError:  # the build reports it
        return scanned
    if state is not None and state.git_index == index:
        return scanned._replace(checkout=Checkout(index, None, scanned.files, 0))
    git = read_index(site_dir)
    if git is None:
        return scanned
    index, files = git.signature, scanned.files  # the one read, should git have written it since
    try:
        known = store.load(CHECKOUT, Vouched)
    except CacheError:  # the build saves another
        known = None
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
    store: BuildCache, site_dir: Path, scanned: Scan, parsed: Mapping[str, bytes], unsettled: Collection[str],
    is_article: Callable[[str], bool],
) -> Signature | None:
    """Save what git's index vouched for in *scanned* (when it was asked), by the
    signatures the build went by; the index's signature for the `State`, when the next
    build need not ask it again (None: it must).

    The record holds a file only if the build knew the bytes the index vouched for under
    that signature: an article it did not parse, or whose bytes parsed were that blob
    (*parsed*: name → blob id); another file unchanged since the scan; ``urls.lock`` as
    the build wrote it. A build that read a file changed since the scan (*unsettled*, or
    any other file now changed) keeps no record: the cache knows other bytes by the
    signature the scan found, which a later checkout could give back."""
    checkout = scanned.checkout
    if checkout is None:
        return None
    files, found = scanned.files, checkout.found
    changed = [  # (a few hundred: the config, templates, static files, images, newsgen's own)
        name for name, own in found.items() if not is_article(name)
        and signature_or_none(source_file(site_dir, name)) not in (own, files[name] if name == LEDGER_FILE else own)
    ]
    if unsettled or changed:
        store.forget(CHECKOUT)
        return None
    if checkout.vouched is not None:
        vouched = {
            name: (files[name], identity) for name, identity in checkout.vouched.items()
            if name in files and name != LEDGER_FILE and (not is_article(name) or parsed.get(name, identity) == identity)
        }
        ledger = read_blob(site_dir / LEDGER_FILE)
        if ledger is not None and ledger[1] == files.get(LEDGER_FILE):  # as this build wrote it
            vouched[LEDGER_FILE] = (files[LEDGER_FILE], ledger[0])
        store.save(CHECKOUT, Vouched(vouched))
    return checkout.index if checkout.moved == 0 else None
