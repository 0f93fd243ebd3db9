"""Fixtures: small sites built in tmp_path, the CLI run in-process, file trees compared."""
from __future__ import annotations

import functools
import http.server
import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from datetime import datetime, UTC
from pathlib import Path

import pytest

from newsgen.pipeline import BuildOptions, BuildResult, build, check
from newsgen.cli import main

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2025, 7, 13, 12, 0, tzinfo=UTC)
CONFIG = """\
title: Mundo de Teste
base_url: https://example.pt/
language: pt-PT
timezone: Europe/Lisbon
sections:
  mundo:
    title: Mundo
    description: Notícias internacionais.
  europa: {title: Europa}
"""


def article_text(
    headline: str = "Kim recebe Shoigu em Pyongyang",
    standfirst: str = "O líder norte-coreano reafirmou o apoio a Moscovo.",
    section: str = "mundo",
    timestamp: str = "2025-06-04T18:30+01:00",
    hashtags: Iterable[str] = ("CooperaçãoMilitar",),
    body: str = "Texto do artigo, com \"aspas\" e mais palavras.",
    **extra: object,
) -> str:
    """An article file; every field is written as a JSON string (valid YAML) unless given raw."""
    fields = {
        "headline": headline,
        "standfirst": standfirst,
        "section": section,
        "timestamp": timestamp,
    }
    lines = ["---"]
    lines += [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in fields.items() if v is not None]
    lines.append(f"hashtags: {json.dumps(list(hashtags), ensure_ascii=False)}")
    lines += [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in extra.items()]
    lines += ["---", body, ""]
    return "\n".join(lines)


@dataclass
class SiteDir:
    """A throwaway site: newsgen.yaml, content/, static/, templates/ under one folder."""

    root: Path

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def article(self, name: str, **fields: object) -> Path:
        return self.write(f"content/mundo/{name}.md", article_text(**fields))  # type: ignore[arg-type]

    def options(self, **kwargs: object) -> BuildOptions:
        """Build options; the search index only when asked (``search=True``): it costs a process."""
        defaults: dict[str, object] = {"site_dir": self.root, "output": self.root / "build", "now": NOW, "search": False}
        return BuildOptions(**{**defaults, **kwargs})  # type: ignore[arg-type]

    def build(self, **kwargs: object) -> BuildResult:
        return build(self.options(**kwargs))

    def check(self, **kwargs: object) -> BuildResult:
        return check(self.options(**kwargs))

    @property
    def out(self) -> Path:
        return self.root / "build"

    def page(self, path: str) -> str:
        """The HTML of a site path such as ``mundo/`` from the last build."""
        rel = path + "index.html" if path == "" or path.endswith("/") else path
        return (self.out / rel).read_text(encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> SiteDir:
    s = SiteDir(tmp_path / "site")
    s.write("newsgen.yaml", CONFIG)
    s.write("static/images/foto.png", png(16, 9))
    return s


@dataclass
class CliRun:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """Run ``newsgen ARGS`` in-process with the clock pinned; returns exit code and output."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(NOW.timestamp())))

    def run(*args: str) -> CliRun:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return CliRun(code, captured.out, captured.err)

    return run


def png(width: int, height: int) -> bytes:
    """A real (tiny, one-colour) PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixels = b"".join(b"\x00" + b"\xd9\xd6\xcf" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b"")


def tree(root: Path) -> dict[str, bytes]:
    """Every file below *root* by relative path, with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


class Preview:
    """``newsgen serve`` running in a child process on a free port, as an editor runs it,
    with its own temporary folder (``TMPDIR``), where serve makes its private copy."""

    def __init__(
        self, site_dir: Path, *args: str, env: dict[str, str] | None = None, any_port: bool = True,
        tmpdir: Path | None = None,
    ) -> None:
        command = [sys.executable, "-m", "newsgen", "-C", str(site_dir), "serve", *args]
        if any_port and "--port" not in args:
            command += ["--port", "0"]
        self.tmpdir = Path((env or {}).get("TMPDIR") or tmpdir or tempfile.gettempdir())
        self.private = self.tmpdir == tmpdir
        """Whether the temporary folder is this server's alone (then all of it must go)."""
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
            env={**os.environ, **(env or {}), "TMPDIR": str(self.tmpdir)},
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        first = self.process.stdout.readline()  # type: ignore[union-attr]
        self.url = first.removeprefix("serving ").split(" ")[0] if first.startswith("serving ") else ""

    def _read(self) -> None:
        for line in self.process.stderr:  # type: ignore[union-attr]
            self.lines.append(line.rstrip("\n"))

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def wait_for_log(self, text: str, count: int = 1, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while self.log.count(text) < count:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"{text!r} not logged {count}×; log:\n{self.log}")
            time.sleep(0.02)

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=10) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Stop it as a service manager does (SIGTERM by default) and return its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout=10)
        finally:
            self.close()
        return code

    def leftovers(self) -> list[str]:
        """What serve left in its temporary folder: nothing, once stopped."""
        return sorted(p.name for p in self.tmpdir.glob("*" if self.private else "newsgen-serve-*"))

    def close(self) -> None:
        """The last resort: SIGKILL, which leaves serve no chance to clean up."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=5)
        for pipe in (self.process.stdout, self.process.stderr):
            if pipe:
                pipe.close()


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Callable[..., Preview]]:
    """Start ``newsgen serve`` for a site folder, each with a temporary folder of its own;
    at the end every server is stopped with SIGTERM, and must exit 0 having removed its
    private copy."""
    started: list[Preview] = []

    def start(site_dir: Path, *args: str, env: dict[str, str] | None = None, any_port: bool = True) -> Preview:
        tmpdir = tmp_path / f"tmp-{len(started)}"
        tmpdir.mkdir()
        started.append(Preview(site_dir, *args, env=env, any_port=any_port, tmpdir=tmpdir))
        return started[-1]

    yield start
    problems = []
    for server in started:
        running = server.process.poll() is None
        try:
            code = server.stop()
        except subprocess.TimeoutExpired:
            problems.append(f"{server.process.args}: still running 10 s after SIGTERM")
            continue
        if running and code != 0:
            problems.append(f"{server.process.args}: exit code {code} after SIGTERM; log:\n{server.log}")
        if server.leftovers():
            problems.append(f"{server.process.args}: left {server.leftovers()} in {server.tmpdir}")
    assert problems == []


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright (never a downloaded browser). Without it the
    browser tests skip on a workstation and fail in CI (``CI`` set)."""
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: apt-get install chromium (scripts/install-browser)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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
