"""An article's life after publication, at a build clock: withdrawn (``expires:``,
``retracted:``) or still published, live («Em direto») or not, and the instants at which
that changes (`newsgen.core.timeline` gathers them with every other feature's).

A withdrawn article leaves every list, feed, sitemap, related list and the search index
(`newsgen.core.site.visible`); its URL serves a notice (`newsgen.core.redirects`).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from newsgen.core.models import Article

EXPIRED = "expired"
RETRACTED = "retracted"


def withdrawn_at(article: Article) -> datetime | None:
    """When *article* leaves the site: the earlier of its expiry and its retraction."""
    moments = [m for m in (article.expires, article.retracted.at if article.retracted else None) if m is not None]
    return min(moments) if moments else None


def is_withdrawn(article: Article, now: datetime) -> bool:
    """Whether a site built at *now* has withdrawn *article*."""
    if article.expires is None and article.retracted is None:  # nearly every article: no list, no min
        return False
    moment = withdrawn_at(article)
    return moment is not None and moment <= now


def why_withdrawn(article: Article) -> str:
    """`RETRACTED` or `EXPIRED`: what its notice says (a retraction due first wins a tie)."""
    retracted = article.retracted
    if retracted is not None and (article.expires is None or retracted.at <= article.expires):
        return RETRACTED
    return EXPIRED


def is_live(article: Article, now: datetime) -> bool:
    """Whether *article* is a live page still running at *now* («Em direto»)."""
    live = article.live
    return live is not None and (live.ends is None or now < live.ends)


def lifecycle_instants(article: Article) -> tuple[datetime, ...]:
    """The instants at which *article*'s life changes what a site shows: it expires, it
    is retracted, its live coverage ends."""
    if article.expires is None and article.retracted is None and article.live is None:
        return ()
    found = (article.expires, article.retracted.at if article.retracted else None, article.live.ends if article.live else None)
    return tuple(m for m in found if m is not None)


def shown(now: datetime, addresses: Callable[[Article], tuple[str | None, ...]]) -> Callable[[Article], object]:
    """What pages show of an article that its file does not say (`newsgen.core.entities.Shown`):
    whether it is live at *now*, and where its links lead (*addresses*). None for an
    article with neither, nearly all of them."""

    def facts(article: Article) -> object:
        if article.live is None and not article.links:
            return None
        return (is_live(article, now), addresses(article))

    return facts
