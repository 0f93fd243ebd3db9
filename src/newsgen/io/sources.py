"""Reading a site's sources: the config, article files and assets, image sizes, the
parse cache that re-parses only the files whose bytes (or whose images) changed, and
the compiled templates kept in the build cache.

A cold parse runs in ``jobs`` worker processes; results come back in file order, so the
site is the same whatever the number of workers.
"""
from __future__ import annotations

import functools
import hashlib
import os
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import jinja2
import jinja2.bccache

from newsgen.io import budget
from newsgen.incremental.store import BuildCache
from newsgen.core.config import SiteConfig, parse_config
from newsgen.core.errors import ConfigError, ContentError, Problem, warning
from newsgen.io.lifetime import die_with_parent, ready
from newsgen.io.images import IMAGE_SUFFIXES, image_size
from newsgen.core.models import Article, SharedValues
from newsgen.core.options import CONFIG_FILE, Progress
from newsgen.core.parse import ParseContext, parse_article
from newsgen.core.outputs import digest
from newsgen.core.render import THEME
from newsgen.io.scanning import RACY_NS, Signature, file_digest, refusal, scan_tree, signature
from newsgen.core.urls import is_article_file

if TYPE_CHECKING:
    import multiprocessing.pool

PARALLEL_MIN = 64
"""Fewer files than this are parsed in this process: starting workers costs more."""
CHUNK = 50
Parsed = tuple[str, str, Article | None, list[Problem], int]
"""A file parsed: its name, the SHA-256 of the bytes read, its article, its problems, and
the time (ns) just before it was read."""


def load_config(site_dir: Path, base_url: str | None = None) -> SiteConfig:
    """The site's newsgen.yaml, validated; *base_url* (normalized) replaces its base_url."""
    config = _read_config(site_dir)
    return replace(config, base_url=base_url) if base_url else config


def _read_config(site_dir: Path) -> SiteConfig:
    path = site_dir / CONFIG_FILE
    why = refusal(path, os.path.realpath(site_dir))
    if why is not None:
        raise ContentError([Problem(CONFIG_FILE, 0, why)])
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(message=f"{CONFIG_FILE} not found in {site_dir} (use -C DIR to name the site)") from None
    except UnicodeDecodeError:
        raise ConfigError([Problem(CONFIG_FILE, 0, "not UTF-8 text; save the file as UTF-8")]) from None
    return parse_config(text.replace("\r\n", "\n"))


def list_content(scanned: Mapping[str, Signature]) -> tuple[list[str], dict[str, str]]:
    """From a `scan`: the article files (``content/mundo/x.md``), and every other file of
    content/ as an asset, its site path (``images/x.png``) → its file."""
    articles, assets = [], {}
    for name in sorted(n for n in scanned if n.startswith("content/")):
        if is_article(name):
            articles.append(name)
        else:
            assets[name.removeprefix("content/")] = name
    return articles, assets


def is_article(name: str) -> bool:
    """Whether the `scan` name *name* is an article file (``.md`` or ``.markdown``, in any case)."""
    return name.startswith("content/") and is_article_file(name)


def list_static(site_dir: Path, scanned: Mapping[str, Signature]) -> dict[str, Path]:
    """Theme files, overridden by the site's ``static/`` files (those of the `scan`
    *scanned*, which refused anything it must not read) of the same path."""
    assets = {rel: THEME / "static" / rel for rel in walk_names(THEME / "static")}
    for name in sorted(n for n in scanned if n.startswith("static/")):
        assets[name.removeprefix("static/")] = site_dir / name
    return assets


def walk_names(root: Path) -> list[str]:
    """The relative names (``css/site.css``) of the regular files below *root*, sorted, as
    `scan` sees them: for newsgen's own files (a site's are in its `scan`)."""
    return sorted(scan_tree(root).files)


def tree_digest(root: Path) -> str:
    """A digest of every file below *root*: names and bytes (compiled Python aside)."""
    return digest([(rel, file_digest(root / rel)) for rel in walk_names(root)])


def templates_digest(site_dir: Path, scanned: Mapping[str, Signature]) -> str:
    """`tree_digest` of the site's ``templates/``, from the files of its `scan` *scanned*."""
    names = sorted(n for n in scanned if n.startswith("templates/"))
    return digest([(name.removeprefix("templates/"), file_digest(site_dir / name)) for name in names])


@functools.cache
def code_digest() -> str:
    """newsgen's own code and theme: a new version, or a local edit, re-parses and
    re-renders everything."""
    return tree_digest(THEME.parent)


def source_name(path: Path, site_dir: Path) -> str:
    return path.relative_to(site_dir).as_posix() if path.is_relative_to(site_dir) else str(path)


def file_signature(path: Path) -> Signature:
    return signature(path.stat())


