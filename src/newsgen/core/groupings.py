"""How published articles group: by section and branch (a section with those nested in
it), by hashtag into tags, by author, and by section and month into archives.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from newsgen.core import urls
from newsgen.core.config import SiteConfig
from newsgen.core.desk import Desk
from newsgen.core.models import Article, MonthArchive, Section, Tag


def branch_list(config: SiteConfig, key: str) -> tuple[str, str]:
    """The list a section's front, archives and feed read: its own articles, or, when
    sections are nested in it, those too (``("branch", key)``)."""
    return ("branch", key) if config.children(key) else ("section", key)


def branches_of(config: SiteConfig, section: str) -> tuple[str, ...]:
    """The sections with nested sections whose branch holds an article of *section*."""
    return tuple(s.key for s in config.lineage(section) if config.children(s.key))


def branches(config: SiteConfig, published: tuple[Article, ...]) -> dict[str, tuple[Article, ...]]:
    """The articles of each section with nested sections (its own and its children's), by key."""
    grouped: dict[str, list[Article]] = defaultdict(list)
    holders = {s.key: branches_of(config, s.key) for s in config.sections}
    for article in published:
        for key in holders[article.section]:
            grouped[key].append(article)
    return {key: tuple(articles) for key, articles in grouped.items()}


def by_author(desk: Desk, published: Iterable[Article]) -> dict[str, tuple[Article, ...]]:
    """Each author's articles among *published* (in their order), by author key."""
    grouped: dict[str, list[Article]] = {key: [] for key in desk.authors}
    for article in published:
        for credit in article.credits:
            if credit.key in grouped:
                grouped[credit.key].append(article)
    return {key: tuple(articles) for key, articles in grouped.items()}


def by_section(published: tuple[Article, ...]) -> dict[str, tuple[Article, ...]]:
    """Each section's own articles among *published* (in their order), by key."""
    grouped: dict[str, list[Article]] = defaultdict(list)
    for article in published:
        grouped[article.section].append(article)
    return {key: tuple(articles) for key, articles in grouped.items()}


def tags_of(published: tuple[Article, ...]) -> tuple[Tag, ...]:
    """Group hashtags by identity (see `tag_from`)."""
    members: dict[str, list[Article]] = defaultdict(list)
    for article in published:
        for hashtag in article.hashtags:
            members[hashtag.key].append(article)
    return tuple(tag_from(key, tuple(members[key])) for key in sorted(members))


def tag_from(key: str, members: tuple[Article, ...]) -> Tag:
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


def month_archives(config: SiteConfig, published: tuple[Article, ...]) -> tuple[MonthArchive, ...]:
    """Every month archive of *published*, in `in_config_order`."""
    grouped: dict[Month, list[Article]] = defaultdict(list)
    lineages = {s.key: tuple(x.key for x in config.lineage(s.key)) for s in config.sections}
    for article in published:
        for month in months_of(article, lineages[article.section]):
            grouped[month].append(article)
    by_key = {s.key: s for s in config.sections}
    return in_config_order(config, (month_archive(by_key[m[0]], m, tuple(lst)) for m, lst in grouped.items()))


def months_of(article: Article, lineage: tuple[str, ...]) -> tuple[Month, ...]:
    """The month archives that list *article*: its section's, and those of the sections
    it is nested in (*lineage*: their keys, outermost first, its own last)."""
    year, month = article.published.year, article.published.month
    return tuple((key, year, month) for key in lineage)


def month_archive(section: Section, month: Month, articles: tuple[Article, ...]) -> MonthArchive:
    _, year, number = month
    return MonthArchive(section, year, number, articles, urls.archive_path(section.key, year, number))


def in_config_order(config: SiteConfig, archives: Iterable[MonthArchive]) -> tuple[MonthArchive, ...]:
    """Month archives per section (in config order), newest month first."""
    rank = {s.key: i for i, s in enumerate(config.sections)}
    return tuple(sorted(archives, key=lambda a: (rank[a.section.key], -a.year, -a.month)))
