"""What the preview serves for a request path: a file of its copy (never one outside it),
a redirect, or nothing; and each file's content type."""
from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import quote, unquote

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".wasm": "application/wasm",
}


def locate(root: Path, prefix: str, url_path: str) -> tuple[str, Path | str | None]:
    """Map a request path to ``("file", path)``, ``("redirect", location)`` or
    ``("missing", None)``. Nothing outside *root* is ever returned: ``..`` (raw or
    percent-encoded), backslashes, NUL and symlinks leading out all count as missing."""
    path = unquote(url_path, errors="strict") if "%" in url_path else url_path
    mount = unquote(prefix)  # *prefix* is a URL path: percent-encoded
    if not path.startswith(mount):
        return ("redirect", prefix) if path in ("/", mount.rstrip("/")) else ("missing", None)
    parts = path[len(mount):].split("/")
    if any(part in (".", "..") or "\\" in part or "\0" in part for part in parts):
        return ("missing", None)
    candidate = root.joinpath(*(part for part in parts if part))
    try:
        real = candidate.resolve()
        if not real.is_relative_to(root):
            return ("missing", None)
        if real.is_dir():
            if not path.endswith("/"):
                return ("redirect", quote(path + "/"))
            index = (real / "index.html").resolve()
            return ("file", index) if index.is_file() and index.is_relative_to(root) else ("missing", None)
        return ("file", real) if real.is_file() else ("missing", None)
    except (OSError, RuntimeError):  # a name too long for the filesystem, a symlink loop
        return ("missing", None)


def content_type(path: Path) -> str:
    known = TYPES.get(path.suffix.lower())
    return known or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
