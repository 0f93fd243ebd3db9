"""Links between articles by their files (``[texto](2025-06-04-kim.md)``, ``[texto](mundo:kim)``):
they reach the article's current URL and follow it when it moves; a link that leads
nowhere a reader can follow is an error at its line; an absolute link to the site's own
address that reaches no page is a warning; ``check --links`` follows every internal link
and anchor of the output."""
from __future__ import annotations

from typing import Any

import pytest

from newsgen.core.errors import ContentError

from helpers.archive import CACHE, assert_same_as_cold
from helpers.sites import SiteDir, article_text

KIM = "content/mundo/2025-06-04-kim.md"


def _linking(site: SiteDir, body: str, **fields: object) -> None:
    site.article("2025-06-04-kim", headline="Kim recebe Shoigu", timestamp="2025-06-04T23:30")
    site.article("2025-06-10-lavrov", headline="Lavrov em Wonsan", timestamp="2025-06-10T10:00", body=body, **fields)


def _apart(site: SiteDir, body: str) -> None:
    """A linking article that shows nothing else of the linked one: another section (no
    pager between them), another hashtag (not related): only the link ties them."""
    site.article("2025-06-04-kim", headline="Kim recebe Shoigu", timestamp="2025-06-04T23:30", hashtags=["Coreia"])
    site.write("content/europa/2025-06-10-lavrov.md", article_text(
        headline="Lavrov em Wonsan", section="europa", timestamp="2025-06-10T10:00", hashtags=["Rússia"], body=body))


def _body(html: str) -> str:
    return html.split('<div class="article-body">', 1)[1].split("</div>", 1)[0]


def _warnings(site: SiteDir, **options: object) -> list[Any]:
    """The warnings of a check, but the one of a site with no URL ledger yet."""
    return [w for w in site.check(**options).warnings if w.path != "urls.lock"]


def _problems(site: SiteDir, **options: object) -> list[tuple[str, int, str]]:
    with pytest.raises(ContentError) as caught:
        site.check(**options)
    return [(p.path, p.line, p.message) for p in caught.value.problems]


def test_links_by_file_and_by_slug_follow_the_article_when_it_moves(site: SiteDir) -> None:
    _apart(site, "Ver [a reunião](../mundo/2025-06-04-kim.md), [o mesmo](mundo:kim#contexto) e [de novo](/content/mundo/2025-06-04-kim.md).")
    site.build(cache=site.root / CACHE)
    page = _body(site.page("europa/2025/06/10/lavrov/"))
    assert page.count('href="/mundo/2025/06/04/kim/"') == 2 and 'href="/mundo/2025/06/04/kim/#contexto"' in page
    assert 'href="https://example.pt/mundo/2025/06/04/kim/"' in (site.out / "feed.xml").read_text(), "absolute in feeds"

    site.article("2025-06-04-kim", headline="Kim recebe Shoigu", timestamp="2025-06-05T00:30", hashtags=["Coreia"])
    assert_same_as_cold(site)  # it crossed midnight
    page = site.page("europa/2025/06/10/lavrov/")
    assert _body(page).count('href="/mundo/2025/06/05/kim/"') == 2 and 'href="/mundo/2025/06/05/kim/#contexto"' in page
    assert "/mundo/2025/06/04/kim/" not in page
    assert 'href="https://example.pt/mundo/2025/06/05/kim/"' in (site.out / "europa/feed.xml").read_text()


@pytest.mark.parametrize(
    ("link", "fields", "message"),
    [
        ("../2025-06-04-kim.md", {}, "link '../2025-06-04-kim.md': no article content/2025-06-04-kim.md (did you mean content/mundo/2025-06-04-kim.md?)"),
        ("mundo:kimm", {}, "link 'mundo:kimm': no article has the slug 'mundo:kimm' (did you mean mundo:kim?)"),
        ("2025-06-04-kim.md", {"draft": True}, f"link '2025-06-04-kim.md' leads to a draft ({KIM}): publish it or remove the link"),
        ("2025-06-04-kim.md", {"timestamp": "2025-07-20T10:00"},
         f"link '2025-06-04-kim.md' leads to an article under embargo until 2025-07-20T10:00:00+01:00 ({KIM})"),
    ],
    ids=["missing", "slug", "draft", "embargoed"],
)
def test_a_link_that_leads_nowhere_is_an_error_at_its_line(site: SiteDir, link: str, fields: dict[str, object], message: str) -> None:
    site.article("2025-06-04-kim", headline="Kim recebe Shoigu", **{"timestamp": "2025-06-04T10:00", **fields})
    site.article("2025-06-10-lavrov", timestamp="2025-06-10T10:00", body=f"Primeira linha.\n\nVer [isto]({link}).")
    assert _problems(site) == [("content/mundo/2025-06-10-lavrov.md", 10, message)]


