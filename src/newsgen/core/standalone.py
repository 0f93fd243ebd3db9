"""Standalone pages: ``content/paginas/<slug>.md`` (a ``title`` and a Markdown body) becomes
``/<slug>/``: the estatuto editorial, the ficha técnica, contacts, a correction policy.

They are in the sitemap and nowhere else unless the config links them (``footer:``, the
publisher's policies): never in feeds, lists, search or the news sitemap.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from newsgen.core import urls
from newsgen.core.config import SiteConfig
from newsgen.core.documents import key_of, read_document
from newsgen.core.errors import Problem, errors_in, warning
from newsgen.core.parse import ParseContext
from newsgen.core.typography import smarten

FIELDS = ("title",)


class StandalonePage(NamedTuple):
    slug: str
    title: str
    body_html: str
    source: str
    path: str
    """``<slug>/``."""
    assets: tuple[str, ...] = ()
    """The files the body shows (published with the page)."""


def parse_page(path: str, raw: bytes, ctx: ParseContext) -> tuple[StandalonePage | None, list[Problem]]:
    """One page file → a `StandalonePage`, or every problem in it."""
    slug = key_of(path)
    document, problems = read_document(path, raw, ctx)
    if not urls.is_slug(slug):
        problems.append(Problem(path, 0, f"a page's file name is its URL: lowercase ASCII words joined by hyphens "
                                         f"(e.g. {urls.slug_from_text(slug) or 'ficha-tecnica'}.md)"))
    if document is None:
        return None, problems
    document.only(FIELDS, "a page")
    title, unbalanced = smarten(document.text(document.table, "title", required=True))
    if unbalanced:
        document.problems.append(warning(path, document.line_of("title"), "quotes do not balance in 'title'"))
    body = document.rendered()
    if not body.words and not body.images and not errors_in(document.problems):
        document.problem(document.body_line, "the page has no text after the front matter")
    if errors_in(document.problems):
        return None, document.problems
    assets = tuple(dict.fromkeys([i.site_path for i in body.images if i.site_path] + list(body.files)))
    return StandalonePage(slug, title, body.html, path, urls.standalone_path(slug), assets), document.problems


def clashes(pages: Iterable[StandalonePage], config: SiteConfig) -> list[Problem]:
    """A page whose URL a section or newsgen itself already takes."""
    problems = []
    for page in pages:
        if page.slug in urls.RESERVED_TOP_LEVEL or config.section(page.slug) is not None:
            taken = "a section" if config.section(page.slug) is not None else "newsgen"
            problems.append(Problem(page.source, 0, f"/{page.path} is taken by {taken}; rename the file"))
    return problems
