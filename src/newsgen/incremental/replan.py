"""The quick re-plan: the last plan (`LastPlan`) brought up to date by keying again only
the outputs whose inputs changed.

It applies when the articles were only edited without moving (the same
`newsgen.core.site.placement`) or added, and nothing else changed (config, templates,
assets, flags: `Setting.shared`; the size of an image; the clock past an embargo, a
priority's ``until`` or out of the news window); ``topics.yaml`` may have changed. Then,
run by run (`newsgen.core.catalogue`):

- an output of the last plan is kept, file and key, where its run's declared reads say
  the lists it reads did not change (`newsgen.core.dependencies.carry`) and it reads no
  edited entity (`Readers`): an edited article, or a tag, topic or front ranking whose
  key changed (a topic renamed, a priority given);
- every other output is made afresh and keyed.

Anything else (a deleted, renamed or moved article, a tag renamed by an addition, more
than `QUICK_EDITS` changes) is planned from scratch, which gives the same files.
"""
from __future__ import annotations

import functools
import itertools
import operator
import os
from dataclasses import replace
from types import MappingProxyType
from typing import NamedTuple

from newsgen.core.catalogue import Catalogue
from newsgen.core.dependencies import Growth, carry
from newsgen.core.entities import BYLINE, desk_keys, editorial_keys, entity_keys
from newsgen.core.models import Article
from newsgen.core.outputs import Planned, Run, digest
from newsgen.core.site import placement, visible
from newsgen.core.timeline import clock, holds
from newsgen.incremental.feedentries import FeedEntries, WrittenFeeds
from newsgen.incremental.inputs import Inputs, Setting, prepare
from newsgen.incremental.memory import LastPlan
from newsgen.incremental.siteupdate import with_added, with_edits

QUICK_EDITS = 100
"""Past this many edited or added articles (a config change re-parses them all), plan afresh."""


class Planning(NamedTuple):
    """A plan of every run's outputs, its memory, its setting, and how many of its first
    outputs are HTML pages."""

    plan: list[Planned]
    memory: LastPlan
    setting: Setting
    pages: int


def replan(last: LastPlan, inputs: Inputs) -> Planning | None:
    """The outputs of *last*'s site with the edits and additions of *inputs*, and the new
    memory; None if anything else changed."""
    now = inputs.options.now
    if _resized(last, inputs) or inputs.config != last.site.config or not holds(last.clock, last.site.now, now):
        return None
    if inputs.desk.identity() != last.site.desk.identity():
        return None  # an author or a page came or went: runs come or go
    changes = _changes(last.articles, inputs.articles)
    if changes is None:
        return None
    edited, added = changes
    if len(edited) + len(added) > QUICK_EDITS or any(placement(old) != placement(new) for old, new in edited):
        return None
    options = inputs.options
    shown = [a for a in added if visible(a, now, options.drafts, options.future)]
    topics = last.site.topics if inputs.topics == last.site.topics else MappingProxyType(inputs.topics)
    grown = with_added(replace(with_edits(last.site, edited), now=now, desk=inputs.desk, topics=topics), shown)
    if grown is None:
        return None
    site, growth = grown
    setting = prepare(inputs, site)
    if setting.shared != last.shared:
        return None
    # An edited author's name or role (``byline:``) is in the key of every article they wrote.
    touched = [e for e, key in desk_keys(site.desk, inputs.shown).items() if last.keys.get(e) != key]
    rekeyed = [a for _, a in edited if a.path in last.keys]
    rekeyed += [a for e in touched if e.startswith(BYLINE) for a in site.by_author(e.removeprefix(BYLINE))]
    keys = {**last.keys, **entity_keys([*rekeyed, *shown], (), inputs.shown, site.desk, now, facts=inputs.facts)}
    named = entity_keys((), site.tags, inputs.shown, topics=site.topics) | editorial_keys(site, inputs.shown)
    renamed = [entity for entity, key in named.items() if last.keys.get(entity) != key]  # a topic, a priority
    keys.update(named)
    written = WrittenFeeds(last.site, last.keys, inputs.written) if inputs.written is not None else None
    entries = FeedEntries(last.entries, written)
    catalogue = Catalogue(
        site, setting.renderer.render, keys, inputs.full, entries, setting.photos, setting.reckoning.fates,
    )
    stale = _stale(last, catalogue, [*dict.fromkeys(a.path for a in rekeyed), *touched, *renamed], bool(shown))
    plan, now_at, keyed = _carried(last, catalogue, growth, stale, keys, setting.shared)
    runs = tuple((r.name, r.count) for r in catalogue.runs)
    # What the outputs keyed again read may have changed (a front's new lead), and an edit
    # may add or drop an output before others (an alias's redirect page, a live page's
    # status file): the readers follow them.
    moved = bool(shown or renamed) or runs != last.runs
    readers = last.readers.moved(now_at, len(plan), keyed, catalogue.outputs) if moved else last.readers
    memory = replace(
        last, site=site, articles=inputs.articles, keys=keys, runs=runs,
        outputs=tuple((item.file, item.key) for item in plan), readers=readers, entries=entries,
        clock=clock([*added, *(a for _, a in edited)], now, last.clock, options.drafts),  # an edit may add an instant
        token=os.urandom(16).hex() if added else last.token, newest=(),
    )
    return Planning(plan, memory, setting, catalogue.page_count)


