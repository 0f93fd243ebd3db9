"""What a quick re-plan keeps of the last plan: its `Outline`, and its `Readers` (which
pages show which article). `newsgen.planning` makes both; the preview server keeps
them in memory between saves, ``newsgen build`` in its cache."""
from __future__ import annotations

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
        """What a re-plan of edits may change."""
        return (self.token, dict(self.keys), self.shared, self.pages, self.readers.table)

    @classmethod
    def rejoin(cls, fixed: object, variable: object) -> Outline | None:
        """The outline saved as `fixed` and `variable`; None if they are not of one plan."""
        if not (isinstance(fixed, tuple) and isinstance(variable, tuple) and len(fixed) == 7 and len(variable) == 5):
            return None
        token, site, articles, sitemaps, clock, sizes, published = fixed
        same, keys, shared, pages, table = variable
        if token != same or not isinstance(site, Site):
            return None
        return cls(token, site, articles, keys, shared, pages, sitemaps, clock, sizes, published, Readers(table=table))


class Readers:
    """Which pages read which article's key: those to re-key when only that article's text
    changed. Found from the page specs on first use (0.1 s at 10,000 articles: the preview
    server asks while the editor reads), then carried over by every quick re-plan."""

    def __init__(
        self, specs: Callable[[], Iterable[PageSpec]] | None = None, table: dict[str, list[int]] | None = None
    ) -> None:
        """*specs*: makes the pages, to look at when first asked; *table*: what that found before."""
        self._specs, self.table = specs, table

    def pages(self, paths: Iterable[str], specs: Callable[[], Iterable[PageSpec]] | None = None) -> set[int]:
        """The indices (in the plan) of the pages that show any article of *paths*.
        *specs* makes the pages for readers restored from a cache without their table."""
        table = self.find(specs)
        return {i for path in paths for i in table.get(path, ())}

    def find(self, specs: Callable[[], Iterable[PageSpec]] | None = None) -> dict[str, list[int]]:
        """The table, found now if it was not yet (see `pages` for *specs*)."""
        if self.table is None:
            found = self._specs or specs
            assert found is not None, "readers restored without a table need the pages"
            self.table, self._specs = _readers(found()), None  # specs hold a whole site: let them go
        return self.table

    def moved(
        self, before: Sequence[str], after: Sequence[str], specs: Mapping[int, PageSpec],
        plan: Callable[[], Iterable[PageSpec]],
    ) -> Readers:
        """The readers of a plan whose pages are *after* (files), made from the plan of
        these readers (its files: *before*) by keying again only the pages *specs* (by
        position): every other page was in *before* and reads what it read there. *plan*
        makes all the pages, if these readers were never found."""
        if self.table is None:
            return Readers(plan)
        position = {file: i for i, file in enumerate(after)}
        now_at = [position.get(file) for file in before]  # None: the page is gone
        table: dict[str, list[int]] = {}
        for path, pages in self.table.items():
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
