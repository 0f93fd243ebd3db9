"""The build: gather (`newsgen.incremental.planning`: read, parse, index, plan, check), then write.

Gather, check, then write: nothing touches the output until every file has parsed and
every changed file has rendered, so a failed build leaves the old site byte for byte.
With a cache (``.newsgen-cache/``) only files whose key changed are made again:

- a first build, or one that changes most files, writes a staging folder (in ``jobs``
  processes) and swaps it in with one rename;
- any other build replaces just the changed files in place (`newsgen.io.writer.Update`):
  each is written beside its place first, which is where space runs out, if it does,
  with the site unchanged; then renames put them all in place (new pages first, then
  the pages that link to them, deletions last, so no link ever points at a missing
  page), undone if one fails. During the renames the cache says the output is unknown,
  so an update killed then is healed by a full rewrite on the next build.

Any write that fails names its file and leaves the old site byte for byte. One build of a
site runs at a time (`newsgen.io.lock`), and a build clears what a killed one left.
A damaged cache is discarded with a warning, and the build starts afresh.
"""
from __future__ import annotations

import contextlib
import functools
import gc
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import urljoin

from newsgen.core import urls
from newsgen.io.lock import building, hold
from newsgen.incremental.store import (
    CACHE_DIR,
    MARKER,
    MARKER_TEXT,
    BuildCache,
    CacheError,
    Index,
    State,
    noop,
)
from newsgen.core.errors import ContentError, Problem, UsageError, WriteError, warning
from newsgen.core.models import Article
from newsgen.core.options import SOURCE_DIRS, BuildOptions, BuildResult
from newsgen.incremental.memory import Outline
from newsgen.io.writer import PartialUpdate, Update, Writer, clean_debris, space_needed, staging, swap
from newsgen.core.outputs import Planned
from newsgen.incremental.planning import Gathered, gather
from newsgen.io.scanning import RACY_NS, Scan, marker_signature, racy_digests, scan_now
from newsgen.io.search import INDEX_DIR, index
from newsgen.io.sources import (
    ImageSizes,
    ParseCache,
    Progress,
    code_digest,
    is_article,
    worker_pool,
)

__all__ = ["BuildOptions", "BuildResult", "build", "check"]

OUTLINE = "outline"
REWRITE_SHARE = 0.5
"""Past this share of changed files, a build writes a fresh staging copy instead."""
CHUNK = 100


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: a build allocates millions of objects and
    frees few, and the collector's repeated passes over them cost a third of an
    incremental build of 10,000 articles. Reference counting still frees the rest."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check(options: BuildOptions) -> BuildResult:
    """Everything a build does except writing: parse, index, render."""
    with collector_paused():
        return _check(options)


def _check(options: BuildOptions) -> BuildResult:
    started = time.perf_counter()
    gathered = gather(options, ParseCache(jobs=options.jobs))
    for item in gathered.plan[: gathered.pages]:
        item.make()
    return _result(gathered, time.perf_counter() - started, 0)


def build(options: BuildOptions, scanned: Scan | None = None) -> BuildResult:
    """Build the site into ``options.output``; with a cache, make only what changed.
    *scanned*: a `scan_now` of the site that the caller just made and found not to be a
    `noop` (the command line checks that before it imports the engine)."""
    _check_output(options)
    with collector_paused(), hold(options.cache):
        if scanned is None:
            scanned = scan_now(options.site_dir)
            unchanged = noop(options, scanned)
            if unchanged is not None:
                return unchanged
        try:
            return _build(options, scanned)
        except (CacheError, OSError) as exc:
            if options.cache is None or not _from_cache(exc, options.cache):
                raise
            reason = _cache_trouble(exc)
        # A damaged cache: start again from scratch, with a fresh cache if it can be cleared.
        usable = BuildCache(options.cache).discard()
        result = _build(options if usable else replace(options, cache=None), scanned)
        said = f"{reason}; discarded, building from scratch" if usable else f"{reason}; building without it"
        return replace(result, warnings=(warning(CACHE_DIR, 0, said), *result.warnings))


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


