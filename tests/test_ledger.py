"""The URL ledger, ``urls.lock``: every article URL ever published stays an answer. A URL
that moves redirects (a page with meta refresh and canonical, ``_redirects``, an nginx
map) and leaves the sitemap; a deleted article's answers 410 with a notice unless the
ledger or another article's ``aliases:`` sends it elsewhere. ``build`` keeps the ledger;
``check`` fails while it is stale and names each move with its cause."""
from __future__ import annotations

from typing import Any

import pytest

from newsgen.core.errors import ContentError
from newsgen.core.ledger import Entry, format_ledger, parse_ledger
from newsgen.incremental.noop import noop
from newsgen.io.scanning import scan_now

from helpers.archive import CACHE, assert_same_as_cold
from helpers.browser import new_page, serve_directory
from helpers.sites import SiteDir

OLD = "mundo/2025/06/04/kim/"
NEW = "mundo/2025/06/05/kim/"


def _ledger(site: SiteDir) -> dict[str, Entry]:
    ledger, problems = parse_ledger((site.root / "urls.lock").read_text(encoding="utf-8"))
    assert problems == []
    return ledger.entries()


@pytest.fixture
def moved(site: SiteDir) -> SiteDir:
    """Kim's article, published at 23:30 on the 4th, then its timestamp fixed to 00:30 on the 5th."""
    site.article("2025-06-04-kim", headline="Kim recebe Shoigu", timestamp="2025-06-04T23:30")
    site.article("2025-06-06-outra", headline="Outra notícia", timestamp="2025-06-06T10:00")
    site.build(cache=site.root / CACHE)
    assert _ledger(site) == {OLD: Entry("content/mundo/2025-06-04-kim.md"),
                             "mundo/2025/06/06/outra/": Entry("content/mundo/2025-06-06-outra.md")}
    site.article("2025-06-04-kim", headline="Kim recebe Shoigu", timestamp="2025-06-05T00:30")
    return site


def test_check_names_the_move_and_its_cause_and_fails_until_the_ledger_is_built(moved: SiteDir, cli: Any) -> None:
    run = cli("-C", str(moved.root), "check")
    assert run.code == 1
    assert (f"content/mundo/2025-06-04-kim.md:5: warning: published URL /{OLD} moves to /{NEW} "
            "(the timestamp's date changed)") in run.err
    assert "urls.lock: is out of date (1 new URL): run newsgen build and commit urls.lock" in run.err
    assert cli("-C", str(moved.root), "build", "--no-search").code == 0
    assert _ledger(moved)[NEW] == _ledger(moved)[OLD] == Entry("content/mundo/2025-06-04-kim.md")
    run = cli("-C", str(moved.root), "check")
    assert run.code == 0 and "moves to" not in run.err, "said once, by the build that records it"


def test_the_old_url_redirects_and_leaves_the_sitemap(moved: SiteDir) -> None:
    result = assert_same_as_cold(moved)
    assert any("moves to" in w.message for w in result.warnings)
    page = moved.page(OLD)
    assert f'<meta http-equiv="refresh" content="0; url=/{NEW}">' in page
    assert f'<link rel="canonical" href="https://example.pt/{NEW}">' in page
    assert "Kim recebe Shoigu" in moved.page(NEW)
    redirects = (moved.out / "_redirects").read_text()
    assert f"/{OLD} /{NEW} 301!\n/{OLD} /{NEW} 301\n" in redirects, "Netlify's forced line, then Cloudflare's"
    assert f'"/{OLD}" "/{NEW}";' in (moved.out / "nginx-urls.conf").read_text()
    sitemaps = "".join(p.read_text() for p in moved.out.glob("sitemap*.xml")) + (moved.out / "news-sitemap.xml").read_text()
    assert NEW in sitemaps and OLD not in sitemaps
    assert noop(moved.options(cache=moved.root / CACHE), scan_now(moved.root)) is not None, (
        "writing the ledger is no reason for another build")


@pytest.mark.browser
def test_the_redirect_works_in_a_browser(moved: SiteDir, browser: Any) -> None:
    moved.build(cache=moved.root / CACHE)
    with serve_directory(moved.out) as url:
        page = new_page(browser)
        page.goto(url + OLD)
        page.wait_for_url(url + NEW)
        assert page.title() == "Kim recebe Shoigu — Mundo de Teste"
        assert page.problems == []


@pytest.mark.parametrize(
    ("change", "cause", "line"),
    [({"section": "europa"}, "the section", 4), ({"slug": "kim-e-shoigu"}, "the slug", 7)],
    ids=["section", "slug"],
)
def test_each_cause_of_a_move_is_named_at_its_line(site: SiteDir, change: dict[str, str], cause: str, line: int) -> None:
    site.article("2025-06-04-kim", timestamp="2025-06-04T10:00")
    site.build(cache=site.root / CACHE)
    site.article("2025-06-04-kim", timestamp="2025-06-04T10:00", **change)
    [warning] = [w for w in assert_same_as_cold(site).warnings if "moves to" in w.message]
    assert (warning.path, warning.line) == ("content/mundo/2025-06-04-kim.md", line)
    assert f"({cause} changed)" in warning.message


def test_a_renamed_file_is_followed(site: SiteDir) -> None:
    site.article("2025-06-04-kim", timestamp="2025-06-04T10:00")
    site.build(cache=site.root / CACHE)
    (site.root / "content/mundo/2025-06-04-kim.md").rename(site.root / "content/mundo/2025-06-04-kim-e-shoigu.md")
    [warning] = [w for w in assert_same_as_cold(site).warnings if "moves to" in w.message]
    assert warning.path == "content/mundo/2025-06-04-kim-e-shoigu.md"
    assert "(the file name (was content/mundo/2025-06-04-kim.md) changed)" in warning.message
    assert 'url=/mundo/2025/06/04/kim-e-shoigu/"' in site.page("mundo/2025/06/04/kim/")
    assert set(_ledger(site).values()) == {Entry("content/mundo/2025-06-04-kim-e-shoigu.md")}


