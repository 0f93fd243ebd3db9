"""The repository's own site: the two seed articles become a complete Mundo section, beside a
live page of three entries and an article whose timestamp was fixed (its old URL redirects)."""
from __future__ import annotations

import re
from datetime import datetime, UTC
from pathlib import Path

import pytest

from newsgen.pipeline import BuildOptions, build

from helpers.sites import REPO, tree

KIM = "mundo/2025/06/04/kim-jong-un-reitera-apoio-incondicional-a-russia-perante-shoigu/index.html"
LAVROV = "mundo/2025/07/12/colaboracao-entre-russia-e-coreia-do-norte-para-a-recaptura-de-kursk/index.html"
LIVE = "mundo/2025/07/12/em-direto-lavrov-na-coreia-do-norte/index.html"
MOVED_FROM = "mundo/2025/06/04/seul-e-toquio-condenam-cooperacao-militar-entre-moscovo-e-pyongyang/"
MOVED_TO = "mundo/2025/06/05/seul-e-toquio-condenam-cooperacao-militar-entre-moscovo-e-pyongyang/"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory, sample_cache: Path) -> Path:
    output = tmp_path_factory.mktemp("sample") / "build"
    result = build(BuildOptions(REPO, output, datetime(2026, 1, 1, tzinfo=UTC), strict=True, cache=sample_cache))
    assert result.articles == 4
    assert result.warnings == (), "the ledger (urls.lock) is up to date"
    return output


def read(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


def test_the_section_has_every_page_kind(out: Path) -> None:
    files = set(tree(out))
    assert {
        "index.html", "mundo/index.html", "mundo/2025/06/index.html", "mundo/2025/07/index.html", KIM, LAVROV,
        "tag/cooperacao-militar/index.html", "tag/russia-coreia-do-norte/index.html",
        "tag/justica-internacional/index.html", "tags/index.html", "404.html",
    } <= files
    assert sorted(p.parent.name for p in (out / "tag").glob("*/index.html")) == [
        "cooperacao-militar", "justica-internacional", "russia-coreia-do-norte",
    ]


def test_the_lavrov_article_keeps_the_seed_wording_with_pt_pt_quotes(out: Path) -> None:
    html = read(out, LAVROV)
    seed = (REPO.parent / "shared" / "seeds" / "000_95af581567acc27a.txt")
    if seed.exists():
        last = seed.read_text(encoding="utf-8").split("#CooperaçãoMilitar")[0].strip().splitlines()[-1]
        assert last[:80] in html
    assert "na «libertação da região de Kursk» dos «nazis ucranianos»" in html
    assert '<time datetime="2025-07-12T11:00:00+01:00"' in html and "12 de julho de 2025, 11:00" in html
    for tag in ("#CooperaçãoMilitar", "#RússiaCoreiaDoNorte", "#JustiçaInternacional"):
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
    assert "2 artigos" in read(out, "mundo/2025/07/index.html")
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


def test_every_page_is_pt_pt(out: Path) -> None:
    for name, data in tree(out).items():
        if name.endswith(".html"):
            assert '<html lang="pt-PT"' in data.decode(), name
