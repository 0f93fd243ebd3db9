"""Time newsgen beside Pelican and Hugo with the shared benchmark kit (../shared/bench).

    .venv/bin/python benchmarks/compare.py [--sizes 1000,10000] [--repeat 3] [--search]

Runs ``bench.py`` once with this checkout's ``newsgen build`` plugged in (no search
index unless ``--search``: the peers build none), with ``.newsgen-cache`` cleaned for
the cold runs, and prints the table and the newsgen/peer ratios. Extra arguments go to
bench.py as they are (``--tools hugo``, ``--work DIR``…). Results land in the work
folder (default: ``benchmarks/work/``, git-ignored). Not a test: it takes minutes at
1,000 articles and about 30 at 10,000 with three runs per scenario (the peers take most of it). It compiles the
checkout's bytecode first, as ``pip install .`` would.
"""
from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
KIT = Path(os.environ.get("NEWSGEN_BENCH_KIT", REPO.parent / "shared" / "bench"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="article counts (default 1000,10000)")
    parser.add_argument("--repeat", default="3", help="runs per scenario; the minimum is kept (default 3, as bench.py)")
    parser.add_argument("--search", action="store_true", help="also build the Pagefind index (the peers have none)")
    parser.add_argument("--work", type=Path, default=HERE / "work", help="corpora and results (default benchmarks/work)")
    args, extra = parser.parse_known_args(argv)
    bench = KIT / "bench.py"
    if not bench.is_file():
        print(f"benchmark kit not found at {KIT} (set NEWSGEN_BENCH_KIT)", file=sys.stderr)
        return 2
    # Bytecode for this checkout, as a regular (not editable) install has: else, under
    # PYTHONDONTWRITEBYTECODE, every timed build compiles newsgen's modules (~40 ms).
    subprocess.check_call([sys.executable, "-m", "compileall", "-q", str(REPO / "src")])
    newsgen = Path(sys.executable).parent / "newsgen"
    command = [str(newsgen), "build", "-q"] + ([] if args.search else ["--no-search"])
    call = [
        sys.executable, str(bench), "--sizes", args.sizes, "--repeat", args.repeat, "--work", str(args.work),
        "--newsgen", shlex.join(command), "--newsgen-clean", ".newsgen-cache", *extra,
    ]
    print("+", shlex.join(call), file=sys.stderr, flush=True)
    return subprocess.call(call)


if __name__ == "__main__":
    raise SystemExit(main())
