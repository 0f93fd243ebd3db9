"""Articles + the build clock + flags → the `Site`: what is published, and how it is grouped.

Drafts and embargoed articles (timestamp after ``now``) are removed here, first, so
nothing downstream (pages, lists, tags, counts, related lists, assets) can see them.
"""
from __future__ import annotations

import bisect
import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import datetime
from operator import attrgetter
from types import MappingProxyType
from typing import TypeVar

from newsgen.core import urls
from newsgen.core.config import SiteConfig
from newsgen.core.errors import ContentError, Problem
from newsgen.core.models import Article, Hashtag, MonthArchive, Section, Tag
from newsgen.core.related import RelatedMemo, related_after_adding, related_articles

TAG_PAGE_SIZE = 20
_Group = TypeVar("_Group", Tag, MonthArchive)


@dataclass(frozen=True)
class TagPage:
    """One page of a tag: page 0 is ``tag/<slug>/`` (newest); pages 1… count from the oldest."""

    tag: Tag
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
    """Each section's articles, newest first, by section key."""

    @functools.cached_property
    def memo(self) -> RelatedMemo:
        """What a later build needs to rank only the related lists that may change (made
        when asked: a quick re-plan never asks, and the build cache need not keep it)."""
        return RelatedMemo.of(self.articles, self.related)

    def __getstate__(self) -> dict[str, object]:
        """For the build cache: the fields (a mapping proxy as its dict), not the memo."""
        return {f.name: dict(v) if f.name in _PROXIED else v for f in fields(self) for v in [getattr(self, f.name)]}

    def __setstate__(self, state: dict[str, object]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, MappingProxyType(value) if name in _PROXIED else value)  # type: ignore[arg-type]

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

    def with_articles(self, edited: Iterable[tuple[Article, Article]]) -> Site:
        """This site with each new version of *edited* (old, new) wherever the old one was;
        the two must have had the same `placement`."""
        by_id = {id(old): new for old, new in edited if old is not new}  # the olds live in self
        if not by_id:
            return self

        def swap(articles: tuple[Article, ...]) -> tuple[Article, ...]:
            if by_id.keys().isdisjoint(map(id, articles)):  # C loops: most lists hold none
                return articles
            return tuple([by_id.get(id(a), a) for a in articles])

        def swap_in(group: _Group) -> _Group:
            articles = swap(group.articles)
            return group if articles is group.articles else replace(group, articles=articles)

        # A related list holds only articles sharing a hashtag: look at the tag-mates' lists.
        related = dict(self.related)
        keys = {h.key for article in by_id.values() for h in article.hashtags} & self.tag_index.keys()
        for mate in {a.path for key in keys for a in self.tag_index[key].articles}:
            related[mate] = swap(related[mate])
        tags = tuple(map(swap_in, self.tags))
        return replace(
            self,
            articles=swap(self.articles),
            tags=tags,
            archives=tuple(map(swap_in, self.archives)),
            related=MappingProxyType(related),
            tag_index=MappingProxyType({t.key: t for t in tags}),
            sections=MappingProxyType({key: swap(lst) for key, lst in self.sections.items()}),
        )

    def with_added(self, added: Iterable[Article]) -> Site:
        """This site with the published articles *added* too (new to it, each one shown
        by `visible`): what `build_site` gives for them all, at the cost of the lists they
        join. Related lists are ranked again only where an added article can enter them."""
        added = sorted(added, key=order)
        if not added:
            return self
        sections = dict(self.sections)
        for article in added:
            sections[article.section] = _inserted(sections.get(article.section, ()), [article])
        tag_index = dict(self.tag_index)
        for key in dict.fromkeys(h.key for article in added for h in article.hashtags):
            joining = [a for a in added if key in {h.key for h in a.hashtags}]
            tag = tag_index.get(key)
            if tag is not None and all(h.text == tag.name for a in joining for h in a.hashtags if h.key == key):
                # The most used spelling, used once more, stays the most used: no need to count.
                tag_index[key] = replace(tag, articles=_inserted(tag.articles, joining))
            else:
                tag_index[key] = _tag(key, _inserted(tag.articles if tag is not None else (), joining))
        archives = {(a.section.key, a.year, a.month): a for a in self.archives}
        for article in added:
            month = _month_of(article)
            old = archives[month].articles if month in archives else ()
            archives[month] = _archive(self.section_of(article), month, _inserted(old, [article]))
        published = _inserted(self.articles, added)
        related = related_after_adding(published, tag_index, self.related, added)
        return replace(
            self,
            articles=published,
            tags=tuple(tag_index[key] for key in sorted(tag_index)),
            archives=_in_config_order(self.config, archives.values()),
            related=MappingProxyType(related),
            tag_index=MappingProxyType(tag_index),
            sections=MappingProxyType(sections),
        )

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


_PROXIED = frozenset({"related", "tag_index", "sections"})


