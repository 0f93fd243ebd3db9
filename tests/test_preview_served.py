"""A big site's preview: it starts from the build cache that ``newsgen build`` left (nothing
parsed again, none of its records changed), and writes the pages of a big plan when they
are asked for, then the rest between saves. Served bytes are a build's."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsgen.core.outputs import Planned
from newsgen.preview import served
from newsgen.preview.served import ServedPages
from newsgen.preview.server import PreviewServer
from newsgen.preview.session import ServeOptions, Session

from helpers.preview import Quiet, request, running_server
from helpers.sites import NOW, SiteDir, tree

CACHE = ".newsgen-cache"


def planned(file: str, text: str, made: list[str] | None = None) -> Planned:
    def make() -> bytes:
        if made is not None:
            made.append(file)
        return text.encode()

    return Planned(file, text, make)


def built(folder: Path) -> dict[str, bytes]:
    """What a build wrote in *folder*, but its marker file (the preview writes none)."""
    return {name: data for name, data in tree(folder).items() if name != ".newsgen-output"}


def files(root: Path) -> dict[str, str]:
    return {name: data.decode() for name, data in tree(root).items()}


def test_a_big_plan_is_written_as_asked_and_between_saves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(served, "EAGER_FILES", 2)
    root = tmp_path / "folder"
    root.mkdir()
    folder = ServedPages(root)
    first = [planned("index.html", "front"), planned("a/index.html", "a1"), planned("c/index.html", "c"),
             planned("style.css", "css"), planned("notícias/index.html", "n")]
    assert not folder.update(first)
    assert files(root) == {} and set(folder.pending) == {item.file for item in first}

    folder.make("/", "/a/")
    folder.make("/", "/c")  # the folder a redirect leads to
    folder.make("/", "/not%C3%ADcias/")
    folder.make("/", "/elsewhere/")  # not planned: nothing
    assert files(root) == {"a/index.html": "a1", "c/index.html": "c", "notícias/index.html": "n"}

    made: list[str] = []
    second = [planned("index.html", "front", made), planned("a/index.html", "a2", made), planned("style.css", "css2", made),
              planned("notícias/index.html", "n", made), planned("d/index.html", "d", made)]
    folder.update(second)
    assert files(root) == {"a/index.html": "a2", "notícias/index.html": "n", "d/index.html": "d"}, (
        "written and changed, or new with this plan (few): at once; gone: deleted"
    )
    assert set(folder.pending) == {"index.html", "style.css"}
    folder.update(second)
    assert set(folder.pending) == {"index.html", "style.css"}, "what waits keeps waiting, however few are left"

    while not folder.fill(0.01):
        pass
    assert made == ["a/index.html", "d/index.html", "index.html", "style.css"], "the save's pages first, then in plan order"
    assert files(root) == {item.file: item.make().decode() for item in second}, "the last plan's files, not the first's"
    assert folder.manifest == {item.file: item.key for item in second} and folder.pending == {}


def test_a_few_new_files_are_written_at_once(tmp_path: Path) -> None:
    root = tmp_path / "folder"
    root.mkdir()
    folder = ServedPages(root)
    folder.update([planned("index.html", "front"), planned("a/index.html", "a")])
    assert files(root) == {"index.html": "front", "a/index.html": "a"} and folder.pending == {}


def test_a_page_that_fails_to_render_is_tried_again_by_the_next_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(served, "EAGER_FILES", 0)
    root = tmp_path / "folder"
    root.mkdir()
    folder = ServedPages(root)
    calls: list[int] = []

    def flaky() -> bytes:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a bug")
        return b"ok"

    folder.update([Planned("index.html", "k", flaky)])
    with pytest.raises(RuntimeError):
        folder.make("/", "/")
    folder.make("/", "/")
    assert files(root) == {"index.html": "ok"}


def kept(cache: Path) -> tuple[dict[str, bytes], dict[str, int]]:
    """What the cache folder holds and when each file was last written, but its lock and
    SQLite's own files beside the bodies database (a reader of a WAL database makes them)."""
    names = [p for p in sorted(cache.rglob("*")) if p.name != "lock" and not p.name.endswith(("-shm", "-wal"))]
    return ({p.name: p.read_bytes() for p in names if p.is_file()}, {p.name: os.stat(p).st_mtime_ns for p in names})


def write_site(site: SiteDir, count: int = 6) -> None:
    for n in range(count):
        site.article(f"artigo-{n}", headline=f"Artigo número {n}", timestamp=f"2025-06-0{n % 9 + 1}T10:00:00+01:00",
                     hashtags=["Mundo", f"Tema{n % 2}"])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[PreviewServer]:
    with running_server(tmp_path / "folder") as server:
        yield server


def session_of(site: SiteDir, server: PreviewServer, **options: object) -> Session:
    return Session(ServeOptions(site.root, search=False, **options), lambda: NOW, Quiet(), server, server.root)  # type: ignore[arg-type]


