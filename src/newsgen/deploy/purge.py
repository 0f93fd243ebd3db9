"""The purge hook: a command of the site's (``purge_hook`` in newsgen.yaml) that tells a CDN
to forget the URLs a deploy changed. It runs without a shell, as the list of words the
config gives, in the site folder, with the URLs on its standard input, one a line: no URL,
path or file name ever reaches a command line, so none can inject one.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from newsgen.core.errors import UsageError
from newsgen.deploy.failures import DeployError

TIMEOUT = 600
"""Seconds a hook may take before the deploy gives up on it."""


def command(argv: Sequence[str], site_dir: Path) -> list[str]:
    """The hook's argv with its program found (on PATH, or a path relative to the site
    folder); a missing program is a usage error before anything is uploaded."""
    program = argv[0]
    if "/" in program:
        found = site_dir / program
        if not (found.is_file() and os.access(found, os.X_OK)):
            raise UsageError(message=f"purge_hook: {program} is not an executable file in {os.path.relpath(site_dir)}")
        return [str(found.resolve()), *argv[1:]]
    resolved = shutil.which(program)
    if resolved is None:
        raise UsageError(message=f"purge_hook: command '{program}' not found on PATH")
    return [resolved, *argv[1:]]


def run_hook(argv: Sequence[str], urls: Sequence[str], site_dir: Path, err: TextIO) -> None:
    """Run the hook with *urls* on its stdin; its output goes to *err* (stdout is the URLs')."""
    try:
        done = subprocess.run(list(argv), input="".join(f"{u}\n" for u in urls), cwd=site_dir, text=True,
                              encoding="utf-8", capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise DeployError(message=f"the deploy is done, but the purge hook did not finish in {TIMEOUT} s") from None
    except OSError as exc:
        raise DeployError(message=f"the deploy is done, but the purge hook could not run: {exc.strerror}") from None
    for text in (done.stdout, done.stderr):
        if text:
            err.write(text if text.endswith("\n") else text + "\n")
    if done.returncode != 0:
        raise DeployError(message=f"the deploy is done, but the purge hook exited with {done.returncode}; "
                          "the URLs to purge are listed above")
