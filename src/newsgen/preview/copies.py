"""The preview's copies of photographs, made in a thread of their own so that a save never
waits for encoding: until a copy is ready, the server answers its URL with the source file
(the browser shows the photograph at once, heavier), and the served folder gets the copy
once it is made (`newsgen.preview.session.Session.take_copies`).

The copies go to the site's store (``.newsgen-cache/media/``), which ``newsgen build``
shares: a photograph the preview showed is not encoded again by the build.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from newsgen.core.errors import Problem, tally
from newsgen.core.photoplan import Wanted
from newsgen.io.photo_store import MediaStore, ensure


class Console(Protocol):
    def problems(self, problems: Sequence[Problem], summary: str) -> None: ...

    def info(self, message: str) -> None: ...


class BackgroundCopies:
    """One thread making the copies last asked for (`want`); `fresh` says some were made
    since `taken` was last called."""

    def __init__(self, store: MediaStore, jobs: int, console: Console) -> None:
        self.store, self.jobs, self.console = store, jobs, console
        self._wanted: list[tuple[Path, Wanted]] | None = None
        self._lock = threading.Lock()
        self._asked = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._fresh = False
        self._stopping = False
        self._thread: threading.Thread | None = None

    def want(self, work: list[tuple[Path, Wanted]]) -> None:
        """Make the copies of *work* the store lacks (instead of what was asked before)."""
        with self._lock:
            self._wanted = work
            self._idle.clear()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="newsgen-photos", daemon=True)
                self._thread.start()
        self._asked.set()

    @property
    def fresh(self) -> bool:
        return self._fresh

    def taken(self) -> None:
        """The copies made so far are in the served folder."""
        self._fresh = False

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until every copy asked for is made (for tests); whether it was."""
        return self._idle.wait(timeout)

    def stop(self) -> None:
        self._stopping = True
        self._asked.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            self._asked.wait()
            if self._stopping:
                return
            with self._lock:
                self._asked.clear()
                work, self._wanted = self._wanted, None
            if work:
                self._make(work)
            with self._lock:
                if self._wanted is None:
                    self._idle.set()

    def _make(self, work: list[tuple[Path, Wanted]]) -> None:
        started = time.perf_counter()
        try:
            done = ensure(self.store, work, jobs=self.jobs)
        except OSError as exc:  # the cache folder went away (a build discarded it): next time
            self.console.info(f"photos: could not make copies ({exc.strerror or exc}); trying again at the next save")
            return
        except Exception as exc:  # a bug must not take the preview down with it
            self.console.info(f"photos: internal error making copies: {exc!r}; please report it")
            return
        if done.files:
            self._fresh = True
            self.console.info(f"made {done.files} copies of {done.sources} photographs in "
                              f"{time.perf_counter() - started:.2f} s")
        if done.problems:
            self.console.problems(done.problems, tally(done.problems))
