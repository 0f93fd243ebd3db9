"""Putting a plan into the output folder: what changed, and only that.

- A first build, or one that changes most files, writes a staging folder (in ``jobs``
  processes), indexes it for search, and swaps it in with one rename.
- Any other build replaces just the changed files in place, all or none
  (`newsgen.io.writer.Update`): each is written beside its place first, which is where
  space runs out, if it does, with the site unchanged; then renames put them all in place
  (new pages first, then the pages that link to them, deletions last, so no link ever
  points at a missing page), undone if one fails.

Any write that fails names its output file and leaves the old site byte for byte.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Protocol

from newsgen.core.errors import ContentError, Problem, UsageError
from newsgen.core.options import BuildOptions, Progress
from newsgen.core.outputs import Planned, digest
from newsgen.io.layout import MARKER, SOURCE_DIRS, marker_text
from newsgen.io.search import INDEX_DIR, index
from newsgen.io.workers import worker_pool
from newsgen.io.update import PartialUpdate, Update, space_needed
from newsgen.io.writer import Writer, staging, swap

REWRITE_SHARE = 0.5
"""Past this share of changed files, a build writes a fresh staging copy instead."""
CHUNK = 100
Hashes = MutableMapping[str, tuple[str, int]]
"""Output file → the SHA-256 (hex) and size of the bytes written there."""


def check_output(options: BuildOptions, cache: Path | None) -> None:
    """Refuse an output folder whose replacement would destroy sources or foreign files."""
    output = options.output.resolve()
    site_dir = options.site_dir.resolve()
    protected = [site_dir, *(site_dir / d for d in SOURCE_DIRS)]
    if any(output == p or p.is_relative_to(output) or output.is_relative_to(p) for p in protected[1:]) or (
        site_dir.is_relative_to(output)
    ):
        raise UsageError(message=f"refusing to write to {options.output}: it holds or is inside the site's sources")
    if cache is not None and output == cache.resolve():
        raise UsageError(message=f"refusing to write to {options.output}: it is the build cache")
    if output.exists() and not output.is_dir():
        raise UsageError(message=f"{options.output} exists and is not a folder")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise UsageError(
            message=f"refusing to replace {options.output}: it is not empty and was not built by newsgen "
            f"(no {MARKER} file); remove it or choose another -o"
        )


class Trust(Protocol):
    """What says whether the output is the one the last build's index describes: it stops
    saying so while an update renames its files (`newsgen.incremental.store.BuildCache`)."""

    def mark_dirty(self) -> None: ...

    def clean(self) -> None: ...


class _Trusting:
    def mark_dirty(self) -> None:
        pass

    def clean(self) -> None:
        pass


def token_of(plan: Sequence[Planned], search: str) -> str:
    """The token of the output *plan* makes (with the search index of key *search*): a
    digest of every file and its key, which the output's marker names."""
    return digest(search, [(item.file, item.key) for item in plan])


def publish(
    plan: Sequence[Planned], output: Path, previous: Mapping[str, str] | None, indexed: str | None, search: str,
    options: BuildOptions, trust: Trust | None = None, hashes: Hashes | None = None, token: str | None = None,
) -> int:
    """Write what changed of *plan* into *output*, whose files were made from the keys
    *previous* (None: unknown) and whose search index from *indexed*; index for search
    when *search* (its key) is set; mark it with *token* (`token_of` the plan, worked out
    here if not given). *trust* is told while the output changes in place; *hashes*, if
    given, receives the SHA-256 and size of every file of the plan written. Returns how
    many files were made. An `OSError` names the output file at fault; `PartialUpdate`
    says the output could not be put back."""
    reserved = next((item.file for item in plan if item.file.split("/")[0] == INDEX_DIR), None) if search else None
    if reserved:
        raise ContentError([Problem(reserved, 0, f"{INDEX_DIR}/ is reserved for the search index")])
    token = token_of(plan, search) if token is None else token
    if previous is not None:
        changed = [item for item in plan if previous.get(item.file) != item.key]
        if len(changed) <= len(plan) * REWRITE_SHARE:
            return _update_in_place(plan, changed, previous, output, indexed, search, token, trust or _Trusting(), hashes)
    _write_staged(plan, output, search, token, options.jobs, options.progress, hashes)
    return len(plan)


