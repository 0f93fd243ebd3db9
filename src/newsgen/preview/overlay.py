"""What the preview adds to every page it serves (never to the built files): the
live-reload script, and the problems of the last rebuild in an overlay."""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from newsgen.core.errors import Problem, collapsed, plural

LIVE = Path(__file__).parent / "live"
LIVE_PREFIX = "/__newsgen/"


@dataclass(frozen=True)
class Status:
    """What the server shows: the build id pages are tagged with, the problems of the last
    rebuild (none when it succeeded), and whether any build has succeeded yet."""

    build: str
    problems: tuple[Problem, ...] = ()
    built: bool = False
    about: str = ""
    """What the problems are about, when it is not the last rebuild (a page that could
    not be made when asked for)."""


def decorate(page: bytes, status: Status) -> bytes:
    """The page with the live-reload script (and the problems overlay) before ``</body>``."""
    snippet = f'<script src="{LIVE_PREFIX}live.js" data-build="{html.escape(status.build)}" defer></script>'
    if status.problems:
        snippet = overlay(status) + snippet
    at = page.lower().rfind(b"</body>")
    at = len(page) if at < 0 else at
    return page[:at] + snippet.encode() + page[at:]


def overlay(status: Status) -> str:
    """The list of problems, every piece of text escaped."""
    if status.about:
        lead = status.about
    elif status.built:
        lead = "The last change did not build. You are seeing the last version that did."
    else:
        lead = "The site has not built yet."
    items = "".join(
        f'<li class="{p.severity}"><code>{html.escape(str(p))}</code></li>' for p in collapsed(status.problems)
    )
    style = (LIVE / "overlay.css").read_text(encoding="utf-8")
    return (
        f'<style>{style}</style><aside id="newsgen-problems" role="alert" aria-label="newsgen problems">'
        f"<h2>newsgen: {plural(len(status.problems), 'problem')}</h2>"
        f"<p>{lead} Fix these and save; this page reloads by itself.</p><ul>{items}</ul>"
        '<button type="button">Hide</button></aside>'
    )
