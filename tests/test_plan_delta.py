"""The plan's shape after an addition: saved as what changed since it was saved whole
(``plan-delta``), read back against it as the very lists a plan saved whole would give,
and the site still the one a build from scratch writes; a delta of another base is never
applied, a damaged one means planning the whole site."""
from __future__ import annotations

import pickle
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from newsgen.core.changedrows import list_difference, rebuilt_list
from newsgen.incremental import shapedelta
from newsgen.incremental.memory import PlanShape
from newsgen.incremental.shapedelta import DELTA, PLAN, ShapeDelta, load_plan
from newsgen.incremental.store import HEADER, BuildCache

from helpers.archive import CACHE, PATHS, assert_same_as_cold, copy_sources, edit, write_archive, write_article
from helpers.sites import SiteDir

ADDED = ("content/mundo/2025-07-13-ultima-hora.md", "content/europa/2025-07-14-outra-hora.md")


@pytest.fixture
def archive(site: SiteDir, monkeypatch: pytest.MonkeyPatch) -> SiteDir:
    """The archive, built once with its cache; its lists (50 articles) diffed as a large
    site's are, and any delta smaller than the plan kept."""
    monkeypatch.setattr(shapedelta, "DIFFED", 2)
    monkeypatch.setattr(shapedelta, "SHARE", 1)
    write_archive(site)
    site.build(cache=site.root / CACHE)
    assert not (site.root / CACHE / DELTA).exists()
    return site


def add(site: SiteDir, path: str, **fields: object) -> None:
    day = path.rsplit("/", 1)[1][:10]
    write_article(site, path, headline=f"Notícia nova de {day}", timestamp=f"{day}T10:00", hashtags=["Ucrânia", "NATO"], **fields)


def shape_of(site: SiteDir) -> PlanShape:
    """The plan's shape as the next build reads it."""
    store = BuildCache(site.root / CACHE)
    index = store.load_index()
    shape, _ = load_plan(store, {name: entry.article for name, entry in index.articles.items() if entry.article is not None})
    assert shape is not None
    return shape


def lists_of(shape: PlanShape) -> dict[str, Any]:
    """Every list of *shape*, as its articles' files."""
    site = shape.site

    def files(articles: tuple[Any, ...]) -> tuple[str, ...]:
        return tuple(a.source for a in articles)

    return {
        "articles": files(site.articles), "in source order": files(shape.articles),
        "tags": [(t.key, files(t.articles)) for t in site.tags], "archives": [(a.path, files(a.articles)) for a in site.archives],
        "sections": {k: files(v) for k, v in site.sections.items()}, "branches": {k: files(v) for k, v in site.branches.items()},
        "related": {k: files(v) for k, v in site.related.items()}, "tag index": {k: files(t.articles) for k, t in site.tag_index.items()},
        "newest": [(files(articles), moment) for articles, moment in shape.newest],
    }


def test_an_addition_saves_the_plan_against_the_one_saved_whole(archive: SiteDir, tmp_path: Path) -> None:
    plan = archive.root / CACHE / PLAN
    whole = plan.read_bytes()
    add(archive, ADDED[0])
    assert_same_as_cold(archive)
    assert plan.read_bytes() == whole, "an addition rewrote the whole plan"
    assert (archive.root / CACHE / DELTA).stat().st_size * 2 < len(whole)
    assert_lists_as_saved_whole(archive, tmp_path / "first")

    edit(archive, PATHS[4], headline="Um título editado depois da notícia nova")
    assert_same_as_cold(archive)
    add(archive, ADDED[1], section="europa")
    assert_same_as_cold(archive)
    assert plan.read_bytes() == whole, "the second delta is against the same base"
    assert_lists_as_saved_whole(archive, tmp_path / "second")

    (archive.root / PATHS[9]).unlink()  # a deletion: planned afresh (its related lists all new: saved whole)
    assert_same_as_cold(archive)
    assert_lists_as_saved_whole(archive, tmp_path / "third")
    edit(archive, PATHS[20], headline="Outro título, depois de tudo")
    assert_same_as_cold(archive)


