"""The no-op check: the last build's result when nothing it read has changed since, and
the output is still the one it wrote. Standard library only: ``newsgen build`` runs it
before importing the engine, which costs more than the check."""
from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from newsgen.core.errors import Problem
from newsgen.core.options import BuildOptions, BuildResult
from newsgen.incremental.errors import CacheError
from newsgen.incremental.store import BuildCache
from newsgen.io.layout import MARKER
from newsgen.io.lock import died
from newsgen.io.fileid import Signature, digest_or_none, marker_signature, output_token
from newsgen.io.scanning import RACY_NS, Scan, changed_since, scan_now, source_file

STATE = "state"
WARNINGS = "warnings"


def sources_digest(sources: dict[str, Signature]) -> str:
    """A digest of a `scan`'s signatures, in scan order: the state keeps this, not the
    100,000 signatures of a 100,000-article site (a 10 MB record to read before every
    build; this takes 0.02 s, sorting first 0.1 s). A folder listed in another order with
    the same files (tmpfs, after a file was renamed away and back) only misses a no-op."""
    return hashlib.sha256(marshal.dumps(sources, 2)).hexdigest()  # version 2: no back-references, which vary with reference counts


@dataclass
class Warnings:
    """The warnings of the build a `State` describes, in their own record: read only when
    that build is repeated (a build that changes something never reads them). They are
    kept as they are printed (`newsgen.core.errors.collapsed`): the 85,000 warnings of
    a large site weigh 9.7 MB, and take a no-op 0.2 s to read and collapse."""

    token: str
    """The `State.warnings` that names these."""
    problems: tuple[Problem, ...]


@dataclass
class State:
    """What the last successful build saw and made: enough to recognise a no-op."""

    options: str
    """The build options that shape the output (`BuildOptions.key`)."""
    output: str
    sources: str
    """The `sources_digest` of the scan of the sources it read."""
    scanned_ns: int
    marker: Signature | None
    clock: tuple[datetime | None, datetime | None]
    """The output is right for any build clock strictly inside this interval…"""
    now: datetime
    """…and for the clock of that build."""
    summary: tuple[int, int, int]
    """Articles, pages and files of that build."""
    warnings: str = ""
    """The token of that build's `Warnings` record: a no-op build repeats them, so none
    is ever lost from view."""
    racy: dict[str, str | None] = field(default_factory=dict)
    """SHA-256 of the files changed just before that build's scan (`racy_digests`; an
    article's is that of the bytes it was parsed from): their signature alone cannot
    tell a second change within the same mtime tick."""
    notes: tuple[str, ...] = ()
    """That build's warnings about the whole site (`BuildResult.notes`), repeated likewise."""
    token: str = ""
    """The token the output's marker names: the same output restored elsewhere (a CI cache),
    with another marker signature, is still the one that build wrote."""
    git_index: Signature | None = None
    """The signature of the site's git index when that build asked it and took no file by
    an older signature (`newsgen.incremental.checkout`): the next build need not ask again
    while it is the same."""

    def holds(
        self, options: str, output: Path, sources: dict[str, Signature], marker: Signature | None, now: datetime,
        site_dir: Path,
    ) -> bool:
        """True when a build with these inputs would write exactly what is there."""
        lo, hi = self.clock
        if not (
            options == self.options
            and str(output) == self.output
            and marker is not None
            and marker == self.marker
            and (now == self.now or ((lo is None or lo < now) and (hi is None or now < hi)))
            and sources_digest(sources) == self.sources
        ):
            return False
        recent = changed_since(sources, self.scanned_ns - RACY_NS)  # mostly none
        return all(
            path in self.racy and digest_or_none(source_file(site_dir, path)) == self.racy[path] for path in recent
        )

    def settled(self, scanned: Scan) -> State | None:
        """After `holds` found *scanned* unchanged: this state as if taken by that scan, when
        it leaves fewer files to hash (those changed shortly before the build must be
        hashed at every check until a later scan finds them settled; after a checkout of
        every file, that is every file, 0.5 s at 30,000 articles). Else None."""
        if scanned.started_ns <= self.scanned_ns or not self.racy:  # a clock set back; or nothing to settle
            return None
        since = scanned.started_ns - RACY_NS  # later than the state's: only files `holds` hashed
        racy = {path: self.racy[path] for path in changed_since(scanned.files, since)}
        return replace(self, scanned_ns=scanned.started_ns, racy=racy) if len(racy) < len(self.racy) else None


def noop(options: BuildOptions, scanned: Scan | None = None) -> BuildResult | None:
    """The last build's result when nothing it read has changed since and the output is
    still the one it wrote (then a build would write the same bytes); else None.
    *scanned*: a `scan_now` the caller already made."""
    if options.cache is None:
        return None
    started = time.perf_counter()
    if died(options.cache):  # the last build was killed: the next one clears its debris
        return None
    store = BuildCache(options.cache)
    try:
        state = store.load(STATE, State)
    except CacheError:
        return None
    if state is None:
        return None
    output = options.output.resolve()
    marker = marker_signature(output, MARKER)
    scanned = scanned or scan_now(options.site_dir)
    if scanned.refused:  # a symlink out of the site, a FIFO: the build reports it
        return None
    # The output restored by a CI cache: another marker file, naming the same output.
    restored = marker not in (None, state.marker) and state.token != "" and output_token(output, MARKER) == state.token
    if not state.holds(options.key(), output, scanned.files, state.marker if restored else marker, options.now, options.site_dir):
        return None
    settled = state.settled(scanned)
    if restored:
        settled = replace(settled or state, marker=marker)
    checkout = scanned.checkout
    if checkout is not None and checkout.moved == 0 and state.git_index != checkout.index:
        settled = replace(settled or state, git_index=checkout.index)  # a commit since: no need to ask the index again
    if settled is not None:
        with contextlib.suppress(OSError):  # a cache that cannot be written: the next check hashes again
            store.save(STATE, settled)
    try:
        warnings = store.load(WARNINGS, Warnings)
    except CacheError:
        return None
    if warnings is None or warnings.token != state.warnings:
        return None
    articles, pages, files = state.summary
    return BuildResult(warnings.problems, articles, pages, files, time.perf_counter() - started, 0, state.notes)


def new_token() -> str:
    """A token that ties a `State` to its `Warnings`."""
    return os.urandom(8).hex()


def known_clock(options: BuildOptions, scanned: Scan) -> tuple[datetime | None, datetime | None] | None:
    """The clock interval of the last build (`State.clock`), when it still describes the
    sources: nothing they hold has changed since, it was built with these options and
    *options.now* falls inside it. ``newsgen next`` then answers without parsing."""
    if options.cache is None or died(options.cache) or scanned.refused:
        return None
    try:
        state = BuildCache(options.cache).load(STATE, State)
    except CacheError:
        return None
    if state is None or state.options != options.key():
        return None
    low, high = state.clock
    if not ((low is None or low < options.now) and (high is None or options.now < high)):
        return None
    output, anything = options.output.resolve(), (0, 0, 0)  # what the output holds does not matter here
    if not replace(state, output=str(output), marker=anything).holds(
        options.key(), output, scanned.files, anything, options.now, options.site_dir,
    ):
        return None
    return state.clock
