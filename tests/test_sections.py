"""Sections nested in newsgen.yaml (``mundo/europa``): their URLs, their parent's front,
archives and feed, the menu, and the mistakes an editor can make writing them."""
from __future__ import annotations

import re

import pytest

from newsgen.core.config import parse_config
from newsgen.core.errors import ConfigError, ContentError

from helpers.sites import CONFIG_NESTED, CliRun, SiteDir


@pytest.fixture
def regions(site: SiteDir) -> SiteDir:
    site.write("newsgen.yaml", CONFIG_NESTED)
    site.article("2025-06-04-kim", headline="Kim recebe Shoigu", timestamp="2025-06-04T18:30")
    site.article("2025-06-05-bruxelas", headline="Bruxelas aprova sanções", section="mundo/europa",
                 timestamp="2025-06-05T10:00")
    site.article("2025-06-06-gaza", headline="Trégua em Gaza", section="mundo/medio-oriente", timestamp="2025-06-06T10:00")
    site.article("2025-06-07-golo", headline="Golo no último minuto", section="desporto", timestamp="2025-06-07T10:00")
    site.build()
    return site


def test_a_nested_section_has_its_own_urls_below_its_parent(regions: SiteDir) -> None:
    for page in ("mundo/europa/2025/06/05/bruxelas/", "mundo/europa/", "mundo/europa/2025/06/", "mundo/medio-oriente/"):
        assert (regions.out / page / "index.html").is_file(), page
    assert (regions.out / "mundo/europa/feed.xml").is_file()
    assert (regions.out / "mundo/2025/06/04/kim/index.html").is_file(), "a story of the parent keeps its URL"
    assert not (regions.out / "europa").exists()


def test_a_parent_section_lists_its_regions_stories(regions: SiteDir) -> None:
    """Mundo's front, month archive and feed hold Europe's and the Middle East's stories;
    a region's hold its own; another section's, none of them."""
    for page in ("mundo/", "mundo/2025/06/"):
        html = regions.page(page)
        assert all(h in html for h in ("Kim recebe Shoigu", "Bruxelas aprova sanções", "Trégua em Gaza")), page
        assert "Golo no último minuto" not in html
    assert "3 artigos" in regions.page("mundo/2025/06/")
    feed = (regions.out / "mundo/feed.xml").read_text(encoding="utf-8")
    assert feed.count("<entry>") == 3
    europa = regions.page("mundo/europa/")
    assert "Bruxelas aprova sanções" in europa and "Kim recebe Shoigu" not in europa and "Trégua em Gaza" not in europa
    assert (regions.out / "mundo/europa/feed.xml").read_text(encoding="utf-8").count("<entry>") == 1


def test_the_menu_breadcrumbs_and_titles_follow_the_nesting(regions: SiteDir) -> None:
    nav = regions.page("").split('aria-label="Secções">')[1].split("</nav>")[0]
    assert re.findall(r'href="/([^"]*)"', nav) == ["mundo/", "mundo/europa/", "mundo/medio-oriente/", "desporto/", "pesquisa/"]
    article = regions.page("mundo/europa/2025/06/05/bruxelas/")
    crumbs = article.split('class="breadcrumbs"')[1].split("</nav>")[0]
    assert re.findall(r'<a href="/([^"]+)">([^<]+)</a>', crumbs) == [("mundo/", "Mundo"), ("mundo/europa/", "Europa")]
    assert "<title>Europa — Mundo de Teste</title>" in regions.page("mundo/europa/")
    assert "<title>Mundo de Teste</title>" in regions.page("")
    front = regions.page("mundo/")
    assert re.findall(r'<li><a href="/(mundo/[^"]+)">', front.split('aria-label="Secções de Mundo"')[1].split("</nav>")[0]) == [
        "mundo/europa/", "mundo/medio-oriente/",
    ]


def test_a_story_is_labelled_with_its_region_on_the_parents_front(regions: SiteDir) -> None:
    front = regions.page("mundo/")
    assert re.search(r'<p class="kicker">Europa</p>\s*<h2 class="card-title"><a href="/mundo/europa/', front)
    assert not re.search(r'<p class="kicker">Mundo</p>', front), "a section's front does not name itself"


def test_new_writes_an_article_into_a_region(regions: SiteDir, cli) -> None:  # type: ignore[no-untyped-def]
    run: CliRun = cli("-C", str(regions.root), "new", "Cimeira em Varsóvia", "--section", "mundo/europa")
    assert run.code == 0, run.err
    assert run.out.strip().endswith(".md") and "content/mundo/europa/" in run.out
    [written] = (regions.root / "content/mundo/europa").glob("*-cimeira-em-varsovia.md")
    assert "section: mundo/europa" in written.read_text(encoding="utf-8")


@pytest.mark.parametrize(("text", "message"), [
    ("  mundo:\n    title: Mundo\n    sections:\n      '2025': {title: Ano}\n",
     "section key '2025' in 'mundo' must be lowercase ASCII words joined by hyphens, not a number"),
    ("  mundo:\n    title: Mundo\n    sections:\n      Europa: {title: Europa}\n",
     "section key 'Europa' in 'mundo' must be lowercase ASCII words joined by hyphens, not a number"),
    ("  mundo:\n    title: Mundo\n    sections: [europa]\n",
     "'sections' of 'mundo' must map keys to titles, e.g. 'europa: {title: Europa}'"),
    ("  mundo:\n    title: Mundo\n    sections:\n      europa: {titel: Europa}\n",
     "unknown key 'titel' in section 'mundo/europa' (did you mean 'title'?)"),
], ids=["number", "capitals", "list", "typo"])
def test_a_badly_nested_section_is_named_at_its_line(text: str, message: str) -> None:
    config = "title: X\nbase_url: https://example.pt/\nsections:\n" + text
    with pytest.raises(ConfigError) as raised:
        parse_config(config)
    assert message in [p.message for p in raised.value.problems]


def test_an_article_names_a_region_by_its_full_key(site: SiteDir) -> None:
    site.write("newsgen.yaml", CONFIG_NESTED)
    site.article("2025-06-05-bruxelas", section="europa")
    with pytest.raises(ContentError) as raised:
        site.build()
    [problem] = raised.value.problems
    assert "unknown section 'europa'" in problem.message and "mundo/europa" in problem.message