def test_an_embargoed_article_may_link_to_one_published_with_it_or_before(site: SiteDir) -> None:
    site.article("2025-07-20-a", timestamp="2025-07-20T10:00", body="A.")
    site.article("2025-07-20-b", timestamp="2025-07-20T10:00", body="Ver [a outra](2025-07-20-a.md).")
    site.article("2025-07-19-c", timestamp="2025-07-19T10:00", body="Ver [a seguinte](2025-07-20-a.md).")
    assert [m for _, _, m in _problems(site)] == [
        "link '2025-07-20-a.md' leads to an article under embargo until 2025-07-20T10:00:00+01:00 (content/mundo/2025-07-20-a.md)",
    ], "only the earlier one (c) would publish a link to a page not there yet"
    assert _warnings(site, future=True) == [], "--future shows them all"


def test_a_slug_that_two_articles_share_must_be_linked_by_file(site: SiteDir) -> None:
    site.article("2025-06-04-kim", timestamp="2025-06-04T10:00")
    site.write("content/mundo/2025-06-05-kim.md", (site.root / "content/mundo/2025-06-04-kim.md").read_text()
               .replace("2025-06-04T10:00", "2025-06-05T10:00"))
    site.article("2025-06-10-lavrov", timestamp="2025-06-10T10:00", body="Ver [Kim](mundo:kim).")
    [(_, _, message)] = _problems(site)
    assert message == ("link 'mundo:kim' matches 2 articles (content/mundo/2025-06-04-kim.md, "
                       "content/mundo/2025-06-05-kim.md); link to the file instead")


def test_a_draft_may_link_to_anything_until_it_is_published(site: SiteDir) -> None:
    _linking(site, "Ver [o nada](mundo:nada).", draft=True)
    assert _warnings(site) == []


def test_an_absolute_link_to_the_site_that_reaches_no_page_is_a_warning(site: SiteDir) -> None:
    _linking(site, "Ver [isto](https://example.pt/mundo/2025/06/04/kim/), [aquilo](https://example.pt/mundo/2025/01/01/nada/)"
                   " e [o mundo](https://example.pt/mundo).")
    [warning] = _warnings(site)
    assert (warning.path, warning.line, warning.message) == (
        "content/mundo/2025-06-10-lavrov.md", 8,
        "link 'https://example.pt/mundo/2025/01/01/nada/' is this site's address but matches no page of it",
    )
    with pytest.raises(ContentError):
        site.check(strict=True)


def test_an_absolute_link_to_an_old_address_says_where_it_went(site: SiteDir) -> None:
    _linking(site, "Ver [isto](https://example.pt/mundo/2025/06/04/kim/).")
    site.build()
    site.article("2025-06-04-kim", headline="Kim recebe Shoigu", timestamp="2025-06-05T00:30")
    site.build()
    site.article("2025-06-10-lavrov", headline="Lavrov em Wonsan", timestamp="2025-06-10T10:00", body="Ver [isto](https://example.pt/mundo/2025/06/04/kim/). ")
    [warning] = _warnings(site)
    assert "leads to an old address, now redirected to /mundo/2025/06/05/kim/" in warning.message


def test_check_links_follows_every_internal_link_and_anchor(site: SiteDir, cli: Any) -> None:
    _linking(site, "Ver [a reunião](mundo:kim#nao-existe) e [o início](#topo).\n\n## Topo {#topo}\n\nTexto.")
    site.write("templates/_colophon.html", '<p><a href="/sobre/">Sobre nós</a> · <a href="/tags/">Etiquetas</a></p>')
    run = cli("-C", str(site.root), "check", "--links")
    assert run.code == 1
    assert "content/mundo/2025-06-10-lavrov.md: link '/mundo/2025/06/04/kim/#nao-existe' reaches /mundo/2025/06/04/kim/ but no element there has id 'nao-existe'" in run.err
    assert "(page /): link '/sobre/' reaches no page or file of the site" in run.err
    assert "#topo" not in run.err and "/tags/'" not in run.err
    assert cli("-C", str(site.root), "check").code == 0, "without --links the pages are not followed"
