"""The build cache's index saved as what changed since it was last saved whole.

An edit at 100,000 articles changes a few rows of the index's large tables (a file's
signature, twenty outputs' keys, an article's entity key) but rewrote all of them:
51 MB, 0.27 s. Now a build saves the rows that differ from the index saved whole (the
*base*), in ``index-delta``; the next build loads the base and puts them back. An
addition inserts outputs among the base's (their order is the plan's): the delta then
also says where the new ones stand (`Order`), and holds the readers, which an addition
moves (saved again as the very object loaded when unchanged:
`newsgen.incremental.readers`), less what they share with the base's: their names and,
as an addition leaves them, their packed arrays (only their moves are new). A build
that reorders the base's outputs among themselves, or would save more than `SHARE` of
the rows (and more than `FEW`), saves the index whole. The parse cache says which signatures it changed
(`ParseCache.resigned`): the loaded ones are not kept for it.

Each delta names its base's generation (`Index.generation`): a delta left beside a newer
base (a build stopped between writing the base and removing it) is not applied.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from newsgen.core.changedrows import list_difference, rebuilt_list, row_changes
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


class Order(NamedTuple):
    """Where the outputs stand once some came or went since the base: the base's order
    without the outputs at the places *dropped*, and each of *inserted* at its place (in
    the order it makes): `newsgen.core.changedrows.list_difference`."""

    dropped: tuple[int, ...]
    inserted: tuple[tuple[int, str], ...]


class Tables(NamedTuple):
    """What a build loaded of the index (base and delta), to tell which rows the next save
    changes: objects the build holds anyway (not the signatures: the parse cache says)."""

    generation: str
    outputs: Mapping[str, str]
    keys: Mapping[str, str]
    readers: SavedReaders | None
    applied: Delta | None
    """The delta put back on the base, whose rows the next one carries on."""
    base: tuple[str, ...]
    """The base's outputs, in its order (the order of an addition's delta is told from them)."""
    names: tuple[str, ...] | None
    """The names of the base's readers, which a delta need not hold again."""
    arrays: tuple[bytes, bytes] | None
    """The base's readers' packed arrays (offsets, flat), while the loaded readers use
    them (an addition moves outputs without packing the arrays again); else let go."""


class Delta(NamedTuple):
    """The rows of an index that differ from its base's (*base*: that generation)."""

    base: str
    index: Index
    """The index, its large tables empty (its readers too: see *readers*)."""
    signatures: dict[str, Signature]
    unsigned: frozenset[str]
    outputs: dict[str, str]
    """New keys of the base's outputs, and the keys of the outputs *order* inserts."""
    keys: dict[str, str]
    unkeyed: frozenset[str]
    order: Order | None = None
    """None: the base's outputs, in its order."""
    readers: SavedReaders | None = None
    """None: the base's readers; else the index's, their names the base's when *named* is
    False, and their packed arrays when *arrays* is False."""
    named: bool = True
    arrays: bool = True


def loaded(base: Index, delta: Delta | None) -> tuple[Index, Tables]:
    """*base* with *delta* (one of its own: `fits`; None: none) put back, and what to keep
    of it for the next save."""
    readers = base.plan.readers if base.plan is not None else None
    order, names = tuple(base.outputs), readers.names if readers is not None else None
    shared = readers is not None and (delta is None or delta.readers is None or not delta.arrays)
    arrays = (readers.offsets, readers.flat) if readers is not None and shared else None
    index = applied(base, delta) if delta is not None else base
    plan = index.plan
    return index, Tables(
        index.generation, index.outputs, plan.keys if plan is not None else {},
        plan.readers if plan is not None else None, delta, order, names, arrays,
    )


def fits(base: Index, delta: object) -> Delta | None:
    """*delta* if it is a `Delta` of *base*, None if it is another generation's;
    `CacheError` if it is no delta (damage: a warning and a build from scratch)."""
    if not isinstance(delta, Delta):
        raise CacheError("index-delta is not newsgen's")
    return delta if delta.base == base.generation and delta.base != "" else None


