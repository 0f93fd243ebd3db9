"""The preview's rebuild loop state (`Session`): every save builds into the served folder,
from the last plan where it can; a failed build keeps the last good site and shows why."""
from __future__ import annotations

import gc
import itertools
import os
import secrets
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from newsgen.core import urls
from newsgen.core.errors import NewsgenError, Problem, plural, tally
from newsgen.core.options import BuildOptions
from newsgen.incremental.memory import LastPlan
from newsgen.incremental.parsecache import ParseCache
from newsgen.incremental.remember import peek
from newsgen.incremental.store import CACHE_DIR
from newsgen.io.images import ImageSources
from newsgen.io.lock import hold
from newsgen.io.photo_copies import STORE
from newsgen.io.photo_store import MediaStore
from newsgen.io.scanning import Sources, rescan, scan
from newsgen.pipeline import Gathered, gather
from newsgen.preview.copies import BackgroundCopies
from newsgen.preview.indexer import SearchIndexer
from newsgen.preview.overlay import Status
from newsgen.preview.served import ServedPages

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


class Display(Protocol):
    """Where the session shows each build's status (the preview's HTTP server)."""

    prefix: str
    fallback: Mapping[str, Path]
    """The copies of photographs not made yet (site paths ``media/…``) and the source
    file to answer their URL with meanwhile."""

    make: Callable[[str, str], None]
    """Writes the file a request asks for, if it is planned but not written yet
    (`ServedPages.make`)."""

    def show(self, status: Status) -> None: ...


