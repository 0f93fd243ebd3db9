"""Who reads what: for each entity (an article, a tag), the outputs of the last plan whose
key reads its key (`newsgen.core.dependencies.Recording`). An edit re-keys exactly those.

Found from the outputs on first use (0.1 s at 10,000 articles: the preview server asks
while the editor reads), then carried over by every quick re-plan. The build cache keeps
them packed: output numbers as raw arrays, not 150,000 pickled ints (30 ms to save and
load at 10,000 articles). An edit looks its entity's outputs up in them and saves them
back as they came; an addition, which moves outputs, leaves the arrays as they are and
says where each output they number went (`SavedReaders.moves`: one number per output,
composed addition after addition, where mapping the arrays took 0.2 s for the 3.4
million numbers of a 100,000-article site), and notes what the outputs it keyed again
read beside them.
"""
from __future__ import annotations

import sys
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple, Protocol

from newsgen.core.dependencies import reads_of
from newsgen.core.outputs import Keys

_ARRAY = "I"
PACKING = f"{_ARRAY}{array(_ARRAY).itemsize}{sys.byteorder}"
"""Packed arrays are read back only by a machine that packs them alike."""


class Keyed(Protocol):
    """An output, as far as its readers go: its key reads entity keys."""

    def key(self, keys: Keys) -> tuple[object, ...]: ...


class SavedReaders(NamedTuple):
    """Readers as the build cache keeps them: the outputs of ``names[i]`` are
    ``flat[offsets[i]:offsets[i + 1]]`` (raw arrays of `PACKING`), each number *p* there
    standing for output ``moves[p]`` when there are moves (a raw array too: the outputs
    moved since the arrays were packed), and those in ``overlay`` (read by outputs keyed
    since the arrays were made); an output number equal to ``total`` (the plan's number
    of outputs) is no output."""

    packing: str
    names: tuple[str, ...]
    offsets: bytes
    flat: bytes
    overlay: dict[str, list[int]]
    total: int
    moves: bytes = b""


class Readers:
    """Which outputs of a plan read which entity's key."""

    def __init__(
        self, outputs: Callable[[], Iterable[Keyed]] | None = None, table: dict[str, list[int]] | None = None,
        saved: SavedReaders | None = None, count: int | None = None,
    ) -> None:
        """*outputs*: makes every output of the plan, to look at when first asked; or
        *table*, what that found, for a plan of *count* outputs; or *saved*, as `saved`
        gave it (ignored unless packed by this code on a machine that packs alike)."""
        self._outputs, self._table, self._count = outputs, table, count
        self._packed = _Packed.restore(saved) if saved is not None else None
        self._index: dict[str, int] | None = None

    @property
    def known(self) -> bool:
        """Whether the table is known (not to be found from the outputs yet)."""
        return self._table is not None or self._packed is not None

    def of(self, entities: Iterable[str], outputs: Callable[[], Iterable[Keyed]] | None = None) -> set[int]:
        """The positions (in the plan) of the outputs that read any of *entities*. *outputs*
        makes the outputs, for readers never found."""
        packed = self._packed
        if self._table is None and packed is not None:
            if self._index is None:
                self._index = dict(zip(packed.names, range(len(packed.names)), strict=True))
            return {i for entity in entities for i in packed.read_by(entity, self._index.get(entity))}
        table = self.find(outputs)
        return {i for entity in entities for i in table.get(entity, ())}

    def find(self, outputs: Callable[[], Iterable[Keyed]] | None = None) -> dict[str, list[int]]:
        """The table, found now if it was not yet (see `of` for *outputs*)."""
        if self._table is None and self._packed is not None:
            self._table = self._packed.table()
        elif self._table is None:
            found = self._outputs or outputs
            assert found is not None, "readers restored without a table need the outputs"
            self._table, self._count = _readers(found())
            self._outputs = None  # they hold a whole site: let them go
        return self._table

    def saved(self) -> SavedReaders | None:
        """The readers for the build cache (None if not known)."""
        if self._packed is not None:
            return self._packed.saved()
        if self._table is None or self._count is None:
            return None
        return _Packed.pack(self._table, self._count).saved()

    def moved(
        self, now_at: Sequence[int | None], total: int, keyed: Mapping[int, Keyed],
        outputs: Callable[[], Iterable[Keyed]],
    ) -> Readers:
        """The readers of a plan of *total* outputs made from this one: ``now_at[i]`` is
        where this plan's output *i* stands in it, unchanged (None: gone, or keyed again);
        *keyed*: the outputs keyed again, by position, whose reads are recorded now;
        *outputs*: all of that plan's, for readers never found."""
        if not self.known:
            return Readers(outputs)
        if self._packed is not None and self._packed.total == len(now_at):
            moved = self._packed.moved([total if i is None else i for i in now_at] + [total], total)
            for i, entity in reads_of(sorted(keyed.items())):
                moved.overlay.setdefault(entity, []).append(i)
            if sum(map(len, moved.overlay.values())) > len(moved.flat) // 4:
                return Readers(table=moved.table(), count=total)  # packed afresh when saved
            return Readers(saved=moved.saved())
        table: dict[str, list[int]] = {}
        for entity, before in self.find().items():
            kept = [at for i in before if (at := now_at[i]) is not None]
            if kept:
                table[entity] = kept
        for i, entity in reads_of(sorted(keyed.items())):
            table.setdefault(entity, []).append(i)
        return Readers(table=table, count=total)


