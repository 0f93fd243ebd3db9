"""Articles + the build clock + flags → the `Site`: what is published, and how it is grouped.

Drafts and embargoed articles (timestamp after ``now``) are removed here, first, so
nothing downstream (pages, lists, tags, counts, related lists, assets) can see them.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from operator import attrgetter
from types import MappingProxyType
from typing import TypeVar

from newsgen import urls
from newsgen.config import SiteConfig
from newsgen.errors import ContentError, Problem
from newsgen.models import Article, Hashtag, MonthArchive, Section, Tag
from newsgen.related import RelatedMemo, related_articles

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
    memo: RelatedMemo
    """What a later build needs to rank only the related lists that may change."""

    def __getstate__(self) -> dict[str, object]:
        """For the build cache: a mapping proxy cannot be pickled, its dict can."""
        return {name: dict(v) if name in _PROXIED else v for name, v in vars(self).items()}

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
    visible = sorted(
        (a for a in every if (drafts or not a.draft) and (future or a.published <= now)), key=lambda a: a.path
    )
    published = tuple(sorted(visible, key=lambda a: a.published, reverse=True))  # stable: ties by path
    tags = _tags(published)
    related, memo = related_articles(published, previous)
    return Site(
        config=config,
        now=now,
        articles=published,
        tags=tags,
        archives=_archives(config, published),
        related=MappingProxyType(related),
        tag_index=MappingProxyType({t.key: t for t in tags}),
        sections=MappingProxyType(_by_section(published)),
        memo=memo,
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
    """Group hashtags by identity; the display form is the most used spelling
    (ties: the first in code-point order), counted over published articles only."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    members: dict[str, list[Article]] = defaultdict(list)
    slugs: dict[str, str] = {}
    for article in published:
        for hashtag in article.hashtags:
            spellings[hashtag.key][hashtag.text] += 1
            members[hashtag.key].append(article)
            slugs[hashtag.text] = hashtag.slug
    tags = []
    for key in sorted(members):
        name = min(spellings[key].items(), key=lambda item: (-item[1], item[0]))[0]
        slug = slugs[name]
        tags.append(Tag(key, name, slug, tuple(members[key]), urls.tag_path(slug)))
    return tuple(tags)


def _archives(config: SiteConfig, published: tuple[Article, ...]) -> tuple[MonthArchive, ...]:
    """Month archives per section (in config order), newest month first."""
    grouped: dict[tuple[str, int, int], list[Article]] = defaultdict(list)
    for article in published:
        grouped[(article.section, article.published.year, article.published.month)].append(article)
    archives = []
    for section in config.sections:
        months = sorted(((y, m) for (k, y, m) in grouped if k == section.key), reverse=True)
        for year, month in months:
            articles = tuple(grouped[(section.key, year, month)])
            path = urls.archive_path(section.key, year, month)
            archives.append(MonthArchive(section, year, month, articles, path))
    return tuple(archives)
