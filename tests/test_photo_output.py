"""The sample site's photographs as readers, crawlers and a photo desk get them: every
width and format, no copy wider than its source, no EXIF or GPS in any file (Pillow and
exiftool), the credit in every file (XMP), the orientation applied, ``srcset`` URLs that
lead to files of the width they claim, the social and JSON-LD crops; and in Chromium, at
360 and 1280 px, a copy no more than about twice the width it is shown at."""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageStat

from newsgen.core.pictures import LADDER
from newsgen.io.photos import avif_available
from newsgen.pipeline import BuildOptions, build

from helpers.browser import serve_directory
from helpers.sites import REPO

LISBON_NOON = datetime.fromisoformat("2025-07-13T12:00+01:00")
KIM = "mundo/2025/06/04/kim-jong-un-reitera-apoio-incondicional-a-russia-perante-shoigu/"
LAVROV = "mundo/2025/07/12/colaboracao-entre-russia-e-coreia-do-norte-para-a-recaptura-de-kursk/"
CREDIT = "Ilustração newsgen"
SOURCES = {"porto-ao-anoitecer.jpg", "serra-ao-amanhecer.jpg"}
FORMATS = ("image/avif", "image/webp") if avif_available() else ("image/webp",)
RASTERS = (".jpg", ".png", ".webp", ".avif")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory, sample_cache: Path) -> Path:
    output = tmp_path_factory.mktemp("photos") / "build"
    build(BuildOptions(REPO, output, LISBON_NOON, search=False, cache=sample_cache, jobs=2))
    return output


def pictures(page: str) -> list[dict[str, Any]]:
    """Each ``<picture>``: its sources' types and srcsets, and its ``<img>``'s attributes."""
    found = []
    for body in re.findall(r"<picture>(.*?)</picture>", page, re.S):
        sources = [dict(re.findall(r'(\w+)="([^"]*)"', s)) for s in re.findall(r"<source [^>]*>", body)]
        img = dict(re.findall(r'([\w-]+)="([^"]*)"', re.search(r"<img [^>]*>", body)[0]))
        found.append({"sources": sources, "img": img})
    return found


def candidates(srcset: str) -> list[tuple[str, int]]:
    return [(url, int(w.removesuffix("w"))) for url, w in (c.split() for c in html.unescape(srcset).split(", "))]


def test_each_lead_comes_in_every_width_and_format_and_no_original_is_published(out: Path) -> None:
    for path in (KIM, LAVROV):
        page = (out / path / "index.html").read_text(encoding="utf-8")
        lead = pictures(page.split('class="figure figure-lead"')[1])[0]
        assert [s["type"] for s in lead["sources"]] == list(FORMATS), "AVIF first where Pillow encodes it, then WebP"
        srcsets = [s["srcset"] for s in lead["sources"]] + [lead["img"]["srcset"]]
        for srcset, extension in zip(srcsets, [*(f.split("/")[1] for f in FORMATS), "jpg"], strict=True):
            widths = [w for _, w in candidates(srcset)]
            assert widths == list(LADDER), f"{path}: {extension}: {widths}"  # 4000 px sources: the whole ladder
            assert all(url.endswith(f".{extension}") for url, _ in candidates(srcset))
        assert (lead["img"]["width"], lead["img"]["height"]) == ("1440", "960"), "the largest copy, upright"
        assert lead["img"]["fetchpriority"] == "high" and "loading" not in lead["img"]
    published = {p.name for p in out.rglob("*") if p.is_file()}
    assert not published & SOURCES, "the camera files (with their GPS) are never published"
    assert not (out / "images").exists()


def test_every_srcset_url_leads_to_a_file_of_the_width_it_claims(out: Path) -> None:
    checked = 0
    for page in out.rglob("*.html"):
        for picture in pictures(page.read_text(encoding="utf-8")):
            for srcset in [s["srcset"] for s in picture["sources"]] + [picture["img"]["srcset"]]:
                for url, width in candidates(srcset):
                    with Image.open(out / url.removeprefix("/")) as image:
                        assert image.width == width, f"{page}: {url}"
                        checked += 1
            with Image.open(out / picture["img"]["src"].removeprefix("/")) as image:
                assert image.size == (int(picture["img"]["width"]), int(picture["img"]["height"]))
    assert checked > 100