def assert_lists_as_saved_whole(site: SiteDir, folder: Path) -> None:
    """The shape read through the delta has the very lists the same build saves whole."""
    through_delta = lists_of(shape_of(site))
    copy = copy_sources(site, folder)
    shutil.copytree(site.root / CACHE, copy.root / CACHE)
    (copy.root / CACHE / DELTA).unlink(missing_ok=True)
    copy.build(cache=copy.root / CACHE)  # plans afresh (the plan's token is not the index's) and saves it whole
    assert not (copy.root / CACHE / DELTA).exists()
    assert through_delta == lists_of(shape_of(copy))


def test_a_delta_of_another_base_is_never_applied(archive: SiteDir, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build stopped after saving the plan whole, before removing the old delta, leaves
    that delta beside a base it was not written against: the next build ignores it."""
    folder = archive.root / CACHE
    add(archive, ADDED[0])
    assert_same_as_cold(archive)
    stale = (folder / DELTA).read_bytes()
    with monkeypatch.context() as patched:
        patched.setattr(shapedelta, "SHARE", 10**9)  # any delta is too large: saved whole
        add(archive, ADDED[1], section="europa")
        assert_same_as_cold(archive)
    assert not (folder / DELTA).exists()
    alone = lists_of(shape_of(archive))
    (folder / DELTA).write_bytes(stale)
    assert lists_of(shape_of(archive)) == alone
    edit(archive, PATHS[4], headline="Outro título, depois do delta velho")
    result = assert_same_as_cold(archive)
    assert not [w for w in result.warnings if w.path == CACHE]


class _Pointing(pickle.Pickler):
    """Writes a delta whose site is at a place no base has."""

    def __init__(self, file: Any, token: str) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.token = token

    def persistent_id(self, obj: object) -> object:
        if obj == "BASE":
            return ("base", self.token.encode())
        return ("at", ("site", "nowhere")) if obj == "SITE" else None


def test_a_damaged_delta_means_planning_the_whole_site(archive: SiteDir) -> None:
    folder = archive.root / CACHE
    add(archive, ADDED[0])
    assert_same_as_cold(archive)
    with open(folder / DELTA, "wb") as file:
        file.write(HEADER)
        _Pointing(file, _base_token(folder)).dump(ShapeDelta("BASE", PlanShape("t", "SITE", (), {}, {}, ())))  # type: ignore[arg-type]
    edit(archive, PATHS[20], headline="Um título depois do dano")
    result = assert_same_as_cold(archive)
    assert [w.message for w in result.warnings if w.path == CACHE] == [
        "plan-delta is not newsgen's; planning the whole site"
    ]


def _base_token(folder: Path) -> str:
    """The token of the plan saved whole (its articles left unread)."""

    class Unlinked(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            if name == "_Linked":
                return lambda name: None
            return super().find_class(module, name)

    with open(folder / PLAN, "rb") as file:
        file.readline()
        shape = Unlinked(file).load()
    assert isinstance(shape, PlanShape)
    return shape.token


@pytest.mark.parametrize("seed", range(4))
def test_a_list_is_rebuilt_from_its_difference_with_the_bases(seed: int) -> None:
    """Items dropped and inserted anywhere (an addition's article, a deletion): the very
    items back, in order; items that moved among the others are no such difference."""
    rng = random.Random(seed)
    for _ in range(500):
        was = tuple(object() for _ in range(rng.randint(0, 40)))
        now = list(was)
        for _ in range(rng.randint(0, 3)):
            if now and rng.random() < 0.4:
                now.pop(rng.randrange(len(now)))
            else:
                now.insert(rng.randint(0, len(now)), object())
        swapped = rng.random() < 0.1 and len(set(now[:2])) == 2
        if swapped:
            now[0], now[1] = now[1], now[0]
        difference = list_difference(was, tuple(now))
        if difference is None:
            assert swapped or len(now) < 6, "a difference of a few items was not found"
            continue
        rebuilt = rebuilt_list(was, *difference)
        assert len(rebuilt) == len(now) and all(a is b for a, b in zip(rebuilt, now, strict=True))
