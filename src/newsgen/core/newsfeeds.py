"""The newsroom's Atom feeds: each author's newest articles (``/autor/<key>/feed.xml``,
made as every other feed of articles, `newsgen.core.feeds`) and every correction
(``/correcoes/feed.xml``, one entry per correction, newest first).
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from html import escape
from typing import NamedTuple

from newsgen.core import urls
from newsgen.core.dependencies import ALL, Head, Whole
from newsgen.core.entities import byline_id
from newsgen.core.feeds import ATOM_NS, EMPTY_UPDATED, FEED_FILE, FEED_SIZE, FeedSpec, Feeds
from newsgen.core.newsroom import CORRECTIONS, lists_corrections
from newsgen.core.outputs import Keys, Run
from newsgen.core.structured import instant, iso
from newsgen.core.xmltext import XML_DECLARATION, xml_attribute, xml_line


class AuthorFeed(NamedTuple):
    """An author's feed: a feed of articles that also shows the author's name and role."""

    author: str
    spec: FeedSpec

    @property
    def file(self) -> str:
        return self.spec.file

    def key(self, keys: Keys) -> tuple[object, ...]:
        return (keys[byline_id(self.author)], *self.spec.key(keys))


class CorrectionsFeed(NamedTuple):
    """The newest corrections, each as its article's path and its number there, and the
    feed's ``<updated>`` (the newest correction's time; without any, the site's newest change)."""

    shown: tuple[tuple[str, int], ...]
    updated: datetime | None
    file: str = urls.CORRECTIONS + FEED_FILE

    def key(self, keys: Keys) -> tuple[object, ...]:
        return (instant(self.updated), *((keys[path], i) for path, i in self.shown))


class NewsroomFeeds:
    """The feeds of one site's authors, and of its corrections."""

    def __init__(self, feeds: Feeds) -> None:
        self.feeds, self.site = feeds, feeds.site

    def runs(self) -> Iterator[Run]:
        site = self.site
        for key, author in site.desk.authors.items():
            articles = site.by_author(key)
            title = f"{author.name} · {self.feeds.publisher}"
            spec = self.feeds.spec(author.path, title, author.role, articles)
            reads = Head(("author", key), FEED_SIZE) if articles else Whole((ALL,))
            feed = AuthorFeed(key, spec)
            yield Run(("feed", "author", key), 1, lambda _, feed=feed: feed, reads, self.author_xml)
        shown = site.corrected[:FEED_SIZE]
        updated = shown[0][0].corrections[shown[0][1]].at if shown else self.feeds.site_newest
        corrections = CorrectionsFeed(tuple((a.path, i) for a, i in shown), updated)
        reads = Whole((CORRECTIONS,)) if shown else Whole((ALL,))
        yield Run(("feed", "corrections"), int(lists_corrections(site)), lambda _: corrections, reads, self.corrections_xml)

    def author_xml(self, feed: AuthorFeed) -> bytes:
        return self.feeds.xml(feed.spec)

    def corrections_xml(self, feed: CorrectionsFeed) -> bytes:
        """One entry per correction: its text, a link to it in its article."""
        site, feeds = self.site, self.feeds
        tz, base = site.config.timezone, site.config.base_url
        page_url = base + urls.url_path(urls.CORRECTIONS)
        by_path = {a.path: a for a, _ in site.corrected[:FEED_SIZE]}
        updated = feed.updated
        lines = [
            f'<feed xmlns="{ATOM_NS}" xml:lang="{xml_attribute(site.config.language)}">',
            xml_line(1, "id", page_url),
            xml_line(1, "title", f"Correções · {feeds.publisher}"),
            xml_line(1, "link", rel="self", type="application/atom+xml", href=page_url + FEED_FILE),
            xml_line(1, "link", rel="alternate", type="text/html", href=page_url),
            xml_line(1, "updated", iso(updated, tz) if updated else EMPTY_UPDATED),
            "  <author>",
            xml_line(2, "name", feeds.publisher),
            "  </author>",
            xml_line(1, "generator", "newsgen"),
            *feeds.pictures(),
        ]
        for path, i in feed.shown:
            article = by_path[path]
            correction = article.corrections[i]
            url = f"{base}{urls.url_path(article.path)}#correcao-{i + 1}"
            lines += [
                "  <entry>",
                xml_line(2, "id", f"{feeds.entry_id(article)}#correcao-{i + 1}"),
                xml_line(2, "title", f"Correção: {article.headline}"),
                xml_line(2, "link", rel="alternate", type="text/html", href=url),
                xml_line(2, "published", iso(correction.at, tz)),
                xml_line(2, "updated", iso(correction.at, tz)),
                xml_line(2, "content", f"<p>{escape(correction.text, quote=False)}</p>", type="html"),
                "  </entry>",
            ]
        lines.append("</feed>\n")
        return XML_DECLARATION + "\n".join(lines).encode("utf-8")
