"""Feeds, sitemaps and robots.txt: what a feed reader or a crawler gets (`feed_files`)."""
from __future__ import annotations

import calendar
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
import pytest

from newsgen.core.config import SiteConfig, parse_config
from newsgen.core.feeds import Feeds, image_type
from newsgen.core.outputs import Run
from newsgen.incremental.feedentries import FeedEntries, WrittenFeeds
from newsgen.core.models import Article
from newsgen.core.parse import ParseContext, parse_article
from newsgen.core.site import Site, build_site
from newsgen.core.sitemaps import SITEMAP_LIMIT, Sitemaps, news_language

from helpers.sites import article_text, CONFIG, NOW

CONFIGURED = parse_config(CONFIG)
PREFIXED = parse_config(CONFIG.replace("https://example.pt/", "https://example.pt/noticias/"))
ASSETS = frozenset({"images/foto.png", "images/mapa.svg", "images/cena.jpg"})
LEAD = {"src": "images/foto.png", "alt": "Kim e Shoigu", "caption": "Na cimeira", "credit": "KCNA via AP"}
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


def art(name: str, config: SiteConfig = CONFIGURED, **fields: object) -> Article:
    ctx = ParseContext(config, ASSETS, "/noticias/" if config is PREFIXED else "/")
    article, problems = parse_article(f"content/mundo/{name}.md", article_text(**fields).encode(), ctx)  # type: ignore[arg-type]
    assert article is not None, problems
    return article


def site_of(*articles: Article, now: datetime = NOW, config: SiteConfig = CONFIGURED, **flags: bool) -> Site:
    return build_site(config, articles, now, **flags)


def feed_files(site: Site, sitemap_limit: int = SITEMAP_LIMIT) -> dict[str, bytes]:
    """Every distribution file of *site*, by output path, as a build plans them."""
    keys = {a.path: a.digest for a in site.articles}
    return made(*Feeds(site, keys).runs(), *Sitemaps(site, sitemap_limit).runs())


def made(*runs: Run) -> dict[str, bytes]:
    """Every output of *runs*, made, by file."""
    outputs = [(run, run.output(i)) for run in runs for i in range(run.count)]
    return {output.file: run.make(output) for run, output in outputs}


def feed(data: bytes) -> Any:
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def when(struct: Any) -> datetime:
    """A feedparser time (UTC struct_time) as an aware datetime."""
    return datetime.fromtimestamp(calendar.timegm(struct), UTC)


def locs(data: bytes) -> dict[str, str | None]:
    """A urlset's URLs with their lastmod text."""
    root = ET.fromstring(data)
    assert root.tag == f"{SM}urlset"
    return {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in root.findall(f"{SM}url")}  # type: ignore[misc]


def index_of(files: dict[str, bytes]) -> list[tuple[str, str | None]]:
    """What ``sitemap.xml``, a sitemap index, lists: each file's URL and lastmod."""
    root = ET.fromstring(files["sitemap.xml"])
    assert root.tag == f"{SM}sitemapindex"
    return [(s.findtext(f"{SM}loc"), s.findtext(f"{SM}lastmod")) for s in root.findall(f"{SM}sitemap")]  # type: ignore[misc]


def sitemap_urls(files: dict[str, bytes], base: str = "https://example.pt/") -> dict[str, str | None]:
    """Every URL the sitemap index leads a crawler to, with its lastmod; each listed file exists."""
    found: dict[str, str | None] = {}
    for loc, _ in index_of(files):
        assert loc.startswith(base), loc
        part = locs(files[loc.removeprefix(base)])
        assert not part.keys() & found.keys(), "a URL in two sitemap files"
        found.update(part)
    return found


def many(n: int, **fields: object) -> list[Article]:
    """*n* articles an hour apart, «Notícia 0» the oldest."""
    start = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)
    return [
        art(f"n{i}", headline=f"Notícia {i}", timestamp=(start + timedelta(hours=i)).isoformat(), **fields)
        for i in range(n)
    ]


