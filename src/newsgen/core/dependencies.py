"""How an output reads the site: the one vocabulary of the incremental engine.

Every output file is a function of declared inputs, and is made again only when one of
them changes (DESIGN.md, "Incremental work"). There are three kinds of input:

- **what every output shares**: newsgen's code, the config, the templates, the assets'
  digests and the build flags, digested once per build;
- **entities**: an article (by its path) or a tag (``#`` + its key), each with a *key*, a
  digest of everything an output can show of it. An output's key reads the keys of the
  entities it shows through a `Keys` mapping, so the engine learns who reads what by
  recording those reads (`Recording`), and re-keys only the readers of an edited entity;
- **lists**: the ordered lists of articles the site is made of (`ListName`). Each run of
  outputs declares how it reads one (`Reads`), and `carry` tells, after articles were
  added to some lists (a `Growth`), which outputs of the run are new or changed and which
  are the ones of the last plan, unchanged.

A new kind of page needs no change to the engine: it declares its `Reads`, and its
context's key reads the entities it shows.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

ListName = tuple[object, ...]
"""A list of articles, newest first: ``("all",)``, ``("section", "mundo")``, ``("tag", key)``,
``("archive", section, year, month)``, ``("month", year, month)`` (every section's), or
``("tags",)`` (the set of tags and their counts)."""

ALL: ListName = ("all",)
TAGS: ListName = ("tags",)


class Each(NamedTuple):
    """Output *i* shows item *i* of *list* beside its neighbours, and what is derived from
    that item alone (its related list): an article page of a section."""

    list: ListName


class Paged(NamedTuple):
    """Output 0 shows the newest *size* items of *list* and names every page; output *n* ≥ 1
    shows the *n*-th *size* items counted from the oldest and links its neighbours: the
    pages of a tag. An addition never moves the numbered pages before its own."""

    list: ListName
    size: int


class Head(NamedTuple):
    """Every output shows only the first *size* items of *list* (a feed's newest 50)."""

    list: ListName
    size: int


class Whole(NamedTuple):
    """Every output reads *lists* whole (a front's counts, a month's sitemap): any growth
    of one of them makes the run again."""

    lists: tuple[ListName, ...]


class Always(NamedTuple):
    """Made again by every plan: small files that read the clock or the other outputs (the
    news sitemap, the sitemap index)."""


Reads = Each | Paged | Head | Whole | Always


@dataclass(frozen=True)
class Growth:
    """What adding articles did to a site's lists: for each list that gained articles,
    their positions in the grown list (``inserted``, newest first) and its new length;
    for each list, the positions of items whose derived data (their related list)
    changed although they did not move (``rederived``)."""

    inserted: Mapping[ListName, tuple[int, ...]] = field(default_factory=dict)
    lengths: Mapping[ListName, int] = field(default_factory=dict)
    rederived: Mapping[ListName, tuple[int, ...]] = field(default_factory=dict)

    def grew(self, name: ListName) -> bool:
        return name in self.inserted


NO_GROWTH = Growth()


def carry(reads: Reads, count: int, before: int, growth: Growth) -> list[int | None]:
    """For each output of a run that now has *count* outputs and had *before*: the position
    of the same output, unchanged, in the last plan; or None where the output is new or
    may have changed and must be planned again."""
    if isinstance(reads, Always):
        return [None] * count
    if isinstance(reads, Whole):
        grew = any(growth.grew(name) for name in reads.lists)
        return [None] * count if grew or count != before else list(range(count))
    if isinstance(reads, Head):
        inserted = growth.inserted.get(reads.list, ())
        grew = any(p < reads.size for p in inserted)
        return [None] * count if grew or count != before else list(range(count))
    if isinstance(reads, Each):
        return _each(reads.list, count, before, growth)
    return _paged(reads, count, before, growth)


def _each(name: ListName, count: int, before: int, growth: Growth) -> list[int | None]:
    """Item pages: those of the added items and of their neighbours are new or changed,
    and those whose related list changed; the others moved down past the additions."""
    inserted = sorted(growth.inserted.get(name, ()))
    if count != before + len(inserted):
        return [None] * count
    changed = set(growth.rederived.get(name, ()))
    for p in inserted:
        changed.update((p - 1, p, p + 1))
    result: list[int | None] = []
    passed = 0
    for i in range(count):
        while passed < len(inserted) and inserted[passed] < i:
            passed += 1
        result.append(None if i in changed else i - passed)
    return result


def _paged(reads: Paged, count: int, before: int, growth: Growth) -> list[int | None]:
    """Paged lists: the newest page changes, and the numbered page the oldest addition
    joins (counted from the oldest), every later one, and the one before (its link)."""
    inserted = growth.inserted.get(reads.list, ())
    if not inserted:
        return list(range(count)) if count == before else [None] * count
    place = growth.lengths[reads.list] - 1 - max(inserted)  # the oldest addition, from the oldest
    first = max(1, place // reads.size)
    return [None if i == 0 or i >= first or i >= before else i for i in range(count)]


class Recording(dict[str, str]):
    """Stands in for the entity keys and notes which entities an output's key reads."""

    def __init__(self) -> None:
        super().__init__()
        self.read: list[str] = []

    def __getitem__(self, entity: str) -> str:
        self.read.append(entity)
        return ""

    def get(self, entity: str, default: object = None) -> str:  # type: ignore[override]
        self.read.append(entity)
        return ""


def reads_of(keyed: Iterable[tuple[int, object]]) -> Iterator[tuple[int, str]]:
    """(position, entity) for each entity each numbered output's key reads; each item of
    *keyed* is a position and an object with ``key(keys)``."""
    recording = Recording()
    for i, output in keyed:
        output.key(recording)  # type: ignore[attr-defined]
        for entity in set(recording.read):
            yield i, entity
        recording.read.clear()
