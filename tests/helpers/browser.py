"""Chromium through Playwright: a tab that records its problems, and a built folder served on loopback."""
from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def new_page(browser: Any, js: bool = True, clock: datetime | None = None, context: Any = None) -> Any:
    """A pt-PT, Lisbon-time tab that records console errors, failed and foreign requests
    in ``page.problems``; tabs of one *context* share workers, as tabs of one browser do."""
    context = context or browser.new_context(locale="pt-PT", timezone_id="Europe/Lisbon", java_script_enabled=js)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("request", lambda r: r.url.startswith("http://127.0.0.1:") or page.problems.append(f"foreign request {r.url}"))
    if clock:
        page.clock.set_fixed_time(clock)
    return page


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: test output is for failures."""


@contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serve a built folder on a free loopback port, as any static host would; yields its URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
