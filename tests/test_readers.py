"""The readers table as the build cache keeps it: packed into arrays, moved along by
additions without unpacking or copying them (only where each output went is new), it must
tell the same outputs as the plain table would."""
from __future__ import annotations

import pickle
import random
from collections.abc import Mapping

import pytest

from newsgen.incremental.readers import Readers


class FakeSpec:
    """An output whose key reads the keys of *paths* (what `Readers` asks of an output)."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths

    def key(self, keys: Mapping[str, str]) -> str:
        return "".join(keys[path] for path in self.paths)


def table_of(readers: Readers) -> dict[str, set[int]]:
    return {path: set(pages) for path, pages in readers.find().items() if pages}


def saved_and_loaded(readers: Readers) -> Readers:
    """As the build cache saves the readers and the next build reads them back."""
    return Readers(saved=pickle.loads(pickle.dumps(readers.saved())))


@pytest.mark.parametrize("seed", range(8))
def test_packed_readers_moved_by_additions_tell_the_pages_the_table_would(seed: int) -> None:
    rng = random.Random(seed)
    paths = [f"mundo/{n}/" for n in range(60)]
    files = [f"page-{n}" for n in range(80)]
    table = {path: sorted(rng.sample(range(len(files)), rng.randint(1, 6))) for path in paths}
    plain, packed = Readers(table=table, count=len(files)), saved_and_loaded(Readers(table=table, count=len(files)))
    assert table_of(packed) == table_of(plain)
    kept = 0
    for addition in range(6):
        before = list(files)
        for _ in range(rng.randint(1, 3)):  # an addition inserts pages: its own, a tag's new page…
            files.insert(rng.randint(0, len(files)), f"new-{addition}-{len(files)}")
        new_paths = [f"novo/{addition}/"]
        specs = {  # the pages keyed again, reading some old articles and the new one
            i: FakeSpec(rng.sample(paths, rng.randint(0, 4)) + new_paths * rng.randint(0, 1))
            for i in rng.sample(range(len(files)), rng.randint(1, 12))
        }
        paths += new_paths
        position = {file: i for i, file in enumerate(files)}
        now_at = [None if position[file] in specs else position[file] for file in before]
        plain = plain.moved(now_at, len(files), specs, lambda: ())  # type: ignore[arg-type]
        arrays = packed.saved()
        moved = packed.moved(now_at, len(files), specs, lambda: ()).saved()  # type: ignore[arg-type]
        assert moved is not None and arrays is not None
        if moved.moves:  # moved, not packed afresh: the arrays are kept as they were, not copied
            assert moved.flat is arrays.flat and moved.offsets is arrays.offsets
            kept += 1
        packed = saved_and_loaded(Readers(saved=moved))
        assert table_of(packed) == table_of(plain), f"addition {addition}"
        edited = rng.sample(paths, 3)
        assert saved_and_loaded(packed).of(edited) == plain.of(edited)
    assert kept, "no addition moved the packed arrays"


def test_readers_packed_elsewhere_are_not_trusted() -> None:
    """Another machine's packing (byte order, integer size), or arrays cut short: found again."""
    saved = Readers(table={"a/": [0, 2]}, count=3).saved()
    assert saved is not None
    assert Readers(saved=saved).known
    assert not Readers(saved=saved._replace(packing="I2big")).known
    assert not Readers(saved=saved._replace(offsets=b"\x00")).known
    assert not Readers(saved=saved._replace(moves=b"\x00\x00\x00\x00")).known, "moves of another plan"
