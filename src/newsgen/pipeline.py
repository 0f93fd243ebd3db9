"""The build: gather → plan → write → remember.

1. gather: read, parse and check every source (`newsgen.incremental.inputs`); any problem
   stops the build before a byte is written;
2. plan: every output file keyed by what it reads, made afresh (`newsgen.core.catalogue`)
   or, after edits and additions, from the last plan (`newsgen.incremental.replan`);
3. write: only the files whose key changed (`newsgen.io.publish`), so a failed build
   leaves the old site byte for byte;
4. remember: what the next build needs, in ``.newsgen-cache/`` (`newsgen.incremental.remember`).

``newsgen serve`` runs `gather` itself and keeps the last plan in memory.
"""
from __future__ import annotations

import contextlib
import functools
import gc
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urljoin

from newsgen.core import urls
from newsgen.core.catalogue import Catalogue, fresh_plan
from newsgen.core.entities import editorial_keys, entity_keys
from newsgen.core.errors import ContentError, Problem, WriteError, errors_in, warning
from newsgen.core.addresses import address_problems, stale_ledger
from newsgen.core.ledger import EMPTY as EMPTY_LEDGER
from newsgen.core.ledger import Ledger, format_ledger
from newsgen.core.linkcheck import LinkCheck
from newsgen.core.options import LEDGER_FILE, BuildOptions, BuildResult
from newsgen.core.outputs import Planned, digest
from newsgen.core.related import RelatedMemo
from newsgen.core.site import Site, build_site
from newsgen.core.timeline import clock
from newsgen.incremental.changes import ChangeNote, note_unchanged
from newsgen.incremental.inputs import Inputs, prepare, read_inputs
from newsgen.incremental.memory import LastPlan
from newsgen.incremental.noop import noop
from newsgen.incremental.parsecache import ParseCache
from newsgen.incremental.readers import Readers
from newsgen.incremental.remember import Remembered, recall, remember
from newsgen.incremental.replan import Planning, replan
from newsgen.incremental.errors import CacheError
from newsgen.incremental.store import CACHE_DIR, BuildCache, Index
from newsgen.io import brand
from newsgen.io.digests import FileDigests
from newsgen.io.images import ImageSources
from newsgen.io.ledger import record_ledger
from newsgen.io.photo_copies import Photos, copy_of, encode, media_store
from newsgen.io.photo_store import MediaStore
from newsgen.io.lock import building, hold
from newsgen.io.publish import check_output, publish, token_of
from newsgen.io.update import PartialUpdate
from newsgen.io.writer import clean_debris
from newsgen.io.layout import MARKER
from newsgen.io.scanning import Scan, Sources, output_token, racy_digests, scan_now
from newsgen.io.sources import is_article, source_name

__all__ = ["BuildOptions", "BuildResult", "Gathered", "build", "check", "gather"]


@dataclass(frozen=True)
class Gathered:
    """A checked site and the plan of every output file, ready to be written."""

    plan: tuple[Planned, ...]
    """The runs' outputs (article pages first), then the files published as they are."""
    warnings: tuple[Problem, ...]
    search: str
    """The key of everything the search index reads."""
    memory: LastPlan
    """The memory of this plan, for the next one."""
    pages: int
    """How many of the plan's first outputs are HTML pages."""
    quick: bool
    """Whether this plan was made from the last one (else from scratch)."""
    photos: Photos = field(default_factory=Photos)
    """The copies of photographs to publish and to make."""
    ledger: Ledger | None = None
    """The URL ledger as this build leaves it, when it differs from ``urls.lock``."""
    ledger_found: bool = True
    """Whether the site has a ``urls.lock`` yet."""
    ledger_was: Ledger = EMPTY_LEDGER
    """The URL ledger as ``urls.lock`` holds it."""
    changes: tuple[Problem, ...] = ()
    """The warnings about URLs that moved or went (among `warnings`): said once, by the
    build that records them in the ledger."""

    @property
    def site(self) -> Site:
        return self.memory.site


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


