"""The site's distribution files: Atom feeds, sitemaps, the Google News sitemap, robots.txt.

Pure: a `Site` in, bytes out. Every date comes from the articles themselves (or
``site.now`` for the news window), never from the build time, so the same site gives
the same bytes. XML is built with ElementTree; the feeds and urlsets, which a new article
rewrites, are written as text with the same escaping (`newsgen.xmltext`), byte for byte
what ElementTree writes, in half the time.
"""
from __future__ import annotations

import functools
import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime, timedelta
from html import escape
from typing import NamedTuple
from urllib.parse import quote, urljoin, urlsplit
from zoneinfo import ZoneInfo

from newsgen import urls
from newsgen.models import Article
from newsgen.planned import Keys, Planned, digest, keys_of
from newsgen.site import Site, order
from newsgen.structured import iso
from newsgen.xmltext import (
    XML_DECLARATION,
    xml_attribute,
    xml_bytes,
    xml_element,
    xml_line,
    xml_text,
)

FEED_SIZE = 50
ENTRY_MEMO = 200
"""Feed entries kept while one plan's feeds are made: a new article's feeds (the home's,
its section's, its tags') share most of their entries. A bound, not all: the 300 feeds
of a 10,000-article site would hold 50 MB of entries at once."""
SITEMAP_LIMIT = 50_000
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1_000
FEED_FILE = "feed.xml"
SITEMAP = "sitemap.xml"
PAGES = "pages"
"""The sitemap group of the fronts and archives (``sitemap-pages.xml``)."""
NEWS_SITEMAP = "news-sitemap.xml"
ROBOTS = "robots.txt"
EMPTY_UPDATED = "1970-01-01T00:00:00Z"
"""The `<updated>` of a feed on a site with no articles at all (never the build time)."""

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"

