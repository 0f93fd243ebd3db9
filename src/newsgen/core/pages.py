"""The HTML pages of a site: one typed context per page kind, and the runs that make them.

Each context's ``key`` names everything its page shows (the keys of the articles and tags
it shows, read through `Keys`, and the structure around them), so an unchanged key means
unchanged bytes. Each run declares how its pages read the site's lists
(`newsgen.core.dependencies`); the engine needs nothing else to keep a page or make it
again. Rendering is `newsgen.core.render`'s job.
"""
from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from babel import Locale

from newsgen.core import localized, urls
from newsgen.core.dependencies import ALL, TAGS, Each, Paged, Whole
from newsgen.core.entities import tag_id
from newsgen.core.models import Article, MonthArchive, Section, Tag
from newsgen.core.outputs import Keys, Run, keys_of
from newsgen.core.site import TAG_PAGE_SIZE, Site, TagPage

LEAD_GRID = 6
FRONT_LIST = 20
FEATURED_TAGS = 12
FEATURED_DAYS = timedelta(days=30)
NOT_FOUND_LATEST = 5


def _key(keys: Keys, article: Article | None) -> str | None:
    return keys[article.path] if article is not None else None


def _tags(keys: Keys, tags: tuple[Tag, ...]) -> tuple[tuple[str, str, int], ...]:
    return tuple((t.key, keys[tag_id(t.key)], len(t.articles)) for t in tags)


@dataclass(frozen=True)
class ArticleContext:
    article: Article
    section: Section
    related: tuple[Article, ...]
    older: Article | None = None
    """The previous article of the same section, and the next one."""
    newer: Article | None = None

    def key(self, keys: Keys) -> tuple[object, ...]:
        shown = (self.article.path, *(tag_id(h.key) for h in self.article.hashtags))
        return (
            keys_of_ids(keys, shown), self.section.key, keys_of(keys, self.related),
            _key(keys, self.older), _key(keys, self.newer),
        )


