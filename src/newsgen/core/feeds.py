"""The site's Atom feeds: the home's, each section's and each tag's newest articles, full
text, as keyed plans (the sitemaps are `newsgen.core.sitemaps`).

Pure: a `Site` in, bytes out. Every date comes from the articles themselves, never from
the build time, so the same site gives the same bytes. The feeds are written as text
with ElementTree's escaping (`newsgen.core.xmltext`), byte for byte what it writes, in half
the time.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from html import escape
from urllib.parse import quote, urljoin, urlsplit

from newsgen.core import urls
from newsgen.core.models import Article
from newsgen.core.outputs import Keys, Planned, digest, keys_of
from newsgen.core.site import Site, newest
from newsgen.core.structured import instant, iso
from newsgen.core.xmltext import XML_DECLARATION, xml_attribute, xml_line

FEED_SIZE = 50
ENTRY_MEMO = 200
"""Feed entries kept while one plan's feeds are made: a new article's feeds (the home's,
its section's, its tags') share most of their entries. A bound, not all: the 300 feeds
of a 10,000-article site would hold 50 MB of entries at once."""
FEED_FILE = "feed.xml"
_ENTRY_START, _ENTRY_END = "  <entry>", "  </entry>"
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


def feed_plan(
    site: Site, keys: Keys, full: Callable[[Article], Article] | None = None, entries: FeedEntries | None = None,
) -> list[Planned]:
    """The Atom feeds, keyed by their inputs and not yet made. *full* loads the body of an
    article whose body the site index left out; *entries*: those the last plan made, for
    a re-plan of the same settings."""
    return _Feeds(site, keys, full or (lambda article: article), entries).plan()


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


class FeedEntries:
    """The feed entries one plan made, by article key, for the re-plan after it: an edit
    or a new article remakes the five to eight feeds of its article, whose other entries
    are unchanged. Only valid between plans of the same settings (config, code), which a
    re-plan checks; holds no more than that plan's feeds used. *previous*: the entries of
    the last plan in this process (the preview's); *written*: its feeds as the last build
    wrote them (``newsgen build``'s, which keeps no entries: 6,000 at 10,000 articles)."""

    def __init__(self, previous: FeedEntries | None = None, written: WrittenFeeds | None = None) -> None:
        self._previous = dict(previous._used) if previous is not None else {}
        self._used: dict[str, tuple[str, ...]] = {}
        self._written = written

    def get(self, key: str, make: Callable[[], tuple[str, ...]]) -> tuple[str, ...]:
        lines = self._used.get(key) or self._previous.get(key) or make()
        self._used[key] = lines
        return lines

    def recall(self, page: str) -> None:
        """Before the feed of *page* is made: take the entries the last build wrote in it."""
        if self._written is not None:
            for key, text in self._written.entries(page).items():
                self._previous.setdefault(key, (text,))


class WrittenFeeds:
    """The feeds of the last plan as its build wrote them, read back entry by entry: the
    same settings make the same bytes of an unchanged article's entry, and making one
    (its body from the cache, every URL in it made absolute, escaped) costs 0.2-0.3 ms,
    about 50 ms for a new article's feeds at 10,000 articles."""

    def __init__(self, site: Site, keys: Keys, read: Callable[[str], bytes | None]) -> None:
        """*site*, *keys*: the last plan's; *read*: a file of the output that build wrote
        (None if unreadable), trusted to be what the plan made, as its unchanged pages are."""
        self._feeds = _Feeds(site, keys, lambda article: article)
        self._read = read
        self._lists: dict[str, Sequence[Article]] | None = None

    def entries(self, page: str) -> dict[str, str]:
        """The entries of *page*'s feed by article key, each one's lines as one text; none
        if the file is missing or does not hold the articles the plan put there."""
        if self._lists is None:
            self._lists = {feed: articles for feed, _, _, articles in self._feeds.lists()}
        articles = self._lists.get(page)
        data = self._read(page + FEED_FILE) if articles is not None else None
        if articles is None or data is None:
            return {}
        try:
            _, *chunks = data.decode("utf-8").split(f"\n{_ENTRY_START}\n")
        except UnicodeDecodeError:
            return {}
        shown = articles[:FEED_SIZE]
        if len(chunks) != len(shown):
            return {}
        found = {}
        for article, chunk in zip(shown, chunks, strict=True):  # no tag starts a line inside an entry's escaped text
            text, end, _ = chunk.partition(f"\n{_ENTRY_END}")
            if not (end and text.startswith(xml_line(2, "id", self._feeds.entry_id(article)) + "\n")):
                return {}
            found[self._feeds.keys[article.path]] = f"{_ENTRY_START}\n{text}\n{_ENTRY_END}"
        return found


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
        self.entries = entries
        self.memo = functools.lru_cache(maxsize=ENTRY_MEMO)(self.entry)

    @functools.cached_property
    def site_newest(self) -> datetime | None:
        return newest(self.site.articles)

    def lists(self) -> Iterator[tuple[str, str, str, Sequence[Article]]]:
        """Each feed's page, title, subtitle and articles (newest first)."""
        site, title = self.site, self.config.title
        yield urls.HOME, title, self.config.description, site.articles
        for section in self.config.sections:
            yield section.path, f"{section.title} · {title}", section.description, site.in_section(section.key)
        for tag in site.tags:
            yield tag.path, f"#{tag.name} · {title}", "", tag.articles

    def plan(self) -> list[Planned]:
        return [self.feed(*feed) for feed in self.lists()]

    def feed(self, page: str, title: str, subtitle: str, articles: Sequence[Article]) -> Planned:
        shown = tuple(articles[:FEED_SIZE])
        updated = newest(shown) or self.site_newest
        key = digest(title, subtitle, instant(updated), keys_of(self.keys, shown))
        return Planned(page + FEED_FILE, key, lambda: self.xml(page, title, subtitle, shown, updated))

    def xml(self, page: str, title: str, subtitle: str, shown: Sequence[Article], updated: datetime | None) -> bytes:
        """The feed as `xml_bytes` would write its tree, written as text (a new article rewrites
        six feeds of 50 full entries: the tree took twice as long)."""
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
            _ENTRY_START,
            xml_line(2, "id", self.entry_id(article)),
            xml_line(2, "title", article.headline),
            xml_line(2, "link", rel="alternate", type="text/html", href=url),
        ]
        image = article.lead_image
        if image is not None:
            mime = image_type(image.src)
            extra = {"type": mime} if mime else {}
            lines.append(xml_line(2, "link", rel="enclosure", href=self.base + urls.url_path(image.src), **extra))
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
        lines.append(_ENTRY_END)
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
            src, alt = escape(self.base + urls.url_path(image.src)), escape(image.alt)
            parts.append(f'<figure><img src="{src}" alt="{alt}">{figcaption}</figure>')
        parts.append(absolute_html(self.full(article).body_html, url))
        return "\n".join(parts)


