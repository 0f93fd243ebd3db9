"""Worker processes for the long steps of a first build (parsing, writing); each dies with
newsgen, even when it is killed."""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from newsgen.io.lifetime import die_with_parent, ready

if TYPE_CHECKING:
    import multiprocessing.pool


def worker_pool(
    jobs: int, initializer: Callable[..., None], args: tuple[object, ...], fork: bool = True
) -> multiprocessing.pool.Pool:
    """A pool of *jobs* processes: forked where the platform allows (no re-import, no
    pickling of the site) unless told not to, else spawned. Each worker dies with this
    process, even when it is killed (`newsgen.io.lifetime`). (Imported here: an incremental
    build uses none, and multiprocessing costs it 6 ms to import.)"""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if fork and "fork" in methods else "spawn")
    ready()  # looked up once, before the fork
    return context.Pool(jobs, _start_worker, (os.getpid(), initializer, args))


def _start_worker(parent: int, initializer: Callable[..., None], args: tuple[object, ...]) -> None:
    die_with_parent(parent, watch=True)
    initializer(*args)