class Session:
    """The preview's rebuild loop state: the parsed articles, the last plan, what the
    served folder *root* holds, build ids; *display* shows each build's status (the HTTP
    server, which tells the open tabs)."""

    def __init__(
        self, options: ServeOptions, clock: Callable[[], datetime], console: Console, display: Display, root: Path,
    ) -> None:
        self.options, self.clock, self.console, self.display, self.root = options, clock, console, display, root
        self.cache = ParseCache(jobs=os.cpu_count() or 1, fork=False)  # threads run here: never fork
        self.images = ImageSources(jobs=os.cpu_count() or 1)
        self.last: Gathered | None = None
        """The last good build: the next one keeps its plan if no article moved."""
        self.pages = ServedPages(root, failed=lambda problems: console.problems(
            problems, f"{tally(problems)}; the pages not written yet wait for the next save",
        ))
        display.make = self.pages.make
        self.ids = (f"{secrets.token_hex(4)}.{n}" for n in itertools.count(1))
        self.search = options.search
        self.indexer = SearchIndexer(root, console)
        self.untidy = False
        """Whether a rebuild ran since the garbage was last collected."""
        self.scanned: Sources | None = None
        """The sources as the last rebuild saw them."""
        self.started = False
        """Whether the first rebuild looked for a build's cache to start from (`_start`)."""
        self.unindexed = False
        """Whether files were left pending since the search index was last asked for."""
        self.copies = MediaStore(options.site_dir / CACHE_DIR / STORE)
        self.encoder = BackgroundCopies(self.copies, os.cpu_count() or 1, console)

    def rebuild(self, changed: frozenset[str], timed: bool = False) -> None:
        """Build what *changed* (site paths; none: look at every file) into the served folder;
        *timed*: because the clock passed the instant the last output held until."""
        started = time.perf_counter()
        build = BuildOptions(
            site_dir=self.options.site_dir, output=self.root, now=self.clock(),
            drafts=self.options.drafts, future=self.options.future, base_url=self.options.base_url,
        )
        self.untidy = True
        self._rebuild(build, changed, started, timed)

    def due(self) -> bool:
        """Whether the build clock has passed the instant until which the last good build's
        output holds (an embargo lifting, an article expiring: `newsgen.core.timeline`): a
        rebuild of the same sources would then write something else."""
        instant = self.next_instant()
        return instant is not None and self.clock() >= instant

    def next_instant(self) -> datetime | None:
        return self.last.memory.clock[1] if self.last is not None else None

    def wait(self, idle: float) -> float:
        """How long the loop may wait for a change: *idle*, or less when the output's next
        instant comes sooner."""
        instant = self.next_instant()
        if instant is None:
            return idle
        return max(0.01, min(idle, (instant - self.clock()).total_seconds()))

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

    def _start(self) -> LastPlan | None:
        """Once, before the first rebuild: the parsed articles, images and plan of the
        site's build cache, when ``newsgen build`` left one (read under its lock; none of
        its records changed), so that a big site's preview parses and plans only what
        changed since.
        The plan is that of a build without drafts or future articles: a preview that
        shows them plans afresh. None: no plan to start from."""
        if self.started:
            return None
        self.started = True
        folder = self.options.site_dir / CACHE_DIR
        if not (folder / "index").is_file():
            return None
        try:
            with hold(folder, waiting=self.console.info):
                seed = peek(folder)
        except OSError:  # a cache this user may not read: start afresh
            seed = None
        if seed is None:
            return None
        index = seed.index
        jobs = os.cpu_count() or 1
        self.cache = ParseCache(
            index.articles, jobs=jobs, fork=False, context=index.parse_context, signatures=index.signatures,
            stored=seed.store.bodies if seed.store is not None else None,
        )
        self.images = ImageSources(index.images, jobs=jobs)
        return seed.last if not (self.options.drafts or self.options.future) else None

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

    def _rebuild(self, build: BuildOptions, changed: frozenset[str], started: float, timed: bool = False) -> None:
        try:
            with self.pages.lock:  # no page of the last plan is made meanwhile
                self.scanned = self._scan(changed)
                last = self.last.memory if self.last is not None else self._start()
                gathered = gather(build, self.cache, self.images, scanned=self.scanned, last=last, store=self.copies)
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
        self.display.prefix = urls.base_path(gathered.site.config.base_url)
        self.display.show(Status(next(self.ids), (), built=True))
        if gathered.warnings:
            self.console.problems(gathered.warnings, tally(gathered.warnings))
        seconds = time.perf_counter() - started
        reason = f" after {self._describe(changed)}" if changed else " as the clock passed a scheduled change" if timed else ""
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
            with self.pages.lock:
                self.last.memory.readers.find()
        self._index()

    @property
    def filling(self) -> bool:
        """Whether `fill` has work: files of the last plan to write, or, once requests
        wrote the last of them, the search index to ask for."""
        return self.pages.filling or (self.unindexed and not self.pages.pending)

    def fill(self, seconds: float, wanted: Callable[[], bool] = lambda: False) -> None:
        """Write files of the last plan not written yet, for about *seconds* or until
        *wanted* (a save came in); the search index once the last is written."""
        if self.pages.fill(seconds, wanted):
            self._index()
        gc.collect(0)  # the cyclic garbage of rendering, young: cheap to collect

    def _index(self) -> None:
        """Index the served pages for search, once every page is written."""
        if self.pages.pending:
            return
        self.unindexed = False
        if self.search:
            self.indexer.want({rel: mark for rel, mark in self.pages.manifest.items() if rel.endswith(".html")})

    def _describe(self, changed: frozenset[str]) -> str:
        """The changed file, or how many: temporary files of a save that are gone by now
        (``sed -i``'s ``sedXXXXXX``) are not worth naming."""
        names = sorted(p for p in changed if (self.options.site_dir / p).exists()) or sorted(changed)
        return names[0] if len(names) == 1 else f"{len(names)} changes"

    def _write(self, gathered: Gathered, again: bool = False) -> None:
        """Bring the served folder to *gathered*'s plan, but for the copies of photographs
        not made yet: the server answers those with their source file, and they are asked
        of the encoding thread (a save never waits for it). *again*: the plan written last
        time, now that copies were made."""
        present = self.copies.names()
        photos = gathered.photos
        waiting = {name for name in photos.media if name not in present}
        plan = [item for item in gathered.plan if item.file not in waiting] if waiting else gathered.plan
        if self.pages.update(plan, again):
            self.indexer.forget()
        self.unindexed = self.unindexed or bool(self.pages.pending)
        self.display.fallback = {name: photos.files[photos.media[name].src] for name in waiting}
        if waiting or any(name not in present for name in photos.encode):
            self.encoder.want(photos.work())

    def take_copies(self) -> bool:
        """Put the copies of photographs made since the last rebuild into the served folder;
        whether there were any."""
        if not self.encoder.fresh or self.last is None:
            return False
        self.encoder.taken()
        with self.pages.lock:
            self._write(self.last, again=True)
        return True

    def _failed(self, problems: Sequence[Problem]) -> None:
        kept = "still serving the last good site" if self.last is not None else "nothing to serve until it builds"
        self.console.problems(problems, f"{tally(problems)}; {kept}")
        self.display.show(Status(next(self.ids), tuple(problems), built=self.last is not None))
