"""The site's values: frozen, built once, no I/O and no templates.

Every ``path`` is a site-relative URL path such as ``mundo/2025/06/``, computed by
`newsgen.core.urls` when the value is built.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from newsgen.core.errors import Problem

WORDS_PER_MINUTE = 200


@dataclass(frozen=True)
class Section:
    """A section of the site, e.g. ``mundo`` → «Mundo»."""

    key: str
    title: str
    description: str
    path: str
    parent: str | None = None
    """The key of the section this one is nested in (``mundo`` for ``mundo/europa``)."""


class Image(NamedTuple):
    """An image with the text a reader needs: alt text, caption and credit.

    ``src`` is the site path of the file (``images/foto.png``), never a URL. (A named
    tuple: the 12,000 images of a 10,000-article site load from the cache in a third
    less time than as dataclasses.)
    """

    src: str
    alt: str
    caption: str
    credit: str
    focus: tuple[float, float] | None = None
    """Where the subject is, as fractions of the width and height: crops keep it (``focus: 0.3,0.4``)."""
    rights: str = ""
    """The copyright notice written into the published copies (else the file's own)."""


@dataclass(frozen=True)
class Hashtag:
    """A hashtag as one article wrote it, and the identity it shares with its spellings."""

    text: str
    key: str
    slug: str
    """`urls.hashtag_slug` of the text, found while parsing (in parallel)."""


@dataclass(frozen=True)
class Source:
    """Where the reporting came from: an agency name, optionally with a link."""

    name: str
    url: str = ""


class Credit(NamedTuple):
    """One name of an article's byline: the text as written, and the key of the author it
    names (``content/autores/<key>.md``), or ``""`` for free text (no author page)."""

    text: str
    key: str


class Correction(NamedTuple):
    """A published correction: when it was made and what it says (plain text, pt-PT
    typography). Shown once the build clock reaches ``at``."""

    at: datetime
    text: str


class Retraction(NamedTuple):
    """``retracted: {at, reason}``: from *at* on, the article is withdrawn and its URL
    serves a notice giving *reason* (`newsgen.core.lifecycle`)."""

    at: datetime
    reason: str


class LiveEntry(NamedTuple):
    """One timestamped entry of a live page (``## 14:32 Title``), by its permanent anchor."""

    at: datetime
    anchor: str
    title: str
    """Empty for an entry without one; titled entries are the key events."""
    text: str
    """The entry's text, plain, for the structured data."""
    when: str = ""
    """Its time as the page shows it: ``14:32``, or ``5 de junho, 00:15`` on a page whose
    entries span more than one day."""


class Live(NamedTuple):
    """``live: true``: a live page, «Em direto» until *ends* (None: until an end is given)."""

    ends: datetime | None
    entries: tuple[LiveEntry, ...]
    """Newest first."""


class Link(NamedTuple):
    """A link in the body to an article by its file (``../2025-06-04-kim.md``, ``mundo:kim``:
    *kind* ``article``, *target* the file's site path or ``section:slug``), or an absolute
    link to the site's own address (*kind* ``site``, *target* the site path)."""

    kind: str
    target: str
    fragment: str
    line: int
    href: str
    """As written, for messages."""


class Alias(NamedTuple):
    """An earlier address of an article (``aliases:``), a site path, which redirects to it."""

    path: str
    line: int


LIFE_FIELDS = ("expires", "retracted", "live", "ends", "aliases")
"""The front-matter fields of an article's life, which `newsgen.core.lifefields` reads."""
LINED = ("timestamp", "section", "slug", "headline", *LIFE_FIELDS)
"""The front-matter fields whose line an article keeps (`Article.lines`): those a check
made after parsing may name."""


class Article(NamedTuple):
    """One parsed, valid article. Text fields already carry pt-PT typography. (A named
    tuple, not a dataclass: the build cache loads 10,000 of them on every rebuild, a
    third faster so.)"""

    source: str
    headline: str
    standfirst: str
    section: str
    published: datetime
    updated: datetime | None
    hashtags: tuple[Hashtag, ...]
    images: tuple[Image, ...]
    slug: str
    draft: bool
    byline: str
    sources: tuple[Source, ...]
    body_html: str
    words: int
    path: str
    digest: str
    """SHA-256 of the source file's bytes."""
    assets: tuple[str, ...]
    """Site paths of every file the article shows (lead and body images)."""
    figures: tuple[Image, ...] = ()
    """The images of the body, in order (their ``src`` a site path; no caption when they
    are not a figure)."""
    credits: tuple[Credit, ...] = ()
    """The byline, one name each (`newsgen.core.bylines`); ``byline`` is the text as written
    when it was one string."""
    corrections: tuple[Correction, ...] = ()
    """Every correction, oldest first, those after the build clock too (`newsgen.core.corrections`)."""
    kicker: str = ""
    """The label above the headline (antetítulo): «Análise», «Exclusivo»."""
    priority: str = ""
    """Its rank on the fronts: ``manchete``, ``destaque`` or ``""`` (normal order)."""
    until: datetime | None = None
    """When its priority ends (None: never); from then on it is in the normal order."""
    expires: datetime | None = None
    """From this instant on the article is withdrawn (`newsgen.core.lifecycle`)."""
    retracted: Retraction | None = None
    live: Live | None = None
    aliases: tuple[Alias, ...] = ()
    links: tuple[Link, ...] = ()
    """Links of the body resolved after parsing, in order: the body's HTML names each
    article link by its place here (`newsgen.core.links`)."""
    lines: tuple[int, ...] = ()
    """The line of each front-matter field of `LINED` that a later check may name, 0 where
    it is absent (small numbers: each is one shared object, where (name, line) pairs cost
    a fifth of the time a 100,000-article cache takes to load)."""

    @property
    def lead_image(self) -> Image | None:
        return self.images[0] if self.images else None

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))

    def line_of(self, field: str) -> int:
        """The line of a front-matter *field* (`lines`), or 0."""
        return self.lines[LINED.index(field)] if self.lines and field in LINED else 0


