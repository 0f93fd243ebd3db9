"""The copies of photographs a build publishes: made into the store before anything is
written (`encode`), in ``--jobs`` threads, with progress; then copied into ``media/`` as
any other output (their key is their name: written once, never rewritten).

The store is ``.newsgen-cache/media/`` (kept between builds, pruned to what the site
still uses) or, for a build without a cache, a temporary folder.
"""
from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from newsgen.core.errors import ContentError, Problem
from newsgen.core.options import Progress
from newsgen.core.photoplan import Wanted
from newsgen.io.photo_store import Encoded, MediaStore, ensure
from newsgen.io.sources import source_name

STORE = "media"
"""The store's folder in the cache."""


@dataclass(frozen=True)
class Photos:
    """The copies of photographs a plan publishes (``media``) and those it keeps ready
    (``encode``: also the drafts' and embargoed articles'), by name; ``files``: each
    asset's file, by site path."""

    media: Mapping[str, Wanted] = field(default_factory=dict)
    encode: Mapping[str, Wanted] = field(default_factory=dict)
    files: Mapping[str, Path] = field(default_factory=dict)

    def work(self, names: Mapping[str, Wanted] | None = None) -> list[tuple[Path, Wanted]]:
        """The copies of *names* (by default every one to keep) with their source files."""
        chosen = self.encode if names is None else names
        return [(self.files[copy.src], copy) for copy in chosen.values() if copy.src in self.files]


@contextlib.contextmanager
def media_store(cache: Path | None) -> Iterator[MediaStore]:
    """The store of a build: in its *cache*, else a folder that lives as long as the build."""
    if cache is not None:
        yield MediaStore(cache / STORE)
        return
    folder = tempfile.mkdtemp(prefix="newsgen-media-")
    try:
        yield MediaStore(Path(folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def encode(photos: Photos, store: MediaStore, site_dir: Path, jobs: int, progress: Progress | None) -> Encoded:
    """Make every copy *photos* keeps that the store lacks; `ContentError` naming each
    source that could not be made (nothing is written then)."""
    done = ensure(store, photos.work(), jobs=jobs, progress=progress)
    if done.problems:
        raise ContentError([_named(problem, photos.files, site_dir) for problem in done.problems])
    return done


def copy_of(store: MediaStore | None, copy: Wanted, file: Path) -> bytes:
    """The bytes of *copy*: from the store, where `encode` put it; else (a plan written
    without encoding first, or a store emptied meanwhile) made now from *file*."""
    if store is not None:
        try:
            return store.read(copy.rendition.name)
        except FileNotFoundError:
            pass
    from newsgen.io.photos import make  # Pillow: only when a copy is made

    made: list[bytes] = []
    make(file.read_bytes(), copy.source.width, [(copy.rendition, copy.text)], lambda _, data: made.append(data))
    return made[0]


def _named(problem: Problem, files: Mapping[str, Path], site_dir: Path) -> Problem:
    file = files.get(problem.path)
    return problem if file is None else Problem(source_name(file, site_dir), problem.line, problem.message)
