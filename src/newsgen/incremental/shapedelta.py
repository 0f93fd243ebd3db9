"""The plan's shape saved as what an addition changed of it.

An addition makes a new shape (`PlanShape`: the site's lists) that differs from the one
saved whole (the *base*) by an article inserted into a few lists and the related lists
it touched; saving it whole pickled every list again (24 MB, 0.3 s at 100,000
articles). Now it saves ``plan-delta``: the new shape pickled against the base as
loaded. An object the base holds is written as where the base holds it (a field of its
site, a section's list, a tag, a month); a list made from the base's list at the same
place (the same tag's articles with one more) as the articles it dropped and those it
inserted; a mapping made from the base's (the related lists, a few of them changed) as
its changed and dropped entries. The next build loads the base and reads the delta
against it: a delta of another base (a build stopped between saving a base and removing
the old delta) is not applied, and past `SHARE` of the base's size the shape is saved
whole again.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from newsgen.core.changedrows import list_difference, rebuilt_list, row_changes
from newsgen.core.models import Article
from newsgen.core.site import Site
from newsgen.incremental.errors import CacheError
from newsgen.incremental.memory import PlanShape
from newsgen.incremental.store import BuildCache

PLAN = "plan"
DELTA = "plan-delta"
SHARE = 4
"""A delta larger than this fraction of the base's file is saved whole instead."""
DIFFED = 64
"""A list shorter than this is written whole, not as a difference."""

Place = tuple[object, ...]
"""Where the base holds an object: ``("site", field[, key[, "articles"]])`` or
``("shape", field[, index])``."""


class ShapeDelta(NamedTuple):
    """A shape written against the base named *base* (its token)."""

    base: object
    """The base's token (written as a persistent id: checked before anything is read against it)."""
    shape: PlanShape


class _Base(NamedTuple):
    token: str


class _OtherBase(Exception):
    """The delta was written against another base."""


def load_plan(store: BuildCache, articles: Mapping[str, object]) -> tuple[PlanShape | None, PlanShape | None]:
    """The last plan's shape (None: none), and the base it was read against (to save the
    next against: it holds every object the next delta refers to); `CacheError` if either
    is damaged."""
    base = store.load(PLAN, PlanShape, articles)
    if base is None or not (store.folder / DELTA).exists():
        return base, base
    reader = _Reader(base)
    try:
        delta = store.load(DELTA, ShapeDelta, articles, reader.load)
    except CacheError:
        if reader.other:
            return base, base  # another base's: never applied (the next save removes it)
        raise
    return (delta.shape if delta is not None else base), base


def save_plan(store: BuildCache, shape: PlanShape, base: PlanShape | None, names: Mapping[int, str]) -> None:
    """Save *shape* against *base* (the shape saved whole, as loaded) if it is one made
    from it, else whole; *names*: the articles' names (`BuildCache.save`)."""
    if base is not None and base.token != shape.token:
        writer = _Writer(base, shape)
        store.save(DELTA, ShapeDelta(_Base(base.token), shape), names, Article, writer.id)
        try:
            small = (store.folder / DELTA).stat().st_size * SHARE < (store.folder / PLAN).stat().st_size
        except OSError:
            small = False
        if small:
            return
    store.save(PLAN, shape, names, Article)
    store.forget(DELTA)


def _members(site: Site) -> Iterator[tuple[str, object, object, object]]:
    """Each member of *site*'s mappings and tuples a later site may hold again: its field,
    its key (or index), what a later site's member is matched by (the key, or the group's
    path; None: never matched), and the member. Not the related lists (100,000 small
    lists: the changed ones are written whole) nor the articles."""
    for field in dataclasses.fields(Site):
        value = getattr(site, field.name)
        if isinstance(value, Mapping) and field.name != "related":
            for key, item in value.items():
                yield field.name, key, key, item
        elif type(value) is tuple and field.name != "articles":
            for i, item in enumerate(value):
                yield field.name, i, getattr(item, "path", None), item


