"""`Site` → pages in memory: one typed context per page kind, rendered with Jinja.

Templates come from the site's ``templates/`` first, then newsgen's built-in theme
(`THEME`), so a site overrides the look file by file: the loader that finds them is
given (`newsgen.io.sources.SiteTemplates`), and names a site's templates by their path in
the site, as problems do. Dates and plurals come from Babel in
the site's language (`newsgen.core.localized`), never from the machine's locale.
"""
from __future__ import annotations

import bisect
import functools
import traceback
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import jinja2
import jinja2.bccache
from babel import Locale
from markupsafe import Markup

from newsgen.core import localized, urls
from newsgen.core.errors import ContentError, Problem
from newsgen.core.models import Article, MonthArchive, Section, Tag
from newsgen.core.outputs import Keys, keys_of
from newsgen.core.site import Site, TagPage, first_changed_page, position
from newsgen.core.structured import iso, news_article, script_json

THEME = Path(__file__).parent.parent / "theme"
LEAD_GRID = 6
FRONT_LIST = 20
FEATURED_TAGS = 12
FEATURED_DAYS = timedelta(days=30)


def _key(keys: Keys, article: Article | None) -> str | None:
    return keys[article.path] if article is not None else None


# One context per page kind: what each template may use, besides the globals. Each one's
# `key` names everything its page shows, so an unchanged key means unchanged bytes.
@dataclass(frozen=True)
class ArticleContext:
    article: Article
    section: Section
    related: tuple[Article, ...]
    older: Article | None = None
    """The previous article of the same section, and the next one."""
    newer: Article | None = None

    def key(self, keys: Keys) -> tuple[object, ...]:
        return (_key(keys, self.article), self.section.key, keys_of(keys, self.related), _key(keys, self.older), _key(keys, self.newer))


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
            tuple((t.key, len(t.articles)) for t in self.tags),
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
        return (tag.key, self.page.number, total, keys_of(keys, self.page.articles), listed, neighbours)


@dataclass(frozen=True)
class SearchContext:
    """The search page is filled in by the browser from the Pagefind index."""

    def key(self, keys: Keys) -> tuple[object, ...]:
        return ()


@dataclass(frozen=True)
class TagIndexContext:
    tags: tuple[Tag, ...]

    def key(self, keys: Keys) -> tuple[object, ...]:
        return tuple((t.key, len(t.articles)) for t in self.tags)


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


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the life of the process, checked against a
    checksum of their source, so a rebuild (``newsgen serve``) compiles only the templates
    that changed: compiling is 90 % of rebuilding the sample site."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


