"""The home page and the section fronts: what each shows (`FrontContext`), in the order its
editors set (`newsgen.core.ranking`), and the key of that.

A front reads its ranking entity (`entities.front_id`: every priority given in its list),
so a priority given, changed or taken away re-keys the fronts that list the article and
no other page; the stories it shows, and their labels (`newsgen.core.labels`).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from newsgen.core.entities import front_id, tag_id
from newsgen.core.labels import Labels
from newsgen.core.models import Article, MonthArchive, Section, Tag
from newsgen.core.outputs import Keys, keys_of
from newsgen.core.ranking import compose
from newsgen.core.site import Site

FEATURED_TAGS = 12
FEATURED_DAYS = timedelta(days=30)


def tags_key(keys: Keys, tags: tuple[Tag, ...]) -> tuple[tuple[str, str, int], ...]:
    """What a list of tags shows: each one's name and URL (its key) and its count."""
    return tuple((t.key, keys[tag_id(t.key)], len(t.articles)) for t in tags)


@dataclass(frozen=True)
class FrontContext:
    """Home page (``section`` is None) or a section front."""

    section: Section | None
    lead: Article | None
    top: tuple[Article, ...]
    latest: tuple[Article, ...]
    more: tuple[MonthArchive, ...]
    """Where «Mais artigos» leads: the month archive holding the newest story the front
    leaves out (on the home page, one for each top-level section that has such a story)."""
    archives: tuple[MonthArchive, ...]
    tags: tuple[Tag, ...]
    children: tuple[Section, ...] = ()
    """The sections nested in this one (or the top-level ones, on the home page)."""
    labels: Labels | None = field(default=None, compare=False, repr=False)

    @property
    def shown(self) -> tuple[Article, ...]:
        return ((self.lead,) if self.lead else ()) + self.top + self.latest

    def key(self, keys: Keys) -> tuple[object, ...]:
        section = self.section.key if self.section else None
        labels = self.labels.key(keys, self.shown) if self.labels is not None else ()
        return (
            section,
            keys[front_id(section)],
            keys[self.lead.path] if self.lead is not None else None,
            keys_of(keys, self.top),
            keys_of(keys, self.latest),
            labels,
            tuple(a.path for a in self.more),
            tuple((a.path, len(a.articles)) for a in self.archives),
            tags_key(keys, self.tags),
            tuple(s.key for s in self.children),
        )


class Fronts:
    """The fronts of one site."""

    def __init__(self, site: Site, labels: Labels) -> None:
        self.site, self.labels = site, labels
        self._months = {(a.section.key, a.year, a.month): a for a in site.archives}

    def front(self, section: Section | None) -> FrontContext:
        """The home page's (no *section*) or a section's front."""
        site = self.site
        config = site.config
        if section is None:
            articles, ranked = site.articles, site.ranked
            archives = tuple(a for a in site.archives if a.section.parent is None)  # they list their children's
            children = tuple(s for s in config.sections if s.parent is None)
        else:
            key = section.key
            articles, archives = site.branch(key), site.archives_of(key)
            ranked = tuple(a for a in site.ranked if a.section == key or a.section.startswith(f"{key}/"))
            children = config.children(key)
        front = compose(articles, ranked, site.now)
        if section is not None:
            more = (self._month(section.key, front.left_out),) if front.left_out is not None else ()
        else:  # each top-level section's newest story left out (its archives hold its children's)
            shown = {id(front.lead), *map(id, front.top), *map(id, front.latest)}
            left = ((s.key, next((a for a in site.branch(s.key) if id(a) not in shown), None)) for s in children)
            more = tuple(self._month(key, article) for key, article in left if article is not None)
        return FrontContext(
            section=section, lead=front.lead, top=front.top, latest=front.latest, more=more, archives=archives,
            tags=self.featured_tags(articles), children=children, labels=self.labels,
        )

    def _month(self, section: str, article: Article) -> MonthArchive:
        local = article.published
        return self._months[(section, local.year, local.month)]

    def featured_tags(self, articles: tuple[Article, ...]) -> tuple[Tag, ...]:
        """The most used hashtags of the 30 days up to the newest of *articles*."""
        if not articles:
            return ()
        since = articles[0].published - FEATURED_DAYS
        uses: Counter[str] = Counter()
        for article in articles:
            if article.published <= since:
                break
            uses.update({h.key for h in article.hashtags})
        tags = (self.site.tag_index[key] for key in uses)
        return tuple(sorted(tags, key=lambda t: (-uses[t.key], t.slug)))[:FEATURED_TAGS]
