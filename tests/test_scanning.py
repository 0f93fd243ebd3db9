"""The sources a build reads, and the preview's way of keeping that list without walking it."""
from __future__ import annotations

import os
import shutil

import pytest

from newsgen.io.scanning import rescan, scan
from newsgen.preview.watcher import is_source

from helpers.sites import article_text, SiteDir

LEFTOVERS = ["static/css/site.css.bak", "static/.DS_Store", "static/4913", "content/mundo/#a.md#",
             "content/mundo/a.md~", "content/mundo/.a.md.swp", "templates/__pycache__/x.pyc", "static/x.part"]


def test_a_build_never_reads_what_the_preview_ignores(site: SiteDir) -> None:
    """Editors' swap, backup and temporary files are neither published nor watched: the
    same rule for both, so the preview and a build always see the same sources."""
    site.article("a")
    for rel in LEFTOVERS:
        site.write(rel, "x")
        assert not is_source(rel)
    found = scan(site.root).files
    assert "content/mundo/a.md" in found and "static/images/foto.png" in found
    assert not set(LEFTOVERS) & found.keys()


@pytest.mark.parametrize(
    "change",
    ["edit", "add", "delete", "rename", "replace by a folder", "add a folder", "remove a folder", "config"],
)
def test_rescan_gives_what_a_full_scan_gives_or_asks_for_one(site: SiteDir, change: str) -> None:
    site.article("a")
    site.article("b")
    site.write("content/mundo/2025/c.md", article_text(headline="C"))
    before = scan(site.root)
    content = site.root / "content" / "mundo"
    changed: list[str]
    if change == "edit":
        site.article("a", headline="Outro título, mais longo")
        changed = ["content/mundo/a.md"]
    elif change == "add":
        site.article("novo")
        changed = ["content/mundo/novo.md"]
    elif change == "delete":
        (content / "b.md").unlink()
        changed = ["content/mundo/b.md"]
    elif change == "rename":
        os.replace(content / "b.md", content / "d.md")
        changed = ["content/mundo/b.md", "content/mundo/d.md"]
    elif change == "replace by a folder":
        (content / "b.md").unlink()
        site.write("content/mundo/b.md/e.md", article_text(headline="E"))
        changed = ["content/mundo/b.md"]
    elif change == "add a folder":
        site.write("content/mundo/2026/f.md", article_text(headline="F"))
        changed = ["content/mundo/2026"]
    elif change == "remove a folder":
        shutil.rmtree(content / "2025")
        changed = ["content/mundo/2025"]
    else:
        site.write("newsgen.yaml", (site.root / "newsgen.yaml").read_text(encoding="utf-8") + "\n")
        changed = ["newsgen.yaml", "content/mundo/sed8Xk2Q"]  # and a temporary file gone by now
    after = rescan(site.root, before, changed)
    if change in ("replace by a folder", "add a folder", "remove a folder"):
        assert after is None, "a folder appeared or went: only a full scan can tell what it held"
    else:
        assert after == scan(site.root)
        assert before != after


def test_a_file_deleted_while_the_site_is_scanned_is_not_there(site: SiteDir, monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor's tool (git, a sync) removes a file between the folder's listing and its
    stat: the scan goes on without it, as the next one would find."""
    site.article("fica")
    site.article("vai")
    real_scandir = os.scandir

    class Gone:
        def __init__(self, entry: os.DirEntry[str]) -> None:
            self.entry, self.name = entry, entry.name

        def __getattr__(self, attribute: str) -> object:
            return getattr(self.entry, attribute)

        def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
            raise FileNotFoundError(2, "No such file or directory", self.name)

    class Listing:
        def __init__(self, entries: os.ScandirIterator[str]) -> None:
            self.entries = entries

        def __enter__(self) -> Listing:
            return self

        def __exit__(self, *exc: object) -> None:
            self.entries.close()

        def __iter__(self):  # type: ignore[no-untyped-def]
            return (Gone(e) if e.name.endswith("vai.md") else e for e in self.entries)

    monkeypatch.setattr(os, "scandir", lambda *args: Listing(real_scandir(*args)))
    found = scan(site.root)
    names = [name for name in found.files if name.startswith("content/")]
    assert any(name.endswith("fica.md") for name in names) and not any(name.endswith("vai.md") for name in names)


def test_the_files_changed_just_before_a_scan_are_those_hashed_as_racy(site: SiteDir) -> None:
    """The files saved within two seconds of the scan, not older ones, nor files a checkout
    gave an older signature; and the URL ledger the build writes afterwards."""
    import time

    from newsgen.core.options import LEDGER_FILE
    from newsgen.io.ledger import record_ledger
    from newsgen.io.scanning import RACY_NS, changed_since, racy_digests, scan_now

    old, fresh = site.article("2025-06-01-antiga"), site.article("2025-06-02-nova")
    site.write("newsgen.yaml", "title: Mundo\n")
    past = time.time() - 3600
    os.utime(old, (past, past))
    scanned = scan_now(site.root)
    recent = lambda scan: changed_since(scan.files, scan.started_ns - RACY_NS)
    found = recent(scanned)
    assert found == [name for name, (_, mtime, _) in scanned.files.items() if mtime >= scanned.started_ns - RACY_NS]
    assert "content/mundo/2025-06-02-nova.md" in found and "newsgen.yaml" in found
    assert "content/mundo/2025-06-01-antiga.md" not in found
    assert fresh.exists()
    assert set(racy_digests(site.root, scanned, skip=lambda name: False)) == set(found)

    given = {**scanned.files, "content/mundo/2025-06-02-nova.md": scanned.files["content/mundo/2025-06-01-antiga.md"]}
    vouched = scanned._replace(sources=scanned.sources._replace(files=given))  # as a checkout gives it
    assert "content/mundo/2025-06-02-nova.md" not in recent(vouched)

    after, _, trouble = record_ledger(site.root, "# ledger\n", scanned, {})
    assert trouble is None
    assert LEDGER_FILE in recent(after)
