"""Articles + the build clock + flags → the `Site`: what is published, and how it is grouped.

Drafts and embargoed articles (timestamp after ``now``) are removed here, first, so
nothing downstream (pages, lists, tags, counts, related lists, assets) can see them.
"""
from __future__ import annotations

import bisect
import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from types import MappingProxyType
from typing import NamedTuple

from newsgen.core import urls
from newsgen.core.config import SiteConfig
from newsgen.core.corrections import corrected, modified
from newsgen.core.desk import EMPTY_DESK, Desk
from newsgen.core.errors import ContentError, Problem
from newsgen.core.groupings import branches, by_author, by_section, month_archives, tags_of
from newsgen.core.lifecycle import is_withdrawn
from newsgen.core.models import Article, Hashtag, MonthArchive, Section, Tag, Topic
from newsgen.core.related import RelatedMemo, related_articles

TAG_PAGE_SIZE = 20


@dataclass(frozen=True)
class TagPage:
    """One page of a tag: page 0 is ``tag/<slug>/`` (newest); pages 1… count from the oldest."""

    tag: Tag
    number: int
    articles: tuple[Article, ...]
    path: str


class AuthorPage(NamedTuple):
    """One page of an author: page 0 is ``autor/<key>/`` (newest, with the bio); pages 1…
    count from the oldest, as a tag's do."""

    key: str
    number: int
    articles: tuple[Article, ...]
    path: str


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    now: datetime
    articles: tuple[Article, ...]
    """Published articles, newest first."""
    tags: tuple[Tag, ...]
    archives: tuple[MonthArchive, ...]
    related: Mapping[str, tuple[Article, ...]]
    tag_index: Mapping[str, Tag]
    """Tags by identity key."""
    sections: Mapping[str, tuple[Article, ...]]
    """Each section's own articles, newest first, by section key."""
    branches: Mapping[str, tuple[Article, ...]] = field(default_factory=lambda: MappingProxyType({}))
    """The articles of each section that has sections nested in it, and of those, newest
    first: what its front, archives and feed show (`branch`)."""
    topics: Mapping[str, Topic] = field(default_factory=lambda: MappingProxyType({}))
    """What ``topics.yaml`` says of each hashtag, by hashtag key."""
    desk: Desk = EMPTY_DESK
    """The authors, the standalone pages, the publisher's icons and logos."""
    authored: Mapping[str, tuple[Article, ...]] = field(default_factory=lambda: MappingProxyType({}))
    """Each author's published articles, newest first, by author key (every author, even
    one with none yet)."""
    corrected: tuple[tuple[Article, int], ...] = ()
    """Every published correction, newest first: its article and its number there."""

    @functools.cached_property
    def ranked(self) -> tuple[Article, ...]:
        """The articles an editor gave a priority (expired or not), newest first."""
        return tuple([a for a in self.articles if a.priority])

    @functools.cached_property
    def by_source(self) -> Mapping[str, Article]:
        """The published articles by source file (a topic pins them so)."""
        return {a.source: a for a in self.articles}

    def __getstate__(self) -> dict[str, object]:
        """Its fields, not what its cached properties found: a saved plan's site carried a
        dict of every article by file (a quarter of the plan at 100,000 articles), which
        the next build's own site finds again when asked."""
        return {name: value for name, value in self.__dict__.items() if name not in _CACHED}

    def branch(self, key: str) -> tuple[Article, ...]:
        """Section *key*'s articles and those of the sections nested in it, newest first."""
        return self.branches.get(key) or self.sections.get(key, ())

    def topic(self, key: str) -> Topic | None:
        """The topic of hashtag identity *key*, if ``topics.yaml`` names it."""
        return self.topics.get(key)

    @functools.cached_property
    def memo(self) -> RelatedMemo:
        """What a later build needs to rank only the related lists that may change (made
        when asked: a quick re-plan never asks, and the build cache need not keep it)."""
        return RelatedMemo.of(self.articles, self.related)

    def in_section(self, key: str) -> tuple[Article, ...]:
        return self.sections.get(key, ())

    def archives_of(self, key: str) -> tuple[MonthArchive, ...]:
        """A section's month archives, newest month first."""
        return tuple(a for a in self.archives if a.section.key == key)

    def section_of(self, article: Article) -> Section:
        section = self.config.section(article.section)
        assert section is not None, "parse checks every section key"
        return section

    def tag_of(self, hashtag: Hashtag) -> Tag:
        """The tag page an article's hashtag links to."""
        return self.tag_index[hashtag.key]

    def by_author(self, key: str) -> tuple[Article, ...]:
        return self.authored.get(key, ())

    def author_pages(self, key: str) -> tuple[AuthorPage, ...]:
        """An author's newest page, then stable numbered pages from the oldest (see `tag_pages`)."""
        articles = self.by_author(key)
        pages = [AuthorPage(key, 0, articles[:TAG_PAGE_SIZE], urls.author_path(key))]
        if len(articles) > TAG_PAGE_SIZE:
            oldest_first = articles[::-1]
            for start in range(0, len(oldest_first), TAG_PAGE_SIZE):
                number = start // TAG_PAGE_SIZE + 1
                chunk = oldest_first[start : start + TAG_PAGE_SIZE][::-1]
                pages.append(AuthorPage(key, number, chunk, urls.author_path(key, number)))
        return tuple(pages)

    def tag_pages(self, tag: Tag) -> tuple[TagPage, ...]:
        """The newest page, then stable numbered pages from the oldest (a new article
        only ever changes the newest page and the last numbered one)."""
        pages = [TagPage(tag, 0, tag.articles[:TAG_PAGE_SIZE], tag.path)]
        if len(tag.articles) > TAG_PAGE_SIZE:
            oldest_first = tag.articles[::-1]
            for start in range(0, len(oldest_first), TAG_PAGE_SIZE):
                number = start // TAG_PAGE_SIZE + 1
                chunk = oldest_first[start : start + TAG_PAGE_SIZE][::-1]
                pages.append(TagPage(tag, number, chunk, urls.tag_path(tag.slug, number)))
        return tuple(pages)