def test_one_file_per_feed_and_sitemap() -> None:
    site = site_of(art("a", hashtags=["NATO", "CooperaçãoMilitar"]))
    assert sorted(feed_files(site)) == [
        "europa/feed.xml", "feed.xml", "mundo/feed.xml", "news-sitemap.xml", "robots.txt", "sitemap-2025-06.xml",
        "sitemap-pages.xml", "sitemap-tags-c.xml", "sitemap-tags-n.xml", "sitemap.xml", "tag/cooperacao-militar/feed.xml",
        "tag/nato/feed.xml",
    ]


def test_an_entry_carries_everything_a_reader_shows() -> None:
    body = 'Ver [a secção](/mundo/) e [fonte](https://kcna.kp/x).\n\n![Mapa](images/mapa.svg "O mapa."){credit="Lusa"}\n\nNota[^1]\n\n[^1]: Uma nota.'
    article = art(
        "2025-06-04-kim", images=[LEAD], byline="Ana Lopes", updated="2025-06-05T09:15+01:00",
        hashtags=["CooperaçãoMilitar", "NATO"], body=body,
    )
    files = feed_files(site_of(article))
    parsed = feed(files["feed.xml"])
    assert parsed.feed.title == "Mundo de Teste"
    assert parsed.feed.id == "https://example.pt/"
    assert parsed.feed.language == "pt-PT"
    assert parsed.feed.generator == "newsgen"
    assert {(link.rel, link.type, link.href) for link in parsed.feed.links} == {
        ("self", "application/atom+xml", "https://example.pt/feed.xml"),
        ("alternate", "text/html", "https://example.pt/"),
    }
    assert when(parsed.feed.updated_parsed) == datetime(2025, 6, 5, 8, 15, tzinfo=UTC)
    [entry] = parsed.entries
    assert entry.title == "Kim recebe Shoigu em Pyongyang"
    assert entry.link == "https://example.pt/mundo/2025/06/04/kim/"
    assert entry.id == "tag:example.pt,2025-06-04:content/mundo/2025-06-04-kim.md"
    assert when(entry.published_parsed) == datetime(2025, 6, 4, 17, 30, tzinfo=UTC)
    assert when(entry.updated_parsed) == datetime(2025, 6, 5, 8, 15, tzinfo=UTC)
    assert entry.summary == "O líder norte-coreano reafirmou o apoio a Moscovo."
    assert entry.author == "Ana Lopes"
    assert [(t.term, t.label) for t in entry.tags] == [("CooperaçãoMilitar", "#CooperaçãoMilitar"), ("NATO", "#NATO")]
    assert [(e.href, e.type) for e in entry.enclosures] == [("https://example.pt/images/foto.png", "image/png")]
    html = entry.content[0].value
    assert html.startswith('<figure><img alt="Kim e Shoigu" src="https://example.pt/images/foto.png" />')
    assert "<figcaption>Na cimeira — KCNA via AP</figcaption>" in html
    assert 'href="https://example.pt/mundo/"' in html
    assert 'href="https://kcna.kp/x"' in html
    assert 'src="https://example.pt/images/mapa.svg"' in html
    assert 'href="/' not in html and 'src="/' not in html
    # The raw dates are RFC 3339 in the site's zone, to the second.
    raw = ET.fromstring(files["feed.xml"]).find(f"{ATOM}entry")
    assert raw is not None
    assert (raw.findtext(f"{ATOM}published"), raw.findtext(f"{ATOM}updated")) == (
        "2025-06-04T18:30:00+01:00", "2025-06-05T09:15:00+01:00",
    )


