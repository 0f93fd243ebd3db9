"""The persistent build cache in ``.newsgen-cache/``: what the last build read and wrote.

Its files, each replaced atomically, each starting with a header naming the cache
format, newsgen's version and Python's, so a cache from another version is discarded:

- ``state``: a digest of the signatures (size, mtime, inode) of every source file and of
  newsgen's own files, the output's marker and token, the clock interval the output holds
  for, and the summary. Enough for ``newsgen build`` to see that nothing changed without
  importing the engine; ``warnings``, that build's warnings as printed, which only such a
  no-op reads.
- ``index``: each output file's key, the token of the output they describe, the search
  index's key, image sizes and published files' digests by file signature, each article
  file's signature, what a quick re-plan may change of the last plan; and in
  ``articles-00`` … ``articles-15``, each article parsed (without its body) by path and
  content hash, only the changed ones rewritten (a new signature with the same bytes, as
  after a checkout, rewrites none). An edit or an addition saves only the rows of the
  index's large tables that changed (and where added outputs stand), in ``index-delta``
  (`newsgen.incremental.indexdelta`).
- ``plan``: the shape of the last plan made afresh or grown by new articles (the site's
  lists and related lists, its runs of outputs: `newsgen.incremental.memory.PlanShape`),
  which an edit that moves no article keeps; its articles are saved as their paths and
  read back from the article shards. An addition saves its shape against it, in
  ``plan-delta`` (`newsgen.incremental.shapedelta`).
- ``checkout``: each source file the site's git index vouched for, by the signature the
  cache knows it by and its blob id (`newsgen.incremental.checkout`): a CI clone's new
  signatures are given back the old ones instead of hashing every file.
- ``bodies.sqlite``: article bodies by content hash, read only for the pages rendered
  (`newsgen.incremental.bodies`).
- ``templates/``: compiled templates (Jinja checks them against their sources).

Every record is a typed value (`newsgen.incremental.cacheindex.Index`,
`newsgen.incremental.noop.State`, the plan's records); a file that does not hold the
record it should is damage, and damage of any kind means a warning and a build from
scratch. Standard library only: the no-op check runs before any heavy import.
"""
from __future__ import annotations

import contextlib
import copyreg
import os
import pickle
import shutil
import sys
import zlib
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

import newsgen
from newsgen.incremental.bodies import Bodies
from newsgen.incremental.cacheindex import Index
from newsgen.incremental.errors import CacheError
from newsgen.incremental.indexdelta import Tables, delta, fits, loaded
from newsgen.io.atomic import replacing
from newsgen.io.layout import CACHE_DIR as CACHE_DIR  # where it is defined; kept importable from here
from newsgen.io.lock import DIRTY, LOCK

if TYPE_CHECKING:
    from newsgen.incremental.memory import PlanShape
    from newsgen.incremental.parsecache import Entry

_Record = TypeVar("_Record")

FORMAT = 16
HEADER = f"newsgen-cache {FORMAT} {newsgen.__version__} {sys.version_info[0]}.{sys.version_info[1]}\n".encode()
DELTA = "index-delta"
"""The rows of the index that changed since it was saved whole (`newsgen.incremental.indexdelta`)."""
SHARDS = 16
"""The parsed articles are saved in this many files, by a hash of their path."""