def placement(article: Article) -> tuple[object, ...]:
    """Everything of an article that decides which pages, feeds and sitemaps list it, where,
    and beside what: two versions with one placement differ only in what they say."""
    a = article
    return (
        a.source, a.path, a.slug, a.section, a.published, a.updated, a.draft, a.hashtags, a.assets,
        tuple(c.key for c in a.credits if c.key), tuple(c.at for c in a.corrections), a.expires, a.retracted,
    )


def order(article: Article) -> tuple[float, str]:
    """Where an article stands in every list of a site: newest first, then by path."""
    return (-article.published.timestamp(), article.path)


def newest(articles: Iterable[Article], now: datetime | None = None) -> datetime | None:
    """The latest change among *articles*: each one's ``updated``, else ``published``, or
    its latest correction a build at *now* shows (`newsgen.core.corrections.modified`)."""
    return max([modified(a, now) if a.corrections else a.updated or a.published for a in articles], default=None)


def visible(article: Article, now: datetime, drafts: bool, future: bool) -> bool:
    """Whether a site built at *now* with these flags publishes *article* (a withdrawn one
    only as a notice: `newsgen.core.lifecycle`)."""
    return (drafts or not article.draft) and (future or article.published <= now) and not is_withdrawn(article, now)


def position(articles: tuple[Article, ...], article: Article) -> int:
    """Where *article* stands, or would stand, in *articles* (in `order`)."""
    return bisect.bisect_left(articles, order(article), key=order)


_CACHED = frozenset(name for name, value in vars(Site).items() if isinstance(value, functools.cached_property))


def build_site(
    config: SiteConfig,
    articles: Iterable[Article],
    now: datetime,
    drafts: bool = False,
    future: bool = False,
    previous: RelatedMemo | None = None,
    desk: Desk = EMPTY_DESK,
    *,
    topics: Mapping[str, Topic] | None = None,
) -> Site:
    """Index the published articles; raise `ContentError` if two claim one URL.
    *previous*: an earlier build's `Site.memo`, so only stale related lists are ranked;
    *desk*: the authors, standalone pages and publisher's pictures; *topics*: what
    ``topics.yaml`` says, by hashtag key."""
    every = tuple(articles)
    collisions = url_collisions(every)
    if collisions:
        raise ContentError(collisions)
    shown = sorted((a for a in every if visible(a, now, drafts, future)), key=lambda a: a.path)
    published = tuple(sorted(shown, key=lambda a: a.published, reverse=True))  # stable: ties by path: `order`
    tags = tags_of(published)
    related = related_articles(published, previous)
    return Site(
        config=config,
        now=now,
        articles=published,
        tags=tags,
        archives=month_archives(config, published),
        related=MappingProxyType(related),
        tag_index=MappingProxyType({t.key: t for t in tags}),
        sections=MappingProxyType(by_section(published)),
        branches=MappingProxyType(branches(config, published)),
        topics=MappingProxyType(dict(topics or {})),
        desk=desk,
        authored=MappingProxyType(by_author(desk, published)),
        corrected=corrected(published, now),
    )


def url_collisions(articles: tuple[Article, ...]) -> list[Problem]:
    """Two articles with one URL: an error on each, naming the other."""
    counts = Counter(map(attrgetter("path"), articles))  # C loops: run on every rebuild
    if len(counts) == len(articles):
        return []
    by_path: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        if counts[article.path] > 1:
            by_path[article.path].append(article)
    problems = []
    for path, claimants in by_path.items():
        for article in claimants:
            others = ", ".join(o.source for o in claimants if o is not article)
            problems.append(
                Problem(article.source, 1, f"URL /{path} is also produced by {others}; give one a different slug")
            )
    return problems