def gather(
    options: BuildOptions, cache: ParseCache | None = None, images: ImageSources | None = None,
    scanned: Sources | None = None, last: LastPlan | None = None,
    written: Callable[[str], bytes | None] | None = None, store: MediaStore | None = None,
    digests: FileDigests | None = None,
) -> Gathered:
    """Read, parse and check the site and plan every output file; raise every problem at
    once, those of the `scan` first: an entry it refused (a symlink out of the site, a
    FIFO) is an error, and is never read. *scanned*: a `scan` of the site the caller
    already made; *last*: the last plan,
    kept where its inputs did not change. *cache* must give back the very article objects
    of *last* for the files that did not change. *written* reads a file of the output the
    last build wrote, if it holds what *last* planned. *store*: where the copies of
    photographs are, once `encode` made them (a copy missing there is made when written).
    *digests*: those of the files published as they are, which key them (their content,
    never their signature)."""
    digests = digests if digests is not None else FileDigests()
    digests.begin()
    inputs = read_inputs(
        options, cache or ParseCache(), images or ImageSources(jobs=options.jobs), scanned, written, digests,
    )
    again = replan(last, inputs) if last is not None else None
    plan, memory, setting, pages = again or _fresh(inputs, last.site.memo if last is not None else None)
    plan += pictures(inputs)
    made = _check_clashes(plan, setting.published, options.site_dir)
    warnings = inputs.warnings + address_problems(
        memory.site, setting.reckoning, plan, made, setting.published, options.strict, inputs.links is not None,
    )
    search = digest(setting.shared, [item.key for item in plan[: len(memory.site.articles)]])
    plan += [
        Planned(path, digest("as it is", digests.of(file)), file.read_bytes)
        for path, file in sorted(setting.published.items())
    ]
    files = {**inputs.static, **inputs.content}
    plan += [
        Planned(name, digest("media", name), functools.partial(copy_of, store, copy, files[copy.src]))
        for name, copy in sorted(setting.media.items())
    ]
    ledger = setting.reckoning.ledger
    return Gathered(
        tuple(plan), warnings, search, replace(memory, published=setting.published), pages, again is not None,
        Photos(setting.media, setting.encode, files), None if ledger.same(inputs.ledger) else ledger,
        inputs.ledger_found, inputs.ledger, setting.reckoning.problems,
    )


def _fresh(inputs: Inputs, related: RelatedMemo | None) -> Planning:
    """The plan made from scratch (*related*: an earlier plan's related lists, re-ranked
    only where they can differ)."""
    options = inputs.options
    site = build_site(inputs.config, inputs.articles, options.now, options.drafts, options.future, related, inputs.desk,
                      topics=inputs.topics)
    setting = prepare(inputs, site)
    keys = entity_keys(site.articles, site.tags, inputs.shown, site.desk, site.now, site.topics, inputs.facts)
    keys.update(editorial_keys(site, inputs.shown))
    catalogue = Catalogue(
        site, setting.renderer.render, keys, inputs.full, photos=setting.photos, fates=setting.reckoning.fates,
    )
    plan, outputs = fresh_plan(catalogue.runs, keys, setting.shared)
    memory = LastPlan(
        os.urandom(16).hex(), site, inputs.articles, keys, setting.shared,
        tuple((run.name, run.count) for run in catalogue.runs), tuple((item.file, item.key) for item in plan),
        clock(inputs.articles, options.now, drafts=options.drafts), inputs.sizes, setting.published, Readers(lambda: outputs),
    )
    return Planning(plan, memory, setting, catalogue.page_count)


def pictures(inputs: Inputs) -> list[Planned]:
    """The publisher's icons and logos and the authors' photos, each keyed by what its bytes
    depend on (its source's digest): made only when the output does not hold it already."""
    files = inputs.pictures or {}
    return [
        Planned(r.path, digest("picture", r.key()), functools.partial(brand.make, files[r.source.src], r))
        for r in inputs.desk.files()
    ]


def _check_clashes(plan: list[Planned], published: dict[str, Path], site_dir: Path) -> set[str]:
    """Every file of *plan*, once no static file would overwrite one of them."""
    made = {item.file for item in plan}
    clashes = [
        Problem(source_name(published[path], site_dir), 0, f"this file would overwrite the page /{path.removesuffix('index.html')}")
        for path in sorted(made & published.keys())
    ]
    if clashes:
        raise ContentError(clashes)
    return made


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
    *scanned*: a `scan_now` of the site that the caller just made and found not to be a
    `noop` (the command line checks that before it imports the engine). One build of a
    site runs at a time (`newsgen.io.lock`); a damaged cache is discarded with a warning,
    and the build starts afresh."""
    check_output(options, options.cache)
    with collector_paused(), hold(options.cache):
        if scanned is None:
            scanned = scan_now(options.site_dir)
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
    parse_cache = ParseCache(index.articles, store, options.jobs, context=index.parse_context)
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
    try:
        remember(
            store, options, scanned, racy, gathered.memory, parse_cache, images, search_key, result, outputs, kept,
            said, token, digests,
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