def test_without_byline_image_or_update_the_entry_falls_back() -> None:
    files = feed_files(site_of(art("a", hashtags=[], timestamp="2025-01-10T10:00")))
    [entry] = feed(files["feed.xml"]).entries
    assert entry.author == "Mundo de Teste"
    assert entry.published == entry.updated == "2025-01-10T10:00:00+00:00"  # Lisbon in winter
    assert "enclosures" not in entry or entry.enclosures == []
    assert "<figure>" not in entry.content[0].value
    assert "tags" not in entry


def test_enclosure_type_follows_the_file_extension() -> None:
    lead = {**LEAD, "src": "images/mapa.svg"}
    [entry] = feed(feed_files(site_of(art("a", images=[lead])))["feed.xml"]).entries
    assert entry.enclosures[0].type == "image/svg+xml"
    assert [image_type(p) for p in ("a/b.JPG", "b.jpeg", "c.webp", "d.svg", "e.unknown", "noext")] == [
        "image/jpeg", "image/jpeg", "image/webp", "image/svg+xml", None, None,
    ]


def test_a_feed_holds_the_50_newest_articles_newest_first() -> None:
    files = feed_files(site_of(*many(52)))
    for name in ("feed.xml", "mundo/feed.xml", "tag/cooperacao-militar/feed.xml"):
        titles = [e.title for e in feed(files[name]).entries]
        assert titles == [f"Notícia {i}" for i in range(51, 1, -1)], name


def _made_again(written: dict[str, bytes], before: Site, after: Site) -> tuple[dict[str, bytes], list[str]]:
    """*after*'s feeds made with the entries of *before*'s feeds as *written* holds them,
    and the articles whose entry had to be made (their body asked for)."""
    asked: list[str] = []

    def full(article: Article) -> Article:
        asked.append(article.headline)
        return article

    keys = {a.path: a.digest for s in (before, after) for a in s.articles}
    entries = FeedEntries(written=WrittenFeeds(before, keys, written.get))
    return made(*Feeds(after, keys, full, entries).runs()), asked


def test_a_new_article_takes_the_other_entries_from_the_feeds_already_written() -> None:
    """A re-plan makes only the new article's entry; the others are read back from the
    last build's files, and the feeds are byte for byte those made from scratch."""
    articles = many(52)
    before, after = site_of(*articles[:51]), site_of(*articles)
    made, asked = _made_again(feed_files(before), before, after)
    fresh = feed_files(after)
    assert {name: data for name, data in made.items() if name in fresh} == {name: fresh[name] for name in made}
    assert asked == ["Notícia 51"]


@pytest.mark.parametrize("damage", ["gone", "another article's entry", "cut short", "not UTF-8"])
def test_a_feed_file_that_is_not_what_the_last_plan_wrote_is_made_in_full(damage: str) -> None:
    articles = many(12)
    before, after = site_of(*articles[:11]), site_of(*articles)
    written = feed_files(before)
    home = written["feed.xml"]
    if damage == "gone":
        del written["feed.xml"]
    elif damage == "another article's entry":
        written["feed.xml"] = home.replace(b":content/mundo/n10.md<", b":content/mundo/n9.md<", 1)
    elif damage == "cut short":
        written["feed.xml"] = home[: home.rindex(b"  <entry>")]
    else:
        written["feed.xml"] = home.replace("Notícia".encode(), b"Not\xedcia")
    made, asked = _made_again(written, before, after)
    assert made["feed.xml"] == feed_files(after)["feed.xml"]
    assert len(asked) == 12  # every entry of the home feed made; the others read back
    assert set(asked) == {a.headline for a in articles}


def test_entry_id_survives_a_headline_edit() -> None:
    before = feed(feed_files(site_of(art("2025-06-04-kim", headline="Kim recebe Shoigu")))["feed.xml"]).entries[0]
    after = feed(feed_files(site_of(art("2025-06-04-kim", headline="Kim Jong-un recebe Shoigu")))["feed.xml"]).entries[0]
    other = feed(feed_files(site_of(art("2025-06-04-outro", headline="Kim recebe Shoigu")))["feed.xml"]).entries[0]
    assert before.title != after.title
    assert before.id == after.id
    assert other.id != before.id


