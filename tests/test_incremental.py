"""Incremental builds: with the build cache, whatever changed, the site is the one a build
from scratch would write, byte for byte; and a rebuild rewrites only the files that changed."""
from __future__ import annotations

import os
import random
import re
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsgen.incremental import noop as noop_check
from newsgen.incremental import store as cache
from newsgen.io import scanning
from newsgen.incremental.noop import noop
from newsgen.core.errors import ContentError
from newsgen.io.photos import avif_available

from helpers.archive import (
    ARCHIVE_CONFIG, ARTICLES, CACHE, COUNT, DESTAQUE, DRAFT, EDITS, MANCHETE, topics_text, KURSK, LATER, MUCH_LATER, PATHS, THEME, UNPUBLISHED, assert_same_as_cold, cold_tree, copy_sources, edit, media_urls, pages, random_edit, tree_diff, url_of, write_archive, write_article,
)
from helpers.sites import CliRun, NOW, png, SiteDir, tree

@pytest.fixture
def archive(site: SiteDir) -> SiteDir:
    """The archive, built once with its cache (so each test starts warm)."""
    write_archive(site)
    result = site.build(cache=site.root / CACHE)
    assert (result.articles, result.warnings) == (COUNT, ())
    assert (site.out / "tag/ucrania/3/index.html").is_file(), "42 articles: the newest page and pages 1 to 3"
    return site


# --- scenarios ---------------------------------------------------------------------------


def test_a_first_build_writes_every_file_and_fills_the_cache(site: SiteDir) -> None:
    """With no cache yet, everything is written, without warnings, and the cache appears."""
    write_archive(site)
    result = assert_same_as_cold(site)
    assert result.rewritten == result.files > COUNT
    assert result.warnings == ()
    assert (site.root / CACHE).is_dir()


def test_a_rebuild_with_nothing_changed_rewrites_nothing(archive: SiteDir) -> None:
    """Building again without a change writes nothing and changes nothing."""
    before = tree(archive.out)
    assert assert_same_as_cold(archive).rewritten == 0
    assert tree(archive.out) == before


def test_a_rebuild_with_nothing_changed_still_lists_the_warnings(archive: SiteDir) -> None:
    """An editor reading only the latest build's output still sees every warning."""
    edit(archive, PATHS[3], hedline="um campo mal escrito")
    first = assert_same_as_cold(archive)
    assert [w.message for w in first.warnings if "hedline" in w.message]
    again = archive.build(cache=archive.root / CACHE)
    assert again.rewritten == 0 and again.warnings == first.warnings


def test_a_second_save_within_one_clock_tick_is_not_missed(archive: SiteDir) -> None:
    """Two saves of an article inside one mtime tick, same size, same inode: the file's
    signature cannot tell them apart, so a file changed that close to a build is hashed."""
    path = archive.root / PATHS[7]
    edit(archive, PATHS[7], headline="Primeira versão do título")
    first = path.stat()
    assert_same_as_cold(archive)
    with open(path, "r+b") as handle:  # the same bytes count, written in place
        text = handle.read().replace("Primeira".encode(), "Segunda!".encode())
        handle.seek(0)
        handle.write(text)
    os.utime(path, ns=(first.st_atime_ns, first.st_mtime_ns))
    assert path.stat().st_mtime_ns == first.st_mtime_ns and path.stat().st_size == first.st_size
    assert assert_same_as_cold(archive).rewritten > 0
    assert "Segunda! versão do título" in archive.page(url_of(PATHS[7]))


def test_a_config_saved_just_before_a_build_still_allows_a_no_op(archive: SiteDir) -> None:
    """A file other than an article, changed just before a build (a fresh checkout, a
    reset corpus), is hashed then: the next build with nothing changed is still answered
    from the cache's state without reading the site."""
    config = archive.root / "newsgen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert_same_as_cold(archive)
    options = archive.options(cache=archive.root / CACHE)
    assert noop(options) is not None


