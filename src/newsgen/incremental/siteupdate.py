"""A `Site` updated in place of being built again: edited articles swapped in, added ones
inserted, with the `Growth` of its lists that the re-plan needs (`newsgen.core.dependencies`).

Both give what `newsgen.core.site.build_site` would give for the same articles, at the
cost of the lists they touch (the re-plan tests check the pages byte for byte).
"""
from __future__ import annotations

import bisect
import itertools
import operator
from collections.abc import Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import TypeVar

from newsgen.core.corrections import corrected, shown
from newsgen.core.dependencies import ALL, TAGS, Growth, ListName
from newsgen.core.groupings import branches_of, in_config_order, month_archive, months_of, tag_from
from newsgen.core.models import Article, MonthArchive, Tag
from newsgen.core.newsroom import CORRECTIONS
from newsgen.core.related import related_after_adding
from newsgen.core.listdates import carry_newest
from newsgen.core.site import Site, order, position

_Group = TypeVar("_Group", Tag, MonthArchive)
_PATH = operator.attrgetter("path")


def with_edits(site: Site, edited: Iterable[tuple[Article, Article]]) -> Site:
    """*site* with each new version of *edited* (old, new) wherever the old one was. The two
    must have the same `newsgen.core.site.placement`; the old ones are *site*'s own objects
    (the parse cache gives an unchanged article back as the very same object). Only the
    lists an old version is in (`lists_of`) are looked at: the same for the new one."""
    pairs = [(old, new) for old, new in edited if old is not new]
    if not pairs:
        return site
    by_id = {id(old): new for old, new in pairs}
    olds = [old for old, _ in pairs]

    def swap(articles: tuple[Article, ...]) -> tuple[Article, ...]:
        if by_id.keys().isdisjoint(map(id, articles)):  # C loops: most lists hold none
            return articles
        swapped = list(articles)
        for at in itertools.compress(itertools.count(), map(by_id.__contains__, map(id, articles))):
            swapped[at] = by_id[id(swapped[at])]
        after = tuple(swapped)
        carry_newest(articles, after)
        return after

    def swap_in(group: _Group) -> _Group:
        articles = swap(group.articles)
        return group if articles is group.articles else replace(group, articles=articles)

    def swapped(lists: Mapping[str, tuple[Article, ...]], keys: Iterable[str]) -> Mapping[str, tuple[Article, ...]]:
        return MappingProxyType({**lists, **{key: swap(lists[key]) for key in keys if key in lists}})

    hashtags = {h.key for article in olds for h in article.hashtags} & site.tag_index.keys()
    months = {month for article in olds for month in _months(site, article)}
    # A related list holds only articles sharing a hashtag: look at the tag-mates' lists,
    # in C loops (a story tagged #Ucrânia at 100,000 articles has 76,000 tag-mates).
    related = site.related.copy()  # (a MappingProxyType: its dict's copy; dict() of it goes row by row)
    mates = list(dict.fromkeys(map(_PATH, itertools.chain.from_iterable(site.tag_index[key].articles for key in hashtags))))
    holding = map(operator.not_, map(by_id.keys().isdisjoint, map(map, itertools.repeat(id), map(related.__getitem__, mates))))
    for mate in itertools.compress(mates, holding):
        related[mate] = swap(related[mate])
    tags = tuple([swap_in(tag) if tag.key in hashtags else tag for tag in site.tags])
    return replace(
        site,
        authored=swapped(site.authored, {c.key for article in olds for c in article.credits}),
        corrected=tuple((by_id.get(id(a), a), i) for a, i in site.corrected),
        articles=swap(site.articles),
        tags=tags,
        archives=tuple([swap_in(a) if (a.section.key, a.year, a.month) in months else a for a in site.archives]),
        related=MappingProxyType(related),
        tag_index=MappingProxyType({t.key: t for t in tags}),
        sections=swapped(site.sections, {article.section for article in olds}),
        branches=swapped(site.branches, {key for article in olds for key in branches_of(site.config, article.section)}),
    )


