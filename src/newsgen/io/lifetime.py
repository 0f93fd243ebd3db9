"""Child processes that die with newsgen, however it ends (``kill -9`` included).

On Linux the kernel kills a child when the thread that started it dies, once the child
has asked for it (``prctl(PR_SET_PDEATHSIG, SIGKILL)``): a worker calls `die_with_parent`
from its pool initializer, a tool (Pagefind) from ``preexec_fn`` before it starts. Elsewhere
`die_with_parent` does nothing; the fallbacks are that a Pagefind service exits when its
input closes, and that pool workers notice their parent gone (`orphaned`).
"""
from __future__ import annotations

import functools
import os
import signal
import sys
import threading
import time
from collections.abc import Callable

PR_SET_PDEATHSIG = 1


@functools.cache
def ready() -> Callable[..., int] | None:
    """libc's ``prctl``, where there is one. Call it in the parent before starting a child
    that will exec: a forked child must not load libraries (another thread may hold the
    loader's lock), it finds the function already looked up."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


def die_with_parent(parent: int | None = None, watch: bool = False) -> None:
    """Ask the kernel to kill this process when its parent dies. With *parent* (the
    parent's pid, read before the fork), exit at once if it is gone already, and with
    *watch* where the kernel cannot help, look for it every second from a thread (for a
    worker; a process about to exec keeps no thread)."""
    prctl = ready()
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if parent is None:
        return
    if os.getppid() != parent:
        os._exit(1)
    if prctl is None and watch:
        threading.Thread(target=_watch, args=(parent,), name="newsgen-parent", daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)
