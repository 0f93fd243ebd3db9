"""Time from saving an article to the open browser tab showing the change, under `newsgen serve`.

    .venv/bin/python benchmarks/preview_latency.py SITE_DIR [--saves 15] [--no-search] [--with-cache]

Copies SITE_DIR to a temporary folder (its ``.newsgen-cache/`` too with ``--with-cache``:
the preview then starts from the build's cache), starts ``newsgen serve`` on it, opens the
newest article of the front page in Debian's Chromium (Playwright, headless), then saves
the article's standfirst SAVES times the way editors' tools do (temporary file renamed
over the original) and measures each save until the tab's ``load`` event with the new
text. Prints the time the preview took to serve, then the median, the 90th percentile
and the worst case of the saves, in milliseconds.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--saves", type=int, default=15)
    parser.add_argument("--no-search", action="store_true", help="pass --no-search to newsgen serve")
    parser.add_argument("--with-cache", action="store_true", help="copy the site's .newsgen-cache/ too")
    args = parser.parse_args()
    skipped = ["build", ".git"] if args.with_cache else ["build", ".newsgen-cache", ".git"]
    with tempfile.TemporaryDirectory(prefix="newsgen-latency-") as scratch:
        site = Path(scratch, "site")
        shutil.copytree(args.site, site, ignore=shutil.ignore_patterns(*skipped))
        started = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, "-m", "newsgen", "-C", str(site), "-q", "serve", "--port", "0",
             *(["--no-search"] if args.no_search else [])],
            stdout=subprocess.PIPE, text=True,
        )
        try:
            url = server.stdout.readline().split()[1]  # type: ignore[union-attr]
            ready = time.perf_counter() - started
            path, source = newest(url, site)
            times = measure(url + path, source, args.saves)
        finally:
            server.terminate()
            server.wait()
    print(f"serving after {ready:.1f} s; {args.saves} saves of {source.relative_to(site)} "
          f"({sum(1 for _ in args.site.glob('content/*/*.md'))} articles): median {statistics.median(times):.0f} ms, "
          f"p90 {sorted(times)[int(0.9 * len(times)) - 1]:.0f} ms, max {max(times):.0f} ms")
    return 0


def newest(url: str, site: Path) -> tuple[str, Path]:
    """The first article the front page links to (its path below *url*), and its file."""
    front = urllib.request.urlopen(url, timeout=600).read().decode()
    path = re.search(r'href="/([a-z-]+/\d{4}/\d\d/\d\d/([^/"]+)/)"', front)
    assert path is not None, "no article on the front page"
    slug = path[2]
    for source in sorted(site.glob("content/*/*.md")):
        text = source.read_text(encoding="utf-8")
        if re.search(rf"^slug: {re.escape(slug)}$", text, re.M) or (source.stem.endswith(slug) and "\nslug:" not in text):
            return path[1], source
    raise SystemExit(f"no file of the article {path[1]}")


def measure(url: str, source: Path, saves: int) -> list[float]:
    original = source.read_text(encoding="utf-8")
    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
        page = browser.new_page()
        page.goto(url)
        for n in range(1, saves + 1):
            marker = f"edição {n}"
            text = original.replace("\nstandfirst: ", f"\nstandfirst: ({marker}) ", 1)
            time.sleep(0.3)  # let the last reload settle, as between an editor's saves
            started = time.perf_counter()
            with page.expect_event("load", timeout=30_000):
                save(source, text)
            while marker not in page.locator(".standfirst").first.inner_text():
                page.wait_for_event("load", timeout=30_000)
            times.append((time.perf_counter() - started) * 1000)
        browser.close()
    return times


def save(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


if __name__ == "__main__":
    raise SystemExit(main())
