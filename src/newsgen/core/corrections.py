"""Corrections as data: ``corrections: [{at, text}]`` in an article's front matter.

Each correction is shown as a dated «Correção» box, becomes a schema.org
``CorrectionComment``, moves the article's last change (`modified`: ``dateModified``, the
Atom entry's ``<updated>``, the sitemap's ``<lastmod>``, the «Atualizado» line) and is
listed on ``/correcoes/``. One dated after the build clock is held back like an embargo:
nothing shows it until a build runs at or after its time (`newsgen.core.timeline`
wakes the build then). One dated before the article's ``timestamp`` is an error.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from newsgen.core.errors import warning
from newsgen.core.models import Article, Correction
from newsgen.core.moments import read_moment
from newsgen.core.typography import smarten
from newsgen.core.yamldoc import Fields, Map, describe

FIELDS = ("at", "text")


def read_corrections(fields: Fields, table: Map, tz: ZoneInfo, published: datetime | None) -> tuple[Correction, ...]:
    """The ``corrections`` of *table*, oldest first; problems go to *fields*."""
    found = []
    for item in fields.items(table, "corrections"):
        if not isinstance(item, Map):
            fields.problem(item.line, f"a correction must be 'at' and 'text' fields, not {describe(item)}")
            continue
        fields.unknown(item, FIELDS, "correction field")
        when = fields.text(item, "at", required=True)
        text, unbalanced = smarten(fields.text(item, "text", required=True))
        if unbalanced:
            fields.problems.append(warning(fields.path, item.line, "quotes do not balance in the correction"))
        if not when:
            continue
        at, problem = read_moment(when, "at", tz)
        line = item.entries["at"].line
        if at is None:
            fields.problem(line, problem)
        elif published is not None and at < published:
            fields.problem(line, f"the correction's 'at' ({when}) is before the article's 'timestamp'")
        elif text:
            found.append(Correction(at, text))
    return tuple(sorted(found, key=lambda c: c.at))


def shown(article: Article, now: datetime) -> tuple[Correction, ...]:
    """The corrections of *article* a build at *now* publishes (oldest first)."""
    return tuple(c for c in article.corrections if c.at <= now)


def modified(article: Article, now: datetime | None = None) -> datetime:
    """The article's last change as a build at *now* shows it: its ``updated`` (else its
    ``timestamp``), or its latest published correction if later."""
    moment = article.updated or article.published
    if article.corrections and now is not None:
        moment = max([moment, *(c.at for c in article.corrections if c.at <= now)])
    return moment


def corrected(articles: Iterable[Article], now: datetime) -> tuple[tuple[Article, int], ...]:
    """Every published correction of *articles* (newest first; ties in their articles'
    order), as the article and the correction's number in it."""
    found = [(a, i) for a in articles if a.corrections for i, c in enumerate(a.corrections) if c.at <= now]
    return tuple(sorted(found, key=lambda pair: -pair[0].corrections[pair[1]].at.timestamp()))  # stable
