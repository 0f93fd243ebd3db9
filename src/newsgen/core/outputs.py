"""The outputs a build may produce: one file not yet made (`Planned`), a run of outputs of
one kind (`Run`), and the digests that key them."""
from __future__ import annotations

import hashlib
import marshal
from collections.abc import Callable, Iterable, Mapping
from operator import attrgetter
from typing import Any, NamedTuple, Protocol

from newsgen.core.dependencies import Reads


class Planned(NamedTuple):
    """An output file not yet made. Equal keys promise equal bytes, so a build whose
    previous output holds this file under the same key keeps it instead of making it."""

    file: str
    key: str
    make: Callable[[], bytes]


def digest(*parts: object) -> str:
    """A short stable digest of values: marshal for plain ones (strings, numbers, tuples,
    None; fast for the 13,000 page keys of a big site), else their ``repr``. Marshal's
    format 0: later formats write a repeated object as a back-reference and an interned
    string differently, so equal values could give different bytes."""
    try:
        data = b"m" + marshal.dumps(parts, 0)  # type: ignore[arg-type]  # ValueError below if not
    except ValueError:
        data = b"r" + repr(parts).encode()
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class _Located(Protocol):
    @property
    def path(self) -> str: ...


_PATH = attrgetter("path")

Keys = Mapping[str, str]
"""Article path → the article's key: a digest of everything a page can show of it."""


def keys_of(keys: Keys, articles: Iterable[_Located]) -> tuple[str, ...]:
    """The keys of *articles*, in order: what a page or feed listing them depends on."""
    return tuple(map(keys.__getitem__, map(_PATH, articles)))  # C loops: 13,000 pages call this


class Output(Protocol):
    """What a run makes: an output file not yet made, with what its bytes depend on."""

    @property
    def file(self) -> str: ...

    def key(self, keys: Keys) -> tuple[object, ...]:
        """Everything the file shows besides what every output shares; the keys of the
        entities it shows are read through *keys* (so a `Recording` learns them)."""
        ...


class Run(NamedTuple):
    """Outputs of one kind made from one list: how many, the *i*-th (not yet made), what
    they read of the site's lists, and how to make one. ``name`` identifies the run from
    one plan to the next, e.g. ``("tag", "nato")``."""

    name: tuple[object, ...]
    count: int
    output: Callable[[int], Any]
    reads: Reads
    make: Callable[[Any], bytes]