def keys_of_ids(keys: Keys, ids: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(map(keys.__getitem__, ids))


@dataclass(frozen=True)
class FrontContext:
    """Home page (``section`` is None) or a section front."""

    section: Section | None
    lead: Article | None
    top: tuple[Article, ...]
    latest: tuple[Article, ...]
    archives: tuple[MonthArchive, ...]
    tags: tuple[Tag, ...]

    def key(self, keys: Keys) -> tuple[object, ...]:
        return (
            self.section.key if self.section else None,
            _key(keys, self.lead),
            keys_of(keys, self.top),
            keys_of(keys, self.latest),
            tuple((a.path, len(a.articles)) for a in self.archives),
            _tags(keys, self.tags),
        )


@dataclass(frozen=True)
class ArchiveContext:
    archive: MonthArchive
    newer: MonthArchive | None
    older: MonthArchive | None

    def key(self, keys: Keys) -> tuple[object, ...]:
        months = (m.path if m else None for m in (self.newer, self.older))
        return (self.archive.path, keys_of(keys, self.archive.articles), *months)


@dataclass(frozen=True)
class TagContext:
    """A tag's newest page lists all its pages (``pages``); a numbered page only its
    neighbours, so a new article never rewrites the older pages of a big tag."""

    page: TagPage
    pages: tuple[TagPage, ...] = ()
    older: TagPage | None = None
    newer: TagPage | None = None

    def key(self, keys: Keys) -> tuple[object, ...]:
        tag = self.page.tag
        total = None if self.page.number else len(tag.articles)
        listed = tuple((p.path, _key(keys, p.articles[0]), _key(keys, p.articles[-1])) for p in self.pages)
        neighbours = tuple(p.path if p else None for p in (self.older, self.newer))
        return (keys[tag_id(tag.key)], self.page.number, total, keys_of(keys, self.page.articles), listed, neighbours)


@dataclass(frozen=True)
class SearchContext:
    """The search page is filled in by the browser from the Pagefind index."""

    def key(self, keys: Keys) -> tuple[object, ...]:
        return ()


@dataclass(frozen=True)
class TagIndexContext:
    tags: tuple[Tag, ...]

    def key(self, keys: Keys) -> tuple[object, ...]:
        return _tags(keys, self.tags)


@dataclass(frozen=True)
class NotFoundContext:
    latest: tuple[Article, ...]

    def key(self, keys: Keys) -> tuple[object, ...]:
        return keys_of(keys, self.latest)


PageContext = ArticleContext | FrontContext | ArchiveContext | TagContext | SearchContext | TagIndexContext | NotFoundContext


@dataclass(frozen=True)
class PageSpec:
    """A page to render: its template, site path, context and ``<title>``."""

    template: str
    path: str
    context: PageContext
    title: str

    @property
    def file(self) -> str:
        return urls.output_file(self.path)

    def key(self, keys: Keys) -> tuple[object, ...]:
        """The page's inputs besides the site-wide ones (templates, config), to digest."""
        return (self.template, self.path, self.title, self.context.key(keys))


class Pages:
    """Every HTML page of a site, as runs (article pages first)."""

    def __init__(self, site: Site, locale: Locale, render: Callable[[PageSpec], bytes]) -> None:
        self.site, self.locale, self.render = site, locale, render

    def runs(self) -> Iterator[Run]:
        site, render = self.site, self.render
        for section in site.config.sections:
            stories = site.in_section(section.key)  # newest first
            article = functools.partial(self._article_page, section, stories)
            yield Run(("article", section.key), len(stories), article, Each(("section", section.key)), render)
        yield Run(("home",), 1, lambda _: self._front_page(None), Whole((ALL,)), render)
        for section in site.config.sections:
            front = functools.partial(self._front_page, section)
            yield Run(("front", section.key), 1, lambda _, f=front: f(), Whole((ALL,)), render)  # its tags' counts: any tag
            archives = site.archives_of(section.key)
            archive = functools.partial(self._archive_page, section, archives)
            yield Run(("archive", section.key), len(archives), archive, Whole((("section", section.key),)), render)
        for tag in site.tags:
            pages = site.tag_pages(tag)
            yield Run(("tag", tag.key), len(pages), functools.partial(self._tag_page, tag, pages),
                      Paged(("tag", tag.key), TAG_PAGE_SIZE), render)
        tag_index = PageSpec("tags.html", urls.TAG_INDEX, TagIndexContext(tuple(sorted(site.tags, key=lambda t: t.key))), "Etiquetas")
        yield Run(("tags",), 1, lambda _: tag_index, Whole((TAGS,)), render)
        search = PageSpec("search.html", urls.SEARCH, SearchContext(), "Pesquisa")
        yield Run(("search",), 1, lambda _: search, Whole(()), render)
        latest = NotFoundContext(site.articles[:NOT_FOUND_LATEST])
        not_found = PageSpec("404.html", urls.NOT_FOUND, latest, "Página não encontrada")
        yield Run(("404",), 1, lambda _: not_found, Whole((ALL,)), render)

    def _front_page(self, section: Section | None) -> PageSpec:
        """The home page (no *section*) or a section front."""
        if section is None:
            return PageSpec("home.html", urls.HOME, self.front(None), self.site.config.title)
        return PageSpec("section.html", section.path, self.front(section), section.title)

    def _article_page(self, section: Section, stories: tuple[Article, ...], i: int) -> PageSpec:
        article = stories[i]
        newer = stories[i - 1] if i else None
        older = stories[i + 1] if i + 1 < len(stories) else None
        context = ArticleContext(article, section, self.site.related[article.path], older, newer)
        return PageSpec("article.html", article.path, context, article.headline)

    def _archive_page(self, section: Section, archives: tuple[MonthArchive, ...], i: int) -> PageSpec:
        archive = archives[i]
        next_month = archives[i - 1] if i else None
        last_month = archives[i + 1] if i + 1 < len(archives) else None
        title = f"{section.title}: {localized.month_year(archive.year, archive.month, self.locale)}"
        return PageSpec("archive.html", archive.path, ArchiveContext(archive, next_month, last_month), title)

    def _tag_page(self, tag: Tag, pages: tuple[TagPage, ...], n: int) -> PageSpec:
        """The newest page (0) lists all pages; a numbered one links to its neighbours."""
        if n == 0:
            return PageSpec("tag.html", tag.path, TagContext(pages[0], pages), f"#{tag.name}")
        older_page = pages[n - 1] if n > 1 else None
        newer_page = pages[n + 1] if n + 1 < len(pages) else None
        title = f"#{tag.name}, página {n}"
        return PageSpec("tag.html", pages[n].path, TagContext(pages[n], (), older_page, newer_page), title)

    def front(self, section: Section | None) -> FrontContext:
        articles = self.site.in_section(section.key) if section else self.site.articles
        archives = self.site.archives_of(section.key) if section else self.site.archives
        return FrontContext(
            section=section,
            lead=articles[0] if articles else None,
            top=articles[1 : 1 + LEAD_GRID],
            latest=articles[1 + LEAD_GRID : FRONT_LIST],
            archives=archives,
            tags=self.featured_tags(articles),
        )

    def featured_tags(self, articles: tuple[Article, ...]) -> tuple[Tag, ...]:
        """The most used hashtags of the 30 days up to the newest of *articles*."""
        if not articles:
            return ()
        since = articles[0].published - FEATURED_DAYS
        uses: Counter[str] = Counter()
        for article in articles:
            if article.published <= since:
                break
            uses.update({h.key for h in article.hashtags})
        tags = (self.site.tag_index[key] for key in uses)
        return tuple(sorted(tags, key=lambda t: (-uses[t.key], t.slug)))[:FEATURED_TAGS]
