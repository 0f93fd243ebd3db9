"""When a site's output changes by itself, with no source changed: an embargo lifting, an
article leaving the news sitemap's 48 hours, a correction coming due, a priority ending
(``until``). Between two such instants the same sources give the same output, whatever
the build clock says.

Each article's instants come from `instants`: a new kind of timed change adds its own there."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from newsgen.core.models import Article
from newsgen.core.sitemaps import NEWS_WINDOW

Clock = tuple[datetime | None, datetime | None]
"""The instants around a build's clock between which its output holds (None: unbounded)."""


def front_moments(article: Article) -> tuple[datetime, ...]:
    """The instants at which *article*'s place on the fronts changes by itself: the end of
    its priority (``until``), when it falls back into the newest-first order."""
    return (article.until,) if article.until is not None and article.priority else ()


def instants(article: Article) -> Iterator[datetime]:
    """Every instant at which *article* changes the output by itself: it appears (its
    embargo lifts), it leaves the news sitemap's window, each correction comes due, its
    priority on the fronts ends (`front_moments`)."""
    yield article.published
    yield article.published + NEWS_WINDOW
    for correction in article.corrections:
        yield correction.at
    yield from front_moments(article)


def clock(articles: Iterable[Article], now: datetime, around: Clock = (None, None)) -> Clock:
    """The instants (`instants`) around *now* at which the articles change the output by
    themselves: between them the output cannot change. *around*: those of other
    articles, to narrow."""
    low, high = around
    for article in articles:
        for moment in instants(article):
            if moment <= now:
                low = moment if low is None or moment > low else low
            elif high is None or moment < high:
                high = moment
    return low, high


def holds(interval: Clock, then: datetime, now: datetime) -> bool:
    """Whether an output made at *then*, holding for the clock *interval*, holds at *now*."""
    low, high = interval
    return now == then or ((low is None or low < now) and (high is None or now < high))
