"""What every address the site ever published serves now, and what the URL ledger
(`newsgen.core.ledger`) becomes: the ledger, the articles and the build clock in,
`Reckoning` out.

- an article's current URL is its page (a new one joins the ledger);
- a ledger URL whose article now lives elsewhere (its timestamp crossed midnight, its
  section or its file changed) redirects there (`MOVED`);
- a withdrawn article's URLs serve its notice (`RETRACTED`, `EXPIRED`), a deleted one's
  a «no longer available» notice (`GONE`, marked ``gone: true`` in the ledger), a draft's
  or a re-embargoed one's too (`UNPUBLISHED`), all answered 410 by hosts that can;
- ``redirect_to:`` in the ledger and ``aliases:`` in an article redirect an address;
- a renamed file is recognised when one file left the ledger and one new file has a URL
  of the same section and day (the one URL its timestamp and section name).

The same sources and the ledger this gives always give the same fates (a build from
scratch after the ledger was updated makes the same files).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from newsgen.core.errors import Problem, warning
from newsgen.core.ledger import Entry, Ledger
from newsgen.core.lifecycle import RETRACTED, is_withdrawn, why_withdrawn, withdrawn_at
from newsgen.core.models import Article
from newsgen.core.options import LEDGER_FILE

MOVED, ALIAS, REDIRECT = "moved", "alias", "redirect"
EXPIRED, GONE, UNPUBLISHED = "expired", "gone", "unpublished"
REDIRECTS = frozenset({MOVED, ALIAS, REDIRECT})
"""The fates that send the reader elsewhere; the others are notices (410 Gone)."""


class Fate(NamedTuple):
    """What the site path *path* serves: a redirect to *target* (a site path, or an
    absolute URL for ``redirect_to:``), or a notice of *kind* (dated *at*, with *reason*)."""

    path: str
    kind: str
    target: str = ""
    at: datetime | None = None
    reason: str = ""

    @property
    def redirects(self) -> bool:
        return self.kind in REDIRECTS


class Reckoning(NamedTuple):
    fates: tuple[Fate, ...]
    """Sorted by path."""
    ledger: dict[str, Entry]
    """The ledger as this build leaves it."""
    problems: tuple[Problem, ...]
    """What changed for readers (warnings: a URL moved, an article deleted) and what cannot
    be (errors: an alias over a page)."""


def reckon(ledger: Ledger, articles: Iterable[Article], published: Iterable[Article], now: datetime,
           drafts: bool = False, future: bool = False) -> Reckoning:
    """The fates of every address, the ledger after this build, and what to say of them.
    *articles*: every parsed article; *published*: those the site lists (`Site.articles`)."""
    return _Reckoner(ledger, tuple(articles), tuple(published), now, drafts, future).run()


class _Reckoner:
    def __init__(self, ledger: Ledger, articles: tuple[Article, ...], published: tuple[Article, ...],
                 now: datetime, drafts: bool, future: bool) -> None:
        self.old, self.now = ledger, now
        self.by_source = {a.source: a for a in articles}
        self.live = {a.path: a for a in published}
        self.withdrawn = [a for a in articles if (a.expires or a.retracted) and _shown(a, now, drafts, future)
                          and is_withdrawn(a, now)]
        self.withdrawn_sources = {a.source for a in self.withdrawn}
        self.new = dict(ledger.entries)
        self.fates: dict[str, Fate] = {}
        self.problems: list[Problem] = []

    def run(self) -> Reckoning:
        renamed = self._renames()
        for article in (*self.live.values(), *self.withdrawn):
            self._current(article, renamed)
        for article in self.withdrawn:
            self.fates[article.path] = _notice(article)
        for path, entry in list(self.new.items()):
            if path not in self.fates and not (path in self.live and self.live[path].source == entry.source):
                self._earlier(path, entry, renamed)
        for article in self.live.values():
            for alias in article.aliases:
                self._alias(article, alias.path, alias.line)
        return Reckoning(tuple(self.fates[p] for p in sorted(self.fates)), self.new, tuple(sorted(self.problems)))

    def _renames(self) -> dict[str, Article]:
        """Files that left the ledger, by the new file each became (see the module)."""
        known = {entry.source for entry in self.old.entries.values()}
        fresh: dict[str, list[Article]] = defaultdict(list)
        for article in (*self.live.values(), *self.withdrawn):
            if article.source not in known:
                fresh[_day(article.path)].append(article)
        if not fresh:
            return {}
        gone: dict[str, set[str]] = defaultdict(set)
        for path, entry in self.old.entries.items():
            if entry.source not in self.by_source:
                gone[_day(path)].add(entry.source)
        return {
            sources.pop(): articles[0] for day, articles in fresh.items()
            if len(articles) == 1 and len(sources := gone.get(day, set())) == 1
        }

    def _current(self, article: Article, renamed: dict[str, Article]) -> None:
        """The article's own URL: in the ledger, under its file."""
        entry = self.new.get(article.path)
        if entry is not None and entry.source != article.source and entry.source in self.by_source:
            self.problems.append(warning(article.source, article.line_of("timestamp"),
                                         f"takes the address /{article.path} that {entry.source} had; links to it now reach this article"))
        self.new[article.path] = Entry(article.source)
        for old, new in renamed.items():
            if new is article:
                for path, entry in self.old.entries.items():
                    if entry.source == old:
                        self.new[path] = entry._replace(source=article.source, gone=False)

    def _earlier(self, path: str, entry: Entry, renamed: dict[str, Article]) -> None:
        """A ledger URL that is no article's page now."""
        article = self.by_source.get(entry.source)
        if entry.redirect_to:
            self.fates[path] = Fate(path, REDIRECT, entry.redirect_to)
        elif article is None:
            self.fates[path] = Fate(path, GONE)
            if not entry.gone:
                self.new[path] = entry._replace(gone=True)
                self.problems.append(warning(LEDGER_FILE, self.old.line(path), (
                    f"{entry.source} is gone: /{path} will answer 410 Gone with a notice; to send its readers "
                    "elsewhere, add redirect_to: to this line or the address to another article's aliases")))
        elif article.path in self.live and self.live[article.path].source == article.source:
            self.fates[path] = Fate(path, MOVED, article.path)
            if article.path not in self.old.entries:
                self.problems.append(_moved(path, article, next((o for o, n in renamed.items() if n is article), None)))
        elif article.source in self.withdrawn_sources:
            self.fates[path] = _notice(article, path)
        else:
            self.fates[path] = Fate(path, UNPUBLISHED)
            what = "a draft" if article.draft else "under embargo again"
            self.problems.append(warning(article.source, article.line_of("timestamp"), (
                f"was published at /{path} and is now {what}: that address answers 410 Gone until it is published")))
        if article is not None and entry.gone:
            self.new[path] = entry._replace(gone=False)

    def _alias(self, article: Article, path: str, line: int) -> None:
        taken = self.live.get(path)
        fate = self.fates.get(path)
        if taken is not None:
            why = "its own" if taken is article else f"that of {taken.source}"
            self.problems.append(Problem(article.source, line, f"alias /{path} is the address of a page: {why}"))
        elif fate is not None and fate.kind not in (GONE, UNPUBLISHED) and fate.target != article.path:
            self.problems.append(Problem(article.source, line, f"alias /{path} already leads elsewhere "
                                         f"({fate.kind}, urls.lock line {self.old.line(path)})"))
        else:
            self.fates[path] = Fate(path, ALIAS, article.path)


