"""A CI job's ``git clone`` with ``.newsgen-cache/`` (and the output) restored: git's index
vouches for the files it checked out, so the build hashes none of them; nothing
changed is a no-op, a commit that adds or edits an article builds only that; and the
index is never believed beyond what it knows (a file edited after the checkout, another
blob, an index this newsgen does not read)."""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsgen.incremental import checkout, parsecache
from newsgen.io.gitindex import read_index
from newsgen.io.scanning import scan
from newsgen.pipeline import building

from helpers.archive import CACHE, PATHS, assert_same_as_cold, write_archive, write_article
from helpers.sites import CONFIG, SiteDir, png, tree

if shutil.which("git") is None:
    if os.environ.get("CI"):
        raise RuntimeError("git is needed for these tests (Debian's git package)")
    pytest.skip("git is not installed", allow_module_level=True)

ADDED = "content/mundo/2025-07-10-nova.md"
HOUR = 3600 * 10**9


def git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Redação", "-c", "user.email=redacao@example.pt", *args],
        cwd=folder, check=True, capture_output=True, text=True,
    ).stdout


def commit_all(site: SiteDir, message: str) -> None:
    """Commit every source file, its time set an hour back first (as a file edited a
    while ago: past the window in which a signature cannot be trusted)."""
    for path in site.root.rglob("*"):
        if path.is_file() and ".git" not in path.parts and CACHE not in path.parts and "build" not in path.parts:
            info = path.stat()
            os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - HOUR))
    git(site.root, "add", "-A")
    git(site.root, "commit", "-q", "-m", message)


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> SiteDir:
    """The test archive in a git repository, built with its cache (as the last CI run did)."""
    site = SiteDir(tmp_path_factory.mktemp("git") / "origin")
    site.write("newsgen.yaml", CONFIG)
    site.write("static/images/foto.png", png(16, 9))
    site.write(".gitignore", "build/\n.newsgen-cache/\n")
    write_archive(site)
    git(site.root, "init", "-q")
    commit_all(site, "O arquivo")
    site.build(cache=site.root / CACHE)
    commit_all(site, "O registo dos endereços")  # urls.lock, as the workflow commits it
    site.build(cache=site.root / CACHE)
    return site


def clone(origin: SiteDir, at: Path, output: bool = True) -> SiteDir:
    """*origin* as a CI job sees it: ``git clone`` (every file new), the cache restored with
    its files' times (``actions/cache``), and the output too when *output*."""
    git(at.parent, "clone", "-q", str(origin.root), at.name)
    shutil.copytree(origin.root / CACHE, at / CACHE)
    if output:
        shutil.copytree(origin.out, at / "build")
    return SiteDir(at)


