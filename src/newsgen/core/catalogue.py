"""Every output of a site, as runs: the HTML pages, the feeds, the sitemaps. And the plan
made from scratch: each output keyed by what it reads, not yet made.

A new kind of output is a new run here, declaring how it reads the site's lists
(`newsgen.core.dependencies`) and keyed by what it shows: the engine (the fresh plan
below, the quick re-plan in `newsgen.incremental.replan`) needs nothing else.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from babel import Locale

from newsgen.core.fates import Fate
from newsgen.core.feeds import EntryCache, Feeds
from newsgen.core.live import live_runs
from newsgen.core.models import Article
from newsgen.core.newsfeeds import NewsroomFeeds
from newsgen.core.newsroom import Newsroom
from newsgen.core.outputs import Keys, Planned, Run, digest
from newsgen.core.pages import Pages, PageSpec
from newsgen.core.photoplan import PhotoPlan
from newsgen.core.redirects import Redirects
from newsgen.core.site import Site
from newsgen.core.sitemaps import Sitemaps


class Catalogue:
    """The runs of one site. *render* makes a page; *keys*: the entity keys (feeds remember
    their entries by them); *full* gives an article its body; *entries*: feed entries an
    earlier plan made; *photos*: the copies of photographs (feeds show one); *fates*: what
    the addresses that are no article's page serve (`newsgen.core.fates`)."""

    def __init__(
        self, site: Site, render: Callable[[PageSpec], bytes], keys: Keys,
        full: Callable[[Article], Article] | None = None, entries: EntryCache | None = None,
        photos: PhotoPlan | None = None, fates: tuple[Fate, ...] = (),
    ) -> None:
        self.site = site
        self.pages = Pages(site, Locale.parse(site.config.locale), render)
        self.feeds = Feeds(site, keys, full, entries, photos)
        self.sitemaps = Sitemaps(site)
        self.newsroom = Newsroom(site, render)
        self.redirects = Redirects(fates, site.config.base_url, render)

    @functools.cached_property
    def page_runs(self) -> tuple[Run, ...]:
        """The HTML pages, article pages first (the search index reads them), then the
        newsroom's (authors, standalone pages, corrections), then the pages of addresses
        that are no article's any more (redirects, notices)."""
        return (*self.pages.runs(), *self.newsroom.runs(), *self.redirects.page_runs())

    @functools.cached_property
    def runs(self) -> tuple[Run, ...]:
        """The pages, then the feeds, the sitemaps, the live pages' status files and the
        hosts' redirect rules."""
        return (*self.page_runs, *self.feeds.runs(), *NewsroomFeeds(self.feeds).runs(), *self.sitemaps.runs(),
                *live_runs(self.site), *self.redirects.file_runs())

    @functools.cached_property
    def page_count(self) -> int:
        """How many HTML pages the site has: the first outputs of `runs`."""
        return sum(run.count for run in self.page_runs)

    @functools.cached_property
    def by_name(self) -> dict[tuple[object, ...], Run]:
        return {run.name: run for run in self.runs}

    def outputs(self) -> Iterator[Any]:
        """Every output of every run, in plan order, not yet made."""
        for run in self.runs:
            yield from map(run.output, range(run.count))

    def make(self, name: tuple[object, ...], i: int) -> bytes:
        """Make the *i*-th output of the run *name*."""
        run = self.by_name[name]
        return run.make(run.output(i))


def planned(run: Run, i: int, keys: Keys, shared: str) -> Planned:
    """The *i*-th output of *run*, keyed by what every output *shared* and what it shows."""
    output = run.output(i)
    return Planned(output.file, digest(shared, output.key(keys)), functools.partial(run.make, output))


def fresh_plan(runs: tuple[Run, ...], keys: Keys, shared: str) -> tuple[list[Planned], list[Any]]:
    """Every output of *runs*, keyed, in order; and the outputs themselves (whose reads a
    later plan may want to know, `newsgen.incremental.readers`)."""
    outputs = [run.output(i) for run in runs for i in range(run.count)]
    makers = [run.make for run in runs for _ in range(run.count)]
    plan = [
        Planned(output.file, digest(shared, output.key(keys)), functools.partial(make, output))
        for output, make in zip(outputs, makers, strict=True)
    ]
    return plan, outputs
