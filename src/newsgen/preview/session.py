"""``newsgen serve``: build into a private folder, serve it, rebuild on every save.

Threads (DESIGN.md, "Preview server"): the main thread runs the build loop; the
watchdog observer only records changes; the HTTP server answers from its own
threads. A failed rebuild never stops the loop: the last good site stays served
with the problems overlaid, and the next good build clears them.
"""
from __future__ import annotations

import errno
import gc
import itertools
import os
import secrets
import shutil
import signal
import tempfile
import time
import traceback
import webbrowser
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from threading import Event, Lock, Thread
from types import FrameType
from typing import Protocol

from newsgen.core import urls

from newsgen.io import search
from newsgen.pipeline import BuildOptions, collector_paused
from newsgen.core.errors import NewsgenError, Problem, UsageError, plural, tally
from newsgen.core.options import CONFIG_FILE
from newsgen.io.writer import Manifest, swap, sync
from newsgen.incremental.planning import Gathered, gather
from newsgen.preview.server import PreviewServer, Status
from newsgen.io.scanning import Sources, rescan, scan
from newsgen.io.sources import ImageSizes, ParseCache, load_config
from newsgen.preview.watcher import Watcher

DEFAULT_PORT = 8000
PORTS_TO_TRY = 20
IDLE_SECONDS = 1.0
"""Without a change for this long, the preview is idle: the time to collect garbage and
to check the watcher missed nothing."""
RESCAN_MAX = 200
"""A batch of more changed paths (a checkout) is looked for by walking every folder."""


@dataclass(frozen=True)
class ServeOptions:
    site_dir: Path
    host: str = "127.0.0.1"
    port: int | None = None
    """None: 8000, or the next free port after it. 0: any free port."""
    drafts: bool = False
    future: bool = False
    open_browser: bool = False
    poll: bool = False
    search: bool = True
    base_url: str | None = None
    """Replaces newsgen.yaml's base_url (normalized): its path is where the preview serves the site."""


class Console(Protocol):
    """Where the preview talks to the editor (the CLI prints to the terminal)."""

    def serving(self, url: str) -> None: ...

    def problems(self, problems: Sequence[Problem], summary: str) -> None:
        """Every problem, then a summary line; always shown."""

    def info(self, message: str) -> None:
        """Progress (one line per rebuild); ``-q`` hides it."""


def serve(options: ServeOptions, clock: Callable[[], datetime], console: Console) -> None:
    """Serve the site until interrupted (Ctrl-C, SIGTERM or SIGHUP: a KeyboardInterrupt);
    always removes its private folder."""
    if not (options.site_dir / CONFIG_FILE).is_file():
        raise UsageError(message=f"{CONFIG_FILE} not found in {options.site_dir} (use -C DIR to name the site)")
    with _StopSignals() as signals, _private_folder(signals) as scratch:
        root = Path(scratch, "site")
        root.mkdir()
        watcher = Watcher(options.site_dir, poll=options.poll)
        server = _bind(options, root, _prefix(options.site_dir, options.base_url), watcher.idle, console)
        session = _Session(options, clock, console, server, root)
        http = Thread(target=server.serve_forever, args=(0.1,), name="newsgen-http", daemon=True)
        try:
            _start_watching(watcher)
            http.start()
            with collector_paused():  # collected when idle instead: a pass costs 0.1 s at 10,000 articles
                session.rebuild(frozenset())
                watcher.done()
                session.settle()
                url = f"http://{_url_host(options.host)}:{server.port}{server.prefix}"
                console.serving(url)
                if options.open_browser:
                    webbrowser.open(url)
                while True:
                    signals.check()
                    batch = watcher.next_batch(timeout=IDLE_SECONDS)
                    if batch is None:
                        batch = session.tidy()
                        if not batch:
                            continue
                        watcher.idle.clear()
                    session.rebuild(batch)
                    watcher.done()
                    session.settle()
        finally:
            signals.stopping = True  # a second Ctrl-C must not cut the clean-up short
            session.indexer.stop()
            server.hub.close()
            if http.is_alive():
                server.shutdown()
                http.join(timeout=5)
            server.server_close()
            watcher.stop()


def _start_watching(watcher: Watcher) -> None:
    try:
        watcher.start()
    except OSError as exc:
        raise UsageError(message=f"cannot watch {watcher.site_dir} for changes ({exc.strerror or exc}); "
                         "try serve --poll") from None


