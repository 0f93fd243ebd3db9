"""The pipeline: read, parse, index, render, then write a staging copy and swap it in.

Gather, check, then write: nothing touches the output until every file has parsed
and every page has rendered. The new site replaces the old one in one rename; a
failed build leaves the old one byte for byte.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from newsgen import urls
from newsgen.config import CONFIG_FILE, SiteConfig, parse_config
from newsgen.errors import ConfigError, ContentError, Problem, UsageError, errors_in, warning
from newsgen.feeds import feed_files
from newsgen.media import IMAGE_SUFFIXES, image_size
from newsgen.models import Article
from newsgen.output import Writer, swap
from newsgen.parse import ParseContext, parse_article
from newsgen.render import THEME, Page, Renderer
from newsgen.search import INDEX_DIR, index
from newsgen.site import Site, build_site, url_collisions

MARKER = ".newsgen-output"
MARKER_TEXT = b"Built by newsgen. This directory is replaced on every build.\n"
SOURCE_DIRS = ("content", "templates", "static")


@dataclass(frozen=True)
class BuildOptions:
    site_dir: Path
    output: Path
    now: datetime
    drafts: bool = False
    future: bool = False
    strict: bool = False
    search: bool = True
    """Index the written site with Pagefind (also needs ``search: true`` in the config)."""


@dataclass(frozen=True)
class BuildResult:
    warnings: tuple[Problem, ...]
    articles: int
    pages: int
    files: int
    seconds: float


@dataclass(frozen=True)
class Gathered:
    """A checked, rendered site in memory, ready to be written."""

    site: Site
    pages: tuple[Page, ...]
    assets: dict[str, Path]
    """Site path → source file, for every static file to publish."""
    warnings: tuple[Problem, ...]


def load_config(site_dir: Path) -> SiteConfig:
    path = site_dir / CONFIG_FILE
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(message=f"{CONFIG_FILE} not found in {site_dir} (use -C DIR to name the site)") from None
    except UnicodeDecodeError:
        raise ConfigError([Problem(CONFIG_FILE, 0, "not UTF-8 text; save the file as UTF-8")]) from None
    return parse_config(text.replace("\r\n", "\n"))


class ParseCache:
    """Articles parsed by earlier builds of this process, keyed by path and content hash,
    so a rebuild re-parses only the files whose bytes changed (``serve`` keeps one)."""

    def __init__(self) -> None:
        self._context: ParseContext | None = None
        self._entries: dict[str, tuple[str, Article | None, tuple[Problem, ...]]] = {}
        self.parsed = 0
        """Files actually parsed by the last build (the rest came from the cache)."""

    def start(self, context: ParseContext, paths: set[str]) -> None:
        """Begin a build: a new config or set of assets invalidates everything; files
        that are gone are dropped."""
        if context != self._context:
            self._context, self._entries = context, {}
        self._entries = {p: entry for p, entry in self._entries.items() if p in paths}
        self.parsed = 0

    def parse(self, path: str, raw: bytes) -> tuple[Article | None, tuple[Problem, ...]]:
        assert self._context is not None, "start() first"
        digest = hashlib.sha256(raw).hexdigest()
        entry = self._entries.get(path)
        if entry is None or entry[0] != digest:
            article, problems = parse_article(path, raw, self._context)
            entry = self._entries[path] = (digest, article, tuple(problems))
            self.parsed += 1
        return entry[1], entry[2]


def check(options: BuildOptions) -> BuildResult:
    """Everything a build does except writing: parse, index, render."""
    started = time.perf_counter()
    gathered = gather(options)
    return _result(gathered, time.perf_counter() - started)


def build(options: BuildOptions) -> BuildResult:
    """Build the site into ``options.output``, replacing it only when everything succeeded."""
    started = time.perf_counter()
    _check_output(options)
    gathered = gather(options)
    _publish(gathered, options.output, search=options.search and gathered.site.config.search)
    return _result(gathered, time.perf_counter() - started)


def _result(gathered: Gathered, seconds: float) -> BuildResult:
    files = len(gathered.pages) + len(gathered.assets)
    return BuildResult(gathered.warnings, len(gathered.site.articles), len(gathered.pages), files, seconds)


def gather(options: BuildOptions, cache: ParseCache | None = None) -> Gathered:
    """Read, parse, index and render the site; raise every problem at once."""
    site_dir = options.site_dir
    config = load_config(site_dir)
    content = site_dir / "content"
    if not content.is_dir():
        raise UsageError(message=f"no content/ folder in {site_dir}")
    sources, content_assets = _list_content(content)
    static_assets = _list_static(site_dir)
    problems = _asset_clashes(static_assets, content_assets)
    assets = {**static_assets, **content_assets}
    sizes, unreadable = _image_sizes(assets, site_dir)
    problems += unreadable
    ctx = ParseContext(config, frozenset(assets), urls.base_path(config.base_url), sizes)
    cache = cache or ParseCache()
    names = {path: path.relative_to(site_dir).as_posix() for path in sources}
    cache.start(ctx, set(names.values()))
    articles: list[Article] = []
    for path, name in names.items():
        article, found = cache.parse(name, path.read_bytes())
        problems.extend(found)
        if article is not None:
            articles.append(article)
    problems += url_collisions(tuple(articles))
    if options.strict:
        problems = [replace(p, severity="error") for p in problems]
    if errors_in(problems):
        raise ContentError(problems)
    site = build_site(config, articles, options.now, drafts=options.drafts, future=options.future)
    published = _published_assets(site, static_assets, content_assets)
    digests = {path: _digest(file) for path, file in published.items() if path.endswith((".css", ".js"))}
    try:
        pages = Renderer(site, (site_dir / "templates",), digests, sizes).pages()
    except ContentError as exc:
        raise ContentError(_relative_to(exc.problems, site_dir)) from None
    pages += [Page(path, body) for path, body in feed_files(site).items()]
    clashes = [
        Problem(_source_name(published[p.file], site_dir), 0, f"this file would overwrite the page /{p.path}")
        for p in pages
        if p.file in published
    ]
    if clashes:
        raise ContentError(clashes)
    warnings = tuple(p for p in problems if p.severity == "warning")
    return Gathered(site, tuple(pages), published, warnings)


def _list_content(content: Path) -> tuple[list[Path], dict[str, Path]]:
    """Article files, and every other file as an asset keyed by its site path."""
    articles, assets = [], {}
    for path in sorted(_walk(content)):
        if path.suffix == ".md":
            articles.append(path)
        else:
            assets[path.relative_to(content).as_posix()] = path
    return articles, assets


def _list_static(site_dir: Path) -> dict[str, Path]:
    """Theme files, overridden by the site's ``static/`` files of the same path."""
    assets: dict[str, Path] = {}
    for root in (THEME / "static", site_dir / "static"):
        for path in sorted(_walk(root)):
            assets[path.relative_to(root).as_posix()] = path
    return assets


