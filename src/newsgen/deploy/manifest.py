"""What a deploy leaves in the bucket to know, next time, what the bucket holds.

Two objects beside the site, under the prefix:

- ``.newsgen-deploy.json.gz``, the **manifest**, written last by a deploy that finished:
  every object with its SHA-256, size, headers and the ETag the store gave it. A listing's
  ETag is not a content hash (multipart uploads, SSE-KMS, other stores), and a listing has no
  headers, so the manifest is what says an object is up to date.
- ``.newsgen-deploy.pending.json``, the **pending list**, written before a deploy changes
  anything: every path it is about to upload or delete. A deploy that stops half-way
  leaves it behind; the next deploy trusts nothing the manifest says about those paths, so
  it uploads them again (or deletes them), even if the output has meanwhile gone back to what
  the manifest records.
"""
from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from newsgen.deploy.headers import Headers
from newsgen.io.changes import DEPLOY_FORMAT

MANIFEST = ".newsgen-deploy.json.gz"
PENDING = ".newsgen-deploy.pending.json"
FORMAT = DEPLOY_FORMAT
MANIFEST_HEADERS = Headers("application/gzip", "no-store")
PENDING_HEADERS = Headers("application/json; charset=utf-8", "no-store")
"""Neither record is for caching (they are readable wherever the bucket is public, and
hold nothing the site does not already show: its paths and their hashes)."""


class Stored(NamedTuple):
    """One object as a deploy that finished left it."""

    sha256: str
    size: int
    etag: str
    headers: Headers


def dump_manifest(objects: Mapping[str, Stored]) -> bytes:
    """The manifest's bytes: compact JSON, gzipped (~80 bytes an object), the same bytes
    for the same objects."""
    table: dict[Headers, int] = {}
    entries = {}
    for path in sorted(objects):
        stored = objects[path]
        index = table.setdefault(stored.headers, len(table))
        entries[path] = [stored.sha256, stored.size, stored.etag, index]
    document = {"format": FORMAT, "headers": [list(h) for h in table], "objects": entries}
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    return gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)


def load_manifest(data: bytes) -> dict[str, Stored] | None:
    """The objects a manifest records; None if it is damaged or of another format (the
    deploy then trusts only the listing, and uploads everything)."""
    try:
        document = json.loads(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)
        if document["format"] != FORMAT:
            return None
        table = [Headers(*(str(v) for v in h)) for h in document["headers"]]
        return {
            str(path): Stored(str(sha256), int(size), str(etag), table[index])
            for path, (sha256, size, etag, index) in document["objects"].items()
        }
    except (ValueError, TypeError, KeyError, IndexError, OSError, EOFError):
        return None


def dump_pending(paths: Iterable[str]) -> bytes:
    return json.dumps({"format": FORMAT, "paths": sorted(paths)}, ensure_ascii=False).encode("utf-8")


def load_pending(data: bytes) -> frozenset[str] | None:
    """The paths a deploy that did not finish was changing; None if damaged (the deploy
    then trusts nothing the manifest says)."""
    try:
        document = json.loads(data)
        if document["format"] != FORMAT or not isinstance(document["paths"], list):
            return None
        return frozenset(str(p) for p in document["paths"])
    except (ValueError, TypeError, KeyError):
        return None


def normal_etag(etag: str | None) -> str:
    """An ETag as stores disagree on writing it (quoted in headers, bare in listings)."""
    return (etag or "").removeprefix("W/").strip('"')
