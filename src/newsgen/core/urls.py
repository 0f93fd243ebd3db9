"""The URL scheme and slugs, in one place.

A *path* here is a site path: where a page or file is, relative to the site's root and
without a leading slash, with file names as they are on disk: ``""`` is the home page,
``mundo/2025/06/04/slug/`` an article, ``images/foto com espaço.png`` an image.
`output_file` maps a path to the file that serves it; `url_path` to the path of its URL
(percent-encoded), the one way a path becomes a URL. Every function returns only safe
relative paths: nothing a content file says can make one escape the output directory.

Standard library only when imported (the command line's no-op check imports it):
python-slugify, which takes 30 ms to import, is imported when a slug is first made.
"""
from __future__ import annotations

import functools
import posixpath
import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from urllib.parse import quote, unquote, urlsplit

SLUG_MAX = 80
"""Longest slug newsgen makes from a headline or file name."""
SLUG_LIMIT = 200
"""Longest slug an editor may give (a file name allows 255 bytes)."""
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
HOME = ""
TAG_INDEX = "tags/"
NOT_FOUND = "404.html"
RESERVED_TOP_LEVEL = frozenset(
    {"tag", "tags", "pesquisa", "pagefind", "feed.xml", "404.html", "sitemap.xml", "news-sitemap.xml", "robots.txt"}
    | {"autor", "correcoes", "media", "favicon.ico", "apple-touch-icon.png", "icon.svg", "icon-32.png", "icon-192.png"}
)
SEARCH = "pesquisa/"
AUTHORS = "autor/"
CORRECTIONS = "correcoes/"


DATE_PREFIX_RE = re.compile(r"^\d{4}-\d{2}-\d{2}-?")


@functools.lru_cache(maxsize=8192)
def slug_from_text(text: str) -> str:
    """ASCII slug, accents folded (ç→c, ã→a), at most 80 characters at a word boundary."""
    from slugify import slugify

    return slugify(text, max_length=SLUG_MAX, word_boundary=True)


ARTICLE_SUFFIXES = (".md", ".markdown")
"""An article file's name ends with one of these, in any case (``x.MD`` too)."""


def article_suffix(path: str) -> str | None:
    """The suffix that makes a file an article's (`ARTICLE_SUFFIXES`), as written; else None."""
    return next((path[-len(s):] for s in ARTICLE_SUFFIXES if path[-len(s):].lower() == s), None)


_LONGEST_SUFFIX = max(map(len, ARTICLE_SUFFIXES))


def is_article_file(path: str) -> bool:
    """Whether *path* names an article file (asked of every file of the site on every build)."""
    return path[-_LONGEST_SUFFIX:].lower().endswith(ARTICLE_SUFFIXES)


def slug_from_file(path: str) -> str:
    """The slug an article file names: ``content/mundo/2025-06-04-kim-e-shoigu.md`` (or
    ``….markdown``, ``….MD``) → ``kim-e-shoigu``. From the file, not the headline, so fixing
    a published headline never moves its URL."""
    name = path.rsplit("/", 1)[-1]
    name = DATE_PREFIX_RE.sub("", name.removesuffix(article_suffix(name) or ""))
    return name if is_slug(name) else slug_from_text(name)


def is_slug(text: str) -> bool:
    """True for a valid slug: lowercase ASCII words joined by single hyphens."""
    return len(text) <= SLUG_LIMIT and SLUG_RE.fullmatch(text) is not None


def split_camel_case(text: str) -> str:
    """``CooperaçãoMilitar`` → ``Cooperação Militar``; ``NATO``, ``COP29`` stay whole."""
    out: list[str] = []
    for i, ch in enumerate(text):
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch.isupper() and prev and (
            prev.islower() or prev.isdigit() or (prev.isupper() and nxt.islower())
        ):
            out.append(" ")
        out.append(ch)
    return "".join(out)


@functools.lru_cache(maxsize=8192)
def hashtag_slug(text: str) -> str:
    """The slug of a hashtag's display form: ``#CooperaçãoMilitar`` → ``cooperacao-militar``."""
    from slugify import slugify

    return slugify(split_camel_case(text.lstrip("#")), max_length=SLUG_MAX, word_boundary=True)


def hashtag_key(text: str) -> str:
    """A hashtag's identity: case, accents and separators ignored.

    ``CooperaçãoMilitar``, ``#cooperacaomilitar`` and ``Cooperação Militar`` share one key.
    Removing the hyphens of `hashtag_slug` gives the key, so distinct keys never share a slug.
    """
    return hashtag_slug(text).replace("-", "")


def section_path(key: str) -> str:
    return f"{key}/"


def archive_path(section: str, year: int, month: int) -> str:
    return f"{section}/{year:04d}/{month:02d}/"


def article_path(section: str, day: date, slug: str) -> str:
    return f"{section}/{day.year:04d}/{day.month:02d}/{day.day:02d}/{slug}/"


def tag_path(slug: str, page: int = 0) -> str:
    """``tag/<slug>/`` shows the newest articles; page *n* ≥ 1 is a stable older page."""
    return f"tag/{slug}/{page}/" if page else f"tag/{slug}/"


def author_path(key: str, page: int = 0) -> str:
    """``autor/<key>/`` shows an author's newest articles; page *n* ≥ 1 a stable older page."""
    return f"{AUTHORS}{key}/{page}/" if page else f"{AUTHORS}{key}/"


