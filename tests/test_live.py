"""Live pages (``live: true``): timestamped entries newest first, each with a permanent
anchor, key events, «Em direto» on the page and its cards until ``ends``, JSON-LD
LiveBlogPosting, and ``live.json``, which a small script polls to tell an open tab «1 nova
atualização» without reloading it. A new entry is an edit of the article: a quick re-plan."""
from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from newsgen.core.errors import ContentError
from newsgen.core.parse import ParseContext, parse_article
from newsgen.theme import THEME

from helpers.archive import CACHE, assert_same_as_cold
from helpers.browser import new_page, serve_directory
from helpers.sites import CONFIG, SiteDir, article_text

PAGE = "mundo/2025/07/13/cimeira/"
ENTRIES = """Acompanhe aqui a cimeira da NATO em Haia.

## 09:15 Chegam os primeiros líderes

Os primeiros chefes de Estado chegaram ao Fórum Mundial.

## 10:40

A sessão de abertura começou com vinte minutos de atraso[^1].

## 2025-07-13 11:05 Zelensky discursa

O presidente ucraniano pediu mais defesa aérea.

[^1]: Segundo a organização.
"""
NEW_ENTRY = "## 12:30 Comunicado final aprovado\n\nOs aliados aprovaram o comunicado.\n\n"


def _live(site: SiteDir, body: str = ENTRIES, **fields: object) -> None:
    site.article("2025-07-13-cimeira", headline="Em direto: cimeira da NATO", timestamp="2025-07-13T09:00",
                 hashtags=["NATO"], live=True, body=body, **{"ends": "2025-07-13T20:00", **fields})
    site.article("2025-07-12-antes", headline="Véspera da cimeira", timestamp="2025-07-12T09:00", hashtags=["NATO"])


def test_entries_are_newest_first_each_with_a_permanent_anchor() -> None:
    from newsgen.core.config import parse_config

    text = article_text(headline="Direto", timestamp="2025-07-13T09:00", live=True, body=ENTRIES)
    article, problems = parse_article("content/mundo/x.md", text.encode(), ParseContext(parse_config(CONFIG), frozenset()))
    assert article is not None and article.live is not None, problems
    assert [(e.at.strftime("%d %H:%M"), e.anchor, e.title) for e in article.live.entries] == [
        ("13 11:05", "atualizacao-20250713-1105", "Zelensky discursa"),
        ("13 10:40", "atualizacao-20250713-1040", ""),
        ("13 09:15", "atualizacao-20250713-0915", "Chegam os primeiros líderes"),
    ]
    html = article.body_html
    assert html.index("Acompanhe aqui") < html.index("Zelensky") < html.index("atraso") < html.index("Chegam")
    assert html.rstrip().endswith("</div>") and html.index('class="footnote"') > html.index("Chegam"), "notes stay last"
    assert article.live.entries[1].text == "A sessão de abertura começou com vinte minutos de atraso1."
    assert [e.when for e in article.live.entries] == ["11:05", "10:40", "09:15"], "one day: times alone"


def test_entries_over_two_days_each_say_their_day() -> None:
    """Newest first, a time alone below the next day's entry would read as that day's."""
    from newsgen.core.config import parse_config

    body = ENTRIES + "\n## 2025-07-14 00:20 Fim da cimeira\n\nOs líderes partem.\n"
    text = article_text(headline="Direto", timestamp="2025-07-13T09:00", live=True, body=body)
    article, problems = parse_article("content/mundo/x.md", text.encode(), ParseContext(parse_config(CONFIG), frozenset()))
    assert article is not None and article.live is not None, problems
    assert [e.when for e in article.live.entries] == [
        "14 de julho, 00:20", "13 de julho, 11:05", "13 de julho, 10:40", "13 de julho, 09:15"]
    assert '<time datetime="2025-07-13T10:40:00+01:00">13 de julho, 10:40</time>' in article.body_html


@pytest.mark.parametrize(
    ("heading", "message"),
    [("## 25:10", "entry heading '25:10': 25:10 is not a time of day"),
     ("## 2025-02-30 10:00", "entry heading '2025-02-30 10:00': 2025-02-30 is not a date (YYYY-MM-DD)"),
     ("## 2025-03-30 01:30", "does not exist in Europe/Lisbon")],
    ids=["hour", "date", "clock-change"],
)
def test_a_bad_entry_heading_is_an_error_at_its_line(site: SiteDir, heading: str, message: str) -> None:
    site.article("2025-07-13-direto", timestamp="2025-03-29T09:00", live=True, body=f"Introdução.\n\n{heading}\n\nTexto.")
    with pytest.raises(ContentError) as caught:
        site.check()
    [problem] = caught.value.problems
    assert problem.line == 11 and message in problem.message, problem


