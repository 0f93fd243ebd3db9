"""The newsroom, as a reader, a feed reader and a crawler find it: authors and bylines, the
publisher (its name, logo and icons), standalone pages, corrections; and every mistake an
editor can make with them, named at its line."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

import feedparser
import pytest
from PIL import Image

from newsgen.core.bylines import AuthorIndex
from newsgen.core.config import parse_config
from newsgen.core.errors import ContentError
from newsgen.core.parse import ParseContext, parse_article
from newsgen.core.timeline import clock
from newsgen.pipeline import gather

from helpers.newsroom import PUBLISHER, author_text, page_text, write_newsroom
from helpers.sites import CONFIG, SiteDir, article_text, png

KIM = "mundo/2025/07/12/kim/"
CIMEIRA = "mundo/2025/07/10/cimeira/"
LUSA = "mundo/2025/06/01/lusa/"
SHOWN_AT, HELD_AT = "2025-07-13T09:00:00+01:00", "2025-07-20T10:00:00+01:00"
LATER = datetime(2025, 7, 21, tzinfo=UTC)
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def write_articles(site: SiteDir) -> None:
    site.article("2025-07-12-kim", headline="Kim recebe Shoigu", timestamp="2025-07-12T18:30+01:00", byline="ana-sousa",
                 corrections=[{"at": SHOWN_AT, "text": 'Dizia "terça-feira"; foi na quarta-feira.'},
                              {"at": HELD_AT, "text": "Uma correção que ainda não chegou."}])
    site.article("2025-07-10-cimeira", headline="Cimeira em Bruxelas", timestamp="2025-07-10T10:00+01:00",
                 byline=["ana-sousa", "redacao"], corrections=[{"at": "2025-07-13T10:00+01:00", "text": "O local estava errado."}])
    site.article("2025-06-01-lusa", headline="Notícia da agência", timestamp="2025-06-01T10:00+01:00", byline="Lusa")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> SiteDir:
    site = SiteDir(tmp_path_factory.mktemp("newsroom") / "site")
    write_newsroom(site)
    write_articles(site)
    result = site.build()
    assert [str(w) for w in result.warnings] == [
        "content/mundo/2025-06-01-lusa.md:7: warning: byline 'Lusa' is not an author of content/autores/: shown as "
        "written, without an author page (add content/autores/lusa.md)",
    ]
    return site


def feed(data: bytes) -> Any:
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- authors and bylines -----------------------------------------------------------------


def test_a_byline_links_each_author_on_the_article_page_and_on_cards(built: SiteDir) -> None:
    page = built.page(CIMEIRA)
    assert ('Por <strong><a href="/autor/ana-sousa/" rel="author">Ana Sousa</a></strong> e '
            '<strong><a href="/autor/redacao/" rel="author">Redação</a></strong>') in page
    assert '<span class="card-byline"><a href="/autor/ana-sousa/" rel="author">Ana Sousa</a> e <a href="/autor/redacao/" rel="author">Redação</a></span>' in built.page("")
    assert 'Por <strong>Lusa</strong>' in built.page(LUSA)  # free text: no page, no link
    assert not (built.out / "autor/lusa").exists()


def test_an_author_page_shows_the_photo_role_bio_and_articles_newest_first(built: SiteDir) -> None:
    page = built.page("autor/ana-sousa/")
    assert "<h1>Ana Sousa</h1>" in page and '<p class="author-role">Jornalista</p>' in page
    assert "Acompanha a Rússia e a península coreana." in page and "2 artigos" in page
    assert '<a href="https://social.example/@anasousa" rel="me">social.example</a>' in page
    photo = re.search(r'<img class="author-photo" src="/(media/[0-9a-f]{20}-96\.jpg)" srcset="[^"]+ 1x, /(media/[0-9a-f]{20}-192\.jpg) 2x" width="96" height="96"', page)
    assert photo, "a square photo at 1x and 2x"
    with Image.open(built.out / photo[2]) as image:
        assert (image.format, image.size) == ("JPEG", (192, 192))
    assert page.index("Kim recebe Shoigu") < page.index("Cimeira em Bruxelas")
    organisation = built.page("autor/redacao/")
    assert "Assinatura" in organisation and "1 artigo" in organisation


def test_an_author_with_many_articles_has_pages_numbered_from_the_oldest(site: SiteDir) -> None:
    write_newsroom(site)
    for day in range(1, 23):
        site.article(f"2025-06-{day:02d}-n{day}", headline=f"Notícia {day}", timestamp=f"2025-06-{day:02d}T10:00", byline="redacao")
    site.build()
    newest, oldest = site.page("autor/redacao/"), site.page("autor/redacao/1/")
    assert "22 artigos" in newest and "Notícia 22" in newest and "Notícia 2<" not in newest
    assert "Notícia 1<" in oldest and "Notícia 20<" in oldest and "Notícia 21" not in oldest
    assert '<a href="/autor/redacao/1/">Página 1</a>' in newest
    assert "Página 1" in oldest and 'href="/autor/redacao/2/"' in oldest


def test_a_feed_reader_gets_each_author_of_an_entry_and_each_author_s_feed(built: SiteDir) -> None:
    home = feed((built.out / "feed.xml").read_bytes())
    assert home.feed.title == "Mundo de Teste · Diário Exemplo"
    cimeira = next(e for e in home.entries if e.title == "Cimeira em Bruxelas")
    assert [(a.name, a.get("href")) for a in cimeira.authors] == [
        ("Ana Sousa", "https://example.pt/autor/ana-sousa/"), ("Redação", "https://example.pt/autor/redacao/")]
    mine = feed((built.out / "autor/ana-sousa/feed.xml").read_bytes())
    assert mine.feed.title == "Ana Sousa · Diário Exemplo" and mine.feed.subtitle == "Jornalista"
    assert [e.title for e in mine.entries] == ["Kim recebe Shoigu", "Cimeira em Bruxelas"]
    assert mine.feed.icon == "https://example.pt/icon-192.png" and mine.feed.logo == "https://example.pt/logo.png"


# --- corrections ----------------------------------------------------------------------------


def test_a_correction_is_a_dated_box_and_moves_every_date_of_the_last_change(built: SiteDir) -> None:
    page = built.page(KIM)
    box = re.search(r'<section class="correction" id="correcao-1".*?</section>', page, re.S)
    assert box and "Correção" in box[0] and f'datetime="{SHOWN_AT}"' in box[0]
    assert "Dizia «terça-feira»; foi na quarta-feira." in box[0]
    assert f'Atualizado <time datetime="{SHOWN_AT}" data-relative>13 de julho de 2025, 09:00</time> (<a href="#correcao-1">correção</a>)' in page
    assert f'<meta property="article:modified_time" content="{SHOWN_AT}">' in page
    assert f'"dateModified":"{SHOWN_AT}"' in page
    entry = next(e for e in feed((built.out / "feed.xml").read_bytes()).entries if e.title == "Kim recebe Shoigu")
    assert entry.updated == SHOWN_AT and entry.published == "2025-07-12T18:30:00+01:00"
    urlset = ET.fromstring((built.out / "sitemap-2025-07.xml").read_bytes())
    lastmod = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in urlset}
    assert lastmod["https://example.pt/" + KIM] == SHOWN_AT


def test_a_correction_after_the_build_clock_is_held_back_like_an_embargo(built: SiteDir, tmp_path: Any) -> None:
    held = "Uma correção que ainda não chegou."
    everything = b"".join(p.read_bytes() for p in built.out.rglob("*") if p.is_file())
    assert held.encode() not in everything
    assert 'id="correcao-2"' not in built.page(KIM)
    articles = gather(built.options()).memory.articles
    assert clock(articles, datetime(2025, 7, 19, tzinfo=UTC))[1] == datetime.fromisoformat(HELD_AT), "a build is due at its time"
    later = built.build(output=tmp_path / "later", now=LATER)
    assert later.articles == 3
    page = (tmp_path / "later" / KIM / "index.html").read_text()
    assert held in page and 'id="correcao-2"' in page and f'"dateModified":"{HELD_AT}"' in page


def test_the_corrections_page_lists_every_correction_newest_first_with_its_feed(built: SiteDir) -> None:
    page = text_of(built.page("correcoes/"))
    assert page.index("O local estava errado.") < page.index("Dizia «terça-feira»")
    assert f'<a href="/{CIMEIRA}#correcao-1">Cimeira em Bruxelas</a>' in built.page("correcoes/")
    corrections = feed((built.out / "correcoes/feed.xml").read_bytes())
    assert corrections.feed.title == "Correções · Diário Exemplo"
    assert [(e.title, e.link, e.updated) for e in corrections.entries] == [
        ("Correção: Cimeira em Bruxelas", f"https://example.pt/{CIMEIRA}#correcao-1", "2025-07-13T10:00:00+01:00"),
        ("Correção: Kim recebe Shoigu", f"https://example.pt/{KIM}#correcao-1", SHOWN_AT),
    ]
    assert corrections.entries[1].summary == "<p>Dizia «terça-feira»; foi na quarta-feira.</p>"
    assert len({e.id for e in corrections.entries}) == 2


def test_a_site_without_corrections_nor_a_link_to_them_has_no_corrections_page(site: SiteDir) -> None:
    site.article("a")
    site.build()
    assert not (site.out / "correcoes").exists()


@pytest.mark.parametrize(("at", "message"), [
    ("2025-06-04T18:00+01:00", "the correction's 'at' (2025-06-04T18:00+01:00) is before the article's 'timestamp'"),
    ("2025-06-05", "'at' needs a time as well as a date"),
])
def test_a_correction_before_the_article_or_without_a_time_is_an_error_at_its_line(at: str, message: str) -> None:
    text = article_text(corrections=[{"at": at, "text": "Errado."}])
    ctx = ParseContext(parse_config(CONFIG), frozenset())
    article, problems = parse_article("content/mundo/x.md", text.encode(), ctx)
    assert article is None and [p.line for p in problems] == [7] and message in problems[0].message


# --- standalone pages and the publisher -------------------------------------------------------------


def test_a_standalone_page_is_in_the_sitemap_and_the_footer_and_nowhere_else(built: SiteDir) -> None:
    page = built.page("estatuto-editorial/")
    assert '<h1 class="standalone-title">Estatuto editorial</h1>' in page and 'id="correcoes"' in page
    pages = ET.fromstring((built.out / "sitemap-pages.xml").read_bytes())
    listed = [u.findtext(f"{SM}loc") for u in pages]
    assert {"https://example.pt/estatuto-editorial/", "https://example.pt/ficha-tecnica/", "https://example.pt/correcoes/",
            "https://example.pt/autor/ana-sousa/"} <= set(listed)
    for name in ("feed.xml", "mundo/feed.xml", "news-sitemap.xml", "sitemap-2025-07.xml"):
        assert b"estatuto-editorial" not in (built.out / name).read_bytes(), name
    for path in ("", "mundo/", "mundo/2025/07/"):
        assert 'href="/estatuto-editorial/"' not in built.page(path).split('<footer class="site-footer">')[0], path
    footer = ('<li><a href="/estatuto-editorial/">Estatuto editorial</a></li>', '<li><a href="/ficha-tecnica/">Ficha técnica</a></li>',
              '<li><a href="/correcoes/">Correções</a></li>')
    for path in ("", KIM, "autor/redacao/", "tags/"):
        assert all(link in built.page(path) for link in footer), path


def test_the_publisher_s_name_is_in_the_news_sitemap_open_graph_and_feeds(built: SiteDir) -> None:
    news = ET.fromstring((built.out / "news-sitemap.xml").read_bytes())
    assert {n.text for n in news.iter(f"{NEWS}name")} == {"Diário Exemplo"}
    assert '<meta property="og:site_name" content="Diário Exemplo">' in built.page(KIM)
    assert "<title>Kim recebe Shoigu — Diário Exemplo</title>" in built.page(KIM), "the tab names the publication"
    assert "<title>Diário Exemplo</title>" in built.page("") and "<h1 class=\"brand\"><a href=\"/\">Mundo de Teste</a></h1>" in built.page(""), \
        "the masthead keeps the section's name"
    assert feed((built.out / "mundo/feed.xml").read_bytes()).feed.title == "Mundo · Diário Exemplo"
    lusa = next(e for e in feed((built.out / "feed.xml").read_bytes()).entries if e.title == "Notícia da agência")
    assert lusa.author == "Lusa"


def test_the_favicon_set_and_the_logos_have_the_sizes_browsers_and_google_ask_for(built: SiteDir) -> None:
    with Image.open(built.out / "favicon.ico") as ico:
        assert ico.format == "ICO" and sorted(ico.info["sizes"]) == [(16, 16), (32, 32), (48, 48)]
    for name, side, opaque in (("icon-32.png", 32, False), ("icon-192.png", 192, False), ("apple-touch-icon.png", 180, True),
                               ("logo-512.png", 512, True)):
        with Image.open(built.out / name) as image:
            assert (image.format, image.size) == ("PNG", (side, side)), name
            assert (image.mode == "RGB") == opaque, name
    with Image.open(built.out / "logo.png") as logo:
        assert logo.size == (480, 60), "in Google's 600 x 60 box: 60 px high"
    head = built.page("")
    assert '<link rel="icon" href="/favicon.ico" sizes="48x48">' in head and '<link rel="apple-touch-icon" href="/apple-touch-icon.png">' in head
    assert 'rel="icon" href="data:,"' not in head
    assert '<img src="/logo.png" alt="Diário Exemplo" width="240" height="30"' in head


def test_the_publisher_s_and_the_authors_pictures_are_published_only_as_their_copies(built: SiteDir) -> None:
    """As an article's photographs are: the originals (with whatever their metadata holds) stay home."""
    published = {p.relative_to(built.out).as_posix() for p in built.out.rglob("*")}
    assert {"favicon.ico", "logo.png"} <= published and any(p.startswith("media/") and p.endswith("-192.jpg") for p in published)
    assert not {"images/marca/logo.png", "images/marca/icone.png", "images/ana.png"} & published


