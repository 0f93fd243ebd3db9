"""What readers find on the pages: neighbours in the section, featured tags, image sizes, labels."""
from __future__ import annotations

import re

from helpers.sites import png, SiteDir


def test_an_article_links_the_previous_and_next_article_of_its_section(site: SiteDir) -> None:
    site.article("2025-06-01-primeiro", headline="Primeiro", timestamp="2025-06-01T10:00")
    site.article("2025-06-02-segundo", headline="Segundo", timestamp="2025-06-02T10:00")
    site.article("2025-06-03-terceiro", headline="Terceiro", timestamp="2025-06-03T10:00")
    site.article("2025-06-02-europeu", headline="Europeu", section="europa", timestamp="2025-06-02T12:00")
    site.build()
    middle = site.page("mundo/2025/06/02/segundo/")
    assert re.search(r'rel="prev" href="/mundo/2025/06/01/primeiro/"><span>Artigo anterior</span> Primeiro', middle)
    assert re.search(r'rel="next" href="/mundo/2025/06/03/terceiro/"><span>Artigo seguinte</span> Terceiro', middle)
    first = site.page("mundo/2025/06/01/primeiro/")
    assert 'rel="prev"' not in first and "Segundo</a>" in first
    assert "Europeu" not in middle.split('class="pager story-pager"')[1].split("</nav>")[0], "same section only"


def test_fronts_feature_the_most_used_hashtags_of_the_last_30_days(site: SiteDir) -> None:
    site.article("2025-07-10-a", timestamp="2025-07-10T10:00", hashtags=["Ucrânia", "NATO"])
    site.article("2025-07-01-b", timestamp="2025-07-01T10:00", hashtags=["Ucrânia"])
    site.article("2025-06-15-c", timestamp="2025-06-15T10:00", hashtags=["Ucrânia", "Gaza"])
    site.article("2025-05-01-d", timestamp="2025-05-01T10:00", hashtags=["Eleições", "Eleições2025", "Brexit"])
    site.build()
    home = site.page("")
    featured = home.split('aria-label="Temas em destaque"')[1].split("</ul>")[0]
    assert re.findall(r"#(\w+)</a>", featured) == ["Ucrânia", "Gaza", "NATO"], "by use, then name; May is too old"


def test_the_home_page_links_every_month_archive(site: SiteDir) -> None:
    site.article("2025-07-10-a", timestamp="2025-07-10T10:00")
    site.article("2025-06-15-b", timestamp="2025-06-15T10:00", section="europa")
    site.build()
    home = site.page("")
    assert '<a href="/mundo/2025/07/">Mundo: julho de 2025</a> <span class="count">(1 artigo)</span>' in home
    assert '<a href="/europa/2025/06/">Europa: junho de 2025</a>' in home


def test_every_image_has_its_size_so_nothing_shifts_while_it_loads(site: SiteDir) -> None:
    site.write("static/images/foto.png", png(1200, 4))
    site.write("static/images/mapa.png", png(640, 360))
    site.write("content/mundo/2025-06-04-kim/grafico.svg", '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 150"/>')
    site.article(
        "2025-06-04-kim/index",
        images=[{"src": "images/foto.png", "alt": "Kim", "credit": "KCNA"},
                {"src": "images/mapa.png", "alt": "Mapa", "caption": "Kursk.", "credit": "Reuters"}],
        body='Texto.\n\n![Gráfico](grafico.svg "Exportações."){credit="Banco Mundial"}\n',
        slug="kim",
    )
    result = site.build()
    page = site.page("mundo/2025/06/04/kim/")
    images = {re.search(r'alt="([^"]+)"', tag)[1]: tag for tag in re.findall(r"<img [^>]*>", page.split("<main")[1])}
    assert 'width="1200" height="4" alt="Kim" fetchpriority="high">' in images["Kim"], "lead: not lazy"
    assert 'width="640" height="360" alt="Mapa" loading="lazy" decoding="async"' in images["Mapa"]
    svg = images["Gráfico"]
    assert 'src="/mundo/2025-06-04-kim/grafico.svg"' in svg
    assert 'height="150"' in svg and 'width="300"' in svg and 'loading="lazy"' in svg
    assert result.warnings == ()


def test_an_unreadable_image_is_a_warning_naming_the_file(site: SiteDir) -> None:
    site.write("static/images/partida.png", b"\x89PNG\r\n\x1a\n")
    site.article("2025-06-04-kim")
    result = site.build()
    assert [str(w) for w in result.warnings] == [
        "static/images/partida.png: warning: not a readable image: it is shown without width and height"
    ]


def test_captions_and_credits_are_announced_to_screen_readers(site: SiteDir) -> None:
    site.article("2025-06-04-kim", images=[{"src": "images/foto.png", "alt": "Kim", "caption": "Em Pyongyang.",
                                             "credit": "KCNA"}])
    site.build()
    page = site.page("mundo/2025/06/04/kim/")
    assert (
        '<figcaption><span class="visually-hidden">Legenda: </span>Em Pyongyang. '
        '<span class="credit"><span class="visually-hidden">Créditos: </span>KCNA</span></figcaption>'
    ) in page