def test_dates_come_from_the_articles_never_from_the_build_clock() -> None:
    articles = [
        art("a", headline="Antiga mas corrigida", timestamp="2025-06-01T10:00", updated="2025-06-20T10:00"),
        art("b", headline="Recente", timestamp="2025-06-10T10:00"),
    ]
    early = feed_files(site_of(*articles, now=NOW))
    late = feed_files(site_of(*articles, now=NOW + timedelta(days=400)))
    for name in early:
        if name != "news-sitemap.xml":  # its window follows the clock on purpose
            assert early[name] == late[name], name
    parsed = feed(early["feed.xml"])
    assert when(parsed.feed.updated_parsed) == datetime(2025, 6, 20, 9, 0, tzinfo=UTC)
    assert [when(e.updated_parsed) for e in parsed.entries] == [
        datetime(2025, 6, 10, 9, 0, tzinfo=UTC), datetime(2025, 6, 20, 9, 0, tzinfo=UTC),
    ]
    assert b"2025-07-13" not in b"".join(early.values())  # NOW's date appears nowhere


def test_the_same_site_gives_the_same_bytes_whatever_the_input_order() -> None:
    articles = many(5, hashtags=["NATO", "Ucrânia"])
    assert feed_files(site_of(*articles)) == feed_files(site_of(*reversed(articles)))


def test_section_and_tag_feeds_hold_only_their_articles() -> None:
    files = feed_files(site_of(
        art("a", headline="Mundo e NATO", hashtags=["NATO"], timestamp="2025-06-01T10:00"),
        art("b", headline="Só mundo", hashtags=["Coreia"], timestamp="2025-06-02T10:00"),
        art("c", headline="Europa e NATO", section="europa", hashtags=["#nato"], timestamp="2025-06-03T10:00"),
    ))
    titles = {name: [e.title for e in feed(data).entries] for name, data in files.items() if name.endswith("feed.xml")}
    assert titles == {
        "feed.xml": ["Europa e NATO", "Só mundo", "Mundo e NATO"],
        "mundo/feed.xml": ["Só mundo", "Mundo e NATO"],
        "europa/feed.xml": ["Europa e NATO"],
        "tag/nato/feed.xml": ["Europa e NATO", "Mundo e NATO"],
        "tag/coreia/feed.xml": ["Só mundo"],
    }
    europa = feed(files["europa/feed.xml"]).feed
    assert (europa.title, europa.id) == ("Europa · Mundo de Teste", "https://example.pt/europa/")
    assert when(europa.updated_parsed) == datetime(2025, 6, 3, 9, 0, tzinfo=UTC)
    nato = feed(files["tag/nato/feed.xml"]).feed
    assert (nato.title, nato.id) == ("#NATO · Mundo de Teste", "https://example.pt/tag/nato/")
    assert {(link.rel, link.href) for link in nato.links} == {
        ("self", "https://example.pt/tag/nato/feed.xml"), ("alternate", "https://example.pt/tag/nato/"),
    }
    assert when(nato.updated_parsed) == datetime(2025, 6, 3, 9, 0, tzinfo=UTC)


def test_a_section_without_articles_gets_a_valid_empty_feed_dated_by_the_site() -> None:
    files = feed_files(site_of(art("a", timestamp="2025-06-04T18:30")))
    europa = feed(files["europa/feed.xml"])
    assert europa.entries == []
    assert europa.feed.updated == "2025-06-04T18:30:00+01:00"
    empty = feed_files(site_of())
    assert feed(empty["feed.xml"]).feed.updated == "1970-01-01T00:00:00Z"
    assert index_of(empty) == [("https://example.pt/sitemap-pages.xml", None)]
    assert set(sitemap_urls(empty).values()) == {None}