def test_no_copy_carries_exif_or_gps_and_every_copy_carries_the_credit(out: Path) -> None:
    every = sorted(p for p in out.rglob("*") if p.suffix in RASTERS)
    # The publisher's icons and logos (at the root) and the authors' photos carry no credit.
    portraits = {out / url.lstrip("/") for page in out.glob("autor/*/index.html")
                 for url in re.findall(r'<img class="author-photo" src="([^"]+)"', page.read_text(encoding="utf-8"))}
    portraits |= {p.with_name(p.name.replace("-96.", "-192.")) for p in portraits}
    assert portraits and {p.name for p in every if p.parent == out} >= {"icon-32.png", "logo.png", "apple-touch-icon.png"}
    files = [p for p in every if p.parent != out and p not in portraits]
    assert len(files) > 40 and all(p.parent.name == "media" for p in every if p.parent != out)
    for file in every:
        with Image.open(file) as image:
            assert not image.getexif(), f"{file.name}: EXIF"
            assert "exif" not in image.info and "icc_profile" not in image.info and "comment" not in image.info
    for file in files:
        with Image.open(file) as image:
            packet = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp") or b""
            packet = packet.encode() if isinstance(packet, str) else packet
            assert f"<photoshop:Credit>{CREDIT}</photoshop:Credit>".encode() in packet, file.name
    if shutil.which("exiftool") is None:
        if os.environ.get("CI"):
            pytest.fail("exiftool is missing in CI (scripts/install-tools installs it)")
        pytest.skip("exiftool is not installed (apt-get install libimage-exiftool-perl)")
    read = subprocess.run(["exiftool", "-json", "-G1", "-a", *map(str, every)], capture_output=True, check=True)
    credited = {str(p) for p in files}
    for tags in json.loads(read.stdout):
        groups = {name.split(":")[0] for name in tags}
        assert not groups & {"IFD0", "ExifIFD", "GPS", "MakerNotes", "ICC_Profile", "IPTC"}, tags["SourceFile"]
        if tags["SourceFile"] in credited:
            assert tags["XMP-photoshop:Credit"] == CREDIT


def test_the_sideways_photograph_is_turned_upright(out: Path) -> None:
    """porto-ao-anoitecer.jpg is stored on its side (Orientation=6, 2667×4000 pixels)."""
    with Image.open(REPO / "static/images/porto-ao-anoitecer.jpg") as source:
        assert source.size == (2667, 4000) and source.getexif()[0x0112] == 6
    page = (out / KIM / "index.html").read_text(encoding="utf-8")
    lead = pictures(page.split('class="figure figure-lead"')[1])[0]
    with Image.open(out / lead["img"]["src"].removeprefix("/")) as copy:
        assert copy.size == (1440, 960)
        top, bottom = (ImageStat.Stat(copy.crop(box).convert("L")).mean[0] for box in ((0, 0, 1440, 96), (0, 864, 1440, 960)))
        assert top < bottom, "the dark sky is at the top, the harbour's lights at the bottom"


def test_social_networks_and_search_get_crops_of_the_lead(out: Path) -> None:
    page = (out / LAVROV / "index.html").read_text(encoding="utf-8")
    meta = dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', page))
    assert meta["robots"] == "max-image-preview:large" and meta["twitter:card"] == "summary_large_image"
    assert (meta["og:image:width"], meta["og:image:height"], meta["og:image:type"]) == ("1200", "628", "image/jpeg")
    with Image.open(out / meta["og:image"].removeprefix("https://mundo.example.pt/")) as card:
        assert (card.format, card.size) == ("JPEG", (1200, 628))
    [data] = [d for b in re.findall(r'<script type="application/ld\+json">\n(.*?)\n</script>', page, re.S)
              if (d := json.loads(b))["@type"] == "NewsArticle"]  # (the other: its BreadcrumbList)
    images = data["image"]
    assert [(i["width"], i["height"]) for i in images] == [(1200, 675), (1200, 900), (1200, 1200)]
    for image in images:
        assert image["creditText"] == CREDIT and image["caption"].startswith("Imagem ilustrativa")
        with Image.open(out / image["url"].removeprefix("https://mundo.example.pt/")) as crop:
            assert crop.size == (image["width"], image["height"])


VISIBLE = """async () => {
  const shown = [];
  for (const img of document.querySelectorAll('picture img')) {
    img.scrollIntoView({block: 'center'});
    if (!img.complete || !img.currentSrc) await new Promise((done) => img.addEventListener('load', done, {once: true}));
    shown.push({src: img.currentSrc, css: img.getBoundingClientRect().width});
  }
  return shown;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [360, 1280])
def test_the_browser_picks_a_copy_about_as_wide_as_it_shows(browser: Any, out: Path, viewport: int) -> None:
    """No more than twice the CSS width it is shown at (1x screen), unless it is the
    smallest copy there is (a 104-px thumbnail gets the 240-px one). Each page in a fresh
    browser: a copy already loaded for a bigger slot is reused, and costs nothing more."""
    wrong, seen = [], 0
    with serve_directory(out) as url:
        for path in ("", KIM, LAVROV, "tag/cooperacao-militar/"):
            context = browser.new_context(viewport={"width": viewport, "height": 800}, device_scale_factor=1)
            page = context.new_page()
            page.goto(url + path)
            loaded: set[str] = set()
            for img in page.evaluate(VISIBLE):
                width = int(re.search(r"-(\d+)\.\w+$", img["src"])[1])
                seen += 1
                if width > 2 * img["css"] and width != LADDER[0] and img["src"] not in loaded:
                    wrong.append(f"/{path}: {img['src'].rsplit('/', 1)[1]} for {img['css']:.0f} CSS px")
                loaded.add(img["src"])
            context.close()
    assert seen >= 6 and wrong == [], wrong