def _build(options: BuildOptions, scanned: Scan) -> BuildResult:
    with building(options.cache) as died:
        if died:
            clean_debris(options.output.resolve())
        return _build_marked(options, scanned)


def _build_marked(options: BuildOptions, scanned: Scan) -> BuildResult:
    started = time.perf_counter()
    racy = racy_digests(options.site_dir, scanned, skip=is_article)  # articles: the hash they were parsed from
    output = options.output.resolve()
    store, index_, problems = _open_cache(options.cache)
    parse_cache = ParseCache(index_.articles, store, options.jobs, context=index_.parse_context)
    images = ImageSizes(index_.images)
    outline = _load_outline(store, index_, problems)
    marker = marker_signature(output, MARKER)
    trusted = store is not None and index_.output_marker is not None and marker == index_.output_marker
    written = functools.partial(_written, output) if trusted else None
    gathered = gather(options, parse_cache, images, scanned.sources, outline, written)
    previous = index_.outputs if trusted else None
    search = options.search and gathered.site.config.search
    search_key = gathered.search if search else ""
    try:
        rewritten = _publish(gathered, output, previous, index_.search if trusted else None, search_key, options, store)
    except PartialUpdate as exc:
        raise WriteError(message=f"{exc.strerror}: {_shown(exc.filename)}; {_shown(options.output)} is partly "
                         "updated, and the next build rewrites it in full") from None
    except OSError as exc:
        if options.cache is not None and _from_cache(exc, options.cache):
            raise
        where = _shown(exc.filename) if exc.filename else _shown(options.output)
        raise WriteError(message=f"{exc.strerror or exc}: {where}; the site in {_shown(options.output)} is unchanged") from None
    result = _result(gathered, time.perf_counter() - started, rewritten)
    result = replace(result, warnings=tuple(problems) + result.warnings)  # a discarded cache: this build only
    if store is not None:
        kept = outline is not None and outline.token == gathered.outline.token
        try:
            _save_cache(store, options, output, scanned, racy, gathered, parse_cache, images, search_key, result, kept)
        except (CacheError, OSError) as exc:  # the site is built: only the next build pays
            store.discard()
            said = f"could not save the cache ({_cache_trouble(exc)}); the next build starts afresh"
            result = replace(result, warnings=(*result.warnings, warning(CACHE_DIR, 0, said)))
    return result


def _written(output: Path, file: str) -> bytes | None:
    """A file of the output the last build wrote (the index says what it holds), or None."""
    try:
        return (output / file).read_bytes()
    except OSError:
        return None


def _result(gathered: Gathered, seconds: float, rewritten: int) -> BuildResult:
    articles = len(gathered.site.articles)
    notes = _notes(gathered.site.config.base_url)
    return BuildResult(gathered.warnings, articles, gathered.pages, len(gathered.plan), seconds, rewritten, notes)


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


# --- the cache ---------------------------------------------------------------------------


def _open_cache(folder: Path | None) -> tuple[BuildCache | None, Index, list[Problem]]:
    """The cache and its index; an unreadable or foreign one is discarded with a warning."""
    if folder is None:
        return None, Index(), []
    store = BuildCache(folder)
    try:
        index_ = store.load_index()
        if not store.dirty():
            return store, index_, []
        return store, replace(index_, outputs={}, output_marker=None), []
    except CacheError as exc:
        store.discard()
        return store, Index(), [warning(CACHE_DIR, 0, f"{exc}; discarded, building from scratch")]


def _load_outline(store: BuildCache | None, index_: Index, problems: list[Problem]) -> Outline | None:
    """The last plan's outline, its articles taken from the parse cache; None if there is
    none, if another newsgen code made it (its related lists, too, may be ranked otherwise),
    or if it is not that of the index (a build stopped between writing the two)."""
    if store is None or index_.outline is None:
        return None
    articles = {name: entry.article for name, entry in index_.articles.items() if entry.article is not None}
    try:
        saved = store.load_linked(OUTLINE, articles)
    except CacheError as exc:
        problems.append(warning(CACHE_DIR, 0, f"{exc}; planning the whole site"))
        store.forget(OUTLINE)
        return None
    if not (isinstance(saved, tuple) and len(saved) == 2 and saved[0] == code_digest()):
        return None
    return Outline.rejoin(saved[1], index_.outline, index_.outputs)


