"""When a site's output changes by itself, with no source changed: an embargo lifting, an
article leaving the news sitemap's 48 hours, expiring or being retracted, a live page
ending, a correction coming due, a priority on the fronts ending (``until``). Between two
such instants the same sources give the same output, whatever the build clock says.

This is the one place that knows every such instant: `instants` asks each feature for
those of one article. A feature whose output changes at a time of its own (a front page's
``until:``, a correction held back until its time) adds one line there, a function of the
article that gives its instants; the no-op check, the quick re-plan, ``newsgen next`` and
the preview's timer all follow.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from newsgen.core.lifecycle import lifecycle_instants, withdrawn_at
from newsgen.core.models import Article
from newsgen.core.sitemaps import NEWS_WINDOW

Clock = tuple[datetime | None, datetime | None]
"""The instants around a build's clock between which its output holds (None: unbounded)."""


def front_moments(article: Article) -> tuple[datetime, ...]:
    """The instants at which *article*'s place on the fronts changes by itself: the end of
    its priority (``until``), when it falls back into the newest-first order."""
    return (article.until,) if article.until is not None and article.priority else ()


def instants(article: Article) -> tuple[datetime, ...]:
    """Every instant at which *article* alone may change the output: each feature's. (A
    tuple, each feature's part one too, empty for an article that has none: this runs for
    every article of every plan made afresh.)"""
    return (
        article.published,  # the embargo lifts
        article.published + NEWS_WINDOW,  # it leaves the news sitemap
        *lifecycle_instants(article),  # it expires, is retracted, its live coverage ends
        *_corrections(article),  # a correction held back comes due (`newsgen.core.corrections`)
        *front_moments(article),  # its priority on the fronts ends (``until``: `newsgen.core.ranking`)
    )


def _corrections(article: Article) -> tuple[datetime, ...]:
    return tuple(c.at for c in article.corrections) if article.corrections else ()


def _until_withdrawn(article: Article) -> tuple[datetime, ...]:
    """`instants`, but none after the article is withdrawn: its notice never changes."""
    found = instants(article)
    if article.expires is None and article.retracted is None:
        return found
    end = withdrawn_at(article)
    return found if end is None else tuple(m for m in found if m <= end)


def clock(articles: Iterable[Article], now: datetime, around: Clock = (None, None), drafts: bool = True) -> Clock:
    """The instants around *now* at which an article appears (embargo), leaves the news
    sitemap's window, or changes in any other way (`instants`): between them the output
    cannot change. *around*: those of other articles, to narrow; *drafts*: whether drafts
    are shown (else their instants change nothing)."""
    low, high = around
    for article in articles:
        if article.draft and not drafts:
            continue
        for moment in _until_withdrawn(article):
            if moment <= now:
                low = moment if low is None or moment > low else low
            elif high is None or moment < high:
                high = moment
    return low, high


def holds(interval: Clock, then: datetime, now: datetime) -> bool:
    """Whether an output made at *then*, holding for the clock *interval*, holds at *now*."""
    low, high = interval
    return now == then or ((low is None or low < now) and (high is None or now < high))