def test_without_a_favicon_the_theme_s_icon_is_published_unless_the_site_has_its_own(site: SiteDir) -> None:
    site.article("a")
    site.build()
    assert {"favicon.ico", "icon.svg", "apple-touch-icon.png"} <= {p.name for p in site.out.iterdir()}
    assert '<link rel="icon" href="/icon.svg" type="image/svg+xml">' in site.page("")
    site.write("static/favicon.ico", (site.out / "favicon.ico").read_bytes())
    site.build()
    assert not (site.out / "icon.svg").exists() and '<link rel="icon" href="/favicon.ico">' in site.page("")


# --- mistakes, each at its line --------------------------------------------------------------


AUTHORS = AuthorIndex((("ana-sousa", "Ana Sousa"), ("rui-lopes", "Rui Lopes")))


@pytest.mark.parametrize(("byline", "credits", "problem"), [
    ("ana-sousa", [("ana-sousa", "ana-sousa")], None),
    ("Ana Sousa", [("Ana Sousa", "ana-sousa")], None),
    (["rui-lopes", "ana-sousa"], [("rui-lopes", "rui-lopes"), ("ana-sousa", "ana-sousa")], None),
    ("Ana Sousa e Rui Lopes", [("Ana Sousa", "ana-sousa"), ("Rui Lopes", "rui-lopes")],
     "warning: byline 'Ana Sousa e Rui Lopes' names 2 authors: write them as a list, byline: [ana-sousa, rui-lopes]"),
    ("Ana Souza", None, "unknown author 'Ana Souza' (did you mean 'ana-sousa', Ana Sousa?); the authors are the files of content/autores/"),
    (["ana-souza"], None, "unknown author 'ana-souza' (did you mean 'ana-sousa', Ana Sousa?)"),
    ("maria-silva", None, "unknown author key 'maria-silva': no content/autores/maria-silva.md"),
    ("Lusa", [("Lusa", "")], "warning: byline 'Lusa' is not an author of content/autores/"),
], ids=["key", "name", "list", "two-in-one", "near-name", "near-key", "unknown-key", "free-text"])
def test_a_byline_names_authors_by_key_name_or_list(byline: object, credits: Any, problem: str | None) -> None:
    ctx = ParseContext(parse_config(CONFIG), frozenset(), authors=AUTHORS)
    article, problems = parse_article("content/mundo/x.md", article_text(byline=byline).encode(), ctx)
    assert [tuple(c) for c in article.credits] == credits if credits is not None else article is None
    if problem is None:
        assert problems == []
    else:
        [found] = problems
        assert found.line == 7 and problem in str(found)


