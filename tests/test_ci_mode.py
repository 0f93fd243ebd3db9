"""A build as CI runs it: a fresh checkout (every source file new, with new mtimes and
inodes) with ``.newsgen-cache/`` restored, with or without the last output, must be
incremental and equal a build from scratch; and the change manifest (``--changes``) must
say exactly which files were added, changed, deleted or left, in CI mode too."""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from newsgen.incremental import parsecache
from newsgen.io import photos

from helpers.archive import CACHE, PATHS, SOURCES, assert_same_as_cold, cold_tree, tree_diff, url_of, write_archive, write_article
from helpers.sites import CONFIG, SiteDir, png, tree

ADDED = "content/mundo/2025-07-10-nova.md"
OLD_FILE = "static/data/antigos.txt"
"""A file published as it is, which a test deletes."""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> SiteDir:
    """The test archive, built once with its cache and a change manifest (as every CI run
    builds), for each test to check out afresh."""
    site = SiteDir(tmp_path_factory.mktemp("ci") / "site")
    site.write("newsgen.yaml", CONFIG)
    site.write("static/images/foto.png", png(16, 9))
    site.write(OLD_FILE, "dados antigos\n")
    write_archive(site)
    site.build(cache=site.root / CACHE, changes=site.root.parent / "first.json")
    return site


def checkout(site: SiteDir, at: Path, output: bool = True) -> SiteDir:
    """*site* as a CI job sees it: its sources written anew (``git clone``: new inodes, the
    time of the checkout), its cache restored with its files' times (``actions/cache``), and
    its output too when *output*."""
    clone = SiteDir(at)
    at.mkdir(parents=True)
    for name in SOURCES:
        source = site.root / name
        if source.is_dir():
            shutil.copytree(source, at / name, copy_function=shutil.copyfile)
        elif source.is_file():
            shutil.copyfile(source, at / name)
    for path in at.rglob("*"):
        os.utime(path)  # touch: a checkout's times, whatever copyfile kept
    shutil.copytree(site.root / CACHE, at / CACHE)
    if output:
        shutil.copytree(site.out, clone.out)
    return clone


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def build(site: SiteDir, manifest: Path, **options: object):
    return site.build(cache=site.root / CACHE, changes=manifest, **options)


def read(manifest: Path) -> dict:
    return json.loads(manifest.read_text(encoding="utf-8"))


def assert_manifest_tells(manifest: dict, before: dict[str, bytes], after: dict[str, bytes]) -> None:
    """The manifest lists exactly what changed from *before* to *after* (output trees,
    the marker aside), each file with the SHA-256 and size of its bytes."""
    before = {p: b for p, b in before.items() if p != ".newsgen-output"}
    after = {p: b for p, b in after.items() if p != ".newsgen-output"}
    assert sorted(manifest["added"]) == sorted(after.keys() - before.keys())
    assert sorted(manifest["changed"]) == sorted(p for p in after.keys() & before.keys() if after[p] != before[p])
    assert sorted(manifest["unchanged"]) == sorted(p for p in after.keys() & before.keys() if after[p] == before[p])
    assert manifest["deleted"] == sorted(before.keys() - after.keys())
    assert manifest["written"] == sorted([*manifest["added"], *manifest["changed"]])
    listed = {**manifest["added"], **manifest["changed"], **manifest["unchanged"]}
    assert listed == {p: {"sha256": hashlib.sha256(b).hexdigest(), "size": len(b)} for p, b in after.items()}
    assert manifest["summary"] == {kind: len(manifest[kind]) for kind in ("added", "changed", "deleted", "unchanged")}


