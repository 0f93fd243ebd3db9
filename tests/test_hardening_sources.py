"""A build reads nothing through a symlink that leaves the site folder, and opens no FIFO,
socket or device: it names each one and exits 1 (``static/x.txt -> /proc/self/environ``
used to publish the build's environment). Symlinks that stay inside keep working."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from newsgen.io.scanning import rescan, scan

from helpers.processes import Preview
from helpers.sites import article_text, NOW, SiteDir, tree

SECRET = "CI_TOKEN=segredo-que-nunca-sai"
OUTSIDE = "symlink to outside the site"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A folder beside the site (never inside it) holding a secret, a template and an article."""
    folder = tmp_path / "fora"
    folder.mkdir()
    (folder / "env").write_text(SECRET + "\n", encoding="utf-8")
    (folder / "article.html").write_text(f"<p>{SECRET}</p>\n", encoding="utf-8")
    (folder / "artigo.md").write_text(article_text(headline=SECRET), encoding="utf-8")
    return folder


def link(site: SiteDir, rel: str, target: Path | str) -> None:
    path = site.root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def move_out(site: SiteDir, name: str, folder: Path) -> None:
    """Move the site's *name* into *folder* and leave a symlink to it in its place."""
    (site.root / name).rename(folder / name)
    link(site, name, folder / name)


# Each case: make a link out of the site, and the name the build must report.
CASES: dict[str, Callable[[SiteDir, Path], str]] = {
    "static file": lambda s, f: link(s, "static/x.txt", f / "env") or "static/x.txt",
    "proc environ": lambda s, f: link(s, "static/env.txt", "/proc/self/environ") or "static/env.txt",
    "etc passwd": lambda s, f: link(s, "static/passwd", "/etc/passwd") or "static/passwd",
    "article": lambda s, f: link(s, "content/mundo/b.md", f / "artigo.md") or "content/mundo/b.md",
    "content image": lambda s, f: link(s, "content/mundo/foto.png", f / "env") or "content/mundo/foto.png",
    "template": lambda s, f: link(s, "templates/article.html", f / "article.html") or "templates/article.html",
    "folder in static": lambda s, f: link(s, "static/fora", f) or "static/fora",
    "folder in content": lambda s, f: link(s, "content/fora", f) or "content/fora",
    "folder in templates": lambda s, f: link(s, "templates/parciais", f) or "templates/parciais",
    "static/ itself": lambda s, f: move_out(s, "static", f) or "static",
    "content/ itself": lambda s, f: move_out(s, "content", f) or "content",
    "templates/ itself": lambda s, f: (s.write("templates/404.html", "<p>x</p>\n"), move_out(s, "templates", f)) and "templates",
    "newsgen.yaml": lambda s, f: move_out(s, "newsgen.yaml", f) or "newsgen.yaml",
    "through a link inside": lambda s, f: (link(s, "static/passo", "../content/mundo"), link(s, "content/mundo/x.txt", f / "env"))
    and "content/mundo/x.txt",
}


@pytest.mark.parametrize("case", CASES)
def test_a_symlink_out_of_the_site_is_named_and_never_published(
    site: SiteDir, secret: Path, cli, case: str
) -> None:
    site.article("a")
    name = CASES[case](site, secret)
    run = cli("-C", str(site.root), "build", "--no-search")
    assert run.code == 1, run.err
    assert f"{os.path.relpath(site.root / name)}: {OUTSIDE}" in run.err.splitlines()
    assert "Traceback" not in run.err and SECRET not in run.err
    assert not site.out.exists()
    assert cli("-C", str(site.root), "check").code == 1


def test_a_template_never_reads_a_hidden_template_that_links_out(site: SiteDir, secret: Path, cli) -> None:
    """The scan skips hidden names, but a template may include one: the loader refuses it."""
    site.article("a")
    link(site, "templates/.parcial.html", secret / "article.html")
    site.write("templates/_colophon.html", '{% include ".parcial.html" %}\n')
    run = cli("-C", str(site.root), "build", "--no-search")
    assert run.code == 1 and f"{os.path.relpath(site.root)}/templates/.parcial.html: {OUTSIDE}" in run.err
    assert not site.out.exists()


