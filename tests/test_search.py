"""Search: a Pagefind index in every build, Portuguese stemming, only published article text."""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from newsgen.io.search import index

from helpers.browser import new_page, serve_directory
from helpers.sites import SiteDir, tree


FILLER = " ".join(f"Parágrafo de enchimento número {n} para um texto longo." for n in range(8))


@pytest.fixture
def searchable(site: SiteDir) -> SiteDir:
    site.article("2025-06-04-kim", headline="Kim recebe Shoigu",
                 body="Os soldados norte-coreanos combateram em Kursk ao lado das tropas russas.")
    site.article("2025-06-05-cimeira", headline="Cimeira em Bruxelas", section="europa",
                 body="Os ministros discutiram sanções e a cooperação com a Roménia.")
    site.article("2025-06-06-rascunho", headline="Rascunho secreto", draft=True, body="Palavra xilofonista.")
    site.article("2099-01-01-embargo", headline="Notícia sob embargo", timestamp="2099-01-01T09:00",
                 body="Palavra zarabatana.")
    # Each number of -ão words in one article only: Pagefind's stemmer keeps them apart.
    site.article("2025-06-07-urnas", headline="Urnas abertas em Bucareste", timestamp="2025-06-07T08:00",
                 body=f"As eleições presidenciais repetem-se hoje. {FILLER}",
                 images=[{"src": "images/foto.png", "alt": "Uma assembleia de voto", "credit": "Lusa"}])
    site.article("2025-06-08-petroleo", headline="Bruxelas discute o petróleo", timestamp="2025-06-08T08:00",
                 body=f"A nova sanção atinge os navios da frota sombra. {FILLER}")
    site.article("2025-06-09-votos", headline="Contagem dos votos", timestamp="2025-06-09T08:00",
                 body="A comissão eleitoral confirma a eleição do novo presidente e as sanções ficam adiadas.")
    site.write("templates/_colophon.html", "<p>Colofão com a palavra quimérico e as opiniões da redação.</p>")
    site.build(search=True)
    return site


@pytest.fixture
def served(searchable: SiteDir) -> Iterator[str]:
    with serve_directory(searchable.out) as url:
        yield url


