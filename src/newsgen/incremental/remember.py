"""What ``newsgen build`` keeps in its cache between runs, and reads back: the index (the
parsed articles, every output's key), the memory of the last plan, and the state of the
no-op check. Damage of any kind is a warning and a build from scratch."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from newsgen.core.errors import Problem, warning
from newsgen.core.options import BuildOptions, BuildResult
from newsgen.incremental.checkout import remember_checkout
from newsgen.incremental.memory import LastPlan
from newsgen.incremental.noop import STATE, WARNINGS, State, Warnings, new_token, sources_digest
from newsgen.incremental.parsecache import ParseCache
from newsgen.incremental.errors import CacheError
from newsgen.incremental.cacheindex import Index
from newsgen.incremental.shapedelta import DELTA as PLAN_DELTA
from newsgen.incremental.shapedelta import PLAN, load_plan, save_plan
from newsgen.incremental.store import CACHE_DIR, BuildCache
from newsgen.io.digests import FileDigests
from newsgen.io.images import ImageSources
from newsgen.io.layout import MARKER
from newsgen.io.fileid import marker_signature
from newsgen.io.scanning import RACY_NS, Scan, changed_since
from newsgen.io.sources import code_digest, is_article


@dataclass
class Remembered:
    """What a build starts from: the cache (None: none), its index, the last plan, and the
    warnings about a damaged cache."""

    store: BuildCache | None
    index: Index
    last: LastPlan | None
    problems: list[Problem]


def recall(folder: Path | None) -> Remembered:
    """The cache of *folder*; an unreadable or foreign one is discarded with a warning."""
    if folder is None:
        return Remembered(None, Index(), None, [])
    store = BuildCache(folder)
    try:
        index = store.load_index()
        if store.dirty():
            index = replace(index, outputs={}, output_token="")
    except CacheError as exc:
        store.discard()
        return Remembered(store, Index(), None, [warning(CACHE_DIR, 0, f"{exc}; discarded, building from scratch")])
    problems: list[Problem] = []
    return Remembered(store, index, _last_plan(store, index, problems), problems)


def peek(folder: Path) -> Remembered | None:
    """The cache of *folder* as the last build left it, read with none of its records
    changed (the preview starts from it); None if there is none or its index is
    unreadable, and no plan if the plan is. The caller holds the cache's lock
    (`newsgen.io.lock.hold`) while it reads."""
    if not (folder / "index").is_file():
        return None
    store = BuildCache(folder, read_only=True)
    try:
        index = store.load_index()
    except (CacheError, OSError):
        return None
    try:
        last = _read_plan(store, index)
    except (CacheError, OSError):  # the parsed articles are still good
        last = None
    return Remembered(store, index, last, [])


def _last_plan(store: BuildCache, index: Index, problems: list[Problem]) -> LastPlan | None:
    """`_read_plan`, a damaged plan forgotten with a warning."""
    try:
        return _read_plan(store, index)
    except CacheError as exc:
        problems.append(warning(CACHE_DIR, 0, f"{exc}; planning the whole site"))
        store.forget(PLAN)
        store.forget(PLAN_DELTA)
        return None


def _read_plan(store: BuildCache, index: Index) -> LastPlan | None:
    """The last plan, its articles taken from the parse cache; None if there is none, if
    another newsgen code made it (its related lists, too, may be ranked otherwise), or if
    it is not that of the index (a build stopped between writing the two). `CacheError`
    if it is damaged."""
    if index.plan is None or index.code != code_digest():
        return None
    articles = {name: entry.article for name, entry in index.articles.items() if entry.article is not None}
    shape, store.plan_base = load_plan(store, articles)
    return LastPlan.rejoin(shape, index.plan, index.outputs) if shape is not None else None


def remember(
    store: BuildCache, options: BuildOptions, scanned: Scan, racy: dict[str, str | None], last: LastPlan,
    parse_cache: ParseCache, images: ImageSources, search_key: str, result: BuildResult, outputs: dict[str, str],
    shape_kept: bool, printed: tuple[Problem, ...], token: str = "", digests: FileDigests | None = None,
) -> None:
    """Save what the next build needs. *racy*: `racy_digests` of the sources other than
    articles, taken before the build read them; *outputs*: every output file and its key,
    in plan order; *shape_kept*: whether the plan kept the shape of the one in the cache;
    *printed*: the sources' warnings as printed (a build with nothing changed repeats
    them); *token*: the one the output's marker names; *digests*: those of the files
    published as they are."""
    output = options.output.resolve()
    sources = scanned.files
    marker = marker_signature(output, MARKER)
    if not shape_kept:  # before the index, which names it: the two always match
        names = {id(entry.article): name for name, entry in parse_cache.entries.items() if entry.article is not None}
        save_plan(store, last.shape(), store.plan_base, names)
    # Which outputs read which entity, found now if a fresh plan left it for later: the
    # next edit needs it (0.1 s at 10,000 articles, more than the rest of that edit's
    # plan). The preview server finds it while the editor reads.
    if not last.readers.known:
        last.readers.find()
    store.save_index(Index(
        parse_cache.entries, parse_cache.signatures, outputs, token, search_key, images.known, last.saved_keys(),
        parse_cache.context, code_digest(), digests=digests.seen if digests is not None else {},
    ), parse_cache.resigned)
    store.clean()
    summary = (result.articles, result.pages, result.files)
    entries = parse_cache.entries
    recent = changed_since(sources, scanned.started_ns - RACY_NS)
    racy = racy | {name: entries[name].sha for name in recent if name in entries}
    said = Warnings(new_token(), printed)
    store.save(WARNINGS, said)
    git_index = remember_checkout(store, options.site_dir, scanned, parse_cache.read, parse_cache.unsettled, is_article)
    store.save(STATE, State(
        options=options.key(), output=str(output), sources=sources_digest(sources), scanned_ns=scanned.started_ns,
        marker=marker, clock=last.clock, now=options.now, summary=summary, warnings=said.token, racy=racy,
        notes=result.notes, token=token, git_index=git_index,
    ))
    live = parse_cache.entries.values()
    store.bodies.keep(len(live), lambda: {e.article.digest for e in live if e.article is not None})
    store.close()
