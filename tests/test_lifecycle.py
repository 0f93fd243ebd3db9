"""An article's life after publication, under a pinned clock: a retraction or an expiry
takes it out of every sink and leaves a notice at its URL; ``newsgen next`` names the
next instant at which the output changes by itself, and the output changes there and
not before; ``newsgen serve`` rebuilds when that instant passes. Every build here is
incremental and checked against a build from scratch."""
from __future__ import annotations

import gzip
import re
from datetime import UTC, datetime, timedelta

import pytest

from newsgen.cli.verbs import next_line
from newsgen.incremental.schedule import next_change

from helpers.archive import CACHE, assert_same_as_cold
from helpers.newsroom import write_newsroom
from helpers.sites import NOW, SiteDir, png, tree

HEADLINE = "Ministro acusado de corrupção em Kyiv"
UNIQUE = "quimbombó"
"""A word of the retracted article's body that no other text holds."""


CORRECTION = "A idade do ministro estava errada."
MINISTRO = {
    "headline": HEADLINE, "timestamp": "2025-07-12T09:00", "hashtags": ["Ucrânia", "Corrupção"],
    "body": f"O ministro, conhecido pelo seu {UNIQUE}, nega tudo.", "byline": "ana-sousa",
    "images": [{"src": "fotos/ministro.png", "alt": "O ministro", "credit": "Lusa"}],
    "corrections": [{"at": "2025-07-12T18:00", "text": CORRECTION}],
}
"""The article to retract: a photo of its own under content/, a word no other text holds,
an author (her page and feed list it) and a correction (the corrections page and feed)."""


def _retractable(site: SiteDir) -> None:
    """Three articles sharing hashtags (so each lists the others as related) in a site with
    a newsroom (authors, pages, the corrections page), the middle one `MINISTRO`."""
    write_newsroom(site)
    site.article("2025-07-10-antes", headline="Reunião em Bruxelas", timestamp="2025-07-10T10:00",
                 hashtags=["Ucrânia", "Corrupção"], byline="ana-sousa")
    site.write("content/mundo/fotos/ministro.png", png(8, 6))
    site.article("2025-07-12-ministro", **MINISTRO)
    site.article("2025-07-13-depois", headline="Kyiv reage às acusações", timestamp="2025-07-13T08:00",
                 hashtags=["Ucrânia", "Corrupção"])


def _everything(site: SiteDir) -> dict[str, bytes]:
    """Every file of the output, the search index's compressed files decompressed."""
    files = tree(site.out)
    for path, data in list(files.items()):
        if path.startswith("pagefind/") and data[:2] == b"\x1f\x8b":
            files[path] = gzip.decompress(data)
    return files


def test_a_retraction_takes_the_article_out_of_every_sink(site: SiteDir) -> None:
    _retractable(site)
    site.build(cache=site.root / CACHE, search=True)
    copies = set(re.findall(r"media/[\w.-]+", site.page("mundo/2025/07/12/ministro/").split("<figure", 1)[1].split("</figure>", 1)[0]))
    assert copies and all((site.out / copy).is_file() for copy in copies), "its photo's copies"
    files = _everything(site)
    for needle, where in ((HEADLINE, "autor/ana-sousa/feed.xml"), (UNIQUE, "pagefind/"), (CORRECTION, "correcoes/")):
        assert any(p.startswith(where) and needle.encode() in data for p, data in files.items()), (needle, where)

    site.article("2025-07-12-ministro", **MINISTRO,
                 retracted={"at": "2025-07-13T10:00", "reason": "Por decisão do Tribunal da Relação de Lisboa."})
    assert_same_as_cold(site, search=True)
    files = _everything(site)
    assert "Reunião em Bruxelas" in site.page("autor/ana-sousa/"), "her other article stays"
    for needle in (HEADLINE, UNIQUE, CORRECTION, "fotos/ministro.png"):
        assert [p for p, data in files.items() if needle.encode() in data] == [], needle
    assert not (site.out / "mundo/fotos").exists(), "the photo only it showed is gone"
    assert [copy for copy in copies if copy in files] == [], "and so are its copies"
    notice = site.page("mundo/2025/07/12/ministro/")
    assert "Este artigo foi retirado" in notice and "Por decisão do Tribunal da Relação de Lisboa." in notice
    assert "13 de julho de 2025, 10:00" in notice and '<meta name="robots" content="noindex">' in notice
    assert "/mundo/2025/07/12/ministro/ /mundo/2025/07/12/ministro/index.html 410!" in (site.out / "_redirects").read_text()
    assert "/mundo/2025/07/12/ministro/\n  X-Robots-Tag: noindex" in (site.out / "_headers").read_text()
    assert '"/mundo/2025/07/12/ministro/" "/mundo/2025/07/12/ministro/index.html";' in (site.out / "nginx-urls.conf").read_text()


