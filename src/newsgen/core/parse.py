"""One article file → an `Article`, or every problem in it with its line number.

Never raises for bad input: whatever the bytes, the result is an article or problems.
"""
from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from babel import Locale

from newsgen.core import pictures, urls
from newsgen.core.bylines import AuthorIndex, read_byline
from newsgen.core.config import SiteConfig
from newsgen.core.contentfile import line_in, read_content_file
from newsgen.core.corrections import read_corrections
from newsgen.core.errors import OverBudget, Problem, did_you_mean, errors_in, warning
from newsgen.core.hashtags import read_hashtags
from newsgen.core.imagefields import ArticleImages
from newsgen.core.lifefields import read_life
from newsgen.core.links import link_target
from newsgen.core.liveblog import LiveDay
from newsgen.core.moments import read_moment
from newsgen.core.markup import Body, render_body
from newsgen.core.models import LIFE_FIELDS, LINED, Article, Hashtag, Image, Live, Source
from newsgen.core.typography import smarten
from newsgen.core.yamldoc import Fields, Map, Scalar, describe

FIELDS = (
    "headline", "standfirst", "section", "timestamp", "updated", "hashtags",
    "images", "slug", "draft", "byline", "sources", "corrections", "kicker", "priority", "until",
    *LIFE_FIELDS,
)
PRIORITIES = ("manchete", "destaque", "normal")
"""An article's rank on the fronts (``priority``): the lead story, a highlighted one, or
the normal newest-first order (the default)."""
# What `newsgen new` writes; a published article still holding it is an error.
PLACEHOLDER_STANDFIRST = "Escreva aqui o resumo do artigo, em uma ou duas frases."
PLACEHOLDER_BODY = "Escreva aqui o texto do artigo."


@dataclass(frozen=True)
class ParseContext:
    """What parsing needs besides the file: the config and the files images may point at."""

    config: SiteConfig
    assets: frozenset[str]
    """Site paths of every file in static/ and content/ (not articles)."""
    url_prefix: str = "/"
    image_sizes: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    """Width and height of the image assets whose size could be read."""
    photos: Mapping[str, pictures.Source] = field(default_factory=dict)
    """What inspecting each image asset found (`newsgen.io.photos.inspect`): the editor
    hears, at the line that shows it, about a file that cannot be published or is weak."""
    authors: AuthorIndex = AuthorIndex()
    """The authors a byline may name (``content/autores/``)."""


def parse_article(path: str, raw: bytes, ctx: ParseContext) -> tuple[Article | None, list[Problem]]:
    """Parse one article file; *path* is relative to the site (``content/mundo/x.md``)."""
    try:
        return _parse_article(path, raw, ctx)
    except OverBudget as exc:  # the body's own budget problem is at its line: this is the rest
        return None, [Problem(path, 1, f"the file took over {exc.seconds:g} s to read; simplify its front matter")]


def _parse_article(path: str, raw: bytes, ctx: ParseContext) -> tuple[Article | None, list[Problem]]:
    file, problems = read_content_file(path, raw)
    if file is None:
        return None, sorted(problems)
    digest = hashlib.sha256(raw).hexdigest()
    article = _Article(path, file.table, file.text, file.body, file.body_line, digest, ctx, problems).build()
    return (article if not errors_in(problems) else None), sorted(problems)


