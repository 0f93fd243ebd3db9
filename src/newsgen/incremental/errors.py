"""The one way the build cache fails: it is damaged, or another newsgen wrote it."""
from __future__ import annotations


class CacheError(Exception):
    """The cache cannot be read or was written by another version: discard it (a build
    then warns and starts afresh)."""
