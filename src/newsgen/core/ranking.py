"""The order of a front page, as editors set it: one *manchete* (the lead story, with its
photo), the *destaques* beside it, then the newest stories.

An article's ``priority`` (``manchete`` or ``destaque``) holds until its ``until``, if it
has one, and only by the build clock (`Site.now`), so the same sources and clock give the
same front (`newsgen.core.timeline.front_moments` tells when it changes by itself). With
no priority in force a front is in plain newest-first order, as before.

- The manchete is the newest article whose priority ``manchete`` is in force; with none,
  the newest article.
- The grid beside it holds the other manchetes in force (a newer one replaced them), then
  the destaques in force, newest first, then the newest articles, up to `TOP` stories.
- The list below holds the next newest, up to `SHOWN` stories on the front in all; its
  «Mais artigos» link leads to the month archive of the newest story it leaves out.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from newsgen.core.models import Article

TOP = 6
"""Stories in the grid beside the manchete."""
SHOWN = 20
"""Stories on a front in all: the manchete, the grid and the list below."""


def in_force(article: Article, now: datetime) -> str:
    """*article*'s priority at *now*: ``manchete``, ``destaque``, or ``""`` (the normal order)."""
    if article.priority and (article.until is None or now < article.until):
        return article.priority
    return ""


@dataclass(frozen=True)
class Front:
    """What a front shows, in order, and where its newest-first run stops."""

    lead: Article | None
    top: tuple[Article, ...]
    latest: tuple[Article, ...]
    left_out: Article | None
    """The newest article of the front's list that it does not show: «Mais artigos» leads
    to its month archive (None: the front shows them all)."""


def compose(articles: tuple[Article, ...], ranked: Iterable[Article], now: datetime) -> Front:
    """The front of *articles* (newest first); *ranked*: those of them given a priority,
    newest first (a front of 10,000 articles looks at those only, and at its newest)."""
    manchetes: list[Article] = []
    destaques: list[Article] = []
    for article in ranked:
        rank = in_force(article, now)
        if rank == "manchete":
            manchetes.append(article)
        elif rank == "destaque":
            destaques.append(article)
    lead = manchetes[0] if manchetes else articles[0] if articles else None
    top = [a for a in (*manchetes[1:], *destaques) if a is not lead][:TOP]
    taken = {id(a) for a in top} | {id(lead)}
    newest = iter(articles)
    latest: list[Article] = []
    left_out = None
    for article in newest:
        if id(article) in taken:
            continue
        if len(top) < TOP:
            top.append(article)
        elif 1 + len(top) + len(latest) < SHOWN:
            latest.append(article)
        else:
            left_out = article
            break
    return Front(lead, tuple(top), tuple(latest), left_out)
