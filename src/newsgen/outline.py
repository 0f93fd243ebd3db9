"""What a quick re-plan keeps of the last plan: its `Outline`, and its `Readers` (which
pages show which article). `newsgen.planning` makes both; the preview server keeps
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

from newsgen.feeds import FeedEntries
from newsgen.models import Article
from newsgen.planned import Keys
from newsgen.render import PageSpec
from newsgen.site import Site
from newsgen.sitemaps import SitemapFile

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
        """What a re-plan of edits keeps as it is (`newsgen.build` saves it with each
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

    Saved `packed`: page numbers as raw arrays, not 150,000 pickled ints (30 ms to save
    and load at 10,000 articles); an edit looks up its article's pages in them and saves
    them back as they came, unpacked only when an addition moves the pages."""

    def __init__(
        self, specs: Callable[[], Iterable[PageSpec]] | None = None, table: dict[str, list[int]] | None = None,
        packed: object = None,
    ) -> None:
        """*specs*: makes the pages, to look at when first asked; *table*: what that found
        before, or *packed* (`packed`; ignored unless packed here, by this machine)."""
        self._specs, self._table = specs, table
        self._packed = packed if isinstance(packed, tuple) and len(packed) == 4 and packed[0] == _PACKING else None
        self._index: dict[str, int] | None = None

    @property
    def known(self) -> bool:
        """Whether the table is known (not to be found from the pages yet)."""
        return self._table is not None or self._packed is not None

    def pages(self, paths: Iterable[str], specs: Callable[[], Iterable[PageSpec]] | None = None) -> set[int]:
        """The indices (in the plan) of the pages that show any article of *paths*.
        *specs* makes the pages for readers restored from a cache without their table."""
        if self._table is None and self._packed is not None:
            _, names, offsets, flat = self._arrays()
            if self._index is None:
                self._index = dict(zip(names, range(len(names)), strict=True))
            found = (self._index.get(path) for path in paths)
            return {page for i in found if i is not None for page in flat[offsets[i] : offsets[i + 1]]}
        table = self.find(specs)
        return {i for path in paths for i in table.get(path, ())}

    def find(self, specs: Callable[[], Iterable[PageSpec]] | None = None) -> dict[str, list[int]]:
        """The table, found now if it was not yet (see `pages` for *specs*)."""
        if self._table is None and self._packed is not None:
            _, names, offsets, flat = self._arrays()
            self._table = {name: flat[offsets[i] : offsets[i + 1]].tolist() for i, name in enumerate(names)}
        elif self._table is None:
            found = self._specs or specs
            assert found is not None, "readers restored without a table need the pages"
            self._table, self._specs = _readers(found()), None  # specs hold a whole site: let them go
        return self._table

    def packed(self) -> object:
        """The table for the build cache (None if not known): raw arrays of page numbers."""
        if self._packed is not None or self._table is None:
            return self._packed
        offsets, flat = array(_ARRAY, [0]), array(_ARRAY)
        for pages in self._table.values():
            flat.extend(pages)
            offsets.append(len(flat))
        return (_PACKING, tuple(self._table), offsets.tobytes(), flat.tobytes())

    def _arrays(self) -> tuple[str, tuple[str, ...], array[int], array[int]]:
        tag, names, offsets, flat = self._packed  # type: ignore[misc]
        return tag, names, array(_ARRAY, offsets), array(_ARRAY, flat)

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
        now_at = [position.get(file) for file in before]  # None: the page is gone
        table: dict[str, list[int]] = {}
        for path, pages in self.find().items():
            kept = [now_at[i] for i in pages if now_at[i] is not None and now_at[i] not in specs]
            if kept:
                table[path] = kept  # type: ignore[assignment]  # the Nones are filtered out
        for i, path in _reads(sorted(specs.items())):
            table.setdefault(path, []).append(i)
        return Readers(table=table)


class _Recording(dict[str, str]):
    """Stands in for the article keys and notes which articles a page's key reads."""

    def __init__(self) -> None:
        super().__init__()
        self.read: list[str] = []

    def __getitem__(self, path: str) -> str:
        self.read.append(path)
        return ""


def _readers(specs: Iterable[PageSpec]) -> dict[str, list[int]]:
    pages: dict[str, list[int]] = defaultdict(list)
    for i, path in _reads(enumerate(specs)):
        pages[path].append(i)
    return dict(pages)


def _reads(specs: Iterable[tuple[int, PageSpec]]) -> Iterator[tuple[int, str]]:
    """(position, article path) for each article each page's key reads."""
    recording = _Recording()
    for i, spec in specs:
        spec.key(recording)
        for path in set(recording.read):
            yield i, path
        recording.read.clear()
