"""The build cache's index after an edit: only the rows that changed are saved (beside the
index saved whole), and the site stays the one a build from scratch writes; an addition
saves where its outputs stand, and the readers it moved; a delta left from another whole save is never applied; the rows
of many saves in a row always load as they were saved. And the saved plan's dates of
its lists, which an edit in a new process need not find again."""
from __future__ import annotations

import pickle
import random
from pathlib import Path

import pytest

from newsgen.core.changedrows import row_changes, with_inserted
from newsgen.incremental.cacheindex import Index
from newsgen.incremental.indexdelta import Delta
from newsgen.incremental.memory import PlanKeys, PlanShape
from newsgen.incremental.readers import PACKING, SavedReaders
from newsgen.incremental.store import DELTA, HEADER, BuildCache

from helpers.archive import (
    ARTICLES, CACHE, COUNT, PATHS, assert_same_as_cold, cold_tree, edit, tree_diff, url_of, write_archive, write_article,
)
from helpers.sites import NOW, SiteDir, tree


@pytest.fixture
def archive(site: SiteDir) -> SiteDir:
    """The archive, built once with its cache: its index saved whole, no delta."""
    write_archive(site)
    site.build(cache=site.root / CACHE)
    assert not (site.root / CACHE / DELTA).exists()
    return site


def saved_delta(site: SiteDir) -> Delta:
    return _delta(site.root / CACHE)


def saved_order(folder: Path) -> object:
    return _delta(folder).order


def _delta(folder: Path) -> Delta:
    with open(folder / DELTA, "rb") as file:
        assert file.readline() == HEADER
        found = pickle.load(file)
    assert isinstance(found, Delta)
    return found


def test_edits_and_additions_save_only_their_rows(archive: SiteDir) -> None:
    index = archive.root / CACHE / "index"
    whole = index.read_bytes()

    edit(archive, PATHS[4], headline="Primeira correção do título")
    assert_same_as_cold(archive)
    assert index.read_bytes() == whole, "an edit rewrote the whole index"
    first = saved_delta(archive)
    assert list(first.keys) == [url_of(PATHS[4])], "the edited article's key, no other entity's"
    assert first.outputs and len(first.outputs) < 30, "the pages that show the headline, not every page"
    assert (archive.root / CACHE / DELTA).stat().st_size * 5 < len(whole)

    edit(archive, PATHS[20], headline="Segunda correção, noutra notícia")
    assert_same_as_cold(archive)
    second = saved_delta(archive)
    assert index.read_bytes() == whole
    assert first.outputs.keys() <= second.outputs.keys(), "the second delta lost the first one's rows"
    assert second.keys.keys() == {url_of(PATHS[4]), url_of(PATHS[20])}

    write_article(archive, "content/mundo/2025-07-13-ultima-hora.md", headline="Notícia acabada de chegar",
                  timestamp="2025-07-13T10:00", hashtags=["Ucrânia"])
    result = assert_same_as_cold(archive)
    assert result.articles == COUNT + 1
    assert index.read_bytes() == whole, "an addition rewrote the whole index"
    added = saved_delta(archive)
    assert added.order is not None and added.readers is not None, "an addition moves outputs and their readers"
    page = url_of("content/mundo/2025-07-13-ultima-hora.md").strip("/") + "/index.html"
    assert page in dict(added.order.inserted).values() and page in added.outputs
    assert second.keys.keys() <= added.keys.keys()

    edit(archive, PATHS[4], headline="Terceira correção, depois da notícia nova")
    assert_same_as_cold(archive)
    assert index.read_bytes() == whole
    assert saved_delta(archive).order == added.order, "an edit keeps the addition's order"