def standalone_path(slug: str) -> str:
    """A standalone page (``content/paginas/<slug>.md``) is ``<slug>/``."""
    return f"{slug}/"


_EMPTY_OR_DOTS = re.compile(r"(?:^|/)\.{0,2}(?:/|$)")
"""A path part that is empty, ``.`` or ``..``."""


def is_safe_path(path: str) -> bool:
    """True when *path* is relative, normalized and stays below its root."""
    if not path:
        return True
    if "\\" in path or "\x00" in path or path.startswith("/"):
        return False
    return _EMPTY_OR_DOTS.search(path.rstrip("/")) is None


def output_file(path: str) -> str:
    """The file serving *path*: ``mundo/`` → ``mundo/index.html``; ``404.html`` stays."""
    if not is_safe_path(path):
        raise ValueError(f"unsafe site path: {path!r}")
    if path == "" or path.endswith("/"):
        return f"{path}index.html"
    return path


URL_CHARACTERS = "/:@!$&'()*+,;=~"
"""What a URL path may hold as it is besides letters, digits and ``-._`` (RFC 3986's
*pchar* and ``/``): an ASCII file name made of these keeps its URL as it was."""
_PLAIN = re.compile(r"[A-Za-z0-9._~/:@!$&'()*+,;=-]*")
"""A site path whose URL path is itself (every page's, as slugs are ASCII)."""
_VALID_URL = re.compile(r"(?:[A-Za-z0-9._~/:@!$&'()*+,;=?#\[\]-]|%[0-9A-Fa-f]{2})*")
"""A URL that needs no encoding: RFC 3986's characters, each ``%`` starting an escape."""
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SCHEME_AND_HOST = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*:)?(?://[^/?#]*)?")


def url_path(path: str) -> str:
    """The path of the URL of the site path *path* (to follow the base path): UTF-8
    percent-encoded, ``/`` kept: ``images/foto com espaço.png`` →
    ``images/foto%20com%20espa%C3%A7o.png``. A ``%`` in a file name is a ``%`` (``%25``):
    a site path is never a URL already, so nothing is encoded twice."""
    return path if _PLAIN.fullmatch(path) else quote(path, safe=URL_CHARACTERS)  # a tenth of the time for pages


def encoded_url(url: str) -> str:
    """A URL as an editor wrote it (a link in a body, a source's address), with what no
    URL may hold percent-encoded: spaces, non-ASCII letters (as UTF-8), a ``%`` that starts
    no escape. Escapes already there are kept (never encoded twice), and so is the host."""
    if _VALID_URL.fullmatch(url):
        return url
    head = _SCHEME_AND_HOST.match(url)
    start = head.end() if head else 0
    rest = _LONE_PERCENT.sub("%25", url[start:])
    return url[:start] + quote(rest, safe=URL_CHARACTERS + "%?#[]")


def normalized_base_url(value: str) -> str:
    """*value* as the start of every absolute URL: an absolute http(s) URL ending in ``/``,
    its path percent-encoded (`encoded_url`) and its host in ASCII (IDNA). An ASCII URL
    that needs none of it comes back as it was. Raises `ValueError` when *value* is no
    absolute http(s) URL or holds a query or a fragment."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(value)
    netloc = parts.netloc
    if not netloc.isascii():
        userinfo, at, host_port = netloc.rpartition("@")
        host, colon, port = host_port.partition(":")
        try:
            netloc = f"{userinfo}{at}{host.encode('idna').decode('ascii')}{colon}{port}"
        except UnicodeError:
            raise ValueError(value) from None
    path = encoded_url(parts.path)
    url = value if (netloc, path) == (parts.netloc, parts.path) else f"{parts.scheme}://{netloc}{path}"
    return url if url.endswith("/") else url + "/"


def decoded(src: str) -> str | None:
    """*src* with its percent-escapes decoded (``outra%20foto.png`` → ``outra foto.png``),
    or None when it holds none or they are not UTF-8."""
    if "%" not in src:
        return None
    try:
        text = unquote(src, errors="strict")
    except UnicodeDecodeError:
        return None
    return text if text != src else None


def asset_path(src: str) -> str | None:
    """Normalize an image ``src`` to a site path, or None if it cannot be one.

    ``images/a.png``, ``/images/a.png`` and ``./images/a.png`` all give ``images/a.png``;
    URLs with a scheme or host, ``..`` escapes and empty paths give None.
    """
    src = unicodedata.normalize("NFC", src.strip())
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or parts.query or parts.fragment or not parts.path:
        return None
    raw = parts.path.lstrip("/")
    if not raw or "\\" in raw or "\x00" in raw or ".." in raw.split("/"):
        return None
    path = posixpath.normpath(raw)
    return path if is_safe_path(path) and path != "." else None


def base_path(base_url: str) -> str:
    """The URL path prefix of the site: ``https://x.pt/noticias/`` → ``/noticias/``."""
    path = urlsplit(base_url).path or "/"
    return path if path.endswith("/") else path + "/"


def purge_urls(base_url: str, paths: Iterable[str]) -> list[str]:
    """The public URLs of the output files *paths* (``base_url`` + `url_path`), sorted: what
    a CDN may hold a copy of. A folder's ``index.html`` is also served as the folder's URL
    (``mundo/``), so both are listed."""
    found = set()
    for path in paths:
        found.add(base_url + url_path(path))
        if path == "index.html" or path.endswith("/index.html"):
            found.add(base_url + url_path(path.removesuffix("index.html")))
    return sorted(found)
