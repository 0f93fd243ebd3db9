"""The preview's search index, kept up to date from one background thread, so that a save
never waits for Pagefind."""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from threading import Event, Lock, Thread
from typing import Protocol

from newsgen.core.errors import NewsgenError, Problem
from newsgen.io import search
from newsgen.io.update import Manifest
from newsgen.io.writer import swap


class Console(Protocol):
    def problems(self, problems: tuple[Problem, ...], summary: str) -> None: ...

    def info(self, message: str) -> None: ...


class SearchIndexer:
    """Keeps the served copy's search index up to date from one background thread: a new
    index is written beside the served one and swapped in; changes made meanwhile are
    indexed next."""

    def __init__(self, root: Path, console: Console) -> None:
        self.root, self.console = root, console
        self.lock = Lock()
        self.stopping = Event()
        self.wanted: Manifest | None = None
        self.indexed: Manifest = {}
        self.thread: Thread | None = None

    def want(self, pages: Manifest) -> None:
        with self.lock:
            self.wanted = pages
            if self.thread is None or not self.thread.is_alive():
                self.thread = Thread(target=self._run, name="newsgen-search", daemon=True)
                self.thread.start()

    def forget(self) -> None:
        """The served copy was rewritten from scratch, index included."""
        with self.lock:
            self.indexed = {}

    def stop(self) -> None:
        self.stopping.set()
        thread = self.thread
        # A stop signal can land inside `Thread.start` (it waits for the thread to run): a
        # thread that never ran has nothing to join, and joining it would raise.
        if thread is not None and thread.ident is not None:
            thread.join(timeout=10)

    def _run(self) -> None:
        while not self.stopping.is_set():
            with self.lock:
                pages = self.wanted
                if pages is None or pages == self.indexed:
                    self.thread = None
                    return
            started = time.perf_counter()
            fresh = Path(tempfile.mkdtemp(prefix="index-", dir=self.root.parent))
            try:
                search.index(self.root, fresh, cancel=self.stopping)
                swap(fresh, self.root / search.INDEX_DIR)
            except (NewsgenError, OSError) as exc:
                if not self.stopping.is_set():
                    problems = getattr(exc, "problems", ()) or (Problem("(search)", 0, str(exc)),)
                    self.console.problems(problems, "the search index is out of date")
                with self.lock:
                    self.wanted, self.thread = None, None
                return
            finally:
                shutil.rmtree(fresh, ignore_errors=True)
            with self.lock:
                self.indexed = pages
            self.console.info(f"indexed for search in {time.perf_counter() - started:.2f} s")
