"""The search index: Pagefind, fed the pages of a site in a fixed order.

Pagefind numbers pages in the order it reads them, and the numbers shape every file of
its index. Its command line reads a folder in the order the filesystem lists it (by a
hash of the name on ext4, by creation on tmpfs), so one site gave 29 different index files
on two disks. So we run its service (``pagefind --service``, the protocol its Python and
Node APIs speak: base64 JSON messages ended by commas, answered in order) and send it the
pages sorted by path: the same pages give the same bytes on any disk. It answers with the
index's files, which we write (its own writing can still be under way when it answers).
Pagefind's Python API speaks the same protocol, but waits 0.1 s for each answer.

Only the pages that carry ``data-pagefind-body`` are sent: when any page has it, Pagefind
drops the others anyway (ours: article pages, so headlines, standfirsts and bodies are
indexed). The ``<html lang>`` (from the site's ``language``) picks Pagefind's stemmer. The
service dies with newsgen (`newsgen.lifetime`), and exits anyway once its input closes.
"""
from __future__ import annotations

import base64
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from newsgen.core import urls
from newsgen.core.errors import ContentError, Problem
from newsgen.io.lifetime import die_with_parent, ready

INDEX_DIR = "pagefind"
BODY = b"data-pagefind-body"
"""Pages holding this are the ones Pagefind indexes (when any page holds it)."""
UNUSED = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*", "pagefind-highlight.js")
"""Pagefind's ready-made interfaces; our search page talks to ``pagefind.js`` directly."""


def index(
    site_root: Path, output: Path | None = None, cancel: threading.Event | None = None,
    pages: Mapping[str, bytes | None] | None = None,
) -> None:
    """Write the index of the HTML pages below *site_root* to *output* (default:
    ``<site_root>/pagefind/``); *pages*: the pages of the site, by path, each with its
    bytes, or None to read it below *site_root* (default: every page there). Raise
    `ContentError` when Pagefind fails or *cancel* is set (the preview is stopping)."""
    output = output or site_root / INDEX_DIR
    names = sorted(pages) if pages is not None else _html_below(site_root)

    def read(name: str) -> bytes:
        data = pages.get(name) if pages is not None else None
        return data if data is not None else (site_root / name).read_bytes()

    command = [*_pagefind(), "--service"]
    nice = shutil.which("nice")
    if cancel is not None and nice:  # in the preview it runs beside rebuilds: let them go first
        command = [nice, "-n", "10", *command]
    parent = os.getpid()
    ready()
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                command, cwd=site_root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors,
                preexec_fn=lambda: die_with_parent(parent),
            )
        except OSError as exc:
            raise ContentError([_problem(str(exc))]) from None
        try:
            files = _run(process, names, read, cancel)
        except (OSError, ValueError, KeyError) as exc:
            errors.seek(0)
            detail = errors.read().decode("utf-8", "replace").strip().splitlines()
            raise ContentError([_problem(detail[-1] if detail else str(exc) or type(exc).__name__)]) from None
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
            for pipe in (process.stdin, process.stdout):
                if pipe is not None:
                    pipe.close()
    _write(files, output)


def _write(files: list[dict[str, str]], output: Path) -> None:
    """Write the index's files (but Pagefind's ready-made interfaces) below *output*."""
    kept = [f for f in files if not any(fnmatch.fnmatch(f["path"], pattern) for pattern in UNUSED)]
    if not any(f["path"] == "pagefind.js" for f in kept):
        raise ContentError([_problem("it made no index")])
    for file in kept:
        if not urls.is_safe_path(file["path"]):
            raise ContentError([_problem(f"it made a file outside its folder: {file['path']!r}")])
        path = output / file["path"]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(base64.b64decode(file["content"]))
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(path)) from None


