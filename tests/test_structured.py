"""What search engines and social networks read: JSON-LD, Open Graph, Twitter cards, canonical."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from helpers.sites import CONFIG_NESTED, SiteDir

KIM = "mundo/2025/06/04/kim-recebe-shoigu/"
BREAKOUT = "</script><script>alert(1)</script>"


class Head(HTMLParser):
    """The metadata of a page: meta properties/names, links by rel, JSON-LD blocks, times."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, list[dict[str, str]]] = {}
        self.jsonld: list[str] = []
        self.times: list[str] = []
        self._in_jsonld = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta.setdefault(a.get("property") or a["name"], []).append(a.get("content", ""))
        elif tag == "link":
            self.links.setdefault(a.get("rel", ""), []).append(a)
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_jsonld = True
            self.jsonld.append("")
        elif tag == "time":
            self.times.append(a["datetime"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_jsonld = False

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld[-1] += data


@pytest.fixture
def built(site: SiteDir) -> SiteDir:
    site.article(
        "2025-06-04-kim-recebe-shoigu",
        headline='Kim recebe Shoigu e fala de "apoio incondicional"',
        hashtags=["CooperaçãoMilitar", "NATO"],
        updated="2025-06-05T09:15",
        byline="Ana Sousa",
        images=[{"src": "images/foto.png", "alt": "Kim e Shoigu", "caption": "Em Pyongyang.", "credit": "KCNA"}],
    )
    site.article("2025-06-03-ataque", headline=BREAKOUT, section="europa", timestamp="2025-06-03T10:00")
    site.build(search=False)
    return site


def _typed(blocks: list[str]) -> dict[str, dict[str, object]]:
    """A page's JSON-LD blocks by their ``@type``."""
    found = {}
    for block in blocks:
        data = json.loads(block)
        found[data["@type"]] = data
    assert len(found) == len(blocks), "one block of each type"
    return found


def test_an_article_page_carries_a_news_article_that_agrees_with_the_page(built: SiteDir) -> None:
    head = Head(built.page(KIM))
    data = _typed(head.jsonld)["NewsArticle"]
    url = "https://example.pt/" + KIM
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == "Kim recebe Shoigu e fala de «apoio incondicional»"
    assert data["description"] == "O líder norte-coreano reafirmou o apoio a Moscovo."
    assert data["datePublished"] == "2025-06-04T18:30:00+01:00"
    assert data["dateModified"] == "2025-06-05T09:15:00+01:00"
    assert {data["datePublished"], data["dateModified"]} == set(head.times[:2]), "same instants as the visible dates"
    crops = [(o["@type"], o["width"], o["height"], o["caption"], o["creditText"]) for o in data["image"]]
    assert crops == [("ImageObject", 16, 9, "Em Pyongyang.", "KCNA"), ("ImageObject", 12, 9, "Em Pyongyang.", "KCNA"),
                     ("ImageObject", 9, 9, "Em Pyongyang.", "KCNA")], "16:9, 4:3 and 1:1, as wide as the photo allows"
    assert all(re.fullmatch(r"https://example\.pt/media/[0-9a-f]{20}-\d+x\d+\.jpg", o["url"]) for o in data["image"])
    assert data["author"] == [{"@type": "Person", "name": "Ana Sousa"}]
    assert data["publisher"] == {"@type": "Organization", "name": "Mundo de Teste", "url": "https://example.pt/"}
    assert data["articleSection"] == "Mundo"
    assert data["keywords"] == ["CooperaçãoMilitar", "NATO"]
    assert data["inLanguage"] == "pt-PT"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert head.meta["og:title"] == [data["headline"]] and head.meta["og:description"] == [data["description"]]


def test_a_hostile_headline_cannot_break_out_of_the_json_ld(built: SiteDir) -> None:
    html = built.page("europa/2025/06/03/ataque/")
    assert html.count("<script>alert(1)</script>") == 0
    assert html.count("</script>") == html.count("<script")
    blocks = Head(html).jsonld
    found = _typed(blocks)
    assert found["NewsArticle"]["headline"] == BREAKOUT, "the JSON still means the same text"
    assert found["BreadcrumbList"]["itemListElement"][-1]["name"] == BREAKOUT  # type: ignore[index]
    assert all("\\u003c/script\\u003e" in block for block in blocks)


def test_an_article_in_a_region_carries_its_breadcrumbs(site: SiteDir) -> None:
    """Mundo › Europa on the page, and the same trail as a BreadcrumbList (Google's
    structured data for breadcrumbs): each section with its URL, then the article."""
    site.write("newsgen.yaml", CONFIG_NESTED)
    site.article("2025-06-04-kim", section="mundo/europa")
    site.build()
    page = "mundo/europa/2025/06/04/kim/"
    html = site.page(page)
    trail = _typed(Head(html).jsonld)["BreadcrumbList"]["itemListElement"]
    assert trail == [  # type: ignore[comparison-overlap]
        {"@type": "ListItem", "position": 1, "name": "Mundo", "item": "https://example.pt/mundo/"},
        {"@type": "ListItem", "position": 2, "name": "Europa", "item": "https://example.pt/mundo/europa/"},
        {"@type": "ListItem", "position": 3, "name": "Kim recebe Shoigu em Pyongyang"},
    ]
    nav = html.split('<nav class="breadcrumbs" aria-label="Localização">')[1].split("</nav>")[0]
    assert '<a href="/mundo/">Mundo</a>' in nav and '<a href="/mundo/europa/">Europa</a>' in nav
    front = _typed(Head(site.page("mundo/europa/")).jsonld)["BreadcrumbList"]["itemListElement"]
    assert [item.get("item") for item in front] == ["https://example.pt/mundo/", None]  # type: ignore[union-attr]


def test_open_graph_and_twitter_describe_the_article(built: SiteDir) -> None:
    meta = Head(built.page(KIM)).meta
    assert meta["og:type"] == ["article"]
    assert meta["og:locale"] == ["pt_PT"]
    assert meta["og:url"] == ["https://example.pt/" + KIM]
    [image] = meta["og:image"]
    assert re.fullmatch(r"https://example\.pt/media/[0-9a-f]{20}-16x8\.jpg", image), "1.91:1, a JPEG"
    assert (meta["og:image:width"], meta["og:image:height"], meta["og:image:type"]) == (["16"], ["8"], ["image/jpeg"])
    assert meta["article:published_time"] == ["2025-06-04T18:30:00+01:00"]
    assert meta["article:modified_time"] == ["2025-06-05T09:15:00+01:00"]
    assert meta["article:section"] == ["Mundo"]
    assert meta["article:tag"] == ["CooperaçãoMilitar", "NATO"]
    assert meta["twitter:card"] == ["summary_large_image"]
    assert meta["twitter:image"] == [image]
    assert meta["og:image:alt"] == meta["twitter:image:alt"] == ["Kim e Shoigu"]


@pytest.mark.parametrize("path", ["", "mundo/", "mundo/2025/06/", "tag/nato/", "tags/", "pesquisa/", KIM])
def test_every_page_has_its_canonical_url_and_feed_links(built: SiteDir, path: str) -> None:
    head = Head(built.page(path))
    assert [link["href"] for link in head.links["canonical"]] == ["https://example.pt/" + path]
    feeds = [link["href"] for link in head.links["alternate"] if link["type"] == "application/atom+xml"]
    assert feeds[0] == "https://example.pt/feed.xml"
    if path.startswith("mundo/"):
        assert feeds[1:] == ["https://example.pt/mundo/feed.xml"]
    if path.startswith("tag/nato/"):
        assert feeds[1:] == ["https://example.pt/tag/nato/feed.xml"]
    assert head.meta["og:url"] == ["https://example.pt/" + path]
    assert head.meta["og:locale"] == ["pt_PT"]


def test_the_404_page_is_not_indexed_and_names_no_canonical(built: SiteDir) -> None:
    head = Head(built.page("404.html"))
    assert "canonical" not in head.links and head.meta["robots"] == ["noindex"]


def test_one_language_setting_drives_every_encoding_of_it(site: SiteDir) -> None:
    config = (site.root / "newsgen.yaml").read_text(encoding="utf-8").replace("language: pt-PT", "language: pt-BR")
    site.write("newsgen.yaml", config)
    site.article("2025-06-04-kim-recebe-shoigu")
    site.build(search=False)
    head = Head(site.page(KIM))
    assert '<html lang="pt-BR">' in site.page(KIM)
    assert head.meta["og:locale"] == ["pt_BR"] and json.loads(head.jsonld[0])["inLanguage"] == "pt-BR"


def test_the_json_ld_the_feed_and_the_page_tell_the_same_story(built: SiteDir) -> None:
    import feedparser

    feed = feedparser.parse((built.out / "feed.xml").read_bytes())
    entry = next(e for e in feed.entries if e.link.endswith(KIM))
    data = json.loads(Head(built.page(KIM)).jsonld[0])
    assert entry.title == data["headline"]
    assert entry.summary == data["description"]
    assert entry.published == data["datePublished"] and entry.updated == data["dateModified"]
    assert [t.term for t in entry.tags] == data["keywords"]
    assert entry.author == data["author"][0]["name"]