def test_pages_asked_for_are_a_builds_and_the_rest_follow(
    site: SiteDir, server: PreviewServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(served, "EAGER_FILES", 3)
    write_site(site)
    site.build()
    wrote = built(site.out)
    session = session_of(site, server)
    session.rebuild(frozenset())
    assert tree(server.root) == {} and session.filling

    status, _, body = request(server, "/mundo/2025/06/03/artigo-2/")
    assert status == 200 and "Artigo número 2" in body.decode()
    assert tree(server.root) == {"mundo/2025/06/03/artigo-2/index.html": wrote["mundo/2025/06/03/artigo-2/index.html"]}
    assert request(server, "/mundo/2025/06/03/artigo-2")[0] == 301, "a folder still redirects before its page is made"
    assert request(server, "/nada/")[0] == 404

    session.rebuild(frozenset())  # nothing changed: the written page stays, the rest stays pending
    while session.filling:
        session.fill(1)
    assert tree(server.root) == wrote, "once filled, the preview holds exactly what a build wrote"


def test_the_preview_starts_from_the_build_cache_and_never_writes_it(
    site: SiteDir, server: PreviewServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(served, "EAGER_FILES", 0)
    write_site(site)
    site.build(cache=site.root / CACHE)
    cache, stamps = kept(site.root / CACHE)
    site.article("artigo-1", headline="Artigo mudado depois da compilação", timestamp="2025-06-02T10:00:00+01:00",
                 hashtags=["Mundo", "Tema1"])
    session = session_of(site, server)
    session.rebuild(frozenset())
    assert session.cache.parsed == 1, "only the article changed since the build is parsed"
    assert session.last is not None and session.last.quick, "the build's plan is carried, not made afresh"

    status, _, body = request(server, "/mundo/2025/06/02/artigo-1/")
    assert status == 200 and "Artigo mudado depois da compilação" in body.decode()
    while session.filling:
        session.fill(1)
    site.build(output=site.root / "fresh")  # no cache: from scratch
    assert tree(server.root) == built(site.root / "fresh")
    assert kept(site.root / CACHE) == (cache, stamps), "the build cache is read, never written"
    assert site.build(cache=site.root / CACHE).replanned, "the build goes on from its cache after the preview read it"
    assert built(site.out) == built(site.root / "fresh")


def test_a_preview_of_drafts_plans_afresh_from_the_build_cache(site: SiteDir, server: PreviewServer) -> None:
    write_site(site, 3)
    site.article("rascunho", headline="Um rascunho", timestamp="2025-06-05T10:00:00+01:00", draft=True)
    site.build(cache=site.root / CACHE)
    session = session_of(site, server, drafts=True)
    session.rebuild(frozenset())
    assert session.cache.parsed == 0 and session.last is not None and not session.last.quick
    status, _, body = request(server, "/mundo/2025/06/05/rascunho/")
    assert status == 200 and "Um rascunho" in body.decode()


def test_a_damaged_build_cache_is_left_alone_and_the_preview_parses(site: SiteDir, server: PreviewServer) -> None:
    write_site(site, 3)
    site.build(cache=site.root / CACHE)
    (site.root / CACHE / "articles-00").write_bytes(b"garbage")
    for shard in (site.root / CACHE).glob("articles-*"):
        shard.write_bytes(b"garbage")
    session = session_of(site, server)
    session.rebuild(frozenset())
    assert session.cache.parsed == 3
    assert (site.root / CACHE / "articles-00").read_bytes() == b"garbage", "the preview never repairs the build's cache"
    assert request(server, "/mundo/2025/06/01/artigo-0/")[0] == 200


def broken_site(site: SiteDir, template: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three articles, every page written when asked for, and *template* overridden with a
    mistake that only rendering finds (line 2)."""
    monkeypatch.setattr(served, "EAGER_FILES", 0)
    write_site(site, 3)
    site.write(f"templates/{template}", "<!doctype html>\n<p>{{ nao_existe.titulo }}</p>\n")


def test_a_page_that_cannot_be_made_shows_why_and_the_rest_waits_for_the_next_save(
    site: SiteDir, server: PreviewServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken_site(site, "article.html", monkeypatch)
    console = Quiet()
    session = Session(ServeOptions(site.root, search=False), lambda: NOW, console, server, server.root)
    session.rebuild(frozenset())
    assert server.status.problems == () and session.filling, "the plan is fine: only the pages fail"

    status, _, body = request(server, "/mundo/2025/06/02/artigo-1/")
    assert status == 500 and "This page could not be made." in body.decode() and "templates/article.html:2" in body.decode()
    assert request(server, "/")[0] == 200, "the pages the mistake is not in are folder"
    session.fill(5)
    assert not session.filling and len(console.said) == 1, "said once, then the rest waits"
    assert session.pages.pending

    (site.root / "templates/article.html").unlink()
    session.rebuild(frozenset({"templates/article.html"}))
    while session.filling:
        session.fill(1)
    assert not session.pages.pending
    assert "Artigo número 1" in request(server, "/mundo/2025/06/02/artigo-1/")[2].decode()


class Indexer:
    """The search indexer, recording what it was asked to index."""

    def __init__(self) -> None:
        self.wanted: list[dict[str, str]] = []

    def want(self, pages: dict[str, str]) -> None:
        self.wanted.append(pages)

    def forget(self) -> None:
        pass


def test_the_search_index_is_asked_for_once_requests_wrote_the_last_page(
    site: SiteDir, server: PreviewServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(served, "EAGER_FILES", 0)
    write_site(site, 2)
    session = Session(ServeOptions(site.root, search=True), lambda: NOW, Quiet(), server, server.root)
    session.indexer = Indexer()  # type: ignore[assignment]
    session.rebuild(frozenset())
    session.settle()
    assert session.indexer.wanted == []  # type: ignore[attr-defined]
    for file in list(session.pages.pending):
        request(server, "/" + file)
    assert not session.pages.pending and session.filling, "the index is still to be asked for"
    session.fill(1)
    [pages_indexed] = session.indexer.wanted  # type: ignore[attr-defined]
    assert "mundo/2025/06/01/artigo-0/index.html" in pages_indexed and not session.filling


def test_a_404_page_that_cannot_be_made_answers_404_with_why(
    site: SiteDir, server: PreviewServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken_site(site, "404.html", monkeypatch)
    session_of(site, server).rebuild(frozenset())
    status, _, body = request(server, "/nada/")
    assert status == 404 and "This page could not be made." in body.decode() and "templates/404.html:2" in body.decode()