# Fixed, so the output never depends on the machine's /etc/mime.types (which `mimetypes` reads).
IMAGE_TYPES = {
    "avif": "image/avif", "bmp": "image/bmp", "gif": "image/gif", "ico": "image/vnd.microsoft.icon",
    "jpe": "image/jpeg", "jpeg": "image/jpeg", "jpg": "image/jpeg", "jxl": "image/jxl", "png": "image/png",
    "svg": "image/svg+xml", "tif": "image/tiff", "tiff": "image/tiff", "webp": "image/webp",
}
# A URL attribute in the body HTML (Python-Markdown writes double quotes; raw HTML may use single).
_URL_ATTR = re.compile(r"""(\s(?:href|src)\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)


def feed_files(site: Site, sitemap_limit: int = SITEMAP_LIMIT) -> dict[str, bytes]:
    """Every distribution file of the site, by output file path relative to the site root."""
    keys = {a.path: a.digest for a in site.articles}
    plan = feed_plan(site, keys) + sitemap_plan(site, sitemap_limit)
    return {item.file: item.make() for item in plan}


def feed_plan(
    site: Site, keys: Keys, full: Callable[[Article], Article] | None = None, entries: FeedEntries | None = None,
) -> list[Planned]:
    """The feeds, the news sitemap and robots.txt, keyed by their inputs and not yet made.
    *full* loads the body of an article whose body the site index left out; *entries*:
    those the last plan made, for a re-plan of the same settings."""
    plan = _Feeds(site, keys, full or (lambda article: article), entries).plan()
    recent = _news_recent(site)
    plan.append(Planned(NEWS_SITEMAP, digest(keys_of(keys, recent)), lambda: _news_sitemap(site, recent)))
    plan.append(Planned(ROBOTS, "", lambda: _robots(site)))
    return plan


def newest(articles: Iterable[Article]) -> datetime | None:
    """The latest change among *articles*: each one's ``updated``, else ``published``."""
    return max([a.updated or a.published for a in articles], default=None)


def image_type(src: str) -> str | None:
    """The MIME type of an image file from its extension, or None if unknown."""
    _, dot, ext = src.rpartition(".")
    return IMAGE_TYPES.get(ext.lower()) if dot and "/" not in ext else None


def news_language(language: str) -> str:
    """Google News' language code: the ISO 639 part (``pt-PT`` → ``pt``); Chinese is
    ``zh-cn`` (simplified) or ``zh-tw`` (traditional)."""
    parts = language.replace("_", "-").lower().split("-")
    if parts[0] == "zh":
        return "zh-tw" if {"tw", "hk", "mo", "hant"} & set(parts[1:]) else "zh-cn"
    return parts[0]


def absolute_html(html: str, page_url: str) -> str:
    """*html* with every relative ``href``/``src`` resolved against *page_url*
    (``/x`` → scheme and host of the page + ``/x``); fragments and full URLs are kept."""

    def fix(match: re.Match[str]) -> str:
        value = match.group(3)
        if not value or value.startswith(("#", "//")):
            return match.group(0)
        try:
            if urlsplit(value).scheme:
                return match.group(0)
            resolved = urljoin(page_url, value)
        except ValueError:
            return match.group(0)
        return f"{match.group(1)}{match.group(2)}{resolved}{match.group(2)}"

    return _URL_ATTR.sub(fix, html)


# --- Atom feeds ----------------------------------------------------------------------------


class FeedEntries:
    """The feed entries one plan made, by article key, for the re-plan after it (the
    preview's next save): an edit remakes the five to eight feeds its article is in,
    whose other entries are unchanged. Only valid between plans of the same settings
    (config, code), which a re-plan checks; holds no more than that plan's feeds used."""

    def __init__(self, previous: FeedEntries | None = None) -> None:
        self._previous = previous._used if previous is not None else {}
        self._used: dict[str, tuple[str, ...]] = {}

    def get(self, key: str, make: Callable[[], tuple[str, ...]]) -> tuple[str, ...]:
        lines = self._used.get(key) or self._previous.get(key) or make()
        self._used[key] = lines
        return lines


class _Feeds:
    """The Atom feeds of one site."""

    def __init__(
        self, site: Site, keys: Keys, full: Callable[[Article], Article], entries: FeedEntries | None = None,
    ) -> None:
        self.site = site
        self.keys = keys
        self.full = full
        self.config = site.config
        self.tz = site.config.timezone
        self.base = site.config.base_url
        self.host = urlsplit(site.config.base_url).hostname or ""
        self.site_newest = newest(site.articles)
        self.entries = entries
        self.memo = functools.lru_cache(maxsize=ENTRY_MEMO)(self.entry)

    def plan(self) -> list[Planned]:
        site, title = self.site, self.config.title
        plan = [self.feed(urls.HOME, title, self.config.description, site.articles)]
        for section in self.config.sections:
            name = f"{section.title} · {title}"
            plan.append(self.feed(section.path, name, section.description, site.in_section(section.key)))
        for tag in site.tags:  # tag.articles is newest first, like site.articles
            plan.append(self.feed(tag.path, f"#{tag.name} · {title}", "", tag.articles))
        return plan

    def feed(self, page: str, title: str, subtitle: str, articles: Sequence[Article]) -> Planned:
        shown = tuple(articles[:FEED_SIZE])
        updated = newest(shown) or self.site_newest
        key = digest(title, subtitle, _instant(updated), keys_of(self.keys, shown))
        return Planned(page + FEED_FILE, key, lambda: self.xml(page, title, subtitle, shown, updated))

    def xml(self, page: str, title: str, subtitle: str, shown: Sequence[Article], updated: datetime | None) -> bytes:
        """The feed as `xml_bytes` would write its tree, written as text (a new article rewrites
        six feeds of 50 full entries: the tree took twice as long)."""
        page_url = self.base + page
        lines = [
            f'<feed xmlns="{ATOM_NS}" xml:lang="{xml_attribute(self.config.language)}">',
            xml_line(1, "id", page_url),
            xml_line(1, "title", title),
            *([xml_line(1, "subtitle", subtitle)] if subtitle else []),
            xml_line(1, "link", rel="self", type="application/atom+xml", href=page_url + FEED_FILE),
            xml_line(1, "link", rel="alternate", type="text/html", href=page_url),
            xml_line(1, "updated", iso(updated, self.tz) if updated else EMPTY_UPDATED),
            xml_line(1, "generator", "newsgen"),
        ]
        for article in shown:
            lines += self.entry_lines(article)
        lines.append("</feed>\n")
        return XML_DECLARATION + "\n".join(lines).encode("utf-8")

    def entry_lines(self, article: Article) -> tuple[str, ...]:
        if self.entries is None:
            return self.memo(article)
        return self.entries.get(self.keys[article.path], lambda: self.entry(article))

    def entry(self, article: Article) -> tuple[str, ...]:
        url = self.base + article.path
        lines = [
            "  <entry>",
            xml_line(2, "id", self.entry_id(article)),
            xml_line(2, "title", article.headline),
            xml_line(2, "link", rel="alternate", type="text/html", href=url),
        ]
        image = article.lead_image
        if image is not None:
            mime = image_type(image.src)
            extra = {"type": mime} if mime else {}
            lines.append(xml_line(2, "link", rel="enclosure", href=self.base + image.src, **extra))
        lines += [
            xml_line(2, "published", iso(article.published, self.tz)),
            xml_line(2, "updated", iso(article.updated or article.published, self.tz)),
            "    <author>",
            xml_line(3, "name", article.byline or self.config.title),
            "    </author>",
            xml_line(2, "summary", article.standfirst),
            xml_line(2, "content", self.content(article, url), type="html"),
        ]
        lines += [xml_line(2, "category", term=h.text, label=f"#{h.text}") for h in article.hashtags]
        lines.append("  </entry>")
        return tuple(lines)

    def entry_id(self, article: Article) -> str:
        """``tag:host,YYYY-MM-DD:source`` (RFC 4151): headline edits never change it."""
        day = article.published.astimezone(self.tz).date().isoformat()
        return f"tag:{self.host},{day}:{quote(article.source, safe='/')}"

    def content(self, article: Article, url: str) -> str:
        """The lead image as a figure, then the body, with absolute URLs throughout."""
        parts = []
        image = article.lead_image
        if image is not None:
            caption = " — ".join(text for text in (image.caption, image.credit) if text)
            figcaption = f"<figcaption>{escape(caption, quote=False)}</figcaption>" if caption else ""
            src, alt = escape(self.base + image.src), escape(image.alt)
            parts.append(f'<figure><img src="{src}" alt="{alt}">{figcaption}</figure>')
        parts.append(absolute_html(self.full(article).body_html, url))
        return "\n".join(parts)


# --- Sitemaps ------------------------------------------------------------------------------


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
            xml_element(entry, "loc", base + item.file)
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
    whole = newest(site.articles)
    entries: Entries = [(urls.HOME, whole)]
    for section in site.config.sections:
        entries.append((section.path, newest(site.in_section(section.key))))
        entries += [(archive.path, newest(archive.articles)) for archive in site.archives_of(section.key)]
    entries += [(urls.TAG_INDEX, whole), (urls.SEARCH, whole)]
    return entries


def _instant(moment: datetime | None) -> float | None:
    """What a key needs of a time written in the site's zone (the config is in every key):
    a POSIX timestamp digests far faster than a datetime."""
    return moment.timestamp() if moment is not None else None


def _entries_key(entries: Sequence[tuple[str, datetime | None]]) -> str:
    return digest([(path, _instant(moment)) for path, moment in entries])


def _urlset(entries: Sequence[tuple[str, datetime | None]], base: str, tz: ZoneInfo) -> bytes:
    """The bytes `xml_bytes` would give, written as text (building the tree took three times
    as long)."""
    lines = [f'<urlset xmlns="{SITEMAP_NS}">']
    for path, moment in entries:
        lines.append(f"  <url>\n    <loc>{xml_text(base + path)}</loc>")
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
        xml_element(item, "loc", config.base_url + article.path)
        news = xml_element(item, "news:news")
        publication = xml_element(news, "news:publication")
        xml_element(publication, "news:name", config.title)
        xml_element(publication, "news:language", language)
        xml_element(news, "news:publication_date", iso(article.published, tz))
        xml_element(news, "news:title", article.headline)
    return xml_bytes(urlset)


def _robots(site: Site) -> bytes:
    base = site.config.base_url
    lines = ["User-agent: *", "Allow: /", "", f"Sitemap: {base}{SITEMAP}", f"Sitemap: {base}{NEWS_SITEMAP}"]
    return ("\n".join(lines) + "\n").encode("utf-8")