def inspected(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The image files the next builds inspect (decode), by name."""
    seen: list[str] = []
    real = photos.inspect

    def spy(file: Path):
        seen.append(file.name)
        return real(file)

    monkeypatch.setattr(photos, "inspect", spy)
    return seen


def test_a_fresh_clone_with_its_cache_and_output_rewrites_nothing(
        built: SiteDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clone = checkout(built, tmp_path / "clone")
    before = inodes(clone.out)
    decoded = inspected(monkeypatch)
    result = build(clone, tmp_path / "changes.json")
    assert decoded == [], "the photographs are known by their bytes: hashed, not decoded again"
    assert result.rewritten == 0, "sources trusted by content, the output by the token its marker names"
    assert inodes(clone.out) == before, "not one file written, the stylesheet and the image included"
    manifest = read(tmp_path / "changes.json")
    assert manifest["baseline"] == "the last change manifest"
    assert manifest["summary"]["unchanged"] == len(before) - 1 and manifest["written"] == [] and manifest["purge"] == []
    assert_same_as_cold(clone)


def test_a_fresh_clone_rewrites_no_parsed_article_and_its_next_build_hashes_nothing(
        built: SiteDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file of a checkout has a new signature but the same bytes: the build hashes
    them once and keeps every parsed article, so it rewrites none of the cache's article
    shards (at 100,000 articles, 110 MB); the build after it trusts the new signatures."""
    clone = checkout(built, tmp_path / "clone")
    shards = sorted((clone.root / CACHE).glob("articles-*"))
    before = {shard.name: shard.stat().st_ino for shard in shards}
    build(clone, tmp_path / "changes.json")
    assert {shard.name: shard.stat().st_ino for shard in shards} == before
    hashed: list[str] = []
    real = parsecache.digests_of
    monkeypatch.setattr(parsecache, "digests_of", lambda folder, names, jobs: hashed.extend(names) or real(folder, names, jobs))
    for path in (clone.root / "content").rglob("*.md"):  # as if checked out a minute ago: past the racy window
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - 60 * 10**9))
    build(clone, tmp_path / "changes.json")
    assert set(PATHS) <= set(hashed), "new signatures: every article hashed once more"
    hashed.clear()
    write_article(clone, PATHS[3], headline="Uma correção do título")
    assert build(clone, tmp_path / "changes.json").rewritten > 0
    assert hashed == [PATHS[3]], "the others are trusted by the signatures the last build kept"


def test_a_fresh_clone_with_one_article_added_writes_only_what_changed(built: SiteDir, tmp_path: Path) -> None:
    clone = checkout(built, tmp_path / "clone")
    old, before = tree(clone.out), inodes(clone.out)
    write_article(clone, ADDED, headline="Uma notícia nova", timestamp="2025-07-10T09:00", hashtags=["NATO"])
    result = build(clone, tmp_path / "changes.json")
    new = tree(clone.out)
    assert tree_diff(new, cold_tree(clone)) == []
    changed = {p for p in new if old.get(p) != new[p] and p != ".newsgen-output"}
    assert f"{url_of(ADDED)}index.html" in changed and 5 < len(changed) < 40
    assert result.replanned, "the last plan, from the restored cache, re-planned for the addition"
    after = inodes(clone.out)
    written = {p for p in after if before.get(p) != after[p]} - {".newsgen-output"}
    assert changed <= written and len(written) == result.rewritten <= len(changed) + 2, (
        "what changed is written, and little else (the sitemap index is made by every plan)")
    manifest = read(tmp_path / "changes.json")
    assert_manifest_tells(manifest, old, new)
    assert manifest["added"].keys() >= {f"{url_of(ADDED)}index.html"}
    assert "https://example.pt/" in manifest["purge"] and "https://example.pt/index.html" in manifest["purge"]
    assert not any(url_of(ADDED) in url for url in manifest["purge"]), "a new page was in no CDN"


@pytest.mark.parametrize("added", [False, True], ids=["nothing changed", "one article added"])
def test_a_fresh_clone_without_the_output_writes_every_file_and_tells_what_changed(
        built: SiteDir, tmp_path: Path, added: bool) -> None:
    clone = checkout(built, tmp_path / "clone", output=False)
    if added:
        write_article(clone, ADDED, headline="Uma notícia nova", timestamp="2025-07-10T09:00", hashtags=["NATO"])
    result = build(clone, tmp_path / "changes.json")
    assert result.rewritten == result.files, "nothing to keep: every file is made (from the cache's parse)"
    assert tree_diff(tree(clone.out), cold_tree(clone)) == []
    manifest = read(tmp_path / "changes.json")
    assert_manifest_tells(manifest, tree(built.out), tree(clone.out))
    assert (manifest["written"] != []) is added


def test_an_output_from_another_build_than_the_cache_is_not_trusted(built: SiteDir, tmp_path: Path) -> None:
    """The cache of a later build with an earlier output (two caches restored apart): the
    marker names another build, so every file is written again, and rightly."""
    clone = checkout(built, tmp_path / "clone")
    stale = tmp_path / "stale"
    shutil.copytree(clone.out, stale)
    write_article(clone, ADDED, headline="Uma notícia nova", timestamp="2025-07-10T09:00", hashtags=["NATO"])
    build(clone, tmp_path / "changes.json")
    shutil.rmtree(clone.out)
    shutil.copytree(stale, clone.out)
    result = assert_same_as_cold(clone)
    assert result.rewritten == result.files


