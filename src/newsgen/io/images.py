"""The image files of a site as inputs: each one inspected once per file version
(`ImageSources`, kept in the build cache by signature, by `newsgen.io.photos.inspect`).
"""
from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from newsgen.core.errors import Problem, warning
from newsgen.core.pictures import Source
from newsgen.io.digests import sha256_and_size
from newsgen.io.fileid import Signature, signature
from newsgen.io.sources import source_name

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg"})


class ImageSources:
    """Every image asset inspected once per file version: its digest, upright size, kind
    and metadata (`newsgen.io.photos.inspect`). A file whose signature is the one it had
    is not read; one whose signature changed (a fresh checkout in CI gives every file a
    new mtime and inode) is hashed, and inspected only if its bytes are new (hashing is
    ~25 times cheaper than inspecting, which decodes the image). A cold build inspects in
    *jobs* threads (Pillow decodes and hashlib hashes without the GIL)."""

    def __init__(self, known: dict[str, tuple[Signature, Source]] | None = None, jobs: int = 1) -> None:
        self.known = known or {}
        self.jobs = jobs

    def inspect(self, assets: Mapping[str, Path], site_dir: Path) -> dict[str, Source]:
        """The `Source` of every image in *assets* (site path → file)."""
        found, seen, todo = {}, {}, []
        for path, file in assets.items():
            if file.suffix.lower() not in IMAGE_SUFFIXES:
                continue
            sig = signature(file.stat())
            known = self.known.get(str(file))
            if known is not None and known[0] == sig:
                found[path], seen[str(file)] = known[1], known
            else:
                todo.append((path, file, sig))
        if todo:
            by_bytes = {(Path(name).suffix.lower(), source.digest): source for name, (_, source) in self.known.items()}
            with ThreadPoolExecutor(max(1, min(self.jobs, len(todo)))) as pool:
                for (path, file, sig), source in zip(todo, pool.map(lambda item: _inspected(item[1], by_bytes), todo)):
                    found[path], seen[str(file)] = source, (sig, source)
        self.known = seen
        return found


def _inspected(file: Path, by_bytes: Mapping[tuple[str, str], Source]) -> Source:
    """*file*'s `Source`: the one known for its bytes (and suffix), else inspected."""
    digest, _ = sha256_and_size(file)
    known = by_bytes.get((file.suffix.lower(), digest))
    if known is not None:
        return known
    from newsgen.io.photos import inspect

    return inspect(file)


def sizes_of(sources: Mapping[str, Source]) -> dict[str, tuple[int, int]]:
    """Width and height of each image whose size is known."""
    return {path: (s.width, s.height) for path, s in sources.items() if s.width > 0 and s.height > 0}


def published_as_is(sources: Mapping[str, Source], static: Mapping[str, Path], used: set[str],
                    site_dir: Path) -> list[Problem]:
    """What the editor hears about a file of static/ that no article shows, so it is
    published byte for byte: an error if its metadata holds a position, a warning if it
    is no readable image."""
    problems = []
    for path in sorted(static.keys() - used):
        source = sources.get(path)
        if source is None:
            continue
        name = source_name(static[path], site_dir)
        if source.gps:
            problems.append(Problem(name, 0, "its metadata holds a GPS position and no article shows it, so it would "
                                             "be published as it is: remove the position from the file"))
        elif source.kind == "broken" or (source.width == 0 and path.endswith(".svg")):
            problems.append(warning(name, 0, "not a readable image: it is shown without width and height"))
    return problems
