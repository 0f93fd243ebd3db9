"""A damaged build cache never breaks a build: whatever happened to any of its files
(cut short, zeroed, random bytes, emptied, a folder where a file should be or the other
way round, a file this user may not read), the build warns, starts afresh, exits 0 and
writes the site a build from scratch writes; the build after it is quiet again."""
from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from helpers.sites import CliRun, CONFIG, NOW, png, SiteDir, tree

CACHE = ".newsgen-cache"
WARNED = ("index", "index-delta", "articles", "plan", "bodies.sqlite", "cache")
"""What a build reads and must not trust once damaged: it says so. (The no-op memo
``state``, compiled templates and the lock are checked and replaced quietly.)"""
FILES = ("index", "index-delta", "articles", "plan", "state", "bodies.sqlite", "lock")
FOLDERS = ("templates", "cache")
DAMAGES = ("truncated", "zeroed", "random", "empty", "swapped", "unreadable")
"""``swapped``: a folder where the file was, or a file where the folder was."""
CASES = [
    (name, how) for name in FILES + FOLDERS for how in DAMAGES
    if name in ("index", "bodies.sqlite")  # every damage; fewer elsewhere, where they end the same way
    or how in {"cache": ("swapped", "unreadable"), "lock": ("truncated", "swapped", "unreadable")}.get(
        name, ("truncated", "random", "swapped", "unreadable"))
]
EDITED = "content/mundo/2025-06-04-noticia-3.md"


def write_site(root: Path) -> SiteDir:
    site = SiteDir(root)
    site.write("newsgen.yaml", CONFIG)
    site.write("static/images/foto.png", png(16, 9))
    for n in range(6):
        site.article(f"2025-06-0{n + 1}-noticia-{n}", headline=f"Notícia {n}", timestamp=f"2025-06-0{n + 1}T10:00",
                     hashtags=["NATO", f"Tema{n % 2}"], body=f"Corpo da notícia {n}.\n\n![Foto](images/foto.png \"Legenda.\"){{credit=\"Lusa\"}}\n")
    return site


def edit(site: SiteDir) -> None:
    text = (site.root / EDITED).read_text(encoding="utf-8")
    (site.root / EDITED).write_text(text.replace("Notícia 3", "Notícia 3, corrigida"), encoding="utf-8")


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The edited site built from scratch."""
    site = write_site(tmp_path_factory.mktemp("cold") / "site")
    edit(site)
    site.build()
    return tree(site.out)


@pytest.fixture
def site(tmp_path: Path, cli: Callable[..., CliRun]) -> Iterator[SiteDir]:
    """The site, built once with its cache, then again after a file's signature changed:
    the index saved whole, and the rows that changed beside it (``index-delta``)."""
    built = write_site(tmp_path / "site")
    assert run(built, cli).code == 0
    os.utime(built.root / "content/mundo/2025-06-01-noticia-0.md", (NOW.timestamp(), NOW.timestamp()))
    assert run(built, cli).code == 0
    assert (built.root / CACHE / "index-delta").is_file()
    yield built
    subprocess.run(["chmod", "-R", "u+rwX", str(tmp_path)], capture_output=True)


def run(site: SiteDir, cli: Callable[..., CliRun], restricted: bool = False) -> CliRun:
    """``newsgen build``: in this process, or, *restricted*, in a child process as a user
    whom file permissions bind (root without the capabilities that let it ignore them)."""
    args = ["-C", str(site.root), "build", "--no-search", "-j", "1"]
    if not restricted:
        return cli(*args)
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))}
    done = subprocess.run([*bound_by_permissions(), sys.executable, "-m", "newsgen", *args],
                          capture_output=True, text=True, env=env)
    return CliRun(done.returncode, done.stdout, done.stderr)


def bound_by_permissions() -> list[str]:
    """A command prefix under which file permissions apply: none needed but as root, who
    reads anything; then Linux's ``setpriv`` drops the capabilities that allow it."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    caps = "-dac_override,-dac_read_search"
    prefix = [setpriv or "setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}"]
    secret = Path(tempfile.mkdtemp()) / "secret"
    secret.write_text("x")
    secret.chmod(0)
    try:
        usable = setpriv is not None and subprocess.run([*prefix, "cat", str(secret)], capture_output=True).returncode == 1
    finally:
        shutil.rmtree(secret.parent)
    if not usable:
        pytest.skip("cannot drop root's power over file permissions here (setpriv)")
    return prefix


def damage(path: Path, how: str, rng: random.Random) -> None:
    """Damage the file or folder *path* (every file of a folder, for the byte damages)."""
    if how == "swapped":
        if path.is_dir():
            shutil.rmtree(path)
            path.write_bytes(b"not a folder")
        else:
            path.unlink()
            (path / "inner").mkdir(parents=True)
        return
    if how == "unreadable":
        path.chmod(0)
        return
    for file in [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]:
        data = file.read_bytes()
        file.write_bytes({"truncated": data[: len(data) // 2], "zeroed": bytes(len(data)), "empty": b"",
                          "random": bytes(rng.randrange(256) for _ in range(len(data)))}[how])


def targets(cache: Path, name: str) -> list[Path]:
    if name == "cache":
        return [cache]
    if name == "articles":
        return sorted(cache.glob("articles-*"))
    return [cache / name]


@pytest.mark.parametrize(("name", "how"), CASES)
def test_a_damaged_cache_means_a_warning_and_a_fresh_start(
    site: SiteDir, expected: dict[str, bytes], cli: Callable[..., CliRun], name: str, how: str,
) -> None:
    cache = site.root / CACHE
    found = targets(cache, name)
    assert found and all(p.exists() for p in found), f"{name} is not in the cache"
    restricted = how == "unreadable"
    if restricted:
        bound_by_permissions()  # or skip
    rng = random.Random(f"{name}-{how}")
    for path in found:
        damage(path, how, rng)
    edit(site)

    result = run(site, cli, restricted)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    warnings = [line for line in result.err.splitlines() if "warning:" in line]
    assert all(CACHE in line for line in warnings), result.err
    if name in WARNED:
        assert warnings, f"no warning for a damaged {name}:\n{result.err}"
    assert tree(site.out) == expected

    again = run(site, cli, restricted)
    assert again.code == 0, again.err
    assert " 0 rewritten" in again.err and "warning" not in again.err, again.err
    assert tree(site.out) == expected