def test_the_build_ships_a_portuguese_index_of_the_published_articles(searchable: SiteDir) -> None:
    entry = json.loads((searchable.out / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["pt-pt"]
    assert entry["languages"]["pt-pt"]["page_count"] == 5, "the published articles; no other page, no draft"
    assert (searchable.out / "pagefind/pagefind.js").is_file()
    assert not list((searchable.out / "pagefind").glob("pagefind-*ui*")), "unused ready-made UIs are not shipped"


def test_no_search_skips_the_index(site: SiteDir, cli) -> None:  # type: ignore[no-untyped-def]
    site.article("2025-06-04-kim")
    assert cli("-C", str(site.root), "build", "--no-search").code == 0
    assert not (site.out / "pagefind").exists()
    assert (site.out / "pesquisa/index.html").is_file(), "the page still says search is unavailable"


def test_search_false_in_the_config_skips_the_index(site: SiteDir) -> None:
    site.write("newsgen.yaml", (site.root / "newsgen.yaml").read_text(encoding="utf-8") + "search: false\n")
    site.article("2025-06-04-kim")
    site.build(search=True)
    assert not (site.out / "pagefind").exists()


def test_the_index_is_reproducible(searchable: SiteDir, tmp_path: Path) -> None:
    again = searchable.build(output=tmp_path / "again", search=True)
    assert again.files > 0
    assert tree(tmp_path / "again") == tree(searchable.out)


def search(page, url: str, query: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url + "pesquisa/")
    page.get_by_label("Pesquisar nos artigos").fill(query)


@pytest.mark.browser
def test_a_portuguese_query_finds_the_article_by_its_stem(browser, served: str) -> None:  # type: ignore[no-untyped-def]
    page = new_page(browser)
    search(page, served, "soldado")
    results = page.locator(".search-results li")
    expect(results).to_have_count(1)
    expect(results.first.get_by_role("link")).to_have_text("Kim recebe Shoigu")
    expect(results.first).to_contain_text("soldados")
    expect(page.locator(".search-status")).to_have_text("1 artigo para «soldado».")
    assert page.url == served + "pesquisa/?q=soldado", "the query is in the address, ready to share"
    results.first.get_by_role("link").click()
    assert page.url == served + "mundo/2025/06/04/kim/"
    assert page.problems == []


def results_of(page, served: str, query: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """The results shown for *query*: each one's headline, date, excerpt and thumbnail."""
    page.goto(served + "pesquisa/?q=" + query)
    expect(page.locator(".search-status")).not_to_have_text("")
    return page.locator(".search-results li").evaluate_all("""(items) => items.map((li) => ({
      title: li.querySelector('h2').innerText, date: li.querySelector('.meta')?.innerText,
      excerpt: li.querySelector('.search-excerpt').innerHTML, image: li.querySelector('img')?.getAttribute('src'),
    }))""")


@pytest.mark.browser
@pytest.mark.parametrize(("query", "found", "marked"), [
    ("eleição", ["Contagem dos votos", "Urnas abertas em Bucareste"], ["eleição", "eleições"]),
    ("eleições", ["Contagem dos votos", "Urnas abertas em Bucareste"], ["eleição", "eleições"]),
    ("sanção", ["Contagem dos votos", "Bruxelas discute o petróleo", "Cimeira em Bruxelas"], ["sanções", "sanção", "sanções"]),
    ("sanções", ["Contagem dos votos", "Bruxelas discute o petróleo", "Cimeira em Bruxelas"], ["sanções", "sanção", "sanções"]),
    ("comissões", ["Contagem dos votos"], ["comissão"]),
], ids=["eleição", "eleições", "sanção", "sanções", "comissões"])
def test_each_number_of_a_word_in_ao_finds_the_other(browser, served: str, query: str, found: list[str], marked: list[str]) -> None:  # type: ignore[no-untyped-def]
    """«eleição» finds «eleições» and back, «sanção» «sanções» (Pagefind's stemmer keeps
    them apart; the article pages give the indexer the other form): newest first, each
    excerpt marking the article's own word, never the hidden forms."""
    page = new_page(browser)
    results = results_of(page, served, query)
    assert [r["title"] for r in results] == found
    for result, word in zip(results, marked, strict=True):
        assert f"<mark>{word}" in result["excerpt"], result
    assert page.problems == []


@pytest.mark.browser
def test_results_show_their_date_and_photo_and_excerpts_end_with_an_ellipsis(browser, served: str) -> None:  # type: ignore[no-untyped-def]
    page = new_page(browser)
    [urnas] = [r for r in results_of(page, served, "eleições") if r["title"].startswith("Urnas")]
    assert urnas["date"] == "7 de junho de 2025"
    assert re.fullmatch(r"/media/[0-9a-f]{20}-16\.png", urnas["image"]), "a copy of its photo (16 px wide)"
    assert urnas["excerpt"].endswith(" …"), "cut before the text ends"
    assert "eleição" not in urnas["excerpt"].replace("<mark>eleições</mark>", ""), "the hidden forms stay hidden"
    [short] = results_of(page, served, "presidente")
    assert not short["excerpt"].endswith("…") and short["image"] is None, "a whole short text: no ellipsis"


@pytest.mark.browser
def test_accents_fold_and_a_shared_link_runs_the_query(browser, served: str) -> None:  # type: ignore[no-untyped-def]
    page = new_page(browser)
    page.goto(served + "pesquisa/?q=romenia")
    expect(page.locator(".search-results li")).to_have_count(1)
    expect(page.locator(".search-results")).to_contain_text("Cimeira em Bruxelas")
    expect(page.get_by_label("Pesquisar nos artigos")).to_have_value("romenia")


@pytest.mark.browser
@pytest.mark.parametrize("word", ["xilofonista", "zarabatana", "quimérico", "opinião", "Saltar", "inicial", "Partilhar"])
def test_drafts_embargoes_and_page_chrome_are_not_searchable(browser, served: str, word: str) -> None:  # type: ignore[no-untyped-def]
    page = new_page(browser)
    search(page, served, word)
    expect(page.locator(".search-status")).to_have_text(f"Nenhum artigo encontrado para «{word}».")
    expect(page.locator(".search-results li")).to_have_count(0)


@pytest.mark.browser
def test_without_javascript_the_page_says_why_there_are_no_results(browser, served: str) -> None:  # type: ignore[no-untyped-def]
    page = new_page(browser, js=False)
    page.goto(served + "pesquisa/")
    expect(page.locator("main")).to_contain_text("A pesquisa funciona no seu navegador e precisa de JavaScript")


@pytest.mark.browser
def test_with_javascript_the_note_gives_way_to_the_search(browser, served: str) -> None:  # type: ignore[no-untyped-def]
    page = new_page(browser)
    page.goto(served + "pesquisa/")
    expect(page.locator(".search-note")).to_have_count(0)


# --- the same index on any filesystem ----------------------------------------------------


def _many_articles(site: SiteDir) -> SiteDir:
    for n in range(12):
        site.article(f"2025-06-{n + 1:02d}-noticia-{n}", headline=f"Notícia {n} sobre a cimeira", hashtags=[f"Tema{n % 3}"],
                     timestamp=f"2025-06-{n + 1:02d}T10:00", body=f"Os ministros discutiram o ponto {n} da agenda europeia.")
    return site


def _other_filesystem(path: Path) -> Path:
    """A folder on /dev/shm (tmpfs, listing files in creation order) when it is another
    filesystem than *path*'s (ext4 lists them by a hash of the name)."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or not os.access(shm, os.W_OK) or shm.stat().st_dev == path.stat().st_dev:
        pytest.skip("no second filesystem (/dev/shm) to build on")
    return Path(tempfile.mkdtemp(prefix="newsgen-fs-", dir=shm))


def test_the_whole_site_is_the_same_on_two_filesystems(site: SiteDir, tmp_path: Path) -> None:
    """Pagefind numbers pages in the order it reads them; a filesystem's listing order must
    not reach the index."""
    _many_articles(site).build(search=True)
    elsewhere = _other_filesystem(tmp_path)
    try:
        copy = SiteDir(elsewhere / "site")
        shutil.copytree(site.root, copy.root, ignore=shutil.ignore_patterns("build", ".newsgen-cache"))
        copy.build(search=True)
        assert tree(copy.out) == tree(site.out)
    finally:
        shutil.rmtree(elsewhere)


def test_the_index_does_not_depend_on_the_order_a_folder_lists_its_pages(site: SiteDir, tmp_path: Path) -> None:
    """The same pages created in opposite orders (on tmpfs, which lists them in creation
    order) give the same index."""
    _many_articles(site).build(search=True)
    pages = sorted(p.relative_to(site.out) for p in site.out.rglob("*.html"))
    elsewhere = _other_filesystem(tmp_path)
    try:
        for name, order in (("forward", pages), ("backward", pages[::-1])):
            for page in order:
                (elsewhere / name / page).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(site.out / page, elsewhere / name / page)
            index(elsewhere / name, elsewhere / f"{name}-index")
        assert tree(elsewhere / "forward-index") == tree(elsewhere / "backward-index") == tree(site.out / "pagefind")
    finally:
        shutil.rmtree(elsewhere)
