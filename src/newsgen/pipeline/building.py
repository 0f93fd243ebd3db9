"""``check`` and ``build``: the gathered plan written (only what changed, all or
nothing), the URL ledger and the cache remembered; a damaged cache discarded."""
from __future__ import annotations

import functools
import os
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urljoin

from newsgen.core import urls
from newsgen.core.errors import ContentError, Problem, WriteError, collapsed, errors_in, warning
from newsgen.core.addresses import stale_ledger
from newsgen.core.ledger import format_ledger
from newsgen.core.linkcheck import LinkCheck
from newsgen.core.options import LEDGER_FILE, BuildOptions, BuildResult
from newsgen.incremental.changes import ChangeNote, note_unchanged
from newsgen.incremental.checkout import scan_as_built
from newsgen.incremental.noop import noop
from newsgen.incremental.parsecache import ParseCache
from newsgen.incremental.remember import Remembered, recall, remember
from newsgen.incremental.errors import CacheError
from newsgen.incremental.cacheindex import Index
from newsgen.incremental.store import CACHE_DIR, BuildCache
from newsgen.io.digests import FileDigests
from newsgen.io.images import ImageSources
from newsgen.io.ledger import record_ledger
from newsgen.io.photo_copies import encode, media_store
from newsgen.io.photo_store import MediaStore
from newsgen.io.lock import building, hold
from newsgen.io.publish import check_output, publish, token_of
from newsgen.io.update import PartialUpdate
from newsgen.io.writer import clean_debris
from newsgen.io.layout import MARKER
from newsgen.io.fileid import output_token
from newsgen.io.scanning import Scan, racy_digests
from newsgen.io.sources import is_article
from newsgen.pipeline.gathering import Gathered, collector_paused, gather


def check(options: BuildOptions, links: bool = False) -> BuildResult:
    """Everything a build does except writing: parse, index, render; and the URL ledger must
    be what the build would leave (`newsgen.core.ledger`). *links*: also follow every
    internal link and anchor of the pages (`newsgen.core.linkcheck`)."""
    with collector_paused():
        started = time.perf_counter()
        gathered = gather(options, ParseCache(jobs=options.jobs))
        pages = LinkCheck(gathered.site.config.base_url) if links else None
        for item in gathered.plan[: gathered.pages]:
            html = item.make()
            if pages is not None:
                pages.read(item.file, html)
        result = _result(gathered, time.perf_counter() - started, 0)
        preview = options.drafts or options.future  # a preview of what is not published: no ledger
        problems = [] if preview else list(stale_ledger(gathered.ledger_was, gathered.ledger, gathered.ledger_found))
        if pages is not None:
            sources = {urls.output_file(a.path): a.source for a in gathered.site.articles}
            problems += pages.problems({item.file for item in gathered.plan}, sources)
        if errors_in(problems):
            raise ContentError([*result.warnings, *problems])
        return replace(result, warnings=(*result.warnings, *problems))


def build(options: BuildOptions, scanned: Scan | None = None) -> BuildResult:
    """Build the site into ``options.output``; with a cache, make only what changed.
    *scanned*: a `scan_as_built` of the site that the caller just made and found not to be
    a `noop` (the command line checks that before it imports the engine). One build of a
    site runs at a time (`newsgen.io.lock`); a damaged cache is discarded with a warning,
    and the build starts afresh."""
    check_output(options, options.cache)
    with collector_paused(), hold(options.cache):
        if scanned is None:
            scanned = scan_as_built(options.cache, options.site_dir)
            unchanged = noop(options, scanned)
            if unchanged is not None and (options.changes is None or note_unchanged(options)):
                return unchanged
        try:
            return _build(options, scanned)
        except (CacheError, OSError) as exc:
            if options.cache is None or not _from_cache(exc, options.cache):
                raise
            reason = _cache_trouble(exc)
        usable = BuildCache(options.cache).discard()
        result = _build(options if usable else replace(options, cache=None), scanned)
        said = f"{reason}; discarded, building from scratch" if usable else f"{reason}; building without it"
        return replace(result, warnings=(warning(CACHE_DIR, 0, said), *result.warnings))