def _shown(article: Article, now: datetime, drafts: bool, future: bool) -> bool:
    return (drafts or not article.draft) and (future or article.published <= now)


def _notice(article: Article, path: str = "") -> Fate:
    kind = why_withdrawn(article)
    reason = article.retracted.reason if kind == RETRACTED and article.retracted else ""
    return Fate(path or article.path, kind, at=withdrawn_at(article), reason=reason)


def _day(path: str) -> str:
    """``mundo/2025/06/04/kim/`` → ``mundo/2025/06/04``: an article URL's section and day."""
    return path.rstrip("/").rsplit("/", 1)[0]


def _moved(path: str, article: Article, renamed_from: str | None) -> Problem:
    """A warning naming the old and new URL and what moved it, at that field's line."""
    old_section, old_day, old_slug = path.split("/", 1)[0], _day(path).split("/", 1)[-1], path.rstrip("/").rsplit("/", 1)[-1]
    new = article.path
    causes: list[tuple[str, int]] = []
    if old_section != new.split("/", 1)[0]:
        causes.append(("the section", article.line_of("section")))
    if old_day != _day(new).split("/", 1)[-1]:
        causes.append(("the timestamp's date", article.line_of("timestamp")))
    if old_slug != new.rstrip("/").rsplit("/", 1)[-1]:
        if renamed_from is not None:
            causes.append((f"the file name (was {renamed_from})", 0))
        elif article.line_of("slug"):
            causes.append(("the slug", article.line_of("slug")))
        else:
            causes.append(("the file name", 0))
    said = " and ".join(c for c, _ in causes) or "its address"
    line = next((n for _, n in causes if n), 0)
    return warning(article.source, line, f"published URL /{path} moves to /{new} ({said} changed); "
                   "the old address will redirect to the new one (run newsgen build and commit urls.lock)")
