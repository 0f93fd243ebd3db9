"""``newsgen``: the verb dispatched, ``build`` and ``check`` run, every error mapped to
its exit code (0 success, 1 bad content or a failed write, 2 bad usage or a bad
newsgen.yaml)."""
from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from newsgen.cli.arguments import base_url, clock, parser
from newsgen.cli.terminal import Progress, print_problems, report, summary, unpublished_warning
from newsgen.cli.verbs import deploy_verb, init_verb, new_verb, next_verb, serve_verb, theme_verb
from newsgen.core.errors import NewsgenError, UsageError
from newsgen.core.options import BuildOptions
from newsgen.incremental.checkout import scan_as_built
from newsgen.incremental.noop import noop
from newsgen.incremental.store import CACHE_DIR
from newsgen.io.lock import hold


VERBS: dict[str, Callable[[argparse.Namespace, Path], int]] = {
    "new": new_verb, "serve": serve_verb, "next": next_verb, "deploy": deploy_verb, "init": init_verb, "theme": theme_verb,
}
"""The verbs besides ``build`` and ``check``, which `main` runs itself."""

def run() -> None:
    """The ``newsgen`` command: `main` without the cyclic garbage collector, then exit
    without tearing down the heap. A build frees little and exits: freeing the objects of
    a 10,000-article build one by one takes a fifth of a second, and the collector's first
    pass over them once re-enabled another tenth (`serve`, long-lived, turns it back on)."""
    gc.disable()
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    site_dir = getattr(args, "site_dir", Path("."))
    try:
        verb = VERBS.get(args.verb)
        if verb is not None:
            return verb(args, site_dir)
        if args.jobs < 1:
            raise UsageError(message=f"--jobs must be at least 1, not {args.jobs}")
        building = args.verb == "build"
        quiet = getattr(args, "quiet", False)
        show_progress = building and not quiet and (args.progress or (sys.stderr.isatty() and not os.environ.get("CI")))
        options = BuildOptions(
            site_dir=site_dir,
            output=getattr(args, "output", None) or site_dir / "build",
            now=clock(),
            drafts=args.drafts,
            future=args.future,
            strict=args.strict,
            search=getattr(args, "search", False),
            cache=site_dir / CACHE_DIR if building else None,
            jobs=args.jobs,
            progress=Progress() if show_progress else None,
            base_url=base_url(args),
            changes=getattr(args, "changes", None),
            since=getattr(args, "since", None),
        )
        if options.since is not None and options.changes is None:
            raise UsageError(message="--since names the baseline of a change manifest: give --changes FILE too")
        with hold(options.cache, waiting=lambda message: print(message, file=sys.stderr, flush=True)):
            scanned = scan_as_built(options.cache, site_dir) if building else None
            result = noop(options, scanned) if scanned else None
            if result is not None and options.changes is not None:
                from newsgen.incremental.changes import note_unchanged

                result = result if note_unchanged(options) else None
            if result is None:
                from newsgen.pipeline import build, check

                result = build(options, scanned) if building else check(options, links=args.links)
        report(result, options, args.verb, quiet)
        if building and (options.drafts or options.future) and options.output.resolve() == (site_dir / "build").resolve():
            print(unpublished_warning(options), file=sys.stderr)
        return 0
    except NewsgenError as exc:
        if exc.problems:
            print_problems(exc.problems, site_dir)
            print(summary(exc.problems, args.verb), file=sys.stderr)
        else:
            print(f"newsgen: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        print(f"newsgen: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
