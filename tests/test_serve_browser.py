"""Live preview in a real browser: open tabs follow every save, problems show, 8 tabs work.

``newsgen serve`` runs as a child process on a copy of the sample site; Chromium
(Debian's, through Playwright) keeps pages open while the test edits files on disk,
the way an editor's tool saves them (a temporary file renamed over the original).
"""
from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from helpers.browser import new_page
from helpers.processes import Preview
from helpers.sites import REPO

KIM = "mundo/2025/06/04/kim-jong-un-reitera-apoio-incondicional-a-russia-perante-shoigu/"
KIM_FILE = "content/mundo/2025-06-04-kim-jong-un-reitera-apoio-incondicional-a-russia-perante-shoigu.md"
HEADLINE = 'headline: Kim Jong-un reitera "apoio incondicional" à Rússia perante Shoigu\n'
pytestmark = pytest.mark.browser


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(REPO / "newsgen.yaml", site)
    for folder in ("content", "templates", "static"):
        shutil.copytree(REPO / folder, site / folder)
    return site


def save(path: Path, text: str) -> None:
    """Save as editors do: write a temporary file beside it, then rename it over the original."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def edit(site: Path, old: str, new: str) -> None:
    path = site / KIM_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    save(path, text.replace(old, new, 1))


def test_a_saved_headline_shows_in_the_open_page_within_two_seconds(
    browser, sample: Path, preview: Callable[..., Preview]
) -> None:
    server = preview(sample)
    page = new_page(browser)
    page.goto(server.url + KIM)
    expect(page.locator("h1")).to_have_text("Kim Jong-un reitera «apoio incondicional» à Rússia perante Shoigu")
    line = HEADLINE
    for n in range(1, 4):
        new_line = f'headline: Kim Jong-un promete "apoio total" à Rússia ({n}.ª versão)\n'
        started = time.monotonic()
        edit(sample, line, new_line)
        line = new_line
        expect(page.locator("h1")).to_have_text(f"Kim Jong-un promete «apoio total» à Rússia ({n}.ª versão)", timeout=2000)
        assert time.monotonic() - started < 2
    assert page.url == server.url + KIM, "the URL survives a new headline"
    assert page.problems == []


def test_a_broken_file_shows_its_problem_and_the_fix_clears_it(
    browser, sample: Path, preview: Callable[..., Preview]
) -> None:
    server = preview(sample)
    page = new_page(browser)
    page.goto(server.url + KIM)
    edit(sample, "section: mundo\n", "section: [mundo\n")
    overlay = page.locator("#newsgen-problems")
    expect(overlay).to_contain_text(f"{KIM_FILE}:4: YAML syntax error", timeout=2000)
    expect(page.locator("h1")).to_contain_text("Kim Jong-un reitera", timeout=0), "last good page still shown"
    edit(sample, "section: [mundo\n", "section: mundo\n")
    expect(overlay).to_have_count(0, timeout=2000)
    expect(page.locator("h1")).to_contain_text("Kim Jong-un reitera")
    assert page.problems == []


def test_eight_tabs_load_and_all_reload_after_a_save(browser, sample: Path, preview: Callable[..., Preview]) -> None:
    server = preview(sample)
    first = new_page(browser)
    tabs = [first] + [new_page(browser, context=first.context) for _ in range(7)]
    for tab in tabs:
        tab.goto(server.url + KIM, timeout=5000)  # with a stream per tab, the seventh would hang here
        tab.evaluate("window.stillTheOldPage = true")
    edit(sample, "standfirst: Em Pyongyang,", "standfirst: Na capital norte-coreana,")
    for tab in tabs:
        expect(tab.locator(".standfirst")).to_contain_text("Na capital norte-coreana", timeout=3000)
        assert tab.evaluate("window.stillTheOldPage === undefined"), "the tab reloaded"
    assert all(tab.problems == [] for tab in tabs)
