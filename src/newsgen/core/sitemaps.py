"""The site's sitemaps, for crawlers: the sitemap index (``sitemap.xml``) over urlsets of
every page and its last change, the Google News sitemap of the last 48 hours, and
robots.txt pointing at both, as runs of outputs.

Pure: a `Site` in, bytes out. Every date comes from the articles themselves (or
``site.now`` for the news window), never from the build time. The urlsets, which a new
article rewrites, are written as text with ElementTree's escaping (`newsgen.core.xmltext`).
"""
from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from newsgen.core import urls
from newsgen.core.dependencies import ALL, Always, ListName, Whole
from newsgen.core.corrections import modified
from newsgen.core.models import Article, MonthArchive, Tag
from newsgen.core.newsroom import lists_corrections
from newsgen.core.outputs import Keys, Run, keys_of
from newsgen.core.listdates import newest_of_list
from newsgen.core.site import Site, newest, order
from newsgen.core.structured import instant, iso
from newsgen.core.xmltext import XML_DECLARATION, xml_bytes, xml_element, xml_text

SITEMAP_LIMIT = 50_000
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1_000
SITEMAP = "sitemap.xml"
PAGES = "pages"
"""The sitemap group of the fronts and archives (``sitemap-pages.xml``)."""
NEWS_SITEMAP = "news-sitemap.xml"
ROBOTS = "robots.txt"

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"

Entries = tuple[tuple[str, datetime | None], ...]
"""Pages with their last change."""


def news_language(language: str) -> str:
    """Google News' language code: the ISO 639 part (``pt-PT`` → ``pt``); Chinese is
    ``zh-cn`` (simplified) or ``zh-tw`` (traditional)."""
    parts = language.replace("_", "-").lower().split("-")
    if parts[0] == "zh":
        return "zh-tw" if {"tw", "hk", "mo", "hant"} & set(parts[1:]) else "zh-cn"
    return parts[0]


class Urlset(NamedTuple):
    """One urlset of the sitemap index: its pages and their last change."""

    file: str
    entries: Entries

    def key(self, keys: Keys) -> tuple[object, ...]:
        return tuple((path, instant(moment)) for path, moment in self.entries)


class SitemapIndex(NamedTuple):
    """``sitemap.xml``: every urlset with its newest date."""

    files: tuple[tuple[str, datetime | None], ...]
    file: str = SITEMAP

    def key(self, keys: Keys) -> tuple[object, ...]:
        return tuple((file, instant(lastmod)) for file, lastmod in self.files)


class NewsSitemap(NamedTuple):
    """Google News: the articles of the 48 hours up to the build clock, newest first."""

    recent: tuple[Article, ...]
    file: str = NEWS_SITEMAP

    def key(self, keys: Keys) -> tuple[object, ...]:
        return keys_of(keys, self.recent)


class Robots(NamedTuple):
    file: str = ROBOTS

    def key(self, keys: Keys) -> tuple[object, ...]:
        return ()


class _Group(NamedTuple):
    """The pages of one group of urlsets, made when asked, and its newest date."""

    name: str
    reads: tuple[ListName, ...]
    size: int
    lastmod: Callable[[], datetime | None]
    entries: Callable[[], Entries]


