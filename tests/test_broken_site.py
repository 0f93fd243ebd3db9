"""A site full of mistakes: every problem in every file, exactly, in one run, nothing written."""
from __future__ import annotations

import shutil
from pathlib import Path

from helpers.sites import REPO

BROKEN = REPO / "tests" / "sites" / "broken"


def test_check_and_build_report_exactly_the_expected_lines(cli, tmp_path: Path, monkeypatch) -> None:
    site = tmp_path / "broken"
    shutil.copytree(BROKEN, site)
    monkeypatch.chdir(site)
    expected = (BROKEN / "expected.txt").read_text(encoding="utf-8").splitlines()
    for verb in ("check", "build"):
        run = cli(verb)
        assert run.code == 1
        tally = expected[-1] if verb == "build" else expected[-1].removesuffix("; nothing was written")
        assert run.err.splitlines() == [*expected[:-1], tally]
    assert not (site / "build").exists()
