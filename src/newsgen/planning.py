"""Sources → a `Gathered` site: read, parse, index and plan every output file, and check.

Nothing here writes the output (`newsgen.build` and `newsgen.serve` do). Given the last
plan's `Outline` (the preview server keeps it in memory, ``newsgen build`` in its cache),
an edit that moves no article (same URL, dates, section, hashtags, images, draft flag:
its `placement`) keeps that plan and re-keys only the pages that show an edited article,
instead of indexing and keying the whole site again: at 10,000 articles, 0.1 s instead
of 0.5 s.
"""
from __future__ import annotations

import functools
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import jinja2
import jinja2.bccache

from newsgen import urls
from newsgen.cache import Signature, file_digest, scan
from newsgen.config import SiteConfig
from newsgen.errors import ContentError, Problem, UsageError, errors_in
from newsgen.feeds import NEWS_WINDOW, feed_plan, sitemap_plan
from newsgen.models import Article
from newsgen.options import BuildOptions
from newsgen.parse import ParseContext
from newsgen.planned import Keys, Planned, digest
from newsgen.related import RelatedMemo
from newsgen.render import PageSpec, Renderer
from newsgen.site import Site, build_site, placement, url_collisions
from newsgen.sources import (
    ImageSizes,
    ParseCache,
    code_digest,
    file_signature,
    list_content,
    list_static,
    load_config,
    source_name,
    tree_digest,
)

__all__ = ["Gathered", "Outline", "Readers", "gather"]

ZERO = timedelta(0)
QUICK_EDITS = 100
"""Past this many edited articles (a config change re-parses them all), plan afresh."""
Sizes = Mapping[str, tuple[int, int]]


@dataclass(frozen=True)
class Gathered:
    """A checked site and the plan of every output file, ready to be written."""

    plan: tuple[Planned, ...]
    """Pages first, then feeds, sitemaps, and static files."""
    warnings: tuple[Problem, ...]
    search: str
    """The key of everything the search index reads."""
    outline: Outline

    @property
    def site(self) -> Site:
        return self.outline.site

    @property
    def pages(self) -> int:
        """How many of the plan's first files are pages."""
        return len(self.outline.pages)

    @property
    def clock(self) -> tuple[datetime | None, datetime | None]:
        """The build clock may move anywhere strictly inside this without changing the output."""
        return self.outline.clock


@dataclass(frozen=True)
class Outline:
    """What a later `gather` needs of this plan to re-plan an edit that moves no article."""

    token: str
    """Names the site's structure: a quick re-plan keeps it, a fresh plan makes a new one."""
    site: Site
    articles: tuple[Article, ...]
    """Every parsed article, drafts and embargoed ones too, in source order."""
    keys: Keys
    """Each published article's key: a page's key is a digest of those of its articles."""
    shared: str
    """The key of what every page depends on: code, config, templates, assets, options, tags."""
    pages: tuple[tuple[str, str], ...]
    """Each page's file and key, in plan order."""
    sitemaps: tuple[tuple[str, str], ...]
    clock: tuple[datetime | None, datetime | None]
    sizes: Sizes
    published: Mapping[str, Path]
    """The static and content files published as they are."""
    readers: Readers

    def fixed(self) -> tuple[object, ...]:
        """What a quick re-plan keeps as it is (`newsgen.build` saves it with each article
        written as its path, read back from the parse cache)."""
        return (self.token, self.site, self.articles, self.sitemaps, self.clock, self.sizes, dict(self.published))

    def variable(self) -> tuple[object, ...]:
        """What a quick re-plan may change."""
        return (self.token, dict(self.keys), self.shared, self.pages, self.readers.table)

    @classmethod
    def rejoin(cls, fixed: object, variable: object) -> Outline | None:
        """The outline saved as `fixed` and `variable`; None if they are not of one plan."""
        if not (isinstance(fixed, tuple) and isinstance(variable, tuple) and len(fixed) == 7 and len(variable) == 5):
            return None
        token, site, articles, sitemaps, clock, sizes, published = fixed
        same, keys, shared, pages, table = variable
        if token != same or not isinstance(site, Site):
            return None
        return cls(token, site, articles, keys, shared, pages, sitemaps, clock, sizes, published, Readers(table=table))


