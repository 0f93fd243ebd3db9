"""When a site's output changes by itself, with no source changed: an embargo lifting, an
article leaving the news sitemap's 48 hours, a priority ending (``until``). Between two
such instants the same sources give the same output, whatever the build clock says."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from newsgen.core.models import Article
from newsgen.core.sitemaps import NEWS_WINDOW

Clock = tuple[datetime | None, datetime | None]
"""The instants around a build's clock between which its output holds (None: unbounded)."""


def front_moments(article: Article) -> tuple[datetime, ...]:
    """The instants at which *article*'s place on the fronts changes by itself: the end of
    its priority (``until``), when it falls back into the newest-first order."""
    return (article.until,) if article.until is not None and article.priority else ()


def clock(articles: Iterable[Article], now: datetime, around: Clock = (None, None)) -> Clock:
    """The instants around *now* at which an article appears (embargo), leaves the news
    sitemap's window or leaves its place on the fronts (`front_moments`): between them the
    output cannot change. *around*: those of other articles, to narrow."""
    low, high = around
    for article in articles:
        for moment in (article.published, article.published + NEWS_WINDOW, *front_moments(article)):
            if moment <= now:
                low = moment if low is None or moment > low else low
            elif high is None or moment < high:
                high = moment
    return low, high


def holds(interval: Clock, then: datetime, now: datetime) -> bool:
    """Whether an output made at *then*, holding for the clock *interval*, holds at *now*."""
    low, high = interval
    return now == then or ((low is None or low < now) and (high is None or now < high))
