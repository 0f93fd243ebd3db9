"""The persistent build cache in ``.newsgen-cache/``: what the last build read and wrote.

Its files, each replaced atomically, each starting with a header naming the cache
format, newsgen's version and Python's, so a cache from another version is discarded:

- ``state``: the signature (size, mtime, inode) of every source file and of newsgen's own
  files, the output's marker, the clock interval the output holds for, and the summary.
  Enough for ``newsgen build`` to see that nothing changed without importing the engine.
- ``index``: each output file's key, the search index's key, image sizes by file
  signature, what a quick re-plan may change of the last plan; and in ``articles-00`` …
  ``articles-15``, each article parsed (without its body) by path and content hash, only
  the changed ones rewritten.
- ``outline``: the structure of the last plan made afresh or grown by new articles (the
  site's lists and related lists, its sitemaps), which an edit that moves no article
  keeps; its articles are saved as their paths and read back from the article shards.
- ``bodies.sqlite``: article bodies by content hash, read only for the pages rendered.
- ``templates/``: compiled templates (Jinja checks them against their sources).

Standard library only: the no-op check runs before any heavy import.
"""
from __future__ import annotations

import contextlib
import copyreg
import os
import pickle
import shutil
import sqlite3
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import newsgen
from newsgen.io.lock import LOCK, died
from newsgen.core.errors import Problem
from newsgen.core.options import BuildOptions, BuildResult
from newsgen.io.scanning import (
    RACY_NS,
    Scan,
    Signature,
    digest_or_none,
    marker_signature,
    scan_now,
    source_file,
)

CACHE_DIR = ".newsgen-cache"
MARKER = ".newsgen-output"
"""The file that marks an output folder as newsgen's (and, by its inode, as this build's)."""
MARKER_TEXT = b"Built by newsgen. This directory is replaced on every build.\n"
FORMAT = 7
HEADER = f"newsgen-cache {FORMAT} {newsgen.__version__} {sys.version_info[0]}.{sys.version_info[1]}\n".encode()
SHARDS = 16
"""The parsed articles are saved in this many files, by a hash of their path."""


class CacheError(Exception):
    """The cache cannot be read or was written by another version: discard it."""


@dataclass
class State:
    """What the last successful build saw and made: enough to recognise a no-op."""

    options: str
    """The build options that shape the output (`BuildOptions.key`)."""
    output: str
    sources: dict[str, Signature]
    scanned_ns: int
    marker: Signature | None
    clock: tuple[datetime | None, datetime | None]
    """The output is right for any build clock strictly inside this interval…"""
    now: datetime
    """…and for the clock of that build."""
    summary: tuple[int, int, int]
    """Articles, pages and files of that build."""
    warnings: tuple[Problem, ...] = ()
    """That build's warnings: a no-op build repeats them, so none is ever lost from view."""
    racy: dict[str, str | None] = field(default_factory=dict)
    """SHA-256 of the files changed just before that build's scan (`racy_digests`; an
    article's is that of the bytes it was parsed from): their signature alone cannot
    tell a second change within the same mtime tick."""
    notes: tuple[str, ...] = ()
    """That build's warnings about the whole site (`BuildResult.notes`), repeated likewise."""

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
            and sources == self.sources
        ):
            return False
        recent = [path for path, (_, mtime, _) in sources.items() if mtime >= self.scanned_ns - RACY_NS]
        return all(
            path in self.racy and digest_or_none(source_file(site_dir, path)) == self.racy[path] for path in recent
        )

    def settled(self, scanned: Scan) -> State | None:
        """After `holds` found *scanned* unchanged: this state as if taken by that scan, when
        it leaves fewer files to hash (those changed shortly before the build must be
        hashed at every check until a later scan finds them settled; after a checkout of
        every file, that is every file, 0.5 s at 30,000 articles). Else None."""
        if scanned.started_ns <= self.scanned_ns:  # a clock set back: keep what was checked
            return None
        since = scanned.started_ns - RACY_NS  # later than the state's: only files `holds` hashed
        racy = {path: self.racy[path] for path, (_, mtime, _) in scanned.files.items() if mtime >= since}
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
    state = store.load_state()
    if state is None:
        return None
    output = options.output.resolve()
    marker = marker_signature(output, MARKER)
    scanned = scanned or scan_now(options.site_dir)
    if scanned.refused:  # a symlink out of the site, a FIFO: the build reports it
        return None
    if not state.holds(options.key(), output, scanned.files, marker, options.now, options.site_dir):
        return None
    settled = state.settled(scanned)
    if settled is not None:
        with contextlib.suppress(OSError):  # a cache that cannot be written: the next check hashes again
            store.save_state(settled)
    articles, pages, files = state.summary
    return BuildResult(state.warnings, articles, pages, files, time.perf_counter() - started, 0, state.notes)