def _resized(last: LastPlan, inputs: Inputs) -> bool:
    """Whether an image the last plan knew changed size or went (a template may show any
    image's size). A new image, or a photograph replaced at the same size, is for its
    articles to show: they are parsed again (`ParseCache`), so they count as edited."""
    sizes = inputs.sizes
    return any(sizes.get(path) != size for path, size in last.sizes.items())


def _changes(before: tuple[Article, ...], after: tuple[Article, ...]) -> tuple[list[tuple[Article, Article]], list[Article]] | None:
    """The (old, new) versions of the edited articles and the added ones; None if one went.
    The parse cache gives an unchanged file's article back as the very same object: only
    the others are compared (side by side when no file came or went: the articles are
    in source order)."""
    if len(before) == len(after):
        moved = list(itertools.compress(range(len(after)), map(operator.is_not, before, after)))
        if all(before[i].source == after[i].source for i in moved):
            return [(before[i], after[i]) for i in moved], []
    same = set(map(id, before)) & set(map(id, after))  # C loops: run on every rebuild
    was = {a.source: a for a in before if id(a) not in same}
    new = [a for a in after if id(a) not in same]
    edited = [(was[a.source], a) for a in new if a.source in was]
    added = [a for a in new if a.source not in was]
    return (edited, added) if len(edited) == len(was) else None


def _stale(last: LastPlan, catalogue: Catalogue, edited: list[str], adding: bool) -> set[int]:
    """The outputs of *last* that read an edited entity (all of them, for an addition
    after a plan whose readers were never found: they can no longer be found from it)."""
    if not edited:
        return set()
    if adding and not last.readers.known:
        return set(range(len(last.outputs)))
    return last.readers.of(edited, catalogue.outputs)  # an edit moves nothing: the same outputs


def _carried(
    last: LastPlan, catalogue: Catalogue, growth: Growth, stale: set[int], keys: dict[str, str], shared: str,
) -> tuple[list[Planned], list[int | None], dict[int, object]]:
    """The plan of *catalogue*: each output carried from *last* where it can be, else keyed
    afresh; where each of *last*'s outputs went (None: gone or keyed again); the outputs
    keyed again, by position. A run's carried outputs are made in C loops, then the
    others put in their places (an iteration of Python for each of the 120,000 outputs of
    a 100,000-article site cost an edit there about 5 %)."""
    before: dict[tuple[object, ...], tuple[int, int]] = {}
    offset = 0
    for name, count in last.runs:
        before[name] = (offset, count)
        offset += count
    plan: list[Planned] = []
    now_at: list[int | None] = [None] * len(last.outputs)
    keyed: dict[int, object] = {}
    outputs = last.outputs
    for run in catalogue.runs:
        start, count = before.get(run.name, (0, 0))
        olds = carry(run.reads, run.count, count, growth) if run.name in before else [None] * run.count
        at = [None if old is None or start + old in stale else start + old for old in olds]
        kept = [i for i, j in enumerate(at) if j is not None]
        was = [j for j in at if j is not None]
        files, keys_of = zip(*map(outputs.__getitem__, was)) if was else ((), ())
        made = map(functools.partial, itertools.repeat(catalogue.make), itertools.repeat(run.name), kept)
        carried = list(map(tuple.__new__, itertools.repeat(Planned), zip(files, keys_of, made)))
        base = len(plan)
        plan += _placed(carried, at, run, keys, shared, keyed, base)
        for i, j in zip(kept, was):
            now_at[j] = base + i
    return plan, now_at, keyed


def _placed(
    carried: list[Planned], at: list[int | None], run: Run, keys: dict[str, str], shared: str,
    keyed: dict[int, object], base: int,
) -> list[Planned]:
    """A run's outputs in order: the *carried* ones where *at* names a last output, the
    others keyed afresh (and noted in *keyed*, by position in the plan)."""
    if len(carried) == len(at):
        return carried
    placed: list[Planned] = []
    given = iter(carried)
    for i, j in enumerate(at):
        if j is not None:
            placed.append(next(given))
        else:
            output = run.output(i)
            keyed[base + i] = output
            placed.append(Planned(output.file, digest(shared, output.key(keys)), functools.partial(run.make, output)))
    return placed
