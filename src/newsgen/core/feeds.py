"""The site's Atom feeds: the home's, each section's and each tag's newest articles, full
text, as runs of outputs (the sitemaps are `newsgen.core.sitemaps`).

Pure: a `Site` in, bytes out. Every date comes from the articles themselves, never from
the build time, so the same site gives the same bytes. The feeds are written as text
with ElementTree's escaping (`newsgen.core.xmltext`), byte for byte what it writes, in
half the time.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from html import escape
from typing import NamedTuple, Protocol
from urllib.parse import quote, urljoin, urlsplit

from newsgen.core import urls
from newsgen.core.corrections import modified
from newsgen.core.dependencies import ALL, Head, ListName, Whole
from newsgen.core.entities import tag_id
from newsgen.core.groupings import branch_list
from newsgen.core.models import Article
from newsgen.core.outputs import Keys, Run, keys_of
from newsgen.core.photoplan import PhotoPlan
from newsgen.core.photoview import fallback_img, feed_body
from newsgen.core.pictures import MIME
from newsgen.core.listdates import newest_of_list
from newsgen.core.site import Site, newest
from newsgen.core.structured import instant, iso
from newsgen.core.xmltext import XML_DECLARATION, xml_attribute, xml_line

FEED_SIZE = 50
ENTRY_MEMO = 200
"""Feed entries kept while one plan's feeds are made: a new article's feeds (the home's,
its section's, its tags') share most of their entries. A bound, not all: the 300 feeds
of a 10,000-article site would hold 50 MB of entries at once."""
FEED_FILE = "feed.xml"
ENTRY_START, ENTRY_END = "  <entry>", "  </entry>"
EMPTY_UPDATED = "1970-01-01T00:00:00Z"
"""The `<updated>` of a feed on a site with no articles at all (never the build time)."""

ATOM_NS = "http://www.w3.org/2005/Atom"

# Fixed, so the output never depends on the machine's /etc/mime.types (which `mimetypes` reads).
IMAGE_TYPES = {
    "avif": "image/avif", "bmp": "image/bmp", "gif": "image/gif", "ico": "image/vnd.microsoft.icon",
    "jpe": "image/jpeg", "jpeg": "image/jpeg", "jpg": "image/jpeg", "jxl": "image/jxl", "png": "image/png",
    "svg": "image/svg+xml", "tif": "image/tiff", "tiff": "image/tiff", "webp": "image/webp",
}
# A URL attribute in the body HTML (Python-Markdown writes double quotes; raw HTML may use single).
_URL_ATTR = re.compile(r"""(\s(?:href|src)\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)


class FeedSpec(NamedTuple):
    """One feed not yet made: the page it is the feed of, its title and subtitle, the
    articles it shows and its `<updated>`."""

    page: str
    title: str
    subtitle: str
    shown: tuple[Article, ...]
    updated: datetime | None
    names: tuple[str, ...] = ()
    """The entities whose name the title shows (a tag's, which its topic can rename)."""

    @property
    def file(self) -> str:
        return self.page + FEED_FILE

    def key(self, keys: Keys) -> tuple[object, ...]:
        named = tuple(map(keys.__getitem__, self.names))
        return (self.title, self.subtitle, instant(self.updated), keys_of(keys, self.shown), named)


class EntryCache(Protocol):
    """Feed entries made by an earlier plan, by article key (`newsgen.incremental.feedentries`)."""

    def get(self, key: str, make: Callable[[], tuple[str, ...]]) -> tuple[str, ...]: ...

    def recall(self, page: str) -> None:
        """Before the feed of *page* is made."""


def image_type(src: str) -> str | None:
    """The MIME type of an image file from its extension, or None if unknown."""
    _, dot, ext = src.rpartition(".")
    return IMAGE_TYPES.get(ext.lower()) if dot and "/" not in ext else None


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