def test_a_touched_photo_and_stylesheet_are_kept_and_edited_ones_written(
        built: SiteDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A photograph's copies (``media/<hash>-<width>.<ext>``) and a stylesheet published as
    it is: touched, nothing is written; with other bytes, the new copies are added, the old
    ones deleted, and every page that shows or links them changed."""
    clone = checkout(built, tmp_path / "clone")
    clone.write("static/css/extra.css", "p { color: #222; }\n")
    build(clone, tmp_path / "a.json")
    os.utime(clone.root / "static/images/foto.png", ns=(1, 1))
    os.utime(clone.root / "static/css/extra.css", ns=(1, 1))
    assert build(clone, tmp_path / "b.json").rewritten == 0
    assert read(tmp_path / "b.json")["written"] == []
    old = tree(clone.out)
    copies = {p for p in old if p.startswith("media/")}
    assert copies, "the archive's photograph is published as copies"
    clone.write("static/images/foto.png", png(1200, 4, colour=b"\x10\x20\x30"))
    clone.write("static/css/extra.css", "p { color: #333; }\n")
    decoded = inspected(monkeypatch)
    result = build(clone, tmp_path / "c.json")
    assert decoded == ["foto.png"], "new bytes: inspected"
    new = tree(clone.out)
    assert tree_diff(new, cold_tree(clone)) == []
    manifest = read(tmp_path / "c.json")
    assert_manifest_tells(manifest, old, new)
    assert sorted(manifest["deleted"]) == sorted(copies), "every copy of the old pixels goes"
    added = {p for p in manifest["added"] if p.startswith("media/")}
    assert len(added) == len(copies) and added.isdisjoint(copies), "new pixels, new names"
    assert "css/extra.css" in manifest["changed"] and result.rewritten >= len(added) + 1
    assert {f"https://example.pt/{p}" for p in copies} <= set(manifest["purge"])


def test_a_manifest_since_an_older_one_tells_every_change_since_then(built: SiteDir, tmp_path: Path) -> None:
    clone = checkout(built, tmp_path / "clone")
    first = tree(clone.out)
    write_article(clone, ADDED, headline="Uma notícia nova", timestamp="2025-07-10T09:00", hashtags=["NATO"])
    build(clone, tmp_path / "second.json")
    gone = PATHS[3]
    (clone.root / gone).unlink()
    (clone.root / OLD_FILE).unlink()
    build(clone, tmp_path / "third.json", since=built.root.parent / "first.json")
    manifest = read(tmp_path / "third.json")
    assert_manifest_tells(manifest, first, tree(clone.out))
    assert manifest["deleted"] == ["data/antigos.txt"]
    page = f"{url_of(gone)}index.html"
    assert page in manifest["changed"], "a deleted article's address keeps a notice (urls.lock)"
    assert {f"https://example.pt/{page}", f"https://example.pt/{url_of(gone)}",
            "https://example.pt/data/antigos.txt"} <= set(manifest["purge"])
    assert manifest["baseline"] == str(built.root.parent / "first.json")


def test_a_deploy_manifest_can_be_the_baseline(built: SiteDir, tmp_path: Path) -> None:
    clone = checkout(built, tmp_path / "clone")
    old = {p: b for p, b in tree(clone.out).items() if p != ".newsgen-output"}
    deployed = {p: [hashlib.sha256(b).hexdigest(), len(b), "etag", 0] for p, b in old.items()}
    deployed["index.html"][0] = "0" * 64  # the bucket holds another home page
    (tmp_path / "deploy.json.gz").write_bytes(gzip.compress(json.dumps(
        {"format": "newsgen-deploy 1", "headers": [["text/html", "x"]], "objects": deployed}).encode()))
    build(clone, tmp_path / "changes.json", since=tmp_path / "deploy.json.gz")
    manifest = read(tmp_path / "changes.json")
    assert manifest["written"] == ["index.html"] and manifest["summary"]["unchanged"] == len(old) - 1


def test_the_command_line_writes_a_manifest_for_a_build_with_nothing_to_do(built: SiteDir, tmp_path: Path, cli) -> None:
    clone = checkout(built, tmp_path / "clone")
    assert cli("-C", str(clone.root), "build", "--changes", str(tmp_path / "a.json")).code == 0
    run = cli("-C", str(clone.root), "build", "--changes", str(tmp_path / "b.json"))
    assert run.code == 0 and " 0 rewritten" in run.err
    a, b = read(tmp_path / "a.json"), read(tmp_path / "b.json")
    assert b["written"] == [] and b["unchanged"] == {**a["added"], **a["changed"], **a["unchanged"]}
    assert b["output"] == a["output"]
    run = cli("-C", str(clone.root), "build", "--since", str(tmp_path / "a.json"))
    assert run.code == 2 and "--changes" in run.err
    (tmp_path / "bad.json").write_text("{}")
    run = cli("-C", str(clone.root), "build", "--changes", str(tmp_path / "c.json"), "--since", str(tmp_path / "bad.json"))
    assert run.code == 2 and "not a change manifest" in run.err and not (tmp_path / "c.json").exists()