class Renderer:
    """Renders every page of a site; template problems become `Problem`s."""

    def __init__(
        self,
        site: Site,
        templates: jinja2.BaseLoader,
        asset_digests: Mapping[str, str],
        image_sizes: Mapping[str, tuple[int, int]] | None = None,
        full: Callable[[Article], Article] | None = None,
        compiled: jinja2.BytecodeCache | None = None,
    ) -> None:
        """*templates*: finds a template by name; *compiled*: where compiled templates are
        kept (by default, in this process)."""
        self.site = site
        self.full = full or (lambda article: article)
        """Loads the body of an article whose body the site index left out."""
        self.base = urls.base_path(site.config.base_url)
        self.locale = Locale.parse(site.config.locale)
        self.tz = site.config.timezone
        self.env = jinja2.Environment(
            loader=templates,
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            bytecode_cache=compiled or _COMPILED,
            auto_reload=False,  # one renderer per build: never stat the templates per page
        )
        self.env.globals.update(
            site=site.config,
            sections=site.config.sections,
            url=self.url,
            tag_for=site.tag_of,
            asset=lambda path: f"{self.url(path)}?v={asset_digests.get(path, '0')[:10]}",
            absolute=self.absolute,
            size=(image_sizes or {}).get,
            news_article=lambda ctx: Markup(script_json(news_article(site.config, ctx.article, ctx.section))),
        )
        self.env.filters.update(
            datetime_long=self.datetime_long,
            date_long=self.date_long,
            month_year=self.month_year,
            iso=lambda dt: iso(dt, self.tz),
            count=self.count,
            number=lambda n: localized.number(n, self.locale),
        )

    def url(self, path: str) -> str:
        """The URL of the site path *path*, from the host's root: ``/noticias/mundo/``."""
        return self.base + urls.url_path(path)

    def absolute(self, path: str) -> str:
        """The absolute URL of the site path *path*: ``https://example.pt/noticias/mundo/``."""
        return self.site.config.base_url + urls.url_path(path)

    def datetime_long(self, dt: datetime) -> str:
        """``4 de junho de 2025, 18:30`` in the site's time zone."""
        return localized.datetime_long(dt, self.tz, self.locale)

    def date_long(self, dt: datetime) -> str:
        return localized.date_long(dt.astimezone(self.tz).date(), self.locale)

    def month_year(self, archive: MonthArchive) -> str:
        """``junho de 2025``."""
        return localized.month_year(archive.year, archive.month, self.locale)

    def count(self, n: int, singular: str, plural: str) -> str:
        """``1 artigo`` / ``2 artigos``, by the language's plural rules."""
        return localized.count(n, singular, plural, self.locale)

    def render(self, spec: PageSpec) -> bytes:
        """One page's bytes, or `ContentError` naming the template line at fault."""
        context = spec.context
        if isinstance(context, ArticleContext):
            context = replace(context, article=self.full(context.article))
        try:
            html = self.env.get_template(spec.template).render(page=context, title=spec.title, path=spec.path)
        except jinja2.TemplateSyntaxError as exc:
            name = _template_name(exc.filename, exc.name)
            raise ContentError([Problem(name, exc.lineno, exc.message or "template syntax error")]) from None
        except jinja2.TemplateError as exc:
            raise ContentError([_template_problem(exc)]) from None
        return html.encode("utf-8")

    def plan(self) -> list[PageSpec]:
        """Every HTML page of the site, not yet rendered: article pages first."""
        specs: list[PageSpec] = []
        for count, make, _ in self._runs():
            specs += map(make, range(count))
        return specs

    def plan_only(self, positions: Iterable[int]) -> dict[int, PageSpec]:
        """The pages of `plan` at *positions*, by position, without making the others."""
        wanted, found, start = sorted(set(positions)), {}, 0
        for count, make, _ in self._runs():
            for i in wanted[bisect.bisect_left(wanted, start) : bisect.bisect_left(wanted, start + count)]:
                found[i] = make(i - start)
            start += count
        return found

    def plan_showing(
        self, articles: Iterable[Article], sections: Collection[str], tags: Mapping[str, int]
    ) -> tuple[dict[int, PageSpec], int]:
        """The pages of `plan`, by position, of *articles*, every archive page of
        *sections*, the pages of *tags* that an article placed there (tag key → place
        from the oldest) can change, and every page that lists from the whole site
        (fronts, tag index, 404); and how many pages `plan` has."""
        by_section: dict[str, list[Article]] = {}
        for article in articles:
            by_section.setdefault(article.section, []).append(article)
        found, start = {}, 0
        for count, make, (kind, key) in self._runs():
            if kind == "articles":
                stories = self.site.in_section(key)
                for article in by_section.get(key, ()):
                    i = position(stories, article)
                    found[start + i] = make(i)
            elif kind == "site" or (kind == "archives" and key in sections):
                found.update((start + i, make(i)) for i in range(count))
            elif kind == "tag" and key in tags:  # the newest page, and from the one before the article's on
                first = max(1, first_changed_page(tags[key]) - 1)
                found.update((start + i, make(i)) for i in (0, *range(first, count)))
            start += count
        return found, start

    def _runs(self) -> Iterator[tuple[int, Callable[[int], PageSpec], tuple[str, str]]]:
        """The pages of `plan` in runs of one kind: how many, how to make the i-th, and
        what they list: the articles of a section, its archives, a tag, or the site."""
        site = self.site
        for section in site.config.sections:
            stories = site.in_section(section.key)  # newest first
            yield len(stories), functools.partial(self._article_page, section, stories), ("articles", section.key)
        yield 1, functools.partial(self._front_page, None), ("site", "")
        for section in site.config.sections:
            yield 1, functools.partial(self._front_page, section), ("site", "")  # its tags' counts: any tag
            archives = site.archives_of(section.key)
            yield len(archives), functools.partial(self._archive_page, section, archives), ("archives", section.key)
        for tag in site.tags:
            pages = site.tag_pages(tag)
            yield len(pages), functools.partial(self._tag_page, tag, pages), ("tag", tag.key)
        tag_index = TagIndexContext(tuple(sorted(site.tags, key=lambda t: t.key)))
        yield 1, lambda _: PageSpec("tags.html", urls.TAG_INDEX, tag_index, "Etiquetas"), ("site", "")
        yield 1, lambda _: PageSpec("search.html", urls.SEARCH, SearchContext(), "Pesquisa"), ("site", "")
        latest = NotFoundContext(site.articles[:5])
        yield 1, lambda _: PageSpec("404.html", urls.NOT_FOUND, latest, "Página não encontrada"), ("site", "")

    def _front_page(self, section: Section | None, _: int) -> PageSpec:
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
        title = f"{section.title}: {self.month_year(archive)}"
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


def _template_name(filename: str | None, name: str | None) -> str:
    """A template's file as a problem names it: the loader's name (a site's templates by
    their path in the site), or the theme's, labelled."""
    if filename and Path(filename).is_relative_to(THEME):
        return f"(newsgen theme) {Path(filename).relative_to(THEME)}"
    return filename or name or "templates"


def _template_problem(exc: Exception) -> Problem:
    """Point at the innermost template line in the traceback (walked, not extracted:
    extracting reads each frame's line from its file)."""
    for frame, line in reversed(list(traceback.walk_tb(exc.__traceback__))):
        filename = frame.f_code.co_filename
        if filename.endswith(".html"):
            return Problem(_template_name(filename, None), line or 0, str(exc))
    return Problem("templates", 0, str(exc))
