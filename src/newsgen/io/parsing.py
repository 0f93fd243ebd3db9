"""Parsing article files in this process or in worker processes: results come back in
file order, so the site is the same whatever the number of workers."""
from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from pathlib import Path

from newsgen.core.errors import Problem
from newsgen.core.models import Article
from newsgen.core.parse import ParseContext, parse_article
from newsgen.io import budget
from newsgen.io.gitindex import blob_id
from newsgen.io.fileid import Signature, read_signed
from newsgen.io.workers import worker_pool

PARALLEL_MIN = 64
"""Fewer files than this are parsed in this process: starting workers costs more."""
CHUNK = 50
Parsed = tuple[str, str, Article | None, list[Problem], int, bytes, Signature]
"""A file parsed: its name, the SHA-256 of the bytes read, its article, its problems, the
time (ns) just before it was read, the git blob id of those bytes (`blob_id`), and the
file's signature once read (another than the scan's: it changed in between)."""


def parse_files(site_dir: Path, names: list[str], ctx: ParseContext, jobs: int = 1, fork: bool = True) -> Iterator[Parsed]:
    """Parse the files *names* (site-relative), in order, in this process or in *jobs*
    workers (forked, unless *fork* is False: a process running threads must not fork)."""
    if jobs > 1 and len(names) >= PARALLEL_MIN:
        yield from _parse_in_workers(site_dir, names, ctx, jobs, fork)
    else:
        _init_worker(site_dir, ctx)
        yield from _parse_chunk(names)


_WORKER: tuple[Path, ParseContext] | None = None


def _init_worker(site_dir: Path, ctx: ParseContext) -> None:
    global _WORKER
    _WORKER = (site_dir, ctx)


def _parse_chunk(names: list[str]) -> list[Parsed]:
    """Read and parse some files (see `Parsed`)."""
    assert _WORKER is not None
    site_dir, ctx = _WORKER
    results = []
    for name in names:
        read_ns = time.time_ns()
        raw, after = read_signed(site_dir / name)
        with budget.within():  # in the main thread of this process (or of a worker)
            article, problems = parse_article(name, raw, ctx)
        sha = article.digest if article is not None else hashlib.sha256(raw).hexdigest()
        results.append((name, sha, article, problems, read_ns, blob_id(raw), after))
    return results


def _parse_in_workers(
    site_dir: Path, names: list[str], ctx: ParseContext, jobs: int, fork: bool
) -> Iterator[Parsed]:
    chunks = [names[start : start + CHUNK] for start in range(0, len(names), CHUNK)]
    with worker_pool(jobs, _init_worker, (site_dir, ctx), fork) as pool:
        for results in pool.imap(_parse_chunk, chunks):
            yield from results
