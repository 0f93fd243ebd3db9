"""A killed build leaves no process behind, and the next build clears what it left; two
builds of one site never run at once. Real processes, killed with SIGKILL."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers.sites import article_text, NOW, SiteDir, tree
from helpers.archive import CACHE, cold_tree, tree_diff

ARTICLES = 150
SECTIONS = ("mundo", "europa")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sources of a site big enough that a cold build spends a second or more writing."""
    root = tmp_path_factory.mktemp("corpus") / "site"
    from conftest import CONFIG, png

    site = SiteDir(root)
    site.write("newsgen.yaml", CONFIG)
    site.write("static/images/foto.png", png(16, 9))
    paragraph = "Os ministros reuniram-se em Bruxelas para discutir sanções, defesa e energia. " * 12
    for n in range(ARTICLES):
        day = f"2025-{1 + n % 6:02d}-{1 + n % 28:02d}"
        section = SECTIONS[n % 2]
        site.write(f"content/{section}/{day}-noticia-{n:03d}.md", article_text(
            headline=f"Notícia número {n} sobre a cimeira", section=section, timestamp=f"{day}T{8 + n % 12:02d}:00",
            hashtags=[f"Tema{n % 7}", "Europa"], body="\n\n".join([paragraph] * 6)))
    return root


@pytest.fixture
def big(corpus: Path, tmp_path: Path) -> SiteDir:
    shutil.copytree(corpus, tmp_path / "site")
    return SiteDir(tmp_path / "site")


@pytest.fixture(scope="module")
def expected(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The corpus built from scratch, without search."""
    site = SiteDir(tmp_path_factory.mktemp("expected") / "site")
    shutil.copytree(corpus, site.root)
    site.build()
    return tree(site.out)


def start(site: SiteDir, *args: str) -> subprocess.Popen[str]:
    """``newsgen build`` in a child process, as a terminal or CI runs it."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))}
    return subprocess.Popen([sys.executable, "-m", "newsgen", "-C", str(site.root), "build", "--jobs", "2", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def run(site: SiteDir, *args: str) -> subprocess.CompletedProcess[str]:
    process = start(site, *args)
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def children(pid: int) -> dict[int, str]:
    """Every process below *pid* (from /proc), with its command line."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in found:
                found[child] = _cmdline(child)
                todo.append(child)
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its new parent to reap it counts as dead)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until(condition: Callable[[], object], timeout: float = 60, what: str = "") -> object:
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)
    return result


def kill_when(process: subprocess.Popen[str], condition: Callable[[], object], what: str) -> dict[int, str]:
    """SIGKILL *process* as soon as *condition* holds; return the processes it had started."""
    try:
        wait_until(lambda: condition() or process.poll() is not None, what=what)
        assert process.poll() is None, f"the build ended before {what}: {process.communicate()}"
        started = children(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        process.kill()
        process.communicate()
    return started


def debris(site: SiteDir) -> list[str]:
    """What a build should never leave: staging folders beside the output, temporary or
    backup files and index folders inside it."""
    beside = [p.name for p in site.root.iterdir() if p.name.startswith(".build.")]
    inside = [p.relative_to(site.out).as_posix() for p in site.out.rglob("*")
              if p.name.endswith((".newsgen-tmp", ".newsgen-old")) or p.name.startswith(".pagefind-")]
    return beside + inside


def staging_has_pages(site: SiteDir) -> bool:
    return any(p.name.startswith(".build.new-") and (p / "mundo").is_dir() for p in site.root.iterdir())


def test_a_build_killed_while_writing_leaves_no_process_and_the_next_one_clears_its_debris(
    big: SiteDir, expected: dict[str, bytes],
) -> None:
    """``kill -9`` in the middle of a cold build's writing (two processes): the worker dies
    with it; the staging folder it leaves goes with the next build, which is right."""
    started = kill_when(start(big, "--no-search"), lambda: staging_has_pages(big), "the staging folder")
    assert started, "a worker process was writing too"
    wait_until(lambda: not any(alive(pid) for pid in started), timeout=10, what="the workers to die")
    assert debris(big), "the killed build left its staging folder"

    result = run(big, "--no-search")
    assert result.returncode == 0, result.stderr
    assert debris(big) == []
    assert not tree_diff(tree(big.out), expected)


def pagefind_running(site: SiteDir, process: subprocess.Popen[str]) -> bool:
    return any("pagefind" in command for command in children(process.pid).values())


def test_a_build_killed_while_indexing_leaves_no_pagefind_and_the_next_one_clears_its_debris(big: SiteDir) -> None:
    """``kill -9`` while an incremental build runs Pagefind: Pagefind dies too, nothing is
    left in the published folder, and the next build gives the right site."""
    assert run(big).returncode == 0
    published = tree(big.out)
    (big.root / "content/mundo/2025-01-01-noticia-000.md").write_text(
        article_text(headline="Notícia corrigida antes de ser morta", timestamp="2025-01-01T08:00", hashtags=["Tema0"]),
        encoding="utf-8")
    process = start(big)
    started = kill_when(process, lambda: pagefind_running(big, process), "Pagefind")
    pagefind = [pid for pid, command in started.items() if "pagefind" in command]
    assert pagefind
    wait_until(lambda: not any(alive(pid) for pid in started), timeout=10, what="Pagefind to die")
    assert tree(big.out) == published, "the published folder is untouched"

    result = run(big)
    assert result.returncode == 0, result.stderr
    assert debris(big) == []
    assert "Notícia corrigida antes de ser morta" in (big.out / "mundo/2025/01/01/noticia-000/index.html").read_text()
    assert not tree_diff(tree(big.out), cold_tree(big, search=True))


def test_a_second_build_of_the_same_site_waits_for_the_first(big: SiteDir, expected: dict[str, bytes]) -> None:
    """Two builds at once (two CI jobs, say): the second says it waits, then builds."""
    first = start(big, "--no-search")
    try:
        wait_until(lambda: (big.root / CACHE / "building").exists() or first.poll() is not None, what="the first build")
        second = run(big, "--no-search")
        first_err = first.communicate(timeout=120)[1]
    finally:
        first.kill()
    assert first.returncode == 0, first_err
    assert second.returncode == 0, second.stderr
    assert f"waiting for another build of this site (pid {first.pid})…" in second.stderr
    assert debris(big) == []
    assert not tree_diff(tree(big.out), expected)


def test_debris_of_a_killed_update_is_cleared_and_no_op_is_not_trusted(site: SiteDir) -> None:
    """What an update killed in its first phase leaves (temporary and backup files, a new
    empty folder, an index folder), and the mark it leaves in the cache: the next build,
    though nothing changed, clears it all."""
    site.article("2025-06-04-kim")
    options = {"cache": site.root / CACHE}
    site.build(**options)
    clean = tree(site.out)
    (site.out / "mundo/.index.html.newsgen-tmp").write_text("meio escrito")
    os.link(site.out / "index.html", site.out / ".index.html.newsgen-old")
    (site.out / "mundo/2025/06/05/nova").mkdir(parents=True)
    (site.out / ".pagefind-abc").mkdir()
    (site.root / ".build.new-xyz").mkdir()
    (site.root / CACHE / "building").write_text("12345\n")
    site.build(**options)
    assert debris(site) == []
    assert tree(site.out) == clean
    assert not (site.out / "mundo/2025/06/05").exists()
    assert not (site.root / CACHE / "building").exists()