def _build(options: BuildOptions, scanned: Scan) -> BuildResult:
    """The build, marked as running in the cache while it may write: a build that finds
    the mark clears what a killed one left."""
    with building(options.cache) as died:
        if died:
            clean_debris(options.output.resolve())
        return _build_marked(options, scanned)


def _build_marked(options: BuildOptions, scanned: Scan) -> BuildResult:
    started = time.perf_counter()
    racy = racy_digests(options.site_dir, scanned, skip=is_article)  # articles: the hash they were parsed from
    output = options.output.resolve()
    recalled = recall(options.cache)
    store, index = recalled.store, recalled.index
    bodies = store.bodies if store is not None else None
    parse_cache = ParseCache(
        index.articles, bodies, options.jobs, context=index.parse_context, signatures=index.signatures,
        own=scanned.checkout.found if scanned.checkout is not None else None,
    )
    index.articles, index.signatures = {}, {}  # the parse cache's now: freed as it replaces them
    images = ImageSources(index.images, options.jobs)
    digests = FileDigests(index.digests)
    # The output the index describes, by the token its marker names: also after a CI job
    # restored it with the cache (every inode and mtime new).
    trusted = store is not None and index.output_token != "" and output_token(output, MARKER) == index.output_token
    note = ChangeNote(options, store) if options.changes is not None else None  # reads --since before writing
    written = functools.partial(_written, output) if trusted else None
    with media_store(options.cache) as copies:
        gathered = gather(options, parse_cache, images, scanned.sources, recalled.last, written, copies, digests)
        encode(gathered.photos, copies, options.site_dir, options.jobs, options.progress)
        search_key = gathered.search if options.search and gathered.site.config.search else ""
        token = token_of(gathered.plan, search_key)
        result = _publish(options, gathered, output, store, index, trusted, started, note, token)
        scanned, racy, result, said = _record(options, gathered, scanned, racy, result)
        if store is not None:
            result = _remember(
                options, scanned, racy, gathered, recalled, parse_cache, images, result, store, copies, said, token,
                digests,
            )
        else:
            result = replace(result, warnings=tuple(recalled.problems) + result.warnings)
    if note is not None:
        try:
            note.write(output, [item.file for item in gathered.plan], index.output_token if trusted else "",
                       index.search == search_key, token, gathered.site.config.base_url)
        except OSError as exc:
            raise WriteError(message=f"{exc.strerror or exc}: {_shown(exc.filename or options.changes)}; the site is built, "
                             "but its change manifest is not written") from None
    return result


def _record(
    options: BuildOptions, gathered: Gathered, scanned: Scan, racy: dict[str, str], result: BuildResult,
) -> tuple[Scan, dict[str, str], BuildResult, tuple[Problem, ...]]:
    """Write the URL ledger as this build leaves it (never for a preview of drafts or future
    articles), after the output: the scan and digests that now hold it, the result, and the
    warnings the next no-op build repeats (not the moves the ledger now records)."""
    said = gathered.warnings
    if gathered.ledger is None or options.drafts or options.future:
        return scanned, racy, result, said
    scanned, racy, trouble = record_ledger(options.site_dir, format_ledger(gathered.ledger), scanned, racy)
    if trouble is None:
        return scanned, racy, result, tuple(p for p in said if p not in gathered.changes)
    message = f"could not write it ({trouble}); the next build tries again"
    return scanned, racy, replace(result, warnings=(*result.warnings, warning(LEDGER_FILE, 0, message))), said


