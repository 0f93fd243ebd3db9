"""Nothing half-done: a write that fails (a full disk, an I/O error, a refused permission),
at any point of a build, leaves the old site byte for byte, says which file and that the
site is unchanged, and once the trouble is gone the next build updates the site in place.

Failures are injected at the OS boundary (``os.write``, ``os.rename``, ``os.statvfs``),
through the command line, as a real full disk would fail them."""
from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from helpers.sites import CliRun, SiteDir
from helpers.archive import CACHE, cold_tree, edit, PATHS, SOURCES, tree_diff, write_archive


def snapshot(site: SiteDir) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder (None) of the output, hidden ones included,
    and whatever lies beside it named after it (``.build.new-*`` staging folders)."""
    found: dict[str, bytes | None] = {}
    for path in sorted(site.out.rglob("*")):
        found[path.relative_to(site.out).as_posix()] = path.read_bytes() if path.is_file() else None
    found.update({f"../{p.name}": None for p in site.root.iterdir() if p.name.startswith(".build.")})
    return found


def build(cli: Callable[..., CliRun], site: SiteDir, *args: str) -> CliRun:
    return cli("-C", str(site.root), "build", "--no-search", *args)


@pytest.fixture
def built(site: SiteDir, cli: Callable[..., CliRun]) -> SiteDir:
    """The archive of test_incremental, built by the command line with its cache."""
    write_archive(site)
    assert build(cli, site).code == 0
    return site


class Failing:
    """Makes the *nth* write (or rename) of a file below *root* fail with *code*; the
    calls after it succeed (the writes of a full disk that was freed meanwhile, the
    renames that undo an update)."""

    def __init__(
        self, monkeypatch: pytest.MonkeyPatch, root: Path, code: int, nth: int, call: str = "write", lasting: bool = False,
    ) -> None:
        self.root, self.code, self.nth, self.calls, self.lasting = str(root), code, nth, 0, lasting
        self.paths: dict[int, str] = {}
        real_open, real_write, real_rename = os.open, os.write, os.rename

        def opening(path, flags, mode=0o777, *, dir_fd=None):  # type: ignore[no-untyped-def]
            fd = real_open(path, flags, mode, dir_fd=dir_fd)
            self.paths[fd] = os.fspath(path)
            return fd

        def writing(fd: int, data: bytes) -> int:
            if self.paths.get(fd, "").startswith(self.root):
                self._count(self.paths[fd])
            return real_write(fd, data)

        def renaming(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
            if os.fspath(dst).startswith(self.root):
                self._count(os.fspath(dst))
            return real_rename(src, dst, *args, **kwargs)

        if call == "write":
            monkeypatch.setattr(os, "open", opening)
            monkeypatch.setattr(os, "write", writing)
        else:
            monkeypatch.setattr(os, "rename", renaming)

    def _count(self, path: str) -> None:
        self.calls += 1
        if self.calls == self.nth or (self.lasting and self.calls > self.nth):
            raise OSError(self.code, os.strerror(self.code), path)


def _beside(site: SiteDir) -> str:
    """The folder that holds the output: staging folders are written there."""
    return str(site.root)


MESSAGE = re.compile(r"^newsgen: (?P<error>[^:]+): (?P<path>\S+); the site in (?P<out>\S+) is unchanged$", re.M)


def assert_refused(run: CliRun, site: SiteDir, error: str) -> None:
    """Exit 1, one line naming the error, an output file, and that the site is unchanged."""
    assert run.code == 1, run.err
    found = MESSAGE.search(run.err)
    assert found, run.err
    assert found["error"] == error
    shown = Path(found["path"]).resolve()
    assert shown.is_relative_to(site.out.resolve()), f"{found['path']} is not in the output"
    assert ".newsgen-tmp" not in found["path"] and ".build." not in found["path"]
    assert Path(found["out"]).resolve() == site.out.resolve()


@pytest.mark.parametrize("nth", [1, 4], ids=["first-file", "fourth-file"])
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO, errno.EACCES])
def test_a_failed_write_during_an_update_leaves_the_old_site(
    built: SiteDir, cli: Callable[..., CliRun], monkeypatch: pytest.MonkeyPatch, code: int, nth: int,
) -> None:
    """An edit that rewrites a dozen pages in place fails at its first or fourth file."""
    before = snapshot(built)
    edit(built, PATHS[30], headline="Título que não chega a ser publicado")
    with monkeypatch.context() as patched:
        failing = Failing(patched, _beside(built), code, nth)
        run = build(cli, built)
    assert failing.calls >= nth, "the failure was injected"
    assert_refused(run, built, os.strerror(code))
    assert snapshot(built) == before, "the old site, byte for byte, and no temporary file"

    folder = built.out.stat().st_ino
    again = build(cli, built)
    assert again.code == 0, again.err
    assert built.out.stat().st_ino == folder, "updated in place: no second full copy of the site needed"
    assert not tree_diff(_files(built.out), cold(built))


@pytest.mark.parametrize("nth", [1, 3])
def test_a_failed_rename_during_an_update_is_undone(
    built: SiteDir, cli: Callable[..., CliRun], monkeypatch: pytest.MonkeyPatch, nth: int,
) -> None:
    """Renames need no space, but an I/O error can still stop one: those done are undone."""
    before = snapshot(built)
    edit(built, PATHS[30], headline="Título que não chega a ser publicado")
    with monkeypatch.context() as patched:
        failing = Failing(patched, built.out, errno.EIO, nth, call="rename")
        run = build(cli, built)
    assert failing.calls >= 2 * nth - 1, "the renames done were undone"
    assert_refused(run, built, os.strerror(errno.EIO))
    assert snapshot(built) == before
    assert build(cli, built).code == 0
    assert not tree_diff(_files(built.out), cold(built))


def test_an_update_that_cannot_be_undone_says_so_and_the_next_build_rewrites_the_site(
    built: SiteDir, cli: Callable[..., CliRun], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The one case left: renames failing, and so failing to undo the ones done."""
    edit(built, PATHS[30], headline="Título meio publicado")
    with monkeypatch.context() as patched:
        Failing(patched, built.out, errno.EIO, 3, call="rename", lasting=True)
        run = build(cli, built)
    assert run.code == 1
    assert re.search(r"^newsgen: Input/output error: \S+; \S+ is partly updated, and the next build rewrites it in full$",
                     run.err, re.M), run.err
    folder = built.out.stat().st_ino
    assert build(cli, built).code == 0
    assert built.out.stat().st_ino != folder, "rewritten in full"
    assert not tree_diff(_files(built.out), cold(built))


