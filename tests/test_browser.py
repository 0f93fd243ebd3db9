"""What only a browser shows: relative times, pages without JavaScript, no console errors.

Drives Debian's Chromium through Playwright (never a downloaded browser). Without
Chromium these tests skip on a workstation and fail in CI (``CI`` set).
"""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from newsgen.pipeline import BuildOptions, build

from helpers.browser import new_page, serve_directory
from helpers.sites import REPO

LISBON = ZoneInfo("Europe/Lisbon")
KIM = "mundo/2025/06/04/kim-jong-un-reitera-apoio-incondicional-a-russia-perante-shoigu/"
LAVROV = "mundo/2025/07/12/colaboracao-entre-russia-e-coreia-do-norte-para-a-recaptura-de-kursk/"
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sample_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The repository's sample site, built as of 13 July 2025 and served on loopback."""
    out = tmp_path_factory.mktemp("sample") / "build"
    build(BuildOptions(site_dir=REPO, output=out, now=datetime(2025, 7, 13, 12, tzinfo=LISBON)))
    with serve_directory(out) as url:
        yield url
    shutil.rmtree(out, ignore_errors=True)


def test_a_recent_article_gains_a_relative_time_beside_the_absolute_one(browser, sample_url: str) -> None:
    page = new_page(browser, clock=datetime(2025, 6, 4, 23, 30, tzinfo=LISBON))
    page.goto(sample_url + KIM)
    published = page.locator("article time[datetime='2025-06-04T18:30:00+01:00']").first
    assert published.inner_text() == "4 de junho de 2025, 18:30"
    relative = page.locator(".reltime").first
    relative.wait_for()
    assert "há 5 horas" in relative.inner_text()
    assert page.problems == []


def test_minutes_and_seconds_read_naturally(browser, sample_url: str) -> None:
    for clock, text in ((datetime(2025, 6, 4, 19, 12, tzinfo=LISBON), "há 42 minutos"),
                        (datetime(2025, 6, 4, 18, 30, 30, tzinfo=LISBON), "há 30 segundos")):
        page = new_page(browser, clock=clock)
        page.goto(sample_url + KIM)
        page.locator(".reltime").first.wait_for()
        assert text in page.locator(".reltime").first.inner_text()


def test_an_old_article_keeps_only_its_absolute_date(browser, sample_url: str) -> None:
    page = new_page(browser, clock=datetime(2025, 6, 6, 18, 30, tzinfo=LISBON))
    page.goto(sample_url + KIM)
    page.wait_for_load_state("load")
    assert page.locator(".reltime").count() == 0
    assert "4 de junho de 2025, 18:30" in page.locator("article").first.inner_text()


def test_relative_times_are_never_in_the_html(sample_url: str) -> None:
    import urllib.request

    for path in ("", "mundo/", KIM, LAVROV):
        with urllib.request.urlopen(sample_url + path) as response:
            html = response.read().decode()
        assert "há " not in html and "reltime\">" not in html


def test_pages_work_without_javascript(browser, sample_url: str) -> None:
    page = new_page(browser, js=False)
    page.goto(sample_url)
    assert page.locator("h1").count() == 1
    page.get_by_role("link", name="Colaboração entre Rússia e Coreia do Norte para a recaptura de Kursk").first.click()
    assert page.url == sample_url + LAVROV
    assert "12 de julho de 2025, 11:00" in page.locator("article").first.inner_text()
    page.get_by_role("link", name="#JustiçaInternacional").first.click()
    assert page.url == sample_url + "tag/justica-internacional/"
    assert "1 artigo" in page.locator("main").inner_text()
    page.get_by_role("navigation", name="Secções").get_by_role("link", name="Mundo").click()
    assert page.url == sample_url + "mundo/"
    assert page.problems == []


def test_every_page_kind_loads_without_console_errors_or_foreign_requests(browser, sample_url: str) -> None:
    page = new_page(browser)
    for path in ("", "mundo/", "mundo/2025/06/", "tag/cooperacao-militar/", "tags/", KIM, LAVROV, "404.html"):
        response = page.goto(sample_url + path)
        assert response is not None and response.ok, path
        assert page.locator("html").get_attribute("lang") == "pt-PT"
        assert page.locator("h1").count() == 1, path
    assert page.problems == []
