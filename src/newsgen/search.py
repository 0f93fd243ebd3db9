"""The search index: Pagefind, run over the written pages of a site folder.

Pagefind's command line indexes the 1,000 articles of the benchmark corpus in about
3 s; its Python API costs ~100 ms per page (../shared/TOOLING.md), so we run the
binary that the ``pagefind[bin]`` package ships. Only article pages carry ``data-pagefind-body``, so
only headlines, standfirsts and bodies are indexed; the ``<html lang>`` (from the
site's ``language``) picks Pagefind's stemmer.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

from newsgen.errors import ContentError, Problem

INDEX_DIR = "pagefind"
UNUSED = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*", "pagefind-highlight.js")
"""Pagefind's ready-made interfaces; our search page talks to ``pagefind.js`` directly."""


def index(site_root: Path, output: Path | None = None, cancel: threading.Event | None = None) -> None:
    """Write the index of the pages below *site_root* to *output* (default:
    ``<site_root>/pagefind/``); raise `ContentError` when Pagefind fails or *cancel*
    is set (the preview is stopping)."""
    output = output or site_root / INDEX_DIR
    command = [sys.executable, "-m", "pagefind", "--site", str(site_root), "--output-path", str(output), "--silent"]
    nice = shutil.which("nice")
    if cancel is not None and nice:  # in the preview it runs beside rebuilds: let them go first
        command = [nice, "-n", "10", *command]
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        raise ContentError([_problem(str(exc))]) from None
    while True:
        try:
            out, err = process.communicate(timeout=0.1)
            break
        except subprocess.TimeoutExpired:
            if cancel is not None and cancel.is_set():
                process.kill()
                process.communicate()
                raise ContentError([_problem("cancelled")]) from None
    if process.returncode != 0 or not (output / "pagefind.js").is_file():
        detail = (err or out).strip().splitlines()
        raise ContentError([_problem(detail[-1] if detail else f"exit code {process.returncode}")])
    for pattern in UNUSED:
        for path in output.glob(pattern):
            path.unlink()


def _problem(detail: str) -> Problem:
    return Problem("(search)", 0, f"Pagefind could not index the site: {detail}; build with --no-search to skip it")