def _save_cache(
    store: BuildCache, options: BuildOptions, output: Path, scanned: Scan, racy: dict[str, str | None], gathered: Gathered,
    parse_cache: ParseCache, images: ImageSizes, search_key: str, result: BuildResult, kept: bool,
) -> None:
    """*racy*: `racy_digests` of the sources other than articles, taken before the build
    read them; *kept*: whether the build kept the outline in the cache (re-planned quickly)."""
    sources, since = scanned.files, scanned.started_ns - RACY_NS
    marker = marker_signature(output, MARKER)
    outputs = {item.file: item.key for item in gathered.plan}
    if not kept:  # before the index, which names it: the two always match
        names = {id(entry.article): name for name, entry in parse_cache.entries.items() if entry.article is not None}
        store.save_linked(OUTLINE, (code_digest(), gathered.outline.fixed()), names, Article)
    # Which pages show which article, found now, with the pages at hand, if a fresh plan
    # left it for later: the next edit needs it (0.1 s at 10,000 articles, more than the
    # rest of that edit's plan). The preview server finds it while the editor reads.
    if not gathered.outline.readers.known:
        gathered.outline.readers.find()
    variable = gathered.outline.variable()
    store.save_index(
        Index(parse_cache.entries, outputs, marker, search_key, images.known, variable, parse_cache.context)
    )
    store.clean()
    summary = (result.articles, result.pages, result.files)
    racy = racy | {
        name: entry.sha for name, entry in parse_cache.entries.items() if name in sources and sources[name][1] >= since
    }
    state = State(
        options.key(), str(output), sources, scanned.started_ns, marker, gathered.clock, options.now, summary,
        gathered.warnings, racy, result.notes,
    )
    store.save_state(state)
    live = parse_cache.entries.values()
    store.keep_bodies(len(live), lambda: {e.article.digest for e in live if e.article is not None})
    store.close()


# --- writing -----------------------------------------------------------------------------


def _check_output(options: BuildOptions) -> None:
    """Refuse an output folder whose replacement would destroy sources or foreign files."""
    output = options.output.resolve()
    site_dir = options.site_dir.resolve()
    protected = [site_dir, *(site_dir / d for d in SOURCE_DIRS)]
    if any(output == p or p.is_relative_to(output) or output.is_relative_to(p) for p in protected[1:]) or (
        site_dir.is_relative_to(output)
    ):
        raise UsageError(message=f"refusing to write to {options.output}: it holds or is inside the site's sources")
    if options.cache is not None and output == options.cache.resolve():
        raise UsageError(message=f"refusing to write to {options.output}: it is the build cache")
    if output.exists() and not output.is_dir():
        raise UsageError(message=f"{options.output} exists and is not a folder")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise UsageError(
            message=f"refusing to replace {options.output}: it is not empty and was not built by newsgen "
            f"(no {MARKER} file); remove it or choose another -o"
        )


def _publish(
    gathered: Gathered, output: Path, previous: dict[str, str] | None, indexed: str | None, search: str,
    options: BuildOptions, store: BuildCache | None,
) -> int:
    """Write what changed; return how many files were made."""
    plan = gathered.plan
    reserved = next((item.file for item in plan if item.file.split("/")[0] == INDEX_DIR), None) if search else None
    if reserved:
        raise ContentError([Problem(reserved, 0, f"{INDEX_DIR}/ is reserved for the search index")])
    if previous is not None:
        changed = [item for item in plan if previous.get(item.file) != item.key]
        if len(changed) <= len(plan) * REWRITE_SHARE:
            return _update_in_place(plan, changed, previous, output, indexed, search, store)
    _write_staged(plan, output, search, options)
    return len(plan)