def test_a_symlink_to_a_hidden_file_of_the_site_is_refused(site: SiteDir, cli) -> None:
    """A CI checkout keeps its token in .git/config: a build never reads hidden names, links or not."""
    site.article("a")
    site.write(".git/config", f"[http]\n\textraheader = {SECRET}\n")
    link(site, "static/config.txt", "../.git/config")
    run = cli("-C", str(site.root), "build", "--no-search")
    assert run.code == 1
    assert "static/config.txt: symlink to .git/config, which a build never reads" in run.err
    assert not site.out.exists()


def test_a_symlink_added_after_a_good_build_is_not_taken_for_no_change(site: SiteDir, secret: Path, cli) -> None:
    """The no-op check (which answers from the cache before the engine is imported) must
    not say "nothing changed" while the scan refused something."""
    site.article("a")
    assert cli("-C", str(site.root), "build", "--no-search").code == 0
    before = tree(site.out)
    link(site, "static/x.txt", secret / "env")
    run = cli("-C", str(site.root), "build", "--no-search")
    assert run.code == 1 and f"static/x.txt: {OUTSIDE}" in run.err
    assert tree(site.out) == before, "a failed build leaves the old site"
    (site.root / "static/x.txt").unlink()
    os.mkfifo(site.root / "static/x.txt")
    run = cli("-C", str(site.root), "build", "--no-search")
    assert run.code == 1 and "static/x.txt: not a regular file (a FIFO)" in run.err
    (site.root / "static/x.txt").unlink()
    assert cli("-C", str(site.root), "build", "--no-search").code == 0
    assert tree(site.out) == before


def _build(site_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a child process, in the site folder: a FIFO opened for reading
    would hang it (the timeout fails the test instead)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))}
    return subprocess.run(
        [sys.executable, "-m", "newsgen", *args], cwd=site_dir, env=env, capture_output=True, text=True, timeout=60,
    )


def test_fifos_sockets_and_devices_are_refused_and_never_opened(site: SiteDir, tmp_path: Path) -> None:
    site.article("a")
    for rel in ("content/mundo/b.md", "static/css/extra.css", "templates/article.html", "content/mundo/foto.png"):
        (site.root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(site.root / rel)
    os.mkfifo(tmp_path / "fifo")
    link(site, "static/fora.txt", tmp_path / "fifo")
    link(site, "static/dentro.txt", "../content/mundo/b.md")  # a link inside, to a FIFO
    link(site, "static/null", "/dev/null")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(site.root / "static/socket"))
        run = _build(site.root, "build", "--no-search")
    assert run.returncode == 1, run.stderr
    assert run.stderr.splitlines() == [
        "content/mundo/b.md: not a regular file (a FIFO)",
        "content/mundo/foto.png: not a regular file (a FIFO)",
        "static/css/extra.css: not a regular file (a FIFO)",
        "static/dentro.txt: not a regular file (a FIFO)",
        f"static/fora.txt: {OUTSIDE}",
        f"static/null: {OUTSIDE}",
        "static/socket: not a regular file (a socket)",
        "templates/article.html: not a regular file (a FIFO)",
        "8 errors in 8 files; nothing was written",
    ]
    assert not site.out.exists()


def test_a_fifo_for_a_source_folder_is_refused(site: SiteDir) -> None:
    site.article("a")
    os.mkfifo(site.root / "templates")
    run = _build(site.root, "build", "--no-search")
    assert run.returncode == 1 and run.stderr.startswith("templates: not a regular file (a FIFO)\n")


@pytest.mark.parametrize("verb", ["build", "check", "new"])
def test_a_fifo_for_newsgen_yaml_does_not_hang_any_verb(site: SiteDir, verb: str) -> None:
    (site.root / "newsgen.yaml").unlink()
    os.mkfifo(site.root / "newsgen.yaml")
    args = ["new", "Olá", "--section", "mundo"] if verb == "new" else [verb]
    run = _build(site.root, *args)
    assert run.returncode == 1 and "newsgen.yaml: not a regular file (a FIFO)" in run.stderr


def test_new_never_writes_through_a_symlink_out_of_the_site(site: SiteDir, secret: Path, cli) -> None:
    link(site, "content/mundo", secret)
    run = cli("-C", str(site.root), "new", "Olá", "--section", "mundo")
    assert run.code == 1 and f"content/mundo: {OUTSIDE}" in run.err
    assert sorted(p.name for p in secret.iterdir()) == ["article.html", "artigo.md", "env"]