class SharedValues:
    """One object for each equal hashtag, source, section and byline of many articles: a
    site of 10,000 articles has some 40,000 hashtags but only a few hundred distinct ones,
    and sharing them takes a third off the memory (and the cache loading time) of its index.
    Likewise the words of a warning repeated in many files (one agency photo too small
    for 85,000 leads), each file's path between its article and its problems, the
    photographs' files and credits, and the lines of the front matter (most articles of
    a newsroom share a layout)."""

    def __init__(self) -> None:
        self._pool: dict[object, object] = {}

    def article(self, article: Article, body_html: str | None = None) -> Article:
        """*article* sharing its values; with *body_html* instead of its own when given."""
        pool = self._pool
        return article._replace(
            hashtags=tuple([pool.setdefault(h, h) for h in article.hashtags]),  # type: ignore[misc]
            sources=tuple([pool.setdefault(s, s) for s in article.sources]),  # type: ignore[misc]
            source=pool.setdefault(article.source, article.source),  # type: ignore[arg-type]
            section=pool.setdefault(article.section, article.section),  # type: ignore[arg-type]
            byline=pool.setdefault(article.byline, article.byline),  # type: ignore[arg-type]
            credits=pool.setdefault(article.credits, article.credits),  # type: ignore[arg-type]
            images=tuple([
                image._replace(src=pool.setdefault(image.src, image.src), credit=pool.setdefault(image.credit, image.credit))
                for image in article.images
            ]),
            lines=pool.setdefault(article.lines, article.lines),  # type: ignore[arg-type]
            body_html=article.body_html if body_html is None else body_html,
        )

    def problems(self, problems: list[Problem]) -> tuple[Problem, ...]:
        """*problems* sharing their paths and messages."""
        pool = self._pool
        return tuple([
            Problem(pool.setdefault(p.path, p.path), p.line, pool.setdefault(p.message, p.message), p.severity)  # type: ignore[arg-type]
            for p in problems
        ])


@dataclass(frozen=True)
class Tag:
    """Every published article sharing one hashtag identity, newest first."""

    key: str
    name: str
    slug: str
    articles: tuple[Article, ...]
    path: str


@dataclass(frozen=True)
class MonthArchive:
    """One section's articles of one calendar month (site time zone), newest first."""

    section: Section
    year: int
    month: int
    articles: tuple[Article, ...]
    path: str


@dataclass(frozen=True)
class Topic:
    """What ``topics.yaml`` says of a hashtag: the name its topic page and labels show,
    and what the page opens with (a description, a lead image, pinned stories)."""

    key: str
    """The hashtag's identity (`newsgen.core.urls.hashtag_key`)."""
    name: str
    """The display name: «Cooperação militar», not ``#CooperaçãoMilitar``."""
    description: str = ""
    image: Image | None = None
    pinned: tuple[str, ...] = ()
    """The source files (``content/…``) of the stories it pins above the newest, in order."""