def test_a_deleted_article_answers_gone_unless_sent_elsewhere(site: SiteDir) -> None:
    site.article("2025-06-04-kim", headline="Kim recebe Shoigu", timestamp="2025-06-04T10:00")
    site.article("2025-06-05-lavrov", headline="Lavrov em Wonsan", timestamp="2025-06-05T10:00")
    site.build(cache=site.root / CACHE)
    (site.root / "content/mundo/2025-06-04-kim.md").unlink()
    [warning] = [w for w in assert_same_as_cold(site).warnings if "is gone" in w.message]
    assert (warning.path, warning.line) == ("urls.lock", 3)
    assert "Este artigo já não está disponível" in site.page(OLD.replace("05", "04"))
    assert "Kim recebe Shoigu" not in site.page("mundo/2025/06/04/kim/")
    assert _ledger(site)["mundo/2025/06/04/kim/"] == Entry("content/mundo/2025-06-04-kim.md", gone=True)
    assert "/mundo/2025/06/04/kim/ /mundo/2025/06/04/kim/index.html 410!" in (site.out / "_redirects").read_text()

    # The editor sends its readers to another article, by hand in the ledger…
    text = (site.root / "urls.lock").read_text(encoding="utf-8")
    site.write("urls.lock", text.replace("gone: true}", "gone: true, redirect_to: /mundo/2025/06/05/lavrov/}"))
    assert_same_as_cold(site)
    assert 'url=/mundo/2025/06/05/lavrov/"' in site.page("mundo/2025/06/04/kim/")
    # …or with an alias in the other article (the ledger's redirect wins where both are).
    site.write("urls.lock", text)
    site.article("2025-06-05-lavrov", headline="Lavrov em Wonsan", timestamp="2025-06-05T10:00",
                 aliases=["/mundo/2025/06/04/kim/", "/noticias/antiga.html"])
    assert_same_as_cold(site)
    assert 'url=/mundo/2025/06/05/lavrov/"' in site.page("mundo/2025/06/04/kim/")
    assert 'url=/mundo/2025/06/05/lavrov/"' in site.page("noticias/antiga.html")


def test_an_alias_over_a_page_is_an_error(site: SiteDir) -> None:
    site.article("2025-06-04-kim", timestamp="2025-06-04T10:00")
    site.article("2025-06-05-lavrov", timestamp="2025-06-05T10:00", aliases=["/mundo/2025/06/04/kim/", "/tags/"])
    with pytest.raises(ContentError) as caught:
        site.build()
    assert [(p.path, p.line, p.message) for p in caught.value.problems] == [
        ("content/mundo/2025-06-05-lavrov.md", 7, "alias /mundo/2025/06/04/kim/ is the address of a page: that of content/mundo/2025-06-04-kim.md"),
        ("content/mundo/2025-06-05-lavrov.md", 7, "alias /tags/ is the address of a page of this site"),
    ]


def test_only_build_writes_the_ledger(site: SiteDir, cli: Any) -> None:
    site.article("2025-06-04-kim", timestamp="2025-06-04T10:00")
    run = cli("-C", str(site.root), "check")
    assert run.code == 0 and "urls.lock: warning: the site has no URL ledger yet" in run.err
    assert cli("-C", str(site.root), "build", "--no-search", "--future", "-o", str(site.root / "preview")).code == 0
    assert not (site.root / "urls.lock").exists(), "never from a preview of embargoed articles"
    assert cli("-C", str(site.root), "build", "--no-search").code == 0
    assert (site.root / "urls.lock").is_file()
    assert sorted(p.name for p in site.root.iterdir() if p.name.startswith(".")) == [".newsgen-cache"], "no temporary file left"
    site.article("2099-01-01-depois", timestamp="2099-01-01T10:00")
    assert cli("-C", str(site.root), "check", "--future").code == 0, "a preview of embargoed articles is no stale ledger"


def test_the_ledger_reads_what_it_writes_and_names_bad_lines() -> None:
    entries = {
        "mundo/2025/06/04/kim/": Entry("content/mundo/2025-06-04-kim.md"),
        "mundo/2025/06/05/cimeira/": Entry("content/mundo/ação e reação.md", gone=True),
        "noticias/antiga/": Entry("content/x.md", gone=True, redirect_to="https://arquivo.example.pt/x"),
    }
    from newsgen.core.ledger import Ledger

    ledger = Ledger({p: e.source for p, e in entries.items() if not e.gone}, {p: e for p, e in entries.items() if e.gone})
    text = format_ledger(ledger)
    assert text.splitlines()[2:] == [
        "/mundo/2025/06/04/kim/: content/mundo/2025-06-04-kim.md",
        '/mundo/2025/06/05/cimeira/: {source: "content/mundo/ação e reação.md", gone: true}',
        '/noticias/antiga/: {source: content/x.md, gone: true, redirect_to: "https://arquivo.example.pt/x"}',
    ]
    assert parse_ledger(text)[0].entries() == entries
    hand = "/a/: {source: a.md, redirect_to: /b/}\n/a/: b.md\n../c/: c.md\n/d/: {source: d.md, gone: maybe}\n/e/: {x: 1}\n"
    assert [(p.line, p.message) for p in parse_ledger(hand)[1]] == [
        (2, "/a/ is listed twice (first on line 1)"),
        (3, "expected '/site/path/: content/file.md', one URL per line"),
        (4, "gone: must be true or false, not 'maybe'"),
        (5, "unknown field 'x' (a URL takes source, gone, redirect_to)"),
    ]
