"""The ``sizes`` of each photo placement (core/picture_html.SIZES) against the width the
theme's CSS really gives that image, in Chromium, from phones to wide desktops. A change
to site.css that moves a slot fails here until SIZES follows it."""
from __future__ import annotations

from pathlib import Path

import pytest

from newsgen.core.picture_html import SIZES

from helpers.browser import new_page, serve_directory
from helpers.sites import CONFIG, SiteDir, png

pytestmark = pytest.mark.browser
VIEWPORTS = (360, 412, 700, 800, 960, 1100, 1280, 1920)  # each span between site.css breakpoints
# Each placement: the page, and the image's selector on it.
PLACES = {
    "lead": ("article", ".figure-lead img"),
    "figure": ("article", ".figure:not(.figure-lead) img"),
    "front-lead": ("home", ".card-lead .card-media img"),
    "card": ("home", ".front-top > .card-grid .card-media img"),
    "related": ("article", ".related .card-media img"),
    "thumb": ("tag", ".story-list img"),
}
# The width a `sizes` list gives at the current viewport: the first entry whose media
# query matches, its length measured on a probe element.
EVALUATE = """sizes => {
    for (const entry of sizes.split(/,(?![^(]*\\))/).map(s => s.trim())) {
        const m = entry.match(/^(\\(.*?\\))\\s+(.*)$/);
        if (m && !matchMedia(m[1]).matches) continue;
        const probe = document.createElement('div');
        probe.style.cssText = 'position:absolute;height:1px;width:' + (m ? m[2] : entry);
        document.body.append(probe);
        const width = probe.getBoundingClientRect().width;
        probe.remove();
        return width;
    }
}"""


def test_sizes_match_the_layout_of_each_placement(browser, tmp_path: Path) -> None:
    site = SiteDir(tmp_path / "site")
    site.write("newsgen.yaml", CONFIG)
    site.write("static/images/foto.png", png(1600, 900))
    for day in range(1, 13):
        images = [{"src": "images/foto.png", "alt": "Foto", "caption": "Legenda", "credit": "AP"}]
        if day == 12:
            images.append({"src": "images/foto.png", "alt": "Outra", "credit": "Lusa"})
        site.article(f"2025-06-{day:02d}-cimeira", headline=f"Artigo número {day} sobre a cimeira", images=images,
                     timestamp=f"2025-06-{day:02d}T10:00+01:00", hashtags=["Cimeira", "Diplomacia"],
                     standfirst="Um resumo com palavras suficientes para a lista.")
    site.build()
    pages = {"home": "", "article": "mundo/2025/06/12/cimeira/", "tag": "tag/cimeira/"}
    wrong = []
    with serve_directory(site.root / "build") as url:
        page = new_page(browser)
        for viewport in VIEWPORTS:
            page.set_viewport_size({"width": viewport, "height": 900})
            for name, path in pages.items():
                page.goto(url + path)
                for placement, (where, selector) in PLACES.items():
                    if where != name:
                        continue
                    shown = page.locator(selector).first.evaluate("img => img.getBoundingClientRect().width", timeout=5000)
                    said = page.evaluate(EVALUATE, SIZES[placement])  # type: ignore[index]
                    if not shown - 1 <= said <= shown + 1:
                        wrong.append(f"{placement} at {viewport} px: shown {shown:.1f}, sizes says {said:.1f}")
    assert wrong == [], "\n".join(wrong)
