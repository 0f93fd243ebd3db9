"""A live page's status file, ``live.json`` beside its page: how many entries it has, the
newest, and whether it is still live. The page's script (``js/live.js``) polls it and tells
an open tab «1 nova atualização» without reloading; without the script the page is whole.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import NamedTuple

from newsgen.core.dependencies import Always
from newsgen.core.lifecycle import is_live
from newsgen.core.models import Article
from newsgen.core.outputs import Keys, Run
from newsgen.core.site import Site
from newsgen.core.structured import iso

STATUS_FILE = "live.json"
POLL_SECONDS = 30


class LiveStatus(NamedTuple):
    """The status file of one live page."""

    article: Article

    @property
    def file(self) -> str:
        return self.article.path + STATUS_FILE

    def key(self, keys: Keys) -> tuple[object, ...]:
        return (keys[self.article.path],)  # its entries and whether it is live: its key holds both


def live_runs(site: Site) -> Iterator[Run]:
    """One status file per live page (running or ended), made again by every plan: they
    are few, and which articles are live pages changes with an edit."""
    pages = [a for a in site.articles if a.live is not None]
    tz = site.config.timezone

    def status(page: LiveStatus) -> bytes:
        article = page.article
        entries = article.live.entries if article.live else ()
        data = {
            "entries": len(entries),
            "newest": iso(entries[0].at, tz) if entries else None,
            "live": is_live(article, site.now),
        }
        return (json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n").encode()

    yield Run(("live-status",), len(pages), lambda i: LiveStatus(pages[i]), Always(), status)