@dataclass
class Index:
    """The parsed articles (bodies aside) and the key of every output file, from the last build."""

    articles: dict[str, Any] = field(default_factory=dict)
    """Article path → whatever the build stored (its parse cache entry)."""
    outputs: dict[str, str] = field(default_factory=dict)
    """Output file → the key it was made from."""
    output_marker: Signature | None = None
    """The output those keys describe; a different marker means they describe nothing."""
    search: str = ""
    """The key of the search index in that output."""
    images: dict[str, tuple[Signature, tuple[int, int] | None]] = field(default_factory=dict)
    outline: Any = None
    """What a quick re-plan may change of that build's plan; the rest is in ``outline``."""
    parse_context: str = ""
    """The context the articles' parse cache entries were all found under."""


class BuildCache:
    """The ``.newsgen-cache/`` folder of one site."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._db: sqlite3.Connection | None = None
        self._pid = os.getpid()
        self._shards: dict[int, dict[str, Any]] = {}
        """The article shards as loaded, to tell by identity which entries changed."""

    # --- state: the no-op check -------------------------------------------------------

    def load_state(self) -> State | None:
        try:
            state = self._load("state")
        except CacheError:
            return None
        return state if isinstance(state, State) else None

    def save_state(self, state: State) -> None:
        self._save("state", state)

    def mark_dirty(self) -> None:
        """Before the output changes in place: until `clean`, no build may trust what the
        index says the output holds (an interrupted update is then rewritten whole)."""
        (self.folder / "state").unlink(missing_ok=True)
        (self.folder / "dirty").touch()

    def dirty(self) -> bool:
        return (self.folder / "dirty").exists()

    def clean(self) -> None:
        (self.folder / "dirty").unlink(missing_ok=True)

    # --- index -------------------------------------------------------------------------

    def load_index(self) -> Index:
        """The last build's index; `CacheError` if unreadable, empty if there is none."""
        if not (self.folder / "index").exists():
            return Index()
        index = self._load("index")
        if not isinstance(index, Index):
            raise CacheError("the index is not newsgen's")
        articles: dict[str, Any] = {}
        self._shards = {}
        for shard in range(SHARDS):
            name = f"articles-{shard:02d}"
            entries = self._load(name) if (self.folder / name).exists() else {}
            if not isinstance(entries, dict):
                raise CacheError(f"{name} is not newsgen's")
            self._shards[shard] = entries
            articles.update(entries)
        return replace(index, articles=articles)

    def save_index(self, index: Index) -> None:
        """Save *index*, rewriting only the article shards that changed since `load_index`
        (an edit rewrites one sixteenth of the parsed articles, not all of them)."""
        articles, loaded = index.articles, self._shards
        if len(loaded) == SHARDS:  # compare in C loops; place only the new articles
            changed = {shard for shard, entries in loaded.items() if not entries.items() <= articles.items()}
            placed = set().union(*(entries.keys() for entries in loaded.values()))
            new = {key: _shard(key) for key in articles.keys() - placed}
            for shard in changed | set(new.values()):
                kept = {key: articles[key] for key in loaded[shard] if key in articles}
                self._save(f"articles-{shard:02d}", kept | {key: articles[key] for key, at in new.items() if at == shard})
        else:
            shards: dict[int, dict[str, Any]] = {shard: {} for shard in range(SHARDS)}
            for key, value in articles.items():
                shards[_shard(key)][key] = value
            for shard, entries in shards.items():
                self._save(f"articles-{shard:02d}", entries)
        self._save("index", replace(index, articles={}))
        self._shards = {}

    # --- bodies ------------------------------------------------------------------------

    def bodies(self) -> sqlite3.Connection:
        if self._db is not None and self._pid != os.getpid():
            self._db = None  # a forked worker: never use the parent's connection
        if self._db is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / "bodies.sqlite"
            existed = path.exists()
            if existed:
                _check_database(path)
            try:
                db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute("CREATE TABLE IF NOT EXISTS meta (header BLOB)")
                db.execute("CREATE TABLE IF NOT EXISTS body (digest TEXT PRIMARY KEY, html TEXT NOT NULL)")
                row = db.execute("SELECT header FROM meta").fetchone()
                if row is None and existed:
                    db.close()
                    raise CacheError("the bodies database is empty")
                if row is None:
                    db.execute("INSERT INTO meta VALUES (?)", (HEADER,))
                elif row[0] != HEADER:
                    db.close()
                    raise CacheError("the bodies were written by another newsgen version")
            except sqlite3.DatabaseError as exc:
                raise CacheError(f"the bodies database is unreadable ({exc})") from None
            self._db, self._pid = db, os.getpid()
        return self._db

    def body(self, digest: str) -> str | None:
        try:
            row = self.bodies().execute("SELECT html FROM body WHERE digest = ?", (digest,)).fetchone()
        except sqlite3.DatabaseError as exc:
            raise CacheError(f"the bodies database is unreadable ({exc})") from None
        return row[0] if row else None

    def add_bodies(self, pairs: Iterable[tuple[str, str]]) -> None:
        db = self.bodies()
        try:
            db.execute("BEGIN")
            db.executemany("INSERT OR REPLACE INTO body VALUES (?, ?)", pairs)
            db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise CacheError(f"the bodies database is unreadable ({exc})") from None

    def keep_bodies(self, articles: int, live: Callable[[], set[str]]) -> None:
        """Drop the bodies of articles that are gone, once the bodies outnumber the
        *articles* twice over; *live* gives the digests of those to keep (asked only then)."""
        db = self.bodies()
        try:
            (count,) = db.execute("SELECT count(*) FROM body").fetchone()
            if count > 2 * articles + 100:
                digests = live()
                stale = [d for (d,) in db.execute("SELECT digest FROM body") if d not in digests]
                db.execute("BEGIN")
                db.executemany("DELETE FROM body WHERE digest = ?", ((d,) for d in stale))
                db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise CacheError(f"the bodies database is unreadable ({exc})") from None

    # --- the folder --------------------------------------------------------------------

    def discard(self) -> bool:
        """Remove everything in the folder (it is newsgen's alone) but the lock that a
        build holds, whatever stands there (a file for the folder, folders for files);
        True if the folder can then be used, False if it cannot be cleared."""
        self.close()
        folder = self.folder
        try:
            if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
                folder.unlink()
            folder.mkdir(parents=True, exist_ok=True)
            for child in _listed(folder):
                if child.name == LOCK and child.is_file() and not child.is_symlink():
                    continue
                if child.is_dir() and not child.is_symlink():
                    _listed(child)
                    shutil.rmtree(child)
                else:
                    child.unlink()
            probe = folder / ".probe"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError:
            return False
        return True

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # --- values that refer to others by name ---------------------------------------------

    def save_linked(self, name: str, value: object, names: Mapping[int, str], kind: type) -> None:
        """Save *value*, writing each object of type *kind* it holds that *names* names (by
        ``id``) as that name: `load_linked` puts back the objects of that name at the time.
        (By type, not with a ``persistent_id`` asked about every object: the outline of a
        10,000-article site holds 146,000 objects but 10,000 articles; 0.045 s saved.)"""

        def reduce(obj: object) -> Any:
            linked = names.get(id(obj))
            return (_Linked, (linked,)) if linked is not None else obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)

        self._save(name, value, {kind: reduce})

    def forget(self, name: str) -> None:
        """Remove the saved value *name* (found damaged), whatever stands in its place."""
        path = self.folder / name
        with contextlib.suppress(OSError):
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink(missing_ok=True)

    def load_linked(self, name: str, objects: Mapping[str, object]) -> object | None:
        """What `save_linked` saved as *name*, each named object taken from *objects*;
        None if there is none. `CacheError` if unreadable or if a name is missing."""
        return self._load(name, objects) if (self.folder / name).exists() else None

    def _load(self, name: str, objects: Mapping[str, object] | None = None) -> object:
        try:
            with open(self.folder / name, "rb") as file:
                if file.readline() != HEADER:
                    raise CacheError(f"{name} was written by another newsgen version")
                return (pickle.Unpickler(file) if objects is None else _LinkingUnpickler(file, objects)).load()
        except CacheError:
            raise
        except Exception as exc:  # a corrupt pickle can raise almost anything
            raise CacheError(f"{name} is unreadable ({type(exc).__name__})") from None

    def _save(self, name: str, value: object, reducers: Mapping[type, Callable[[Any], Any]] | None = None) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        ignore = self.folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# newsgen's build cache: safe to delete, never commit.\n*\n", encoding="utf-8")
        fd, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(HEADER)
                pickler = pickle.Pickler(file, protocol=pickle.HIGHEST_PROTOCOL)
                if reducers is not None:
                    pickler.dispatch_table = {**copyreg.dispatch_table, **reducers}
                pickler.dump(value)
            os.replace(temporary, self.folder / name)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _listed(folder: Path) -> list[Path]:
    """What *folder* holds; a folder of newsgen's that its user may not list is given
    back the permissions newsgen makes its folders with, first."""
    try:
        return list(folder.iterdir())
    except PermissionError:
        folder.chmod(0o755)
        return list(folder.iterdir())


