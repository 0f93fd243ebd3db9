"""The site index: embargo and drafts, ordering, tags, archives, related, collisions."""
from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from newsgen.core.config import parse_config
from newsgen.core.errors import ContentError
from newsgen.core.models import Article, Hashtag
from newsgen.core.related import RELATED_WINDOW
from newsgen.core.parse import ParseContext, parse_article
from newsgen.core.site import TAG_PAGE_SIZE, build_site
from newsgen.incremental.siteupdate import with_added

from helpers.sites import article_text, CONFIG, NOW

CONFIGURED = parse_config(CONFIG)
CTX = ParseContext(CONFIGURED, frozenset())


def art(name: str, **fields: object) -> Article:
    article, problems = parse_article(f"content/mundo/{name}.md", article_text(**fields).encode(), CTX)  # type: ignore[arg-type]
    assert article is not None, problems
    return article


def test_drafts_and_embargoed_articles_are_gone_unless_asked_for() -> None:
    live = art("a", headline="Publicado", hashtags=["NATO"])
    draft = art("b", headline="Rascunho", hashtags=["Segredo"], draft=True)
    embargo = art("c", headline="Embargado", timestamp="2025-07-13T13:00:01+01:00", hashtags=["NATO", "Embargo"])
    site = build_site(CONFIGURED, [live, draft, embargo], NOW)
    assert [a.headline for a in site.articles] == ["Publicado"]
    assert [(t.name, len(t.articles)) for t in site.tags] == [("NATO", 1)]
    assert [len(a.articles) for a in site.archives] == [1]
    assert site.related[live.path] == ()
    both = build_site(CONFIGURED, [live, draft, embargo], NOW, drafts=True, future=True)
    assert [a.headline for a in both.articles] == ["Embargado", "Publicado", "Rascunho"]


def test_embargo_ends_exactly_at_its_timestamp() -> None:
    on_time = art("a", timestamp="2025-07-13T13:00:00+01:00")  # == NOW (12:00 UTC)
    assert build_site(CONFIGURED, [on_time], NOW).articles == (on_time,)


def test_newest_first_and_month_archives_per_section() -> None:
    june = art("a", headline="Junho", timestamp="2025-06-04T18:30")
    july = art("b", headline="Julho", timestamp="2025-07-12T11:00")
    europe = art("c", headline="Europa", section="europa", timestamp="2025-07-01T09:00")
    site = build_site(CONFIGURED, [june, july, europe], NOW)
    assert [a.headline for a in site.articles] == ["Julho", "Europa", "Junho"]
    assert [a.path for a in site.archives] == ["mundo/2025/07/", "mundo/2025/06/", "europa/2025/07/"]
    assert [a.headline for a in site.in_section("mundo")] == ["Julho", "Junho"]


def test_month_archives_use_lisbon_dates() -> None:
    late = art("a", timestamp="2025-06-30T23:30:00Z")  # 1 July 00:30 in Lisbon
    site = build_site(CONFIGURED, [late], NOW)
    assert site.archives[0].path == "mundo/2025/07/"


def test_one_tag_per_identity_named_by_its_most_used_spelling() -> None:
    articles = [
        art("a", headline="Um", hashtags=["CooperaçãoMilitar"]),
        art("b", headline="Dois", hashtags=["#cooperacaomilitar"]),
        art("c", headline="Três", hashtags=["Cooperação Militar"]),
        art("d", headline="Quatro", hashtags=["Cooperação Militar"]),
    ]
    [tag] = build_site(CONFIGURED, articles, NOW).tags
    assert (tag.name, tag.slug, tag.path, len(tag.articles)) == (
        "Cooperação Militar", "cooperacao-militar", "tag/cooperacao-militar/", 4,
    )


def test_tied_spellings_are_broken_the_same_way_whatever_the_order() -> None:
    a = art("a", headline="Um", hashtags=["#cooperacaomilitar"])
    b = art("b", headline="Dois", hashtags=["CooperaçãoMilitar"])
    names = {build_site(CONFIGURED, order, NOW).tags[0].name for order in ([a, b], [b, a])}
    assert names == {"CooperaçãoMilitar"}


def test_embargoed_spelling_does_not_name_a_published_tag() -> None:
    live = art("a", headline="Um", hashtags=["Nato"])
    secret = [art(f"s{i}", headline=f"S{i}", hashtags=["NATO"], timestamp="2026-01-01T10:00") for i in range(3)]
    assert build_site(CONFIGURED, [live, *secret], NOW).tags[0].name == "Nato"


def test_related_articles_share_the_most_hashtags() -> None:
    base = art("a", headline="Base", hashtags=["A", "B", "C"], timestamp="2025-06-10T10:00")
    two = art("b", headline="Dois em comum", hashtags=["A", "B"], timestamp="2025-06-01T10:00")
    one_new = art("c", headline="Um recente", hashtags=["C"], timestamp="2025-06-09T10:00")
    one_old = art("d", headline="Um antigo", hashtags=["A"], timestamp="2025-05-01T10:00")
    none = art("e", headline="Nada", hashtags=["Z"], timestamp="2025-06-09T11:00")
    later = art("f", headline="Depois", hashtags=["A", "B", "C"], timestamp="2025-06-11T10:00")
    site = build_site(CONFIGURED, [base, two, one_new, one_old, none, later], NOW)
    assert [a.headline for a in site.related[base.path]] == ["Dois em comum", "Um recente", "Um antigo"]
    # only earlier stories: publishing «Depois» changed nothing on the pages before it
    assert [a.headline for a in site.related[later.path]] == ["Base", "Dois em comum", "Um recente", "Um antigo"]


