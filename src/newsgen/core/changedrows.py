"""Which rows of a large mapping differ from another's, in C loops: a rebuild asks it of
tables with a row for each of 100,000 articles or outputs, of which an edit changes a few
(a set difference of their items makes and hashes a pair for every row: 0.13 s there)."""
from __future__ import annotations

import itertools
import operator
from collections.abc import Mapping
from typing import TypeVar

_Key = TypeVar("_Key")
_Value = TypeVar("_Value")
_MISSING = object()
"""What `was.get` gives for a key *was* lacks (None may be a value)."""


def changed_keys(was: Mapping[_Key, _Value], now: Mapping[_Key, _Value]) -> list[_Key]:
    """The keys of *now*, in its order, that *was* lacks or holds with another value.
    When *now* starts with *was*'s keys in order (a table updated in place, or grown),
    the rows are compared side by side, without a lookup."""
    keys = list(now)
    if len(keys) >= len(was) and keys[: len(was)] == list(was):  # (the same objects compare at once)
        side_by_side = itertools.compress(keys, map(operator.ne, was.values(), now.values()))
        return [*side_by_side, *keys[len(was):]]
    return list(itertools.compress(keys, map(operator.ne, map(was.get, keys, itertools.repeat(_MISSING)), now.values())))


def row_changes(was: Mapping[_Key, _Value], now: Mapping[_Key, _Value]) -> tuple[list[_Key], frozenset[_Key]]:
    """`changed_keys`, and the keys of *was* that *now* lacks."""
    changed = changed_keys(was, now)
    added = sum(1 for key in changed if key not in was)
    gone = frozenset(was.keys() - now.keys()) if len(was) + added != len(now) else frozenset()
    return changed, gone
