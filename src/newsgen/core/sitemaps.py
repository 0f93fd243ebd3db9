"""The site's sitemaps, for crawlers: the sitemap index (``sitemap.xml``) over urlsets of
every page and its last change, the Google News sitemap of the last 48 hours, and
robots.txt pointing at both, as keyed plans.

Pure: a `Site` in, bytes out. Every date comes from the articles themselves (or
``site.now`` for the news window), never from the build time. The urlsets, which a new
article rewrites, are written as text with ElementTree's escaping (`newsgen.core.xmltext`).
"""
from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from newsgen.core import urls
from newsgen.core.models import Article
from newsgen.core.outputs import Keys, Planned, digest, keys_of
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


def crawler_plan(site: Site, keys: Keys) -> list[Planned]:
    """The news sitemap and robots.txt, keyed by their inputs and not yet made."""
    recent = _news_recent(site)
    return [
        Planned(NEWS_SITEMAP, digest(keys_of(keys, recent)), lambda: _news_sitemap(site, recent)),
        Planned(ROBOTS, "", lambda: _robots(site)),
    ]


def news_language(language: str) -> str:
    """Google News' language code: the ISO 639 part (``pt-PT`` → ``pt``); Chinese is
    ``zh-cn`` (simplified) or ``zh-tw`` (traditional)."""
    parts = language.replace("_", "-").lower().split("-")
    if parts[0] == "zh":
        return "zh-tw" if {"tw", "hk", "mo", "hant"} & set(parts[1:]) else "zh-cn"
    return parts[0]

class SitemapFile(NamedTuple):
    """One urlset of the sitemap index, as the index lists it."""

    file: str
    key: str
    lastmod: datetime | None
    """The newest date among its URLs."""
    group: str
    """See `sitemap_files`."""


Entries = list[tuple[str, datetime | None]]
"""Pages with their last change."""


def sitemap_groups(site: Site, articles: Iterable[Article]) -> set[str]:
    """The groups of sitemap files that adding *articles* to *site* can change."""
    months = {_month_group(a.published.year, a.published.month) for a in articles}
    tags = {_tags_group(site.tag_of(h).slug) for a in articles for h in a.hashtags}
    return {PAGES, *months, *tags}


def sitemap_files(
    site: Site, groups: Collection[str] | None = None, limit: int = SITEMAP_LIMIT,
) -> list[tuple[SitemapFile, Callable[[], bytes]]]:
    """The urlsets of the sitemap index, each with how to make it. Every page worth
    indexing (not the 404 page) with its last change, in groups:

    - `PAGES`: the fronts, the month archives, the tag index and the search page;
    - ``tags-a``…: the pages of the tags whose slug starts with that character;
    - ``2025-06``…: the pages of the articles published in that month, newest first.

    A group past *limit* URLs takes more files. Only those of *groups* if given: a new
    article changes a few groups, never the 13,000 URLs of the rest (`sitemap_groups`)."""
    if limit < 1:
        raise ValueError(f"sitemap_limit must be at least 1, not {limit}")
    wanted: dict[str, Entries] = {PAGES: _listing_entries(site)} if groups is None or PAGES in groups else {}
    for tag in site.tags:
        group = _tags_group(tag.slug)
        if groups is None or group in groups:
            wanted.setdefault(group, []).extend((page.path, newest(page.articles)) for page in site.tag_pages(tag))
    months: dict[str, list[Article]] = defaultdict(list)
    for archive in site.archives:
        group = _month_group(archive.year, archive.month)
        if groups is None or group in groups:
            months[group] += archive.articles
    for group, articles in months.items():
        wanted[group] = [(a.path, a.updated or a.published) for a in sorted(articles, key=order)]
    tz, base = site.config.timezone, site.config.base_url
    files: list[tuple[SitemapFile, Callable[[], bytes]]] = []
    for group in sorted(wanted, key=_group_rank):
        entries = wanted[group]
        for number, start in enumerate(range(0, max(len(entries), 1), limit), start=1):
            chunk = entries[start : start + limit]
            name = f"sitemap-{group}.xml" if number == 1 else f"sitemap-{group}-{number}.xml"
            lastmod = max((moment for _, moment in chunk if moment is not None), default=None)
            files.append((SitemapFile(name, _entries_key(chunk), lastmod, group), functools.partial(_urlset, chunk, base, tz)))
    return files


def merged_sitemaps(kept: Iterable[SitemapFile], fresh: Iterable[SitemapFile]) -> list[SitemapFile]:
    """The files of *kept*, those of each group in *fresh* replaced by *fresh*'s, in index order."""
    groups: dict[str, list[SitemapFile]] = defaultdict(list)
    for item in fresh:
        groups[item.group].append(item)
    replaced = set(groups)
    for item in kept:
        if item.group not in replaced:
            groups[item.group].append(item)
    return [item for group in sorted(groups, key=_group_rank) for item in groups[group]]


