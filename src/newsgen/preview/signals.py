"""How the preview stops: any of SIGINT, SIGTERM and SIGHUP, always with its clean-up, and
its private folder, removed whatever stops it."""
from __future__ import annotations

import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


@contextmanager
def private_folder(signals: StopSignals) -> Iterator[str]:
    """A new temporary folder, removed at the end whatever stops the preview."""
    folder: tempfile.TemporaryDirectory[str] | None = None
    try:
        with signals.held():  # a signal here must not leave the folder made and forgotten
            folder = tempfile.TemporaryDirectory(prefix="newsgen-serve-", ignore_cleanup_errors=True)
        yield folder.name
    finally:
        signals.stopping = True
        if folder is not None:
            folder.cleanup()


class StopSignals:
    """SIGINT (Ctrl-C), SIGTERM and SIGHUP (the terminal closed) all stop the preview the
    same way: each raises KeyboardInterrupt in the main thread, so that the same clean-up
    runs, and once ``stopping`` (the clean-up has begun) they are ignored, so that nothing
    cuts it short. One that Python swallowed (raised in a finaliser) is raised again by
    `check`. A signal ignored when the preview started (``nohup``) stays ignored."""

    SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))

    def __init__(self) -> None:
        self.stopping = False
        self.requested = False
        self._holding = False
        self._previous: dict[int, object] = {}

    def __enter__(self) -> StopSignals:
        for sig in self.SIGNALS:
            if signal.getsignal(sig) is not signal.SIG_IGN:
                self._previous[sig] = signal.signal(sig, self._caught)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)  # type: ignore[arg-type]

    def _caught(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True
        if not self.stopping and not self._holding:
            raise KeyboardInterrupt

    def check(self) -> None:
        """Raise KeyboardInterrupt if a stop signal came."""
        if self.requested and not self.stopping:
            raise KeyboardInterrupt

    @contextmanager
    def held(self) -> Iterator[None]:
        """A signal during the block stops the preview once the block is done."""
        self._holding = True
        try:
            yield
        finally:
            self._holding = False
            self.check()
