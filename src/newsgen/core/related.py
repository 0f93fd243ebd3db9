"""Related articles: for each article, up to four earlier ones sharing the most hashtags.

Only earlier articles, and only the `RELATED_WINDOW` nearest in time within each shared
tag: a tag with thousands of articles costs the same as a small one, and publishing a
new article never changes the pages published before it.

Given the lists of an earlier build (`RelatedMemo`), only the articles whose lists can
differ are ranked again: those that changed, and those a changed article enters or
leaves the window of. Everything else keeps its list, which is what ranking it again
would give.
"""
from __future__ import annotations

import bisect
import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from newsgen.core.models import Article, Tag

RELATED_MAX = 4
RELATED_WINDOW = 50

Facts = tuple[float, tuple[str, ...]]
"""What an article's place in the ranking depends on: its time (a POSIX timestamp) and
its hashtag keys."""


@dataclass(frozen=True)
class RelatedMemo:
    """The related lists of a build, by article path, and the facts they came from."""

    facts: Mapping[str, Facts]
    related: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, published: Iterable[Article], related: Mapping[str, tuple[Article, ...]]) -> RelatedMemo:
        """The memo of the lists *related* of *published*."""
        facts = {a.path: _facts(a) for a in published}
        return cls(facts, {path: tuple([a.path for a in chosen]) for path, chosen in related.items()})


def _facts(article: Article) -> Facts:
    return (article.published.timestamp(), tuple([h.key for h in article.hashtags]))


def related_articles(
    published: tuple[Article, ...], previous: RelatedMemo | None = None
) -> dict[str, tuple[Article, ...]]:
    """Each article's related list (*published*: newest first); *previous*: the memo of
    an earlier build's lists, so only those that may change are ranked."""
    stamps = [a.published.timestamp() for a in published]
    facts: dict[str, Facts] = {}
    members: dict[str, list[int]] = defaultdict(list)  # each hashtag's articles by rank (0: the newest)
    for rank, (article, stamp) in enumerate(zip(published, stamps)):
        keys = tuple([h.key for h in article.hashtags])
        facts[article.path] = (stamp, keys)
        for key in keys:
            members[key].append(rank)
    by_path = {a.path: a for a in published}
    related: dict[str, tuple[Article, ...]] = {}
    stale = _stale(published, stamps, facts, members, previous) if previous is not None else set()
    kept = previous.related if previous is not None else {}
    for me, article in enumerate(published):
        old = kept.get(article.path)
        if me not in stale and old is not None and all(path in by_path for path in old):
            related[article.path] = tuple([by_path[path] for path in old])
        else:
            related[article.path] = _rank(me, published, members)
    return related


def related_after_adding(
    published: tuple[Article, ...], tags: Mapping[str, Tag], related: Mapping[str, tuple[Article, ...]],
    added: list[Article],
) -> dict[str, tuple[Article, ...]]:
    """What `related_articles` gives for *published* (the articles of *related*, and
    *added*), ranking only the lists that `_stale` would: the added articles' own, and in
    each of their tags those of the members just newer than them. *tags*: the site's tags
    by key, *added* among their members."""
    rank = {a.path: i for i, a in enumerate(published)}
    members = _Members(tags, rank)
    lists = dict(related)
    stale = set()
    for article in added:
        me = rank[article.path]
        stale.add(me)
        for key in {h.key for h in article.hashtags}:
            ranks = members[key]
            at = bisect.bisect_left(ranks, me)
            stale.update(ranks[max(0, at - RELATED_WINDOW - 2) : at + 2])
    for me in stale:
        lists[published[me].path] = _rank(me, published, members)
    return lists


class _Members(dict[str, list[int]]):
    """Each hashtag's articles by rank, as `related_articles` lists them, for the tags asked."""

    def __init__(self, tags: Mapping[str, Tag], rank: Mapping[str, int]) -> None:
        super().__init__()
        self.tags, self.rank = tags, rank

    def __missing__(self, key: str) -> list[int]:
        ranks = self[key] = [self.rank[a.path] for a in self.tags[key].articles]
        return ranks


def _rank(me: int, published: tuple[Article, ...], members: Mapping[str, list[int]]) -> tuple[Article, ...]:
    candidates: list[int] = []
    for key in dict.fromkeys(h.key for h in published[me].hashtags):
        ranks = members[key]
        at = bisect.bisect_left(ranks, me)
        candidates += ranks[at + 1 : at + 1 + RELATED_WINDOW]
    shared = Counter(candidates)
    # Most candidates share one hashtag: rank the few sharing more, then the newest.
    best = sorted((-n, r) for r, n in shared.items() if n > 1)[:RELATED_MAX]
    chosen = [r for _, r in best]
    if len(chosen) < RELATED_MAX:
        chosen += heapq.nsmallest(RELATED_MAX - len(chosen), (r for r, n in shared.items() if n == 1))
    return tuple(published[r] for r in chosen)


def _stale(
    published: tuple[Article, ...], stamps: list[float], facts: Mapping[str, Facts],
    members: Mapping[str, list[int]], previous: RelatedMemo,
) -> set[int]:
    """The ranks of the articles whose list may differ from *previous*: the changed ones,
    and in every tag a changed article has or had, the members just newer than where it
    is or was (a window of `RELATED_WINDOW` behind them may have gained or lost it)."""
    old = previous.facts
    changed = [path for path in facts.keys() | old.keys() if facts.get(path) != old.get(path)]
    if not changed:
        return set()
    order = [(-stamp, a.path) for a, stamp in zip(published, stamps)]
    stale = set()
    for path in changed:
        for fact in (facts.get(path), old.get(path)):
            if fact is None:
                continue
            place = bisect.bisect_left(order, (-fact[0], path))
            if fact is facts.get(path):
                stale.add(place)
            for key in set(fact[1]):
                ranks = members.get(key, [])
                at = bisect.bisect_left(ranks, place)
                stale.update(ranks[max(0, at - RELATED_WINDOW - 2) : at + 2])
    return stale
