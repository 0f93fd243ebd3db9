"""Gather and plan: read, parse and check every source, then key every output file,
afresh or from the last plan; `Gathered` is what the write needs."""
from __future__ import annotations

import contextlib
import functools
import gc
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from newsgen.core.catalogue import Catalogue, fresh_plan
from newsgen.core.entities import editorial_keys, entity_keys
from newsgen.core.errors import ContentError, Problem
from newsgen.core.addresses import address_problems
from newsgen.core.ledger import EMPTY as EMPTY_LEDGER
from newsgen.core.ledger import Ledger
from newsgen.core.options import BuildOptions
from newsgen.core.outputs import Planned, digest
from newsgen.core.related import RelatedMemo
from newsgen.core.listdates import keep_newest
from newsgen.core.site import Site, build_site
from newsgen.core.timeline import clock
from newsgen.incremental.inputs import Inputs, prepare, read_inputs
from newsgen.incremental.memory import LastPlan
from newsgen.incremental.parsecache import ParseCache
from newsgen.incremental.readers import Readers
from newsgen.incremental.replan import Planning, replan
from newsgen.io import brand
from newsgen.io.digests import FileDigests
from newsgen.io.images import ImageSources
from newsgen.io.photo_copies import Photos, copy_of
from newsgen.io.photo_store import MediaStore
from newsgen.io.scanning import Sources
from newsgen.io.sources import source_name


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
    # The lists' dates the last plan found, or brought from the cache: found once.
    keep_newest(last.site if last is not None else None, last.newest if last is not None else ())
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
