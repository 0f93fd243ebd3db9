"""Time ``newsgen build`` as CI runs it: a fresh checkout of the site (every file new, with
new mtimes and inodes) with ``.newsgen-cache/`` restored, with or without the previous
output, with nothing changed or one article added.

    .venv/bin/python benchmarks/ci_mode.py CORPUS [--repeat 3] [--search] [--git] [--work DIR]

CORPUS is a site folder (``../shared/bench/gen_corpus.py OUT --articles N`` makes one).
The site is built once in ``WORK/site``; then, for each scenario and run, ``WORK/site`` is
deleted and checked out again (its sources copied without their times, as ``git clone``
writes them), the cache copied back with its times (as ``actions/cache`` restores a
tarball), and the output too when the scenario keeps it. Each row gives the minimum wall
time, the files the build says it rewrote, and the output files whose inode changed (what
an rsync-like deploy that compares times would send) and whose bytes changed.

With ``--git`` the corpus is first committed to a repository in ``WORK/repo``, and every
checkout is a ``git clone`` of it (git's index then vouches for the files it wrote:
`newsgen.incremental.checkout`); the cold build's ``urls.lock`` is committed as the
workflow commits it, and the cache and output kept for the scenarios are those of the
next run (a fresh clone after that commit), as in a CI job's steady state.
Not a test: it takes about a minute at 1,000 articles, 10-15 at 10,000.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = ("newsgen.yaml", "topics.yaml", "content", "static", "templates")
ADDED = "content/mundo/2099-01-01-ci-mode-added.md"
ARTICLE = """---
headline: Artigo acrescentado pela medição do modo CI
standfirst: Um artigo novo, como o que um editor publica entre duas execuções.
section: mundo
timestamp: 2026-08-31T23:59+01:00
slug: ci-mode-added
hashtags: [Diplomacia, NATO]
---

Um parágrafo de texto, para que o artigo tenha corpo.
"""
REWRITTEN = re.compile(r"([\d,]+) rewritten")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="runs per scenario; the minimum is kept (default 3)")
    parser.add_argument("--search", action="store_true", help="also build the Pagefind index")
    parser.add_argument("--work", type=Path, default=HERE / "work" / "ci-mode", help="default benchmarks/work/ci-mode")
    parser.add_argument("--newsgen", default=str(Path(sys.executable).parent / "newsgen"), help="the command")
    parser.add_argument("--changes", action="store_true", help="also write a change manifest (--changes FILE)")
    parser.add_argument("--git", action="store_true", help="check out with git clone (see above)")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    shutil.rmtree(work, ignore_errors=True)
    site, kept = work / "site", work / "kept"
    command = [args.newsgen, "build", "-C", str(site)] + ([] if args.search else ["--no-search"])
    extra = ["--changes", str(work / "changes.json")] if args.changes else []
    repo = work / "repo" if args.git else None
    if repo is not None:
        checkout(args.corpus, repo)
        git(repo, "init", "-q")
        commit(repo, "corpus")
    checkout(args.corpus, site, repo)
    seconds, rewritten = run(command + extra)
    print(f"| cold build | {seconds:.2f} s | {rewritten:,} | | |", flush=True)
    if repo is not None:  # the workflow commits the ledger; its next run is the steady state
        shutil.copyfile(site / "urls.lock", repo / "urls.lock")
        commit(repo, "ledger")
        cache, output = work / "first-cache", work / "first-build"
        shutil.move(site / ".newsgen-cache", cache)
        shutil.move(site / "build", output)
        checkout(args.corpus, site, repo)
        shutil.move(cache, site / ".newsgen-cache")
        shutil.move(output, site / "build")
        seconds, rewritten = run(command + extra)
        print(f"| the next run (a fresh clone with the ledger committed) | {seconds:.2f} s | {rewritten:,} | | |", flush=True)
    shutil.copytree(site / ".newsgen-cache", kept / "cache")
    shutil.copytree(site / "build", kept / "build", symlinks=True)
    baseline = inodes(kept / "build")
    print("| scenario | wall | rewritten (its count) | files with a new inode | files with new bytes |")
    print("|---|---:|---:|---:|---:|")
    for output in (True, False):
        for added in (False, True):
            best = None
            for _ in range(args.repeat):
                checkout(args.corpus, site, repo)
                shutil.copytree(kept / "cache", site / ".newsgen-cache")
                if output:
                    shutil.copytree(kept / "build", site / "build", symlinks=True)
                if added:
                    (site / ADDED).write_text(ARTICLE, encoding="utf-8")
                before = inodes(site / "build") if output else {}
                seconds, rewritten = run(command + extra)
                after = inodes(site / "build")
                new_inode = sum(1 for path, ino in after.items() if before.get(path, (None,))[0] != ino[0])
                new_bytes = sum(1 for path, ino in after.items() if baseline.get(path, (None, None))[1] != ino[1])
                row = (seconds, rewritten, new_inode, new_bytes)
                best = row if best is None or row[0] < best[0] else best
            assert best is not None
            name = f"fresh clone + cache, {'with' if output else 'without'} the output, {'one article added' if added else 'nothing changed'}"
            print(f"| {name} | {best[0]:.2f} s | {best[1]:,} | {best[2]:,} | {best[3]:,} |", flush=True)
    return 0


def checkout(corpus: Path, site: Path, repo: Path | None = None) -> None:
    """*site* afresh: the corpus's sources copied with new times and inodes, nothing else;
    or cloned from *repo*."""
    shutil.rmtree(site, ignore_errors=True)
    if repo is not None:
        git(site.parent, "clone", "-q", str(repo), site.name)
        return
    site.mkdir(parents=True)
    for name in SOURCES:
        source = corpus / name
        if source.is_dir():
            shutil.copytree(source, site / name, copy_function=shutil.copyfile)
        elif source.is_file():
            shutil.copyfile(source, site / name)


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.pt", *args], cwd=folder, check=True)


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def run(command: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited with {done.returncode}:\n{done.stderr}")
    found = REWRITTEN.search(done.stderr + done.stdout)
    return seconds, int(found.group(1).replace(",", "")) if found else 0


def inodes(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file of *folder*: its inode and a digest of its bytes."""
    import hashlib

    found = {}
    for at, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(at, name)
            with open(path, "rb") as file:
                found[os.path.relpath(path, folder)] = (os.fstat(file.fileno()).st_ino, hashlib.file_digest(file, "md5").digest())
    return found


if __name__ == "__main__":
    raise SystemExit(main())
