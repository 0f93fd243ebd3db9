"""`newsgen.io.atomic.replacing`: a file replaced whole or not at all, its temporary file
gone either way, and the permissions a new or an existing file ends with."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsgen.io.atomic import replacing


def test_the_bytes_replace_the_file_and_nothing_is_left_beside_it(tmp_path: Path) -> None:
    target = tmp_path / "urls.lock"
    target.write_bytes(b"old")
    with replacing(target, suffix=".newsgen-tmp", fsync=True) as file:
        file.write(b"new")
        assert target.read_bytes() == b"old"
        [temporary] = [p.name for p in tmp_path.iterdir() if p != target]
        assert temporary.startswith(".urls.lock.") and temporary.endswith(".newsgen-tmp")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["urls.lock"]


@pytest.mark.parametrize("chosen", [False, True], ids=["random-name", "chosen-name"])
def test_a_failure_leaves_the_old_file_and_no_temporary_one(tmp_path: Path, chosen: bool) -> None:
    target = tmp_path / "index"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), replacing(target, temporary=tmp_path / ".index.1-2.tmp" if chosen else None) as file:
        file.write(b"half")
        raise RuntimeError("killed")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["index"]


def test_a_new_file_gets_the_mode_asked_and_an_existing_one_keeps_its_own(tmp_path: Path) -> None:
    new, old = tmp_path / "new", tmp_path / "old"
    old.write_bytes(b"")
    old.chmod(0o664)
    for target in (new, old):
        with replacing(target, mode=0o644) as file:
            file.write(b"x")
    assert new.stat().st_mode & 0o7777 == 0o644
    assert old.stat().st_mode & 0o7777 == 0o664


def test_a_chosen_name_is_made_with_the_umask_s_mode(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        with replacing(tmp_path / "a.webp", temporary=tmp_path / ".a.webp.1-2.tmp") as file:
            file.write(b"x")
    finally:
        os.umask(umask)
    assert (tmp_path / "a.webp").stat().st_mode & 0o777 == 0o644