def _write_staged(
    plan: Sequence[Planned], output: Path, search: str, token: str, jobs: int, progress: Progress | None,
    hashes: Hashes | None,
) -> None:
    """Write every file to a staging folder beside *output*, index it, then swap it in.
    An `OSError` names the output file it was writing."""
    fresh = staging(output)
    try:
        _write_all(plan, fresh, jobs, progress, hashes)
        if search:
            index(fresh)
        Writer(fresh).write(MARKER, marker_text(token))
        os.chmod(fresh, 0o755)
        swap(fresh, output)
    except OSError as exc:
        name = exc.filename
        if isinstance(name, str) and Path(name).is_relative_to(fresh):
            name = str(output / Path(name).relative_to(fresh))
        raise OSError(exc.errno, exc.strerror, name) from None
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def _write_all(plan: Sequence[Planned], root: Path, jobs: int, progress: Progress | None, hashes: Hashes | None) -> None:
    """Make and write every file: this process takes every *jobs*-th chunk and forked
    workers the rest (a worker reports the whole parent's memory as its own, so one
    fewer worker keeps the peak low at the same speed); each hashes what it writes when
    *hashes* is given."""
    chunks = [range(start, min(start + CHUNK, len(plan))) for start in range(0, len(plan), CHUNK)]
    share = max(1, min(jobs, len(chunks)))  # this process and share - 1 workers
    mine = chunks[::share]
    theirs = [chunk for i, chunk in enumerate(chunks) if i % share]
    hashing = hashes is not None
    _init_writer(plan, root, hashing)
    with worker_pool(share - 1, _init_writer, (plan, root, hashing)) if theirs else contextlib.nullcontext() as pool:
        pending = pool.map_async(_write_chunk, theirs) if pool is not None else None
        for done, chunk in enumerate(mine, start=1):
            _take(_write_chunk(chunk), hashes)
            if progress:
                progress("writing", min(done * share * CHUNK, len(plan)), len(plan))
        for written in pending.get() if pending is not None else []:
            _take(written, hashes)


def _take(written: tuple[list[Problem], dict[str, tuple[str, int]]], hashes: Hashes | None) -> None:
    problems, hashed = written
    if problems:
        raise ContentError(problems)
    if hashes is not None:
        hashes.update(hashed)


_WRITING: tuple[Sequence[Planned], Path, bool] | None = None


def _init_writer(plan: Sequence[Planned], root: Path, hashing: bool) -> None:
    global _WRITING
    _WRITING = (plan, root, hashing)


def _write_chunk(chunk: range) -> tuple[list[Problem], dict[str, tuple[str, int]]]:
    """Make and write some files of the plan (in a worker, or in this process); their
    hashes if asked."""
    assert _WRITING is not None
    plan, root, hashing = _WRITING
    writer = Writer(root)
    hashed = {}
    try:
        for i in chunk:
            data = plan[i].make()
            writer.write(plan[i].file, data)
            if hashing:
                hashed[plan[i].file] = content_hash(data)
    except ContentError as exc:
        return list(exc.problems), {}
    return [], hashed


def content_hash(data: bytes) -> tuple[str, int]:
    """The SHA-256 (hex) and size of *data*."""
    return hashlib.sha256(data).hexdigest(), len(data)


def _update_in_place(
    plan: Sequence[Planned], changed: list[Planned], previous: Mapping[str, str], output: Path, indexed: str | None,
    search: str, token: str, trust: Trust, hashes: Hashes | None,
) -> int:
    """Replace the *changed* files of *output* in place, all or none (`Update`), with a
    search index made afresh if what it reads changed, and the marker naming the new plan."""
    if not changed and previous.keys() == {item.file for item in plan} and indexed == search:
        return 0
    made = {item.file: item.make() for item in changed}
    if hashes is not None:
        hashes.update((file, content_hash(data)) for file, data in made.items())
    doomed = sorted(previous.keys() - {item.file for item in plan})
    reindex = bool(search) and indexed != search
    space_needed(output, map(len, made.values()), len(made), _size(output / INDEX_DIR) if reindex else 0)
    fresh = staging(output) if reindex else None
    marked = False
    try:
        with Update(output) as update:
            update.prepare({**made, MARKER: marker_text(token)}, doomed)
            if fresh is not None:
                index(output, fresh, pages={item.file: made.get(item.file) for item in plan if item.file.endswith(".html")})
            trust.mark_dirty()
            marked = True
            update.commit({fresh: output / INDEX_DIR} if fresh is not None else None)
    except PartialUpdate:
        raise
    except BaseException:
        if marked:
            trust.clean()  # all undone: the output is still the one the index describes
        raise
    finally:
        if fresh is not None:
            shutil.rmtree(fresh, ignore_errors=True)
    if not search:
        shutil.rmtree(output / INDEX_DIR, ignore_errors=True)
    return len(changed)


def _size(folder: Path) -> int:
    """The bytes of the files below *folder* (0 if there is none)."""
    return sum(os.path.getsize(os.path.join(at, name)) for at, _, names in os.walk(folder) for name in names)
