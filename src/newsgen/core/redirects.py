"""The outputs of every address that is no article's page any more (`newsgen.core.fates`):
a redirect page (meta refresh and canonical) where a URL moved, a ``noindex`` notice where
an article was withdrawn or deleted, and the same told to hosts that can answer with the
right status: ``_redirects`` (Netlify, Cloudflare Pages), ``_headers`` and an nginx map.

Every run here is `Always`: a plan makes them from the fates it has just reckoned, and
their keys say whether a file changed (they are few, and cost a digest each).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from newsgen.core import urls
from newsgen.core.dependencies import Always
from newsgen.core.fates import EXPIRED, GONE, Fate
from newsgen.core.lifecycle import RETRACTED
from newsgen.core.outputs import Keys, Run
from newsgen.core.pages import PageSpec
from newsgen.core.structured import instant

REDIRECTS_FILE = "_redirects"
HEADERS_FILE = "_headers"
NGINX_FILE = "nginx-urls.conf"
TITLES = {
    RETRACTED: "Artigo retirado", EXPIRED: "Artigo expirado", GONE: "Artigo indisponível",
}
UNAVAILABLE = "Artigo indisponível"


@dataclass(frozen=True)
class RedirectContext:
    """A page that sends the reader to *target*: a site path, or an absolute URL."""

    target: str

    @property
    def external(self) -> bool:
        return self.target.startswith(("https://", "http://"))

    def key(self, keys: Keys) -> tuple[object, ...]:
        return (self.target,)


@dataclass(frozen=True)
class NoticeContext:
    """The notice at a withdrawn or deleted article's address: no headline, no text."""

    kind: str
    at: datetime | None
    reason: str
    noindex: bool = True

    def key(self, keys: Keys) -> tuple[object, ...]:
        return (self.kind, instant(self.at), self.reason)


class HostRules:
    """``_redirects``, ``_headers`` and the nginx map of one site's fates."""

    def __init__(self, fates: tuple[Fate, ...], base_url: str) -> None:
        self.fates, self.prefix = fates, urls.base_path(base_url)

    file = ""

    def href(self, fate: Fate) -> str:
        return fate.target if fate.target.startswith(("https://", "http://")) else self.url(fate.target)

    def url(self, path: str) -> str:
        return self.prefix + urls.url_path(path)

    def key(self, keys: Keys) -> tuple[object, ...]:
        return (self.prefix, tuple(self.fates))


class RedirectsFile(HostRules):
    file = REDIRECTS_FILE

    def text(self) -> str:
        """Each redirect twice: Netlify reads the first (``301!``: over the redirect page
        that stands at the old address), Cloudflare Pages skips it (it knows no ``!``) and
        reads the second. Each notice answers 410 on Netlify; Cloudflare has no 410."""
        lines = ["# newsgen: moved, withdrawn and deleted articles (docs/CONTENT.md, \"URLs that never break\")"]
        for fate in self.fates:
            source = self.url(fate.path)
            if fate.redirects:
                lines += [f"{source} {self.href(fate)} 301!", f"{source} {self.href(fate)} 301"]
            else:
                lines.append(f"{source} {self.url(urls.output_file(fate.path))} 410!")
        return "\n".join(lines) + "\n"


class HeadersFile(HostRules):
    file = HEADERS_FILE

    def text(self) -> str:
        lines = ["# newsgen: notices of withdrawn and deleted articles are not for search engines"]
        for fate in self.fates:
            if not fate.redirects:
                lines += [self.url(fate.path), "  X-Robots-Tag: noindex"]
        return "\n".join(lines) + "\n"


class NginxFile(HostRules):
    file = NGINX_FILE

    def text(self) -> str:
        moved = [f'    "{self.url(f.path)}" "{self.href(f)}";' for f in self.fates if f.redirects]
        gone = [f'    "{self.url(f.path)}" "{self.url(urls.output_file(f.path))}";' for f in self.fates if not f.redirects]
        return "\n".join([
            "# newsgen: include in nginx's http { } block; then, in the server { } block:",
            "#     if ($newsgen_moved) { return 301 $newsgen_moved; }",
            "#     if ($newsgen_gone) { return 410; }",
            "#     error_page 410 $newsgen_gone;",
            "map $uri $newsgen_moved {", *moved, "}",
            "map $uri $newsgen_gone {", *gone, "}",
        ]) + "\n"


class Redirects:
    """The runs of the fates of one site: pages, then the hosts' files."""

    def __init__(self, fates: tuple[Fate, ...], base_url: str, render: Callable[[PageSpec], bytes]) -> None:
        self.fates, self.base_url, self.render = fates, base_url, render

    def page_runs(self) -> Iterator[Run]:
        moved = [f for f in self.fates if f.redirects]
        notices = [f for f in self.fates if not f.redirects]
        yield Run(("redirect",), len(moved), lambda i: self._redirect(moved[i]), Always(), self.render)
        yield Run(("notice",), len(notices), lambda i: self._notice(notices[i]), Always(), self.render)

    def file_runs(self) -> Iterator[Run]:
        for kind in (RedirectsFile, HeadersFile, NginxFile):
            rules = kind(self.fates, self.base_url)
            count = 1 if self.fates and (kind is not HeadersFile or any(not f.redirects for f in self.fates)) else 0
            yield Run(("host-rules", kind.file), count, lambda _, r=rules: r, Always(), _text)

    def _redirect(self, fate: Fate) -> PageSpec:
        return PageSpec("redirect.html", fate.path, RedirectContext(fate.target), "Página movida")

    def _notice(self, fate: Fate) -> PageSpec:
        return PageSpec("notice.html", fate.path, NoticeContext(fate.kind, fate.at, fate.reason),
                        TITLES.get(fate.kind, UNAVAILABLE))


def _text(rules: HostRules) -> bytes:
    return rules.text().encode("utf-8")  # type: ignore[attr-defined]
