"""What the preview serves for a request path: a file of its copy (never one outside it),
a redirect, or nothing. Each file is served with the Content-Type the deploy stores it
with (`newsgen.core.mediatypes.content_type`)."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, unquote

from newsgen.core.mediatypes import content_type

HTML, PLAIN_TEXT, SCRIPT = (content_type(name) for name in ("x.html", "x.txt", "x.js"))
"""The preview's own answers (its overlay, its messages, its live-reload script)."""


def site_path(prefix: str, url_path: str) -> str | None:
    """What a request path names below the site's *prefix* (both URL paths, so
    percent-encoded): the rest of it, decoded; None when it is not below the prefix, or
    not UTF-8."""
    try:
        path = unquote(url_path, errors="strict") if "%" in url_path else url_path
    except UnicodeDecodeError:
        return None
    mount = unquote(prefix)
    return path[len(mount):] if path.startswith(mount) else None


def locate(root: Path, prefix: str, url_path: str) -> tuple[str, Path | str | None]:
    """Map a request path to ``("file", path)``, ``("redirect", location)`` or
    ``("missing", None)``. Nothing outside *root* is ever returned: ``..`` (raw or
    percent-encoded), backslashes, NUL and symlinks leading out all count as missing."""
    name = site_path(prefix, url_path)
    if name is None:  # the site's own address without its slash goes to it
        return ("redirect", prefix) if unquote(url_path) in ("/", unquote(prefix).rstrip("/")) else ("missing", None)
    parts = name.split("/")
    if any(part in (".", "..") or "\\" in part or "\0" in part for part in parts):
        return ("missing", None)
    candidate = root.joinpath(*(part for part in parts if part))
    try:
        real = candidate.resolve()
        if not real.is_relative_to(root):
            return ("missing", None)
        if real.is_dir():
            if not name.endswith("/") and name:
                return ("redirect", quote(unquote(prefix) + name + "/"))
            index = (real / "index.html").resolve()
            return ("file", index) if index.is_file() and index.is_relative_to(root) else ("missing", None)
        return ("file", real) if real.is_file() else ("missing", None)
    except (OSError, RuntimeError):  # a name too long for the filesystem, a symlink loop
        return ("missing", None)
