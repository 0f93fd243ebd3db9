"""What a command is given: its arguments (`parser`), the clock (`clock`:
``SOURCE_DATE_EPOCH`` or the time) and the base URL from the flag or the environment."""
from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import newsgen
from newsgen.core.errors import UsageError
from newsgen.core.options import BASE_URL_VARIABLE, DEPLOY_JOBS
from newsgen.core.urls import normalized_base_url
from newsgen.incremental.store import CACHE_DIR

NEXT_FORMATS = ("iso", "epoch", "github", "cron")
"""What ``newsgen next --format`` takes (`newsgen.cli.verbs.next_line`)."""


def clock() -> datetime:
    """The build's "now": ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else the time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return datetime.now(UTC)
    try:
        return datetime.fromtimestamp(int(epoch), UTC)
    except (ValueError, OverflowError, OSError):
        raise UsageError(message=f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {epoch!r}") from None


class Version(argparse.Action):
    """``--version``: newsgen's, and Pillow's with the image formats it can encode
    (imported only when asked: Pillow is no part of a build with nothing to do)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **_: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and the image encoders, then exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from newsgen.io.photos import codecs

        print(f"newsgen {newsgen.__version__}\n{codecs()}")
        parser.exit()


def parser() -> argparse.ArgumentParser:
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
    parser.add_argument("--version", action=Version)
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
    p.add_argument("-j", "--jobs", type=int, metavar="N", default=DEPLOY_JOBS,
                   help="requests in flight (default: %(default)s)")
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


def base_url(args: argparse.Namespace) -> str | None:
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
