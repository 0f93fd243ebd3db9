"""The quick re-plan: after an edit that moves no article, `gather` keeps the last plan
(its outline: in memory for the preview, in the cache for ``newsgen build``) and re-keys
only the pages that show the edited article; a new article joins that plan in place.
Whatever the edit, the preview's copy of the site, and the built site, must end up as a
build from scratch would write them."""
from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsgen.core.options import BuildResult
from newsgen.pipeline import Gathered, gather
from newsgen.preview.overlay import Status
from newsgen.preview.session import ServeOptions, Session

from helpers.newsroom import page_text, write_authors, write_newsroom
from helpers.preview import Quiet
from helpers.sites import NOW, SiteDir, tree
from helpers.archive import ARCHIVE_CONFIG, ARTICLES, assert_same_as_cold, CACHE, cold_tree, DESTAQUE, edit, EDITS, PATHS, random_edit, topics_text, tree_diff, UNPUBLISHED, url_of, write_archive, write_article


class Preview:
    """``newsgen serve``'s rebuild loop (its `Session`), on a private copy of the site, with
    the clock in the test's hands."""

    def __init__(self, site: SiteDir, root: Path) -> None:
        self.site, self.root, self.now = site, root, NOW
        self.quick = 0
        """How many rebuilds kept the last plan."""
        self.display = Shown()
        self.session = Session(ServeOptions(site.root, search=False), lambda: self.now, Quiet(), self.display, root)

    @property
    def last(self) -> Gathered | None:
        return self.session.last

    def rebuild(self, now: datetime = NOW) -> Gathered:
        self.now = now
        self.session.rebuild(frozenset())
        assert self.display.status.problems == (), self.display.status.problems
        assert self.session.encoder.wait(30), "the photos' copies were not made"
        self.session.take_copies()  # as serve does once idle
        assert self.session.last is not None
        self.quick += self.session.last.quick
        return self.session.last

    def assert_same_as_fresh(self, now: datetime = NOW) -> None:
        """The copy, and the keys it was written by, are those of a plan made from scratch."""
        fresh = gather(self.site.options(now=now))
        assert self.last is not None
        assert [(i.file, i.key) for i in self.last.plan] == [(i.file, i.key) for i in fresh.plan]
        problems = tree_diff(tree(self.root), {item.file: item.make() for item in fresh.plan})
        assert not problems, "the preview differs from a build from scratch:\n" + "\n".join(problems)


class Shown:
    """What the preview's server would show: the last status."""

    prefix = "/"
    status = Status("0")
    fallback: dict[str, Path] = {}

    def show(self, status: Status) -> None:
        self.status = status


@pytest.fixture
def preview(site: SiteDir, tmp_path: Path) -> Preview:
    write_archive(site)
    preview = Preview(site, tmp_path / "served")
    preview.root.mkdir()
    preview.rebuild()
    preview.last.memory.readers.find()  # type: ignore[union-attr]  # as serve does while the editor reads
    return preview


