"""``newsgen serve`` as an editor runs it: a child process, real saves, real HTTP."""
from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from helpers.processes import Preview
from helpers.sites import article_text, NOW, png, SiteDir, tree

KIM = "mundo/2025/06/04/kim/"
PINNED = {"SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))}
Start = Callable[..., Preview]


@pytest.fixture
def sample(site: SiteDir) -> SiteDir:
    site.article("kim")
    site.article("lavrov", headline="Lavrov visita Pyongyang", timestamp="2025-07-12T09:00+01:00")
    site.article("seul", headline="Seul responde", timestamp="2025-07-10T09:00+01:00")
    return site


def test_it_serves_the_site_and_never_writes_build(sample: SiteDir, preview: Start) -> None:
    server = preview(sample.root, env=PINNED)
    assert server.url.startswith("http://127.0.0.1:") and server.url.endswith("/")
    code, page = server.get(KIM)
    assert code == 200 and "Kim recebe Shoigu em Pyongyang" in page
    assert not (sample.root / "build").exists()
    [scratch] = server.tmpdir.glob("newsgen-serve-*")
    assert (scratch / "site" / KIM / "index.html").is_file()
    assert b"__newsgen" not in (scratch / "site" / KIM / "index.html").read_bytes()


def test_a_save_rebuilds_and_reparses_only_that_file(sample: SiteDir, preview: Start) -> None:
    server = preview(sample.root, env=PINNED)
    server.wait_for_log("built 3 articles")
    sample.article("kim", headline="Kim Jong-un recebe Shoigu")
    server.wait_for_log("after content/mundo/kim.md (1 parsed)")
    code, page = server.get(KIM)
    assert code == 200 and "Kim Jong-un recebe Shoigu" in page


def test_after_every_kind_of_change_the_preview_holds_what_a_cold_build_makes(
    sample: SiteDir, preview: Start
) -> None:
    """The preview keeps its list of sources from the watcher's reports instead of walking
    the folders on every save: whatever the change, its copy is the site a build makes."""
    server = preview(sample.root, "--no-search", env=PINNED)
    [served] = server.tmpdir.glob("newsgen-serve-*/site")
    content = sample.root / "content" / "mundo"
    changes: list[Callable[[], object]] = [
        lambda: sample.article("kim", headline="Kim Jong-un recebe Shoigu"),
        lambda: sample.article("novo", headline="Novo artigo", timestamp="2025-07-13T09:00+01:00"),
        lambda: os.replace(content / "seul.md", content / "seul-responde.md"),
        lambda: sample.write("content/asia/2025/tokyo.md", article_text(headline="Tóquio", hashtags=["Japão"])),
        lambda: sample.write("static/images/mapa.png", png(8, 8)),
        lambda: (content / "lavrov.md").unlink(),
        lambda: shutil.rmtree(sample.root / "content" / "asia"),
        lambda: (sample.write("content/mundo/.kim.md.swp", "swap"), sample.article("kim", hashtags=["Coreia"])),
    ]
    for done, change in enumerate(changes, start=1):
        change()
        server.wait_for_log("built ", count=done + 1)
        cold = sample.root.parent / f"cold-{done}"
        sample.build(output=cold)
        expected = {rel: data for rel, data in tree(cold).items() if rel != ".newsgen-output"}
        deadline = time.monotonic() + 5  # a change the watcher saw as two batches: the second's build
        while tree(served) != expected and time.monotonic() < deadline:
            time.sleep(0.05)
        assert tree(served) == expected, f"change {done}"


def test_a_change_the_watcher_missed_is_built_once_the_preview_is_idle(sample: SiteDir, preview: Start) -> None:
    """The preview trusts the watcher's reports for a save, then checks them with a walk
    of the folders once idle: a file written and left open (no close event) still shows."""
    server = preview(sample.root, "--no-search", env=PINNED)
    server.wait_for_log("built 3 articles")
    sample.article("kim", headline="Kim Jong-un recebe Shoigu")
    server.wait_for_log("after content/mundo/kim.md")
    with (sample.root / "content/mundo/seul.md").open("w", encoding="utf-8") as unclosed:
        unclosed.write(article_text(headline="Seul responde a Pyongyang", timestamp="2025-07-10T09:00+01:00"))
        unclosed.flush()
        server.wait_for_log("after content/mundo/seul.md (1 parsed)", timeout=5)
    code, page = server.get("mundo/2025/07/10/seul/")
    assert code == 200 and "Seul responde a Pyongyang" in page


def test_a_bad_file_keeps_the_last_good_site_and_shows_every_problem(sample: SiteDir, preview: Start) -> None:
    server = preview(sample.root, env=PINNED)
    server.wait_for_log("built 3 articles")
    sample.write("content/mundo/kim.md", article_text().replace('headline: "', 'headline: ["', 1))
    sample.write("content/mundo/seul.md", article_text(headline="Seul", section="asia"))
    server.wait_for_log("2 errors in 2 files; still serving the last good site")
    assert "site/content/mundo/kim.md:2: YAML syntax error" in server.log
    assert "site/content/mundo/seul.md:4: unknown section 'asia'" in server.log
    code, page = server.get(KIM)
    assert code == 200 and "Kim recebe Shoigu em Pyongyang" in page, "the last good page is still served"
    assert "<code>content/mundo/kim.md:2: YAML syntax error" in page
    assert "<code>content/mundo/seul.md:4: unknown section &#x27;asia&#x27;" in page
    sample.article("kim")
    sample.article("seul", headline="Seul responde", timestamp="2025-07-10T09:00+01:00")
    server.wait_for_log("built 3 articles", count=2)
    assert "newsgen-problems" not in server.get(KIM)[1]
    assert server.process.poll() is None


def test_when_the_first_build_fails_it_still_serves_the_problems(site: SiteDir, preview: Start) -> None:
    site.write("content/mundo/kim.md", "---\nheadline: Kim\n---\nsem data\n")
    server = preview(site.root, env=PINNED)
    server.wait_for_log("nothing to serve until it builds")
    code, page = server.get("")
    assert code == 503 and "content/mundo/kim.md:2: missing required field &#x27;timestamp&#x27;" in page and "has not built yet" in page
    site.article("kim")
    server.wait_for_log("built 1 article")
    assert server.get(KIM)[0] == 200


def test_a_broken_template_is_a_problem_not_a_crash(sample: SiteDir, preview: Start) -> None:
    server = preview(sample.root, env=PINNED)
    server.wait_for_log("built 3 articles")
    sample.write("templates/_colophon.html", "<p>{{ site.title </p>\n")
    server.wait_for_log("still serving the last good site")
    assert "templates/_colophon.html:1:" in server.get("")[1]
    sample.write("templates/_colophon.html", "<p>Colofão de {{ site.title }}</p>\n")
    server.wait_for_log("after templates/_colophon.html")
    assert "Colofão de Mundo de Teste" in server.get("")[1]


def test_a_changed_config_is_read_again_and_a_broken_one_is_shown(sample: SiteDir, preview: Start) -> None:
    server = preview(sample.root, env=PINNED)
    server.wait_for_log("built 3 articles")
    config = (sample.root / "newsgen.yaml").read_text(encoding="utf-8")
    sample.write("newsgen.yaml", config.replace("title: Mundo de Teste", "title: [Mundo"))
    server.wait_for_log("still serving the last good site")
    assert "newsgen.yaml:1: YAML syntax error" in server.get("")[1]
    sample.write("newsgen.yaml", config.replace("title: Mundo de Teste", "title: O Mundo Hoje"))
    server.wait_for_log("after newsgen.yaml")
    assert "<title>O Mundo Hoje</title>" in server.get("")[1]


def test_embargoed_and_draft_articles_stay_hidden_unless_asked(sample: SiteDir, preview: Start) -> None:
    sample.article("futuro", headline="Notícia sob embargo", timestamp="2099-01-01T09:00+00:00")
    sample.article("rascunho", headline="Um rascunho", draft=True)
    server = preview(sample.root, env=PINNED)
    assert "embargo" not in server.get("")[1] and "rascunho" not in server.get("")[1].lower()
    everything = preview(sample.root, "--drafts", "--future", env=PINNED)
    page = everything.get("")[1]
    assert "Notícia sob embargo" in page and "Um rascunho" in page


def test_a_page_on_another_dns_name_reads_nothing_not_even_drafts(sample: SiteDir, preview: Start) -> None:
    """DNS rebinding: a page on attacker.example whose name now points at 127.0.0.1."""
    sample.article("rascunho", headline="Um rascunho", draft=True)
    server = preview(sample.root, "--drafts", "--host", "localhost", env=PINNED)
    port = urlsplit(server.url).port
    assert server.url == f"http://localhost:{port}/" and "Um rascunho" in server.get("")[1]
    for host, expected in ((f"attacker.example:{port}", 421), (f"127.0.0.1:{port}", 200), (f"[::1]:{port}", 200)):
        connection = http.client.HTTPConnection("localhost", port, timeout=10)
        connection.putrequest("GET", "/", skip_host=True)
        connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read().decode("utf-8")
        connection.close()
        assert response.status == expected, host
        if expected == 421:
            assert body == f"newsgen preview: unexpected Host header {host!r}; open http://localhost:{port}/\n"
        else:
            assert "Um rascunho" in body


def test_an_explicit_busy_port_is_a_clear_error(sample: SiteDir, preview: Start) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = preview(sample.root, "--port", str(port))
        assert server.stop() == 2
    assert f"port {port} on 127.0.0.1 is in use by another program; choose another with --port" in server.log
    assert "Traceback" not in server.log


def test_the_default_port_moves_on_when_8000_is_busy(sample: SiteDir, preview: Start) -> None:
    with socket.socket() as taken:
        try:
            taken.bind(("127.0.0.1", 8000))
            taken.listen()
        except OSError:
            pass  # something else already holds 8000: just as good
        server = preview(sample.root, env=PINNED, any_port=False)
        assert server.url.startswith("http://127.0.0.1:80") and ":8000/" not in server.url
        assert "port 8000 is in use; using 80" in server.log


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=["SIGINT", "SIGTERM", "SIGHUP"])
def test_ctrl_c_sigterm_or_a_closed_terminal_stops_it_cleanly(sample: SiteDir, preview: Start, sig: int) -> None:
    server = preview(sample.root, env=PINNED)
    server.wait_for_log("built 3 articles")
    assert server.get("")[0] == 200 and server.leftovers()
    assert server.stop(sig) == 0
    assert server.lines[-1] == "stopped" and "Traceback" not in server.log
    assert server.leftovers() == [], "the private copy is removed"