def test_too_little_space_is_found_before_the_first_write(
    built: SiteDir, cli: Callable[..., CliRun], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The update's size is known before it writes: a disk without room refuses it whole."""
    before = snapshot(built)
    edit(built, PATHS[30], headline="Título que não cabe no disco")
    real = os.statvfs

    def nearly_full(path: os.PathLike[str] | str) -> os.statvfs_result:
        stat = real(path)
        fields = list(stat)
        fields[3] = fields[4] = 2  # f_bfree, f_bavail: two blocks
        return os.statvfs_result(fields)

    monkeypatch.setattr(os, "statvfs", nearly_full)
    with monkeypatch.context() as patched:
        failing = Failing(patched, _beside(built), errno.EIO, 10**9)
        run = build(cli, built)
    assert failing.calls == 0, "nothing was written"
    assert run.code == 1
    assert re.search(r"No space left on device \(the update needs [\d.]+ MB and \d+ files, [\d.]+ MB free\): \S+; "
                     r"the site in \S+ is unchanged", run.err), run.err
    assert snapshot(built) == before


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES])
def test_a_failed_write_of_a_staged_site_leaves_the_old_one(
    built: SiteDir, cli: Callable[..., CliRun], monkeypatch: pytest.MonkeyPatch, code: int,
) -> None:
    """A build that rewrites everything (here: a new template) writes a copy beside the
    site, in two processes; a write failing in either leaves the old site and no copy."""
    before = snapshot(built)
    built.write("templates/_colophon.html", "<p>Novo colofão.</p>")
    with monkeypatch.context() as patched:
        failing = Failing(patched, _beside(built), code, 40)
        run = build(cli, built, "--jobs", "2")
    assert failing.calls >= 40
    assert_refused(run, built, os.strerror(code))
    assert snapshot(built) == before, "the old site, and no staging folder beside it"
    assert build(cli, built).code == 0
    assert not tree_diff(_files(built.out), cold(built))