def placement(article: Article) -> tuple[object, ...]:
    """Everything of an article that decides which pages, feeds and sitemaps list it, where,
    and beside what: two versions with one placement differ only in what they say."""
    a = article
    return (a.source, a.path, a.slug, a.section, a.published, a.updated, a.draft, a.hashtags, a.assets)


def first_changed_page(place: int) -> int:
    """The numbered tag page (`Site.tag_pages`) that an article joins at *place* from the
    oldest: it and every later numbered page change, the earlier ones do not."""
    return place // TAG_PAGE_SIZE + 1


def order(article: Article) -> tuple[float, str]:
    """Where an article stands in every list of a site: newest first, then by path."""
    return (-article.published.timestamp(), article.path)


def newest(articles: Iterable[Article]) -> datetime | None:
    """The latest change among *articles*: each one's ``updated``, else ``published``."""
    return max([a.updated or a.published for a in articles], default=None)


def visible(article: Article, now: datetime, drafts: bool, future: bool) -> bool:
    """Whether a site built at *now* with these flags publishes *article*."""
    return (drafts or not article.draft) and (future or article.published <= now)


def position(articles: tuple[Article, ...], article: Article) -> int:
    """Where *article* stands, or would stand, in *articles* (in `order`)."""
    return bisect.bisect_left(articles, order(article), key=order)


def _inserted(articles: tuple[Article, ...], new: Iterable[Article]) -> tuple[Article, ...]:
    """*articles* (in `order`) with *new* in their places."""
    merged = list(articles)
    for article in new:
        bisect.insort(merged, article, key=order)
    return tuple(merged)


def build_site(
    config: SiteConfig,
    articles: Iterable[Article],
    now: datetime,
    drafts: bool = False,
    future: bool = False,
    previous: RelatedMemo | None = None,
) -> Site:
    """Index the published articles; raise `ContentError` if two claim one URL.
    *previous*: an earlier build's `Site.memo`, so only stale related lists are ranked."""
    every = tuple(articles)
    collisions = url_collisions(every)
    if collisions:
        raise ContentError(collisions)
    shown = sorted((a for a in every if visible(a, now, drafts, future)), key=lambda a: a.path)
    published = tuple(sorted(shown, key=lambda a: a.published, reverse=True))  # stable: ties by path: `order`
    tags = _tags(published)
    related = related_articles(published, previous)
    return Site(
        config=config,
        now=now,
        articles=published,
        tags=tags,
        archives=_archives(config, published),
        related=MappingProxyType(related),
        tag_index=MappingProxyType({t.key: t for t in tags}),
        sections=MappingProxyType(_by_section(published)),
    )


def _by_section(published: tuple[Article, ...]) -> dict[str, tuple[Article, ...]]:
    grouped: dict[str, list[Article]] = defaultdict(list)
    for article in published:
        grouped[article.section].append(article)
    return {key: tuple(articles) for key, articles in grouped.items()}


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


def _tags(published: tuple[Article, ...]) -> tuple[Tag, ...]:
    """Group hashtags by identity (see `_tag`)."""
    members: dict[str, list[Article]] = defaultdict(list)
    for article in published:
        for hashtag in article.hashtags:
            members[hashtag.key].append(article)
    return tuple(_tag(key, tuple(members[key])) for key in sorted(members))


def _tag(key: str, members: tuple[Article, ...]) -> Tag:
    """The tag of hashtag *key*, shown as its most used spelling among *members* (ties:
    the first in code-point order)."""
    spellings: Counter[str] = Counter()
    slugs: dict[str, str] = {}
    for article in members:
        for hashtag in article.hashtags:
            if hashtag.key == key:
                spellings[hashtag.text] += 1
                slugs[hashtag.text] = hashtag.slug
    name = min(spellings.items(), key=lambda item: (-item[1], item[0]))[0]
    return Tag(key, name, slugs[name], members, urls.tag_path(slugs[name]))


Month = tuple[str, int, int]
"""A section key, a year and a month."""


def _archives(config: SiteConfig, published: tuple[Article, ...]) -> tuple[MonthArchive, ...]:
    grouped: dict[Month, list[Article]] = defaultdict(list)
    for article in published:
        grouped[_month_of(article)].append(article)
    by_key = {s.key: s for s in config.sections}
    return _in_config_order(config, (_archive(by_key[m[0]], m, tuple(lst)) for m, lst in grouped.items()))


def _month_of(article: Article) -> Month:
    return (article.section, article.published.year, article.published.month)


def _archive(section: Section, month: Month, articles: tuple[Article, ...]) -> MonthArchive:
    _, year, number = month
    return MonthArchive(section, year, number, articles, urls.archive_path(section.key, year, number))


def _in_config_order(config: SiteConfig, archives: Iterable[MonthArchive]) -> tuple[MonthArchive, ...]:
    """Month archives per section (in config order), newest month first."""
    rank = {s.key: i for i, s in enumerate(config.sections)}
    return tuple(sorted(archives, key=lambda a: (rank[a.section.key], -a.year, -a.month)))
