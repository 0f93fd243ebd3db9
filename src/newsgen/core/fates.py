"""What every address the site ever published serves now, and what the URL ledger
(`newsgen.core.ledger`) becomes: the ledger, the articles and the build clock in,
`Reckoning` out.

- an article's current URL is its page (a new one joins the ledger);
- a ledger URL whose article now lives elsewhere (its timestamp crossed midnight, its
  section or its file changed) redirects there (`MOVED`);
- a withdrawn article's URLs serve its notice (``retracted``, `EXPIRED`), a deleted one's
  a «no longer available» notice (`GONE`, marked ``gone: true`` in the ledger), a draft's
  or a re-embargoed one's too (`UNPUBLISHED`), all answered 410 by hosts that can;
- ``redirect_to:`` in the ledger and ``aliases:`` in an article redirect an address;
- a renamed file is recognised when one file left the ledger and one new file has a URL
  of the same section and day (the one URL its timestamp and section name).

The same sources and the ledger this gives always give the same fates (a build from
scratch after the ledger was updated makes the same files). Every build reckons, so the
usual case (every ledger URL an article's page) costs a few comparisons of plain dicts.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import NamedTuple

from newsgen.core.changedrows import changed_keys
from newsgen.core.errors import Problem, warning
from newsgen.core.ledger import Entry, Ledger
from newsgen.core.lifecycle import EXPIRED, RETRACTED, is_withdrawn, why_withdrawn, withdrawn_at
from newsgen.core.models import Article
from newsgen.core.options import LEDGER_FILE

MOVED, ALIAS, REDIRECT = "moved", "alias", "redirect"
GONE, UNPUBLISHED = "gone", "unpublished"
REDIRECTS = frozenset({MOVED, ALIAS, REDIRECT})
"""The fates that send the reader elsewhere; the others are notices (410 Gone)."""
NOTICES = frozenset({RETRACTED, EXPIRED, GONE, UNPUBLISHED})


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
    ledger: Ledger
    """The ledger as this build leaves it."""
    problems: tuple[Problem, ...]
    """What changed for readers (warnings: a URL moved, an article deleted) and what cannot
    be (errors: an alias over a page)."""


def reckon(ledger: Ledger, articles: tuple[Article, ...], published: tuple[Article, ...], now: datetime,
           drafts: bool = False, future: bool = False) -> Reckoning:
    """The fates of every address, the ledger after this build, and what to say of them.
    *articles*: every parsed article; *published*: those the site lists (`Site.articles`)."""
    live = {a.path: a.source for a in published}
    special = [a for a in articles if a.expires or a.retracted or a.aliases]  # nearly always none
    if live == ledger.plain and not ledger.marked and not special:
        return Reckoning((), ledger, ())
    return _Reckoner(ledger, articles, published, live, special, now, drafts, future).run()


class _Reckoner:
    def __init__(self, ledger: Ledger, articles: tuple[Article, ...], published: tuple[Article, ...],
                 live: dict[str, str], special: list[Article], now: datetime, drafts: bool, future: bool) -> None:
        self.old, self.live = ledger, live
        self.withdrawn = {a.source: a for a in special if _shown(a, now, drafts, future) and is_withdrawn(a, now)}
        self.aliased = [a for a in special if a.aliases and a.path in live and live[a.path] == a.source]
        self.plain, self.marked = dict(ledger.plain), dict(ledger.marked)
        self.fates: dict[str, Fate] = {}
        self.problems: list[Problem] = []
        # What differs from the ledger, found in C loops: the ledger's pairs that are no page
        # now, and the pages the ledger does not list under their file.
        plain = ledger.plain
        self.earlier = sorted((p, plain[p]) for p in changed_keys(live, plain)) + sorted((p, e.source) for p, e in ledger.marked.items())
        self.current = sorted((p, live[p]) for p in changed_keys(plain, live))
        self.current += sorted((a.path, a.source) for a in self.withdrawn.values() if ledger.plain.get(a.path) != a.source)
        self._by_source: dict[str, Article] | None = None
        self._articles = articles

    @property
    def by_source(self) -> dict[str, Article]:
        if self._by_source is None:
            self._by_source = {a.source: a for a in self._articles}
        return self._by_source

    def run(self) -> Reckoning:
        renamed = self._renames()
        for path, source in self.current:
            self._current(path, source, renamed)
        for article in self.withdrawn.values():
            self.fates[article.path] = _notice(article)
        for path, source in self.earlier:
            if path not in self.fates and path not in self.live:
                self._earlier(path, self.marked.get(path, Entry(self.plain.get(path, source))), renamed)
        for article in self.aliased:
            for alias in article.aliases:
                self._alias(article, alias.path, alias.line)
        fates = tuple(self.fates[p] for p in sorted(self.fates))
        return Reckoning(fates, Ledger(self.plain, self.marked, self.old.text), tuple(sorted(self.problems)))

    def _renames(self) -> dict[str, str]:
        """Files that left the ledger, by the file each became (see the module)."""
        known = set(self.old.plain.values()) | {e.source for e in self.old.marked.values()} if self.current else set()
        fresh: dict[str, list[str]] = defaultdict(list)
        for path, source in self.current:
            if source not in known:
                fresh[_day(path)].append(source)
        if not fresh:
            return {}
        gone: dict[str, set[str]] = defaultdict(set)
        for path, source in self.earlier:
            if source not in self.by_source:
                gone[_day(path)].add(source)
        return {
            sources.pop(): files[0] for day, files in fresh.items()
            if len(files) == 1 and len(sources := gone.get(day, set())) == 1
        }

    def _current(self, path: str, source: str, renamed: dict[str, str]) -> None:
        """An article's own URL: in the ledger, under its file."""
        had = self.marked.pop(path, None)
        was = self.plain.get(path) or (had.source if had else None)
        if was is not None and was != source and was in self.by_source and renamed.get(was) != source:
            article = self.by_source[source]
            self.problems.append(warning(source, article.line_of("timestamp"),
                                         f"takes the address /{path} that {was} had; links to it now reach this article"))
        self.plain[path] = source
        old = next((o for o, n in renamed.items() if n == source), None)
        if old is not None:
            for earlier, entry in self.old.entries().items():
                if entry.source == old and earlier != path:
                    self.marked.pop(earlier, None)
                    self.plain[earlier] = source
                    if entry.redirect_to:
                        self.marked[earlier] = entry._replace(source=source)

    def _earlier(self, path: str, entry: Entry, renamed: dict[str, str]) -> None:
        """A ledger URL that is no article's page now."""
        article = self.by_source.get(entry.source)
        if entry.redirect_to:
            target = entry.redirect_to
            self.fates[path] = Fate(path, REDIRECT, target if target.startswith(("https://", "http://")) else target[1:])
        elif article is None:
            self.fates[path] = Fate(path, GONE)
            if not entry.gone:
                self._mark(path, entry._replace(gone=True))
                self.problems.append(warning(LEDGER_FILE, self.old.line(path), (
                    f"{entry.source} is gone: /{path} will answer 410 Gone with a notice; to send its readers "
                    "elsewhere, add redirect_to: to this line or the address to another article's aliases")))
        elif self.live.get(article.path) == article.source:
            self.fates[path] = Fate(path, MOVED, article.path)
            if self.old.plain.get(article.path) != article.source:
                self.problems.append(_moved(path, article, next((o for o, n in renamed.items() if n == article.source), None)))
        elif article.source in self.withdrawn:
            self.fates[path] = _notice(article, path)
        else:
            self.fates[path] = Fate(path, UNPUBLISHED)
            what = "a draft" if article.draft else "under embargo again"
            self.problems.append(warning(article.source, article.line_of("timestamp"), (
                f"was published at /{path} and is now {what}: that address answers 410 Gone until it is published")))
        if article is not None and entry.gone:
            self._mark(path, entry._replace(gone=False))

    def _mark(self, path: str, entry: Entry) -> None:
        if entry.gone or entry.redirect_to:
            self.plain.pop(path, None)
            self.marked[path] = entry
        else:
            self.marked.pop(path, None)
            self.plain[path] = entry.source

    def _alias(self, article: Article, path: str, line: int) -> None:
        taken = self.live.get(path)
        fate = self.fates.get(path)
        if taken is not None:
            why = "its own" if taken == article.source else f"that of {taken}"
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