def test_drafts_and_embargoed_articles_appear_nowhere() -> None:
    files = feed_files(site_of(
        art("publicado", headline="Publicado", hashtags=["NATO"]),
        art("rascunho", headline="Rascunho secreto", hashtags=["NATO", "Segredo"], draft=True),
        art("embargo", headline="Embargo secreto", hashtags=["NATO"], timestamp="2025-07-13T13:00:01+01:00"),
    ))
    everything = b"".join(files.values())
    assert b"Publicado" in everything
    for leak in (b"secreto", b"rascunho", b"embargo", b"Segredo", b"segredo", b"2025/07/13"):
        assert leak not in everything, leak
    assert "tag/segredo/feed.xml" not in files


def test_hostile_headlines_stay_well_formed_and_round_trip() -> None:
    headline = "Tiros <b>já</b> & \"aspas\" ]]> <![CDATA[ x \u0007fim"
    article = art("a", headline=headline, standfirst="Menos < mais & ]]>", hashtags=["NATO"])
    expected = article.headline.replace("\u0007", "")  # XML cannot carry control characters at all
    site = site_of(article, now=article.published + timedelta(hours=1))
    files = feed_files(site)
    for name, data in files.items():
        if name.endswith(".xml"):
            ET.fromstring(data)  # well-formed, or this raises
    for name in ("feed.xml", "mundo/feed.xml", "tag/nato/feed.xml"):
        entry = feed(files[name]).entries[0]
        assert entry.title == expected
        assert entry.summary == article.standfirst
    news = ET.fromstring(files["news-sitemap.xml"])
    assert news.findtext(f"{SM}url/{NEWS}news/{NEWS}title") == expected


def test_a_base_url_with_a_path_gives_absolute_urls_under_it() -> None:
    article = art(
        "2025-06-04-kim", config=PREFIXED, images=[LEAD], body='Ver [a secção](/noticias/mundo/).\n\n![Mapa](images/mapa.svg){credit="Lusa"}',
    )
    files = feed_files(site_of(article, config=PREFIXED))
    parsed = feed(files["feed.xml"])
    assert parsed.feed.id == "https://example.pt/noticias/"
    assert {link.href for link in parsed.feed.links} == {"https://example.pt/noticias/feed.xml", "https://example.pt/noticias/"}
    [entry] = parsed.entries
    assert entry.link == "https://example.pt/noticias/mundo/2025/06/04/kim/"
    assert entry.id == "tag:example.pt,2025-06-04:content/mundo/2025-06-04-kim.md"
    assert entry.enclosures[0].href == "https://example.pt/noticias/images/foto.png"
    html = entry.content[0].value
    assert 'src="https://example.pt/noticias/images/foto.png"' in html
    assert 'href="https://example.pt/noticias/mundo/"' in html
    assert 'src="https://example.pt/noticias/images/mapa.svg"' in html
    assert "https://example.pt/noticias/noticias/" not in html
    assert feed(files["mundo/feed.xml"]).feed.id == "https://example.pt/noticias/mundo/"
    assert all(url.startswith("https://example.pt/noticias/") for url in sitemap_urls(files, "https://example.pt/noticias/"))
    assert files["robots.txt"].decode().splitlines()[-2:] == [
        "Sitemap: https://example.pt/noticias/sitemap.xml", "Sitemap: https://example.pt/noticias/news-sitemap.xml",
    ]