class _Session:
    """The build loop's state: parsed articles, what the served folder holds, build ids."""

    def __init__(
        self, options: ServeOptions, clock: Callable[[], datetime], console: Console,
        server: PreviewServer, root: Path,
    ) -> None:
        self.options, self.clock, self.console, self.server, self.root = options, clock, console, server, root
        self.cache = ParseCache(jobs=os.cpu_count() or 1, fork=False)  # threads run here: never fork
        self.images = ImageSizes()
        self.last: Gathered | None = None
        """The last good build: the next one keeps its plan if no article moved."""
        self.manifest: Manifest = {}
        self.ids = (f"{secrets.token_hex(4)}.{n}" for n in itertools.count(1))
        self.search = options.search
        self.indexer = _Indexer(root, console)
        self.untidy = False
        """Whether a rebuild ran since the garbage was last collected."""
        self.scanned: Sources | None = None
        """The sources as the last rebuild saw them."""

    def rebuild(self, changed: frozenset[str]) -> None:
        started = time.perf_counter()
        build = BuildOptions(
            site_dir=self.options.site_dir, output=self.root, now=self.clock(),
            drafts=self.options.drafts, future=self.options.future, base_url=self.options.base_url,
        )
        self.untidy = True
        self._rebuild(build, changed, started)

    def _scan(self, changed: frozenset[str]) -> Sources:
        """The sources' signatures: the last ones with the paths the watcher reported
        stat'ed again (walking 10,000 articles' folders costs 50 ms), or a full scan
        (the first build, a folder that came or went, a checkout of many files, a site
        with symlinks or entries the scan refused)."""
        site_dir = self.options.site_dir
        if self.scanned is not None and 0 < len(changed) <= RESCAN_MAX:
            known = rescan(site_dir, self.scanned, changed)
            if known is not None:
                return known
        return scan(site_dir)

    def tidy(self) -> frozenset[str]:
        """Once idle after a rebuild: walk the sources to check the watcher missed
        nothing (its queue can overflow), and free what the rebuilds left in reference
        cycles (the session runs with the cyclic collector paused, so that its passes over
        a big site never delay a save or the reload that follows). Returns the paths that
        changed unreported, for a rebuild."""
        if not self.untidy:
            return frozenset()
        self.untidy = False
        gc.collect()
        if self.scanned is None:
            return frozenset()
        walked, known = scan(self.options.site_dir), self.scanned
        missed = frozenset(
            p for p in walked.files.keys() | known.files.keys() if walked.files.get(p) != known.files.get(p)
        ) | (walked.refused.keys() ^ known.refused.keys())
        if missed:
            self.scanned = None  # the rebuild walks them all again
        return missed

    def _rebuild(self, build: BuildOptions, changed: frozenset[str], started: float) -> None:
        try:
            self.scanned = self._scan(changed)
            previous = self.last.outline if self.last is not None else None
            gathered = gather(build, self.cache, self.images, scanned=self.scanned, previous=previous)
            self._write(gathered)
            self.last = gathered
        except NewsgenError as exc:
            problems = exc.problems or (Problem("(newsgen)", 0, str(exc)),)
            self._failed(problems)
            return
        except Exception as exc:  # a bug must not take the preview down with it
            traceback.print_exc()
            self._failed((Problem("(newsgen)", 0, f"internal error: {exc!r}; please report it"),))
            return
        self.search = self.options.search and gathered.site.config.search
        self.server.prefix = urls.base_path(gathered.site.config.base_url)
        self.server.show(Status(next(self.ids), (), built=True))
        if gathered.warnings:
            self.console.problems(gathered.warnings, tally(gathered.warnings))
        seconds = time.perf_counter() - started
        reason = f" after {self._describe(changed)}" if changed else ""
        articles = len(gathered.site.articles)
        self.console.info(
            f"built {plural(articles, 'article')} in {seconds:.2f} s{reason} "
            f"({self.cache.parsed} parsed)"
        )

    def settle(self) -> None:
        """What can wait until the tabs have been told to reload: find which pages show
        which article (for the next save), and re-index for search when any page changed,
        in the background, so the next save never waits for Pagefind."""
        if self.last is not None:
            self.last.outline.readers.find()
        pages = {rel: mark for rel, mark in self.manifest.items() if rel.endswith(".html")}
        if self.search:
            self.indexer.want(pages)

    def _describe(self, changed: frozenset[str]) -> str:
        """The changed file, or how many: temporary files of a save that are gone by now
        (``sed -i``'s ``sedXXXXXX``) are not worth naming."""
        names = sorted(p for p in changed if (self.options.site_dir / p).exists()) or sorted(changed)
        return names[0] if len(names) == 1 else f"{len(names)} changes"

    def _write(self, gathered: Gathered) -> None:
        try:
            self.manifest = sync(gathered.plan, self.root, self.manifest)
        except OSError:
            # A file became a folder or the other way round: start the copy afresh.
            shutil.rmtree(self.root, ignore_errors=True)
            self.root.mkdir()
            self.manifest = sync(gathered.plan, self.root, {})
            self.indexer.forget()

    def _failed(self, problems: Sequence[Problem]) -> None:
        kept = "still serving the last good site" if self.last is not None else "nothing to serve until it builds"
        self.console.problems(problems, f"{tally(problems)}; {kept}")
        self.server.show(Status(next(self.ids), tuple(problems), built=self.last is not None))


class _Indexer:
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
        if self.thread is not None:
            self.thread.join(timeout=10)

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


def _prefix(site_dir: Path, base_url: str | None) -> str:
    if base_url:
        return urls.base_path(base_url)
    try:
        return urls.base_path(load_config(site_dir).base_url)
    except NewsgenError:
        return "/"


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _bind(options: ServeOptions, root: Path, prefix: str, ready: Event, console: Console) -> PreviewServer:
    """Listen on the requested port; without one, on 8000 or the next free port after it."""
    first = DEFAULT_PORT if options.port is None else options.port
    tries = PORTS_TO_TRY if options.port is None else 1
    for port in range(first, first + tries):
        try:
            server = PreviewServer((options.host, port), root, prefix, ready)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                continue
            raise UsageError(message=f"cannot listen on {options.host}:{port}: {exc.strerror}") from None
        if port != first:
            console.info(f"port {first} is in use; using {port}")
        return server
    if options.port is None:
        raise UsageError(message=f"ports {first}–{first + tries - 1} are all in use; choose one with --port")
    raise UsageError(message=f"port {first} on {options.host} is in use by another program; choose another with --port")


@contextmanager
def _private_folder(signals: _StopSignals) -> Iterator[str]:
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


class _StopSignals:
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

    def __enter__(self) -> _StopSignals:
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