def test_a_retraction_dated_later_waits_for_its_time(site: SiteDir) -> None:
    _retractable(site)
    site.article("2025-07-12-ministro", headline=HEADLINE, timestamp="2025-07-12T09:00", hashtags=["Ucrânia"],
                 retracted={"at": "2025-07-13T18:00", "reason": "A pedido da fonte."})
    assert_same_as_cold(site)
    assert HEADLINE in site.page("")
    assert next_change(site.options(cache=site.root / CACHE)) == datetime(2025, 7, 13, 17, tzinfo=UTC)
    assert_same_as_cold(site, now=datetime(2025, 7, 13, 17, tzinfo=UTC))
    assert HEADLINE not in site.page("") and "Este artigo foi retirado" in site.page("mundo/2025/07/12/ministro/")


def test_an_expired_article_says_it_expired_not_that_it_was_retracted(site: SiteDir) -> None:
    site.article("2025-07-01-concurso", headline="Concurso de fotografia", timestamp="2025-07-01T09:00",
                 expires="2025-07-10T00:00")
    site.article("2025-07-02-outra", headline="Outra notícia", timestamp="2025-07-02T09:00")
    assert_same_as_cold(site)
    notice = site.page("mundo/2025/07/01/concurso/")
    assert "Este artigo expirou" in notice and "10 de julho de 2025, 00:00" in notice
    assert "retirado" not in notice and "Motivo" not in notice and "Concurso de fotografia" not in notice
    assert "Concurso de fotografia" not in (site.out / "feed.xml").read_text()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"retracted": "2025-07-13T10:00"}, "'retracted' must be 'at' and 'reason' fields"),
        ({"retracted": {"at": "2025-07-13T10:00"}}, "missing required field 'reason'"),
        ({"retracted": {"at": "ontem", "reason": "x"}}, "not an ISO 8601 date and time"),
        ({"expires": "2025-06-01T10:00"}, "'expires' is before 'timestamp'"),
        ({"ends": "2025-06-05T10:00"}, "'ends' is for live pages"),
        ({"aliases": ["mundo/velho/"]}, "an alias is an earlier address of this article"),
    ],
    ids=["retracted-text", "no-reason", "bad-date", "expires-early", "ends-not-live", "alias-relative"],
)
def test_life_fields_are_checked_at_their_line(site: SiteDir, fields: dict[str, object], message: str) -> None:
    from newsgen.core.errors import ContentError

    site.article("2025-06-04-kim", **fields)
    with pytest.raises(ContentError) as caught:
        site.check()
    assert [p.line for p in caught.value.problems if message in p.message] == [7], caught.value.problems


# --- newsgen next ------------------------------------------------------------------------

T = NOW  # 13:00 in Lisbon
STEPS = [  # every instant the output changes at, in order, and what changes there
    (T + timedelta(hours=1), "the embargo lifts"),
    (T + timedelta(hours=2), "an article leaves the news sitemap's 48 hours"),
    (T + timedelta(hours=3), "an article expires"),
    (T + timedelta(hours=4), "a live page ends"),
    (T + timedelta(hours=5), "a correction held back until its time comes due"),
    (T + timedelta(hours=6), "a front-page priority ends (until:)"),
]


def _timed(site: SiteDir) -> None:
    lisbon = lambda moment: moment.astimezone(UTC).isoformat()  # noqa: E731  (an offset: any zone reads it)
    site.article("2025-07-13-embargo", headline="Sob embargo", timestamp=lisbon(STEPS[0][0]))
    site.article("2025-07-11-velha", headline="Quase velha", timestamp=lisbon(STEPS[1][0] - timedelta(hours=48)))
    site.article("2025-07-12-expira", headline="Vai expirar", timestamp="2025-07-12T09:00", expires=lisbon(STEPS[2][0]))
    site.article("2025-07-13-direto", headline="Em direto: cimeira", timestamp="2025-07-13T08:00", live=True,
                 ends=lisbon(STEPS[3][0]), body="Introdução.\n\n## 09:15 Começa a cimeira\n\nTexto.\n")
    site.article("2025-07-13-rascunho", headline="Rascunho", timestamp=lisbon(T + timedelta(minutes=30)), draft=True)
    site.article("2025-07-10-corrigida", headline="Corrigida mais tarde", timestamp="2025-07-10T09:00",
                 corrections=[{"at": lisbon(STEPS[4][0]), "text": "O nome do ministro estava errado."}])
    site.article("2025-07-09-destaque", headline="Em destaque até à tarde", timestamp="2025-07-09T09:00",
                 priority="manchete", until=lisbon(STEPS[5][0]))


