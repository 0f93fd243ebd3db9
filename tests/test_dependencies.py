"""`carry`, the heart of the quick re-plan: after items are inserted into a list, every
output it says is unchanged (at its old position) must show exactly what it showed."""
from __future__ import annotations

import random

import pytest

from newsgen.core.dependencies import Each, Growth, Head, Paged, Whole, carry

NAME = ("tag", "x")


def grown(seed: int) -> tuple[list[int], list[int], Growth]:
    """A list (newest first: larger numbers are newer) and the same list after a few
    insertions, with the `Growth` that describes them."""
    rng = random.Random(seed)
    before = sorted(rng.sample(range(0, 10_000, 2), rng.randint(0, 90)), reverse=True)
    added = rng.sample(range(1, 10_000, 2), rng.randint(1, 4))
    after = sorted(before + added, reverse=True)
    inserted = tuple(sorted(after.index(a) for a in added))
    return before, after, Growth({NAME: inserted}, {NAME: len(after)})


def each_page(items: list[int], i: int) -> tuple[object, ...]:
    """An item's page: the item and its neighbours."""
    return (items[i], items[i - 1] if i else None, items[i + 1] if i + 1 < len(items) else None)


def paged(items: list[int], size: int) -> list[tuple[object, ...]]:
    """The pages of `newsgen.core.site.Site.tag_pages`: page 0 the newest, the list of
    pages and the one holding the next older item; numbered pages from the oldest, each
    with its neighbours and, when it shares no item with page 0, a link to it."""
    oldest_first = items[::-1]
    chunks = [tuple(oldest_first[s : s + size]) for s in range(0, len(oldest_first), size)] if len(items) > size else []
    older = next((n for n, c in enumerate(chunks, start=1) if items[size] in c), None) if chunks else None
    pages: list[tuple[object, ...]] = [(tuple(items[:size]), tuple(c[0] for c in chunks), older)]
    for n, chunk in enumerate(chunks, start=1):
        pages.append((chunk, n > 1, n < len(chunks), not set(chunk) & set(items[:size])))
    return pages


@pytest.mark.parametrize("seed", range(60))
def test_carried_outputs_show_what_they_showed(seed: int) -> None:
    before, after, growth = grown(seed)
    mapping = carry(Each(NAME), len(after), len(before), growth)
    for i, old in enumerate(mapping):
        if old is not None:
            assert each_page(after, i) == each_page(before, old), f"item page {i} (was {old})"
    for size in (3, 20):
        old_pages, new_pages = paged(before, size), paged(after, size)
        for i, old in enumerate(carry(Paged(NAME, size), len(new_pages), len(old_pages), growth)):
            if old is not None:
                assert new_pages[i] == old_pages[old], f"page {i} of {size} (was {old})"
    for i, old in enumerate(carry(Head(NAME, 5), 1, 1, growth)):
        if old is not None:
            assert after[:5] == before[:5]


def test_only_what_an_insertion_touches_is_made_again() -> None:
    """The pages of the new item and its neighbours; nothing else of the list."""
    before = list(range(100, 0, -1))
    after = before[:40] + [0] + before[40:]  # stands at position 40
    growth = Growth({NAME: (40,)}, {NAME: 101})
    mapping = carry(Each(NAME), 101, 100, growth)
    assert [i for i, old in enumerate(mapping) if old is None] == [39, 40, 41]
    assert carry(Whole((("section", "mundo"),)), 3, 3, growth) == [0, 1, 2]
    assert carry(Whole((NAME,)), 3, 3, growth) == [None, None, None]
