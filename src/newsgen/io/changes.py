"""The change manifest that ``newsgen build --changes FILE`` writes: every file of the
output, added, changed or unchanged since a baseline, with its SHA-256 and size; every file
deleted since; and the public URLs a CDN must purge (those of the changed and deleted files).

```json
{"format": "newsgen-changes 1", "output": "<token>", "baseline": "the last build",
 "base_url": "https://example.pt/",
 "summary": {"added": 1, "changed": 19, "deleted": 0, "unchanged": 13012},
 "written": ["index.html", "mundo/2026/12/06/x/index.html", …],
 "added": {"mundo/2026/12/06/x/index.html": {"sha256": "…", "size": 30211}},
 "changed": {"index.html": {"sha256": "…", "size": 41022}, …},
 "deleted": [],
 "unchanged": {"css/site.css": {"sha256": "…", "size": 9120}, …},
 "purge": ["https://example.pt/", "https://example.pt/index.html", …]}
```

``written`` lists the paths of ``added`` and ``changed`` together. The baseline is the output as the last build left it (recorded in the cache), or a file
named with ``--since``: an earlier change manifest (the last deploy's) or the manifest
``newsgen deploy`` keeps in the bucket (``.newsgen-deploy.json.gz``).
"""
from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsgen.core.errors import UsageError
from newsgen.core.urls import purge_urls
from newsgen.io.atomic import replacing
from newsgen.io.digests import sha256_and_size
from newsgen.io.layout import MARKER

FORMAT = "newsgen-changes 1"
DEPLOY_FORMAT = "newsgen-deploy 1"
Contents = Mapping[str, tuple[str, int]]
"""Output file → its SHA-256 (hex) and size."""


@dataclass(frozen=True)
class Baseline:
    """What the output held at the baseline."""

    name: str
    """What it is, for the manifest: ``the last build`` or the file it came from."""
    files: Contents


def read_baseline(path: Path) -> Baseline:
    """The baseline in *path*: a change manifest (its added, changed and unchanged files) or
    a deploy manifest (its objects); `UsageError` for anything else."""
    try:
        data = path.read_bytes()
        document = json.loads(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)
    except OSError as exc:
        raise UsageError(message=f"--since {path}: {exc.strerror or exc}") from None
    except (ValueError, EOFError):
        raise UsageError(message=f"--since {path}: not a change manifest nor a deploy manifest (not JSON)") from None
    try:
        if document["format"] == FORMAT:
            files = listed_files(document)
        elif document["format"] == DEPLOY_FORMAT:
            files = {p: _pair(entry[0], entry[1]) for p, entry in document["objects"].items()}
        else:
            raise ValueError(document["format"])
    except (TypeError, KeyError, ValueError, IndexError, AttributeError):
        raise UsageError(message=f"--since {path}: not a change manifest ({FORMAT}) nor a deploy manifest "
                         f"({DEPLOY_FORMAT})") from None
    return Baseline(str(path), files)


def listed_files(manifest: dict[str, Any]) -> dict[str, tuple[str, int]]:
    """Path → (SHA-256, size) of every file a change manifest says the output holds (its
    added, changed and unchanged ones); TypeError, KeyError… for another shape."""
    return {path: _pair(entry["sha256"], entry["size"]) for kind in ("added", "changed", "unchanged")
            for path, entry in manifest[kind].items()}


def _pair(sha: Any, size: Any) -> tuple[str, int]:
    if not isinstance(sha, str) or not isinstance(size, int):
        raise TypeError
    return sha, size


def document(contents: Contents, baseline: Baseline | None, token: str, base_url: str) -> dict[str, Any]:
    """The manifest of an output holding *contents* (marked with *token*), against
    *baseline* (None: none known, so every file is added)."""
    before = baseline.files if baseline is not None else {}
    added, changed, unchanged = {}, {}, {}
    for path in sorted(contents):
        sha, size = contents[path]
        entry = {"sha256": sha, "size": size}
        was = before.get(path)
        if was is None:
            added[path] = entry
        elif was[0] != sha:
            changed[path] = entry
        else:
            unchanged[path] = entry
    deleted = sorted(before.keys() - contents.keys())
    return {
        "format": FORMAT,
        "output": token,
        "baseline": baseline.name if baseline is not None else None,
        "base_url": base_url,
        "summary": {"added": len(added), "changed": len(changed), "deleted": len(deleted), "unchanged": len(unchanged)},
        "written": sorted([*added, *changed]),
        "added": added,
        "changed": changed,
        "deleted": deleted,
        "unchanged": unchanged,
        "purge": purge_urls(base_url, [*changed, *deleted]),
    }


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def write_manifest(path: Path, manifest: Mapping[str, Any]) -> None:
    """Write *manifest* as JSON to *path*, whole or not at all: each key on its line, its
    value on that line. (Indenting every file's entry too would take Python's own
    encoder, not the C one: 1.4 s for the 121,000 files of a 100,000-article site.)"""
    path = path.absolute()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "{\n" + ",\n".join(f" {_ENCODE(key)}: {_ENCODE(value)}" for key, value in manifest.items()) + "\n}\n"
    with replacing(path) as file:
        file.write(text.encode("utf-8"))


def hashed(output: Path, paths: Iterable[str]) -> dict[str, tuple[str, int]]:
    """The SHA-256 and size of each file *paths* names in *output*, read from the disk."""
    return {path: sha256_and_size(output / path) for path in paths}


def listed(folder: Path, relative: str = "") -> Iterator[str]:
    """The paths (``/`` separated, *relative* before them) of the regular files below
    *folder*, but an output's marker; none if there is no such folder."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return
    for entry in entries:
        path = relative + entry.name
        if entry.is_dir(follow_symlinks=False):
            yield from listed(Path(entry.path), path + "/")
        elif entry.is_file(follow_symlinks=False) and path != MARKER:
            yield path