def test_files_saved_just_before_a_build_are_hashed_until_a_no_op_finds_them_settled(
    archive: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a checkout that rewrites every file just before a build, a no-op must hash
    those files (one mtime tick could hide a second save); once a later check sees them
    settled, no-ops go back to signatures only."""
    for file in (archive.root / "content").rglob("*.md"):
        file.touch()
    assert_same_as_cold(archive)
    options = archive.options(cache=archive.root / CACHE)
    hashed: list[Path] = []
    digest = noop_check.digest_or_none
    monkeypatch.setattr(noop_check, "digest_or_none", lambda path: hashed.append(path) or digest(path))
    later = scanning.Scan(time.time_ns() + 3 * scanning.RACY_NS, scanning.scan(archive.root))
    assert noop(options, later) is not None
    assert len(hashed) >= COUNT, "the files saved just before the build were hashed"
    hashed.clear()
    assert noop(options, later._replace(started_ns=later.started_ns + 10**9)) is not None
    assert hashed == [], "settled files are known by their signature again"
    edit(archive, PATHS[3], headline="Editado depois de tudo assentar")
    assert noop(options) is None
    assert_same_as_cold(archive)
    assert "Editado depois de tudo assentar" in archive.page(url_of(PATHS[3]))


def test_a_second_save_of_the_config_within_one_clock_tick_is_not_missed(archive: SiteDir) -> None:
    """As for articles: a config rewritten in place within one mtime tick, same size, is
    seen by its hash."""
    config = archive.root / "newsgen.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("title: ", "title: Alfa "), encoding="utf-8")
    first = config.stat()
    assert_same_as_cold(archive)
    config.write_text(config.read_text(encoding="utf-8").replace("Alfa ", "Beta "), encoding="utf-8")
    os.utime(config, ns=(first.st_atime_ns, first.st_mtime_ns))
    assert config.stat().st_mtime_ns == first.st_mtime_ns and config.stat().st_size == first.st_size
    assert assert_same_as_cold(archive).rewritten > 0
    assert "Beta " in archive.page("")


def test_a_corrected_headline_rewrites_only_the_pages_that_show_it(archive: SiteDir) -> None:
    """Its page, its neighbours, pages listing it as related, its month, its tag page and the
    feeds: 11 files of 85 change, and hardly more may be rewritten."""
    path = PATHS[4]
    edit(archive, path, headline="Título corrigido depois da publicação")
    result = assert_same_as_cold(archive)
    assert "Título corrigido depois da publicação" in archive.page(url_of(path))
    assert "Título corrigido depois da publicação" in archive.page("tag/ucrania/1/")
    assert 0 < result.rewritten <= 15 < result.files


def test_an_edited_body_shows_on_its_page(archive: SiteDir) -> None:
    """Only the page and the feeds that carry the body change (4 files)."""
    path = PATHS[13]
    edit(archive, path, body='Texto novo, "reescrito" por completo.\n')
    result = assert_same_as_cold(archive)
    assert "Texto novo, «reescrito» por completo." in archive.page(url_of(path))
    assert "Primeiro parágrafo da notícia 13" not in archive.page(url_of(path))
    assert 0 < result.rewritten <= 15


@pytest.mark.parametrize("when", ["newest", "back-dated"])
def test_a_new_article_appears_wherever_it_belongs(archive: SiteDir, when: str) -> None:
    """A new article, the newest or one slotted into May (shifting the numbered tag pages)."""
    name, timestamp = ("2025-07-13-ultima-hora", "2025-07-13T10:00") if when == "newest" else (
        "2025-05-02-recuperada", "2025-05-02T15:00")
    path = f"content/mundo/{name}.md"
    write_article(archive, path, headline="Notícia acabada de chegar", timestamp=timestamp, hashtags=["Ucrânia", "NATO"])
    result = assert_same_as_cold(archive)
    assert result.articles == COUNT + 1
    assert "Notícia acabada de chegar" in archive.page(url_of(path))
    assert ("Notícia acabada de chegar" in archive.page("")) == (when == "newest")


@pytest.mark.parametrize("damage", ["gone", "cut short"])
def test_a_new_article_rewrites_a_damaged_feed_in_full(archive: SiteDir, damage: str) -> None:
    """A new article's feeds take their other entries from the files the last build wrote;
    a feed file that is gone or cut short since is made in full."""
    feed = archive.out / "tag/ucrania/feed.xml"
    if damage == "gone":
        feed.unlink()
    else:
        feed.write_bytes(feed.read_bytes()[:3000])
    path = "content/mundo/2025-07-13-ultima-hora.md"
    write_article(archive, path, headline="Notícia acabada de chegar", timestamp="2025-07-13T10:00", hashtags=["Ucrânia"])
    assert_same_as_cold(archive)
    assert "Notícia acabada de chegar" in feed.read_text(encoding="utf-8")


def test_a_deleted_article_disappears(archive: SiteDir) -> None:
    """Its page gives way to a notice (its URL was published: it answers 410 Gone), and no
    page links to it or shows its headline any more."""
    path = PATHS[12]
    headline = str(ARTICLES[path]["headline"])
    (archive.root / path).unlink()
    result = assert_same_as_cold(archive)
    assert result.articles == COUNT - 1
    assert "Este artigo já não está disponível" in archive.page(url_of(path))
    assert all(url_of(path) not in html and headline not in html for html in pages(archive).values())


def test_a_renamed_file_moves_its_page(archive: SiteDir) -> None:
    """The URL follows the file name: the old page goes, the new one appears."""
    old = PATHS[21]
    new = old.replace("noticia-21", "noticia-renomeada")
    (archive.root / old).rename(archive.root / new)
    assert_same_as_cold(archive)
    assert f'http-equiv="refresh" content="0; url=/{url_of(new)}"' in archive.page(url_of(old)), "the old URL redirects"
    assert "(21)" in archive.page(url_of(new))


@pytest.mark.parametrize("suffix", [".markdown", ".MD"])
def test_a_file_renamed_to_another_article_suffix_keeps_its_page(archive: SiteDir, suffix: str) -> None:
    """``x.md`` renamed ``x.markdown`` (or ``x.MD``) is the same article at the same URL."""
    path = PATHS[21]
    (archive.root / path).rename(archive.root / path.replace(".md", suffix))
    result = assert_same_as_cold(archive)
    assert result.articles == COUNT
    assert "(21)" in archive.page(url_of(path))
    (archive.root / path.replace(".md", suffix)).rename(archive.root / path)
    assert_same_as_cold(archive)


def test_a_template_override_reaches_every_article_and_its_removal_restores_the_theme(archive: SiteDir) -> None:
    """A site's templates/article.html shows on every article; deleting it gives back the theme's site."""
    original = tree(archive.out)
    theme = (THEME / "templates/article.html").read_text(encoding="utf-8")
    marked = theme.replace("{% block content %}", '{% block content %}\n<p class="marca">MARCA-DO-MODELO</p>', 1)
    assert marked != theme
    archive.write("templates/article.html", marked)
    assert_same_as_cold(archive)
    html = pages(archive)
    assert all("MARCA-DO-MODELO" in html[url_of(p) + "index.html"] for p in PATHS)
    assert "MARCA-DO-MODELO" not in html["index.html"]

    (archive.root / "templates/article.html").unlink()
    assert_same_as_cold(archive)
    assert tree(archive.out) == original


def test_a_renamed_section_shows_everywhere(archive: SiteDir) -> None:
    """A section title edited in newsgen.yaml reaches its front and its articles."""
    archive.write("newsgen.yaml", ARCHIVE_CONFIG.replace("{title: Europa}", "{title: União Europeia}"))
    assert_same_as_cold(archive)
    assert "União Europeia" in archive.page("europa/")
    assert "União Europeia" in archive.page(url_of(PATHS[2]))


def test_another_base_url_rebuilds_every_page_as_a_cold_build_with_it(archive: SiteDir) -> None:
    """A deploy preview (``--base-url``) after a normal build, and back: each equals a cold build."""
    original = tree(archive.out)
    preview = "https://preview.example/pr-12/"
    result = assert_same_as_cold(archive, base_url=preview)
    assert result.rewritten > 0.9 * result.files, "every page carries the base URL"
    assert f'<link rel="canonical" href="{preview}">' in archive.page("")
    assert 'href="/pr-12/mundo/"' in archive.page("")
    assert "example.pt" not in archive.page(url_of(PATHS[0]))
    assert archive.build(cache=archive.root / CACHE, base_url=preview).rewritten == 0, "the same preview again: a no-op"
    assert_same_as_cold(archive)
    assert tree(archive.out) == original


def test_changed_hashtags_move_articles_between_tag_pages(archive: SiteDir) -> None:
    """An article moves from one tag to another; the last article of a tag leaves (its page goes); the
    oldest article leaves a tag with numbered pages (they all shift)."""
    moved = PATHS[15]
    edit(archive, moved, hashtags=["Ucrânia", "Gaza"])
    assert_same_as_cold(archive)
    assert url_of(moved) in archive.page("tag/gaza/")
    assert url_of(moved) not in archive.page("tag/nato/")

    edit(archive, PATHS[KURSK], hashtags=["Ucrânia", "NATO"])
    assert_same_as_cold(archive)
    assert not (archive.out / "tag/kursk").exists()
    assert "Kursk" not in archive.page("tags/")

    edit(archive, PATHS[0], hashtags=["NATO"])
    assert_same_as_cold(archive)
    assert url_of(PATHS[0]) not in archive.page("tag/ucrania/1/")


def test_a_draft_is_published_then_withdrawn(archive: SiteDir) -> None:
    """``draft: false`` publishes the page and its new tag; ``draft: true`` takes both away."""
    fields = UNPUBLISHED[DRAFT]
    write_article(archive, DRAFT, **{**fields, "draft": False})
    assert_same_as_cold(archive)
    assert "Plano secreto em preparação" in archive.page("mundo/2025/07/05/rascunho/")
    assert (archive.out / "tag/plano-secreto/index.html").is_file()

    write_article(archive, DRAFT, **fields)
    assert_same_as_cold(archive)
    assert "Plano secreto" not in archive.page("mundo/2025/07/05/rascunho/"), "a notice: its URL was published"
    assert not (archive.out / "tag/plano-secreto").exists()


def test_the_embargo_lifts_when_the_clock_passes_it(archive: SiteDir) -> None:
    """With no file changed, a later build publishes the embargoed article and the copies
    of its photo (never the file itself), and an earlier one takes them back."""
    assert assert_same_as_cold(archive, now=NOW).rewritten == 0
    assert_same_as_cold(archive, now=LATER)
    page = archive.page("europa/2025/07/14/cimeira/")
    assert "Cimeira extraordinária em Bruxelas" in page
    copies = media_urls(page.split('<figure class="figure figure-lead"', 1)[1].split("</figure>", 1)[0])
    assert len(copies) == 6 * (3 if avif_available() else 2) and all((archive.out / name).is_file() for name in copies)
    assert not (archive.out / "europa/fotos").exists()
    assert (archive.out / "tag/cimeira/index.html").is_file()
    assert assert_same_as_cold(archive, now=LATER).rewritten == 0

    assert_same_as_cold(archive, now=MUCH_LATER)  # featured hashtags and "recent" lists change
    assert_same_as_cold(archive, now=NOW)  # a build pinned to an earlier time hides it again…
    assert "Cimeira" not in archive.page("europa/2025/07/14/cimeira/")  # …behind a notice: its URL was published
    assert not any((archive.out / name).exists() for name in copies)


def test_a_replaced_image_changes_its_size_everywhere(archive: SiteDir) -> None:
    """A photo replaced by a narrower one: every <img> of it gets the new width and
    height, every copy its new name, and the old copies go."""
    old = media_urls(pages(archive)[url_of(PATHS[6]) + "index.html"])
    archive.write("static/images/foto.png", png(1000, 5))
    assert_same_as_cold(archive)
    html = pages(archive)
    assert 'width="1000" height="5"' in html[url_of(PATHS[6]) + "index.html"]  # lead image
    assert 'width="1000" height="5"' in html[url_of(PATHS[3]) + "index.html"]  # image in the body
    assert not [p for p, text in html.items() if 'width="1200" height="4"' in text]
    assert old and not any((archive.out / name).exists() for name in old)
    assert not (archive.out / "images/foto.png").exists()


def test_an_overridden_stylesheet_is_published_and_linked(archive: SiteDir) -> None:
    """static/css/site.css replaces the theme's (and every page's link to it); deleting it restores the theme's."""
    original = tree(archive.out)
    css = (THEME / "static/css/site.css").read_text(encoding="utf-8")
    archive.write("static/css/site.css", css + "\n.marca { color: #c00; }\n")
    assert_same_as_cold(archive)
    assert (archive.out / "css/site.css").read_text(encoding="utf-8").endswith(".marca { color: #c00; }\n")

    (archive.root / "static/css/site.css").unlink()
    assert_same_as_cold(archive)
    assert tree(archive.out) == original