def test_symlinks_inside_the_site_keep_working(site: SiteDir, cli) -> None:
    """Files and folders linked from elsewhere in the site folder are read as if they were there."""
    site.article("a")
    site.write("partilhado/artigos/b.md", article_text(headline="Artigo partilhado", timestamp="2025-06-05T10:00+01:00"))
    site.write("partilhado/estilos/extra.css", "p { color: red; }\n")
    site.write("partilhado/modelos/404.html", "<p>Nada aqui.</p>\n")
    link(site, "content/mundo/partilhados", "../../partilhado/artigos")
    link(site, "static/estilos", "../partilhado/estilos")
    link(site, "static/images/outra.png", "foto.png")
    link(site, "templates/404.html", "../partilhado/modelos/404.html")
    run = cli("-C", str(site.root), "build", "--no-search")
    assert run.code == 0, run.err
    assert "Artigo partilhado" in site.page("mundo/2025/06/05/b/")
    assert (site.out / "estilos/extra.css").read_text(encoding="utf-8") == "p { color: red; }\n"
    assert (site.out / "images/outra.png").read_bytes() == (site.root / "static/images/foto.png").read_bytes()
    assert site.page("404.html") == "<p>Nada aqui.</p>\n"
    site.write("partilhado/artigos/b.md", article_text(headline="Editado no alvo", timestamp="2025-06-05T10:00+01:00"))
    assert cli("-C", str(site.root), "build", "--no-search").code == 0
    assert "Editado no alvo" in site.page("mundo/2025/06/05/b/"), "an edit to a link's target is seen"


def test_the_site_folder_itself_may_be_a_symlink(site: SiteDir, tmp_path: Path, cli) -> None:
    """"Outside" is outside the resolved site folder."""
    site.article("a")
    link(site, "static/estilos", "../content")
    alias = tmp_path / "atalho"
    alias.symlink_to(site.root)
    run = cli("-C", str(alias), "build", "--no-search")
    assert run.code == 0, run.err


def test_a_symlink_loop_is_refused_not_followed_forever(site: SiteDir, cli) -> None:
    site.article("a")
    link(site, "static/acima", "..")
    link(site, "content/mundo/aqui", ".")
    link(site, "static/a", "b")
    link(site, "static/b", "a")  # a loop of links: nothing to read, skipped like a dangling one
    run = cli("-C", str(site.root), "build", "--no-search")
    assert run.code == 1
    assert run.err.splitlines()[:2] == [
        f"{os.path.relpath(site.root)}/content/mundo/aqui: symlink to a folder that holds it (a loop)",
        f"{os.path.relpath(site.root)}/static/acima: symlink to a folder that holds it (a loop)",
    ]


def test_the_scan_keeps_refused_entries_apart_and_the_preview_rescans_in_full(site: SiteDir, secret: Path) -> None:
    """The refused entries travel beside the files, never among them; the preview's quick
    rescan leaves anything but a regular file to a full scan."""
    site.article("a")
    before = scan(site.root)
    assert not before.refused and not before.linked
    link(site, "static/x.txt", secret / "env")
    assert rescan(site.root, before, ["static/x.txt"]) is None
    after = scan(site.root)
    assert after.refused == {"static/x.txt": OUTSIDE} and "static/x.txt" not in after.files
    assert rescan(site.root, after, ["content/mundo/a.md"]) is None, "until the refused entry is gone"


def test_the_preview_shows_a_symlink_out_as_a_problem_and_serves_nothing_of_it(
    site: SiteDir, secret: Path, preview: Callable[..., Preview]
) -> None:
    site.article("a")
    server = preview(site.root, "--no-search", env={"SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))})
    server.wait_for_log("built 1 article")
    link(site, "static/x.txt", secret / "env")
    os.mkfifo(site.root / "static/fifo.txt")
    server.wait_for_log("2 errors in 2 files; still serving the last good site")
    assert f"static/x.txt: {OUTSIDE}" in server.log and "static/fifo.txt: not a regular file (a FIFO)" in server.log
    code, page = server.get("x.txt")
    assert code == 404 and SECRET not in page
    code, page = server.get("")
    assert code == 200 and f"<code>static/x.txt: {OUTSIDE}</code>" in page
    (site.root / "static/x.txt").unlink()
    (site.root / "static/fifo.txt").unlink()
    server.wait_for_log("built 1 article", count=2)
    assert "newsgen-problems" not in server.get("")[1]
    assert server.process.poll() is None
