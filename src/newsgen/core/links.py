"""Links between articles by their files: ``[texto](../2025-06-04-kim.md)`` (a path from
the linking file's folder, or ``/content/…`` from the site's) or ``[texto](mundo:kim)``
(a section and a slug). They point at the article's current URL and follow it when it
moves.

Parsing (`link_target`) reads each link as it is written; the body's HTML holds a
placeholder (`placeholder`) where its address goes. Once every article is parsed,
`LinkTable` finds each target (or says why it cannot: a missing, draft or embargoed
article is an error at the link's line), and `resolve_body` writes the addresses in. The
address a link resolves to is part of the linking article's key
(`newsgen.core.entities.article_key`), so a page showing it is made again when it moves.
"""
from __future__ import annotations

import difflib
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Mapping
from datetime import datetime
from urllib.parse import unquote, urlsplit

from newsgen.core import urls
from newsgen.core.errors import Problem, warning
from newsgen.core.fates import Fate
from newsgen.core.lifecycle import is_withdrawn
from newsgen.core.models import Article, Link

ARTICLE = "article"
SITE = "site"
PLACEHOLDER = "#newsgen-link-"
_PLACED = re.compile(r'href="#newsgen-link-(\d+)"')
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
WEB_SCHEMES = frozenset({"http", "https", "mailto", "tel", "ftp"})


def placeholder(index: int) -> str:
    """The ``href`` the body's HTML holds for the article link at *index* of `Article.links`."""
    return f"{PLACEHOLDER}{index}"


def link_target(href: str, source: str, sections: frozenset[str], base_url: str) -> Link | None:
    """What *href*, written in the body of the article file *source*, links to: an article
    by its file or by ``section:slug``, a page of this site by its absolute URL, or None
    (anything else: kept as written). The line is found later."""
    address, _, fragment = href.partition("#")
    scheme = _SCHEME.match(address)
    if scheme and scheme.group(1) in sections and scheme.group(1).lower() not in WEB_SCHEMES:
        slug = address[scheme.end():]
        return Link(ARTICLE, f"{scheme.group(1)}:{slug}", fragment, 0, href)
    if not scheme and not address.startswith("//") and urls.is_article_file(address.split("?", 1)[0]):
        name = unquote(address.split("?", 1)[0])
        joined = name.lstrip("/") if name.startswith("/") else posixpath.join(posixpath.dirname(source), name)
        return Link(ARTICLE, posixpath.normpath(joined), fragment, 0, href)
    return _own(href, address, fragment, base_url)


def _own(href: str, address: str, fragment: str, base_url: str) -> Link | None:
    """An absolute link (``https://…`` or ``//…``) to this site's own address, as a site path."""
    if not address.startswith(("https://", "http://", "//")) or not base_url:
        return None
    try:
        parts, base = urlsplit(address), urlsplit(base_url)
    except ValueError:
        return None
    prefix = base.path or "/"
    if parts.hostname != base.hostname or not (parts.path or "/").startswith(prefix):
        return None
    return Link(SITE, unquote((parts.path or "/")[len(prefix):]), fragment, 0, href)