@contextlib.contextmanager
def clone_in_place(origin: SiteDir) -> Iterator[SiteDir]:
    """*origin* cloned where it stands (a CI runner checks out at the same path every run:
    the output is the same folder), with its cache and output restored; put back after."""
    away = origin.root.with_name("away")
    origin.root.rename(away)
    try:
        yield clone(SiteDir(away), origin.root)
    finally:
        shutil.rmtree(origin.root)
        away.rename(origin.root)


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The articles the next builds hash to tell whether they changed."""
    seen: list[str] = []
    real = parsecache.digests_of
    monkeypatch.setattr(parsecache, "digests_of", lambda folder, names, jobs: seen.extend(names) or real(folder, names, jobs))
    return seen


def test_a_fresh_clone_with_nothing_changed_is_a_no_op(
        origin: SiteDir, hashed: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    with clone_in_place(origin) as site:
        _assert_a_no_op(site, hashed, monkeypatch)


def _assert_a_no_op(site: SiteDir, hashed: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    before = {p.relative_to(site.out): p.stat().st_ino for p in site.out.rglob("*")}
    planned: list[object] = []
    real = building._build
    monkeypatch.setattr(building, "_build", lambda *args: planned.append(args) or real(*args))
    result = site.build(cache=site.root / CACHE)
    assert planned == [], "every file vouched for by git's index: the last build's result, nothing planned"
    assert hashed == [] and result.rewritten == 0
    assert {p.relative_to(site.out): p.stat().st_ino for p in site.out.rglob("*")} == before
    assert site.build(cache=site.root / CACHE).rewritten == 0 and planned == [], "and so is the next build"


def reclone(site: SiteDir, source: Path) -> None:
    """*site* checked out afresh from *source* where it stands, its cache and output kept."""
    kept = site.root.with_name("kept")
    kept.mkdir()
    for name in (CACHE, "build"):
        (site.root / name).rename(kept / name)
    shutil.rmtree(site.root)
    git(site.root.parent, "clone", "-q", str(source), site.root.name)
    for name in (CACHE, "build"):
        (kept / name).rename(site.root / name)
    kept.rmdir()


def test_a_clone_built_the_moment_it_was_checked_out_leaves_a_no_op_to_the_next(
        origin: SiteDir, hashed: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Files checked out within the two seconds before a build have signatures too fresh
    to trust alone: the build hashes them, and still tells the next run their blobs."""
    with clone_in_place(origin) as site:
        (site.root / CACHE / "checkout").unlink()
        assert site.build(cache=site.root / CACHE).rewritten == 0
        assert set(PATHS) <= set(hashed)
        reclone(site, site.root.with_name("away"))
        hashed.clear()
        _assert_a_no_op(site, hashed, monkeypatch)


def test_the_run_after_a_publication_and_its_ledger_commit_is_a_no_op(
        origin: SiteDir, tmp_path: Path, hashed: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A run that publishes an article writes ``urls.lock``, which the workflow commits:
    the next run's clone holds that new blob, and knows it for the file the build wrote."""
    with clone_in_place(origin) as site:
        write_article(site, ADDED, headline="Uma notícia nova", timestamp="2025-07-10T09:00", hashtags=["NATO"])
        commit_all(site, "Uma notícia nova")
        ledger = (site.root / "urls.lock").read_bytes()
        site.build(cache=site.root / CACHE)
        assert (site.root / "urls.lock").read_bytes() != ledger
        git(site.root, "commit", "-q", "-am", "O registo dos endereços")
        pushed = tmp_path / "pushed"
        git(tmp_path, "clone", "-q", "--bare", str(site.root), pushed.name)
        reclone(site, pushed)
        hashed.clear()
        _assert_a_no_op(site, hashed, monkeypatch)


def test_a_file_changed_during_a_build_is_never_given_its_old_signature_back(
        origin: SiteDir, tmp_path: Path) -> None:
    """An editor restores an edited article with git, and writes the edit back while a
    build runs: the build reads the edit under the signature the scan found for the
    restored file. A later checkout of that file must not be taken for the edit."""
    site = clone(origin, tmp_path / "clone")
    cache, name = site.root / CACHE, PATHS[3]
    site.build(cache=cache)
    path = site.root / name
    write_article(site, name, headline="Uma versão por publicar")
    edited = path.read_bytes()
    commit_all(site, "por publicar")  # (an hour back, then committed: trusted signatures)
    git(site.root, "reset", "-q", "--soft", "HEAD~1")
    site.build(cache=cache)
    assert shows(site, "Uma versão por publicar")
    git(site.root, "checkout", "HEAD", "--", name)
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - HOUR))
    subprocess.run(["git", "update-index", "-q", "--refresh"], cwd=site.root, check=False)  # 1: others changed
    scanned = checkout.scan_as_built(cache, site.root)
    assert scanned.checkout is not None and name in (scanned.checkout.vouched or {})
    path.write_bytes(edited)  # between the scan and the read
    building.build(site.options(cache=cache), scanned)
    git(site.root, "checkout", "HEAD", "--", name)
    assert_same_as_cold(site)
    assert not shows(site, "Uma versão por publicar")


