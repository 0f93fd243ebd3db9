"""The HTML pages of a site: one typed context per page kind, and the runs that make them.

Each context's ``key`` names everything its page shows (the keys of the articles and tags
it shows, read through `Keys`, and the structure around them), so an unchanged key means
unchanged bytes. Each run declares how its pages read the site's lists
(`newsgen.core.dependencies`); the engine needs nothing else to keep a page or make it
again. Rendering is `newsgen.core.render`'s job.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from babel import Locale

from newsgen.core import localized, urls
from newsgen.core.dependencies import ALL, TAGS, Each, Paged, Whole
from newsgen.core.entities import tag_id, topic_id
from newsgen.core.fronts import FrontContext, Fronts, tags_key
from newsgen.core.groupings import branch_list
from newsgen.core.labels import Labels
from newsgen.core.models import Article, MonthArchive, Section, Tag, Topic
from newsgen.core.outputs import Keys, Run, keys_of
from newsgen.core.site import TAG_PAGE_SIZE, Site, TagPage

NOT_FOUND_LATEST = 5


def _key(keys: Keys, article: Article | None) -> str | None:
    return keys[article.path] if article is not None else None


def _labels(labels: Labels | None, keys: Keys, articles: tuple[Article, ...], skip: str | None = None) -> object:
    return labels.key(keys, articles, skip) if labels is not None else ()


@dataclass(frozen=True)
class ArticleContext:
    article: Article
    section: Section
    related: tuple[Article, ...]
    older: Article | None = None
    """The previous article of the same section, and the next one."""
    newer: Article | None = None
    labels: Labels | None = field(default=None, compare=False, repr=False)

    def key(self, keys: Keys) -> tuple[object, ...]:
        shown = (self.article.path, *(tag_id(h.key) for h in self.article.hashtags))
        return (
            keys_of_ids(keys, shown), self.section.key, keys_of(keys, self.related),
            _key(keys, self.older), _key(keys, self.newer), _labels(self.labels, keys, self.related),
        )


def keys_of_ids(keys: Keys, ids: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(map(keys.__getitem__, ids))


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
    """A tag's newest page lists all its pages (``pages``) and leads to the numbered page
    holding the next older story (``older``); a numbered page links only its neighbours,
    and the newest page when it shares no story with it (``recent``), so a new article never
    rewrites the older pages of a big tag. With a topic (``topics.yaml``) the newest page
    opens with its description, lead image and pinned stories."""

    page: TagPage
    pages: tuple[TagPage, ...] = ()
    older: TagPage | None = None
    newer: TagPage | None = None
    recent: bool = False
    topic: Topic | None = None
    pinned: tuple[Article, ...] = ()
    labels: Labels | None = field(default=None, compare=False, repr=False)

    @property
    def listed(self) -> tuple[Article, ...]:
        """The stories of the page's list (the newest page's, but those pinned above it)."""
        if not self.pinned:
            return self.page.articles
        pinned = set(map(id, self.pinned))
        return tuple(a for a in self.page.articles if id(a) not in pinned)

    def key(self, keys: Keys) -> tuple[object, ...]:
        tag = self.page.tag
        total = None if self.page.number else len(tag.articles)
        listed = tuple((p.path, _key(keys, p.articles[0]), _key(keys, p.articles[-1])) for p in self.pages)
        neighbours = tuple(p.path if p else None for p in (self.older, self.newer))
        topic = keys[topic_id(tag.key)] if self.topic is not None else None
        shown = self.pinned + self.listed
        return (
            keys[tag_id(tag.key)], self.page.number, total, keys_of(keys, self.page.articles), listed, neighbours,
            self.recent, topic, keys_of(keys, self.pinned), _labels(self.labels, keys, shown, tag.key),
        )


@dataclass(frozen=True)
class SearchContext:
    """The search page is filled in by the browser from the Pagefind index."""

    def key(self, keys: Keys) -> tuple[object, ...]:
        return ()


@dataclass(frozen=True)
class TagIndexContext:
    tags: tuple[Tag, ...]

    def key(self, keys: Keys) -> tuple[object, ...]:
        return tags_key(keys, self.tags)


@dataclass(frozen=True)
class NotFoundContext:
    latest: tuple[Article, ...]
    labels: Labels | None = field(default=None, compare=False, repr=False)

    def key(self, keys: Keys) -> tuple[object, ...]:
        return keys_of(keys, self.latest), _labels(self.labels, keys, self.latest)


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
        self.labels = Labels(site)
        self.fronts = Fronts(site, self.labels)

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
            reads = Whole((branch_list(site.config, section.key),))  # a parent's archives list its children's articles
            yield Run(("archive", section.key), len(archives), archive, reads, render)
        for tag in site.tags:
            pages = site.tag_pages(tag)
            yield Run(("tag", tag.key), len(pages), functools.partial(self._tag_page, tag, pages),
                      Paged(("tag", tag.key), TAG_PAGE_SIZE), render)
        tag_index = PageSpec("tags.html", urls.TAG_INDEX, TagIndexContext(tuple(sorted(site.tags, key=lambda t: t.key))), "Temas")
        yield Run(("tags",), 1, lambda _: tag_index, Whole((TAGS,)), render)
        search = PageSpec("search.html", urls.SEARCH, SearchContext(), "Pesquisa")
        yield Run(("search",), 1, lambda _: search, Whole(()), render)
        latest = NotFoundContext(site.articles[:NOT_FOUND_LATEST], self.labels)
        not_found = PageSpec("404.html", urls.NOT_FOUND, latest, "Página não encontrada")
        yield Run(("404",), 1, lambda _: not_found, Whole((ALL,)), render)

    def _front_page(self, section: Section | None) -> PageSpec:
        """The home page (no *section*) or a section front."""
        if section is None:
            return PageSpec("home.html", urls.HOME, self.fronts.front(None), self.site.config.title)
        return PageSpec("section.html", section.path, self.fronts.front(section), section.title)

    def front(self, section: Section | None) -> FrontContext:
        return self.fronts.front(section)

    def _article_page(self, section: Section, stories: tuple[Article, ...], i: int) -> PageSpec:
        article = stories[i]
        newer = stories[i - 1] if i else None
        older = stories[i + 1] if i + 1 < len(stories) else None
        context = ArticleContext(article, section, self.site.related[article.path], older, newer, self.labels)
        return PageSpec("article.html", article.path, context, article.headline)

    def _archive_page(self, section: Section, archives: tuple[MonthArchive, ...], i: int) -> PageSpec:
        archive = archives[i]
        next_month = archives[i - 1] if i else None
        last_month = archives[i + 1] if i + 1 < len(archives) else None
        title = f"{section.title}: {localized.month_year(archive.year, archive.month, self.locale)}"
        return PageSpec("archive.html", archive.path, ArchiveContext(archive, next_month, last_month), title)

    def _tag_page(self, tag: Tag, pages: tuple[TagPage, ...], n: int) -> PageSpec:
        """The newest page (0) lists all pages and leads to the one holding the next older
        story; a numbered one links to its neighbours, and to the newest page when they
        share no story."""
        topic = self.site.topic(tag.key)
        name = topic.name if topic is not None else f"#{tag.name}"
        if n == 0:
            older = pages[_page_of(len(tag.articles), TAG_PAGE_SIZE)] if len(pages) > 1 else None
            by_source = self.site.by_source
            pinned = tuple(by_source[p] for p in topic.pinned if p in by_source) if topic is not None else ()
            context = TagContext(pages[0], pages, older, None, False, topic, pinned, self.labels)
            return PageSpec("tag.html", tag.path, context, name)
        older_page = pages[n - 1] if n > 1 else None
        newer_page = pages[n + 1] if n + 1 < len(pages) else None
        recent = n * TAG_PAGE_SIZE <= len(tag.articles) - TAG_PAGE_SIZE  # none of the newest page's stories
        context = TagContext(pages[n], (), older_page, newer_page, recent, labels=self.labels)
        return PageSpec("tag.html", pages[n].path, context, f"{name}, página {n}")


def _page_of(count: int, size: int) -> int:
    """The numbered page (`Site.tag_pages`) holding the story after the newest *size* of a
    tag of *count* stories: the next older one, where the newest page's list leads."""
    return (count - 1 - size) // size + 1