def applied(base: Index, delta: Delta) -> Index:
    """*base* with *delta* (one of its own: `fits`) put back, in its tables (a copy of
    them where the delta reorders its outputs)."""
    signatures, outputs = base.signatures, base.outputs
    signatures.update(delta.signatures)
    for name in delta.unsigned:
        signatures.pop(name, None)
    order = delta.order
    if order is not None:
        try:
            if any(name in outputs or name not in delta.outputs for _, name in order.inserted):
                raise ValueError(order)
            listed = rebuilt_list(tuple(outputs), order.dropped, order.inserted)
        except (ValueError, TypeError):  # (an order of another shape, too)
            raise CacheError("index-delta is not newsgen's") from None
        outputs = {**outputs, **delta.outputs}
        outputs = dict(zip(listed, map(outputs.__getitem__, listed)))
    else:
        outputs.update(delta.outputs)
    plan = delta.index.plan
    if plan is not None:
        was = base.plan
        keys = was.keys if was is not None else {}
        keys.update(delta.keys)
        for entity in delta.unkeyed:
            keys.pop(entity, None)
        readers = delta.readers if delta.readers is not None else (was.readers if was is not None else None)
        if readers is not None and delta.readers is not None and not (delta.named and delta.arrays):
            own = was.readers if was is not None else None
            if own is None:
                raise CacheError("index-delta is not newsgen's")
            if not delta.named:
                readers = readers._replace(names=own.names)
            if not delta.arrays:
                readers = readers._replace(offsets=own.offsets, flat=own.flat)
        plan = plan._replace(keys=keys, readers=readers)
    return replace(delta.index, signatures=signatures, outputs=outputs, plan=plan, generation=base.generation)


def delta(was: Tables, index: Index, resigned: tuple[list[str], frozenset[str]] | None) -> Delta | None:
    """*index* as the rows that differ from *was* (the index as loaded), for its base;
    None if it should be saved whole. *resigned*: the names of the signatures that
    changed since the load, and of those dropped (None: unknown)."""
    plan = index.plan
    if not was.generation or plan is None or resigned is None:
        return None
    carried = was.applied
    before = carried if carried is not None else Delta("", index, {}, frozenset(), {}, {}, frozenset())
    order = before.order
    if list(index.outputs) != list(was.outputs):
        difference = list_difference(was.base, list(index.outputs), by_value=True)
        if difference is None:
            return None  # the base's outputs moved among themselves
        order = Order(*difference)
    outputs, _ = _rows(index.outputs, row_changes(was.outputs, index.outputs), before.outputs, frozenset())
    signatures, unsigned = _rows(index.signatures, resigned, before.signatures, before.unsigned)
    keys, unkeyed = _rows(plan.keys, row_changes(was.keys, plan.keys), before.keys, before.unkeyed)
    readers, named, arrays = plan.readers, True, True
    if readers is None:
        return None  # a delta without readers means the base's
    if readers is was.readers and (carried is None or carried.readers is None):
        readers = None  # the base's, as loaded
    else:  # what the base holds already: 100,000 names, 3.4 million output numbers
        if readers.names is was.names:
            readers, named = readers._replace(names=()), False
        if was.arrays is not None and readers.offsets is was.arrays[0] and readers.flat is was.arrays[1]:
            readers, arrays = readers._replace(offsets=b"", flat=b""), False
    rows = len(signatures) + len(unsigned) + len(outputs) + len(keys) + len(unkeyed)
    rows += len(order.dropped) if order is not None else 0
    # Readers found afresh count by their names and numbers: saved whole once, not in every
    # delta until the next whole save (24 MB an edit at 100,000 articles).
    rows += len(readers.names) + len(readers.flat) // 4 if readers is not None else 0
    if rows > max(FEW, (len(was.outputs) + len(was.keys)) // SHARE):
        return None
    light = replace(index, articles={}, signatures={}, outputs={}, plan=plan._replace(keys={}, readers=None))
    return Delta(was.generation, light, signatures, unsigned, outputs, keys, unkeyed, order, readers, named, arrays)


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
