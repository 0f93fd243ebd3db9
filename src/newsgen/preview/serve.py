"""``newsgen serve``: build into a private folder, serve it, rebuild on every save.

Threads (DESIGN.md, "Preview server"): the main thread runs the build loop; the
watchdog observer only records changes; the HTTP server answers from its own
threads. A failed rebuild never stops the loop: the last good site stays served
with the problems overlaid, and the next good build clears them.
"""
from __future__ import annotations

import errno
import time
import webbrowser
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from threading import Event, Thread

from newsgen.core import urls
from newsgen.core.errors import NewsgenError, UsageError
from newsgen.core.options import CONFIG_FILE
from newsgen.io.sources import load_config
from newsgen.pipeline import collector_paused
from newsgen.preview.server import PreviewServer
from newsgen.preview.session import Console, ServeOptions, Session
from newsgen.preview.signals import StopSignals, private_folder
from newsgen.preview.watcher import Watcher

DEFAULT_PORT = 8000
PORTS_TO_TRY = 20
IDLE_SECONDS = 1.0
"""Without a change for this long, the preview is idle: the time to collect garbage and
to check the watcher missed nothing."""
FILL_SECONDS = 0.1
"""While files of a big plan are still unwritten (`Session.fill`), the loop writes them
for this long between looks for a change, or until a change comes: a save waits for
the page being made, not for the rest."""
FILL_PAUSE = 0.01


def serve(options: ServeOptions, clock: Callable[[], datetime], console: Console) -> None:
    """Serve the site until interrupted (Ctrl-C, SIGTERM or SIGHUP: a KeyboardInterrupt);
    always removes its private folder."""
    if not (options.site_dir / CONFIG_FILE).is_file():
        raise UsageError(message=f"{CONFIG_FILE} not found in {options.site_dir} (use -C DIR to name the site)")
    with StopSignals() as signals, private_folder(signals) as scratch:
        root = Path(scratch, "site")
        root.mkdir()
        watcher = Watcher(options.site_dir, poll=options.poll)
        server = _bind(options, root, _prefix(options.site_dir, options.base_url), watcher.idle, console)
        session = Session(options, clock, console, server, root)
        http = Thread(target=server.serve_forever, args=(0.1,), name="newsgen-http", daemon=True)
        try:
            _start_watching(watcher)
            http.start()
            with collector_paused():  # collected when idle instead: a pass costs 0.1 s at 10,000 articles
                session.rebuild(frozenset())
                watcher.done()
                session.settle()
                url = f"http://{_url_host(options.host)}:{server.port}{server.prefix}"
                console.serving(url)
                if options.open_browser:
                    webbrowser.open(url)
                quiet_since = time.monotonic()
                while True:
                    signals.check()
                    filling = session.filling
                    batch = watcher.next_batch(timeout=FILL_PAUSE if filling else session.wait(IDLE_SECONDS))
                    timed = batch is None and session.due()  # the clock passed an embargo, an expiry…
                    if batch is None:
                        session.take_copies()
                        idle = not filling or time.monotonic() - quiet_since >= IDLE_SECONDS
                        batch = frozenset() if timed else session.tidy() if idle else frozenset()
                        if not batch and not timed:
                            if filling:
                                session.fill(FILL_SECONDS, wanted=lambda: not watcher.idle.is_set())
                            continue
                        watcher.idle.clear()
                    session.rebuild(batch, timed)
                    watcher.done()
                    session.settle()
                    quiet_since = time.monotonic()
        finally:
            signals.stopping = True  # a second Ctrl-C must not cut the clean-up short
            session.indexer.stop()
            session.encoder.stop()
            server.hub.close()
            if http.is_alive():
                server.shutdown()
                http.join(timeout=5)
            server.server_close()
            watcher.stop()


def _start_watching(watcher: Watcher) -> None:
    try:
        watcher.start()
    except OSError as exc:
        raise UsageError(message=f"cannot watch {watcher.site_dir} for changes ({exc.strerror or exc}); "
                         "try serve --poll") from None


def _prefix(site_dir: Path, base_url: str | None) -> str:
    if base_url:
        return urls.base_path(base_url)
    try:
        return urls.base_path(load_config(site_dir).base_url)
    except NewsgenError:
        return "/"


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _bind(options: ServeOptions, root: Path, prefix: str, ready: Event, console: Console) -> PreviewServer:
    """Listen on the requested port; without one, on 8000 or the next free port after it."""
    first = DEFAULT_PORT if options.port is None else options.port
    tries = PORTS_TO_TRY if options.port is None else 1
    for port in range(first, first + tries):
        try:
            server = PreviewServer((options.host, port), root, prefix, ready)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                continue
            raise UsageError(message=f"cannot listen on {options.host}:{port}: {exc.strerror}") from None
        if port != first:
            console.info(f"port {first} is in use; using {port}")
        return server
    if options.port is None:
        raise UsageError(message=f"ports {first}–{first + tries - 1} are all in use; choose one with --port")
    raise UsageError(message=f"port {first} on {options.host} is in use by another program; choose another with --port")