class _Article(Fields):
    """Reads one article's fields; every problem is recorded, none raised."""

    def __init__(
        self, path: str, table: Map, text: str, body: str, body_line: int, digest: str,
        ctx: ParseContext, problems: list[Problem],
    ) -> None:
        super().__init__(path, problems)
        self.table, self.lines, self.body, self.body_line = table, text.split("\n"), body, body_line
        self.digest, self.ctx, self.tz = digest, ctx, ctx.config.timezone
        self.pictures = ArticleImages(self, ctx.assets, ctx.photos)

    def line_of(self, key: str) -> int:
        entry = self.table.get(key)
        return entry.line if entry else self.table.line

    def build(self) -> Article | None:
        self.unknown(self.table, FIELDS)
        draft = self.flag(self.table, "draft")
        headline = self.typographic("headline", required=True)
        standfirst = self.typographic("standfirst", required=True)
        section = self.section()
        published = self.moment("timestamp", required=True)
        updated = self.moment("updated")
        if published and updated and updated < published:
            self.problem(self.line_of("updated"), "'updated' is before 'timestamp'")
        hashtags = self.hashtags()
        images = self.pictures.read(self.table)
        slug = self.slug(headline)
        byline, credits = read_byline(self, self.table, self.ctx.authors)
        sources = self.sources()
        corrections = read_corrections(self, self.table, self.tz, published)
        kicker = self.typographic("kicker")
        priority, until = self.priority(published)
        config = self.ctx.config
        life = read_life(self, self.table, self.moment, published, self.tz, config.base_url)
        sections = frozenset(s.key for s in config.sections)
        body = render_body(
            self.body, lambda src: self.pictures.locate(src, url=True)[0], self.ctx.url_prefix, self.ctx.image_sizes.get,
            config.html, frozenset(config.iframe_hosts),
            lambda href: link_target(href, self.path, sections, config.base_url),
            LiveDay(published.astimezone(self.tz).date(), self.tz, Locale.parse(config.locale)) if life.live and published else None,
        )
        self.check_body(body, draft, standfirst)
        if not (headline and standfirst and section and published and slug):
            return None
        return Article(
            source=self.path,
            headline=headline,
            standfirst=standfirst,
            section=section,
            published=published,
            updated=updated,
            hashtags=hashtags,
            images=images,
            slug=slug,
            draft=draft,
            byline=byline,
            sources=sources,
            body_html=body.html,
            words=body.words,
            path=urls.article_path(section, published.date(), slug),
            digest=self.digest,
            assets=tuple(dict.fromkeys([i.src for i in images] + [i.site_path for i in body.images if i.site_path] + list(body.files))),
            figures=tuple(Image(i.site_path, i.alt, i.caption, i.credit) for i in body.images if i.site_path),
            credits=credits,
            corrections=corrections,
            kicker=kicker,
            priority=priority,
            until=until,
            expires=life.expires,
            retracted=life.retracted,
            live=Live(life.ends, body.entries) if life.live else None,
            aliases=life.aliases,
            links=tuple(link._replace(line=self.body_line + link.line) for link in body.links),
            lines=tuple(self.table.entries[key].line if key in self.table.entries else 0 for key in LINED),
        )

    def typographic(self, key: str, required: bool = False) -> str:
        value = self.text(self.table, key, required=required)
        smart, unbalanced = smarten(value)
        if unbalanced:
            self.problems.append(warning(self.path, self.line_of(key), f"quotes do not balance in '{key}'"))
        return smart

    def section(self) -> str:
        key = self.text(self.table, "section", required=True)
        if key and self.ctx.config.section(key) is None:
            known = [s.key for s in self.ctx.config.sections]
            self.problem(
                self.line_of("section"),
                f"unknown section '{key}'{did_you_mean(key, known)}; newsgen.yaml defines: {', '.join(known)}",
            )
            return ""
        return key

    def priority(self, published: datetime | None) -> tuple[str, datetime | None]:
        """``priority`` (``""`` for the normal order) and ``until``, when it ends."""
        value = self.text(self.table, "priority").lower()
        if value and value not in PRIORITIES:
            hint = did_you_mean(value, PRIORITIES)
            self.problem(self.line_of("priority"), f"'priority' must be manchete, destaque or normal, not {value!r}{hint}")
            value = ""
        value = "" if value == "normal" else value
        until = self.moment("until")
        if until is not None and not value:
            self.problems.append(warning(self.path, self.line_of("until"), "'until' without a 'priority' (manchete or destaque) changes nothing"))
        elif until is not None and published is not None and until <= published:
            self.problems.append(warning(self.path, self.line_of("until"), "'until' is not after 'timestamp': the priority never shows"))
        return value, until

    def moment(self, key: str, required: bool = False) -> datetime | None:
        """An ISO 8601 date and time; without an offset it is local time in the site's zone."""
        text = self.text(self.table, key, required=required)
        if not text:
            return None
        moment, problem = read_moment(text, key, self.tz)
        if problem:
            self.problem(self.line_of(key), problem)
        return moment

    def hashtags(self) -> tuple[Hashtag, ...]:
        hashtags, problems = read_hashtags(self.table, self.items(self.table, "hashtags"), self.lines, self.path)
        self.problems += problems
        return hashtags

    def slug(self, headline: str) -> str:
        given = self.text(self.table, "slug")
        if given:
            if urls.is_slug(given):
                return given
            self.problem(
                self.line_of("slug"),
                f"slug {given!r} must be lowercase ASCII words joined by hyphens, e.g. {urls.slug_from_text(given) or 'kim-recebe-shoigu'!r}",
            )
            return ""
        derived = urls.slug_from_file(self.path) or urls.slug_from_text(headline)
        if headline and not derived:
            self.problem(self.line_of("headline"), "no slug can be made from this headline; add a 'slug' field")
        return derived

    def sources(self) -> tuple[Source, ...]:
        result = []
        for item in self.items(self.table, "sources"):
            if isinstance(item, Scalar) and not item.is_null and item.text.strip():
                result.append(Source(" ".join(item.text.split())))
            elif isinstance(item, Map):
                name = self.text(item, "name", required=True)
                link = self.text(item, "url")
                if link and not link.startswith(("https://", "http://")):
                    self.problem(item.line, f"source url must start with https:// or http://, not {link!r}")
                elif name:
                    result.append(Source(name, urls.encoded_url(link)))
            else:
                self.problem(item.line, f"a source must be a name or 'name' and 'url' fields, not {describe(item)}")
        return tuple(result)

    def check_body(self, body: Body, draft: bool, standfirst: str) -> None:
        for note in body.notes:
            self.problems.append(Problem(self.path, self.body_line + note.line, note.message, note.severity))
        if any(note.severity == "error" for note in body.notes):
            return
        if not body.words and not body.images:
            self.problem(self.body_line, "the article has no text after the front matter")
        if not draft:
            if PLACEHOLDER_BODY in self.body:
                self.problem(self.body_line + line_in(self.body, PLACEHOLDER_BODY), "the body still holds the text from 'newsgen new'")
            if standfirst == PLACEHOLDER_STANDFIRST:
                self.problem(self.line_of("standfirst"), "the standfirst still holds the text from 'newsgen new'")
        for image in body.images:
            line = self.body_line + line_in(self.body, image.src)
            if image.site_path is None:
                self.problem(line, self.pictures.locate(image.src, url=True)[1])
            if not image.alt:
                self.problem(line, f"image {image.src!r} needs alt text: ![what it shows]({image.src})")
            if not image.credit:
                self.problem(line, f'image {image.src!r} needs a credit: ![…]({image.src} "Caption"){{credit="Agency"}}')
            if image.site_path is not None:
                self.pictures.feedback(image.site_path, line)
        shown = {image.site_path for image in body.images}
        for linked in body.files:
            if linked not in shown and linked in self.ctx.photos:
                self.pictures.feedback(linked, self.body_line + line_in(self.body, posixpath.basename(linked)))
        for snippet in body.unbalanced:
            line = self.body_line + line_in(self.body, snippet[:30])
            self.problems.append(warning(self.path, line, f"quotes do not balance in: {snippet[:60]!r}"))
