"""Article bodies by content hash, in ``.newsgen-cache/bodies.sqlite``: the parse cache
keeps articles without their bodies, and a build reads back only those it renders."""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

from newsgen.incremental.errors import CacheError


class Bodies:
    """The bodies database of one cache folder, opened when first used (and again in a
    forked worker, which must never use its parent's connection); *read_only*: never
    written, nor made (the preview reads the bodies a build kept)."""

    def __init__(self, folder: Path, header: bytes, read_only: bool = False) -> None:
        self.folder, self.header, self.read_only = folder, header, read_only
        self._db: sqlite3.Connection | None = None
        self._pid = os.getpid()

    def _connection(self) -> sqlite3.Connection:
        if self._db is not None and self._pid != os.getpid():
            self._db = None
        if self._db is None and self.read_only:
            self._db, self._pid = self._open_read_only(), os.getpid()
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
                db.execute("CREATE TABLE IF NOT EXISTS tally (bodies INTEGER NOT NULL)")
                row = db.execute("SELECT header FROM meta").fetchone()
                if row is None and existed:
                    db.close()
                    raise CacheError("the bodies database is empty")
                if row is None:
                    db.execute("INSERT INTO meta VALUES (?)", (self.header,))
                    db.execute("INSERT INTO tally VALUES (0)")
                elif row[0] != self.header:
                    db.close()
                    raise CacheError("the bodies were written by another newsgen version")
            except sqlite3.DatabaseError as exc:
                raise CacheError(f"the bodies database is unreadable ({exc})") from None
            self._db, self._pid = db, os.getpid()
        return self._db

    def _open_read_only(self) -> sqlite3.Connection:
        path = self.folder / "bodies.sqlite"
        _check_database(path)
        try:
            db = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
            row = db.execute("SELECT header FROM meta").fetchone()
        except sqlite3.DatabaseError as exc:
            raise CacheError(f"the bodies database is unreadable ({exc})") from None
        if row is None or row[0] != self.header:
            db.close()
            raise CacheError("the bodies were written by another newsgen version")
        return db

    def get(self, digest: str) -> str | None:
        try:
            row = self._connection().execute("SELECT html FROM body WHERE digest = ?", (digest,)).fetchone()
        except sqlite3.DatabaseError as exc:
            raise CacheError(f"the bodies database is unreadable ({exc})") from None
        return row[0] if row else None

    def add(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Keep the bodies *pairs* (digest, html)."""
        db = self._connection()
        try:
            db.execute("BEGIN")
            added = db.executemany("INSERT OR REPLACE INTO body VALUES (?, ?)", pairs).rowcount
            db.execute("UPDATE tally SET bodies = bodies + ?", (added,))
            db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise CacheError(f"the bodies database is unreadable ({exc})") from None

    def keep(self, articles: int, live: Callable[[], set[str]]) -> None:
        """Drop the bodies of articles that are gone, once the bodies outnumber the
        *articles* twice over; *live* gives the digests of those to keep (asked only then).
        The ``tally`` table bounds the count from above (a body replaced by the same digest
        counts twice), so the table is counted only when the bound passes that line:
        ``count(*)`` reads the whole table, 0.3 s at 100,000 articles."""
        db = self._connection()
        limit = 2 * articles + 100
        try:
            row = db.execute("SELECT bodies FROM tally").fetchone()
            if row is not None and row[0] <= limit:
                return
            (count,) = db.execute("SELECT count(*) FROM body").fetchone()
            stale: list[str] = []
            if count > limit:
                digests = live()
                stale = [d for (d,) in db.execute("SELECT digest FROM body") if d not in digests]
            db.execute("BEGIN")
            db.executemany("DELETE FROM body WHERE digest = ?", ((d,) for d in stale))
            count -= len(stale)
            db.execute("DELETE FROM tally")
            db.execute("INSERT INTO tally VALUES (?)", (count,))
            db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise CacheError(f"the bodies database is unreadable ({exc})") from None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


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