class LinkTable:
    """Every parsed article by file and by ``section:slug``: what each link reaches."""

    def __init__(self, articles: Iterable[Article]) -> None:
        self.by_source: dict[str, Article] = {}
        self.by_slug: dict[str, list[Article]] = defaultdict(list)
        for article in articles:
            self.by_source[article.source] = article
            self.by_slug[f"{article.section}:{article.slug}"].append(article)

    def target(self, link: Link) -> Article | None:
        """The article *link* reaches, when exactly one does."""
        if link.kind != ARTICLE:
            return None
        found = self.by_slug.get(link.target, ()) if ":" in link.target else [self.by_source.get(link.target)]
        return found[0] if len(found) == 1 else None

    def path(self, link: Link) -> str | None:
        """The site path *link* points at now (None: nothing, an error already named)."""
        found = self.target(link)
        return found.path if found is not None else None

    def addresses(self, article: Article) -> tuple[str | None, ...]:
        """Where each article link of *article* points now: what its page shows of others."""
        return tuple(self.path(link) for link in article.links if link.kind == ARTICLE)

    def problems(self, article: Article, now: datetime, drafts: bool, future: bool) -> list[Problem]:
        """The links of *article* that lead nowhere a reader can follow: to a missing
        article, to a draft, or to one published later than it (an embargo); a warning for
        a link to a withdrawn article. A draft's links wait until it is published."""
        if article.draft and not drafts:
            return []
        found = []
        for link in article.links:
            if link.kind != ARTICLE:
                continue
            message = self._problem(article, link, now, drafts, future)
            if message:
                severity = "warning" if message.startswith("links to a withdrawn") else "error"
                found.append(Problem(article.source, link.line, message, severity))
        return found

    def _problem(self, article: Article, link: Link, now: datetime, drafts: bool, future: bool) -> str:
        what = f"link {link.href!r}"
        if ":" in link.target:
            matches = self.by_slug.get(link.target, [])
            if len(matches) > 1:
                files = ", ".join(sorted(a.source for a in matches))
                return f"{what} matches {len(matches)} articles ({files}); link to the file instead"
            if not matches:
                return f"{what}: no article has the slug {link.target!r}{self._near_slug(link.target)}"
        target = self.target(link)
        if target is None:
            return f"{what}: no article {link.target}{self._near_file(link.target)}"
        if target.draft and not drafts:
            return f"{what} leads to a draft ({target.source}): publish it or remove the link"
        if not future and target.published > max(now, article.published):
            return f"{what} leads to an article under embargo until {target.published.isoformat()} ({target.source})"
        if is_withdrawn(target, max(now, article.published)):
            return f"links to a withdrawn article ({target.source}): readers find its notice"
        return ""

    def _near_file(self, target: str) -> str:
        name = posixpath.basename(target)
        same = sorted(s for s in self.by_source if posixpath.basename(s) == name)
        if same:
            return f" (did you mean {same[0]}?)"
        close = difflib.get_close_matches(target, list(self.by_source), n=1)
        return f" (did you mean {close[0]}?)" if close else ""

    def _near_slug(self, target: str) -> str:
        close = difflib.get_close_matches(target, list(self.by_slug), n=1)
        return f" (did you mean {close[0]}?)" if close else ""


def resolve_body(html: str, article: Article, path_of: Callable[[Link], str | None], prefix: str) -> str:
    """*html*, the body of *article*, with each placeholder replaced by its link's URL
    (*prefix*: the site's base path)."""
    if not article.links or PLACEHOLDER not in html:
        return html

    def address(match: re.Match[str]) -> str:
        link = article.links[int(match.group(1))]
        path = path_of(link)
        if path is None:
            return match.group(0)
        fragment = f"#{link.fragment}" if link.fragment else ""
        return f'href="{prefix}{urls.url_path(path)}{fragment}"'

    return _PLACED.sub(address, html)


def site_link_problems(articles: Iterable[Article], files: Container[str], fates: Mapping[str, Fate]) -> list[Problem]:
    """A warning for each absolute link to this site's own address that reaches no page
    (*files*: every file of the output; *fates*: the addresses that are no article's page)."""
    found = []
    for article in articles:
        for link in article.links:
            if link.kind != SITE:
                continue
            path = link.target
            fate = fates.get(path) or fates.get(path + "/")
            if fate is not None and fate.redirects:
                message = (f"link {link.href!r} leads to an old address, now redirected to /{fate.target}: "
                           "link to the article's file instead (it follows the article when it moves)")
            elif fate is not None:
                message = f"link {link.href!r} leads to the notice of a withdrawn or deleted article"
            elif not _is_file(path, files):
                message = f"link {link.href!r} is this site's address but matches no page of it"
            else:
                continue
            found.append(warning(article.source, link.line, message))
    return found


def _is_file(path: str, files: Container[str]) -> bool:
    candidates = [path, path.rstrip("/") + "/"] if path else [""]
    for candidate in candidates:
        try:
            if urls.output_file(candidate) in files:
                return True
        except ValueError:
            return False
    return False
