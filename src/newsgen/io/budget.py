"""A CPU-time budget for a call in a process's main thread (SIGVTALRM through setitimer).

Parsing an article must end in a second or two however it is written. `newsgen.core.limits`
rejects the inputs known to be costly before they are read; this stops whatever else
runs too long, where a timer can run: in the main thread of a process on POSIX, which is
where `build` and `serve` parse (and `build`'s worker processes). Elsewhere (another
thread, another platform) `within` sets nothing and the checks alone bound the cost.
"""
from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from newsgen.core.errors import OverBudget

PARSE_SECONDS = 1.0
"""CPU time one article may take to parse: the slowest real article takes a tenth of it."""


def usable() -> bool:
    """Whether a timer can interrupt this thread, and none is running already."""
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_VIRTUAL) == (0.0, 0.0)
    )


@contextmanager
def within(seconds: float | None = None) -> Iterator[None]:
    """Raise `OverBudget` in the block once it has used *seconds* (default `PARSE_SECONDS`)
    of CPU time (user time of the process), where a timer can run; otherwise run the block
    unbounded."""
    seconds = PARSE_SECONDS if seconds is None else seconds
    if not usable():
        yield
        return
    armed = True

    def expire(signum: int, frame: object) -> None:
        if armed:
            raise OverBudget(seconds)

    previous = signal.signal(signal.SIGVTALRM, expire)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)
