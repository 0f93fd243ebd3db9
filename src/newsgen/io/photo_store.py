"""The encoded copies of photos, kept in the build cache (``.newsgen-cache/media/``).
Importing it imports no Pillow: a build with nothing to encode never loads it.

A copy's name says everything its bytes depend on (`newsgen.core.pictures`), so a file in
the store is never stale: `ensure` makes only the names that are missing, so a rebuild
encodes only new or changed pictures, and the store can be copied to ``media/`` as it is.
"""
from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from newsgen.core.errors import Problem
from newsgen.core.options import Progress
from newsgen.core.photoplan import Wanted
from newsgen.core.pictures import PhotoText, Rendition
from newsgen.io.atomic import replacing


@dataclass(frozen=True)
class Encoded:
    """What `ensure` did: files encoded, sources decoded, and what went wrong."""

    files: int
    sources: int
    problems: tuple[Problem, ...] = ()


class MediaStore:
    """A folder of encoded copies, one file per name (``media/<hash>-<w>.<ext>``)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, name: str) -> Path:
        return self.root / PurePosixPath(name).name

    def names(self) -> set[str]:
        """The names of every copy in the store (one listing, not a stat per copy)."""
        try:
            return {f"media/{entry}" for entry in os.listdir(self.root) if not entry.startswith(".")}
        except FileNotFoundError:
            return set()

    def read(self, name: str) -> bytes:
        return self.path(name).read_bytes()

    def write(self, name: str, data: bytes) -> None:
        """Write-and-rename: a crash leaves no half file under a good name."""
        target = self.path(name)
        temporary = target.with_name(f".{target.name}.{os.getpid()}-{threading.get_ident()}.tmp")
        with replacing(target, temporary=temporary) as file:
            file.write(data)

    def prune(self, keep: Iterable[str]) -> int:
        """Delete the copies no longer named in *keep* (and what a killed build left half
        written); returns how many."""
        wanted = {PurePosixPath(name).name for name in keep}
        removed = 0
        for path in self.root.glob("*") if self.root.is_dir() else ():
            if path.name not in wanted and path.is_file():
                path.unlink(missing_ok=True)
                removed += 1
        return removed


@dataclass(frozen=True)
class _Job:
    """The missing copies of one source file, whichever photos (texts, crops) name them."""

    file: Path
    src: str
    digest: str
    width: int
    files: tuple[tuple[Rendition, PhotoText], ...]


def ensure(store: MediaStore, wanted: Sequence[tuple[Path, Wanted]], *, jobs: int = 1,
           progress: Progress | None = None) -> Encoded:
    """Make every copy of *wanted* (each with its source file) that *store* lacks, in *jobs*
    threads (Pillow decodes, resizes and encodes without the GIL), one source at a time
    each. The bytes do not depend on *jobs*. Reports ``progress("photos", done, total)``."""
    present = store.names()
    pending: dict[str, tuple[Path, Wanted, dict[str, tuple[Rendition, PhotoText]]]] = {}
    for file, copy in wanted:
        if copy.rendition.name not in present:
            entry = pending.setdefault(copy.source.digest, (file, copy, {}))
            entry[2].setdefault(copy.rendition.name, (copy.rendition, copy.text))
    work = [_Job(file, copy.src, digest, copy.source.width, tuple(files.values()))
            for digest, (file, copy, files) in sorted(pending.items())]
    if not work:
        return Encoded(0, 0)
    store.root.mkdir(parents=True, exist_ok=True)
    made, problems = 0, []
    with ThreadPoolExecutor(max(1, min(jobs, len(work)))) as pool:
        for done, (count, problem) in enumerate(pool.map(lambda job: _run(store, job), work), start=1):
            made += count
            if problem is not None:
                problems.append(problem)
            if progress:
                progress("photos", done, len(work))
    return Encoded(made, len(work), tuple(problems))


def _run(store: MediaStore, job: _Job) -> tuple[int, Problem | None]:
    from newsgen.io.photos import DECODE_ERRORS, make  # Pillow: only when there is something to make

    try:
        data = job.file.read_bytes()
    except OSError as error:
        return 0, Problem(job.src, 0, f"cannot read the image: {error.strerror or error}")
    if hashlib.sha256(data).hexdigest() != job.digest:
        return 0, Problem(job.src, 0, "the image changed during the build; build again")
    try:
        return make(data, job.width, job.files, lambda r, encoded: store.write(r.name, encoded)), None
    except DECODE_ERRORS as error:
        return 0, Problem(job.src, 0, f"cannot make its copies ({error}); replace the file")
