"""What a quick re-plan keeps of the last plan: its `Outline`, and its `Readers` (which
pages show which article). `newsgen.incremental.planning` makes both; the preview server keeps
them in memory between saves, ``newsgen build`` in its cache."""
from __future__ import annotations

import itertools
import sys
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from newsgen.core.feeds import FeedEntries
from newsgen.core.models import Article
from newsgen.core.outputs import Keys
from newsgen.core.render import PageSpec
from newsgen.core.site import Site
from newsgen.core.sitemaps import SitemapFile

Sizes = Mapping[str, tuple[int, int]]
_ARRAY = "I"
_PACKING = f"{_ARRAY}{array(_ARRAY).itemsize}{sys.byteorder}"
"""Packed arrays are read back only by a machine that packs them alike."""


@dataclass(frozen=True)
class Outline:
    """What a later `gather` needs of this plan to re-plan edits that move no article,
    and added articles."""

    token: str
    """Names the site's structure: a re-plan of edits keeps it; a fresh plan, or one that
    adds articles, makes a new one."""
    site: Site
    articles: tuple[Article, ...]
    """Every parsed article, drafts and embargoed ones too, in source order."""
    keys: Keys
    """Each published article's key: a page's key is a digest of those of its articles."""
    shared: str
    """The key of what every page depends on: code, config, templates, assets, options, tags."""
    pages: tuple[tuple[str, str], ...]
    """Each page's file and key, in plan order."""
    sitemaps: tuple[SitemapFile, ...]
    """The urlsets of the sitemap index."""
    clock: tuple[datetime | None, datetime | None]
    sizes: Sizes
    published: Mapping[str, Path]
    """The static and content files published as they are."""
    readers: Readers
    entries: FeedEntries | None = None
    """The feed entries this plan made, for the next re-plan in this process (not saved)."""

    def fixed(self) -> tuple[object, ...]:
        """What a re-plan of edits keeps as it is (`newsgen.pipeline` saves it with each
        article written as its path, read back from the parse cache)."""
        return (self.token, self.site, self.articles, self.sitemaps, self.clock, self.sizes, dict(self.published))

    def variable(self) -> tuple[object, ...]:
        """What a re-plan of edits may change; of the pages, their count only: they are the
        first files of the plan, whose files and keys the build saves anyway."""
        return (self.token, dict(self.keys), self.shared, len(self.pages), self.readers.packed())

    @classmethod
    def rejoin(cls, fixed: object, variable: object, outputs: Mapping[str, str]) -> Outline | None:
        """The outline saved as `fixed` and `variable`, with *outputs*, the files and keys
        of its plan, in plan order; None if they are not of one plan."""
        if not (isinstance(fixed, tuple) and isinstance(variable, tuple) and len(fixed) == 7 and len(variable) == 5):
            return None
        token, site, articles, sitemaps, clock, sizes, published = fixed
        same, keys, shared, count, table = variable
        pages = tuple(itertools.islice(outputs.items(), count)) if isinstance(count, int) else ()
        if token != same or not isinstance(site, Site) or len(pages) != count:
            return None
        return cls(token, site, articles, keys, shared, pages, sitemaps, clock, sizes, published, Readers(packed=table))


class Readers:
    """Which pages read which article's key: those to re-key when only that article's text
    changed. Found from the page specs on first use (0.1 s at 10,000 articles: the preview
    server asks while the editor reads), then carried over by every quick re-plan.

    The build cache keeps them packed (`_Packed`): page numbers as raw arrays, not 150,000
    pickled ints (30 ms to save and load at 10,000 articles). An edit looks its article's
    pages up in them and saves them back as they came; an addition, which moves pages,
    maps the arrays to the new positions in one pass and notes what the pages it keyed
    again read beside them."""

    def __init__(
        self, specs: Callable[[], Iterable[PageSpec]] | None = None, table: dict[str, list[int]] | None = None,
        packed: object = None, count: int | None = None,
    ) -> None:
        """*specs*: makes the pages, to look at when first asked; *table*: what that found
        before, for a plan of *count* pages; or *packed*, as `packed` gave it (ignored unless
        packed by this code on a machine that packs alike)."""
        self._specs, self._table, self._count = specs, table, count
        self._packed = packed if isinstance(packed, _Packed) else _Packed.restore(packed)
        self._index: dict[str, int] | None = None

    @property
    def known(self) -> bool:
        """Whether the table is known (not to be found from the pages yet)."""
        return self._table is not None or self._packed is not None

    def pages(self, paths: Iterable[str], specs: Callable[[], Iterable[PageSpec]] | None = None) -> set[int]:
        """The indices (in the plan) of the pages that show any article of *paths*.
        *specs* makes the pages for readers restored from a cache without their table."""
        if self._table is None and self._packed is not None:
            if self._index is None:
                self._index = dict(zip(self._packed.names, range(len(self._packed.names)), strict=True))
            return {i for path in paths for i in self._packed.read_by(path, self._index.get(path))}
        table = self.find(specs)
        return {i for path in paths for i in table.get(path, ())}

    def find(self, specs: Callable[[], Iterable[PageSpec]] | None = None) -> dict[str, list[int]]:
        """The table, found now if it was not yet (see `pages` for *specs*)."""
        if self._table is None and self._packed is not None:
            self._table = self._packed.table()
        elif self._table is None:
            found = self._specs or specs
            assert found is not None, "readers restored without a table need the pages"
            self._table, self._count = _readers(found())
            self._specs = None  # specs hold a whole site: let them go
        return self._table

    def packed(self) -> object:
        """The readers for the build cache (None if not known)."""
        if self._packed is not None:
            return self._packed.saved()
        if self._table is None or self._count is None:
            return None
        return _Packed.pack(self._table, self._count).saved()

    def moved(
        self, before: Sequence[str], after: Sequence[str], specs: Mapping[int, PageSpec],
        plan: Callable[[], Iterable[PageSpec]],
    ) -> Readers:
        """The readers of a plan whose pages are *after* (files), made from the plan of
        these readers (its files: *before*) by keying again only the pages *specs* (by
        position): every other page was in *before* and reads what it read there. *plan*
        makes all the pages, if these readers were never found."""
        if not self.known:
            return Readers(plan)
        position = {file: i for i, file in enumerate(after)}
        if self._packed is not None and self._packed.total == len(before):
            gone = len(after)  # stands for a page gone or keyed again
            new_at = [gone if (i := position.get(file)) is None or i in specs else i for file in before]
            moved = self._packed.moved(new_at + [gone], gone)
            for i, path in _reads(sorted(specs.items())):
                moved.overlay.setdefault(path, []).append(i)
            if sum(map(len, moved.overlay.values())) > len(moved.flat) // 4:
                return Readers(table=moved.table(), count=gone)  # packed afresh when saved
            return Readers(packed=moved)
        now_at = [position.get(file) for file in before]  # None: the page is gone
        table: dict[str, list[int]] = {}
        for path, pages in self.find().items():
            kept = [now_at[i] for i in pages if now_at[i] is not None and now_at[i] not in specs]
            if kept:
                table[path] = kept  # type: ignore[assignment]  # the Nones are filtered out
        for i, path in _reads(sorted(specs.items())):
            table.setdefault(path, []).append(i)
        return Readers(table=table, count=len(after))