def test_a_delta_of_another_whole_index_is_never_applied(archive: SiteDir, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build stopped after saving the index whole, before removing the old delta, leaves
    that delta beside an index it does not belong to: the next build ignores it."""
    from newsgen.incremental import indexdelta

    folder = archive.root / CACHE
    edit(archive, PATHS[4], headline="Um título que o delta guarda")
    assert_same_as_cold(archive)
    stale = (folder / DELTA).read_bytes()

    with monkeypatch.context() as patched:  # a delta of one row is past its share: the index is saved whole
        patched.setattr(indexdelta, "FEW", 0)
        patched.setattr(indexdelta, "SHARE", 10**6)
        write_article(archive, "content/mundo/2025-07-13-ultima-hora.md", headline="Notícia acabada de chegar",
                      timestamp="2025-07-13T10:00", hashtags=["Ucrânia"])
        assert_same_as_cold(archive)
    assert not (folder / DELTA).exists()
    alone = BuildCache(folder).load_index()
    (folder / DELTA).write_bytes(stale)
    beside = BuildCache(folder).load_index()
    assert (beside.outputs, beside.signatures, beside.plan) == (alone.outputs, alone.signatures, alone.plan)

    edit(archive, PATHS[4], headline="Outro título, depois do delta velho")
    assert_same_as_cold(archive)


def test_a_delta_past_its_share_of_the_rows_saves_the_index_whole(archive: SiteDir, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsgen.incremental import indexdelta

    monkeypatch.setattr(indexdelta, "FEW", 0)
    monkeypatch.setattr(indexdelta, "SHARE", 10**6)  # a single row is past it
    index = archive.root / CACHE / "index"
    whole = index.read_bytes()
    edit(archive, PATHS[4], headline="Uma correção que passa a quota")
    assert_same_as_cold(archive)
    assert index.read_bytes() != whole and not (archive.root / CACHE / DELTA).exists()


def test_an_edit_put_back_after_another_edit_equals_a_cold_build(archive: SiteDir) -> None:
    """A's rows must outlive B's delta: reverting A then finds its pages as last written."""
    original = ARTICLES[PATHS[4]]
    edit(archive, PATHS[4], headline="Título provisório da notícia 4")
    assert_same_as_cold(archive)
    edit(archive, PATHS[20], headline="Outra notícia, outro título")
    assert_same_as_cold(archive)
    write_article(archive, PATHS[4], **original)
    assert_same_as_cold(archive)
    assert "Título provisório" not in archive.page(url_of(PATHS[4]))
    assert (archive.root / CACHE / DELTA).exists()


def test_rows_changed_dropped_and_added_again_survive_many_saves(tmp_path: Path) -> None:
    """Saved through deltas (and now and then whole), the index always loads as saved:
    rows changed, dropped and added back, whatever the order."""
    rng = random.Random(7)
    folder = tmp_path / "cache"
    outputs = {f"page-{i}/index.html": "k0" for i in range(60)}
    keys = {f"entity-{i}": "v0" for i in range(40)}
    signatures = {f"content/{i}.md": (1, 1, i) for i in range(40)}
    readers = SavedReaders(PACKING, (), b"\0\0\0\0", b"", {}, 0)
    BuildCache(folder).save_index(Index({}, dict(signatures), dict(outputs), "t", "", {}, PlanKeys("x", dict(keys), "s", 60, readers, (None, None), NOW, ())))
    deltas = reordered = 0
    for step in range(150):
        store = BuildCache(folder)
        index = store.load_index()
        assert index.plan is not None
        assert (index.outputs, index.signatures, index.plan.keys) == (outputs, signatures, keys), step
        assert list(index.outputs) == list(outputs)
        assert index.plan.readers == readers, step
        for _ in range(rng.randint(0, 3)):
            outputs[f"page-{rng.randrange(60)}/index.html"] = rng.choice(["k0", "k1", "k2"])
        if rng.random() < 0.3:  # an addition: outputs come (or come back) among the others, some go
            listed = list(outputs.items())
            for _ in range(rng.randint(1, 3)):
                listed.insert(rng.randint(0, len(listed)), (f"page-{rng.randrange(90)}/index.html", "k3"))
            for _ in range(rng.randint(0, 2)):
                listed.pop(rng.randrange(len(listed)))
            if rng.random() < 0.1:  # two outputs swap places: the index is saved whole
                i, j = rng.randrange(len(listed)), rng.randrange(len(listed))
                listed[i], listed[j] = listed[j], listed[i]
            outputs = dict(reversed(listed))  # the first of a name stands where it stands
            outputs = dict(reversed(outputs.items()))
        for _ in range(rng.randint(0, 3)):
            entity = f"entity-{rng.randrange(50)}"
            if rng.random() < 0.4:
                keys.pop(entity, None)
            else:
                keys[entity] = rng.choice(["v0", "v1"])
        signed = dict(signatures)
        for _ in range(rng.randint(0, 3)):
            name = f"content/{rng.randrange(50)}.md"
            if rng.random() < 0.4:
                signed.pop(name, None)
            else:
                signed[name] = (rng.randrange(3), 1, 1)
        resigned = row_changes(index.signatures, signed)
        signatures = signed
        kept = index.plan.readers
        if rng.random() < 0.15:  # moved by an addition (the same names and arrays), found afresh, or both
            assert kept is not None
            moves = step.to_bytes(4, "little") * rng.randint(1, 3)
            if rng.random() < 0.4:
                kept = kept._replace(overlay={"x": [step]}, total=len(outputs), moves=moves)
            else:
                names = kept.names if rng.random() < 0.5 else (f"entity-{step}",)
                kept = SavedReaders(PACKING, names, b"\0\0\0\0" * (len(names) + 1), b"", {"x": [step]}, len(outputs), moves)
        store.save_index(Index({}, dict(signatures), dict(outputs), "t", "", {}, PlanKeys("x", dict(keys), "s", 60, kept, (None, None), NOW, ())), resigned)
        readers = kept
        deltas += (folder / DELTA).exists()
        reordered += (folder / DELTA).exists() and saved_order(folder) is not None
    assert 100 < deltas < 150, "both kinds of save were exercised"
    assert reordered > 20, "deltas that move outputs were exercised"


@pytest.mark.parametrize(("was", "now", "changed", "gone"), [
    ({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}, ["b", "c"], set()),  # side by side, grown
    ({"a": 1, "b": 2}, {"b": 2, "a": 5}, ["a"], set()),  # another order: looked up
    ({"a": 1, "b": 2, "c": 3}, {"a": 1, "d": 3}, ["d"], {"b", "c"}),  # one added, two gone
    ({"b": 1}, {"a": None, "b": 1}, ["a"], set()),  # a new row whose value is None
    ({"a": None}, {}, [], {"a"}),
])
def test_changed_rows_and_gone_ones(was: dict[str, object], now: dict[str, object], changed: list[str], gone: set[str]) -> None:
    assert row_changes(was, now) == (changed, gone)


def test_rows_inserted_land_where_one_insertion_after_another_puts_them() -> None:
    rng = random.Random(3)
    for _ in range(300):
        items = list(range(rng.randint(0, 30)))
        expected = list(items)
        places = []
        for n in range(rng.randint(0, 6)):
            at = rng.randint(0, len(expected))
            expected.insert(at, f"new-{n}")
            places = [(p + (p >= at), name) for p, name in places] + [(at, f"new-{n}")]
        assert with_inserted(items, sorted(places)) == expected
    with pytest.raises(ValueError):
        with_inserted([1, 2], [(4, "past the end")])
    with pytest.raises(ValueError):
        with_inserted([1, 2], [(1, "a"), (0, "out of order")])


def test_a_delta_that_is_no_delta_means_a_warning_and_a_fresh_start(archive: SiteDir) -> None:
    edit(archive, PATHS[4], headline="Um título antes do dano")
    assert_same_as_cold(archive)
    (archive.root / CACHE / DELTA).write_bytes(HEADER + pickle.dumps({"not": "a delta"}))
    edit(archive, PATHS[20], headline="Um título depois do dano")
    result = assert_same_as_cold(archive)
    assert [w.message for w in result.warnings if w.path == CACHE] == [
        "index-delta is not newsgen's; discarded, building from scratch"
    ]


@pytest.mark.parametrize("damage", ["a page of the base inserted again", "a page inserted with no key", "a place past the end"])
def test_an_order_that_cannot_be_the_bases_is_damage(archive: SiteDir, damage: str) -> None:
    write_article(archive, "content/mundo/2025-07-13-ultima-hora.md", headline="Notícia acabada de chegar",
                  timestamp="2025-07-13T10:00", hashtags=["Ucrânia"])
    assert_same_as_cold(archive)
    found = saved_delta(archive)
    assert found.order is not None
    inserted, outputs = list(found.order.inserted), dict(found.outputs)
    if damage == "a page of the base inserted again":
        base = BuildCache(archive.root / CACHE).load("index", Index)
        assert base is not None
        inserted.append((0, next(iter(base.outputs))))
    elif damage == "a page inserted with no key":
        del outputs[inserted[0][1]]
    else:
        inserted.append((10**6, "mundo/nenhures/index.html"))
        outputs["mundo/nenhures/index.html"] = "k"
    damaged = found._replace(order=found.order._replace(inserted=tuple(inserted)), outputs=outputs)
    (archive.root / CACHE / DELTA).write_bytes(HEADER + pickle.dumps(damaged))
    edit(archive, PATHS[20], headline="Um título depois do dano")
    result = assert_same_as_cold(archive)
    assert [w.message for w in result.warnings if w.path == CACHE] == [
        "index-delta is not newsgen's; discarded, building from scratch"
    ]


def test_the_saved_plan_holds_no_lookup_its_site_finds_again(archive: SiteDir) -> None:
    """The site's cached lookups (every article by file, the ranked ones) are found again
    by the next build when asked; saved, they were a quarter of the plan."""
    edit(archive, PATHS[4], headline="Um título que a página inicial mostra")
    built = assert_same_as_cold(archive)
    assert built.articles == COUNT
    store = BuildCache(archive.root / CACHE)
    index = store.load_index()
    articles = {name: entry.article for name, entry in index.articles.items() if entry.article is not None}
    shape = store.load("plan", PlanShape, articles)
    assert shape is not None
    assert shape.site.__dict__.keys().isdisjoint({"by_source", "ranked", "memo"})
    assert shape.site.by_source == {a.source: a for a in shape.site.articles}


def test_a_quick_replan_in_a_new_process_finds_no_list_date_again(archive: SiteDir, monkeypatch: pytest.MonkeyPatch) -> None:
    """The saved plan keeps each list's newest date (the sitemap index needs every tag's
    and month's): an edit in a fresh process finds none of them again, and the lists the
    edit swaps keep theirs (an edit that moves nothing changes no date)."""
    from newsgen.core import listdates
    from newsgen.pipeline import gathering

    found: list[int] = []
    real = listdates.newest
    monkeypatch.setattr(listdates, "newest", lambda articles, now=None: found.append(len(articles)) or real(articles, now))

    monkeypatch.setattr(listdates, "_NEWEST", {})  # a new process
    monkeypatch.setattr(gathering, "keep_newest", lambda site, known=(): listdates.keep_newest(site))
    edit(archive, PATHS[4], headline="Um título, sem as datas guardadas")
    archive.build(cache=archive.root / CACHE)
    assert len(found) > 10, "without the saved dates, every tag's and month's list is read"

    found.clear()
    monkeypatch.setattr(listdates, "_NEWEST", {})
    monkeypatch.setattr(gathering, "keep_newest", listdates.keep_newest)
    edit(archive, PATHS[4], headline="Outro título, com as datas guardadas")
    archive.build(cache=archive.root / CACHE)
    assert found == [], "a list's date was found again"
    assert not tree_diff(tree(archive.out), cold_tree(archive))


def test_the_lists_dates_are_kept_for_one_site_at_a_time(archive: SiteDir) -> None:
    """Each plan keeps only the dates of the last site's lists: a preview server's edits,
    one after another, do not pile up every swapped site's lists."""
    from newsgen.core import listdates

    edit(archive, PATHS[4], headline="Primeiro de seis títulos")
    archive.build(cache=archive.root / CACHE)
    first = len(listdates._NEWEST)
    for n in range(5):
        edit(archive, PATHS[4 + n], headline=f"Título número {n + 2}")
        archive.build(cache=archive.root / CACHE)
    assert first > 10 and len(listdates._NEWEST) <= first + 10