def test_two_articles_with_one_url_are_an_error_naming_both() -> None:
    a = art("a", headline="Kim recebe Shoigu", slug="kim-recebe-shoigu")
    b = art("b", headline="Kim recebe Shoigu!", slug="kim-recebe-shoigu")
    with pytest.raises(ContentError) as caught:
        build_site(CONFIGURED, [a, b], NOW)
    assert [str(p) for p in caught.value.problems] == [
        "content/mundo/a.md:1: URL /mundo/2025/06/04/kim-recebe-shoigu/ is also produced by content/mundo/b.md; give one a different slug",
        "content/mundo/b.md:1: URL /mundo/2025/06/04/kim-recebe-shoigu/ is also produced by content/mundo/a.md; give one a different slug",
    ]


def test_tag_pages_number_from_the_oldest_so_old_pages_never_shift() -> None:
    def many(n: int) -> list[Article]:
        return [art(f"n{i}", headline=f"Notícia {i}", timestamp=f"2025-05-{1 + i // 24:02d}T{i % 24:02d}:10") for i in range(n)]

    before = build_site(CONFIGURED, many(2 * TAG_PAGE_SIZE + 5), NOW)
    after = build_site(CONFIGURED, many(2 * TAG_PAGE_SIZE + 6), NOW)
    pages_before = before.tag_pages(before.tags[0])
    pages_after = after.tag_pages(after.tags[0])
    assert [p.path for p in pages_before] == ["tag/cooperacao-militar/", *(f"tag/cooperacao-militar/{n}/" for n in (1, 2, 3))]
    assert pages_before[0].articles[0].headline == f"Notícia {2 * TAG_PAGE_SIZE + 4}"
    assert [p.articles for p in pages_before[1:3]] == [p.articles for p in pages_after[1:3]]
    assert len(pages_after[3].articles) == 6


def test_related_lists_ranked_from_an_earlier_build_equal_lists_ranked_afresh() -> None:
    """A rebuild ranks only the lists that may change (`RelatedMemo`): after each random
    edit (publish, delete, back-date, retag, a draft) every article's list must be the
    one ranking everything again gives, with tags big enough to overflow the window."""
    rng = random.Random(6)
    pool = [Hashtag(name, name.lower(), name.lower()) for name in ("Ucrânia", "NATO", "Rússia", "EUA", "China")]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    template = art("modelo")

    def story(n: int) -> Article:
        tags = tuple(rng.sample(pool, rng.randint(1, 3)))
        when = start + timedelta(hours=rng.randint(0, 24 * 120))
        return template._replace(source=f"content/mundo/{n}.md", path=f"mundo/{n}/", hashtags=tags, published=when)

    articles = {n: story(n) for n in range(240)}
    site = build_site(CONFIGURED, articles.values(), NOW)
    assert max(len(t.articles) for t in site.tags) > 2 * RELATED_WINDOW
    for step in range(60):
        n = rng.randrange(260)
        kind = rng.choice(["new", "delete", "date", "tags", "draft"])
        if kind == "delete":
            articles.pop(n, None)
        elif kind == "new" or n not in articles:
            articles[n] = story(n)
        elif kind == "date":
            articles[n] = articles[n]._replace(published=story(n).published)
        elif kind == "tags":
            articles[n] = articles[n]._replace(hashtags=story(n).hashtags)
        else:
            articles[n] = articles[n]._replace(draft=not articles[n].draft)
        site = build_site(CONFIGURED, articles.values(), NOW, previous=site.memo)
        fresh = build_site(CONFIGURED, articles.values(), NOW)
        assert dict(site.related) == dict(fresh.related), f"step {step}: {kind} {n}"


def test_articles_added_in_place_give_the_site_built_afresh() -> None:
    """`with_added` (a new article joining the lists it belongs in, the quick re-plan's
    way) against `build_site` on every article: lists, tags (their shown spelling too),
    month archives, sections and related lists, after each of 60 random additions: new,
    back-dated into a tag's window, equal in time to another, in a new month or tag."""
    rng = random.Random(7)
    spellings = [("Ucrânia", "ucrania"), ("ucrânia", "ucrania"), ("NATO", "nato"), ("Nato", "nato"), ("EUA", "eua")]
    pool = [Hashtag(text, key, text.lower()) for text, key in spellings]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    template = art("modelo")

    def story(n: int) -> Article:
        tags = {h.key: h for h in rng.sample(pool, rng.randint(0, 3))}  # one spelling per tag
        if rng.random() < 0.1:
            tags[f"novo{n}"] = Hashtag(f"Novo{n}", f"novo{n}", f"novo{n}")
        when = start + timedelta(hours=rng.choice([rng.randint(0, 24 * 120), 24 * 60]))
        return template._replace(source=f"content/mundo/{n}.md", path=f"mundo/{n}/", hashtags=tuple(tags.values()), published=when,
            section=rng.choice(["mundo", "europa"]),
        )

    articles = [story(n) for n in range(200)]
    site = build_site(CONFIGURED, articles, NOW)
    assert max(len(t.articles) for t in site.tags) > 2 * RELATED_WINDOW
    for n in range(200, 260):
        added = [story(n)] if n % 10 else [story(n), story(n + 1000)]
        articles += added
        grown = with_added(site, added)
        fresh = build_site(CONFIGURED, articles, NOW)
        if grown is None:  # a tag renamed (its most used spelling changed): planned afresh
            renamed = [t for t in fresh.tags if t.key in site.tag_index and t.name != site.tag_index[t.key].name]
            assert renamed, f"no tag renamed by adding {[a.path for a in added]}"
            site = fresh
            continue
        site, _ = grown
        for field in ("articles", "tags", "archives", "tag_index", "sections", "related"):
            assert getattr(site, field) == getattr(fresh, field), f"{field} after adding {[a.path for a in added]}"
        assert site.memo.related == fresh.memo.related and site.memo.facts == fresh.memo.facts