class Readers:
    """Which pages read which article's key: those to re-key when only that article's text
    changed. Found from the page specs on first use (0.1 s at 10,000 articles: the preview
    server asks while the editor reads), then right for every later plan that moves no
    article, since such a plan has the same pages in the same order."""

    def __init__(self, specs: Iterable[PageSpec] | None = None, table: dict[str, list[int]] | None = None) -> None:
        """*specs*: the pages, to look at when first asked; *table*: what that found before."""
        self._specs, self.table = specs, table

    def pages(self, paths: Iterable[str], specs: Callable[[], Iterable[PageSpec]] | None = None) -> set[int]:
        """The indices (in the plan) of the pages that show any article of *paths*.
        *specs* makes the pages for readers restored from a cache without their table."""
        if self.table is None:
            found = self._specs if self._specs is not None else specs() if specs is not None else None
            assert found is not None, "readers restored without a table need the pages"
            self.table, self._specs = _readers(found), None  # specs hold a whole site: let them go
        return {i for path in paths for i in self.table.get(path, ())}


class _Recording(dict[str, str]):
    """Stands in for the article keys and notes which articles a page's key reads."""

    def __init__(self) -> None:
        super().__init__()
        self.read: list[str] = []

    def __getitem__(self, path: str) -> str:
        self.read.append(path)
        return ""


def _readers(specs: Iterable[PageSpec]) -> dict[str, list[int]]:
    pages: dict[str, list[int]] = defaultdict(list)
    recording = _Recording()
    for i, spec in enumerate(specs):
        spec.key(recording)
        for path in set(recording.read):
            pages[path].append(i)
        recording.read.clear()
    return dict(pages)


def gather(
    options: BuildOptions, cache: ParseCache | None = None, images: ImageSizes | None = None,
    scanned: dict[str, Signature] | None = None, previous: Outline | None = None,
) -> Gathered:
    """Read, parse and index the site and plan every output file; raise every problem at
    once. *scanned*: a `scan` of the site the caller already made; *previous*: the last
    build's outline, kept if no article moved (else its related lists are, where they
    cannot change). *cache* must give back the very article objects of *previous* for the
    files that did not change."""
    site_dir = options.site_dir
    config = load_config(site_dir)
    if not (site_dir / "content").is_dir():
        raise UsageError(message=f"no content/ folder in {site_dir}")
    scanned = scan(site_dir) if scanned is None else scanned
    sources, content_names = list_content(scanned)
    content_assets = {path: site_dir / name for path, name in content_names.items()}
    static_assets = list_static(site_dir)
    problems = _asset_clashes(static_assets, content_assets)
    assets = {**static_assets, **content_assets}
    sizes, unreadable = (images or ImageSizes()).measure(assets, site_dir)
    problems += unreadable
    ctx = ParseContext(config, frozenset(assets), urls.base_path(config.base_url), sizes)
    cache = cache or ParseCache()
    parsed, found = cache.update(site_dir, sources, scanned, ctx, frozenset(content_assets), options.progress)
    articles = tuple(parsed)
    problems += found
    problems += url_collisions(articles)
    if options.strict:
        problems = [replace(p, severity="error") for p in problems]
    if errors_in(problems):
        raise ContentError(problems)
    read = _Read(
        options, config, articles, sizes, static_assets, content_assets, cache.full(site_dir, ctx),
        tuple(p for p in problems if p.severity == "warning"),
    )
    again = _replan(previous, read) if previous is not None else None
    return again or _plan(read, previous.site.memo if previous is not None else None)