class ImageSizes:
    """Width and height of image assets, read once per file version (by signature)."""

    def __init__(self, known: dict[str, tuple[Signature, tuple[int, int] | None]] | None = None) -> None:
        self.known = known or {}

    def measure(self, assets: Mapping[str, Path], site_dir: Path) -> tuple[dict[str, tuple[int, int]], list[Problem]]:
        """Sizes of every image in *assets*; a warning for each one that cannot be read."""
        sizes, problems, seen = {}, [], {}
        for path, file in assets.items():
            if file.suffix.lower() not in IMAGE_SUFFIXES:
                continue
            sig = file_signature(file)
            known = self.known.get(str(file))
            size = known[1] if known and known[0] == sig else image_size(file)
            seen[str(file)] = (sig, size)
            if size is None:
                problems.append(warning(source_name(file, site_dir), 0, "not a readable image: it is shown without width and height"))
            else:
                sizes[path] = size
        self.known = seen
        return sizes, problems


class Entry(NamedTuple):
    """One article file as last parsed. (A named tuple: 10,000 of them load from the
    cache in a third less time than as a dataclass.)"""

    sha: str
    signature: Signature | None
    """None when the file changed too close to the scan to trust its signature."""
    article: Article | None
    problems: tuple[Problem, ...]
    inputs: str
    """A digest of what parsing read besides the file (config, images, content assets)."""


class ParseCache:
    """Articles parsed by earlier builds, keyed by path, checked by content hash; with a
    `BuildCache`, bodies live in its database and articles here carry none."""

    def __init__(
        self, entries: dict[str, Entry] | None = None, store: BuildCache | None = None, jobs: int = 1, fork: bool = True,
        context: str = "",
    ) -> None:
        """*fork*: start workers by forking this process (False: fresh processes, for a
        process running threads, which a fork may deadlock); *context*: that of *entries*."""
        self.entries: dict[str, Entry] = entries or {}
        self.context = context
        """A digest of everything the entries' ``inputs`` depend on, all found under it."""
        self.store = store
        self.jobs = jobs
        self.fork = fork
        self.parsed = 0
        """Files actually parsed by the last build (the rest came from the cache)."""
        self.shared = SharedValues()

    def update(
        self, site_dir: Path, names: list[str], signatures: Mapping[str, Signature], ctx: ParseContext,
        content_assets: frozenset[str], progress: Progress | None = None,
    ) -> tuple[list[Article], list[Problem]]:
        """Every article of the files *names* (site-relative, with their `scan`
        *signatures*), in order, re-parsing the files whose bytes changed and those whose
        images may resolve differently (*content_assets*: the non-article files of
        content/, where an image path is looked up first)."""
        setting = digest(code_digest(), ctx.config, ctx.url_prefix, sorted(content_assets))
        inputs = functools.lru_cache(maxsize=None)(lambda assets: _inputs(setting, assets, ctx))
        # Under the context of the last update, every entry's inputs are still what they were.
        context = digest(setting, sorted(ctx.assets), sorted(ctx.image_sizes.items()))
        settled = context == self.context
        racy = time.time_ns() - RACY_NS
        todo: list[tuple[str, Signature]] = []
        kept: dict[str, Entry] = {}
        for name in names:
            entry = self.entries.get(name)
            sig = signatures[name]
            trusted = sig if sig[1] < racy else None
            if entry and entry.article is not None and (settled or entry.inputs == inputs(entry.article.assets)):
                if trusted is not None and entry.signature == trusted:
                    kept[name] = entry
                    continue
                if file_digest(site_dir / name) == entry.sha:
                    kept[name] = entry._replace(signature=trusted)
                    continue
            todo.append((name, sig))
        bodies: list[tuple[str, str]] = []
        parsed = self._parse(site_dir, [name for name, _ in todo], ctx)
        for done, ((name, sha, article, problems, read_ns), (_, sig)) in enumerate(zip(parsed, todo), start=1):
            # A write after the read cannot keep the signature once its mtime tick is past.
            trusted = sig if sig[1] < read_ns - RACY_NS else None
            made_from = ""
            if article is not None:
                if self.store is not None:
                    bodies.append((article.digest, article.body_html))
                    article = self.shared.article(article, body_html="")
                else:
                    article = self.shared.article(article)
                sha, made_from = article.digest, inputs(article.assets)  # sha == digest: keep one copy
            kept[name] = Entry(sha, trusted, article, tuple(problems), made_from)
            if done % CHUNK == 0 or done == len(todo):
                if self.store is not None:
                    self.store.add_bodies(bodies)
                bodies = []
                if progress:
                    progress("parsing", done, len(todo))
        self.entries = {name: kept[name] for name in names}
        self.context = context
        self.parsed = len(todo)
        articles = [e.article for e in self.entries.values() if e.article is not None]
        problems = [p for e in self.entries.values() for p in e.problems]
        return articles, problems

    def _parse(
        self, site_dir: Path, names: list[str], ctx: ParseContext
    ) -> Iterator[Parsed]:
        """Parse the files *names*, in order, in this process or in workers."""
        if self.jobs > 1 and len(names) >= PARALLEL_MIN:
            yield from _parse_in_workers(site_dir, names, ctx, self.jobs, self.fork)
        else:
            _init_worker(site_dir, ctx)
            yield from _parse_chunk(names)

    def full(self, site_dir: Path, ctx: ParseContext) -> Callable[[Article], Article]:
        """Gives an article its body back: from the bodies database, else by parsing again."""

        def load(article: Article) -> Article:
            if article.body_html:
                return article
            html = self.store.body(article.digest) if self.store is not None else None  # damage: CacheError
            if html is None:
                raw = (site_dir / article.source).read_bytes()
                with budget.within():
                    parsed, _ = parse_article(article.source, raw, ctx)
                if parsed is None or parsed.digest != article.digest:
                    raise RuntimeError(f"{article.source} changed during the build; build again")
                return parsed
            return article._replace(body_html=html)

        return load


