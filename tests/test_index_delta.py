"""The build cache's index after an edit: only the rows that changed are saved (beside the
index saved whole), and the site stays the one a build from scratch writes; an addition
saves it whole again; a delta left from another whole save is never applied."""
from __future__ import annotations

import pickle

import pytest

from newsgen.incremental.indexdelta import Delta
from newsgen.incremental.store import DELTA, HEADER, BuildCache

from helpers.archive import CACHE, COUNT, PATHS, assert_same_as_cold, edit, url_of, write_archive, write_article
from helpers.sites import SiteDir


@pytest.fixture
def archive(site: SiteDir) -> SiteDir:
    """The archive, built once with its cache: its index saved whole, no delta."""
    write_archive(site)
    site.build(cache=site.root / CACHE)
    assert not (site.root / CACHE / DELTA).exists()
    return site


def saved_delta(site: SiteDir) -> Delta:
    with open(site.root / CACHE / DELTA, "rb") as file:
        assert file.readline() == HEADER
        found = pickle.load(file)
    assert isinstance(found, Delta)
    return found


def test_edits_save_only_their_rows_and_an_addition_the_whole_index(archive: SiteDir) -> None:
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
    assert index.read_bytes() != whole, "an addition moves outputs: the index is saved whole"
    assert not (archive.root / CACHE / DELTA).exists()

    edit(archive, PATHS[4], headline="Terceira correção, depois da notícia nova")
    assert_same_as_cold(archive)
    assert saved_delta(archive).outputs


def test_a_delta_of_another_whole_index_is_never_applied(archive: SiteDir) -> None:
    """A build stopped after saving the index whole, before removing the old delta, leaves
    that delta beside an index it does not belong to: the next build ignores it."""
    folder = archive.root / CACHE
    edit(archive, PATHS[4], headline="Um título que o delta guarda")
    assert_same_as_cold(archive)
    stale = (folder / DELTA).read_bytes()

    write_article(archive, "content/mundo/2025-07-13-ultima-hora.md", headline="Notícia acabada de chegar",
                  timestamp="2025-07-13T10:00", hashtags=["Ucrânia"])
    assert_same_as_cold(archive)
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