@dataclass(frozen=True)
class _Read:
    """What `gather` read: enough to plan the site afresh or to re-plan an earlier one."""

    options: BuildOptions
    config: SiteConfig
    articles: tuple[Article, ...]
    sizes: Sizes
    static: dict[str, Path]
    content: dict[str, Path]
    full: Callable[[Article], Article]
    warnings: tuple[Problem, ...]

    def prepare(self, site: Site) -> tuple[dict[str, Path], str, Renderer]:
        """The files *site* publishes as they are, the key all its pages share, a renderer."""
        options = self.options
        published = _published_assets(site, self.static, self.content)
        digests = {path: file_digest(file) for path, file in published.items() if path.endswith((".css", ".js"))}
        templates = options.site_dir / "templates"
        shared = digest(
            code_digest(), site.config, tree_digest(templates), sorted(digests.items()),
            tuple((t.key, t.name, t.slug) for t in site.tags), options.drafts, options.future,
        )
        renderer = Renderer(site, (templates,), digests, self.sizes, self.full, _compiled(options.cache))
        return published, shared, renderer

    def article_key(self, article: Article) -> str:
        """Everything a page can show of *article*: its file, URL, bytes and image sizes."""
        return digest(article.source, article.path, article.digest, tuple(self.sizes.get(p) for p in article.assets))


def _plan(read: _Read, related: RelatedMemo | None) -> Gathered:
    options = read.options
    site = build_site(
        read.config, read.articles, options.now, drafts=options.drafts, future=options.future, previous=related
    )
    published, shared, renderer = read.prepare(site)
    keys = {a.path: read.article_key(a) for a in site.articles}
    specs = renderer.plan()
    render = functools.partial(_render, renderer, site_dir=options.site_dir)
    plan = [Planned(s.file, digest(shared, s.key(keys)), functools.partial(render, s)) for s in specs]
    plan += _sharing(shared, feed_plan(site, keys, renderer.full))
    sitemaps = tuple(_sharing(shared, sitemap_plan(site)))
    plan += sitemaps
    _check_clashes(plan, published, options.site_dir)
    plan += _asset_plan(published)
    outline = Outline(
        os.urandom(16).hex(), site, read.articles, keys, shared, tuple((i.file, i.key) for i in plan[: len(specs)]),
        tuple((i.file, i.key) for i in sitemaps), _clock(read.articles, options.now), read.sizes, published,
        Readers(specs),
    )
    return Gathered(tuple(plan), read.warnings, _search_key(shared, site, plan), outline)


def _replan(previous: Outline, read: _Read) -> Gathered | None:
    """*previous* with the edited articles in, re-keying only the pages that show one;
    None if anything else changed (an article moved, the config, the clock, a template…)."""
    options, now = read.options, read.options.now
    old_site, (low, high) = previous.site, previous.clock
    if (
        len(read.articles) != len(previous.articles) or read.sizes != previous.sizes or read.config != old_site.config
        or not (now == old_site.now or ((low is None or low < now) and (high is None or now < high)))
    ):
        return None
    # The parse cache gives an unchanged file's article back: compare the others.
    edited = [(old, new) for old, new in zip(previous.articles, read.articles) if old is not new]
    if len(edited) > QUICK_EDITS or any(placement(old) != placement(new) for old, new in edited):
        return None
    site = replace(old_site.with_articles(edited), now=now)
    published, shared, renderer = read.prepare(site)
    if shared != previous.shared or published != previous.published:
        return None
    keys = {**previous.keys, **{a.path: read.article_key(a) for _, a in edited if a.path in previous.keys}}
    rekey = renderer.plan_only(previous.readers.pages((a.path for _, a in edited), renderer.plan))
    render = functools.partial(_render, renderer, site_dir=options.site_dir)
    later = _Later(renderer, render)
    plan = []
    for i, (file, key) in enumerate(previous.pages):
        spec = rekey.get(i)
        if spec is None:
            plan.append(Planned(file, key, functools.partial(later.page, i)))
        elif spec.file == file:
            plan.append(Planned(file, digest(shared, spec.key(keys)), functools.partial(render, spec)))
        else:
            return None  # not the same pages after all
    plan += _sharing(shared, feed_plan(site, keys, renderer.full))
    plan += [Planned(file, key, functools.partial(later.sitemap, i)) for i, (file, key) in enumerate(previous.sitemaps)]
    plan += _asset_plan(published)
    pages = tuple((i.file, i.key) for i in plan[: len(previous.pages)])
    outline = replace(previous, site=site, articles=read.articles, keys=keys, pages=pages)
    return Gathered(tuple(plan), read.warnings, _search_key(shared, site, plan), outline)