def sitemap_index(files: Sequence[SitemapFile], site: Site) -> Planned:
    """``sitemap.xml``: the index of the urlsets *files*, each with its newest date."""
    tz, base = site.config.timezone, site.config.base_url

    def make() -> bytes:
        root = xml_element(None, "sitemapindex", xmlns=SITEMAP_NS)
        for item in files:
            entry = xml_element(root, "sitemap")
            xml_element(entry, "loc", base + urls.url_path(item.file))
            if item.lastmod is not None:
                xml_element(entry, "lastmod", iso(item.lastmod, tz))
        return xml_bytes(root)

    return Planned(SITEMAP, digest([(item.file, item.key) for item in files]), make)


def sitemap_plan(site: Site, limit: int = SITEMAP_LIMIT) -> list[Planned]:
    """The urlsets and their index (``sitemap.xml``), last. They list every page and its
    date, nothing else: editing an article's text changes none of them."""
    files = sitemap_files(site, limit=limit)
    return [*(Planned(item.file, item.key, make) for item, make in files), sitemap_index([f for f, _ in files], site)]


def _month_group(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _tags_group(slug: str) -> str:
    return f"tags-{slug[:1]}"


def _group_rank(group: str) -> tuple[int, str | int]:
    """The index lists `PAGES`, then the tags' groups, then the months, newest first."""
    if group == PAGES:
        return (0, "")
    if group.startswith("tags-"):
        return (1, group)
    year, month = group.split("-")
    return (2, -int(year) * 12 - int(month))


def _listing_entries(site: Site) -> Entries:
    """The fronts and month archives, the tag index and the search page, in page order."""
    sections: Entries = []
    for section in site.config.sections:  # a section's newest is its months' newest, the site's its sections'
        months = [(archive.path, newest(archive.articles)) for archive in site.archives_of(section.key)]
        sections += [(section.path, max((m for _, m in months if m is not None), default=None)), *months]
    whole = max((m for _, m in sections if m is not None), default=None)
    return [(urls.HOME, whole), *sections, (urls.TAG_INDEX, whole), (urls.SEARCH, whole)]


def _entries_key(entries: Sequence[tuple[str, datetime | None]]) -> str:
    return digest([(path, instant(moment)) for path, moment in entries])


def _urlset(entries: Sequence[tuple[str, datetime | None]], base: str, tz: ZoneInfo) -> bytes:
    """The bytes `xml_bytes` would give, written as text (building the tree took three times
    as long)."""
    lines = [f'<urlset xmlns="{SITEMAP_NS}">']
    for path, moment in entries:
        lines.append(f"  <url>\n    <loc>{xml_text(base + urls.url_path(path))}</loc>")
        if moment is not None:
            lines.append(f"    <lastmod>{iso(moment, tz)}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>\n")
    return XML_DECLARATION + "\n".join(lines).encode("utf-8")


def _news_recent(site: Site) -> tuple[Article, ...]:
    """The articles published in the 48 hours up to ``site.now``, newest first."""
    since = site.now - NEWS_WINDOW
    window = itertools.takewhile(lambda a: a.published > since, site.articles)  # not the whole archive
    return tuple(a for a in window if a.published <= site.now)[:NEWS_LIMIT]


def _news_sitemap(site: Site, recent: Sequence[Article]) -> bytes:
    """Google News: the recent articles, newest first."""
    config, tz = site.config, site.config.timezone
    urlset = xml_element(None, "urlset", xmlns=SITEMAP_NS, xmlns__news=NEWS_NS)
    language = news_language(config.language)
    for article in recent:
        item = xml_element(urlset, "url")
        xml_element(item, "loc", config.base_url + urls.url_path(article.path))
        news = xml_element(item, "news:news")
        publication = xml_element(news, "news:publication")
        xml_element(publication, "news:name", config.title)
        xml_element(publication, "news:language", language)
        xml_element(news, "news:publication_date", iso(article.published, tz))
        xml_element(news, "news:title", article.headline)
    return xml_bytes(urlset)


def _robots(site: Site) -> bytes:
    base = site.config.base_url
    lines = ["User-agent: *", "Allow: /", "", f"Sitemap: {base}{urls.url_path(SITEMAP)}", f"Sitemap: {base}{urls.url_path(NEWS_SITEMAP)}"]
    return ("\n".join(lines) + "\n").encode("utf-8")
