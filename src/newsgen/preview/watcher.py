"""Watch a site's sources and hand out debounced batches of changed paths.

Editors save in many ways: in place, to a temporary file renamed over the original
(vim, VS Code, ``sed -i``), by deleting and re-creating, and ``git checkout`` writes
dozens of files at once. Each produces several events; a batch ends once the sources
have been quiet for ``quiet`` seconds (or ``max_wait`` after its first event), so a
save or a checkout is one rebuild. Editor swap and backup files never count.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path, PurePosixPath

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from newsgen.io.layout import SOURCE_DIRS, SOURCE_FILES, is_leftover

_EVENTS = [FileClosedEvent, FileCreatedEvent, FileDeletedEvent, FileMovedEvent,
           DirCreatedEvent, DirDeletedEvent, DirMovedEvent]


def is_source(rel: str) -> bool:
    """Whether a path relative to the site folder is a source whose change needs a rebuild."""
    parts = PurePosixPath(rel).parts
    if not parts or parts[0] not in (*SOURCE_DIRS, *SOURCE_FILES):
        return False
    if parts[0] in SOURCE_FILES:
        return len(parts) == 1
    return not any(is_leftover(name) for name in parts[1:])


class Watcher(FileSystemEventHandler):
    """Watches newsgen.yaml, topics.yaml, content/, templates/ and static/ of one site.

    ``idle`` is set while no change is waiting for a rebuild: the preview server's
    requests wait on it, so nobody is served a page a save is about to replace.
    """

    def __init__(self, site_dir: Path, quiet: float = 0.05, max_wait: float = 1.0, poll: bool = False) -> None:
        super().__init__()
        self.site_dir = site_dir.resolve()
        self.quiet, self.max_wait = quiet, max_wait
        self.idle = threading.Event()
        self._changed = threading.Condition()
        self._pending: set[str] = set()
        self._first = self._last = 0.0
        self._watched: set[str] = set()
        self._observer: BaseObserver = PollingObserver(timeout=0.2) if poll else Observer()
        self._events = [*_EVENTS, FileModifiedEvent] if poll else _EVENTS

    def start(self) -> None:
        self._observer.schedule(self, str(self.site_dir), recursive=False, event_filter=self._events)
        for name in SOURCE_DIRS:
            self._watch(name)
        self._observer.start()

    def stop(self) -> None:
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join(timeout=5)

    def _watch(self, name: str) -> None:
        folder = self.site_dir / name
        if name not in self._watched and folder.is_dir():
            self._observer.schedule(self, str(folder), recursive=True, event_filter=self._events)
            self._watched.add(name)

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = [p for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        changed = {rel for rel in map(self._relative, paths) if rel and is_source(rel)}
        if not changed:
            return
        for rel in changed:
            if rel in SOURCE_DIRS and event.is_directory:
                self._watch(rel)
        with self._changed:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._pending |= changed
            self._last = now
            self.idle.clear()
            self._changed.notify_all()

    def _relative(self, path: str | bytes) -> str:
        text = path.decode() if isinstance(path, bytes) else path
        try:
            return Path(text).relative_to(self.site_dir).as_posix()
        except ValueError:
            return ""

    def next_batch(self, timeout: float | None = None) -> frozenset[str] | None:
        """Block until a batch of changes has settled and return it (paths relative to the
        site folder), or None after *timeout* seconds without changes."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            while True:
                now = time.monotonic()
                if self._pending:
                    ready_at = min(self._last + self.quiet, self._first + self.max_wait)
                    if now >= ready_at:
                        batch, self._pending = frozenset(self._pending), set()
                        return batch
                    self._changed.wait(ready_at - now)
                elif deadline is not None and now >= deadline:
                    return None
                else:
                    self._changed.wait(0.5 if deadline is None else min(0.5, deadline - now))

    def done(self) -> None:
        """The rebuild for the last batch is live: open the gate unless more changes came."""
        with self._changed:
            if not self._pending:
                self.idle.set()