def _inputs(setting: str, assets: tuple[str, ...], ctx: ParseContext) -> str:
    """What an article's parse depends on besides its bytes: the config, the content assets
    an image path may resolve to, and the sizes of the images it shows (*assets*)."""
    return digest(setting, tuple((path, path in ctx.assets, ctx.image_sizes.get(path)) for path in assets))


_WORKER: tuple[Path, ParseContext] | None = None


def _init_worker(site_dir: Path, ctx: ParseContext) -> None:
    global _WORKER
    _WORKER = (site_dir, ctx)


def _parse_chunk(names: list[str]) -> list[Parsed]:
    """Read and parse some files: name, SHA-256 of the bytes read, article, problems, and
    the time just before the read."""
    assert _WORKER is not None
    site_dir, ctx = _WORKER
    results = []
    for name in names:
        read_ns = time.time_ns()
        raw = (site_dir / name).read_bytes()
        with budget.within():  # in the main thread of this process (or of a worker)
            article, problems = parse_article(name, raw, ctx)
        sha = article.digest if article is not None else hashlib.sha256(raw).hexdigest()
        results.append((name, sha, article, problems, read_ns))
    return results


def _parse_in_workers(
    site_dir: Path, names: list[str], ctx: ParseContext, jobs: int, fork: bool
) -> Iterator[Parsed]:
    chunks = [names[start : start + CHUNK] for start in range(0, len(names), CHUNK)]
    with worker_pool(jobs, _init_worker, (site_dir, ctx), fork) as pool:
        for results in pool.imap(_parse_chunk, chunks):
            yield from results


def worker_pool(
    jobs: int, initializer: Callable[..., None], args: tuple[object, ...], fork: bool = True
) -> multiprocessing.pool.Pool:
    """A pool of *jobs* processes: forked where the platform allows (no re-import, no
    pickling of the site) unless told not to, else spawned. Each worker dies with this
    process, even when it is killed (`newsgen.io.lifetime`). (Imported here: an incremental
    build uses none, and multiprocessing costs it 6 ms to import.)"""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if fork and "fork" in methods else "spawn")
    ready()  # looked up once, before the fork
    return context.Pool(jobs, _start_worker, (os.getpid(), initializer, args))


def _start_worker(parent: int, initializer: Callable[..., None], args: tuple[object, ...]) -> None:
    die_with_parent(parent, watch=True)
    initializer(*args)


class SiteTemplates(jinja2.BaseLoader):
    """The site's ``templates/`` first, then newsgen's theme. A site template is named by
    its path in the site (``templates/article.html``), as every problem is, and is read
    only if it is a regular file inside the site folder: the `scan` refused any other
    before a page was rendered, but a template may include one it never listed (a hidden
    name)."""

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir
        self.inside = os.path.realpath(site_dir)
        self.theme = jinja2.FileSystemLoader(str(THEME / "templates"))

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        name = "/".join(["templates", *jinja2.loaders.split_template_path(template)])
        path = self.site_dir / name
        why = refusal(path, self.inside)
        if why is not None:
            raise ContentError([Problem(name, 0, why)])
        try:
            info = os.stat(path)
        except OSError:
            info = None
        if info is None or not stat.S_ISREG(info.st_mode):
            try:
                return self.theme.get_source(environment, template)
            except jinja2.TemplateNotFound:
                raise jinja2.TemplateNotFound(template, f"{template!r} is neither in templates/ nor in newsgen's theme") from None
        mtime = info.st_mtime_ns
        text = path.read_text(encoding="utf-8")

        def uptodate() -> bool:
            try:
                return os.stat(path).st_mtime_ns == mtime
            except OSError:
                return False

        return text, name, uptodate


class _CompiledOnDisk(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept in the build cache: compiling them is a tenth of a small
    rebuild. Jinja checks each against its template's source and its own version; a
    damaged file is compiled again."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged file can raise almost anything while unpickling
            bucket.reset()


def compiled_templates(folder: Path | None) -> jinja2.BytecodeCache | None:
    """Where a build keeps its compiled templates: in the cache *folder*, if any."""
    if folder is None:
        return None
    (folder / "templates").mkdir(parents=True, exist_ok=True)
    return _CompiledOnDisk(str(folder / "templates"))