def _pagefind() -> list[str]:
    """The command that runs Pagefind: its binary from ``pagefind[bin]`` (as ``python -m
    pagefind`` finds it, without starting Python for it), else that command."""
    if not os.environ.get("PAGEFIND_BINARY_PATH"):
        try:
            from pagefind_bin import get_executable  # type: ignore[import-untyped]

            return [str(get_executable())]
        except (ImportError, OSError, FileNotFoundError):
            pass
    return [sys.executable, "-m", "pagefind"]


def _html_below(root: Path) -> list[str]:
    """The HTML files below *root*, sorted, but those of an index or hidden folders."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and not (folder == str(root) and d == INDEX_DIR)]
        rel = os.path.relpath(folder, root)
        found += [n if rel == "." else f"{rel}/{n}" for n in files if n.endswith(".html") and not n.startswith(".")]
    return sorted(found)


def _run(
    process: subprocess.Popen[bytes], names: list[str], read: Any, cancel: threading.Event | None,
) -> list[dict[str, str]]:
    """Send the pages in order from a thread, and read the answers here; the last one
    holds the index's files (each path and base64 content). *cancel* kills the service.
    (We write the files: Pagefind's own writing may still be under way when it answers.)"""
    failure: list[BaseException] = []
    done = threading.Event()

    def send() -> None:
        try:
            _send(process.stdin, names, read)  # type: ignore[arg-type]
        except (OSError, ValueError) as exc:
            failure.append(exc)
            process.stdin.close()  # type: ignore[union-attr]  # the service exits: so do its answers

    def watch() -> None:
        while not done.wait(0.1):
            if cancel is not None and cancel.is_set():
                process.kill()
                return

    threads = [threading.Thread(target=send, name="newsgen-pagefind", daemon=True)]
    if cancel is not None:
        threads.append(threading.Thread(target=watch, name="newsgen-pagefind-cancel", daemon=True))
    for thread in threads:
        thread.start()
    try:
        for answer in _answers(process.stdout):  # type: ignore[arg-type]
            payload = answer.get("payload", {})
            if payload.get("type") == "Error":
                raise ValueError(payload.get("message", "error"))
            if payload.get("type") == "GetFiles":
                return list(payload["files"])
        if cancel is not None and cancel.is_set():
            raise ValueError("cancelled")
        raise failure[0] if failure else OSError("Pagefind stopped before making the index")
    finally:
        done.set()
        if process.poll() is None:
            process.kill()
        for thread in threads:
            thread.join(timeout=5)


def _send(pipe: IO[bytes], names: list[str], read: Any) -> int:
    """Write the requests: a new index, the pages that hold `BODY` (all pages, if none
    does), then "give me the files". Returns how many pages were sent."""
    pipe.write(_message(0, {"type": "NewIndex", "config": None}))
    count = 0
    for name in names:
        data = read(name)
        if BODY in data:
            count += 1
            pipe.write(_message(count, _add(name, data)))
    if count == 0:
        for name in names:
            count += 1
            pipe.write(_message(count, _add(name, read(name))))
    pipe.write(_message(count + 1, {"type": "GetFiles", "index_id": 0}))
    pipe.flush()
    return count


def _add(name: str, data: bytes) -> dict[str, Any]:
    return {"type": "AddFile", "index_id": 0, "file_path": name, "url": None,
            "file_contents": data.decode("utf-8", "replace")}


def _message(number: int, payload: dict[str, Any]) -> bytes:
    return base64.b64encode(json.dumps({"message_id": number, "payload": payload}, ensure_ascii=False).encode()) + b","


def _answers(pipe: IO[bytes]) -> Iterator[dict[str, Any]]:
    """The service's answers, as they come."""
    pending = b""
    while chunk := pipe.read1(1 << 16):  # type: ignore[attr-defined]
        pending += chunk
        *complete, pending = pending.split(b",")
        for message in complete:
            yield json.loads(base64.b64decode(message))


def _problem(detail: str) -> Problem:
    return Problem("(search)", 0, f"Pagefind could not index the site: {detail}; build with --no-search to skip it")
