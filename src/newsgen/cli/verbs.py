"""The verbs besides ``build`` and ``check``: ``serve``, ``deploy``, ``init``, ``theme``,
``next`` and ``new``; each imports what it needs when it runs."""
from __future__ import annotations

import argparse
import gc
import math
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import newsgen
from newsgen.cli.arguments import base_url, clock
from newsgen.cli.terminal import Terminal
from newsgen.core.errors import ContentError, Problem, UsageError, errors_in
from newsgen.core.options import BuildOptions
from newsgen.incremental.checkout import scan_as_built
from newsgen.incremental.noop import known_clock
from newsgen.incremental.store import CACHE_DIR
from newsgen.io.scanning import refusal


def serve_verb(args: argparse.Namespace, site_dir: Path) -> int:
    from newsgen.preview.serve import ServeOptions, serve

    gc.enable()  # a long-lived process (`run` turned it off)
    if args.port is not None and not 0 <= args.port <= 65535:
        raise UsageError(message=f"--port must be between 0 and 65535, not {args.port}")
    options = ServeOptions(
        site_dir=site_dir, host=args.host, port=args.port, drafts=args.drafts, future=args.future,
        open_browser=args.open_browser, poll=args.poll, search=args.search, base_url=base_url(args),
    )
    try:
        serve(options, clock, Terminal(site_dir, getattr(args, "quiet", False)))
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    return 0


def deploy_verb(args: argparse.Namespace, site_dir: Path) -> int:
    from newsgen.deploy import DeployOptions, deploy

    if args.jobs < 1:
        raise UsageError(message=f"--jobs must be at least 1, not {args.jobs}")
    options = DeployOptions(
        site_dir=site_dir, output=args.output or site_dir / "build", bucket=args.bucket, prefix=args.prefix,
        endpoint=args.endpoint, region=args.region, dry_run=args.dry_run, trust_manifest=args.trust_manifest,
        jobs=args.jobs, environ=os.environ, home=Path.home(), changes=args.changes,
    )
    try:
        deploy(options, sys.stdout, sys.stderr, quiet=getattr(args, "quiet", False))
    except KeyboardInterrupt:
        print("newsgen: deploy interrupted; run it again to finish (nothing half-done is claimed)", file=sys.stderr)
        return 1
    return 0


def init_verb(args: argparse.Namespace, site_dir: Path) -> int:
    from zoneinfo import ZoneInfo

    from newsgen.starter import WORKFLOW, starter_files, write_site

    target = site_dir / args.directory
    now = clock().astimezone(ZoneInfo("Europe/Lisbon"))
    files = starter_files(now, newsgen.__version__)
    written, kept = write_site(target, files)
    if not getattr(args, "quiet", False):
        shown = os.path.relpath(target)
        print(f"new site in {shown}/: {', '.join(written)}")
        if kept:
            print(f"left as they were: {', '.join(kept)}")
        where = "" if shown == "." else f" -C {shown}"
        print(f"next: newsgen serve{where} (the preview), newsgen build{where}; then commit and push: "
              f"{WORKFLOW} publishes it (its README says how)")
    return 0


def theme_verb(args: argparse.Namespace, site_dir: Path) -> int:
    from newsgen.io.sources import walk_names
    from newsgen.theme import THEME

    files = [f"{folder}/{name}" for folder in ("templates", "static") for name in walk_names(THEME / folder)]
    if args.file is None:
        for name in files:
            print(f"{name}  (overridden by the site)" if (site_dir / name).is_file() else name)
        return 0
    name = args.file.strip("/")
    if name not in files:
        raise UsageError(message=f"{args.file} is not a file of the theme; newsgen theme lists them")
    target = site_dir / name
    if target.exists():
        raise UsageError(message=f"{os.path.relpath(target)} already exists: the site already overrides it")
    why = refusal(target.parent, os.path.realpath(site_dir)) if target.parent.exists() else None
    if why is not None:  # never write through a symlink out of the site
        raise ContentError([Problem(os.path.dirname(name), 0, why)])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((THEME / name).read_bytes())
    print(os.path.relpath(target))
    return 0


def next_verb(args: argparse.Namespace, site_dir: Path) -> int:
    """``newsgen next``: from the last build's state when nothing changed since (without
    loading the engine), else by reading the sources."""
    options = BuildOptions(
        site_dir=site_dir, output=site_dir / "build", now=clock(), drafts=args.drafts, future=args.future,
        cache=site_dir / CACHE_DIR, base_url=base_url(args),
    )
    known = known_clock(options, scan_as_built(options.cache, site_dir))
    if known is not None:
        moment = known[1]
    else:
        from newsgen.incremental.schedule import next_change

        moment = next_change(options)
    if moment is None:
        if not getattr(args, "quiet", False):
            print("nothing scheduled: the output changes only when the sources do", file=sys.stderr)
        return 0
    print(next_line(moment, args.form))
    return 0


def next_line(moment: datetime, form: str) -> str:
    """*moment* as ``newsgen next --format`` prints it."""
    epoch = math.ceil(moment.timestamp())
    if form == "epoch":
        return str(epoch)
    if form == "github":
        return f"next={moment.isoformat(timespec='seconds')}\nnext-epoch={epoch}"
    if form == "cron":  # cron fires at whole minutes: the first one at or after the moment
        at = datetime.fromtimestamp(math.ceil(epoch / 60) * 60, UTC)
        return f"{at.minute} {at.hour} {at.day} {at.month} *"
    return moment.isoformat(timespec="seconds")


def new_verb(args: argparse.Namespace, site_dir: Path) -> int:
    from newsgen.core import scaffold
    from newsgen.core.config import did_you_mean
    from newsgen.core.parse import ParseContext, parse_article
    from newsgen.io.sources import load_config

    config = load_config(site_dir)
    now = clock().astimezone(config.timezone)
    headline = " ".join(args.headline.split())
    hashtags = [t.strip() for t in args.hashtags.split(",") if t.strip()]
    if config.section(args.section) is None:
        keys = [s.key for s in config.sections]
        hint = did_you_mean(args.section, keys)
        raise UsageError(message=f"unknown section {args.section!r}{hint}; newsgen.yaml defines: {', '.join(keys)}")
    relative = scaffold.article_file(headline, args.section, now)
    text = scaffold.article_text(headline, args.section, hashtags, now)
    _, problems = parse_article(relative, text.encode(), ParseContext(config, frozenset()))
    if errors_in(problems):
        raise UsageError(message="\n".join(p.message for p in errors_in(problems)))
    target = site_dir / relative
    folder = target.parent.relative_to(site_dir).as_posix()
    why = refusal(site_dir / folder, os.path.realpath(site_dir))
    if why is not None:  # never write through a symlink out of the site
        raise ContentError([Problem(folder, 0, why)])
    if target.exists():
        raise UsageError(message=f"{os.path.relpath(target)} already exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as handle:
        handle.write(text)
    print(os.path.relpath(target))
    return 0
