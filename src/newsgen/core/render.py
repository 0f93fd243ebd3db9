"""Pages in memory: the Jinja environment with the site's globals and filters, and the
rendering of one `PageSpec`.

Templates come from the site's ``templates/`` first, then newsgen's built-in theme, so a
site overrides the look file by file: the loader that finds them is given
(`newsgen.io.sources.SiteTemplates`), and names a site's templates by their path in the
site, as problems do. Dates and plurals come from Babel in the site's language
(`newsgen.core.localized`), never from the machine's locale.
"""
from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import jinja2
import jinja2.bccache
from babel import Locale
from markupsafe import Markup, escape

from newsgen.core import localized, urls
from newsgen.core.errors import ContentError, Problem
from newsgen.core.labels import Labels
from newsgen.core.lifecycle import is_live
from newsgen.core.models import Article, Hashtag, MonthArchive, Tag
from newsgen.core.pages import ArticleContext, PageSpec
from newsgen.core.photoplan import PhotoPlan
from newsgen.core.photoview import PhotoView
from newsgen.core.plurals import other_forms
from newsgen.core.site import Site
from newsgen.core.corrections import modified, shown
from newsgen.core.structured import breadcrumb_list, iso, news_article, profile_page, publisher_page, script_json


def breakable(text: str) -> Markup:
    """*text* with a line-break opportunity (``<wbr>``) between the words a hashtag runs
    together: ``#CooperaçãoMilitar`` breaks as «#Cooperação|Militar», never inside a word."""
    return Markup("<wbr>").join(Markup.escape(word) for word in urls.split_camel_case(text).split(" ")) if " " not in text else Markup.escape(text)


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
        theme: Path,
        asset_digests: Mapping[str, str],
        image_sizes: Mapping[str, tuple[int, int]] | None = None,
        full: Callable[[Article], Article] | None = None,
        compiled: jinja2.BytecodeCache | None = None,
        photos: PhotoPlan | None = None,
    ) -> None:
        """*templates*: finds a template by name; *theme*: the theme's folder (its templates
        are named as such in problems); *compiled*: where compiled templates are kept (by
        default, in this process); *photos*: the copies of the site's photographs."""
        self.site = site
        self.theme = theme
        self.full = full or (lambda article: article)
        """Loads the body of an article whose body the site index left out."""
        self.base = urls.base_path(site.config.base_url)
        self.locale = Locale.parse(site.config.locale)
        self.tz = site.config.timezone
        self.photos = PhotoView(photos or PhotoPlan({}, avif=False), self.url, self.absolute, image_sizes or {})
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
            news_article=lambda ctx: Markup(script_json(news_article(
                site.config, ctx.article, ctx.section, site.desk, site.now, self.photos.schema(ctx.article)))),
            publisher_ld=lambda: Markup(script_json(publisher_page(site.config, site.desk))),
            profile_ld=lambda author: Markup(script_json(profile_page(site.config, author, site.desk))),
            publisher=site.config.publisher_name,
            brand=site.desk.brand,
            footer_links=site.desk.footer(site.config),
            portrait=lambda author: site.desk.portraits.get(author.key, ()),
            credits=self.credits,
            byline=self.byline,
            modified=lambda article: modified(article, site.now),
            corrections_of=lambda article: tuple(enumerate(shown(article, site.now), start=1)),
            picture=self.photos.picture,
            share=self.photos.share,
            thumbnail=self.photos.thumbnail,
            breadcrumb_ld=self.breadcrumb_ld,
            lineage=site.config.lineage,
            label=Labels(site).of,
            tag_name=self.tag_name,
            hashtag_name=self.hashtag_name,
            other_forms=lambda article: other_forms(article.headline, article.standfirst, article.body_html),
            live_now=lambda article: is_live(article, site.now),
        )
        self.env.filters.update(
            datetime_long=self.datetime_long,
            date_long=self.date_long,
            month_year=self.month_year,
            iso=lambda dt: iso(dt, self.tz),
            count=self.count,
            number=lambda n: localized.number(n, self.locale),
            breakable=breakable,
        )

    def breadcrumb_ld(self, section: str, name: str | None = None) -> Markup:
        """The BreadcrumbList JSON of a page in *section*: its sections, then *name*, the page
        itself; without *name*, the page is the section's front (the trail's last)."""
        lineage = self.site.config.lineage(section)
        trail = [(s.title, None if name is None and s is lineage[-1] else s.path) for s in lineage]
        if name is not None:
            trail.append((name, None))
        return Markup(script_json(breadcrumb_list(self.site.config, tuple(trail))))

    def tag_name(self, tag: Tag) -> str:
        """A tag as pages name it: its topic's display name, else ``#`` and its spelling."""
        topic = self.site.topic(tag.key)
        return topic.name if topic is not None else f"#{tag.name}"

    def hashtag_name(self, hashtag: Hashtag) -> str:
        """A hashtag of an article as its page names it: its topic's name, else as written."""
        topic = self.site.topic(hashtag.key)
        return topic.name if topic is not None else f"#{hashtag.text}"

    def credits(self, article: Article) -> list[tuple[str, str | None]]:
        """Each name of *article*'s byline and its author page's site path (None for free text)."""
        authors = self.site.desk.authors
        found = []
        for credit in article.credits:
            author = authors.get(credit.key) if credit.key else None
            found.append((author.name, author.path) if author is not None else (credit.text, None))
        return found

    def byline(self, article: Article, strong: bool = False) -> Markup:
        """«Ana Sousa e Redação»: each name linked to its author page (free text stays text),
        as HTML. (Python, not a macro: every card of every list shows one.)"""
        names = []
        for name, path in self.credits(article):
            shown = f'<a href="{escape(self.url(path))}" rel="author">{escape(name)}</a>' if path else escape(name)
            names.append(f"<strong>{shown}</strong>" if strong else shown)
        return Markup(", ".join(names[:-1]) + " e " + names[-1] if len(names) > 1 else "".join(names))

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
            context = replace(context, article=self.photos.body(self.full(context.article), self.base))
        try:
            html = self.env.get_template(spec.template).render(page=context, title=spec.title, path=spec.path)
        except jinja2.TemplateSyntaxError as exc:
            name = self._template_name(exc.filename, exc.name)
            raise ContentError([Problem(name, exc.lineno, exc.message or "template syntax error")]) from None
        except jinja2.TemplateError as exc:
            raise ContentError([self._template_problem(exc)]) from None
        return html.encode("utf-8")


    def _template_name(self, filename: str | None, name: str | None) -> str:
        """A template's file as a problem names it: the loader's name (a site's templates by
        their path in the site), or the theme's, labelled."""
        if filename and Path(filename).is_relative_to(self.theme):
            return f"(newsgen theme) {Path(filename).relative_to(self.theme).as_posix()}"
        return filename or name or "templates"

    def _template_problem(self, exc: Exception) -> Problem:
        """Point at the innermost template line in the traceback (walked, not extracted:
        extracting reads each frame's line from its file)."""
        for frame, line in reversed(list(traceback.walk_tb(exc.__traceback__))):
            filename = frame.f_code.co_filename
            if filename.endswith(".html"):
                return Problem(self._template_name(filename, None), line or 0, str(exc))
        return Problem("templates", 0, str(exc))