class BuildCache:
    """The ``.newsgen-cache/`` folder of one site."""

    def __init__(self, folder: Path, read_only: bool = False) -> None:
        """*read_only*: the bodies database is opened read-only (`remember.peek`; the
        other records are only written by a caller's `save`)."""
        self.folder = folder
        self.bodies = Bodies(folder, HEADER, read_only)
        """Article bodies by content hash (``bodies.sqlite``)."""
        self._shards: dict[int, dict[str, Entry]] = {}
        """The article shards as loaded, to tell by identity which entries changed."""
        self._tables: Tables | None = None
        """What was loaded of the index, to save only the rows that change."""
        self.plan_base: PlanShape | None = None
        """The plan's shape as saved whole and loaded, which the next is saved against
        (`newsgen.incremental.shapedelta`)."""

    # --- typed records -------------------------------------------------------------------

    def load(
        self, name: str, kind: type[_Record], objects: Mapping[str, object] | None = None,
        persistent: Callable[[Any], object] | None = None,
    ) -> _Record | None:
        """The record saved as *name*, None if there is none; `CacheError` if it is
        unreadable or not a *kind*. *objects*: those `save` wrote by name (see there);
        *persistent*: what each persistent id `save` wrote stands for."""
        try:
            present = (self.folder / name).exists()
        except OSError as exc:  # an unreadable folder
            raise CacheError(f"{name} is unreadable ({exc.strerror})") from None
        if not present:
            return None
        record = self._load(name, objects, persistent)
        if not isinstance(record, kind):
            raise CacheError(f"{name} is not newsgen's")
        return record

    def save(
        self, name: str, record: object, names: Mapping[int, str] | None = None, kind: type | None = None,
        persistent: Callable[[object], Any] | None = None,
    ) -> None:
        """Save *record* as *name*. With *names*: each object of type *kind* it holds that
        *names* names (by ``id``) is written as that name, and `load` puts back the object
        of that name at the time. (By type, not with a ``persistent_id`` asked about every
        object: the plan of a 10,000-article site holds 146,000 objects but 10,000
        articles; 0.045 s saved.) *persistent*: a pickler's ``persistent_id``, for a record
        written against another that `load` is given (`newsgen.incremental.shapedelta`)."""
        reducers: dict[type, Callable[[Any], Any]] = {}
        if names is not None and kind is not None:

            def reduce(obj: object) -> Any:
                linked = names.get(id(obj))
                return (_Linked, (linked,)) if linked is not None else obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)

            reducers[kind] = reduce
        self._save(name, record, reducers, persistent)

    def mark_dirty(self) -> None:
        """Before the output changes in place: until `clean`, no build may trust what the
        index says the output holds (an interrupted update is then rewritten whole)."""
        (self.folder / "state").unlink(missing_ok=True)
        (self.folder / DIRTY).touch()

    def dirty(self) -> bool:
        return (self.folder / DIRTY).exists()

    def clean(self) -> None:
        (self.folder / DIRTY).unlink(missing_ok=True)

    # --- index -------------------------------------------------------------------------

    def load_index(self) -> Index:
        """The last build's index; `CacheError` if unreadable, empty if there is none."""
        index = self.load("index", Index)
        if index is None:
            return Index()
        index, self._tables = loaded(index, fits(index, self._load(DELTA)) if (self.folder / DELTA).exists() else None)
        articles: dict[str, Entry] = {}
        self._shards = {}
        for shard in range(SHARDS):
            name = f"articles-{shard:02d}"
            entries = self._load(name) if (self.folder / name).exists() else {}
            if not isinstance(entries, dict):
                raise CacheError(f"{name} is not newsgen's")
            self._shards[shard] = entries
            articles.update(entries)
        return replace(index, articles=articles)

    def save_index(self, index: Index, resigned: tuple[list[str], frozenset[str]] | None = None) -> None:
        """Save *index*, rewriting only the article shards that changed since `load_index`
        (an edit rewrites one sixteenth of the parsed articles, not all of them), and only
        the rows of its tables that changed if it can (*resigned*: the signatures that
        changed since, and those dropped: `newsgen.incremental.indexdelta`)."""
        articles, loaded = index.articles, self._shards
        if len(loaded) == SHARDS:  # compare in C loops; place only the new articles
            changed = {shard for shard, entries in loaded.items() if not entries.items() <= articles.items()}
            placed = set().union(*(entries.keys() for entries in loaded.values()))
            new = {key: _shard(key) for key in articles.keys() - placed}
            for shard in changed | set(new.values()):
                kept = {key: articles[key] for key in loaded[shard] if key in articles}
                self._save(f"articles-{shard:02d}", kept | {key: articles[key] for key, at in new.items() if at == shard})
        else:
            shards: dict[int, dict[str, Entry]] = {shard: {} for shard in range(SHARDS)}
            for key, value in articles.items():
                shards[_shard(key)][key] = value
            for shard, entries in shards.items():
                self._save(f"articles-{shard:02d}", entries)
        changed = delta(self._tables, index, resigned) if self._tables is not None else None
        self._tables = None
        if changed is not None:
            self._save(DELTA, changed)
        else:
            self._save("index", replace(index, articles={}, generation=os.urandom(8).hex()))
            (self.folder / DELTA).unlink(missing_ok=True)  # another generation's: never applied, now gone
        self._shards = {}

    # --- the folder --------------------------------------------------------------------

    def discard(self) -> bool:
        """Remove everything in the folder (it is newsgen's alone) but the lock that a
        build holds, whatever stands there (a file for the folder, folders for files);
        True if the folder can then be used, False if it cannot be cleared."""
        self.close()
        self._tables, self._shards, self.plan_base = None, {}, None  # what was loaded is gone: nothing to save against
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
        self.bodies.close()

    def forget(self, name: str) -> None:
        """Remove the saved value *name* (found damaged), whatever stands in its place."""
        path = self.folder / name
        with contextlib.suppress(OSError):
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink(missing_ok=True)

    def _load(
        self, name: str, objects: Mapping[str, object] | None = None, persistent: Callable[[Any], object] | None = None,
    ) -> object:
        try:
            with open(self.folder / name, "rb") as file:
                if file.readline() != HEADER:
                    raise CacheError(f"{name} was written by another newsgen version")
                unpickler = pickle.Unpickler(file) if objects is None else _LinkingUnpickler(file, objects)
                if persistent is not None:
                    unpickler.persistent_load = persistent  # type: ignore[method-assign]
                return unpickler.load()
        except CacheError:
            raise
        except Exception as exc:  # a corrupt pickle can raise almost anything
            raise CacheError(f"{name} is unreadable ({type(exc).__name__})") from None

    def _save(
        self, name: str, value: object, reducers: Mapping[type, Callable[[Any], Any]] = MappingProxyType({}),
        persistent: Callable[[object], Any] | None = None,
    ) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        ignore = self.folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# newsgen's build cache: safe to delete, never commit.\n*\n", encoding="utf-8")
        with replacing(self.folder / name) as file:
            file.write(HEADER)
            pickler = pickle.Pickler(file, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.dispatch_table = {**copyreg.dispatch_table, MappingProxyType: _proxy, **reducers}
            if persistent is not None:
                pickler.persistent_id = persistent  # type: ignore[method-assign]
            pickler.dump(value)


def _proxy(mapping: MappingProxyType[Any, Any]) -> tuple[object, ...]:
    """A read-only mapping (the site's lists) is saved as the dict it shows."""
    return (read_only, (dict(mapping),))


def read_only(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    """A read-only mapping back from the dict `_proxy` saved."""
    return MappingProxyType(mapping)
def _listed(folder: Path) -> list[Path]:
    """What *folder* holds; a folder of newsgen's that its user may not list is given
    back the permissions newsgen makes its folders with, first."""
    try:
        return list(folder.iterdir())
    except PermissionError:
        folder.chmod(0o755)
        return list(folder.iterdir())


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