def test_sitemap_lists_every_page_with_the_date_of_its_articles() -> None:
    articles = many(25, hashtags=["NATO"])  # «Notícia i» at 2025-05-01 08:00 UTC + i hours
    europe = art("e", headline="Europa", section="europa", timestamp="2025-04-30T10:00", updated="2025-06-01T12:00", hashtags=[])
    urls = sitemap_urls(feed_files(site_of(*articles, europe)))
    b = "https://example.pt/"
    newest = "2025-06-01T12:00:00+01:00"  # Europa's update
    last_may = "2025-05-02T09:00:00+01:00"  # Notícia 24
    assert urls == {
        b: newest,
        f"{b}mundo/": last_may,
        f"{b}mundo/2025/05/": last_may,
        f"{b}europa/": newest,
        f"{b}europa/2025/04/": newest,
        **{f"{b}mundo/2025/05/{1 + (9 + i) // 24:02d}/n{i}/": a.published.isoformat(timespec="seconds") for i, a in enumerate(articles)},
        f"{b}europa/2025/04/30/e/": newest,
        f"{b}tag/nato/": last_may,  # the newest 20
        f"{b}tag/nato/1/": "2025-05-02T04:00:00+01:00",  # the oldest 20: Notícia 0–19
        f"{b}tag/nato/2/": last_may,  # Notícia 20–24
        f"{b}tags/": newest,
        f"{b}pesquisa/": newest,
    }
    assert urls[f"{b}mundo/2025/05/01/n0/"] == "2025-05-01T09:00:00+01:00"


def test_the_sitemap_index_lists_fronts_then_tags_by_initial_then_each_month_newest_first() -> None:
    may = many(3, hashtags=["NATO"])  # 2025-05-01, 09:00–11:00 Lisbon
    june = art("j", timestamp="2025-06-30T23:30+01:00", hashtags=["Ucrânia", "NATO"])  # still June in Lisbon, July in UTC
    april = art("e", section="europa", timestamp="2025-04-30T10:00", updated="2025-06-01T12:00", hashtags=[])
    files = feed_files(site_of(*may, june, april))
    b = "https://example.pt/"
    assert index_of(files) == [
        (f"{b}sitemap-pages.xml", "2025-06-30T23:30:00+01:00"),
        (f"{b}sitemap-tags-n.xml", "2025-06-30T23:30:00+01:00"),
        (f"{b}sitemap-tags-u.xml", "2025-06-30T23:30:00+01:00"),
        (f"{b}sitemap-2025-06.xml", "2025-06-30T23:30:00+01:00"),
        (f"{b}sitemap-2025-05.xml", "2025-05-01T11:00:00+01:00"),
        (f"{b}sitemap-2025-04.xml", "2025-06-01T12:00:00+01:00"),  # by its update
    ]
    assert list(locs(files["sitemap-2025-05.xml"])) == [f"{b}mundo/2025/05/01/n{i}/" for i in (2, 1, 0)]
    assert list(locs(files["sitemap-2025-06.xml"])) == [f"{b}mundo/2025/06/30/j/"]
    pages = locs(files["sitemap-pages.xml"])
    assert list(pages)[:2] == [b, f"{b}mundo/"] and f"{b}europa/2025/04/" in pages
    assert not any("/n0/" in url or "/tag/" in url for url in pages)
    assert locs(files["sitemap-tags-n.xml"]) == {f"{b}tag/nato/": "2025-06-30T23:30:00+01:00"}
    assert list(locs(files["sitemap-tags-u.xml"])) == [f"{b}tag/ucrania/"]


def test_a_group_past_the_limit_takes_more_files_and_lists_every_url_once() -> None:
    site = site_of(*many(8))  # May 2025: 8 articles; home, 2 sections, 1 archive, tag index, search; 1 tag page
    whole = sitemap_urls(feed_files(site))
    assert len(whole) == 15
    files = feed_files(site, sitemap_limit=3)
    listed = index_of(files)
    assert [loc.removeprefix("https://example.pt/") for loc, _ in listed] == [
        "sitemap-pages.xml", "sitemap-pages-2.xml", "sitemap-tags-c.xml",
        "sitemap-2025-05.xml", "sitemap-2025-05-2.xml", "sitemap-2025-05-3.xml",
    ]
    parts = [locs(files[loc.removeprefix("https://example.pt/")]) for loc, _ in listed]
    assert [len(p) for p in parts] == [3, 3, 1, 3, 3, 2]
    assert sitemap_urls(files) == whole
    for (_, lastmod), part in zip(listed, parts, strict=True):
        assert lastmod == max((m for m in part.values() if m), key=datetime.fromisoformat)
    assert SITEMAP_LIMIT == 50_000


