"""What the output holds, file by file, kept in the cache for the change manifest
(``newsgen build --changes FILE``, `newsgen.io.changes`).

The ``contents`` record, left by the last build that wrote a manifest, names the output it
describes by its token (`newsgen.io.layout`) and lists every file's SHA-256 and size: it
is the next manifest's baseline (unless ``--since`` names another). A build asked for a
manifest hashes only what it writes: the files it leaves come from the record when the
output is the one the record describes (restored with the cache in CI too), else from the
disk, once. Builds without ``--changes`` pay nothing and leave the record as it was.
Standard library only: a build with nothing to do writes its manifest before the engine
would be imported.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from newsgen.core.options import BuildOptions
from newsgen.incremental.errors import CacheError
from newsgen.incremental.store import BuildCache
from newsgen.io.changes import Baseline, document, hashed, listed, read_baseline, write_manifest
from newsgen.io.layout import MARKER
from newsgen.io.fileid import output_token
from newsgen.io.search import INDEX_DIR

CONTENTS = "contents"
LAST_MANIFEST = "the last change manifest"


@dataclass
class Contents:
    """Every file of an output (its marker aside): SHA-256 (hex) and size."""

    token: str
    """The token of the output described."""
    files: dict[str, tuple[str, int]]
    base_url: str
    """The site's address in that build (a build with nothing to do writes its manifest with it)."""


def recorded(store: BuildCache | None) -> Contents | None:
    """The record the last change manifest left; None if there is none or it is damaged
    (the build then hashes what it needs)."""
    if store is None:
        return None
    try:
        return store.load(CONTENTS, Contents)
    except CacheError:
        store.forget(CONTENTS)
        return None


def baseline(options: BuildOptions, last: Contents | None) -> Baseline | None:
    """``--since``'s file, else the output the last change manifest described (None: none)."""
    if options.since is not None:
        return read_baseline(options.since)
    return Baseline(LAST_MANIFEST, last.files) if last is not None else None


def contents_after(
    output: Path, planned: Collection[str], written: Mapping[str, tuple[str, int]], kept: Contents | None,
    search_kept: bool,
) -> dict[str, tuple[str, int]]:
    """Every file of *output* after a build: the *planned* files, hashed as written
    (*written*) or, if left as they were, taken from *kept* (the record of the output the
    build started from, if it trusted it; else read); then the search index's files, from
    *kept* when the index was left as it was (*search_kept*), else read."""
    known = kept.files if kept is not None else {}
    found = {}
    missing = []
    for path in planned:
        entry = written.get(path) or known.get(path)
        if entry is None:
            missing.append(path)
        else:
            found[path] = entry
    found |= hashed(output, missing)
    prefix = INDEX_DIR + "/"
    if search_kept and kept is not None:
        found |= {path: entry for path, entry in known.items() if path.startswith(prefix)}
    else:
        found |= hashed(output, listed(output / INDEX_DIR, prefix))
    return found


def note_changes(
    store: BuildCache | None, changes: Path, token: str, contents: dict[str, tuple[str, int]], since: Baseline | None,
    base_url: str,
) -> None:
    """Write the change manifest to *changes* against the baseline *since*, and keep
    *contents* in the cache (*store*) as the next one's."""
    write_manifest(changes, document(contents, since, token, base_url))
    if store is not None:
        store.save(CONTENTS, Contents(token, contents, base_url))


class ChangeNote:
    """A build's change manifest, from the build's start (the baseline, read before anything
    is written) to its end (`write`); *hashes* receives those of the files the build writes."""

    def __init__(self, options: BuildOptions, store: BuildCache | None) -> None:
        assert options.changes is not None
        self.changes = options.changes
        self.store = store
        self.last = recorded(store)
        self.since = baseline(options, self.last)
        self.hashes: dict[str, tuple[str, int]] = {}

    def write(self, output: Path, planned: Collection[str], described: str, search_kept: bool, token: str,
              base_url: str) -> None:
        """Write the manifest of *output*, now marked *token*. *described*: the token of the
        output the build started from, if it trusted it (``""``: it did not); the cache's
        record gives the hashes of the files it left only if it describes that output."""
        kept = self.last if described and self.last is not None and self.last.token == described else None
        contents = contents_after(output, planned, self.hashes, kept, search_kept)
        note_changes(self.store, self.changes, token, contents, self.since, base_url)


def note_unchanged(options: BuildOptions) -> bool:
    """After a build found nothing to do: write its manifest if the cache's record describes
    the output (the last build wrote a manifest too), and say so; False: the engine must
    write it (it hashes what the record does not tell)."""
    store = BuildCache(options.cache) if options.cache is not None else None
    last = recorded(store)
    if last is None or last.token != output_token(options.output.resolve(), MARKER):
        return False
    assert options.changes is not None
    note_changes(None, options.changes, last.token, last.files, baseline(options, last), last.base_url)
    return True
