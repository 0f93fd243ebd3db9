"""What a deploy does, decided from values alone: which objects to upload in which order,
which to delete, what to remember, which URLs to purge.

What the bucket holds is known from the manifest only where nothing contradicts it: a path
a stopped deploy was changing (the pending list) is unknown, and so is one the listing shows
with another size or ETag (someone wrote it by hand) or does not show at all. An unknown
object is uploaded again if the output has it and deleted if not.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from newsgen.core import urls
from newsgen.deploy.headers import ENCODINGS
from newsgen.deploy.local import LocalFile
from newsgen.deploy.manifest import Stored, normal_etag

PAGE_SUFFIXES = (".html", ".htm")
INDEX_SUFFIXES = (".xml", ".txt", ".json", ".atom", ".rss", ".webmanifest")
ENTRY_POINTS = frozenset({"pagefind/pagefind-entry.json"})
TIERS = ("assets", "pages", "indexes", "entry points")
"""Upload order: what pages link to (stylesheets, scripts, images, media) before the pages;
pages in waves from the deepest folders up (articles, then archives and tags, then the
fronts, the home page last), so that a page is up before the fronts that list it; then what
points at pages (feeds, sitemaps, robots.txt, the search index); last what names the search
index's content-hashed files. Each wave starts once the one before has finished. Deletions
come after all of them, the manifest after the deletions."""


class Listed(NamedTuple):
    """One object in the bucket's listing."""

    size: int
    etag: str


@dataclass(frozen=True)
class Remote:
    """What a deploy may believe of the bucket before it starts."""

    known: Mapping[str, Stored]
    """Objects whose bytes and headers are known (by path after the prefix)."""
    present: frozenset[str]
    """Every path that may hold an object: known or not, each is deleted unless the output has it."""


@dataclass(frozen=True)
class Plan:
    waves: tuple[tuple[LocalFile, ...], ...]
    """The uploads in waves (`TIERS`): a wave starts once the one before has finished."""
    deletions: tuple[str, ...]
    new: frozenset[str]
    """Uploaded paths the bucket did not hold: nothing to purge for them."""
    unchanged: int

    @property
    def uploads(self) -> tuple[LocalFile, ...]:
        return tuple(f for wave in self.waves for f in wave)

    def purge_paths(self) -> list[str]:
        """The objects a CDN may hold an old copy of: changed and deleted ones."""
        return sorted({f.path for f in self.uploads if f.path not in self.new} | set(self.deletions))


def remote_state(manifest: Mapping[str, Stored] | None, pending: frozenset[str] | None,
                 listing: Mapping[str, Listed] | None) -> Remote:
    """Combine the records a deploy finds: the manifest (None: missing or damaged), the
    pending list (None: damaged, so nothing in the manifest is trusted) and the listing
    (None: not asked for, ``--trust-manifest``)."""
    trusted = {} if manifest is None or pending is None else {p: s for p, s in manifest.items() if p not in pending}
    if listing is None:
        return Remote(trusted, frozenset(manifest or ()) | (pending or frozenset()))
    known = {}
    for path, stored in trusted.items():
        seen = listing.get(path)
        if seen is not None and seen.size == stored.size and _same_etag(seen.etag, stored.etag):
            known[path] = stored
    return Remote(known, frozenset(listing))


def make_plan(local: Mapping[str, LocalFile], remote: Remote) -> Plan:
    """Upload every file the bucket does not hold as it is (bytes and headers), delete every
    object the output no longer has."""
    uploads = []
    for path, file in local.items():
        stored = remote.known.get(path)
        if stored is None or (stored.sha256, stored.size, stored.headers) != (file.sha256, file.size, file.headers):
            uploads.append(file)
    waves: dict[tuple[int, int], list[LocalFile]] = {}
    for file in sorted(uploads, key=lambda f: f.path):
        waves.setdefault(wave(file.path), []).append(file)
    return Plan(
        waves=tuple(tuple(waves[key]) for key in sorted(waves)),
        deletions=tuple(sorted(remote.present - local.keys())),
        new=frozenset(f.path for f in uploads if f.path not in remote.present),
        unchanged=len(local) - len(uploads),
    )


def remembered(local: Mapping[str, LocalFile], remote: Remote, etags: Mapping[str, str],
               listing: Mapping[str, Listed] | None) -> dict[str, Stored]:
    """The manifest after a deploy that finished: every output file, with the ETag its
    upload returned (*etags*) or the one it already had."""
    objects = {}
    for path, file in local.items():
        if path in etags:
            etag = etags[path]
        else:
            seen = listing.get(path) if listing is not None else None
            etag = seen.etag if seen is not None and seen.etag else remote.known[path].etag
        objects[path] = Stored(file.sha256, file.size, normal_etag(etag), file.headers)
    return objects


def wave(path: str) -> tuple[int, int]:
    """When *path* is uploaded: its `TIERS` index, then (for pages) deepest folders first."""
    stem, dot, suffix = path.rpartition(".")
    base = stem if dot + suffix in ENCODINGS else path
    if base in ENTRY_POINTS:
        return 3, 0
    if base.endswith(PAGE_SUFFIXES):
        return 1, -base.count("/")
    if base.startswith("pagefind/") or base.endswith(INDEX_SUFFIXES):
        return 2, 0
    return 0, 0


def purge_urls(base_url: str, paths: Iterable[str]) -> list[str]:
    """The public URLs of *paths* (`newsgen.core.urls.purge_urls`: a folder's
    ``index.html`` and the folder both)."""
    return urls.purge_urls(base_url, paths)


def _same_etag(listed: str, stored: str) -> bool:
    """Equal ETags, or one missing (some stores list none): the size then decides alone."""
    return not listed or not stored or normal_etag(listed) == normal_etag(stored)
