"""The HTTP headers an object is stored with: Content-Type from a fixed table (never the
machine's mimetypes, which differ between hosts), Content-Encoding for precompressed
siblings, Cache-Control from the site's rules and then the defaults.
"""
from __future__ import annotations

import fnmatch
from collections.abc import Collection, Sequence
from typing import NamedTuple

from newsgen.core.deploysettings import CacheRule

TEXT_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",  # RFC 9239
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
    ".atom": "application/atom+xml",
    ".rss": "application/rss+xml",
    ".xsl": "application/xslt+xml",
    ".svg": "image/svg+xml",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".md": "text/markdown",
    ".ics": "text/calendar",
    ".vtt": "text/vtt",
}
"""Text types, stored with ``; charset=utf-8`` (newsgen writes UTF-8 only)."""
BINARY_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/vnd.microsoft.icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".pdf": "application/pdf",
    ".wasm": "application/wasm",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".zip": "application/zip",
    ".gz": "application/gzip",
    ".zst": "application/zstd",
}
DEFAULT_TYPE = "application/octet-stream"
"""Anything else, Pagefind's index files (``.pf_fragment``, ``.pagefind``) among them."""
ENCODINGS = {".gz": "gzip", ".br": "br", ".zst": "zstd"}
"""A precompressed sibling (``x.html.gz`` beside ``x.html``) is stored with the type of
``x.html`` and this Content-Encoding; a lone ``data.csv.gz`` stays a gzip download."""

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=60, must-revalidate"
ASSET = "public, max-age=3600"


DEFAULT_RULES = (
    CacheRule("media/*", IMMUTABLE),  # content-addressed photos: media/<hash>-<width>.<ext>
    CacheRule("pagefind/fragment/*", IMMUTABLE),  # Pagefind's own content-hashed files
    CacheRule("pagefind/index/*", IMMUTABLE),
    CacheRule("pagefind/*.pf_meta", IMMUTABLE),
    CacheRule("*.html", SHORT),
    CacheRule("*.xml", SHORT),  # feeds and sitemaps
    CacheRule("*.json", SHORT),
    CacheRule("*.txt", SHORT),
    CacheRule("*", ASSET),  # stylesheets and scripts (linked as ?v=<digest>), images, Pagefind's code
)
"""The rules after the site's own. Versioned assets are not immutable: ``?v=`` changes the
URL, not the object, which a CDN that ignores query strings would otherwise keep a year."""


class Headers(NamedTuple):
    content_type: str
    cache_control: str
    content_encoding: str = ""

    def attributes(self) -> dict[str, str]:
        """As an object store's attributes."""
        found = {"Content-Type": self.content_type, "Cache-Control": self.cache_control}
        if self.content_encoding:
            found["Content-Encoding"] = self.content_encoding
        return found


def content_type(path: str) -> str:
    """The Content-Type of a file by its extension, with ``charset=utf-8`` for text."""
    suffix = _suffix(path)
    if suffix in TEXT_TYPES:
        return f"{TEXT_TYPES[suffix]}; charset=utf-8"
    return BINARY_TYPES.get(suffix, DEFAULT_TYPE)


def headers_for(path: str, paths: Collection[str], rules: Sequence[CacheRule] = ()) -> Headers:
    """The headers of output file *path*, *paths* being every file of the output (to tell a
    precompressed sibling) and *rules* the site's own, tried before `DEFAULT_RULES`."""
    stem, dot, suffix = path.rpartition(".")
    encoding = ENCODINGS.get(dot + suffix.lower(), "") if stem in paths else ""
    original = stem if encoding else path
    return Headers(content_type(original), cache_control(original, rules), encoding)


def cache_control(path: str, rules: Sequence[CacheRule] = ()) -> str:
    """The value of the first rule (the site's, then the defaults) that matches *path*."""
    for rule in (*rules, *DEFAULT_RULES):
        if fnmatch.fnmatchcase(path, rule.pattern):
            return rule.value
    raise AssertionError("the last default rule matches every path")


def _suffix(path: str) -> str:
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""