# The newest article (the fronts and feeds show it), one in the middle of a long tag (its
# numbered tag page and its neighbours' related lists show it), the oldest (last tag page).
EDITED = (PATHS[-1], PATHS[len(PATHS) // 2], PATHS[0])


@pytest.mark.parametrize("path", EDITED)
@pytest.mark.parametrize(
    "change",
    [
        {"headline": "Título corrigido à última hora"},
        {"standfirst": "Um resumo «novo», mais curto."},
        {"body": "Um só parágrafo, reescrito.\n"},
        {"byline": "Rui Lopes"},
        {"sources": ["Reuters"]},
    ],
    ids=["headline", "standfirst", "body", "byline", "sources"],
)
def test_an_edited_text_reaches_every_page_that_shows_it(preview: Preview, path: str, change: dict[str, object]) -> None:
    edit(preview.site, path, **change)
    before = tree(preview.root)
    preview.rebuild()
    assert preview.quick == 1
    preview.assert_same_as_fresh()
    changed = [file for file, body in tree(preview.root).items() if before.get(file) != body]
    assert 1 <= len(changed) < len(before) // 4, "only the pages that show the article are made again"


def test_an_edited_caption_reaches_the_article_and_the_feeds(preview: Preview) -> None:
    path = next(p for p, fields in ARTICLES.items() if "images" in fields)
    images = [{**ARTICLES[path]["images"][0], "caption": "Legenda revista."}]  # type: ignore[index]
    edit(preview.site, path, images=images)
    preview.rebuild()
    assert preview.quick == 1
    preview.assert_same_as_fresh()


@pytest.mark.parametrize(
    "change",
    [
        {"hashtags": ["Gaza", "Kursk"]},
        {"timestamp": "2025-06-01T09:00"},
        {"section": "europa"},
        {"draft": True},
        {"images": []},
    ],
    ids=["hashtags", "date", "section", "draft", "no-image"],
)
def test_an_edit_that_moves_the_article_plans_the_site_again(preview: Preview, change: dict[str, object]) -> None:
    edit(preview.site, PATHS[len(PATHS) // 2], **change)
    preview.rebuild()
    assert preview.quick == 0
    preview.assert_same_as_fresh()


def test_the_clock_passing_the_embargo_plans_the_site_again(preview: Preview) -> None:
    edit(preview.site, PATHS[-1], headline="Antes da cimeira")
    later = NOW + timedelta(days=1)
    preview.rebuild(now=later)
    assert preview.quick == 0
    assert "Cimeira extraordinária" in tree(preview.root)["index.html"].decode()
    preview.assert_same_as_fresh(now=later)


@pytest.mark.parametrize("change", [{"aliases": ["/antigo/1/"]}, {"live": True}], ids=["alias", "live"])
def test_an_edit_that_adds_an_output_before_the_feeds_keeps_their_readers(preview: Preview, change: dict[str, object]) -> None:
    """An alias adds a redirect page (before the feeds), ``live: true`` a status file: a
    quick re-plan, after which an edit of an article the feeds show still re-keys them."""
    edit(preview.site, PATHS[len(PATHS) // 2], **change)
    preview.rebuild()
    preview.assert_same_as_fresh()
    edit(preview.site, PATHS[-1], headline="Título corrigido à última hora")
    preview.rebuild()
    assert preview.quick == 2
    preview.assert_same_as_fresh()


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_a_random_sequence_of_saves_always_gives_the_fresh_site(preview: Preview, seed: int) -> None:
    """Text edits, most of them quick, between edits of every other kind."""
    rng = random.Random(seed)
    live = {**ARTICLES, **UNPUBLISHED}
    done: list[str] = []
    for kind in rng.sample(EDITS * 2, 12) + ["headline", "live", "body", "headline"]:
        done.append(random_edit(preview.site, rng, kind, live))
        preview.rebuild()
        try:
            preview.assert_same_as_fresh()
        except AssertionError as error:
            raise AssertionError(f"after {done}:\n{error}") from None
    assert preview.quick >= 3


def test_a_new_file_in_content_reparses_every_article_and_the_site_stays_right(preview: Preview) -> None:
    """Every article is parsed again (a path in it may now resolve to the new file), so
    every one is a new object, with the same placement."""
    preview.site.write("content/mundo/anexos/relatorio.pdf", b"%PDF-1.4\n")
    edit(preview.site, PATHS[3], headline="Com fotografia nova por perto")
    preview.rebuild()
    assert preview.quick == 1
    assert preview.session.cache.parsed == len(ARTICLES) + len(UNPUBLISHED)
    preview.assert_same_as_fresh()


# --- new articles: added to the plan in place -------------------------------------------


def new_article(site: SiteDir, name: str, timestamp: str, hashtags: list[str], **fields: object) -> str:
    path = f"content/mundo/{timestamp[:10]}-{name}.md"
    write_article(site, path, headline=f"Notícia nova: {name}", timestamp=timestamp, hashtags=hashtags, **fields)
    return path


@pytest.mark.parametrize(
    ("timestamp", "hashtags"),
    [
        ("2025-07-13T10:00", ["Ucrânia", "NATO"]),  # the newest: fronts, feeds, the last tag pages
        ("2025-05-02T15:00", ["Ucrânia", "Kursk"]),  # back-dated: every later numbered page of Ucrânia shifts
        ("2025-03-15T09:00", ["Gaza"]),  # the oldest, in a month with no archive yet
        ("2025-05-09T08:07", ["NATO"]),  # the very time of another article
    ],
    ids=["newest", "back-dated", "new-month", "same-time"],
)
def test_a_new_article_joins_the_last_plan_in_place(
    preview: Preview, monkeypatch: pytest.MonkeyPatch, timestamp: str, hashtags: list[str]
) -> None:
    fresh = FreshPlans(monkeypatch)
    path = new_article(preview.site, "nova", timestamp, hashtags)
    assert fresh.during(preview.rebuild) == 0
    preview.assert_same_as_fresh()  # the same keys, so the same files written again
    assert "Notícia nova: nova" in tree(preview.root)[url_of(path) + "index.html"].decode()


@pytest.mark.parametrize("place", ["newest", "back-dated"])
def test_a_new_article_that_opens_a_tag_page_links_it_from_the_one_before(
    preview: Preview, monkeypatch: pytest.MonkeyPatch, place: str
) -> None:
    """NATO has 10 articles: 10 more fill its first numbered page, and the 21st opens a
    second one, which the first must now link to (the pages before the article's are
    otherwise left as they are)."""
    fresh = FreshPlans(monkeypatch)
    for n in range(10):
        new_article(preview.site, f"nato-{n}", f"2025-07-1{n % 3}T0{n}:30", ["NATO"])
    assert fresh.during(preview.rebuild) == 0
    preview.assert_same_as_fresh()
    when = "2025-07-13T11:00" if place == "newest" else "2025-04-02T09:00"
    new_article(preview.site, "nato-21", when, ["NATO"])
    assert fresh.during(preview.rebuild) == 0
    preview.assert_same_as_fresh()
    assert 'href="/tag/nato/2/"' in tree(preview.root)["tag/nato/1/index.html"].decode()


def test_edits_after_new_articles_stay_quick_and_reach_every_page(preview: Preview, monkeypatch: pytest.MonkeyPatch) -> None:
    """After an addition the pages shift in the plan: the readers of each article (the pages
    an edit re-keys) must follow them, or an edit would miss a page that shows it."""
    fresh = FreshPlans(monkeypatch)
    first = new_article(preview.site, "primeira", "2025-07-13T10:00", ["Ucrânia", "NATO"])
    second = new_article(preview.site, "segunda", "2025-05-02T15:00", ["Ucrânia"])
    steps = [
        lambda: edit(preview.site, PATHS[len(PATHS) // 2], headline="Título revisto depois das novas"),
        lambda: write_article(preview.site, first, headline="A primeira, corrigida", timestamp="2025-07-13T10:00",
                              hashtags=["Ucrânia", "NATO"]),
        lambda: new_article(preview.site, "terceira", "2025-06-20T12:00", ["Gaza", "NATO"], draft=True),
        lambda: edit(preview.site, PATHS[-1], standfirst="Um resumo «novo» e uma nova notícia ao lado.")
        or new_article(preview.site, "quarta", "2025-07-01T12:00", ["Ucrânia"]),
        lambda: write_article(preview.site, second, headline="A segunda, corrigida", timestamp="2025-05-02T15:00",
                              hashtags=["Ucrânia"]),
    ]
    preview.rebuild()
    for number, step in enumerate(steps):
        step()
        assert fresh.during(preview.rebuild) == 0, f"step {number}"
        try:
            preview.assert_same_as_fresh()
        except AssertionError as error:
            raise AssertionError(f"after step {number}:\n{error}") from None


def test_a_new_embargoed_article_waits_for_its_time(preview: Preview, monkeypatch: pytest.MonkeyPatch) -> None:
    """Added in place without showing anywhere; the clock passing its embargo (which the
    re-plan must have learned from it) plans the site afresh, and then it shows."""
    fresh = FreshPlans(monkeypatch)
    path = new_article(preview.site, "embargada", "2025-07-13T18:00", ["Ucrânia"])
    assert fresh.during(preview.rebuild) == 0
    preview.assert_same_as_fresh()
    assert url_of(path) + "index.html" not in tree(preview.root)
    later = NOW + timedelta(hours=7)
    assert fresh.during(lambda: preview.rebuild(now=later)) == 1
    assert "Notícia nova: embargada" in tree(preview.root)["index.html"].decode()
    preview.assert_same_as_fresh(now=later)


def test_a_new_article_with_a_new_hashtag_joins_in_place(preview: Preview, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new tag is a new entity: only the pages that show it (the article's, the tag
    index, the fronts that feature it) are keyed again, with its own new pages."""
    fresh = FreshPlans(monkeypatch)
    new_article(preview.site, "etiqueta", "2025-07-13T10:00", ["Ucrânia", "Groenlândia"])
    assert fresh.during(preview.rebuild) == 0
    preview.assert_same_as_fresh()


# --- newsgen build: the outline kept in the cache -----------------------------------------


class FreshPlans:
    """Counts the plans made from scratch (the rest were quick re-plans)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0

    def during(self, action: object) -> int:
        """How many plans from scratch *action* (a call that plans) made."""
        result = action()  # type: ignore[operator]
        quick = result.quick if isinstance(result, Gathered) else result.replanned if isinstance(result, BuildResult) else True
        return 0 if quick else 1


@pytest.fixture
def built(site: SiteDir) -> SiteDir:
    write_archive(site)
    site.build(cache=site.root / CACHE)
    return site


def test_build_adds_a_new_article_from_its_cache(built: SiteDir, monkeypatch: pytest.MonkeyPatch) -> None:
    """``newsgen build`` re-plans from the outline in its cache: a new article, then an edit
    of it (whose readers the addition carried over), then another new one."""
    fresh = FreshPlans(monkeypatch)
    steps = [
        lambda: new_article(built, "nova", "2025-07-13T10:00", ["Ucrânia", "NATO"]),
        lambda: new_article(built, "nova", "2025-07-13T10:00", ["Ucrânia", "NATO"], standfirst="Outro resumo."),
        lambda: new_article(built, "antiga", "2025-04-20T10:00", ["Gaza"]),
    ]
    for number, step in enumerate(steps):
        step()
        assert fresh.during(lambda: built.build(cache=built.root / CACHE)) == 0, f"step {number}"
        problems = tree_diff(tree(built.out), cold_tree(built))
        assert not problems, f"after step {number}:\n" + "\n".join(problems)


def test_build_re_plans_a_text_edit_from_its_cache(built: SiteDir, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each text edit reuses the outline saved by the last build (with the pages that show
    each article, found by the build that planned afresh); a moved article plans afresh,
    and the text edits after it reuse the new outline."""
    fresh = FreshPlans(monkeypatch)
    steps = [
        (PATHS[-1], {"headline": "Primeira correção"}, 0),
        (PATHS[10], {"body": "Reescrito.\n"}, 0),
        (PATHS[-1], {"hashtags": ["Gaza", "Kursk"]}, 1),
        (PATHS[-1], {"hashtags": ["Gaza", "Kursk"], "standfirst": "Outro resumo."}, 0),
    ]
    for path, change, plans in steps:
        edit(built, path, **change)
        assert fresh.during(lambda: built.build(cache=built.root / CACHE)) == plans, f"editing {change}"
        problems = tree_diff(tree(built.out), cold_tree(built))
        assert not problems, f"after editing {change}:\n" + "\n".join(problems)


def test_an_outline_from_another_build_is_never_used(built: SiteDir, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build stopped between saving the outline and the index leaves the two out of step:
    the next build plans afresh, and the site is right."""
    stale = (built.root / CACHE / "plan").read_bytes()
    edit(built, PATHS[5], hashtags=["NATO"])  # moves the article: a new outline
    built.build(cache=built.root / CACHE)
    (built.root / CACHE / "plan").write_bytes(stale)
    edit(built, PATHS[5], hashtags=["NATO"], headline="Só o título mudou")
    fresh = FreshPlans(monkeypatch)
    assert fresh.during(lambda: built.build(cache=built.root / CACHE)) == 1
    problems = tree_diff(tree(built.out), cold_tree(built))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("damage", ["garbage", "deleted"])
def test_a_damaged_outline_costs_a_fresh_plan_and_nothing_else(built: SiteDir, damage: str) -> None:
    outline = built.root / CACHE / "plan"
    if damage == "garbage":
        outline.write_bytes(outline.read_bytes()[:80] + bytes(range(256)) * 4)
    else:
        outline.unlink()
    edit(built, PATHS[7], headline="Título com o esboço estragado")
    result = assert_same_as_cold(built)
    expected = ["plan is unreadable"] if damage == "garbage" else []
    assert [w.message.split(" (")[0] for w in result.warnings] == expected
    edit(built, PATHS[7], headline="E outra vez")
    assert assert_same_as_cold(built).warnings == (), "the next build saved a good outline"


# --- what editors decide: priorities, topics -----------------------------------------------

FRONTS = {"index.html", "mundo/index.html"}


def changed_files(preview: Preview, action: object) -> set[str]:
    """The files of the preview's copy whose bytes *action* (a save and a rebuild) changed."""
    before = tree(preview.root)
    action()  # type: ignore[operator]
    after = tree(preview.root)
    return {file for file in before.keys() | after.keys() if before.get(file) != after.get(file)}


def test_a_priority_given_re_keys_the_fronts_and_nothing_else(preview: Preview, monkeypatch: pytest.MonkeyPatch) -> None:
    """An old story made a destaque: a quick re-plan in which only the fronts that list it
    change (its own page shows no priority); then an edit of its headline reaches the
    fronts that show it now (the readers learnt it)."""
    fresh = FreshPlans(monkeypatch)
    path = PATHS[10]
    edit(preview.site, path, priority="destaque")
    assert changed_files(preview, lambda: fresh.during(preview.rebuild)) == FRONTS
    assert fresh.count == 0 and preview.quick == 1
    preview.assert_same_as_fresh()
    edit(preview.site, path, priority="destaque", headline="Destaque com título novo")
    changed = changed_files(preview, preview.rebuild)
    assert FRONTS <= changed and url_of(path) + "index.html" in changed
    preview.assert_same_as_fresh()
    edit(preview.site, path)  # the priority taken away
    assert changed_files(preview, preview.rebuild) >= FRONTS
    preview.assert_same_as_fresh()
    assert preview.quick == 3


def test_a_new_manchete_touches_as_few_pages_as_any_new_article(preview: Preview, monkeypatch: pytest.MonkeyPatch) -> None:
    """Publishing a manchete is an addition like any other (O(1) pages): the fronts change
    with it, and the story it displaces moves to the grid; nothing else."""
    fresh = FreshPlans(monkeypatch)
    plain = changed_files(preview, lambda: (new_article(preview.site, "simples", "2025-07-13T10:00", ["NATO"]),
                                            preview.rebuild()))
    manchete = changed_files(preview, lambda: (new_article(preview.site, "manchete", "2025-07-13T11:00", ["NATO"],
                                                           priority="manchete"), preview.rebuild()))
    assert fresh.count == 0 and preview.quick == 2
    preview.assert_same_as_fresh()
    assert FRONTS <= manchete and len(manchete) <= len(plain) + 2, (sorted(plain), sorted(manchete))
    assert 'href="/mundo/2025/07/13/manchete/">' in tree(preview.root)["index.html"].decode().split('class="card-grid"')[0]


def test_a_destaque_ends_at_its_until_by_the_clock_alone(preview: Preview) -> None:
    """Under a pinned clock: before its «until» the destaque sits beside the manchete; a
    rebuild after it, with no file changed, plans afresh and puts it back in its place."""
    destaque = "/" + url_of(PATHS[DESTAQUE])

    def grid() -> list[str]:
        top = tree(preview.root)["index.html"].decode().split('class="card-grid"')[1].split('class="front-lower"')[0]
        return re.findall(r'class="card-title"><a href="([^"]+)"', top)

    assert grid()[0] == destaque
    preview.rebuild(now=datetime(2025, 7, 14, 4, 59, tzinfo=UTC))  # 05:59 in Lisbon: not yet
    assert grid()[0] == destaque
    after = datetime(2025, 7, 14, 5, 1, tzinfo=UTC)
    preview.rebuild(now=after)
    assert grid().index(destaque) == 4, "back among the newest, after the four newer stories"
    preview.assert_same_as_fresh(now=after)
    assert preview.quick == 1, "the first rebuild was quick, the one past «until» planned afresh"


@pytest.mark.parametrize(("change", "expected"), [
    ("description", {"tag/ucrania/index.html"}),
    ("pin", {"tag/ucrania/index.html"}),
    ("rename", None),
    ("new topic", None),
    ("topic gone", None),
], ids=["description", "pin", "rename", "new-topic", "topic-gone"])
def test_a_topic_edit_re_keys_only_the_pages_that_show_it(
    preview: Preview, monkeypatch: pytest.MonkeyPatch, change: str, expected: set[str] | None,
) -> None:
    """topics.yaml is read apart from newsgen.yaml: its edits are quick re-plans. A
    description or a pin reaches the topic's page alone; a name reaches every page that
    shows it (its pages, the stories' labels and hashtag links, the topic index)."""
    fresh = FreshPlans(monkeypatch)
    text = {
        "description": topics_text().replace("A frente e a diplomacia.", "A guerra, dia a dia."),
        "pin": topics_text(pinned=12),
        "rename": topics_text(ukraine="Ucrânia em guerra"),
        "new topic": topics_text(extra="Gaza: {name: Faixa de Gaza}\n"),
        "topic gone": topics_text(nato=None),
    }[change]
    before = tree(preview.root)
    changed = changed_files(preview, lambda: (preview.site.write("topics.yaml", text), fresh.during(preview.rebuild)))
    assert fresh.count == 0 and preview.quick == 1
    preview.assert_same_as_fresh()
    if expected is not None:
        assert changed == expected
        return
    after = tree(preview.root)
    names = ("Guerra na Ucrânia", "Ucrânia em guerra", "Aliança Atlântica", "#NATO", "Faixa de Gaza", "#Gaza")
    shows = [f for f in changed if any(n.encode() in before.get(f, b"") + after.get(f, b"") for n in names)]
    assert changed and sorted(changed) == sorted(shows), "only pages that show a topic's name change"


@pytest.mark.parametrize(("edit", "shown"), [
    ("bio", {"autor/ana-sousa/index.html"}),
    ("page", {"ficha-tecnica/index.html"}),
    ("role", None),
])
def test_an_edited_author_or_page_joins_the_last_plan(preview: Preview, edit: str, shown: set[str] | None) -> None:
    write_newsroom(preview.site, ARCHIVE_CONFIG)  # authors and pages come: planned afresh
    preview.rebuild()
    preview.last.memory.readers.find()  # type: ignore[union-attr]
    before, quick = tree(preview.root), preview.quick
    if edit == "bio":
        write_authors(preview.site, bio="Uma biografia nova.")
    elif edit == "role":
        write_authors(preview.site, role="Editora de Internacional")
    else:
        preview.site.write("content/paginas/ficha-tecnica.md", page_text("Ficha técnica", "Diretora: Maria Exemplo.\n"))
    preview.rebuild()
    assert preview.quick == quick + 1
    preview.assert_same_as_fresh()
    changed = {file for file, body in tree(preview.root).items() if before.get(file) != body}
    if shown is not None:
        assert changed == shown
    else:  # every page that shows one of her bylines: the articles of hers, their lists, her pages and feed
        assert {"autor/ana-sousa/index.html", "autor/ana-sousa/feed.xml", url_of(PATHS[1]) + "index.html"} <= changed
        assert all("/autor/ana-sousa/" in tree(preview.root)[file].decode() for file in changed)