def test_next_names_each_instant_the_output_changes_at_and_it_changes_only_there(site: SiteDir) -> None:
    """Across an embargo, the news sitemap's window, an expiry, a live page's end, a
    correction held back until its time (issue 25) and a front-page priority's ``until:``
    (issue 26): at each instant `next` names, the output changes; a second before, it is
    the output of the last instant."""
    _timed(site)
    now = T
    assert_same_as_cold(site, now=now)
    for instant, what in STEPS:
        assert next_change(site.options(now=now, cache=site.root / CACHE)) == instant, what
        before = tree(site.out)
        site.build(now=instant - timedelta(seconds=1), cache=site.root / CACHE)
        assert tree(site.out) == before, f"nothing changes before {what}"
        assert_same_as_cold(site, now=instant)
        assert tree(site.out) != before, f"the output changes when {what}"
        now = instant
    assert "O nome do ministro estava errado." in site.page("mundo/2025/07/10/corrigida/")
    home = site.page("")
    assert home.index("Em direto: cimeira") < home.index("Em destaque até à tarde"), "the manchete is back in its place"
    assert next_change(site.options(now=now, cache=site.root / CACHE)) == datetime(2025, 7, 15, 7, tzinfo=UTC), "the live page leaves the news sitemap"


def test_next_prints_each_format_for_ci(site: SiteDir, cli) -> None:  # type: ignore[no-untyped-def]
    _timed(site)
    assert cli("-C", str(site.root), "build", "--no-search").code == 0
    assert cli("-C", str(site.root), "next").out == "2025-07-13T14:00:00+01:00\n"
    assert cli("-C", str(site.root), "next", "--format", "epoch").out == f"{int(STEPS[0][0].timestamp())}\n"
    github = cli("-C", str(site.root), "next", "--format", "github").out
    assert github == f"next=2025-07-13T14:00:00+01:00\nnext-epoch={int(STEPS[0][0].timestamp())}\n"
    assert cli("-C", str(site.root), "next", "--format", "cron").out == "0 13 13 7 *\n", "UTC"
    assert cli("-C", str(site.root), "next", "--drafts").out == "2025-07-13T13:30:00+01:00\n", "the draft's time counts"


def test_next_rounds_a_cron_line_up_to_the_minute() -> None:
    assert next_line(datetime(2025, 7, 13, 12, 0, 30, tzinfo=UTC), "cron") == "1 12 13 7 *"
    assert next_line(datetime(2025, 12, 31, 23, 59, 1, tzinfo=UTC), "cron") == "0 0 1 1 *"


def test_next_says_when_nothing_is_scheduled(site: SiteDir, cli) -> None:  # type: ignore[no-untyped-def]
    site.article("2025-06-04-kim")
    run = cli("-C", str(site.root), "next")
    assert (run.code, run.out) == (0, "")
    assert "nothing scheduled" in run.err


def test_next_answers_from_the_last_build_and_after_an_edit(site: SiteDir, cli) -> None:  # type: ignore[no-untyped-def]
    _timed(site)
    assert cli("-C", str(site.root), "build", "--no-search").code == 0
    site.article("2025-07-13-nova", headline="Nova", timestamp=(T + timedelta(minutes=10)).isoformat())
    assert cli("-C", str(site.root), "next").out == "2025-07-13T13:10:00+01:00\n", "an edit since the build is read"


# --- newsgen serve ------------------------------------------------------------------------


def test_serve_rebuilds_when_an_embargo_lifts(site: SiteDir, preview) -> None:  # type: ignore[no-untyped-def]
    """On the real clock: an article embargoed until two seconds from now appears in the
    preview by itself, with no file touched."""
    site.article("2025-06-04-kim", headline="Já publicada")
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=3)
    site.article("2099-01-01-embargo", headline="Publicada à hora certa", timestamp=soon.isoformat())
    server = preview(site.root)
    server.wait_for_log("as the clock passed a scheduled change")
    assert "Publicada à hora certa" in server.get("/")[1]