@pytest.mark.parametrize(
    "signals", [[signal.SIGHUP], [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]], ids=["SIGHUP", "SIGINT+SIGTERM+SIGHUP"]
)
def test_signals_while_it_starts_still_remove_its_folder(sample: SiteDir, tmp_path: Path, signals: list[int]) -> None:
    """Stopped during its first build, or signalled again while it cleans up: the private
    copy still goes (SIGKILL alone can leave it)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "newsgen", "-C", str(sample.root), "serve", "--port", "0", "--no-search"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **PINNED, "TMPDIR": str(tmp_path)},
    )
    deadline = time.monotonic() + 10
    while not list(tmp_path.glob("newsgen-serve-*")) and time.monotonic() < deadline:
        time.sleep(0.002)
    for sig in signals:
        process.send_signal(sig)
    _, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert list(tmp_path.glob("newsgen-serve-*")) == []


def test_stop_signals_wait_out_a_held_step_come_again_if_swallowed_and_never_cut_the_clean_up() -> None:
    from newsgen.preview.signals import StopSignals

    with StopSignals() as signals:
        finished = False
        with pytest.raises(KeyboardInterrupt):
            with signals.held():
                signal.raise_signal(signal.SIGHUP)
                finished = True
        assert finished
        try:
            signal.raise_signal(signal.SIGTERM)
        except KeyboardInterrupt:
            pass  # as Python swallows one raised in a finaliser
        with pytest.raises(KeyboardInterrupt):
            signals.check()
        signals.stopping = True
        signal.raise_signal(signal.SIGINT)
        signals.check()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_open_starts_the_editors_browser(sample: SiteDir, preview: Start, tmp_path: Path) -> None:
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n', encoding="utf-8")
    browser.chmod(browser.stat().st_mode | stat.S_IEXEC)
    server = preview(sample.root, "--open", env={**PINNED, "BROWSER": str(browser)})
    server.wait_for_log("built 3 articles")
    deadline = time.monotonic() + 10
    while not (opened.exists() and opened.read_text(encoding="utf-8").strip()) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert opened.read_text(encoding="utf-8").strip() == server.url


def test_a_folder_without_a_site_is_refused(tmp_path: Path, preview: Start) -> None:
    server = preview(tmp_path)
    assert server.stop() == 2
    assert f"newsgen.yaml not found in {tmp_path}" in server.log


def test_the_search_index_follows_each_rebuild(sample: SiteDir, preview: Start) -> None:
    server = preview(sample.root, env=PINNED)
    server.wait_for_log("indexed for search")
    assert server.get("pagefind/pagefind.js")[0] == 200
    sample.article("kim", headline="Kim Jong-un recebe Shoigu")
    server.wait_for_log("indexed for search", count=2)
    assert server.get("pagefind/pagefind-entry.json")[0] == 200
    quick = preview(sample.root, "--no-search", env=PINNED)
    quick.wait_for_log("built 3 articles")
    assert quick.get("pagefind/pagefind.js")[0] == 404 and "indexed" not in quick.log


def test_a_big_site_serves_its_pages_at_once_and_writes_the_rest_between_saves(site: SiteDir, preview: Start) -> None:
    """Past `EAGER_FILES` new files, a page is written when asked for and the rest between
    saves: the first page comes before the copy is whole, a save still rebuilds, and the
    copy ends up what a cold build writes."""
    for n in range(500):
        site.article(f"a-{n}", headline=f"Artigo {n}", hashtags=[f"Tema{n}", f"Outro{n}"],
                     timestamp=f"2025-06-{n % 28 + 1:02d}T{n % 24:02d}:00+01:00")
    server = preview(site.root, "--no-search", env=PINNED)
    [served] = server.tmpdir.glob("newsgen-serve-*/site")
    written = sum(1 for _ in served.rglob("*.*"))
    code, page = server.get("mundo/2025/06/08/a-7/")
    assert code == 200 and "Artigo 7" in page
    site.article("a-7", headline="Artigo sete, revisto", hashtags=["Tema7", "Outro7"], timestamp="2025-06-08T07:00+01:00")
    server.wait_for_log("after content/mundo/a-7.md (1 parsed)")
    assert "Artigo sete, revisto" in server.get("mundo/2025/06/08/a-7/")[1]
    cold = site.root.parent / "cold"
    site.build(output=cold)
    expected = {rel: data for rel, data in tree(cold).items() if rel != ".newsgen-output"}
    assert len(expected) > 2_000, f"a site big enough for pages written as asked ({len(expected)} files)"
    assert written < len(expected) / 2, "serving began long before the copy was whole"
    deadline = time.monotonic() + 60
    while sum(1 for _ in served.rglob("*.*")) < len(expected) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert tree(served) == expected