class _Packed(NamedTuple):
    """Readers as arrays: the pages of ``names[i]`` are ``flat[offsets[i]:offsets[i + 1]]``,
    and those in ``overlay`` (read by pages keyed since the arrays were made); a page
    number equal to ``total`` (the plan's number of pages) is no page."""

    names: tuple[str, ...]
    offsets: array[int]
    flat: array[int]
    overlay: dict[str, list[int]]
    total: int

    @classmethod
    def pack(cls, table: Mapping[str, list[int]], count: int) -> _Packed:
        offsets, flat = array(_ARRAY, [0]), array(_ARRAY)
        for pages in table.values():
            flat.extend(pages)
            offsets.append(len(flat))
        return cls(tuple(table), offsets, flat, {}, count)

    @classmethod
    def restore(cls, saved: object) -> _Packed | None:
        """What `saved` gave, or None if it is not that of this code on this machine."""
        if not (isinstance(saved, tuple) and len(saved) == 6 and saved[0] == _PACKING):
            return None
        _, names, offsets, flat, overlay, count = saved
        try:
            return cls(names, array(_ARRAY, offsets), array(_ARRAY, flat), overlay, count)
        except (TypeError, ValueError):
            return None

    def saved(self) -> tuple[object, ...]:
        return (_PACKING, self.names, self.offsets.tobytes(), self.flat.tobytes(), self.overlay, self.total)

    def read_by(self, path: str, i: int | None) -> list[int]:
        """The pages that read *path*, ``names[i]``."""
        pages = [] if i is None else [p for p in self.flat[self.offsets[i] : self.offsets[i + 1]] if p != self.total]
        return pages + self.overlay.get(path, [])

    def table(self) -> dict[str, list[int]]:
        table = {name: self.read_by(name, i) for i, name in enumerate(self.names)}
        table.update((path, self.read_by(path, None)) for path in self.overlay.keys() - table.keys())
        return {path: pages for path, pages in table.items() if pages}

    def moved(self, now_at: list[int], total: int) -> _Packed:
        """Every page number *p* as ``now_at[p]`` (*total*: no page); a fresh overlay."""
        flat = array(_ARRAY, map(now_at.__getitem__, self.flat))  # C loops: 150,000 numbers
        overlay = {path: [now_at[p] for p in pages if now_at[p] != total] for path, pages in self.overlay.items()}
        return _Packed(self.names, self.offsets, flat, overlay, total)


class _Recording(dict[str, str]):
    """Stands in for the article keys and notes which articles a page's key reads."""

    def __init__(self) -> None:
        super().__init__()
        self.read: list[str] = []

    def __getitem__(self, path: str) -> str:
        self.read.append(path)
        return ""


def _readers(specs: Iterable[PageSpec]) -> tuple[dict[str, list[int]], int]:
    """The table of *specs*, and how many pages they are."""
    pages: dict[str, list[int]] = defaultdict(list)
    listed = list(specs)
    for i, path in _reads(enumerate(listed)):
        pages[path].append(i)
    return dict(pages), len(listed)


def _reads(specs: Iterable[tuple[int, PageSpec]]) -> Iterator[tuple[int, str]]:
    """(position, article path) for each article each page's key reads."""
    recording = _Recording()
    for i, spec in specs:
        spec.key(recording)
        for path in set(recording.read):
            yield i, path
        recording.read.clear()
