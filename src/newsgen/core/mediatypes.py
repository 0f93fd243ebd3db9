"""The Content-Type of every file newsgen publishes, from one fixed table (never the
machine's ``mimetypes``, which differ between hosts): what the deploy stores each object
with, and what the preview serves, so that an editor's preview answers as the CDN will."""
from __future__ import annotations

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


def content_type(path: str) -> str:
    """The Content-Type of a file by its extension, with ``charset=utf-8`` for text."""
    suffix = _suffix(path)
    if suffix in TEXT_TYPES:
        return f"{TEXT_TYPES[suffix]}; charset=utf-8"
    return BINARY_TYPES.get(suffix, DEFAULT_TYPE)


def _suffix(path: str) -> str:
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""
