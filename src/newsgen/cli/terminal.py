"""What a command prints: problems as ``path:line: message``, the summary line, progress,
and the preview's console."""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from newsgen.core.errors import Problem, collapsed, plural, tally
from newsgen.core.options import BuildOptions, BuildResult


def report(result: BuildResult, options: BuildOptions, verb: str, quiet: bool) -> None:
    print_problems(result.printed(), options.site_dir)
    if quiet:
        return
    for note in result.notes:
        print(note, file=sys.stderr)
    articles = plural(result.articles, "article")
    if verb == "build":
        summary = " · ".join(
            [f"built {articles}", plural(result.pages, "page"), f"{result.rewritten:,} rewritten", f"{result.seconds:.2f} s"]
        )
        print(f"{summary} → {os.path.relpath(options.output)}", file=sys.stderr)
    else:
        print(f"checked {articles} and {plural(result.pages, 'page')}: no errors", file=sys.stderr)


def unpublished_warning(options: BuildOptions) -> str:
    """What ``--drafts`` / ``--future`` did to the folder that gets published."""
    flags = " and ".join(flag for flag, on in (("--drafts", options.drafts), ("--future", options.future)) if on)
    what = " and ".join(kind for kind, on in (("draft", options.drafts), ("embargoed", options.future)) if on)
    return (
        f"warning: {flags} put {what} articles in {os.path.relpath(options.output)}/, the folder you publish; "
        f"build without {'them' if ' and ' in flags else 'it'} before publishing (or use -o DIR, or newsgen serve)"
    )


class Progress:
    """A line on stderr at most every second, once a build has run for a second:
    ``parsing 2,350/10,000 · 3.1 s``."""

    def __init__(self) -> None:
        self.started = self.shown = time.monotonic()

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.shown >= 1.0:
            self.shown = now
            print(f"{phase} {done:,}/{total:,} · {now - self.started:.1f} s", file=sys.stderr, flush=True)


def print_problems(problems: Sequence[Problem], site_dir: Path) -> None:
    """Every problem as ``path:line: message``, paths relative to where the editor stands;
    repeats of one message in one file after the first few are counted, not printed."""
    base = os.path.relpath(site_dir)  # once: 10,000 warnings must not cost half a second
    lines = [
        str(problem if problem.path.startswith(("(", "/")) or base == "."
            else Problem(os.path.join(base, problem.path), problem.line, problem.message, problem.severity))
        for problem in collapsed(problems)
    ]
    if lines:
        sys.stderr.write("\n".join(lines) + "\n")


def summary(problems: Sequence[Problem], verb: str) -> str:
    """``2 errors in 1 file``; a build (or ``new``) also says it wrote nothing (``check`` never writes)."""
    return tally(problems) if verb == "check" else f"{tally(problems)}; nothing was written"


class Terminal:
    """The preview's console: problems and progress on stderr, the URL on stdout."""

    def __init__(self, site_dir: Path, quiet: bool) -> None:
        self.site_dir, self.quiet = site_dir, quiet

    def serving(self, url: str) -> None:
        print(f"serving {url} (Ctrl-C to stop)", flush=True)

    def problems(self, problems: Sequence[Problem], summary: str) -> None:
        print_problems(problems, self.site_dir)
        print(summary, file=sys.stderr, flush=True)

    def info(self, message: str) -> None:
        if not self.quiet:
            print(message, file=sys.stderr, flush=True)