def test_the_page_and_its_cards_say_em_direto_until_it_ends(site: SiteDir) -> None:
    _live(site)
    assert_same_as_cold(site)
    page = site.page(PAGE)
    assert '<span class="live-label">Em direto</span>' in page
    assert page.count('class="live-entry"') == 3 and 'id="atualizacao-20250713-1105"' in page
    keys = page.split('id="momentos-chave"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="#([^"]+)"', keys) == ["atualizacao-20250713-1105", "atualizacao-20250713-0915"]
    assert "js/live.js" in page and f'data-live-status="/{PAGE}live.json"' in page
    for front in ("", "mundo/", "tag/nato/"):
        assert '<span class="live-label">Em direto</span>' in site.page(front), front
    assert json.loads((site.out / PAGE / "live.json").read_text()) == {
        "entries": 3, "live": True, "newest": "2025-07-13T11:05:00+01:00"}

    ended = datetime(2025, 7, 13, 19, tzinfo=UTC)  # 20:00 in Lisbon
    assert_same_as_cold(site, now=ended)
    page = site.page(PAGE)
    assert "live-label" not in page and "Cobertura terminada" in page and "js/live.js" not in page
    assert all("live-label" not in site.page(front) for front in ("", "mundo/", "tag/nato/"))
    assert json.loads((site.out / PAGE / "live.json").read_text())["live"] is False


def test_the_structured_data_is_a_live_blog_posting(site: SiteDir) -> None:
    _live(site)
    site.build()
    data = json.loads(site.page(PAGE).split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0])
    assert data["@type"] == "LiveBlogPosting"
    assert (data["coverageStartTime"], data["coverageEndTime"]) == ("2025-07-13T09:00:00+01:00", "2025-07-13T20:00:00+01:00")
    assert data["dateModified"] == "2025-07-13T11:05:00+01:00", "the newest entry, as the page shows it"
    first = data["liveBlogUpdate"][0]
    assert first == {
        "@type": "BlogPosting", "headline": "Zelensky discursa", "datePublished": "2025-07-13T11:05:00+01:00",
        "url": f"https://example.pt/{PAGE}#atualizacao-20250713-1105",
        "articleBody": "O presidente ucraniano pediu mais defesa aérea.",
    }
    assert data["liveBlogUpdate"][1]["headline"] == "Em direto: cimeira da NATO (10:40)"


def test_a_new_entry_is_a_quick_edit_that_rewrites_few_files(site: SiteDir) -> None:
    _live(site)
    for n in range(20):
        site.article(f"2025-06-{n + 1:02d}-outra-{n}", headline=f"Outra {n}", timestamp=f"2025-06-{n + 1:02d}T10:00", hashtags=["NATO"])
    assert_same_as_cold(site)
    _live(site, body=ENTRIES.replace("## 09:15", NEW_ENTRY + "## 09:15"))
    entry = assert_same_as_cold(site)
    assert entry.replanned, "an entry is an edit: the last plan is kept"
    assert json.loads((site.out / PAGE / "live.json").read_text())["entries"] == 4
    _live(site, body=ENTRIES.replace("## 09:15", NEW_ENTRY + "## 09:15"), standfirst="Um resumo revisto.")
    edit = assert_same_as_cold(site)
    assert entry.rewritten == edit.rewritten <= 13, "the pages any edit of it rewrites, no more"


@pytest.mark.browser
def test_an_open_tab_hears_of_a_new_entry_without_reloading(site: SiteDir, browser: Any) -> None:
    _live(site)
    site.build(cache=site.root / CACHE)
    with serve_directory(site.out) as url:
        page = new_page(browser)
        page.clock.install(time=datetime(2025, 7, 13, 12, tzinfo=UTC))
        page.goto(url + PAGE)
        page.evaluate("window.unchanged = true")  # gone if the page reloads
        news = page.locator(".live-news")
        page.clock.run_for(31_000)
        page.wait_for_timeout(300)
        assert news.is_hidden(), "nothing new yet"
        _live(site, body=ENTRIES.replace("## 09:15", NEW_ENTRY + "## 09:15"))
        site.build(cache=site.root / CACHE)
        page.clock.run_for(30_000)
        news.wait_for(state="visible")
        assert news.inner_text() == "1 nova atualização Ver agora"
        assert page.evaluate("window.unchanged") is True
        assert page.problems == []

        still = new_page(browser, js=False)
        still.goto(url + PAGE)
        assert still.locator(".live-entry").count() == 4 and still.locator(".live-news").is_hidden()


def test_the_script_stays_small() -> None:
    assert (THEME / "static/js/live.js").stat().st_size < 2048
