"""The newsroom's pages: each author's (``/autor/<key>/``, numbered like a tag's), the
standalone pages (``/<slug>/``) and the list of every correction (``/correcoes/``), as
runs of the one dependency model (`newsgen.core.dependencies`):

- an author's pages read the list ``("author", key)`` as a tag's read its own (`Paged`):
  a new article changes the newest page and the last numbered one; page 0 shows the bio
  (the ``author:`` entity), the numbered ones only the name and role (``byline:``);
- a standalone page reads no list, only its own entity (``page:``);
- ``/correcoes/`` reads the list ``("corrections",)`` whole, and the key of each article
  whose correction it shows.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import NamedTuple

from typing import TYPE_CHECKING

from newsgen.core import urls
from newsgen.core.dependencies import Paged, Whole
from newsgen.core.entities import author_id, byline_id, page_id
from newsgen.core.models import Article, Correction
from newsgen.core.outputs import Keys, Run, keys_of
from newsgen.core.pages import PageSpec
from newsgen.core.publisher import CORRECTIONS_PAGE, target_slug
from newsgen.core.site import TAG_PAGE_SIZE, AuthorPage, Site

if TYPE_CHECKING:
    from newsgen.core.authors import Author
    from newsgen.core.standalone import StandalonePage

CORRECTIONS: tuple[object, ...] = ("corrections",)
"""The list of the articles with a published correction."""


def lists_corrections(site: Site) -> bool:
    """Whether the site has ``/correcoes/`` (and its feed): once a correction is published,
    or when the config links to it (``footer``, a publisher's policy)."""
    if site.corrected or CORRECTIONS_PAGE in site.config.footer:
        return True
    publisher = site.config.publisher
    return publisher is not None and any(target_slug(t) == CORRECTIONS_PAGE for _, t in publisher.policies)


def _key(keys: Keys, article: Article | None) -> str | None:
    return keys[article.path] if article is not None else None


class AuthorContext(NamedTuple):
    """An author's newest page (with the bio, and every page listed) or a numbered one
    (with its neighbours)."""

    author: Author
    page: AuthorPage
    total: int
    pages: tuple[AuthorPage, ...] = ()
    older: AuthorPage | None = None
    newer: AuthorPage | None = None

    def key(self, keys: Keys) -> tuple[object, ...]:
        shown = keys[author_id(self.author.key)] if self.page.number == 0 else keys[byline_id(self.author.key)]
        listed = tuple((p.path, _key(keys, p.articles[0] if p.articles else None),
                        _key(keys, p.articles[-1] if p.articles else None)) for p in self.pages)
        neighbours = tuple(p.path if p else None for p in (self.older, self.newer))
        total = self.total if self.page.number == 0 else None
        return (shown, self.page.number, total, keys_of(keys, self.page.articles), listed, neighbours)


class StandaloneContext(NamedTuple):
    page: StandalonePage

    def key(self, keys: Keys) -> tuple[object, ...]:
        return (keys[page_id(self.page.slug)],)


class CorrectionsContext(NamedTuple):
    """Every published correction, newest first, with its article."""

    corrected: tuple[tuple[Article, int], ...]

    @property
    def items(self) -> tuple[tuple[Article, int, Correction], ...]:
        """(article, number from 1 in the article, correction)."""
        return tuple((a, i + 1, a.corrections[i]) for a, i in self.corrected)

    def key(self, keys: Keys) -> tuple[object, ...]:
        return tuple((keys[a.path], i) for a, i in self.corrected)


class Newsroom:
    """The newsroom's pages of one site, as runs."""

    def __init__(self, site: Site, render: Callable[[PageSpec], bytes]) -> None:
        self.site, self.render = site, render

    def runs(self) -> Iterator[Run]:
        site, render = self.site, self.render
        for key, author in site.desk.authors.items():
            pages = site.author_pages(key)
            make = functools.partial(self._author_page, author, pages)
            yield Run(("author", key), len(pages), make, Paged(("author", key), TAG_PAGE_SIZE), render)
        for page in site.desk.pages:
            spec = PageSpec("page.html", page.path, StandaloneContext(page), page.title)  # type: ignore[arg-type]
            yield Run(("page", page.slug), 1, lambda _, spec=spec: spec, Whole(()), render)
        listed = PageSpec("corrections.html", urls.CORRECTIONS, CorrectionsContext(site.corrected), "Correções")  # type: ignore[arg-type]
        yield Run(("corrections",), int(lists_corrections(site)), lambda _: listed, Whole((CORRECTIONS,)), render)

    def _author_page(self, author: Author, pages: tuple[AuthorPage, ...], n: int) -> PageSpec:
        total = len(self.site.by_author(author.key))
        if n == 0:
            return PageSpec("author.html", author.path, AuthorContext(author, pages[0], total, pages), author.name)  # type: ignore[arg-type]
        older = pages[n - 1] if n > 1 else None
        newer = pages[n + 1] if n + 1 < len(pages) else None
        context = AuthorContext(author, pages[n], total, (), older, newer)
        return PageSpec("author.html", pages[n].path, context, f"{author.name}, página {n}")  # type: ignore[arg-type]