def test_a_damaged_record_is_replaced(origin: SiteDir, tmp_path: Path, hashed: list[str]) -> None:
    site = clone(origin, tmp_path / "clone")
    (site.root / CACHE / "checkout").write_bytes(b"not a record")
    assert_same_as_cold(site)
    assert set(PATHS) <= set(hashed), "no record to go by: every article hashed"
    assert checkout.BuildCache(site.root / CACHE).load(checkout.CHECKOUT, checkout.Vouched) is not None


def test_a_commit_that_adds_an_article_builds_only_it(origin: SiteDir, tmp_path: Path, hashed: list[str]) -> None:
    upstream = clone(origin, tmp_path / "upstream", output=False)
    write_article(upstream, ADDED, headline="Uma notícia nova", timestamp="2025-07-10T09:00", hashtags=["NATO"])
    commit_all(upstream, "Uma notícia nova")
    site = clone(origin, tmp_path / "clone")
    git(site.root, "pull", "-q", str(upstream.root), "HEAD")
    result = assert_same_as_cold(site)
    assert hashed == [], "the new article is parsed, and no other file read"
    assert result.replanned and 0 < result.rewritten < 40


def shows(site: SiteDir, text: str) -> bool:
    return any(text in body.decode("utf-8", "replace") for body in tree(site.out).values())


def test_a_commit_that_edits_an_article_is_not_taken_for_the_old_one(
        origin: SiteDir, tmp_path: Path, hashed: list[str]) -> None:
    upstream = clone(origin, tmp_path / "upstream", output=False)
    write_article(upstream, PATHS[5], headline="Um título corrigido")
    commit_all(upstream, "Correção")
    site = clone(origin, tmp_path / "clone")
    git(site.root, "pull", "-q", str(upstream.root), "HEAD")
    assert_same_as_cold(site)
    assert hashed == [PATHS[5]], "another blob than the cache's: read again; the others vouched for"
    assert shows(site, "Um título corrigido")


def test_a_file_edited_after_the_checkout_is_read_again(origin: SiteDir, tmp_path: Path, hashed: list[str]) -> None:
    site = clone(origin, tmp_path / "clone")
    path = site.root / PATHS[7]
    path.write_text(path.read_text(encoding="utf-8").replace("headline: \"", "headline: \"Editado — ", 1), encoding="utf-8")
    assert_same_as_cold(site)
    assert hashed == [PATHS[7]], "not the signature git's index recorded: read again"
    assert shows(site, "Editado — ")


def test_without_the_record_a_clone_is_hashed_as_before(origin: SiteDir, tmp_path: Path, hashed: list[str]) -> None:
    site = clone(origin, tmp_path / "clone")
    (site.root / CACHE / "checkout").unlink()
    assert assert_same_as_cold(site).rewritten == 0
    assert set(PATHS) <= set(hashed), "no record of the blobs: every article hashed, none trusted blindly"