def _publish(
    options: BuildOptions, gathered: Gathered, output: Path, store: BuildCache | None, index: Index, trusted: bool,
    started: float, note: ChangeNote | None, token: str,
) -> BuildResult:
    """Write what changed of *gathered* into *output*, its marker naming *token*: the
    result, or a `WriteError`. With a *note*, the writers hash what they write for it."""
    search_key = gathered.search if options.search and gathered.site.config.search else ""
    previous = index.outputs if trusted else None
    try:
        rewritten = publish(
            gathered.plan, output, previous, index.search if trusted else None, search_key, options, store,
            note.hashes if note is not None else None, token,
        )
    except PartialUpdate as exc:
        raise WriteError(message=f"{exc.strerror}: {_shown(exc.filename)}; {_shown(options.output)} is partly "
                         "updated, and the next build rewrites it in full") from None
    except OSError as exc:
        if options.cache is not None and _from_cache(exc, options.cache):
            raise
        where = _shown(exc.filename) if exc.filename else _shown(options.output)
        raise WriteError(message=f"{exc.strerror or exc}: {where}; the site in {_shown(options.output)} is unchanged") from None
    return _result(gathered, time.perf_counter() - started, rewritten)


def _remember(
    options: BuildOptions, scanned: Scan, racy: dict[str, str], gathered: Gathered, recalled: Remembered,
    parse_cache: ParseCache, images: ImageSources, result: BuildResult, store: BuildCache, copies: MediaStore,
    said: tuple[Problem, ...], token: str, digests: FileDigests,
) -> BuildResult:
    """Save what the next build needs (*token*: the one the output's marker names), and
    drop the copies of photographs no article uses."""
    result = replace(result, warnings=tuple(recalled.problems) + result.warnings)  # a discarded cache: this build only
    kept = recalled.last is not None and recalled.last.token == gathered.memory.token
    outputs = {item.file: item.key for item in gathered.plan}
    search_key = gathered.search if options.search and gathered.site.config.search else ""
    printed = tuple(collapsed(said))  # the next no-op prints them; this build too, if it says the same
    if said == result.warnings:
        result = replace(result, shown=(result.warnings, printed))
    try:
        remember(
            store, options, scanned, racy, gathered.memory, parse_cache, images, search_key, result, outputs, kept,
            printed, token, digests,
        )
        copies.prune(gathered.photos.encode)
    except (CacheError, OSError) as exc:  # the site is built: only the next build pays
        store.discard()
        message = f"could not save the cache ({_cache_trouble(exc)}); the next build starts afresh"
        result = replace(result, warnings=(*result.warnings, warning(CACHE_DIR, 0, message)))
    return result


def _from_cache(exc: Exception, folder: Path) -> bool:
    """Whether *exc* came from the cache *folder* (any damage to it, or to its files)."""
    if isinstance(exc, CacheError):
        return True
    name = getattr(exc, "filename", None)
    return isinstance(name, str) and Path(os.path.abspath(name)).is_relative_to(os.path.abspath(folder))


def _cache_trouble(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return f"{exc.strerror or type(exc).__name__}: {_shown(exc.filename)}"
    return str(exc)


def _shown(path: str | Path) -> str:
    """A path as the command line shows it: relative to where the editor stands."""
    return os.path.relpath(path)


def _written(output: Path, file: str) -> bytes | None:
    """A file of the output the last build wrote (the index says what it holds), or None."""
    try:
        return (output / file).read_bytes()
    except OSError:
        return None


def _result(gathered: Gathered, seconds: float, rewritten: int) -> BuildResult:
    articles = len(gathered.site.articles)
    return BuildResult(
        gathered.warnings, articles, gathered.pages, len(gathered.plan), seconds, rewritten,
        _notes(gathered.site.config.base_url), gathered.quick,
    )


def _notes(base_url: str) -> tuple[str, ...]:
    """What to know before deploying this build: a site below a path (a deploy preview at
    ``https://preview.example/pr-12/``) has its robots.txt where crawlers never look."""
    prefix = urls.base_path(base_url)
    if prefix == "/":
        return ()
    root = urljoin(base_url, "/robots.txt")
    return (
        f"warning: the site lives under {prefix} but crawlers read only {root}: serve this build's "
        f"robots.txt there, or add its Sitemap lines to that file (see README)",
    )