def test_a_failed_build_changes_nothing_and_the_next_one_is_right(archive: SiteDir) -> None:
    """A broken article or template stops the build with build/ untouched; once fixed, the site is right."""
    before = tree(archive.out)
    path = PATHS[30]
    archive.write(path, '---\nheadline: [sem fecho\nsection: "mundo"\n---\nTexto.\n')
    with pytest.raises(ContentError) as caught:
        archive.build(cache=archive.root / CACHE)
    assert [p.path for p in caught.value.problems] == [path]
    assert tree(archive.out) == before

    edit(archive, path, headline="Corrigido de outra maneira", hashtags=["Gaza"])
    assert_same_as_cold(archive)
    assert "Corrigido de outra maneira" in archive.page("tag/gaza/")

    archive.write("templates/tag.html", "{% if %}\n")
    with pytest.raises(ContentError):
        archive.build(cache=archive.root / CACHE)
    (archive.root / "templates/tag.html").unlink()
    assert_same_as_cold(archive)


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_corrupt_cache_is_discarded_with_a_warning(archive: SiteDir, damage: str) -> None:
    """A damaged cache is never trusted: a warning, the right site, and the next build is incremental again."""
    files = [p for p in (archive.root / CACHE).rglob("*") if p.is_file()]
    assert files, "the cache holds no files"
    for number, file in enumerate(files):
        data = file.read_bytes()
        file.write_bytes(bytes(random.Random(number).randrange(256) for _ in range(max(64, len(data) // 4)))
                         if damage == "garbage" else data[: len(data) // 2])
    edit(archive, PATHS[10], headline="Título corrigido com a cache estragada")
    result = assert_same_as_cold(archive)
    assert [w.path for w in result.warnings] == [CACHE]
    assert "discarded" in result.warnings[0].message
    again = assert_same_as_cold(archive)
    assert (again.warnings, again.rewritten) == ((), 0), "the cache was rebuilt"


def test_a_deleted_cache_only_costs_time(archive: SiteDir) -> None:
    """Without its cache the build is right, silent, and warm again afterwards."""
    shutil.rmtree(archive.root / CACHE)
    edit(archive, PATHS[10], headline="Título corrigido sem cache")
    assert assert_same_as_cold(archive).warnings == ()
    assert assert_same_as_cold(archive).rewritten == 0


def test_a_deleted_output_is_written_again_in_full(archive: SiteDir) -> None:
    """A warm cache cannot stand in for a missing build/: every file is written again."""
    original = tree(archive.out)
    shutil.rmtree(archive.out)
    result = assert_same_as_cold(archive)
    assert result.rewritten == result.files
    assert tree(archive.out) == original


def test_worker_processes_do_not_change_the_output(archive: SiteDir, tmp_path: Path) -> None:
    """One process or two, the same bytes."""
    one = copy_sources(archive, tmp_path / "one")
    two = copy_sources(archive, tmp_path / "two")
    one.build(cache=one.root / CACHE, jobs=1)
    two.build(cache=two.root / CACHE, jobs=2)
    assert not tree_diff(tree(two.out), tree(one.out))
    assert not tree_diff(tree(two.out), tree(archive.out))

    edit(two, PATHS[10], headline="Título corrigido com dois processos")
    assert_same_as_cold(two, jobs=2)


def test_the_command_line_keeps_a_cache_and_says_what_it_rewrote(site: SiteDir, cli: Callable[..., CliRun]) -> None:
    """``newsgen build`` keeps .newsgen-cache in the site folder; the second run rewrites nothing."""
    write_archive(site)
    first = cli("-C", str(site.root), "build", "--no-search", "--jobs", "2")
    assert first.code == 0, first.err
    written = tree(site.out)
    second = cli("-C", str(site.root), "build", "--no-search", "--jobs", "2")
    assert second.code == 0, second.err
    counts = [re.findall(r"(\d+) rewritten", run.err.strip().splitlines()[-1]) for run in (first, second)]
    assert len(counts[0]) == 1 and int(counts[0][0]) > COUNT, first.err
    assert counts[1] == ["0"], second.err
    assert (site.root / CACHE).is_dir()
    assert tree(site.out) == written
    assert not tree_diff(written, cold_tree(site))


# --- a random sequence of edits ----------------------------------------------------------


@pytest.mark.parametrize("seed", [2, 3])  # together: every kind of edit
def test_a_random_sequence_of_edits_always_gives_the_cold_site(archive: SiteDir, seed: int) -> None:
    """Eight different edits in a row (and the clock passing the embargo), each followed by a
    rebuild: never a stale or leftover file."""
    rng = random.Random(seed)
    live = {**ARTICLES, **UNPUBLISHED}
    done: list[str] = []
    now = NOW
    tick = rng.randrange(8)
    every = random.Random(0).sample(EDITS, len(EDITS))  # the two seeds share them out
    kinds = rng.sample(every[:8] if seed == 2 else every[8:], min(8, len(every) - 8) if seed != 2 else 8)
    for step, kind in enumerate(kinds):
        done.append(random_edit(archive, rng, kind, live))
        if step == tick:  # the embargo lifts
            now += timedelta(days=1)
            done.append(f"clock → {now:%Y-%m-%d}")
        try:
            assert_same_as_cold(archive, now=now)
        except AssertionError as error:
            raise AssertionError(f"after {done}:\n{error}") from None


def test_equal_keys_digest_equally_whatever_the_objects() -> None:
    """A page's key must not depend on whether two equal strings are one object (marshal
    writes a repeat as a back-reference): else an unchanged page is rewritten at random."""
    from newsgen.core.outputs import digest

    built = "".join(["404", ".html"])
    assert built is not sys.intern("404.html")
    assert digest("404.html", built, ("a", 1)) == digest(sys.intern("404.html"), sys.intern("404.html"), ("a", 1))


def test_the_bodies_of_gone_articles_are_dropped_once_they_outnumber_the_live_ones(tmp_path: Path) -> None:
    """Every saved version of an article leaves its body in the cache: the cache must not
    grow without end in a newsroom that edits all day."""
    store = cache.BuildCache(tmp_path / cache.CACHE_DIR)
    store.bodies.add((f"digest-{i}", f"<p>versão {i}</p>") for i in range(70))  # two builds' worth
    store.bodies.add((f"digest-{i}", f"<p>versão {i}</p>") for i in range(70, 130))
    asked: list[bool] = []

    def live() -> set[str]:
        asked.append(True)
        return {"digest-3", "digest-7"}

    store.bodies.keep(20, live)  # 130 bodies for 20 articles: not yet twice as many plus 100
    assert asked == [] and store.bodies.get("digest-100") is not None
    store.bodies.keep(2, live)
    assert asked == [True]
    assert [store.bodies.get(f"digest-{i}") for i in (3, 7)] == ["<p>versão 3</p>", "<p>versão 7</p>"]
    assert store.bodies.get("digest-100") is None and store.bodies.get("digest-0") is None
    store.bodies.add((f"digest-{i}", "<p>outra</p>") for i in range(200, 310))  # counted on from the two kept
    store.bodies.keep(2, live)
    assert asked == [True, True] and store.bodies.get("digest-250") is None
    store.close()


def test_bodies_written_again_or_by_an_older_newsgen_are_counted_before_pruning(tmp_path: Path) -> None:
    """The bound on the bodies' count only ever errs high: the same bodies written again
    are counted, not pruned; a database without the bound (an older cache) is counted."""
    store = cache.BuildCache(tmp_path / cache.CACHE_DIR)
    for _ in range(30):  # 300 writes of 10 bodies: past 2 × 20 + 100, but 10 bodies
        store.bodies.add((f"digest-{i}", f"<p>{i}</p>") for i in range(10))
    asked: list[bool] = []
    store.bodies.keep(20, lambda: asked.append(True) or set())  # type: ignore[func-returns-value]
    assert asked == [] and store.bodies.get("digest-9") == "<p>9</p>"
    store.bodies.add((f"old-{i}", "<p>velho</p>") for i in range(200))
    store.close()
    with sqlite3.connect(tmp_path / cache.CACHE_DIR / "bodies.sqlite") as db:
        db.execute("DELETE FROM tally")
    store = cache.BuildCache(tmp_path / cache.CACHE_DIR)
    store.bodies.keep(20, lambda: {"digest-1"})
    assert store.bodies.get("digest-1") == "<p>1</p>" and store.bodies.get("old-7") is None
    store.close()


# --- what editors decide: priorities, topics, sections ---------------------------------------


def test_priorities_and_kickers_equal_a_cold_build(archive: SiteDir) -> None:
    """A manchete given, moved to another story, an «until» set and taken away, a kicker:
    each build with the cache writes what a cold build writes, and a priority alone
    rewrites only the fronts."""
    before = tree(archive.out)
    edit(archive, PATHS[10], priority="manchete")
    assert_same_as_cold(archive)
    after = tree(archive.out)
    changed = {p for p in after.keys() | before.keys() if before.get(p) != after.get(p) and not p.startswith(".")}
    assert changed == {"index.html", "mundo/index.html"}, "the fronts that list it, and nothing else"
    lead, grid = archive.page("").split('class="card-grid"')[:2]
    assert url_of(PATHS[MANCHETE]) in lead and grid.index(url_of(PATHS[10])) < grid.index(url_of(PATHS[47])), (
        "the newer manchete leads; the older one opens the grid"
    )
    edit(archive, PATHS[MANCHETE], priority="destaque", until="2025-07-20T10:00")
    assert_same_as_cold(archive)
    edit(archive, PATHS[10], priority="manchete", kicker="Exclusivo")
    assert_same_as_cold(archive)
    assert "Exclusivo" in archive.page("") and "Exclusivo" in archive.page(url_of(PATHS[10]))
    edit(archive, PATHS[10])
    assert_same_as_cold(archive)


def test_a_build_after_until_needs_no_change_to_drop_the_destaque(archive: SiteDir) -> None:
    """No source changed: the build's clock passing a destaque's «until» is enough (the
    no-op check knows that instant, as it knows an embargo's)."""
    destaque = url_of(PATHS[DESTAQUE])
    grid = lambda: archive.page("").split('class="card-grid"')[1]
    assert grid().index(destaque) < grid().index(url_of(PATHS[47]))
    before = datetime(2025, 7, 14, 4, 59, tzinfo=UTC)  # 05:59 in Lisbon
    assert assert_same_as_cold(archive, now=before).rewritten == 0
    result = assert_same_as_cold(archive, now=before + timedelta(minutes=2))
    assert result.rewritten > 0
    assert grid().index(destaque) > grid().index(url_of(PATHS[47])), "back in the newest-first order"


def test_an_instant_an_edit_adds_holds_for_the_builds_after_it(archive: SiteDir) -> None:
    """An edit that moves nothing may still add an instant (a destaque «until»): the next
    process's build past it plans afresh, as it would had the edit been there from the
    start (the saved plan kept the older, wider clock, and its pages stayed stale)."""
    until = NOW + timedelta(hours=1)
    edit(archive, PATHS[10], priority="destaque", until=until.isoformat())
    assert_same_as_cold(archive, now=NOW + timedelta(minutes=1))
    edit(archive, PATHS[3], headline="Outro título, depois do destaque")
    assert_same_as_cold(archive, now=NOW + timedelta(hours=2))


def test_an_output_an_edit_adds_is_known_to_the_builds_after_it(archive: SiteDir) -> None:
    """An alias given to a story adds a redirect page without a new plan: the next build,
    in another process, still re-plans from that plan (its runs as the edit left them)."""
    edit(archive, PATHS[6], aliases=["/antigo/endereco-da-noticia-6/"])
    assert assert_same_as_cold(archive).replanned
    assert (archive.out / "antigo/endereco-da-noticia-6/index.html").is_file()
    edit(archive, PATHS[3], headline="Outro título, depois do endereço antigo")
    assert assert_same_as_cold(archive).replanned, "planned from scratch: the saved runs were the older ones"


@pytest.mark.parametrize("text", [
    topics_text(ukraine="Ucrânia em guerra"), topics_text(nato=None), topics_text(pinned=30),
    topics_text(extra="Gaza:\n  name: Faixa de Gaza\n  image: {src: images/foto.png, alt: Gaza, credit: AFP}\n"),
    "",
], ids=["rename", "gone", "pin", "new-with-image", "empty"])
def test_topic_edits_equal_a_cold_build(archive: SiteDir, text: str) -> None:
    archive.write("topics.yaml", text)
    assert_same_as_cold(archive)


def test_a_topic_photo_replaced_equals_a_cold_build(archive: SiteDir) -> None:
    """A topic's photo is published as copies, like an article's: new pixels at the same
    size re-key its page (and only the file's copies change); the file itself never ships."""
    archive.write("topics.yaml", topics_text(extra="Gaza:\n  name: Faixa de Gaza\n"
                                                   "  image: {src: images/mapa.png, alt: Gaza, credit: AFP}\n"))
    archive.write("static/images/mapa.png", png(640, 4))
    assert_same_as_cold(archive)
    before = media_urls(archive.page("tag/gaza/"))
    archive.write("static/images/mapa.png", png(640, 4, colour=b"\x10\x20\x30"))
    assert_same_as_cold(archive)
    after = media_urls(archive.page("tag/gaza/"))
    assert before and after and not before & after, "new pixels, new copies"
    assert all((archive.out / name).is_file() for name in after)
    assert not (archive.out / "images/mapa.png").exists(), "never the file itself"


def test_a_deleted_topics_file_equals_a_cold_build(archive: SiteDir) -> None:
    (archive.root / "topics.yaml").unlink()
    assert_same_as_cold(archive)
    assert "<h1>#Ucrânia</h1>" in archive.page("tag/ucrania/")


def test_moving_stories_between_sections_and_nesting_them_equals_a_cold_build(archive: SiteDir) -> None:
    """An article moved into the region nested in Mundo (its URL moves, Mundo still lists
    it), a region added to the config, a region renamed."""
    edit(archive, PATHS[6], section="mundo/asia")
    assert_same_as_cold(archive)
    assert url_of(PATHS[6]).replace("mundo/", "mundo/asia/", 1) in archive.page("mundo/2025/04/"), "Mundo still lists it"
    archive.write("newsgen.yaml", ARCHIVE_CONFIG.replace("      asia: {title: Ásia}\n",
                                                         "      asia: {title: Ásia}\n      africa: {title: África}\n"))
    assert_same_as_cold(archive)
    assert (archive.out / "mundo/africa/index.html").is_file()
    archive.write("newsgen.yaml", ARCHIVE_CONFIG.replace("{title: Ásia}", "{title: Ásia-Pacífico}"))
    assert_same_as_cold(archive)
    assert "Ásia-Pacífico" in archive.page("mundo/asia/")