class Sitemaps:
    """The sitemap index and its urlsets, in groups, the news sitemap and robots.txt:

    - `PAGES`: the fronts, the month archives, the tag index and the search page;
    - ``tags-a``…: the pages of the tags whose slug starts with that character;
    - ``2025-06``…: the pages of the articles published in that month, newest first.

    A group past *limit* URLs takes more files. A new article changes a few groups, never
    the 13,000 URLs of the rest; the index is made again by every plan, from each group's
    newest date (kept per list, so an unchanged group costs nothing)."""

    def __init__(self, site: Site, limit: int = SITEMAP_LIMIT) -> None:
        if limit < 1:
            raise ValueError(f"sitemap_limit must be at least 1, not {limit}")
        self.site, self.limit = site, limit
        self.base, self.tz = site.config.base_url, site.config.timezone

    def runs(self) -> Iterator[Run]:
        groups = self.groups()
        for group in groups:
            chunks = self._chunks(group)
            yield Run(("sitemap", group.name), group.size and -(-group.size // self.limit) or 1, chunks.__getitem__,
                      Whole(group.reads), self.urlset)
        index = functools.cache(lambda: SitemapIndex(tuple(self._files(groups))))
        yield Run(("sitemap-index",), 1, lambda _: index(), Always(), self.index)
        news = NewsSitemap(_news_recent(self.site))
        yield Run(("news-sitemap",), 1, lambda _: news, Always(), self.news)
        yield Run(("robots",), 1, lambda _: Robots(), Always(), self.robots)

    def groups(self) -> list[_Group]:
        """Every group, in the order the index lists them."""
        site = self.site
        groups = [_Group(PAGES, (ALL,), len(_listing(site)), lambda: _newest_listed(site), lambda: _listing(site))]
        by_initial: dict[str, list[Tag]] = defaultdict(list)
        for tag in site.tags:
            by_initial[tag.slug[:1]].append(tag)
        for initial in sorted(by_initial):
            tags = tuple(by_initial[initial])
            groups.append(_Group(
                f"tags-{initial}", tuple(("tag", t.key) for t in tags), sum(len(site.tag_pages(t)) for t in tags),
                functools.partial(_newest_of_tags, tags, site.now), functools.partial(_tag_entries, site, tags),
            ))
        months: dict[tuple[int, int], list[MonthArchive]] = defaultdict(list)
        for archive in site.archives:
            months[(archive.year, archive.month)].append(archive)
        for (year, month), archives in sorted(months.items(), reverse=True):
            parts = tuple(archives)
            groups.append(_Group(
                f"{year:04d}-{month:02d}", (("month", year, month),), sum(len(a.articles) for a in parts),
                functools.partial(_newest_of_archives, parts, site.now), functools.partial(_month_entries, parts, site.now),
            ))
        return groups

    def _chunks(self, group: _Group) -> Sequence[Urlset]:
        """The group's urlsets, made on first use."""

        @functools.cache
        def made() -> list[Urlset]:
            entries = group.entries()
            return [
                Urlset(_file_name(group.name, number), entries[start : start + self.limit])
                for number, start in enumerate(range(0, max(len(entries), 1), self.limit), start=1)
            ]

        class Lazy(Sequence[Urlset]):
            def __len__(self) -> int:
                return len(made())

            def __getitem__(self, i: int) -> Urlset:  # type: ignore[override]
                return made()[i]

        return Lazy()

    def _files(self, groups: list[_Group]) -> Iterator[tuple[str, datetime | None]]:
        for group in groups:
            if group.size <= self.limit:
                yield _file_name(group.name, 1), group.lastmod()
            else:
                for chunk in self._chunks(group):
                    yield chunk.file, max((m for _, m in chunk.entries if m is not None), default=None)

    def urlset(self, urlset: Urlset) -> bytes:
        """The bytes `xml_bytes` would give, written as text (building the tree took three
        times as long)."""
        lines = [f'<urlset xmlns="{SITEMAP_NS}">']
        for path, moment in urlset.entries:
            lines.append(f"  <url>\n    <loc>{xml_text(self.base + urls.url_path(path))}</loc>")
            if moment is not None:
                lines.append(f"    <lastmod>{iso(moment, self.tz)}</lastmod>")
            lines.append("  </url>")
        lines.append("</urlset>\n")
        return XML_DECLARATION + "\n".join(lines).encode("utf-8")

    def index(self, index: SitemapIndex) -> bytes:
        root = xml_element(None, "sitemapindex", xmlns=SITEMAP_NS)
        for file, lastmod in index.files:
            entry = xml_element(root, "sitemap")
            xml_element(entry, "loc", self.base + urls.url_path(file))
            if lastmod is not None:
                xml_element(entry, "lastmod", iso(lastmod, self.tz))
        return xml_bytes(root)

    def news(self, news: NewsSitemap) -> bytes:
        config = self.site.config
        urlset = xml_element(None, "urlset", xmlns=SITEMAP_NS, xmlns__news=NEWS_NS)
        language = news_language(config.language)
        for article in news.recent:
            item = xml_element(urlset, "url")
            xml_element(item, "loc", config.base_url + urls.url_path(article.path))
            entry = xml_element(item, "news:news")
            publication = xml_element(entry, "news:publication")
            xml_element(publication, "news:name", config.publisher_name)
            xml_element(publication, "news:language", language)
            xml_element(entry, "news:publication_date", iso(article.published, self.tz))
            xml_element(entry, "news:title", article.headline)
        return xml_bytes(urlset)

    def robots(self, _: Robots) -> bytes:
        sitemaps = (f"Sitemap: {self.base}{urls.url_path(name)}" for name in (SITEMAP, NEWS_SITEMAP))
        lines = ["User-agent: *", "Allow: /", "", *sitemaps]
        return ("\n".join(lines) + "\n").encode("utf-8")


def _file_name(group: str, number: int) -> str:
    return f"sitemap-{group}.xml" if number == 1 else f"sitemap-{group}-{number}.xml"


def _listing(site: Site) -> Entries:
    """The fronts and month archives, the tag index and the search page, in page order;
    then the author pages, the list of corrections and the standalone pages (undated)."""
    sections: list[tuple[str, datetime | None]] = []
    for section in site.config.sections:  # a section's newest is its months' newest, the site's its sections'
        months = [(archive.path, newest_of_list(archive.articles, site.now)) for archive in site.archives_of(section.key)]
        sections += [(section.path, max((m for _, m in months if m is not None), default=None)), *months]
    whole = max((m for _, m in sections if m is not None), default=None)
    desk: list[tuple[str, datetime | None]] = []
    for key in site.desk.authors:
        desk += [(page.path, newest(page.articles, site.now)) for page in site.author_pages(key)]
    if lists_corrections(site):
        latest = site.corrected[0][0].corrections[site.corrected[0][1]].at if site.corrected else None
        desk.append((urls.CORRECTIONS, latest))
    desk += [(page.path, None) for page in site.desk.pages]
    return ((urls.HOME, whole), *sections, (urls.TAG_INDEX, whole), (urls.SEARCH, whole), *desk)


def _newest_listed(site: Site) -> datetime | None:
    return max((m for _, m in _listing(site) if m is not None), default=None)


def _tag_entries(site: Site, tags: tuple[Tag, ...]) -> Entries:
    return tuple((page.path, newest(page.articles, site.now)) for tag in tags for page in site.tag_pages(tag))


def _newest_of_tags(tags: tuple[Tag, ...], now: datetime) -> datetime | None:
    return max((m for t in tags if (m := newest_of_list(t.articles, now)) is not None), default=None)


def _month_entries(archives: tuple[MonthArchive, ...], now: datetime) -> Entries:
    articles = sorted((a for archive in archives for a in archive.articles), key=order)
    return tuple((a.path, modified(a, now)) for a in articles)


def _newest_of_archives(archives: tuple[MonthArchive, ...], now: datetime) -> datetime | None:
    return max((m for a in archives if (m := newest_of_list(a.articles, now)) is not None), default=None)


def _news_recent(site: Site) -> tuple[Article, ...]:
    """The articles published in the 48 hours up to ``site.now``, newest first."""
    since = site.now - NEWS_WINDOW
    window = itertools.takewhile(lambda a: a.published > since, site.articles)  # not the whole archive
    return tuple(a for a in window if a.published <= site.now)[:NEWS_LIMIT]