_COLD: dict[int, dict[str, bytes]] = {}


def cold(site: SiteDir) -> dict[str, bytes]:
    """`cold_tree`, once for each set of sources (most tests make the same edit)."""
    sources = hash(tuple(sorted((p.relative_to(site.root).as_posix(), p.read_bytes()) for name in SOURCES
                                for p in [site.root / name, *(site.root / name).rglob("*")] if p.is_file())))
    if sources not in _COLD:
        _COLD[sources] = cold_tree(site)
    return _COLD[sources]


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_cache_stays_trusted_after_a_failed_update(
    built: SiteDir, cli: Callable[..., CliRun], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Nothing was renamed, so the output is still what the cache describes: not "dirty"."""
    edit(built, PATHS[30], headline="Outro título")
    with monkeypatch.context() as patched:
        Failing(patched, _beside(built), errno.ENOSPC, 2)
        assert build(cli, built).code == 1
    assert not (built.root / CACHE / "dirty").exists()


# --- a real full disk --------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 8 MB filesystem (tmpfs), where the machine lets this process mount one."""
    folder = tmp_path / "disk"
    folder.mkdir()
    mount = shutil.which("mount")
    if mount is None or subprocess.run([mount, "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)],
                                       capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root, outside a restricted container)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(disk: Path, leave: int) -> Path:
    """Fill *disk* but *leave* bytes."""
    stat = os.statvfs(disk)
    filler = disk / "filler"
    filler.write_bytes(b"\0" * max(0, stat.f_bavail * stat.f_frsize - leave))
    return filler


@pytest.mark.parametrize("statvfs", ["true", "lying"])
def test_a_really_full_disk_leaves_the_old_site_and_the_next_build_updates_it_in_place(
    site: SiteDir, cli: Callable[..., CliRun], small_disk: Path, monkeypatch: pytest.MonkeyPatch, statvfs: str,
) -> None:
    """The output on a nearly full filesystem: an edit that needs more room than is left
    fails whole, and once room is made the next build updates the site in place. With
    ``statvfs`` lying (plenty of room), the space check passes and the writes hit the
    kernel's ENOSPC."""
    write_archive(site)
    out = small_disk / "build"
    assert cli("-C", str(site.root), "build", "--no-search", "-o", str(out)).code == 0
    before = {p.relative_to(out).as_posix(): p.read_bytes() if p.is_file() else None for p in sorted(out.rglob("*"))}
    filler = fill(small_disk, 6 * 4096)
    for n in (30, 31, 32):
        edit(site, PATHS[n], headline=f"Título mais longo que não cabe no disco {n}", body="Texto. " * 400)
    with monkeypatch.context() as patched:
        if statvfs == "lying":
            real = os.statvfs
            patched.setattr(os, "statvfs", lambda path: os.statvfs_result([*real(path)[:3], 10**9, 10**9, *real(path)[5:]]))
        run = cli("-C", str(site.root), "build", "--no-search", "-o", str(out))
    assert run.code == 1, run.err
    assert ("needs" in run.err) == (statvfs == "true"), run.err
    assert "No space left on device" in run.err and "is unchanged" in run.err, run.err
    after = {p.relative_to(out).as_posix(): p.read_bytes() if p.is_file() else None for p in sorted(out.rglob("*"))}
    assert after == before, "the old site, byte for byte"
    assert [p.name for p in small_disk.iterdir() if p.name.startswith(".")] == []

    filler.unlink()
    fill(small_disk, 1024 * 1024)  # room for the update, not for a second copy of the site
    folder = out.stat().st_ino
    again = cli("-C", str(site.root), "build", "--no-search", "-o", str(out))
    assert again.code == 0, again.err
    assert out.stat().st_ino == folder, "updated in place"
    assert not tree_diff(_files(out), cold(site))
