"""topics.yaml: a hashtag's page becomes a topic page, titled with its display name, opened
by a description, a lead image and pinned stories; every mistake named at its line."""
from __future__ import annotations

import re

import pytest

from newsgen.core.errors import ContentError
from newsgen.core.topics import parse_topics

from helpers.sites import SiteDir

KIM = "content/mundo/2025-06-04-kim.md"
TOPICS = f"""\
cooperacao militar:   # any spelling of #CooperaçãoMilitar
  name: Cooperação militar
  description: A aliança entre Moscovo e Pyongyang, "sem limites".
  image: {{src: fotos/kim.png, alt: Kim e Shoigu, caption: Em Pyongyang., credit: KCNA via KNS/AP}}
  pinned: [{KIM}]
"""


@pytest.fixture
def topical(site: SiteDir) -> SiteDir:
    site.write("content/fotos/kim.png", (site.root / "static/images/foto.png").read_bytes())
    site.write("topics.yaml", TOPICS)
    site.article("2025-06-04-kim", headline="Kim recebe Shoigu", hashtags=["CooperaçãoMilitar", "Rússia"])
    for day in range(5, 9):
        site.article(f"2025-06-0{day}-dia-{day}", headline=f"Notícia do dia {day}", timestamp=f"2025-06-0{day}T10:00",
                     hashtags=["Rússia", "CooperaçãoMilitar"] if day % 2 else ["CooperaçãoMilitar"])
    site.article("2025-06-09-rascunho", headline="Rascunho", hashtags=["CooperaçãoMilitar"], draft=True)
    site.build()
    return site


def test_a_topic_page_is_titled_by_its_name_and_opens_with_its_description_photo_and_pins(topical: SiteDir) -> None:
    html = topical.page("tag/cooperacao-militar/")
    assert "<h1>Cooperação militar</h1>" in html and "<title>Cooperação militar — Mundo de Teste</title>" in html
    assert '<p class="page-lede">A aliança entre Moscovo e Pyongyang, «sem limites».</p>' in html
    assert '<meta name="description" content="A aliança entre Moscovo e Pyongyang, «sem limites».">' in html
    figure = html.split('<figure class="figure figure-lead"')[1].split("</figure>")[0]
    copies = re.findall(r'/(media/[0-9a-f]{20}-\d+\.(?:webp|png|avif))', figure)
    assert copies and all((topical.out / c).is_file() for c in copies), "its photo is published as copies"
    assert 'alt="Kim e Shoigu"' in figure and "KCNA via KNS/AP" in figure
    assert not (topical.out / "fotos/kim.png").exists(), "never the file itself (its metadata may hold a position)"
    pinned, rest = html.split('id="em-destaque"')[1].split("</section>", 1)
    assert "Kim recebe Shoigu" in pinned and "Kim recebe Shoigu" not in rest, "pinned above, not repeated below"
    assert rest.index("Notícia do dia 8") < rest.index("Notícia do dia 5")
    feed = (topical.out / "tag/cooperacao-militar/feed.xml").read_text(encoding="utf-8")
    assert "<title>Cooperação militar · Mundo de Teste</title>" in feed


def test_stories_name_the_topic_where_they_named_the_hashtag(topical: SiteDir) -> None:
    """Article footers, topic lists and labels use the display name; a hashtag with no
    entry keeps its «#Hashtag» page and name; URLs do not change."""
    article = topical.page("mundo/2025/06/04/kim/")
    footer = article.split('aria-label="Temas"')[1].split("</ul>")[0]
    assert '<a href="/tag/cooperacao-militar/">Cooperação militar</a>' in footer
    assert '<a href="/tag/russia/">#Rússia</a>' in footer
    assert "<h1>#Rússia</h1>" in topical.page("tag/russia/")
    index = topical.page("tags/")
    assert ">Cooperação militar</a>" in index and ">#Rússia</a>" in index
    assert '<p class="kicker">Cooperação militar</p>' in topical.page("")


def test_a_pinned_draft_is_left_out_quietly(site: SiteDir) -> None:
    site.write("topics.yaml", "NATO:\n  name: Aliança Atlântica\n  pinned: [content/mundo/2025-06-09-rascunho.md]\n")
    site.article("2025-06-04-kim", hashtags=["NATO"])
    site.article("2025-06-09-rascunho", hashtags=["NATO"], draft=True)
    assert site.build().warnings == ()
    assert 'id="em-destaque"' not in site.page("tag/nato/")


@pytest.mark.parametrize(("text", "expected"), [
    ("NATO: Aliança\n", "topics.yaml:1: topic 'NATO' needs at least a 'name', not 'Aliança'"),
    ("NATO:\n  description: Sem nome.\n", "topics.yaml:2: missing required field 'name'"),
    ("NATO: {name: A}\n'#nato': {name: B}\n", "topics.yaml:2: '#nato' is the hashtag 'NATO' again"),
    ("NA+TO: {name: A}\n", "topics.yaml:1: 'NA+TO' is not a hashtag: letters, digits, spaces, '-' and '_' only"),
    ("NATO:\n  name: A\n  image: {src: images/falta.png, alt: X, credit: Y}\n",
     "topics.yaml:3: image 'images/falta.png' not found in static/ or content/ (a path from the site's root)"),
    ("NATO:\n  name: A\n  image: {src: images/foto.png, credit: Y}\n", "topics.yaml:3: missing required field 'alt'"),
    ("NATO:\n  name: A\n  pinned: [content/mundo/kim.md]\n",
     "topics.yaml:3: warning: pinned story 'content/mundo/kim.md' is not an article file (did you mean "
     "'content/mundo/2025-06-04-kim.md'?); it is left out"),
    ("NATO:\n  nome: A\n  name: B\n", "topics.yaml:2: warning: unknown field 'nome' (did you mean 'name'?)"),
    ("NATO: [name\n", "topics.yaml:1: YAML syntax error"),
], ids=["no-map", "no-name", "twice", "not-a-hashtag", "no-image", "no-alt", "bad-pin", "typo", "syntax"])
def test_every_mistake_is_named_at_its_line(text: str, expected: str) -> None:
    _, problems = parse_topics(text, frozenset({"images/foto.png"}), frozenset({"content/mundo/2025-06-04-kim.md"}))
    assert any(str(p).startswith(expected) for p in problems), [str(p) for p in problems]


def test_a_broken_topics_file_stops_the_build_with_its_line(site: SiteDir) -> None:
    site.write("topics.yaml", "NATO:\n  description: Sem nome.\n")
    site.article("2025-06-04-kim", hashtags=["NATO"])
    with pytest.raises(ContentError) as raised:
        site.build()
    assert [str(p) for p in raised.value.problems] == ["topics.yaml:2: missing required field 'name'"]
