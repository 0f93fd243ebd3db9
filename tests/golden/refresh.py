"""Rebuild tests/golden/expected/ from tests/golden/site/ with the pinned clock.

Run it (`make golden`) after a deliberate change to the output, then review the diff.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from newsgen.io.layout import MARKER, MARKER_TEXT
from newsgen.pipeline import BuildOptions, build

HERE = Path(__file__).resolve().parent
SITE = HERE / "site"
EXPECTED = HERE / "expected"
CLOCK = "2025-11-01T12:00:00+00:00"


def options(output: Path) -> BuildOptions:
    from datetime import datetime

    # The Pagefind index is binary and versioned with Pagefind: tests/test_search.py covers it.
    return BuildOptions(site_dir=SITE, output=output, now=datetime.fromisoformat(CLOCK), search=False)


if __name__ == "__main__":
    shutil.rmtree(EXPECTED, ignore_errors=True)
    result = build(options(EXPECTED))
    # Its marker names the build by a digest that newsgen's code changes: keep it out of the diff.
    (EXPECTED / MARKER).write_bytes(MARKER_TEXT)
    print(f"refreshed {EXPECTED.relative_to(Path.cwd())}: {result.files} files")