def test_free_text_on_a_site_without_authors_is_no_warning() -> None:
    article, problems = parse_article("content/mundo/x.md", article_text(byline="Lusa").encode(),
                                      ParseContext(parse_config(CONFIG), frozenset()))
    assert problems == [] and article is not None and article.credits == (("Lusa", ""),)


def test_every_mistake_in_the_newsroom_s_files_and_config_is_named_at_its_line(site: SiteDir) -> None:
    write_newsroom(site, CONFIG)
    site.write("newsgen.yaml", (CONFIG + PUBLISHER).replace("logo: images/marca/logo.png", "logo: images/marca/logo.gif")
               .replace("masthead: ficha-tecnica", "masthead: ficha-tecnca").replace("[estatuto-editorial,", "[estatuto,"))
    site.write("content/autores/rui.md", author_text("Rui", kind="pessoa", photo="images/rui.png"))
    site.write("content/autores/sem-nome.md", "---\nrole: Editor\nidade: 40\n---\nBio.\n")
    site.write("content/paginas/mundo.md", page_text("Mundo", "Uma página com o nome da secção.\n"))
    site.write("content/paginas/vazia.md", page_text("Vazia", ""))
    site.article("a", byline="ana-sousa")
    with pytest.raises(ContentError) as caught:
        site.build()
    assert [str(p) for p in caught.value.problems] == [
        "content/autores/rui.md:3: an author's 'type' is person or organization, not 'pessoa' (did you mean 'person'?)",
        "content/autores/rui.md:4: photo 'images/rui.png' not found in static/ or content/",
        "content/autores/sem-nome.md:2: missing required field 'name'",
        "content/autores/sem-nome.md:3: warning: unknown field 'idade' for an author",
        "content/paginas/mundo.md: /mundo/ is taken by a section; rename the file",
        "content/paginas/vazia.md:4: the page has no text after the front matter",
        "newsgen.yaml:12: publisher logo 'images/marca/logo.gif' not found in static/ or content/",
        "newsgen.yaml:16: no page 'ficha-tecnca' in content/paginas/ (did you mean 'ficha-tecnica'?)",
        "newsgen.yaml:17: no page 'estatuto' in content/paginas/ (did you mean 'estatuto-editorial'?)",
    ]


def test_a_publisher_s_icon_that_is_not_square_or_too_small_is_a_warning(site: SiteDir) -> None:
    write_newsroom(site)
    site.write("static/images/marca/icone.png", png(64, 48))
    site.article("a")
    warnings = [str(w) for w in site.build().warnings]
    assert warnings == ["newsgen.yaml:13: warning: publisher favicon 'images/marca/icone.png': a favicon should be square, "
                        "not 64 × 48 px: it is fitted in a square"]
    with Image.open(site.out / "icon-192.png") as icon:
        assert icon.size == (192, 192)