def test_news_sitemap_holds_the_last_48_hours() -> None:
    def ago(hours: float) -> str:
        return (NOW - timedelta(hours=hours)).isoformat()

    articles = [
        art("agora", headline="Agora mesmo", timestamp=ago(0)),
        art("h47", headline="Há 47 horas", timestamp=ago(47)),
        art("h48", headline="Há 48 horas", timestamp=ago(48)),
        art("h49", headline="Há 49 horas", timestamp=ago(49)),
        art("futuro", headline="Amanhã", timestamp=ago(-1)),
    ]
    root = ET.fromstring(feed_files(site_of(*articles, future=True))["news-sitemap.xml"])
    assert root.tag == f"{SM}urlset"
    rows = [
        (
            u.findtext(f"{SM}loc"),
            u.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}name"),
            u.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}language"),
            u.findtext(f"{NEWS}news/{NEWS}publication_date"),
            u.findtext(f"{NEWS}news/{NEWS}title"),
        )
        for u in root.findall(f"{SM}url")
    ]
    assert rows == [
        ("https://example.pt/mundo/2025/07/13/agora/", "Mundo de Teste", "pt", "2025-07-13T13:00:00+01:00", "Agora mesmo"),
        ("https://example.pt/mundo/2025/07/11/h47/", "Mundo de Teste", "pt", "2025-07-11T14:00:00+01:00", "Há 47 horas"),
    ]


def test_news_sitemap_is_valid_when_nothing_is_recent_and_stops_at_1000() -> None:
    empty = ET.fromstring(feed_files(site_of(art("velho", timestamp="2025-01-01T10:00")))["news-sitemap.xml"])
    assert (empty.tag, len(empty)) == (f"{SM}urlset", 0)
    one = art("base", timestamp=(NOW - timedelta(hours=1)).isoformat(), hashtags=[])
    recent = [
        one._replace(path=f"mundo/2025/07/13/n{i}/", published=one.published - timedelta(seconds=i))
        for i in range(1001)
    ]
    root = ET.fromstring(feed_files(site_of(*recent))["news-sitemap.xml"])
    found = [u.findtext(f"{SM}loc") for u in root.findall(f"{SM}url")]
    assert found == [f"https://example.pt/mundo/2025/07/13/n{i}/" for i in range(1000)]


@pytest.mark.parametrize(
    ("language", "code"),
    [("pt-PT", "pt"), ("pt", "pt"), ("en-GB", "en"), ("zh-CN", "zh-cn"), ("zh-Hans", "zh-cn"),
     ("zh-TW", "zh-tw"), ("zh-Hant-HK", "zh-tw"), ("zh", "zh-cn")],
)
def test_news_language_codes(language: str, code: str) -> None:
    assert news_language(language) == code


def test_robots_txt_points_at_both_sitemaps() -> None:
    assert feed_files(site_of())["robots.txt"] == (
        b"User-agent: *\n"
        b"Allow: /\n"
        b"\n"
        b"Sitemap: https://example.pt/sitemap.xml\n"
        b"Sitemap: https://example.pt/news-sitemap.xml\n"
    )


def test_dates_are_written_in_the_site_zone_to_the_second() -> None:
    article = art("a")._replace(published=datetime(2025, 6, 4, 17, 30, 5, 123456, tzinfo=UTC))
    files = feed_files(site_of(article))
    entry = ET.fromstring(files["feed.xml"]).find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}published") == "2025-06-04T18:30:05+01:00"
    assert sitemap_urls(files)["https://example.pt/mundo/2025/06/04/a/"] == "2025-06-04T18:30:05+01:00"
