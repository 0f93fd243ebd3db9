"""Which rows of a large mapping differ from another's, in C loops: a rebuild asks it of
tables with a row for each of 100,000 articles or outputs, of which an edit changes a few
(a set difference of their items makes and hashes a pair for every row: 0.13 s there);
and a long list as the items dropped from another and inserted into it, and put back
from them (what an addition changes of the cache's lists: `newsgen.incremental.indexdelta`,
`newsgen.incremental.shapedelta`)."""
from __future__ import annotations

import itertools
import operator
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

_Key = TypeVar("_Key")
_Value = TypeVar("_Value")
_MISSING = object()
"""What `was.get` gives for a key *was* lacks (None may be a value)."""


def changed_keys(was: Mapping[_Key, _Value], now: Mapping[_Key, _Value], by_value: bool = True) -> list[_Key]:
    """The keys of *now*, in its order, that *was* lacks or holds with another value (with
    another object, if not *by_value*). When *now* starts with *was*'s keys in order (a
    table updated in place, or grown), the rows are compared side by side, without a lookup."""
    differ = operator.ne if by_value else operator.is_not
    keys = list(now)
    if len(keys) >= len(was) and keys[: len(was)] == list(was):  # (the same objects compare at once)
        side_by_side = itertools.compress(keys, map(differ, was.values(), now.values()))
        return [*side_by_side, *keys[len(was):]]
    return list(itertools.compress(keys, map(differ, map(was.get, keys, itertools.repeat(_MISSING)), now.values())))


def row_changes(
    was: Mapping[_Key, _Value], now: Mapping[_Key, _Value], by_value: bool = True,
) -> tuple[list[_Key], frozenset[_Key]]:
    """`changed_keys`, and the keys of *was* that *now* lacks."""
    changed = changed_keys(was, now, by_value)
    added = sum(1 for key in changed if key not in was)
    gone = frozenset(was.keys() - now.keys()) if len(was) + added != len(now) else frozenset()
    return changed, gone


def with_inserted(items: Iterable[_Value], inserted: Sequence[tuple[int, _Value]]) -> list[_Value]:
    """*items* with each of *inserted* at its place, its index in the list made (in
    ascending order): one pass, not an insertion into the list for each (27,000 rows
    inserted into a list of 120,000 would move 3 billion pointers); ValueError if a place
    is out of order or past the end."""
    given = list(items)
    made: list[_Value] = []
    taken = 0
    for at, item in inserted:
        count = at - len(made)
        if count < 0 or taken + count > len(given):
            raise ValueError(at)
        made += given[taken : taken + count]
        taken += count
        made.append(item)
    made += given[taken:]
    return made


Difference = tuple[tuple[int, ...], tuple[tuple[int, _Value], ...]]
"""The places of the items dropped from a list, and the items inserted, each with its
place in the list they make (ascending)."""


def list_difference(was: Sequence[_Value], now: Sequence[_Value], by_value: bool = False) -> Difference[_Value] | None:
    """*now* as *was* without the items at some places and with others inserted, telling
    items apart by identity (*by_value*: by equality, for strings); None if it is not that
    (items that moved among the others, or one twice), or hardly *was* at all. The two are
    compared side by side from each end first (C loops that stop at the first difference:
    an addition changes a list in one place), and item by item only between."""
    differ = operator.ne if by_value else operator.is_not
    shorter = min(len(was), len(now))
    start = next(itertools.compress(itertools.count(), map(differ, was, now)), shorter)
    end = next(itertools.compress(itertools.count(), map(differ, reversed(was), reversed(now))), shorter)
    end = min(end, shorter - start)
    middle_was, middle_now = was[start : len(was) - end], now[start : len(now) - end]
    keys_was = list(middle_was) if by_value else list(map(id, middle_was))
    keys_now = list(middle_now) if by_value else list(map(id, middle_now))
    in_was, in_now = set(keys_was), set(keys_now)
    if len(in_was) != len(keys_was) or len(in_now) != len(keys_now):
        return None
    kept_was = list(map(in_now.__contains__, keys_was))
    kept_now = list(map(in_was.__contains__, keys_now))
    dropped = tuple(itertools.compress(range(start, start + len(keys_was)), map(operator.not_, kept_was)))
    inserted = tuple((i, now[i]) for i in itertools.compress(range(start, start + len(keys_now)), map(operator.not_, kept_now)))
    if (len(dropped) + len(inserted)) * 2 > len(now):
        return None
    if list(itertools.compress(keys_was, kept_was)) != list(itertools.compress(keys_now, kept_now)):
        return None
    return dropped, inserted


def rebuilt_list(was: Sequence[_Value], dropped: Sequence[int], inserted: Sequence[tuple[int, _Value]]) -> list[_Value]:
    """*was* without the items at *dropped* and with *inserted* (`list_difference`);
    ValueError if a place is out of order or past the end."""
    gone = set(dropped)
    kept = itertools.compress(was, (i not in gone for i in range(len(was)))) if gone else was
    return with_inserted(kept, inserted)
