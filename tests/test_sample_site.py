"""The repository's own site: the seed articles and the regions' stories become a complete
Mundo section, with the front its editors set (a manchete, two destaques until a given
time, a kicker), two regions with breadcrumbs and a topic page; beside them a live page of
three entries and an article whose timestamp was fixed (its old URL redirects)."""
from __future__ import annotations

import re
from datetime import datetime, UTC
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsgen.pipeline import BuildOptions, build

from helpers.sites import REPO, tree

KIM = "mundo/2025/06/04/kim-jong-un-reitera-apoio-incondicional-a-russia-perante-shoigu/index.html"
LAVROV = "mundo/2025/07/12/colaboracao-entre-russia-e-coreia-do-norte-para-a-recaptura-de-kursk/index.html"
KYIV = "mundo/europa/2025/07/12/kyiv-pede-aos-aliados-mais-defesa-aerea/index.html"
SANCTIONS = "mundo/europa/2025/07/13/bruxelas-prepara-novo-pacote-de-sancoes/index.html"
GAZA = "mundo/medio-oriente/2025/07/12/negociacoes-para-cessar-fogo-em-gaza-retomadas/index.html"
ELECTIONS = "mundo/europa/2025/07/11/o-que-as-eleicoes-antecipadas-dizem-sobre-a-europa/index.html"
ARTICLES = 8
THAT_DAY = datetime(2025, 7, 13, 12, 0, tzinfo=ZoneInfo("Europe/Lisbon"))
"""The sample as its editors left it: the destaques' «until» still ahead."""
LIVE = "mundo/2025/07/12/em-direto-lavrov-na-coreia-do-norte/index.html"
MOVED_FROM = "mundo/2025/06/04/seul-e-toquio-condenam-cooperacao-militar-entre-moscovo-e-pyongyang/"
MOVED_TO = "mundo/2025/06/05/seul-e-toquio-condenam-cooperacao-militar-entre-moscovo-e-pyongyang/"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory, sample_cache: Path) -> Path:
    output = tmp_path_factory.mktemp("sample") / "build"
    result = build(BuildOptions(REPO, output, datetime(2026, 1, 1, tzinfo=UTC), strict=True, cache=sample_cache))
    assert result.articles == ARTICLES
    assert result.warnings == (), "the ledger (urls.lock) is up to date"
    return output


@pytest.fixture(scope="module")
def that_day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("sample-day") / "build"
    assert build(BuildOptions(REPO, output, THAT_DAY, strict=True)).articles == ARTICLES
    return output


def cards(html: str) -> list[str]:
    """The headlines of a front's cards, in order: the manchete first, then its grid."""
    top = html.split('<div class="front-top">')[1].split('<div class="front-lower">')[0]
    return re.findall(r'class="card-title"><a href="[^"]+">([^<]+)</a>', top)