def _check_database(path: Path) -> None:
    """`CacheError` if the SQLite file *path* is shorter than its header says (cut short:
    SQLite itself notices only when it reads a missing page, maybe in the middle of a build)."""
    try:
        with open(path, "rb") as file:
            header = file.read(100)
            size = os.fstat(file.fileno()).st_size
    except OSError as exc:
        raise CacheError(f"the bodies database is unreadable ({exc.strerror})") from None
    if len(header) < 100 or not header.startswith(b"SQLite format 3\0"):
        raise CacheError("the bodies database is not a database")
    page = int.from_bytes(header[16:18], "big")
    page = 65536 if page == 1 else page
    pages, counter, valid_for = (int.from_bytes(header[at : at + 4], "big") for at in (28, 24, 92))
    if counter == valid_for and size < pages * page:
        raise CacheError("the bodies database is cut short")


def _shard(key: str) -> int:
    return zlib.crc32(key.encode()) % SHARDS


class _Linked:
    """Stands in a saved value for an object that `load_linked` takes by name (never made)."""


class _LinkingUnpickler(pickle.Unpickler):
    """Reads `_Linked` as a lookup of its name in *objects*."""

    def __init__(self, file: BinaryIO, objects: Mapping[str, object]) -> None:
        super().__init__(file)
        self._objects = objects

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == _Linked.__name__:
            return self._objects.__getitem__
        return super().find_class(module, name)