class Feeds:
    """The Atom feeds of one site. *keys*: the entity keys (an entry is remembered by its
    article's key); *full* loads the body of an article whose body the site index left
    out; *entries*: those an earlier plan made, for a re-plan of the same settings."""

    def __init__(
        self, site: Site, keys: Keys, full: Callable[[Article], Article] | None = None,
        entries: EntryCache | None = None, photos: PhotoPlan | None = None,
    ) -> None:
        self.site = site
        self.photos = photos or PhotoPlan({}, avif=False)
        """Photographs are shown as their largest copy in the fallback format (JPEG)."""
        self.keys = keys
        self.full = full or (lambda article: article)
        self.config = site.config
        self.tz = site.config.timezone
        self.base = site.config.base_url
        self.host = urlsplit(site.config.base_url).hostname or ""
        self.entries = entries
        self.memo = functools.lru_cache(maxsize=ENTRY_MEMO)(self.entry)

    @functools.cached_property
    def site_newest(self) -> datetime | None:
        return newest_of_list(self.site.articles, self.site.now)

    @functools.cached_property
    def publisher(self) -> str:
        """Who publishes the feeds: the publisher's name, else the site's title."""
        return self.config.publisher_name

    def lists(self) -> Iterator[tuple[ListName, str, str, str, Sequence[Article], tuple[str, ...]]]:
        """Each feed's list, page, title, subtitle, articles (newest first) and the entities
        its title names. A section's feed holds those of the sections nested in it too."""
        site, title = self.site, self.config.title
        by = self.publisher  # the publisher's name, else the site's title
        yield ALL, urls.HOME, title if by == title else f"{title} · {by}", self.config.description, site.articles, ()
        for section in self.config.sections:
            name = branch_list(self.config, section.key)
            yield name, section.path, f"{section.title} · {by}", section.description, site.branch(section.key), ()
        for tag in site.tags:
            topic = site.topic(tag.key)
            shown = topic.name if topic else f"#{tag.name}"
            yield ("tag", tag.key), tag.path, f"{shown} · {by}", "", tag.articles, (tag_id(tag.key),)

    def runs(self) -> Iterator[Run]:
        """One run of one feed per list; an empty list's feed is dated by the whole site."""
        for name, page, title, subtitle, articles, names in self.lists():
            spec = self.spec(page, title, subtitle, articles, names)
            reads = Head(name, FEED_SIZE) if articles else Whole((ALL,))
            yield Run(("feed", *name), 1, lambda _, spec=spec: spec, reads, self.xml)

    def spec(
        self, page: str, title: str, subtitle: str, articles: Sequence[Article], names: tuple[str, ...] = (),
    ) -> FeedSpec:
        shown = tuple(articles[:FEED_SIZE])
        return FeedSpec(page, title, subtitle, shown, newest(shown, self.site.now) or self.site_newest, names)

    def xml(self, feed: FeedSpec) -> bytes:
        """The feed as `xml_bytes` would write its tree, written as text (a new article rewrites
        six feeds of 50 full entries: the tree took twice as long)."""
        page, title, subtitle, shown, updated, _ = feed
        page_url = self.base + urls.url_path(page)
        lines = [
            f'<feed xmlns="{ATOM_NS}" xml:lang="{xml_attribute(self.config.language)}">',
            xml_line(1, "id", page_url),
            xml_line(1, "title", title),
            *([xml_line(1, "subtitle", subtitle)] if subtitle else []),
            xml_line(1, "link", rel="self", type="application/atom+xml", href=page_url + FEED_FILE),
            xml_line(1, "link", rel="alternate", type="text/html", href=page_url),
            xml_line(1, "updated", iso(updated, self.tz) if updated else EMPTY_UPDATED),
            xml_line(1, "generator", "newsgen"),
            *self.pictures(),
        ]
        if self.entries is not None:
            self.entries.recall(page)
        for article in shown:
            lines += self.entry_lines(article)
        lines.append("</feed>\n")
        return XML_DECLARATION + "\n".join(lines).encode("utf-8")

    def entry_lines(self, article: Article) -> tuple[str, ...]:
        if self.entries is None:
            return self.memo(article)
        return self.entries.get(self.keys[article.path], lambda: self.entry(article))

    def entry(self, article: Article) -> tuple[str, ...]:
        url = self.base + urls.url_path(article.path)
        lines = [
            ENTRY_START,
            xml_line(2, "id", self.entry_id(article)),
            xml_line(2, "title", article.headline),
            xml_line(2, "link", rel="alternate", type="text/html", href=url),
        ]
        image = article.lead_image
        if image is not None:
            photo = self.photos.of(image)
            src, mime = (photo.fallback.name, MIME[photo.fallback.format]) if photo and photo.processed else (
                image.src, image_type(image.src))
            extra = {"type": mime} if mime else {}
            lines.append(xml_line(2, "link", rel="enclosure", href=self.base + urls.url_path(src), **extra))
        lines += [
            xml_line(2, "published", iso(article.published, self.tz)),
            xml_line(2, "updated", iso(modified(article, self.site.now), self.tz)),
            *self.authors(article),
            xml_line(2, "summary", article.standfirst),
            xml_line(2, "content", self.content(article, url), type="html"),
        ]
        lines += [xml_line(2, "category", term=h.text, label=f"#{h.text}") for h in article.hashtags]
        lines.append(ENTRY_END)
        return tuple(lines)

    def authors(self, article: Article) -> list[str]:
        """One ``<author>`` per name of the byline (with the author page's address for an
        author of the site); without a byline, the publisher."""
        lines = []
        for credit in article.credits or (None,):
            author = self.site.desk.authors.get(credit.key) if credit is not None and credit.key else None
            name = author.name if author is not None else credit.text if credit is not None else self.publisher
            lines += ["    <author>", xml_line(3, "name", name)]
            if author is not None:
                lines.append(xml_line(3, "uri", self.base + urls.url_path(author.path)))
            lines.append("    </author>")
        return lines

    def pictures(self) -> list[str]:
        """The feed's ``<icon>`` (square) and ``<logo>`` (wide), when the site has them."""
        brand, lines = self.site.desk.brand, []
        icon = brand.icon("icon-192.png")
        if icon is not None:
            lines.append(xml_line(1, "icon", self.base + urls.url_path(icon.path)))
        if brand.logo is not None:
            lines.append(xml_line(1, "logo", self.base + urls.url_path(brand.logo.path)))
        return lines

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
            photo = self.photos.of(image)
            if photo is not None:
                img = fallback_img(photo, image.alt, lambda path: self.base + urls.url_path(path))
            else:
                img = f'<img src="{escape(self.base + urls.url_path(image.src))}" alt="{escape(image.alt)}">'
            parts.append(f"<figure>{img}{figcaption}</figure>")
        parts.append(absolute_html(feed_body(self.full(article), self.photos, self.base), url))
        return "\n".join(parts)