def read(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


def test_the_section_has_every_page_kind(out: Path) -> None:
    files = set(tree(out))
    assert {
        "index.html", "mundo/index.html", "mundo/2025/06/index.html", "mundo/2025/07/index.html", KIM, LAVROV,
        "tag/cooperacao-militar/index.html", "tag/russia-coreia-do-norte/index.html",
        "tag/justica-internacional/index.html", "tags/index.html", "404.html",
        KYIV, SANCTIONS, GAZA, ELECTIONS, "mundo/europa/index.html", "mundo/medio-oriente/index.html",
        "mundo/europa/2025/07/index.html", "mundo/europa/feed.xml",
    } <= files
    assert {"cooperacao-militar", "justica-internacional", "russia-coreia-do-norte", "guerra-na-ucrania"} <= {
        p.parent.name for p in (out / "tag").glob("*/index.html")
    }


def test_the_lavrov_article_keeps_the_seed_wording_with_pt_pt_quotes(out: Path) -> None:
    html = read(out, LAVROV)
    seed = (REPO.parent / "shared" / "seeds" / "000_95af581567acc27a.txt")
    if seed.exists():
        last = seed.read_text(encoding="utf-8").split("#CooperaçãoMilitar")[0].strip().splitlines()[-1]
        assert last[:80] in html
    assert "na «libertação da região de Kursk» dos «nazis ucranianos»" in html
    assert '<time datetime="2025-07-12T11:00:00+01:00"' in html and "12 de julho de 2025, 11:00" in html
    for tag in ("Cooperação militar", "#RússiaCoreiaDoNorte", "#JustiçaInternacional"):  # a topic by its name
        assert tag in html
    assert re.search(r"\d+ min de leitura", html)


def test_the_kim_article_has_its_lead_figure_and_fixed_subheading(out: Path) -> None:
    html = read(out, KIM)
    assert html.count("<h1") == 1
    assert "Kim Jong-un reitera «apoio incondicional» à Rússia perante Shoigu" in html
    figure = html[html.index("<figure"):html.index("</figure>")]
    assert "<figcaption" in figure and "cidade portuária ao anoitecer." in figure and "Ilustração newsgen" in figure
    assert '<picture><source type="image/' in figure and 'fetchpriority="high"' in figure
    assert 'alt="Uma cidade portuária ao anoitecer, com as janelas dos prédios iluminadas e barcos no cais"' in figure
    assert "Cooperação «ilegal»</h2>" in html
    assert "4 de junho de 2025, 18:30" in html


def test_articles_relate_through_shared_hashtags(out: Path) -> None:
    assert "/mundo/2025/06/05/seul-e-toquio" in read(out, KIM), "the next article"
    assert "/mundo/2025/06/04/kim-jong-un-reitera" in read(out, LAVROV)


def test_fronts_and_archives_list_newest_first(out: Path) -> None:
    for page in ("index.html", "mundo/index.html"):
        html = read(out, page)
        assert html.index("Colaboração entre Rússia") < html.index("Kim Jong-un reitera")
    assert "junho de 2025" in read(out, "mundo/2025/06/index.html")
    assert "6 artigos" in read(out, "mundo/2025/07/index.html"), "Mundo's archive lists its regions' stories"
    assert "3 artigos" in read(out, "mundo/europa/2025/07/index.html")
    assert "4 artigos" in read(out, "tag/cooperacao-militar/index.html")


def test_the_live_page_has_three_entries_and_has_ended(out: Path) -> None:
    html = read(out, LIVE)
    assert html.count('class="live-entry"') == 3 and "Momentos-chave" in html
    assert ">13 de julho, 10:15</time>" in html and ">12 de julho, 14:40</time>" in html, (
        "entries over two days each say their day")
    assert "Cobertura terminada" in html and "js/live.js" not in html, "built in 2026: the coverage ended in 2025"


def test_the_moved_article_s_old_url_redirects(out: Path) -> None:
    assert f'url=/{MOVED_TO}"' in read(out, MOVED_FROM + "index.html")
    assert f"/{MOVED_FROM} /{MOVED_TO} 301" in read(out, "_redirects")
    assert 'href="/mundo/2025/06/04/kim-jong-un-reitera' in read(out, MOVED_TO + "index.html"), "a link by file"


def test_the_editors_front_a_manchete_and_two_destaques_until_their_time(that_day: Path, out: Path) -> None:
    """On 13 July 2025 at noon: the Kyiv story leads although two are newer; the sanctions
    and Gaza destaques follow it, then the rest newest first. Long after their «until» the
    destaques are back in their place; the manchete, given no end, still leads."""
    assert cards(read(that_day, "index.html")) == [
        "Kyiv pede aos aliados mais defesa aérea depois da maior vaga de ataques do verão",
        "Bruxelas prepara novo pacote de sanções contra Moscovo",
        "Negociações para um cessar-fogo em Gaza retomadas em Doha",
        "Colaboração entre Rússia e Coreia do Norte para a recaptura de Kursk",
        "Lavrov na Coreia do Norte, ao minuto",
        "O que as eleições antecipadas dizem sobre o novo mapa político europeu",
        "Seul e Tóquio condenam cooperação militar entre Moscovo e Pyongyang",
    ]
    later = cards(read(out, "index.html"))
    assert later[0].startswith("Kyiv pede") and later[1].startswith("Bruxelas prepara")  # the newest after it
    assert later[2].startswith("Negociações") and later[3].startswith("Colaboração")
    assert cards(read(that_day, "mundo/medio-oriente/index.html")) == [
        "Negociações para um cessar-fogo em Gaza retomadas em Doha",
    ]


def test_labels_show_the_kicker_else_the_topic_else_the_region(that_day: Path) -> None:
    home = read(that_day, "index.html")
    labels = re.findall(r'<p class="kicker">([^<]+)</p>\s*<h2 class="card-title">', home)
    assert labels == ["Guerra na Ucrânia", "Sanções à Rússia", "Médio Oriente", "Cooperação militar", "Análise",
                      "Cooperação militar"]
    assert '<p class="kicker story-kicker" data-pagefind-ignore>Análise</p>' in read(that_day, ELECTIONS)


def test_two_regions_with_their_breadcrumbs(out: Path) -> None:
    for page, region in ((KYIV, "Europa"), (GAZA, "Médio Oriente")):
        html = read(out, page)
        crumbs = html.split('<nav class="breadcrumbs" aria-label="Localização">')[1].split("</nav>")[0]
        assert re.findall(r">([^<>]+)</a>", crumbs) == ["Mundo", region]
        assert '"@type":"BreadcrumbList"' in html
    europa = read(out, "mundo/europa/index.html")
    assert "<title>Europa — Diário Exemplo</title>" in europa and "Bruxelas prepara" in europa and "Negociações" not in europa
    assert 'aria-label="Secções de Mundo"' in read(out, "mundo/index.html")


def test_the_topic_page_is_titled_with_its_display_name(out: Path) -> None:
    html = read(out, "tag/cooperacao-militar/index.html")
    assert "<h1>Cooperação militar</h1>" in html and "<title>Cooperação militar — Diário Exemplo</title>" in html
    assert "A aliança entre Moscovo e Pyongyang" in html
    pinned = html.split('id="em-destaque"')[1].split("</section>")[0]
    assert "Kim Jong-un reitera" in pinned and "Colaboração entre Rússia" not in pinned
    untitled = read(out, "tag/justica-internacional/index.html")
    assert "<h1>#Justiça<wbr>Internacional</h1>" in untitled, "a hashtag with no topic keeps its page"


def test_every_page_is_pt_pt(out: Path) -> None:
    for name, data in tree(out).items():
        if name.endswith(".html"):
            assert '<html lang="pt-PT"' in data.decode(), name


def test_the_tab_names_the_publication_never_mundo_twice(out: Path) -> None:
    """The home page's title is the publication's name (newsgen.yaml's publisher); a
    section's is «Mundo — Diário Exemplo» (it read «Mundo · Mundo»)."""
    assert "<title>Diário Exemplo</title>" in read(out, "index.html")
    assert "<title>Mundo — Diário Exemplo</title>" in read(out, "mundo/index.html")
    assert f"<title>Kim Jong-un reitera «apoio incondicional» à Rússia perante Shoigu — Diário Exemplo</title>" in read(out, KIM)