class _Later:
    """A site's whole plan, made only if a page or sitemap kept from the last plan must be
    made after all (when the preview writes its copy afresh, or the output was lost)."""

    def __init__(self, renderer: Renderer, render: Callable[[PageSpec], bytes]) -> None:
        self.renderer, self.render = renderer, render

    @functools.cached_property
    def specs(self) -> list[PageSpec]:
        return self.renderer.plan()

    @functools.cached_property
    def sitemaps(self) -> list[Planned]:
        return sitemap_plan(self.renderer.site)

    def page(self, position: int) -> bytes:
        return self.render(self.specs[position])

    def sitemap(self, position: int) -> bytes:
        return self.sitemaps[position].make()


def _sharing(shared: str, items: list[Planned]) -> list[Planned]:
    """*items* keyed also by what every file shares."""
    return [Planned(item.file, digest(shared, item.key), item.make) for item in items]


def _search_key(shared: str, site: Site, plan: list[Planned]) -> str:
    """The search index reads the article pages, which come first in a plan."""
    return digest(shared, [item.key for item in plan[: len(site.articles)]])


def _check_clashes(plan: list[Planned], published: dict[str, Path], site_dir: Path) -> None:
    made = {item.file for item in plan}
    clashes = [
        Problem(source_name(published[path], site_dir), 0, f"this file would overwrite the page /{path.removesuffix('index.html')}")
        for path in sorted(made & published.keys())
    ]
    if clashes:
        raise ContentError(clashes)


def _asset_plan(published: dict[str, Path]) -> list[Planned]:
    return [Planned(path, digest(str(file), file_signature(file)), file.read_bytes) for path, file in sorted(published.items())]


class _CompiledOnDisk(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept in the build cache: compiling them is a tenth of a small
    rebuild. Jinja checks each against its template's source and its own version; a
    damaged file is compiled again."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged file can raise almost anything while unpickling
            bucket.reset()


def _compiled(folder: Path | None) -> jinja2.BytecodeCache | None:
    if folder is None:
        return None
    (folder / "templates").mkdir(parents=True, exist_ok=True)
    return _CompiledOnDisk(str(folder / "templates"))


def _render(renderer: Renderer, spec: PageSpec, site_dir: Path) -> bytes:
    try:
        return renderer.render(spec)
    except ContentError as exc:
        prefix = f"{site_dir.resolve()}{os.sep}"
        raise ContentError([replace(p, path=p.path.removeprefix(prefix)) for p in exc.problems]) from None


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


def _clock(articles: tuple[Article, ...], now: datetime) -> tuple[datetime | None, datetime | None]:
    """The instants around *now* at which an article appears (embargo) or leaves the
    news sitemap's window: between them the output cannot change."""
    published = [a.published for a in articles]
    # Each article changes the output at p (appears) and at p + NEWS_WINDOW (leaves):
    # the latest p + shift at or before now, and the earliest one after it.
    before = [max((p for p in published if p <= now - shift), default=None) for shift in (ZERO, NEWS_WINDOW)]
    after = [min((p for p in published if p > now - shift), default=None) for shift in (ZERO, NEWS_WINDOW)]
    lows = [p + shift for p, shift in zip(before, (ZERO, NEWS_WINDOW)) if p is not None]
    highs = [p + shift for p, shift in zip(after, (ZERO, NEWS_WINDOW)) if p is not None]
    return max(lows, default=None), min(highs, default=None)
