"""The preview's quick rebuild: after an edit that moves no article, `gather` keeps the
last plan and re-keys only the pages that show the edited article. Whatever the edit, the
preview's copy of the site must end up as a build from scratch would write it."""
from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest

from newsgen.output import Manifest, sync
from newsgen.planning import Gathered, gather
from newsgen.sources import ParseCache

from conftest import NOW, SiteDir, tree
from test_incremental import ARTICLES, EDITS, PATHS, UNPUBLISHED, _random_edit, edit, tree_diff, write_archive


class Preview:
    """What ``newsgen serve`` keeps between saves, and its copy of the site."""

    def __init__(self, site: SiteDir, root: Path) -> None:
        self.site, self.root = site, root
        self.cache = ParseCache()
        self.last: Gathered | None = None
        self.manifest: Manifest = {}
        self.quick = 0
        """How many rebuilds kept the last plan."""

    def rebuild(self, now: object = NOW) -> Gathered:
        gathered = gather(self.site.options(now=now), self.cache, previous=self.last)
        if self.last is not None and gathered.readers is self.last.readers:
            self.quick += 1
        self.manifest = sync(gathered.plan, self.root, self.manifest)
        self.last = gathered
        return gathered

    def assert_same_as_fresh(self, now: object = NOW) -> None:
        """The copy, and the keys it was written by, are those of a plan made from scratch."""
        fresh = gather(self.site.options(now=now))
        assert self.last is not None
        assert [(i.file, i.key) for i in self.last.plan] == [(i.file, i.key) for i in fresh.plan]
        problems = tree_diff(tree(self.root), {item.file: item.make() for item in fresh.plan})
        assert not problems, "the preview differs from a build from scratch:\n" + "\n".join(problems)


@pytest.fixture
def preview(site: SiteDir, tmp_path: Path) -> Preview:
    write_archive(site)
    preview = Preview(site, tmp_path / "served")
    preview.root.mkdir()
    preview.rebuild()
    preview.last.readers.pages(())  # type: ignore[union-attr]  # as serve does while the editor reads
    return preview


# The newest article (the fronts and feeds show it), one in the middle of a long tag (its
# numbered tag page and its neighbours' related lists show it), the oldest (last tag page).
EDITED = (PATHS[-1], PATHS[len(PATHS) // 2], PATHS[0])


@pytest.mark.parametrize("path", EDITED)
@pytest.mark.parametrize(
    "change",
    [
        {"headline": "Título corrigido à última hora"},
        {"standfirst": "Um resumo «novo», mais curto."},
        {"body": "Um só parágrafo, reescrito.\n"},
        {"byline": "Rui Lopes"},
        {"sources": ["Reuters"]},
    ],
    ids=["headline", "standfirst", "body", "byline", "sources"],
)
def test_an_edited_text_reaches_every_page_that_shows_it(preview: Preview, path: str, change: dict[str, object]) -> None:
    edit(preview.site, path, **change)
    before = tree(preview.root)
    preview.rebuild()
    assert preview.quick == 1
    preview.assert_same_as_fresh()
    changed = [file for file, body in tree(preview.root).items() if before.get(file) != body]
    assert 1 <= len(changed) < len(before) // 4, "only the pages that show the article are made again"


def test_an_edited_caption_reaches_the_article_and_the_feeds(preview: Preview) -> None:
    path = next(p for p, fields in ARTICLES.items() if "images" in fields)
    images = [{**ARTICLES[path]["images"][0], "caption": "Legenda revista."}]  # type: ignore[index]
    edit(preview.site, path, images=images)
    preview.rebuild()
    assert preview.quick == 1
    preview.assert_same_as_fresh()


@pytest.mark.parametrize(
    "change",
    [
        {"hashtags": ["Gaza", "Kursk"]},
        {"timestamp": "2025-06-01T09:00"},
        {"section": "europa"},
        {"draft": True},
        {"images": []},
    ],
    ids=["hashtags", "date", "section", "draft", "no-image"],
)
def test_an_edit_that_moves_the_article_plans_the_site_again(preview: Preview, change: dict[str, object]) -> None:
    edit(preview.site, PATHS[len(PATHS) // 2], **change)
    preview.rebuild()
    assert preview.quick == 0
    preview.assert_same_as_fresh()


def test_the_clock_passing_the_embargo_plans_the_site_again(preview: Preview) -> None:
    edit(preview.site, PATHS[-1], headline="Antes da cimeira")
    later = NOW + timedelta(days=1)
    preview.rebuild(now=later)
    assert preview.quick == 0
    assert "Cimeira extraordinária" in tree(preview.root)["index.html"].decode()
    preview.assert_same_as_fresh(now=later)


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_a_random_sequence_of_saves_always_gives_the_fresh_site(preview: Preview, seed: int) -> None:
    """Text edits, most of them quick, between edits of every other kind."""
    rng = random.Random(seed)
    live = {**ARTICLES, **UNPUBLISHED}
    done: list[str] = []
    for kind in rng.sample(EDITS * 2, 12) + ["headline", "body", "headline"]:
        done.append(_random_edit(preview.site, rng, kind, live))
        preview.rebuild()
        try:
            preview.assert_same_as_fresh()
        except AssertionError as error:
            raise AssertionError(f"after {done}:\n{error}") from None
    assert preview.quick >= 3


def test_a_new_file_in_content_reparses_every_article_and_the_site_stays_right(preview: Preview) -> None:
    """Every article is parsed again (a path in it may now resolve to the new file), so
    every one is a new object, with the same placement."""
    preview.site.write("content/mundo/anexos/relatorio.pdf", b"%PDF-1.4\n")
    edit(preview.site, PATHS[3], headline="Com fotografia nova por perto")
    preview.rebuild()
    assert preview.quick == 1
    assert preview.cache.parsed == len(ARTICLES) + len(UNPUBLISHED)
    preview.assert_same_as_fresh()