class _Packed(NamedTuple):
    """`SavedReaders` with its arrays unpacked (read in place: views of the saved bytes)."""

    names: tuple[str, ...]
    offsets: array[int] | memoryview
    flat: array[int] | memoryview
    overlay: dict[str, list[int]]
    total: int
    moves: array[int] | memoryview | None = None
    """Where each output *flat* numbers went since the arrays were packed (None: nowhere)."""
    source: SavedReaders | None = None
    """The saved readers these are, unchanged (saved again as the very same object, which
    tells the build cache it need not save them: `newsgen.incremental.indexdelta`)."""

    @classmethod
    def pack(cls, table: Mapping[str, list[int]], count: int) -> _Packed:
        offsets, flat = array(_ARRAY, [0]), array(_ARRAY)
        for outputs in table.values():
            flat.extend(outputs)
            offsets.append(len(flat))
        return cls(tuple(table), offsets, flat, {}, count)

    @classmethod
    def restore(cls, saved: SavedReaders) -> _Packed | None:
        if saved.packing != PACKING:
            return None
        try:
            offsets, flat = memoryview(saved.offsets).cast(_ARRAY), memoryview(saved.flat).cast(_ARRAY)
            moves = memoryview(saved.moves).cast(_ARRAY) if saved.moves else None
        except (TypeError, ValueError):
            return None
        if moves is not None and (not moves or moves[-1] != saved.total):
            return None  # not moves of these readers: found again from the outputs
        return cls(saved.names, offsets, flat, saved.overlay, saved.total, moves, saved)

    def saved(self) -> SavedReaders:
        if self.source is not None:
            return self.source
        moves = _raw(self.moves) if self.moves is not None else b""
        return SavedReaders(PACKING, self.names, _raw(self.offsets), _raw(self.flat), self.overlay, self.total, moves)

    def read_by(self, entity: str, i: int | None) -> list[int]:
        """The outputs that read *entity*, ``names[i]``."""
        found: list[int] = []
        if i is not None:
            numbers = self.flat[self.offsets[i] : self.offsets[i + 1]]
            moved = map(self.moves.__getitem__, numbers) if self.moves is not None else numbers
            found = [p for p in moved if p != self.total]
        return found + self.overlay.get(entity, [])

    def table(self) -> dict[str, list[int]]:
        table = {name: self.read_by(name, i) for i, name in enumerate(self.names)}
        table.update((entity, self.read_by(entity, None)) for entity in self.overlay.keys() - table.keys())
        return {entity: found for entity, found in table.items() if found}

    def moved(self, now_at: list[int], total: int) -> _Packed:
        """Every output number *p* as ``now_at[p]`` (*total*: no output): the arrays kept,
        their moves composed with *now_at*; a fresh overlay."""
        moves = array(_ARRAY, now_at if self.moves is None else map(now_at.__getitem__, self.moves))
        overlay = {e: [now_at[p] for p in found if now_at[p] != total] for e, found in self.overlay.items()}
        return _Packed(self.names, self.offsets, self.flat, overlay, total, moves)


def _raw(numbers: array[int] | memoryview) -> bytes:
    """The bytes of *numbers*: those they are a view of, if they are a view of all of them."""
    if isinstance(numbers, memoryview) and isinstance(numbers.obj, bytes) and numbers.nbytes == len(numbers.obj):
        return numbers.obj
    return numbers.tobytes()


def _readers(outputs: Iterable[Keyed]) -> tuple[dict[str, list[int]], int]:
    """The table of *outputs*, and how many they are."""
    table: dict[str, list[int]] = defaultdict(list)
    listed = list(outputs)
    for i, entity in reads_of(enumerate(listed)):
        table[entity].append(i)
    return dict(table), len(listed)
