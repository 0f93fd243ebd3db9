"""Incremental builds of the newsroom: a correction, a byline, an author's bio or role, a
policy page, each edited, rewrites the files that show it and no other (by inode: a
rewritten file is a new one), and leaves what a build from scratch writes."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from helpers.archive import CACHE, assert_same_as_cold
from helpers.newsroom import BIO, PAGES, page_text, write_authors, write_newsroom
from helpers.sites import SiteDir, article_text

# (file, byline, timestamp, hashtags): the oldest first.
ARTICLES = [
    ("2025-05-02-um", "ana-sousa", "2025-05-02T10:00", ["NATO"]),
    ("2025-05-10-dois", "redacao", "2025-05-10T10:00", ["Gaza"]),
    ("2025-06-03-tres", "ana-sousa", "2025-06-03T10:00", ["NATO", "Ucrânia"]),
    ("2025-06-12-quatro", ["ana-sousa", "redacao"], "2025-06-12T10:00", ["Ucrânia"]),
    ("2025-06-20-cinco", "Ana Sousa", "2025-06-20T10:00", ["Gaza"]),
    ("2025-07-01-seis", "redacao", "2025-07-01T10:00", ["Eleições"]),
]
LATER = datetime(2025, 7, 21, 12, tzinfo=UTC)
EDITED = "content/mundo/2025-06-03-tres.md"
EDITED_URL = "mundo/2025/06/03/tres/"


def write(site: SiteDir, name: str, byline: object, timestamp: str, hashtags: list[str], **extra: object) -> None:
    site.write(f"content/mundo/{name}.md", article_text(
        headline=f"Notícia {name[11:]}", timestamp=timestamp, hashtags=hashtags, byline=byline, **extra))


@pytest.fixture
def newsroom(site: SiteDir) -> SiteDir:
    write_newsroom(site)
    for spec in ARTICLES:
        write(site, *spec)
    assert_same_as_cold(site)
    return site


def rewritten(site: SiteDir) -> set[str]:
    """Build *site* with its cache (the output must equal a build from scratch); the files
    the build wrote (new inodes, or new files)."""
    before = {p.relative_to(site.out).as_posix(): p.stat().st_ino for p in site.out.rglob("*") if p.is_file()}
    assert_same_as_cold(site)
    after = {p.relative_to(site.out).as_posix(): p.stat().st_ino for p in site.out.rglob("*") if p.is_file()}
    return {p for p, inode in after.items() if before.get(p) != inode and not p.startswith(".")}


def shows(site: SiteDir, file: str, needle: str) -> bool:
    return needle in (site.out / file).read_text(encoding="utf-8")


def test_adding_a_correction_rewrites_the_pages_that_show_the_article(newsroom: SiteDir) -> None:
    write(newsroom, *ARTICLES[2], corrections=[{"at": "2025-06-04T09:00", "text": "O número estava errado."}])
    files = rewritten(newsroom)
    assert {f"{EDITED_URL}index.html", "correcoes/index.html", "correcoes/feed.xml", "sitemap-2025-06.xml"} <= files
    assert "O número estava errado." in (newsroom.out / EDITED_URL / "index.html").read_text()
    assert all(shows(newsroom, f, EDITED_URL) for f in files if not f.startswith("sitemap")), "the rest show the article"
    assert "mundo/2025/05/02/um/index.html" not in files and "autor/redacao/index.html" not in files


def test_changing_a_byline_rewrites_the_article_and_both_authors_pages(newsroom: SiteDir) -> None:
    write(newsroom, "2025-06-03-tres", "redacao", "2025-06-03T10:00", ["NATO", "Ucrânia"])
    files = rewritten(newsroom)
    authors = {"autor/ana-sousa/index.html", "autor/redacao/index.html", "autor/ana-sousa/feed.xml", "autor/redacao/feed.xml"}
    assert authors | {f"{EDITED_URL}index.html"} <= files
    assert {f for f in files if not shows(newsroom, f, EDITED_URL) and not f.startswith("sitemap")} <= authors
    assert "Notícia tres" not in (newsroom.out / "autor/ana-sousa/index.html").read_text()


def test_editing_an_author_s_bio_rewrites_only_their_page(newsroom: SiteDir) -> None:
    write_authors(newsroom, bio=f"{BIO} Agora também cobre a Ásia Central.")
    assert rewritten(newsroom) == {"autor/ana-sousa/index.html"}
    assert "Ásia Central" in newsroom.page("autor/ana-sousa/")


def test_editing_an_author_s_role_rewrites_every_page_with_their_byline(newsroom: SiteDir) -> None:
    write_authors(newsroom, role="Editora de Internacional")
    files = rewritten(newsroom)
    assert {"autor/ana-sousa/index.html", "autor/ana-sousa/feed.xml", f"{EDITED_URL}index.html"} <= files
    hers = ["/autor/ana-sousa/"] + [f"/mundo/{t[:10].replace('-', '/')}/{n[11:]}/" for n, b, t, _ in ARTICLES if "ana" in str(b).lower()]
    assert all(any(shows(newsroom, f, url) for url in hers) for f in files), "each shows her byline or an article of hers"
    assert "tag/eleicoes/index.html" not in files  # only the Redação's
    assert '"jobTitle":"Editora de Internacional"' in newsroom.page(EDITED_URL)


def test_editing_a_policy_page_rewrites_only_that_page(newsroom: SiteDir) -> None:
    title, body = PAGES["ficha-tecnica"]
    newsroom.write("content/paginas/ficha-tecnica.md", page_text(title, body + "\nDiretora: Maria Exemplo.\n"))
    assert rewritten(newsroom) == {"ficha-tecnica/index.html"}


def test_retitling_a_page_in_the_footer_rewrites_every_page(newsroom: SiteDir) -> None:
    title, body = PAGES["ficha-tecnica"]
    newsroom.write("content/paginas/ficha-tecnica.md", page_text("Quem somos", body))
    files = rewritten(newsroom)
    pages = {p.relative_to(newsroom.out).as_posix() for p in newsroom.out.rglob("*.html")}
    assert pages <= files and all(shows(newsroom, page, ">Quem somos</a>") for page in pages), "the footer of every page"


def test_new_authors_and_pages_come_and_go(newsroom: SiteDir) -> None:
    newsroom.write("content/autores/rui-lopes.md", "---\nname: Rui Lopes\n---\nCorrespondente.\n")
    newsroom.write("content/paginas/contactos.md", page_text("Contactos", "Escreva-nos.\n"))
    write(newsroom, "2025-07-02-sete", "rui-lopes", "2025-07-02T10:00", ["NATO"])
    assert {"autor/rui-lopes/index.html", "contactos/index.html"} <= rewritten(newsroom)
    (newsroom.root / "content/autores/rui-lopes.md").unlink()
    (newsroom.root / "content/paginas/contactos.md").unlink()
    write(newsroom, "2025-07-02-sete", "redacao", "2025-07-02T10:00", ["NATO"])
    rewritten(newsroom)
    assert not (newsroom.out / "autor/rui-lopes").exists() and not Path(newsroom.out / "contactos").exists()


def test_a_reworded_correction_reaches_its_article_and_the_corrections_page(newsroom: SiteDir) -> None:
    write(newsroom, *ARTICLES[2], corrections=[{"at": "2025-06-04T09:00", "text": "O número estava errado."}])
    rewritten(newsroom)
    write(newsroom, *ARTICLES[2], corrections=[{"at": "2025-06-04T09:00", "text": "O número e a data estavam errados."}])
    files = rewritten(newsroom)
    assert {f"{EDITED_URL}index.html", "correcoes/index.html", "correcoes/feed.xml"} <= files
    assert "O número e a data estavam errados." in newsroom.page("correcoes/")


def test_a_held_back_correction_appears_when_the_clock_reaches_it(newsroom: SiteDir) -> None:
    write(newsroom, *ARTICLES[-1], corrections=[{"at": "2025-07-20T09:00", "text": "Corrigido mais tarde."}])
    rewritten(newsroom)
    assert "Corrigido mais tarde." not in newsroom.page("mundo/2025/07/01/seis/")
    assert newsroom.build(cache=newsroom.root / CACHE, now=LATER - timedelta(days=2)).rewritten == 0  # still held back
    assert_same_as_cold(newsroom, now=LATER)
    assert "Corrigido mais tarde." in newsroom.page("mundo/2025/07/01/seis/")


def test_a_new_article_joins_its_author_s_pages_and_feed(newsroom: SiteDir) -> None:
    write(newsroom, "2025-07-05-oito", "ana-sousa", "2025-07-05T10:00", ["NATO"])
    files = rewritten(newsroom)
    assert {"autor/ana-sousa/index.html", "autor/ana-sousa/feed.xml"} <= files and "autor/redacao/index.html" not in files
    assert "Notícia oito" in newsroom.page("autor/ana-sousa/")