def _places(shape: PlanShape) -> Iterator[tuple[Place, object]]:
    """Each place of *shape* a later shape may hold the same object at, and that object."""
    for field in dataclasses.fields(Site):
        yield ("site", field.name), getattr(shape.site, field.name)
    for field_name, key, _, item in _members(shape.site):
        yield ("site", field_name, key), item
        if hasattr(item, "articles"):
            yield ("site", field_name, key, "articles"), item.articles
    for name in PlanShape._fields[1:]:  # (not the token: the base's is told apart from the shape's)
        yield ("shape", name), getattr(shape, name)
    for i, pair in enumerate(shape.newest):
        yield ("shape", "newest", i), pair


def _resolved(base: PlanShape, place: Place) -> object:
    root, field, *rest = place
    value = getattr(base.site if root == "site" else base, str(field))
    if rest:
        value = value[rest[0]]
    if len(rest) > 1:
        value = value.articles
    return value


def _counterparts(base: PlanShape, shape: PlanShape) -> Iterator[tuple[object, object, Place]]:
    """Each list or mapping of *shape* with the base's at the same place (a tag's and a
    month's by their path), and that place."""
    for field in dataclasses.fields(Site):
        yield getattr(shape.site, field.name), getattr(base.site, field.name), ("site", field.name)
    was = {(field_name, match): (key, item) for field_name, key, match, item in _members(base.site) if match is not None}
    for field_name, _, match, item in _members(shape.site):
        key, old = was.get((field_name, match), (None, None))
        if old is None:
            continue
        yield item, old, ("site", field_name, key)
        if hasattr(item, "articles") and hasattr(old, "articles"):
            yield item.articles, old.articles, ("site", field_name, key, "articles")
    for name in ("articles", "newest"):
        yield getattr(shape, name), getattr(base, name), ("shape", name)


class _Writer:
    """The persistent ids of a shape written against its base."""

    def __init__(self, base: PlanShape, shape: PlanShape) -> None:
        self._at = {id(value): place for place, value in _places(base)}
        self._made: dict[int, tuple[object, ...]] = {}
        for now, was, place in _counterparts(base, shape):
            if now is was or id(now) in self._made:
                continue
            if isinstance(now, MappingProxyType | dict) and isinstance(was, MappingProxyType | dict):
                changed, gone = row_changes(was, now, by_value=False)
                self._made[id(now)] = ("mapping", place, dict(zip(changed, map(now.__getitem__, changed))), tuple(gone))
            elif type(now) is tuple and type(was) is tuple and len(was) >= DIFFED:
                changed = list_difference(was, now)
                if changed is not None:
                    self._made[id(now)] = ("list", place, *changed)
        self._written: dict[int, int] = {}

    def id(self, obj: object) -> Any:
        if type(obj) is _Base:  # (bytes: a string the base holds would be written as a place in it)
            return ("base", obj.token.encode())
        key = id(obj)
        written = self._written.get(key)
        if written is not None:
            return ("again", written)
        place = self._at.get(key)
        if place is not None:
            return ("at", place)
        made = self._made.get(key)
        if made is None:
            return None
        self._written[key] = number = len(self._written)
        return (made[0], number, *made[1:])


class _Reader:
    """What the persistent ids of a delta stand for, against *base*."""

    def __init__(self, base: PlanShape) -> None:
        self._base = base
        self._made: dict[int, object] = {}
        self.other = False

    def load(self, pid: Any) -> object:
        try:
            kind = pid[0]
            if kind == "base":
                if pid[1] != self._base.token.encode():
                    self.other = True
                    raise _OtherBase
                return self._base.token
            if kind == "at":
                return _resolved(self._base, pid[1])
            if kind == "again":
                return self._made[pid[1]]
            number, place = pid[1], pid[2]
            was = _resolved(self._base, place)
            if kind == "list":
                made: object = tuple(rebuilt_list(was, pid[3], pid[4]))  # type: ignore[arg-type]
            elif kind == "mapping":
                entries = {**was, **pid[3]}  # type: ignore[dict-item]
                for key in pid[4]:
                    del entries[key]
                made = MappingProxyType(entries) if isinstance(was, MappingProxyType) else entries
            else:
                raise CacheError(f"{DELTA} is not newsgen's")
            self._made[number] = made
            return made
        except (LookupError, TypeError, ValueError, AttributeError):
            raise CacheError(f"{DELTA} is not newsgen's") from None
