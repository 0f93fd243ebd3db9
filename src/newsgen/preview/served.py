"""The preview's served folder, written as it is asked for (`ServedPages`).

A big site's first preview would otherwise wait for every page: 121,000 files at
100,000 articles, some minutes. When a plan brings more new files than `EAGER_FILES`,
they are written when a request asks for one, and between saves (`fill`) until none is
left; the search index waits for the last one. A file already written whose key changed
is written again at once, as before: an open tab reloads to it.

Everything that makes or writes a file holds `ServedPages.lock`, and so does a rebuild
from the start of its plan: a file made from the last plan never lands after the next
one replaced it, and the plan's renderer is never used by two threads at once.
"""
from __future__ import annotations

import shutil
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from newsgen.core.errors import NewsgenError, Problem
from newsgen.core.outputs import Planned
from newsgen.io.update import Manifest, Update, sync
from newsgen.preview.files import site_path

EAGER_FILES = 2_000
"""A plan that brings more new files than this leaves them to be written when asked for."""


class ServedPages:
    """What the served folder *root* holds (`manifest`: file → key) and what the last
    plan still wants written there (`pending`)."""

    def __init__(self, root: Path, failed: Callable[[Sequence[Problem]], None] = print) -> None:
        """*failed*: told why `fill` could not make a file (a template's mistake, a full
        disk): it then stops until the next `update`."""
        self.root = root
        self.failed = failed
        self.lock = threading.RLock()
        self.manifest: Manifest = {}
        self.pending: dict[str, Planned] = {}
        self.stalled = False
        """Whether `fill` failed since the last `update`: the rest waits for the next save
        (or a request), instead of failing again and again."""

    def update(self, plan: Sequence[Planned], again: bool = False) -> bool:
        """Make the folder follow *plan* (holding `lock`): the files gone deleted, those
        written whose key changed written again, the new ones too if they are few, else
        left pending; those pending stay so. *again*: the same plan as the last update
        (photographs' copies made since): a `fill` stopped by a failure stays stopped.
        True when the folder had to be written afresh (a file became a folder, or the
        other way round): whatever indexed it must start again."""
        with self.lock:
            manifest, pending = self.manifest, self.pending
            few = sum(1 for item in plan if item.file not in manifest and item.file not in pending) <= EAGER_FILES
            if few and not pending:  # the usual save, once everything is written: as before
                now = plan
            else:
                now = [item for item in plan if item.file in manifest or (few and item.file not in pending)]
            afresh = False
            try:
                self.manifest = sync(now, self.root, manifest)
            except OSError:
                shutil.rmtree(self.root, ignore_errors=True)
                self.root.mkdir()
                now = plan if len(plan) <= EAGER_FILES else []
                self.manifest = sync(now, self.root, {})
                afresh = True
            # Last in plan order first: `fill` takes them from the end (taking the first
            # of a dict again and again walks past every entry taken before it).
            written = self.manifest
            self.pending = {} if now is plan else {item.file: item for item in reversed(plan) if item.file not in written}
            self.stalled = self.stalled and again
            return afresh

    def make(self, prefix: str, url_path: str) -> None:
        """Write the file a request for *url_path* (under the site's *prefix*) reads, if
        the plan wants it and it is not written yet: ``a/`` reads ``a/index.html``, and
        ``a`` may be a file, or the folder that ``a/`` redirects to. A page that fails to
        render raises (`NewsgenError`: the template's mistake), and is tried again by the
        next request."""
        below = site_path(prefix, url_path) if self.pending else None
        if below is None:
            return
        name = "/".join(part for part in below.split("/") if part)  # `locate` skips empty parts
        wanted = [name, f"{name}/index.html"] if name else ["index.html"]
        if not any(file in self.pending for file in wanted):  # a file written, or none: never waits for the lock
            return
        with self.lock:
            for file in wanted:
                item = self.pending.pop(file, None)
                if item is not None:
                    try:
                        self._write(item)
                    except BaseException:
                        self.pending[file] = item  # the server answers with the error; the next request tries again
                        raise

    def fill(self, seconds: float, wanted: Callable[[], bool] = lambda: False) -> bool:
        """Write pending files, in plan order, for about *seconds* or until *wanted* (a save
        came), letting requests in between; True when none is left."""
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline and not wanted() and not self.stalled:
            with self.lock:
                if not self.pending:
                    return True
                file, item = self.pending.popitem()
                try:
                    self._write(item)
                except Exception as exc:  # said once; the next save tries again
                    self.pending[file] = item
                    self.stalled = True
                    self.failed(_problems(file, exc))
        return not self.pending

    @property
    def filling(self) -> bool:
        """Whether `fill` has files to write."""
        return bool(self.pending) and not self.stalled

    def _write(self, item: Planned) -> None:
        data = item.make()
        with Update(self.root) as update:
            update.prepare({item.file: data})
            update.commit()
        self.manifest[item.file] = item.key


def _problems(file: str, exc: Exception) -> tuple[Problem, ...]:
    """Why *file* could not be made, as problems."""
    if isinstance(exc, NewsgenError) and exc.problems:
        return tuple(exc.problems)
    if isinstance(exc, OSError):
        return (Problem("(newsgen)", 0, f"could not write {file} ({exc.strerror or exc})"),)
    traceback.print_exc()
    return (Problem("(newsgen)", 0, f"internal error making {file}: {exc!r}; please report it"),)
