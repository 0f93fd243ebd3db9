"""The bytes a phone downloads for a page of a built site, measured in Chromium.

    .venv/bin/python benchmarks/page_bytes.py LABEL=DIR [LABEL=DIR ...] [--page PATH]... [--dpr 2 --dpr 1]

Serves each built folder on loopback (Python's static server: no compression, as a host
without gzip would; the text files are small beside the images), opens each page in
Debian's Chromium through Playwright in a 360×640 mobile viewport at each device pixel
ratio, cache disabled, and sums the bytes of every response as Chromium's network log
counts them (``encodedDataLength``: body and headers), by kind: HTML, CSS, JS, images,
other. Twice per page: once loaded (what the first screen fetches: lazy images below the
fold wait), then scrolled to the bottom step by step (every image the reader could see).
Prints a Markdown table (KB = 1,000 bytes).
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
from helpers.browser import CHROMIUM, CHROMIUM_ARGS, serve_directory  # noqa: E402

PAGES = ("", "mundo/2025/07/12/colaboracao-entre-russia-e-coreia-do-norte-para-a-recaptura-de-kursk/")
KINDS = {"Document": "HTML", "Stylesheet": "CSS", "Script": "JS", "Image": "images"}


def measure(browser: Any, url: str, dpr: float) -> tuple[dict[str, int], dict[str, int], list[str]]:
    """Bytes by kind when loaded, and after scrolling to the bottom; the images fetched."""
    context = browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=dpr,
                                  is_mobile=True, has_touch=True, locale="pt-PT")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    kinds: dict[str, str] = {}
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    cdp.on("Network.responseReceived", lambda e: (kinds.__setitem__(e["requestId"], e["type"]),
                                                  urls.__setitem__(e["requestId"], e["response"]["url"])))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    page.goto(url, wait_until="networkidle")
    loaded = _by_kind(kinds, sizes)
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height + 640, 320):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(50)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    scrolled = _by_kind(kinds, sizes)
    images = [f"{urls[r].rsplit('/', 1)[-1]} {sizes[r] / 1000:.0f} KB" for r in sizes if kinds.get(r) == "Image"]
    context.close()
    return loaded, scrolled, images


def _by_kind(kinds: dict[str, str], sizes: dict[str, int]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for request, size in sizes.items():
        out[KINDS.get(kinds.get(request, ""), "other")] += size
        out["total"] += size
    return dict(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sites", nargs="+", help="LABEL=DIR: a built site folder")
    parser.add_argument("--page", action="append", help="a site path (default: the sample's home and article)")
    parser.add_argument("--dpr", action="append", type=float, help="device pixel ratios (default: 2 and 1)")
    parser.add_argument("--list", action="store_true", help="also list the images each page fetched")
    args = parser.parse_args()
    columns = ("HTML", "CSS", "JS", "images", "other", "total")
    print("| site | page | DPR | when | " + " | ".join(f"{c} KB" for c in columns) + " |")
    print("|---|---|---:|---|" + "---:|" * len(columns))
    listed = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for site in args.sites:
            label, folder = site.split("=", 1)
            with serve_directory(Path(folder)) as base:
                for path in args.page or PAGES:
                    for dpr in args.dpr or (2.0, 1.0):
                        loaded, scrolled, images = measure(browser, base + path, dpr)
                        for when, sizes in (("loaded", loaded), ("scrolled", scrolled)):
                            cells = " | ".join(f"{sizes.get(c, 0) / 1000:,.1f}" for c in columns)
                            print(f"| {label} | /{path[:24]} | {dpr:g} | {when} | {cells} |")
                        listed.append(f"{label} /{path} DPR {dpr:g}: " + ", ".join(images))
        browser.close()
    if args.list:
        print("\n" + "\n".join(listed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
