"""The command line: verbs, ``-C DIR`` before or after the verb, the clock, exit codes.

Exit codes, mapped here and only here: 0 success, 1 bad content (articles,
templates) or a failed write, 2 bad usage or a bad newsgen.yaml.
"""
from __future__ import annotations

import argparse
import gc
import math
import os
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import newsgen
from newsgen.core.errors import ContentError, NewsgenError, Problem, UsageError, collapsed, errors_in, plural, tally
from newsgen.core.options import BASE_URL_VARIABLE, BuildOptions, BuildResult
from newsgen.core.urls import normalized_base_url
from newsgen.incremental.noop import known_clock, noop
from newsgen.incremental.store import CACHE_DIR
from newsgen.io.lock import hold
from newsgen.io.scanning import refusal, scan_now

# The engine is imported only when a command needs it: a build with nothing to do
# answers from the cache in a fraction of the time that importing Jinja, Markdown and
# Babel would take.

def clock() -> datetime:
    """The build's "now": ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else the time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return datetime.now(UTC)
    try:
        return datetime.fromtimestamp(int(epoch), UTC)
    except (ValueError, OverflowError, OSError):
        raise UsageError(message=f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {epoch!r}") from None


class _Version(argparse.Action):
    """``--version``: newsgen's, and Pillow's with the image formats it can encode
    (imported only when asked: Pillow is no part of a build with nothing to do)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **_: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and the image encoders, then exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from newsgen.io.photos import codecs

        print(f"newsgen {newsgen.__version__}\n{codecs()}")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    site = argparse.ArgumentParser(add_help=False)
    site.add_argument("-C", dest="site_dir", metavar="DIR", type=Path, default=argparse.SUPPRESS,
                      help="the site folder, holding newsgen.yaml (default: the current folder)")
    site.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="print only problems")
    shown = argparse.ArgumentParser(add_help=False)
    shown.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    shown.add_argument("--future", action="store_true", help="include embargoed articles (timestamp after now)")
    filters = argparse.ArgumentParser(add_help=False, parents=[shown])
    filters.add_argument("--strict", action="store_true", help="treat warnings (e.g. unknown fields) as errors")
    search = argparse.ArgumentParser(add_help=False)
    search.add_argument("--no-search", dest="search", action="store_false",
                        help="skip the search index (quicker; also 'search: false' in newsgen.yaml)")
    base = argparse.ArgumentParser(add_help=False)
    base.add_argument("--base-url", metavar="URL",
                      help=f"the site's address for this build instead of newsgen.yaml's base_url, e.g. "
                      f"https://preview.example/pr-12/ (also {BASE_URL_VARIABLE}; this flag wins)")
    jobs = argparse.ArgumentParser(add_help=False)
    jobs.add_argument("-j", "--jobs", type=int, metavar="N", default=os.cpu_count() or 1,
                      help="processes for parsing and writing many files (default: the number of CPUs)")

    parser = argparse.ArgumentParser(
        prog="newsgen",
        description="Build a pt-PT news section from Markdown articles into a static site.",
        parents=[site],
    )
    parser.add_argument("--version", action=_Version)
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)

    p = verbs.add_parser("build", parents=[site, filters, base, search, jobs], help="build the site into build/",
                         description="Check every article, then write what changed since the last build "
                         f"(remembered in {CACHE_DIR}/, safe to delete). Nothing is written when any "
                         "article has an error.")
    p.add_argument("-o", "--output", type=Path, metavar="OUTPUT",
                   help="output folder (default: build/ in the site folder)")
    p.add_argument("--progress", action="store_true",
                   help="print progress lines even when stderr is not a terminal or CI is set")
    p.add_argument("--changes", type=Path, metavar="FILE",
                   help="write a change manifest (JSON): every output file added, changed, deleted or unchanged "
                   "since the baseline, with its SHA-256 and size, and the URLs a CDN must purge")
    p.add_argument("--since", type=Path, metavar="MANIFEST",
                   help="the baseline for --changes: an earlier change manifest, or the deploy manifest "
                   "(.newsgen-deploy.json.gz) of the bucket (default: the output the last --changes build described)")
    p = verbs.add_parser("check", parents=[site, filters, base, jobs], help="report every problem without writing",
                         description="Parse and render everything, print every problem as path:line: message, "
                         "write nothing. Exit 1 when there are errors.")
    p.add_argument("--links", action="store_true",
                   help="also follow every internal link and anchor of the pages (slower)")
    p = verbs.add_parser("next", parents=[site, shown, base], help="print when the output next changes by itself",
                         description="Print the next instant at which a build of the unchanged sources would "
                         "write something else (an embargo lifting, an article expiring or leaving the news "
                         "sitemap's 48 hours, a live page ending, a correction coming due, a front-page "
                         "priority's until), in ISO 8601 with its offset; nothing when no such instant is "
                         "coming. Run newsgen build at that time (see README).")
    p.add_argument("--format", dest="form", choices=NEXT_FORMATS, default="iso",
                   help="iso (default), epoch (seconds since 1970), github (lines for $GITHUB_OUTPUT), "
                   "cron (minute hour day month, in UTC)")
    p = verbs.add_parser("serve", parents=[site, shown, base, search], help="preview the site; rebuild and reload on every save",
                         description="Build the site into a private temporary folder (never build/), serve it "
                         "on http://127.0.0.1:8000/ and rebuild on every change to content/, templates/, static/ "
                         "or newsgen.yaml. Open tabs reload by themselves; problems show on every page.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, metavar="PORT",
                   help="port to listen on (default: 8000, or the next free one); 0 picks any free port")
    p.add_argument("--open", dest="open_browser", action="store_true", help="open the site in the web browser")
    p.add_argument("--poll", action="store_true",
                   help="poll for changes instead of inotify (for network or container-shared folders)")
    p = verbs.add_parser("deploy", parents=[site], help="upload the built site to S3-compatible storage",
                         description="Upload the built output folder to an S3-compatible bucket (AWS, Cloudflare R2, "
                         "MinIO, Backblaze B2, Google Cloud Storage): only the files whose content or headers changed, "
                         "assets before the pages that link to them, deletions last. The target is 'deploy:' in "
                         "newsgen.yaml; credentials come from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
                         "(AWS_SESSION_TOKEN) or AWS_PROFILE. Prints the URLs to purge on stdout, one a line.")
    p.add_argument("-o", "--output", type=Path, metavar="OUTPUT",
                   help="the built folder to upload (default: build/ in the site folder)")
    p.add_argument("--bucket", help="the bucket (overrides deploy.bucket)")
    p.add_argument("--prefix", help="the folder in the bucket, e.g. noticias/ (overrides deploy.prefix)")
    p.add_argument("--endpoint", metavar="URL", help="the S3 endpoint, e.g. https://ACCOUNT.r2.cloudflarestorage.com "
                   "(overrides deploy.endpoint; default: AWS)")
    p.add_argument("--region", help="the bucket's region (overrides deploy.region; default: AWS_REGION or us-east-1)")
    p.add_argument("--dry-run", action="store_true", help="list what would be uploaded and deleted; change nothing")
    p.add_argument("--trust-manifest", action="store_true",
                   help="skip listing the bucket to check the deploy manifest against it (quicker for big sites)")
    p.add_argument("-j", "--jobs", type=int, metavar="N", default=16, help="requests in flight (default: 16)")
    p.add_argument("--changes", type=Path, metavar="FILE",
                   help="the change manifest of the build (newsgen build --changes FILE): its hashes spare "
                   "reading the whole output")
    p = verbs.add_parser("init", parents=[site], help="start a new site in DIR, ready to build and publish",
                         description="Write a new site into DIR (default: the current folder): newsgen.yaml with "
                         "comments, one sample article, .gitignore, requirements.txt, a GitHub Actions workflow that "
                         "builds and deploys it, and a README for the newsroom. Files already there are left as "
                         "they are. Then: newsgen build -C DIR.")
    p.add_argument("directory", nargs="?", type=Path, default=Path("."), metavar="DIR",
                   help="the new site's folder (made if missing)")
    p = verbs.add_parser("theme", parents=[site], help="list the theme's files, or copy one into the site to change it",
                         description="Without FILE, list the theme's templates and static files (those the site "
                         "overrides marked). With FILE (e.g. templates/article.html), copy it into the site, where "
                         "it overrides the theme's: edit the copy.")
    p.add_argument("file", nargs="?", metavar="FILE", help="a file of the theme, as listed")
    p = verbs.add_parser("new", parents=[site], help="start a new article (a draft)",
                         description="Write content/<section>/<date>-<slug>.md stamped with the current time "
                         "and print its path. The article is a draft until you set draft: false.")
    p.add_argument("headline", help="the headline, in quotes")
    p.add_argument("--section", required=True, help="a section key from newsgen.yaml, e.g. mundo")
    p.add_argument("--hashtags", default="", help="comma-separated, e.g. CooperaçãoMilitar,NATO")
    return parser


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
    args = _parser().parse_args(argv)
    site_dir = getattr(args, "site_dir", Path("."))
    try:
        if args.verb == "new":
            return _new(args, site_dir)
        if args.verb == "serve":
            return _serve(args, site_dir)
        if args.verb == "next":
            return _next(args, site_dir)
        if args.verb == "deploy":
            return _deploy(args, site_dir)
        if args.verb == "init":
            return _init(args, site_dir)
        if args.verb == "theme":
            return _theme(args, site_dir)
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
            progress=_Progress() if show_progress else None,
            base_url=_base_url(args),
            changes=getattr(args, "changes", None),
            since=getattr(args, "since", None),
        )
        if options.since is not None and options.changes is None:
            raise UsageError(message="--since names the baseline of a change manifest: give --changes FILE too")
        with hold(options.cache, waiting=lambda message: print(message, file=sys.stderr, flush=True)):
            scanned = scan_now(site_dir) if building else None
            result = noop(options, scanned) if scanned else None
            if result is not None and options.changes is not None:
                from newsgen.incremental.changes import note_unchanged

                result = result if note_unchanged(options) else None
            if result is None:
                from newsgen.pipeline import build, check

                result = build(options, scanned) if building else check(options, links=args.links)
        _report(result, options, args.verb, quiet)
        if building and (options.drafts or options.future) and options.output.resolve() == (site_dir / "build").resolve():
            print(_unpublished_warning(options), file=sys.stderr)
        return 0
    except NewsgenError as exc:
        if exc.problems:
            _print_problems(exc.problems, site_dir)
            print(_summary(exc.problems, args.verb), file=sys.stderr)
        else:
            print(f"newsgen: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        print(f"newsgen: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1


def _base_url(args: argparse.Namespace) -> str | None:
    """``--base-url``, else ``NEWSGEN_BASE_URL``, checked as newsgen.yaml's base_url is; None
    when neither is given (newsgen.yaml's then)."""
    given, name = args.base_url, "--base-url"
    if given is None:
        given, name = os.environ.get(BASE_URL_VARIABLE) or None, BASE_URL_VARIABLE
    if given is None:
        return None
    try:
        return normalized_base_url(given.strip())
    except ValueError:
        raise UsageError(message=f"{name} must be an absolute http(s) URL, not {given!r}") from None


def _report(result: BuildResult, options: BuildOptions, verb: str, quiet: bool) -> None:
    _print_problems(result.warnings, options.site_dir)
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


def _unpublished_warning(options: BuildOptions) -> str:
    """What ``--drafts`` / ``--future`` did to the folder that gets published."""
    flags = " and ".join(flag for flag, on in (("--drafts", options.drafts), ("--future", options.future)) if on)
    what = " and ".join(kind for kind, on in (("draft", options.drafts), ("embargoed", options.future)) if on)
    return (
        f"warning: {flags} put {what} articles in {os.path.relpath(options.output)}/, the folder you publish; "
        f"build without {'them' if ' and ' in flags else 'it'} before publishing (or use -o DIR, or newsgen serve)"
    )


class _Progress:
    """A line on stderr at most every second, once a build has run for a second:
    ``parsing 2,350/10,000 · 3.1 s``."""

    def __init__(self) -> None:
        self.started = self.shown = time.monotonic()

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.shown >= 1.0:
            self.shown = now
            print(f"{phase} {done:,}/{total:,} · {now - self.started:.1f} s", file=sys.stderr, flush=True)


def _print_problems(problems: Sequence[Problem], site_dir: Path) -> None:
    """Every problem as ``path:line: message``, paths relative to where the editor stands;
    repeats of one message in one file after the first few are counted, not printed."""
    for problem in collapsed(problems):
        shown = problem
        if not problem.path.startswith(("(", "/")):
            shown = Problem(os.path.relpath(site_dir / problem.path), problem.line, problem.message, problem.severity)
        print(shown, file=sys.stderr)


def _summary(problems: Sequence[Problem], verb: str) -> str:
    """``2 errors in 1 file``; a build (or ``new``) also says it wrote nothing (``check`` never writes)."""
    return tally(problems) if verb == "check" else f"{tally(problems)}; nothing was written"


class _Terminal:
    """The preview's console: problems and progress on stderr, the URL on stdout."""

    def __init__(self, site_dir: Path, quiet: bool) -> None:
        self.site_dir, self.quiet = site_dir, quiet

    def serving(self, url: str) -> None:
        print(f"serving {url} (Ctrl-C to stop)", flush=True)

    def problems(self, problems: Sequence[Problem], summary: str) -> None:
        _print_problems(problems, self.site_dir)
        print(summary, file=sys.stderr, flush=True)

    def info(self, message: str) -> None:
        if not self.quiet:
            print(message, file=sys.stderr, flush=True)


def _serve(args: argparse.Namespace, site_dir: Path) -> int:
    from newsgen.preview.serve import ServeOptions, serve

    gc.enable()  # a long-lived process (`run` turned it off)
    if args.port is not None and not 0 <= args.port <= 65535:
        raise UsageError(message=f"--port must be between 0 and 65535, not {args.port}")
    options = ServeOptions(
        site_dir=site_dir, host=args.host, port=args.port, drafts=args.drafts, future=args.future,
        open_browser=args.open_browser, poll=args.poll, search=args.search, base_url=_base_url(args),
    )
    try:
        serve(options, clock, _Terminal(site_dir, getattr(args, "quiet", False)))
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    return 0


def _deploy(args: argparse.Namespace, site_dir: Path) -> int:
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


def _init(args: argparse.Namespace, site_dir: Path) -> int:
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


def _theme(args: argparse.Namespace, site_dir: Path) -> int:
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


def _next(args: argparse.Namespace, site_dir: Path) -> int:
    """``newsgen next``: from the last build's state when nothing changed since (without
    loading the engine), else by reading the sources."""
    options = BuildOptions(
        site_dir=site_dir, output=site_dir / "build", now=clock(), drafts=args.drafts, future=args.future,
        cache=site_dir / CACHE_DIR, base_url=_base_url(args),
    )
    known = known_clock(options, scan_now(site_dir))
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


NEXT_FORMATS = ("iso", "epoch", "github", "cron")


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


def _new(args: argparse.Namespace, site_dir: Path) -> int:
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
