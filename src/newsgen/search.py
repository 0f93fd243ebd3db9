"""The search index: Pagefind, run over the written pages of a site folder.

Pagefind's command line indexes 1,000 pages in about half a second; its Python
API costs ~100 ms per page (../shared/TOOLING.md), so we run the binary that the
``pagefind[bin]`` package ships. Only article pages carry ``data-pagefind-body``, so
only headlines, standfirsts and bodies are indexed; the ``<html lang>`` (from the
site's ``language``) picks Pagefind's stemmer.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from newsgen.errors import ContentError, Problem

INDEX_DIR = "pagefind"
UNUSED = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*", "pagefind-highlight.js")
"""Pagefind's ready-made interfaces; our search page talks to ``pagefind.js`` directly."""


def index(site_root: Path, output: Path | None = None) -> None:
    """Write the index of the pages below *site_root* to *output* (default:
    ``<site_root>/pagefind/``); raise `ContentError` when Pagefind fails."""
    output = output or site_root / INDEX_DIR
    command = [sys.executable, "-m", "pagefind", "--site", str(site_root), "--output-path", str(output), "--silent"]
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ContentError([_problem(str(exc))]) from None
    if run.returncode != 0 or not (output / "pagefind.js").is_file():
        detail = (run.stderr or run.stdout).strip().splitlines()
        raise ContentError([_problem(detail[-1] if detail else f"exit code {run.returncode}")])
    for pattern in UNUSED:
        for path in output.glob(pattern):
            path.unlink()


def _problem(detail: str) -> Problem:
    return Problem("(search)", 0, f"Pagefind could not index the site: {detail}; build with --no-search to skip it")
