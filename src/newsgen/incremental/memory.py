"""The memory of the last plan (`LastPlan`): what a quick re-plan needs of it. The preview
server keeps it in memory between saves; ``newsgen build`` keeps it in its cache, in two
typed records: `PlanShape`, which a re-plan of edits never changes (saved only after a
fresh plan or an addition: the site's lists), and `PlanKeys`, saved by every build (what
an edit may change: entity keys, readers, the clock, the runs); a token ties the two.
"""
from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from newsgen.core.entities import Sizes
from newsgen.core.models import Article
from newsgen.core.outputs import Keys
from newsgen.core.listdates import Known, newest_known
from newsgen.core.site import Site
from newsgen.core.timeline import Clock
from newsgen.incremental.feedentries import FeedEntries
from newsgen.incremental.readers import Readers, SavedReaders

RunName = tuple[object, ...]


@dataclass(frozen=True)
class LastPlan:
    """What a later plan needs of this one to re-plan edits that move no article, and
    added articles."""

    token: str
    """Names the site's shape: a re-plan of edits keeps it; a fresh plan, or one that adds
    articles, makes a new one."""
    site: Site
    articles: tuple[Article, ...]
    """Every parsed article, drafts and embargoed ones too, in source order."""
    keys: Keys
    """The entity keys (`newsgen.core.entities`)."""
    shared: str
    """The key of what every output shares: code, config, templates, assets, options."""
    runs: tuple[tuple[RunName, int], ...]
    """Each run's name and number of outputs, in plan order."""
    outputs: tuple[tuple[str, str], ...]
    """Each run output's file and key, in plan order (the published files follow them)."""
    clock: Clock
    sizes: Sizes
    published: Mapping[str, Path]
    """The static and content files published as they are."""
    readers: Readers
    entries: FeedEntries | None = None
    """The feed entries this plan made, for the next re-plan in this process (not saved)."""
    newest: Known = ()
    """The newest date of the site's lists, as a saved plan brought it (`keep_newest`)."""

    def shape(self) -> PlanShape:
        return PlanShape(self.token, self.site, self.articles, self.sizes, dict(self.published), newest_known(self.site))

    def saved_keys(self) -> PlanKeys:
        """What a re-plan of edits may change; of the outputs, only their count: they are the
        first files of the plan, whose files and keys the build saves anyway."""
        return PlanKeys(
            self.token, dict(self.keys), self.shared, len(self.outputs), self.readers.saved(), self.clock, self.site.now,
            self.runs,
        )

    @classmethod
    def rejoin(cls, shape: PlanShape, keys: PlanKeys, outputs: Mapping[str, str]) -> LastPlan | None:
        """The plan saved as *shape* and *keys*, with *outputs*, the files and keys of its
        plan in order; None if they are not of one plan."""
        listed = tuple(itertools.islice(outputs.items(), keys.count))
        if shape.token != keys.token or len(listed) != keys.count or sum(n for _, n in keys.runs) != keys.count:
            return None
        readers = Readers(saved=keys.readers) if keys.readers is not None else Readers()
        site = shape.site if keys.now == shape.site.now else replace(shape.site, now=keys.now)
        return cls(
            shape.token, site, shape.articles, keys.keys, keys.shared, keys.runs, listed, keys.clock, shape.sizes,
            shape.published, readers, newest=shape.newest,
        )


class PlanShape(NamedTuple):
    """The part of a `LastPlan` that a re-plan of edits keeps as it is. The build cache
    saves its articles as their paths and reads them back from the parse cache."""

    token: str
    site: Site
    articles: tuple[Article, ...]
    sizes: Sizes
    published: dict[str, Path]
    newest: Known = ()
    """The newest date of each of the site's lists that the plan found (`newest_known`)."""


class PlanKeys(NamedTuple):
    """The part of a `LastPlan` that every build saves (in the cache's index)."""

    token: str
    keys: dict[str, str]
    shared: str
    count: int
    """How many of the plan's first files are run outputs."""
    readers: SavedReaders | None
    clock: Clock
    """The plan's clock: an edit may narrow it (a destaque's «until» added) without a new
    shape."""
    now: datetime
    """When the plan was made (its site's ``now``), likewise."""
    runs: tuple[tuple[RunName, int], ...]
    """Its runs, likewise: an edit may add an output (an alias's redirect page), or move
    one from a run to another."""
