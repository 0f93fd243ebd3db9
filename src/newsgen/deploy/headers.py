"""The HTTP headers an object is stored with: Content-Type from newsgen's one table
(`newsgen.core.mediatypes`, which the preview serves by too), Content-Encoding for
precompressed siblings, Cache-Control from the site's rules and then the defaults.
"""
from __future__ import annotations

import fnmatch
from collections.abc import Collection, Sequence
from typing import NamedTuple

from newsgen.core.deploysettings import CacheRule
from newsgen.core.mediatypes import content_type

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