def _write_staged(plan: tuple[Planned, ...], output: Path, search: str, options: BuildOptions) -> None:
    """Write every file to a staging folder beside *output*, index it, then swap it in.
    An `OSError` names the output file it was writing."""
    fresh = staging(output)
    try:
        _write_all(plan, fresh, options.jobs, options.progress)
        if search:
            index(fresh)
        Writer(fresh).write(MARKER, MARKER_TEXT)
        os.chmod(fresh, 0o755)
        swap(fresh, output)
    except OSError as exc:
        name = exc.filename
        if isinstance(name, str) and Path(name).is_relative_to(fresh):
            name = str(output / Path(name).relative_to(fresh))
        raise OSError(exc.errno, exc.strerror, name) from None
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def _write_all(plan: tuple[Planned, ...], root: Path, jobs: int, progress: Progress | None) -> None:
    """Make and write every file: this process takes every *jobs*-th chunk and forked
    workers the rest (a worker reports the whole parent's memory as its own, so one
    fewer worker keeps the peak low at the same speed)."""
    chunks = [range(start, min(start + CHUNK, len(plan))) for start in range(0, len(plan), CHUNK)]
    share = max(1, min(jobs, len(chunks)))  # this process and share - 1 workers
    mine = chunks[::share]
    theirs = [chunk for i, chunk in enumerate(chunks) if i % share]
    _init_writer(plan, root)
    with worker_pool(share - 1, _init_writer, (plan, root)) if theirs else contextlib.nullcontext() as pool:
        pending = pool.map_async(_write_chunk, theirs) if pool is not None else None
        for done, chunk in enumerate(mine, start=1):
            _raise_if(_write_chunk(chunk))
            if progress:
                progress("writing", min(done * share * CHUNK, len(plan)), len(plan))
        for problems in pending.get() if pending is not None else []:
            _raise_if(problems)


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise ContentError(problems)


_WRITING: tuple[tuple[Planned, ...], Path] | None = None


def _init_writer(plan: tuple[Planned, ...], root: Path) -> None:
    global _WRITING
    _WRITING = (plan, root)


def _write_chunk(chunk: range) -> list[Problem]:
    """Make and write some files of the plan (in a worker, or in this process)."""
    assert _WRITING is not None
    plan, root = _WRITING
    writer = Writer(root)
    try:
        for i in chunk:
            writer.write(plan[i].file, plan[i].make())
    except ContentError as exc:
        return list(exc.problems)
    return []


def _update_in_place(
    plan: tuple[Planned, ...], changed: list[Planned], previous: dict[str, str], output: Path, indexed: str | None,
    search: str, store: BuildCache | None,
) -> int:
    """Replace the *changed* files of *output* in place, all or none (`Update`), with a
    search index made afresh if what it reads changed."""
    if not changed and previous.keys() == {item.file for item in plan} and indexed == search:
        return 0
    made = {item.file: item.make() for item in changed}
    doomed = sorted(previous.keys() - {item.file for item in plan})
    reindex = bool(search) and indexed != search
    space_needed(output, map(len, made.values()), len(made), _size(output / INDEX_DIR) if reindex else 0)
    fresh = staging(output) if reindex else None
    marked = False
    try:
        with Update(output) as update:
            update.prepare(made, doomed)
            if fresh is not None:
                index(output, fresh, pages={item.file: made.get(item.file) for item in plan if item.file.endswith(".html")})
            if store is not None:
                store.mark_dirty()
                marked = True
            update.commit({fresh: output / INDEX_DIR} if fresh is not None else None)
    except PartialUpdate:
        raise
    except BaseException:
        if marked and store is not None:
            store.clean()  # all undone: the output is still the one the index describes
        raise
    finally:
        if fresh is not None:
            shutil.rmtree(fresh, ignore_errors=True)
    if not search:
        shutil.rmtree(output / INDEX_DIR, ignore_errors=True)
    return len(changed)


def _size(folder: Path) -> int:
    """The bytes of the files below *folder* (0 if there is none)."""
    return sum(os.path.getsize(os.path.join(at, name)) for at, _, names in os.walk(folder) for name in names)