def _walk(root: Path) -> list[Path]:
    """Files below *root*, skipping hidden names and editor leftovers (``x~``, ``.x.swp``)."""
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [Path(folder, f) for f in files if not f.startswith(".") and not f.endswith("~")]
    return found


def _asset_clashes(static: dict[str, Path], content: dict[str, Path]) -> list[Problem]:
    return [
        Problem(f"content/{path}", 0, f"clashes with static file {path}; rename one of them")
        for path in sorted(static.keys() & content.keys())
    ]


def _published_assets(site: Site, static: dict[str, Path], content: dict[str, Path]) -> dict[str, Path]:
    """All static files; content files only when a published article shows them
    (so an embargoed article's photo is not published before it)."""
    used = {path for article in site.articles for path in article.assets}
    return {**static, **{path: file for path, file in content.items() if path in used}}


def _image_sizes(assets: dict[str, Path], site_dir: Path) -> tuple[dict[str, tuple[int, int]], list[Problem]]:
    """Width and height of every image asset; a warning for each one that cannot be read."""
    sizes, problems = {}, []
    for path, file in assets.items():
        if file.suffix.lower() in IMAGE_SUFFIXES:
            size = image_size(file)
            if size is None:
                problems.append(warning(_source_name(file, site_dir), 0, "not a readable image: it is shown without width and height"))
            else:
                sizes[path] = size
    return sizes, problems


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _source_name(path: Path, site_dir: Path) -> str:
    return path.relative_to(site_dir).as_posix() if path.is_relative_to(site_dir) else str(path)


def _relative_to(problems: tuple[Problem, ...], site_dir: Path) -> list[Problem]:
    prefix = f"{site_dir.resolve()}{os.sep}"
    return [Problem(p.path.removeprefix(prefix), p.line, p.message, p.severity) for p in problems]


# --- writing -----------------------------------------------------------------------------


def _check_output(options: BuildOptions) -> None:
    """Refuse an output folder whose replacement would destroy sources or foreign files."""
    output = options.output.resolve()
    site_dir = options.site_dir.resolve()
    protected = [site_dir, *(site_dir / d for d in SOURCE_DIRS)]
    if any(output == p or p.is_relative_to(output) or output.is_relative_to(p) for p in protected[1:]) or (
        site_dir.is_relative_to(output)
    ):
        raise UsageError(message=f"refusing to write to {options.output}: it holds or is inside the site's sources")
    if output.exists() and not output.is_dir():
        raise UsageError(message=f"{options.output} exists and is not a folder")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise UsageError(
            message=f"refusing to replace {options.output}: it is not empty and was not built by newsgen "
            f"(no {MARKER} file); remove it or choose another -o"
        )


def _publish(gathered: Gathered, output: Path, search: bool) -> None:
    """Write everything to a staging folder beside *output*, index it, then swap it in."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    try:
        writer = Writer(staging)
        for page in gathered.pages:
            writer.write(page.file, page.body)
        for path, source in sorted(gathered.assets.items()):
            writer.copy(path, source)
        if search:
            reserved = [rel for rel in writer.written if rel.split("/")[0] == INDEX_DIR]
            if reserved:
                raise ContentError([Problem(reserved[0], 0, f"{INDEX_DIR}/ is reserved for the search index")])
            index(staging)
        writer.write(MARKER, MARKER_TEXT)
        os.chmod(staging, 0o755)
        swap(staging, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
