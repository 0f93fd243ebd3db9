"""Fixtures: a small site in tmp_path, the CLI run in-process, ``newsgen serve`` in a child
process, Chromium. Shared helpers are in `helpers`."""
from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from newsgen.cli import main

from helpers.browser import CHROMIUM, CHROMIUM_ARGS
from helpers.processes import Preview
from helpers.sites import CONFIG, NOW, CliRun, SiteDir, png


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


@pytest.fixture(scope="session")
def sample_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build cache for the tests that build the repository's sample site: its two
    4000×2667 photographs are encoded once (2 s of CPU), not in every module."""
    return tmp_path_factory.mktemp("sample-cache") / ".newsgen-cache"


@pytest.fixture
def site(tmp_path: Path) -> SiteDir:
    s = SiteDir(tmp_path / "site")
    s.write("newsgen.yaml", CONFIG)
    s.write("static/images/foto.png", png(16, 9))
    return s


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
