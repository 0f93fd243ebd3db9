"""The watcher turns the ways editors and git really save into one batch per change."""
from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsgen.preview.watcher import Watcher, is_source

from helpers.sites import article_text, SiteDir


@pytest.fixture
def watched(site: SiteDir) -> Iterator[Watcher]:
    site.article("a")
    site.write("templates/_colophon.html", "<p>colofão</p>")
    (site.root / "build").mkdir()
    # A quiet window wider than the default 50 ms: these tests are about which events
    # make one batch, and a loaded CI machine can pause a test between two syscalls.
    watcher = Watcher(site.root, quiet=0.3)
    watcher.start()
    yield watcher
    watcher.stop()


def batches(watcher: Watcher, seconds: float = 0.6) -> list[frozenset[str]]:
    """Every batch handed out until the sources have been quiet for *seconds*."""
    found = []
    while (batch := watcher.next_batch(timeout=seconds)) is not None:
        found.append(batch)
    return found


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("newsgen.yaml", True),
        ("content/mundo/a.md", True),
        ("content/mundo/foto.jpg", True),
        ("templates/article.html", True),
        ("static/css/site.css", True),
        ("content", True),
        ("content/mundo/.a.md.swp", False),
        ("content/mundo/a.md~", False),
        ("content/mundo/4913", False),
        ("content/mundo/#a.md#", False),
        ("content/mundo/.#a.md", False),
        ("content/mundo/.a.md.3f2a.tmp", False),
        ("content/.git/index", False),
        ("build/index.html", False),
        (".git/HEAD", False),
        ("newsgen.yaml.swp", False),
        ("topics.yaml", True),
        ("topics.yaml/x", False),
        ("README.md", False),
    ],
)
def test_what_counts_as_a_source(path: str, expected: bool) -> None:
    assert is_source(path) is expected


def test_a_write_in_place_is_one_batch(site: SiteDir, watched: Watcher) -> None:
    site.article("a", headline="Outro título")
    assert batches(watched) == [frozenset({"content/mundo/a.md"})]


def test_an_atomic_save_renamed_onto_the_file_is_one_batch(site: SiteDir, watched: Watcher) -> None:
    temporary = site.write("content/mundo/.a.md.8f3e.tmp", article_text(headline="Guardado atomicamente"))
    os.replace(temporary, site.root / "content/mundo/a.md")
    assert batches(watched) == [frozenset({"content/mundo/a.md"})]


def test_a_vim_style_save_is_one_batch(site: SiteDir, watched: Watcher) -> None:
    target = site.root / "content/mundo/a.md"
    os.rename(target, target.with_name("a.md~"))
    site.write("content/mundo/4913", "")
    (site.root / "content/mundo/4913").unlink()
    target.write_text(article_text(headline="Guardado pelo vim"), encoding="utf-8")
    target.with_name("a.md~").unlink()
    assert batches(watched) == [frozenset({"content/mundo/a.md"})]


def test_sed_in_place_counts_the_real_file(site: SiteDir, watched: Watcher) -> None:
    subprocess.run(["sed", "-i", "s/Kim/Kim Jong-un/", "content/mundo/a.md"], cwd=site.root, check=True)
    [batch] = batches(watched)
    assert "content/mundo/a.md" in batch


def test_fifty_files_from_a_checkout_are_one_batch(site: SiteDir, watched: Watcher) -> None:
    for n in range(50):
        site.article(f"novo-{n:02}", headline=f"Artigo {n}")
    [batch] = batches(watched)
    assert len(batch) == 50


def test_delete_and_recreate_is_noticed(site: SiteDir, watched: Watcher) -> None:
    (site.root / "content/mundo/a.md").unlink()
    assert batches(watched) == [frozenset({"content/mundo/a.md"})]
    site.article("a")
    assert batches(watched) == [frozenset({"content/mundo/a.md"})]


def test_swap_files_and_the_output_never_trigger_a_rebuild(site: SiteDir, watched: Watcher) -> None:
    site.write("content/mundo/.a.md.swp", "swap")
    site.write("content/mundo/a.md~", "backup")
    site.write("build/index.html", "<p>output</p>")
    site.write("README.md", "notes")
    assert batches(watched) == []
    assert watched.idle.is_set() is False  # nothing has been built yet; the preview opens the gate


def test_config_templates_and_static_are_watched(site: SiteDir, watched: Watcher) -> None:
    site.write("newsgen.yaml", (site.root / "newsgen.yaml").read_text(encoding="utf-8") + "\n")
    site.write("templates/_colophon.html", "<p>outro colofão</p>")
    site.write("static/css/extra.css", "p{}")
    assert batches(watched) == [
        frozenset({"newsgen.yaml", "templates/_colophon.html", "static/css/extra.css", "static/css"})
    ]


def test_a_source_folder_created_later_is_watched(tmp_path: Path) -> None:
    (tmp_path / "newsgen.yaml").write_text("title: x\n", encoding="utf-8")
    watcher = Watcher(tmp_path)
    watcher.start()
    try:
        (tmp_path / "templates").mkdir()
        assert batches(watcher) == [frozenset({"templates"})]
        (tmp_path / "templates" / "article.html").write_text("x", encoding="utf-8")
        assert batches(watcher) == [frozenset({"templates/article.html"})]
    finally:
        watcher.stop()


def test_the_gate_closes_on_a_change_and_opens_when_it_is_built(site: SiteDir, watched: Watcher) -> None:
    watched.done()
    assert watched.idle.is_set()
    site.article("a", headline="Mudou")
    deadline = time.monotonic() + 2
    while watched.idle.is_set() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert not watched.idle.is_set(), "requests must wait while a change is pending"
    assert watched.next_batch(timeout=2) == frozenset({"content/mundo/a.md"})
    watched.done()
    assert watched.idle.is_set()


def test_polling_works_where_inotify_does_not(site: SiteDir) -> None:
    site.article("a")
    watcher = Watcher(site.root, poll=True)
    watcher.start()
    try:
        time.sleep(0.3)
        site.article("a", headline="Visto por sondagem")
        assert watcher.next_batch(timeout=3) == frozenset({"content/mundo/a.md"})
    finally:
        watcher.stop()