def with_added(site: Site, added: Iterable[Article]) -> tuple[Site, Growth] | None:
    """*site* with the published articles *added* too (new to it, each one visible), and
    how its lists grew; None if an addition renames a tag (its most used spelling
    changes, and so its URL may): every page that names it must be planned again."""
    added = sorted(added, key=order)
    if not added:
        return site, Growth()
    sections = dict(site.sections)
    branches = dict(site.branches)
    for article in added:
        sections[article.section] = _inserted(sections.get(article.section, ()), [article])
        for key in branches_of(site.config, article.section):
            branches[key] = _inserted(branches.get(key, ()), [article])
    tag_index = dict(site.tag_index)
    for key in dict.fromkeys(h.key for article in added for h in article.hashtags):
        joining = [a for a in added if key in {h.key for h in a.hashtags}]
        tag = tag_index.get(key)
        if tag is not None and all(h.text == tag.name for a in joining for h in a.hashtags if h.key == key):
            # The most used spelling, used once more, stays the most used: no need to count.
            tag_index[key] = replace(tag, articles=_inserted(tag.articles, joining))
            continue
        grown_tag = tag_from(key, _inserted(tag.articles if tag is not None else (), joining))
        if tag is not None and (grown_tag.name, grown_tag.slug) != (tag.name, tag.slug):
            return None
        tag_index[key] = grown_tag
    archives = {(a.section.key, a.year, a.month): a for a in site.archives}
    for article in added:
        for section, month in zip(site.config.lineage(article.section), _months(site, article), strict=True):
            old = archives[month].articles if month in archives else ()
            archives[month] = month_archive(section, month, _inserted(old, [article]))
    published = _inserted(site.articles, added)
    related = related_after_adding(published, tag_index, site.related, added)
    authored = dict(site.authored)
    for article in added:
        for key in dict.fromkeys(c.key for c in article.credits if c.key in authored):
            authored[key] = _inserted(authored[key], [article])
    grown = replace(
        site,
        authored=MappingProxyType(authored),
        corrected=corrected(published, site.now) if any(a.corrections for a in added) else site.corrected,
        articles=published,
        tags=tuple(tag_index[key] for key in sorted(tag_index)),
        archives=in_config_order(site.config, archives.values()),
        related=MappingProxyType(related),
        tag_index=MappingProxyType(tag_index),
        sections=MappingProxyType(sections),
        branches=MappingProxyType(branches),
    )
    return grown, _growth(site, grown, added)


def lists_of(site: Site, article: Article) -> dict[ListName, tuple[Article, ...] | None]:
    """The lists of *site* that *article* belongs to, each with its articles (None for a
    list the site does not keep as one: a month across sections, the set of tags)."""
    year, month = article.published.year, article.published.month
    found: dict[ListName, tuple[Article, ...] | None] = {
        ALL: site.articles,
        ("section", article.section): site.in_section(article.section),
    }
    for key in branches_of(site.config, article.section):  # a parent section's, across its children
        found[("branch", key)] = site.branch(key)
    for section, _, _ in _months(site, article):
        archive = next((a for a in site.archives_of(section) if (a.year, a.month) == (year, month)), None)
        found[("archive", section, year, month)] = archive.articles if archive is not None else ()
    found[("month", year, month)] = None
    for hashtag in article.hashtags:
        found[("tag", hashtag.key)] = site.tag_index[hashtag.key].articles
    if article.hashtags:
        found[TAGS] = None
    for credit in article.credits:
        if credit.key in site.authored:
            found[("author", credit.key)] = site.authored[credit.key]
    if shown(article, site.now):
        found[CORRECTIONS] = None
    return found


def _months(site: Site, article: Article) -> tuple[tuple[str, int, int], ...]:
    """The month archives that list *article* (its section's and its parents')."""
    return months_of(article, tuple(s.key for s in site.config.lineage(article.section)))


def _growth(site: Site, grown: Site, added: list[Article]) -> Growth:
    """Where *added* went in *grown*'s lists, and which items' related lists changed."""
    inserted: dict[ListName, list[int]] = {}
    lengths: dict[ListName, int] = {}
    for article in added:
        for name, articles in lists_of(grown, article).items():
            places = inserted.setdefault(name, [])
            if articles is not None:
                places.append(position(articles, article))
                lengths[name] = len(articles)
    mates = {a.path: a for h in {h.key for a in added for h in a.hashtags} for a in grown.tag_index[h].articles}
    changed = [a for a in mates.values() if grown.related[a.path] is not site.related.get(a.path)]
    rederived: dict[ListName, list[int]] = {}
    for article in changed:
        for name, articles in lists_of(grown, article).items():
            if articles is not None:
                rederived.setdefault(name, []).append(position(articles, article))
    return Growth(
        {name: tuple(sorted(p)) for name, p in inserted.items()}, lengths,
        {name: tuple(sorted(p)) for name, p in rederived.items()},
    )


def _inserted(articles: tuple[Article, ...], new: Iterable[Article]) -> tuple[Article, ...]:
    """*articles* (in `order`) with *new* in their places."""
    merged = list(articles)
    for article in new:
        bisect.insort(merged, article, key=order)
    return tuple(merged)
