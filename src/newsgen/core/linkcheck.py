"""``newsgen check --links``: every internal link and anchor of the rendered pages leads
somewhere. Each page is read once as it is rendered (its ids, and the links it holds,
kept; its HTML dropped), then every link is looked up among the output's files and, for a
``#fragment``, among the ids of the page it reaches.

Internal: a relative URL, a path from the host's root, or an absolute URL on the site's
own address. Links to other hosts, ``mailto:`` and the like are not followed, nor are
the search index's files (``pagefind/``), which the check does not build.
"""
from __future__ import annotations

from collections.abc import Container, Mapping
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from newsgen.core import urls
from newsgen.core.errors import Problem

LINKING = {"a": "href", "link": "href", "img": "src", "script": "src", "iframe": "src", "source": "src"}
SKIPPED = ("pagefind/",)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("id",) + (("name",) if tag == "a" else ()):
            if values.get(name):
                self.ids.add(values[name] or "")
        wanted = LINKING.get(tag)
        if wanted and values.get(wanted) and not (tag == "link" and values.get("rel") in ("preconnect", "dns-prefetch")):
            self.links.append(values[wanted] or "")


class LinkCheck:
    """The pages of one site, read one by one, then their links checked."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.root = urlsplit(base_url)
        self.ids: dict[str, set[str]] = {}
        self.links: dict[str, list[str]] = {}

    def read(self, file: str, html: bytes) -> None:
        """Keep what the page *file* (an output file, ``mundo/index.html``) links to and its ids."""
        reader = _Reader()
        reader.feed(html.decode("utf-8", "replace"))
        reader.close()
        self.ids[file] = reader.ids
        self.links[file] = list(dict.fromkeys(reader.links))

    def problems(self, files: Container[str], sources: Mapping[str, str]) -> list[Problem]:
        """An error for each link of each page that reaches no file of the output (*files*),
        or no element of its ``#fragment``; named by the article's file (*sources*: output
        file → article file) or by the page."""
        found = []
        for file, links in self.links.items():
            page_url = self.base + urls.url_path(file.removesuffix("index.html"))
            where = sources.get(file) or f"(page /{file.removesuffix('index.html')})"
            for href in links:
                message = self._broken(page_url, href, files)
                if message:
                    found.append(Problem(where, 0, message))
        return found

    def _broken(self, page_url: str, href: str, files: Container[str]) -> str:
        target = urlsplit(urljoin(page_url, href))
        if target.scheme not in ("http", "https") or target.netloc != self.root.netloc:
            return ""
        prefix = self.root.path or "/"
        if not target.path.startswith(prefix):
            return f"link {href!r} leads outside the site's address ({self.base})"
        path = unquote(target.path[len(prefix):])
        if path.startswith(SKIPPED):
            return ""
        file = _file(path, files)
        if file is None:
            return f"link {href!r} reaches no page or file of the site"
        fragment = unquote(target.fragment)
        if fragment and file in self.ids and fragment not in self.ids[file] and fragment != "top":
            return f"link {href!r} reaches /{path} but no element there has id {fragment!r}"
        return ""


def _file(path: str, files: Container[str]) -> str | None:
    """The output file serving *path* (``x/`` → ``x/index.html``; ``x`` → ``x`` or ``x/index.html``)."""
    for candidate in (path, path + "/") if path and not path.endswith("/") else (path,):
        try:
            file = urls.output_file(candidate)
        except ValueError:
            return None
        if file in files:
            return file
    return None
