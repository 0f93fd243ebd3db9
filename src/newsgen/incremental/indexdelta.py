"""The build cache's index saved as what changed since it was last saved whole.

An edit at 100,000 articles changes a few rows of the index's large tables (a file's
signature, twenty outputs' keys, an article's entity key) but rewrote all of them:
51 MB, 0.27 s. Now a build saves the rows that differ from the index saved whole (the
*base*), in ``index-delta``; the next build loads the base and puts them back. A build
that moves or adds outputs (their order is the plan's), changes the readers (saved
again as the very object loaded when unchanged: `newsgen.incremental.readers`), or
would save more than `SHARE` of the rows (and more than `FEW`) saves the index whole.
The parse cache says which signatures it changed (`ParseCache.resigned`): the loaded
ones are not kept for it.

Each delta names its base's generation (`Index.generation`): a delta left beside a newer
base (a build stopped between writing the base and removing it) is not applied.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from newsgen.core.changedrows import row_changes
from newsgen.incremental.cacheindex import Index
from newsgen.incremental.errors import CacheError
from newsgen.io.fileid import Signature

if TYPE_CHECKING:
    from newsgen.incremental.readers import SavedReaders

_Row = TypeVar("_Row")

SHARE = 8
"""A delta of more than one row in this many of the base's is saved whole instead..."""
FEW = 4096
"""... unless it has no more rows than this (a small site's whole index is as small)."""


class Tables(NamedTuple):
    """What a build loaded of the index (base and delta), to tell which rows the next save
    changes: objects the build holds anyway (not the signatures: the parse cache says)."""

    generation: str
    outputs: Mapping[str, str]
    keys: Mapping[str, str]
    readers: SavedReaders | None
    applied: Delta | None
    """The delta put back on the base, whose rows the next one carries on."""


class Delta(NamedTuple):
    """The rows of an index that differ from its base's (*base*: that generation)."""

    base: str
    index: Index
    """The index, its large tables empty (its readers too: they are the base's)."""
    signatures: dict[str, Signature]
    unsigned: frozenset[str]
    outputs: dict[str, str]
    """New keys of the base's outputs, in the same order."""
    keys: dict[str, str]
    unkeyed: frozenset[str]


def tables(index: Index, applied: Delta | None) -> Tables:
    """What to keep of *index*, loaded with the delta *applied* (None: none)."""
    plan = index.plan
    return Tables(
        index.generation, index.outputs, plan.keys if plan is not None else {},
        plan.readers if plan is not None else None, applied,
    )


def fits(base: Index, delta: object) -> Delta | None:
    """*delta* if it is a `Delta` of *base*, None if it is another generation's;
    `CacheError` if it is no delta (damage: a warning and a build from scratch)."""
    if not isinstance(delta, Delta):
        raise CacheError("index-delta is not newsgen's")
    return delta if delta.base == base.generation and delta.base != "" else None


def applied(base: Index, delta: Delta) -> Index:
    """*base* with *delta* (one of its own: `fits`) put back, in its tables."""
    signatures, outputs = base.signatures, base.outputs
    signatures.update(delta.signatures)
    for name in delta.unsigned:
        signatures.pop(name, None)
    outputs.update(delta.outputs)
    plan = delta.index.plan
    if plan is not None:  # its readers are the base's (`delta` saves none otherwise)
        keys = base.plan.keys if base.plan is not None else {}
        keys.update(delta.keys)
        for entity in delta.unkeyed:
            keys.pop(entity, None)
        plan = plan._replace(keys=keys, readers=base.plan.readers if base.plan is not None else None)
    return replace(delta.index, signatures=signatures, outputs=outputs, plan=plan, generation=base.generation)


def delta(was: Tables, index: Index, resigned: tuple[list[str], frozenset[str]] | None) -> Delta | None:
    """*index* as the rows that differ from *was* (the index as loaded), for its base;
    None if it should be saved whole. *resigned*: the names of the signatures that
    changed since the load, and of those dropped (None: unknown)."""
    plan = index.plan
    if not was.generation or plan is None or plan.readers is not was.readers or resigned is None:
        return None
    if list(index.outputs) != list(was.outputs):
        return None  # outputs came, went or moved: their order is the plan's
    carried = was.applied
    before = carried if carried is not None else Delta("", index, {}, frozenset(), {}, {}, frozenset())
    outputs, _ = _rows(index.outputs, row_changes(was.outputs, index.outputs), before.outputs, frozenset())
    signatures, unsigned = _rows(index.signatures, resigned, before.signatures, before.unsigned)
    keys, unkeyed = _rows(plan.keys, row_changes(was.keys, plan.keys), before.keys, before.unkeyed)
    rows = len(signatures) + len(unsigned) + len(outputs) + len(keys) + len(unkeyed)
    if rows > max(FEW, (len(was.outputs) + len(was.keys)) // SHARE):
        return None
    light = replace(index, articles={}, signatures={}, outputs={}, plan=plan._replace(keys={}, readers=None))
    return Delta(was.generation, light, signatures, unsigned, outputs, keys, unkeyed)


def _rows(
    now: Mapping[str, _Row], changes: tuple[list[str], frozenset[str]], carried: Mapping[str, _Row],
    gone_before: frozenset[str],
) -> tuple[dict[str, _Row], frozenset[str]]:
    """The rows of *now* that differ from the base's: those *changes* names (`row_changes`
    since the load) and those the loaded delta held (*carried*, *gone_before*); and the
    names of the base's rows that *now* lacks."""
    changed, gone = changes
    rows = {name: now[name] for name in carried if name in now}
    rows.update(zip(changed, map(now.__getitem__, changed)))
    return rows, gone | (gone_before - now.keys())