def test_an_editor_s_builds_read_the_index_once_after_each_commit(
        origin: SiteDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = SiteDir(tmp_path / "copy")
    shutil.copytree(origin.root, site.root)
    site.build(cache=site.root / CACHE)  # new inodes: the index vouches for nothing, everything is hashed
    reads: list[Path] = []
    real = checkout.read_index
    monkeypatch.setattr(checkout, "read_index", lambda folder: reads.append(folder) or real(folder))
    assert site.build(cache=site.root / CACHE).rewritten == 0 and reads == [], "the index has not changed since"
    write_article(site, PATHS[2], headline="Um título novo")
    assert_same_as_cold(site)
    assert reads == [], "an edit: the index is the same"
    commit_all(site, "Um título novo")
    assert site.build(cache=site.root / CACHE).rewritten == 0 and len(reads) == 1, "a commit: asked once"
    assert site.build(cache=site.root / CACHE).rewritten == 0 and len(reads) == 1, "…and not again"


# --- the index itself ------------------------------------------------------------------


def blobs(repo: Path) -> dict[str, bytes]:
    """Path → blob id, as git lists its index."""
    listed = git(repo, "ls-files", "-s", "-z").split("\0")
    return {line.split("\t", 1)[1]: bytes.fromhex(line.split()[1]) for line in listed if line}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for i in range(40):
        (root / "content" / f"d{i % 3}").mkdir(parents=True, exist_ok=True)
        (root / "content" / f"d{i % 3}" / f"artigo-{'x' * (i % 9)}-{i}.md").write_text(f"texto {i}\n" * (i + 1))
    (root / "newsgen.yaml").write_text("title: Mundo\n")
    (root / "ligação").symlink_to("newsgen.yaml")
    git(root, "init", "-q")
    git(root, "add", "-A")
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink() and ".git" not in path.parts:
            os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - HOUR))
    git(root, "add", "-A")  # the index now records the earlier times
    git(root, "commit", "-q", "-m", "um")
    return root


@pytest.mark.parametrize("version", ["2", "3", "4"])
def test_the_index_vouches_for_exactly_the_unchanged_files(repo: Path, version: str) -> None:
    git(repo, "update-index", "--index-version", version)
    if version == "3":
        (repo / "content" / "novo.md").write_text("por acrescentar\n")
        git(repo, "add", "-N", "content/novo.md")  # intent to add: an extended entry with no blob yet
    edited = repo / "content" / "d1" / "artigo-x-1.md"
    edited.write_text("outro texto\n")
    index = read_index(repo)
    assert index is not None
    vouched = index.vouched(repo, scan(repo).files)
    expected = {name: blob for name, blob in blobs(repo).items() if name.startswith("content/d") or name == "newsgen.yaml"}
    del expected["content/d1/artigo-x-1.md"]
    assert vouched == expected, "each unchanged file's blob id; not the edited one, the link, nor one with no blob"


def test_a_racily_clean_entry_vouches_only_for_the_bytes_of_its_blob(repo: Path) -> None:
    """Files written in the clock tick in which git wrote its index keep the signature it
    recorded whatever a second write in that tick put in them: their bytes are read."""
    index_file = repo / ".git" / "index"
    tick = index_file.stat().st_mtime_ns
    same, rewritten = repo / "content" / "d0" / "artigo--0.md", repo / "content" / "d1" / "artigo-x-1.md"
    for path in (same, rewritten):
        os.utime(path, ns=(tick, tick))
    git(repo, "update-index", "--really-refresh")  # records those times
    os.utime(index_file, ns=(tick, tick))  # …in the same tick as the index
    info = rewritten.stat()
    rewritten.write_bytes(rewritten.read_bytes().upper())  # the same size, in that tick
    os.utime(rewritten, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert rewritten.stat().st_ino == info.st_ino
    index = read_index(repo)
    assert index is not None and {"content/d0/artigo--0.md", "content/d1/artigo-x-1.md"} <= index.racy
    vouched = index.vouched(repo, scan(repo).files)
    assert "content/d0/artigo--0.md" in vouched and "content/d1/artigo-x-1.md" not in vouched


@pytest.mark.parametrize("damage", ["split index", "checksum", "worktree file"])
def test_an_index_it_cannot_read_whole_vouches_for_nothing(repo: Path, damage: str) -> None:
    if damage == "split index":
        git(repo, "update-index", "--split-index")
    elif damage == "checksum":
        index = repo / ".git" / "index"
        data = bytearray(index.read_bytes())
        data[40] ^= 1
        index.write_bytes(bytes(data))
    else:
        shutil.move(repo / ".git", repo.parent / "elsewhere.git")
        (repo / ".git").write_text(f"gitdir: {repo.parent / 'elsewhere.git'}\n")
    assert read_index(repo) is None
