"""Sources → a `Gathered` site: read, parse, index and plan every output file, and check.

Nothing here writes the output (`newsgen.pipeline` and `newsgen.preview.session` do). Given the last
plan's `Outline` (the preview server keeps it in memory, ``newsgen build`` in its cache),
a quick re-plan replaces indexing and keying the whole site (0.5 s at 10,000 articles):

- an edit that moves no article (same URL, dates, section, hashtags, images, draft flag:
  its `placement`) keeps that plan and re-keys only the pages that show an edited
  article (0.1 s);
- a new article joins the site's lists in place (`Site.with_added`), and only the pages
  it can change are keyed again: its own, its neighbours', those of its tags, month and
  section, the fronts; and only its groups of sitemap files (0.15 s).

Anything else (a deleted, renamed or moved article, a new hashtag, a template or config
change, the clock passing an embargo) plans the site afresh.
"""
from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from newsgen.core import urls
from newsgen.core.config import SiteConfig
from newsgen.core.errors import ContentError, Problem, UsageError, errors_in
from newsgen.core.feeds import FeedEntries, WrittenFeeds, feed_plan
from newsgen.core.models import Article
from newsgen.core.options import BuildOptions
from newsgen.incremental.memory import Outline, Readers, Sizes
from newsgen.core.parse import ParseContext
from newsgen.core.outputs import Keys, Planned, digest
from newsgen.core.related import RelatedMemo
from newsgen.core.render import PageSpec, Renderer
from newsgen.io.scanning import Sources, file_digest, scan
from newsgen.core.site import Site, build_site, placement, position, url_collisions, visible
from newsgen.core.sitemaps import (
    NEWS_WINDOW,
    SitemapFile,
    crawler_plan,
    merged_sitemaps,
    sitemap_files,
    sitemap_groups,
    sitemap_index,
    sitemap_plan,
)
from newsgen.io.sources import (
    ImageSizes,
    ParseCache,
    SiteTemplates,
    code_digest,
    compiled_templates,
    file_signature,
    list_content,
    list_static,
    load_config,
    source_name,
    templates_digest,
)

__all__ = ["Gathered", "gather"]

QUICK_EDITS = 100
"""Past this many edited or added articles (a config change re-parses them all), plan afresh."""


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


def gather(
    options: BuildOptions, cache: ParseCache | None = None, images: ImageSizes | None = None,
    scanned: Sources | None = None, previous: Outline | None = None,
    written: Callable[[str], bytes | None] | None = None,
) -> Gathered:
    """Read, parse and index the site and plan every output file; raise every problem at
    once, those of the `scan` first: an entry it refused (a symlink out of the site, a
    FIFO) is an error, and is never read. *scanned*: a `scan` of the site the caller
    already made; *previous*: the last
    build's outline, kept if no article moved (else its related lists are, where they
    cannot change). *cache* must give back the very article objects of *previous* for the
    files that did not change. *written* reads a file of the output the last build wrote,
    if it holds what *previous* planned."""
    site_dir = options.site_dir
    config = load_config(site_dir, options.base_url)
    if not (site_dir / "content").is_dir():
        raise UsageError(message=f"no content/ folder in {site_dir}")
    scanned = scan(site_dir) if scanned is None else scanned
    files = scanned.files
    sources, content_names = list_content(files)
    content_assets = {path: site_dir / name for path, name in content_names.items()}
    static_assets = list_static(site_dir, files)
    problems = [Problem(name, 0, why) for name, why in sorted(scanned.refused.items())]
    problems += _asset_clashes(static_assets, content_assets)
    assets = {**static_assets, **content_assets}
    sizes, unreadable = (images or ImageSizes()).measure(assets, site_dir)
    problems += unreadable
    ctx = ParseContext(config, frozenset(assets), urls.base_path(config.base_url), sizes)
    cache = cache or ParseCache()
    parsed, found = cache.update(site_dir, sources, files, ctx, frozenset(content_assets), options.progress)
    articles = tuple(parsed)
    problems += found
    problems += url_collisions(articles)
    if options.strict:
        problems = [replace(p, severity="error") for p in problems]
    if errors_in(problems):
        raise ContentError(problems)
    read = _Read(
        options, config, articles, sizes, static_assets, content_assets, templates_digest(site_dir, files),
        cache.full(site_dir, ctx), tuple(p for p in problems if p.severity == "warning"), written,
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
    templates: str
    """A digest of the site's templates."""
    full: Callable[[Article], Article]
    warnings: tuple[Problem, ...]
    written: Callable[[str], bytes | None] | None

    def prepare(self, site: Site) -> tuple[dict[str, Path], str, Renderer]:
        """The files *site* publishes as they are, the key all its pages share, a renderer."""
        options = self.options
        published = _published_assets(site, self.static, self.content)
        digests = {path: file_digest(file) for path, file in published.items() if path.endswith((".css", ".js"))}
        shared = digest(
            code_digest(), site.config, self.templates, sorted(digests.items()),
            tuple((t.key, t.name, t.slug) for t in site.tags), options.drafts, options.future,
        )
        templates = SiteTemplates(options.site_dir)
        renderer = Renderer(site, templates, digests, self.sizes, self.full, compiled_templates(options.cache))
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
    plan = [Planned(s.file, digest(shared, s.key(keys)), functools.partial(renderer.render, s)) for s in specs]
    plan += _sharing(shared, feed_plan(site, keys, renderer.full) + crawler_plan(site, keys))
    files = _sitemap_files(shared, site)
    plan += [Planned(item.file, item.key, make) for item, make in files]
    plan.append(sitemap_index([item for item, _ in files], site))
    _check_clashes(plan, published, options.site_dir)
    plan += _asset_plan(published)
    outline = Outline(
        os.urandom(16).hex(), site, read.articles, keys, shared, tuple((i.file, i.key) for i in plan[: len(specs)]),
        tuple(item for item, _ in files), _clock(read.articles, options.now), read.sizes, published,
        Readers(lambda: specs),
    )
    return Gathered(tuple(plan), read.warnings, _search_key(shared, site, plan), outline)


def _replan(previous: Outline, read: _Read) -> Gathered | None:
    """*previous* with the edited and added articles in, re-keying only the pages that can
    show one; None if anything else changed (an article moved or went, a new hashtag, the
    config, the clock, a template…)."""
    options, now = read.options, read.options.now
    old_site, (low, high) = previous.site, previous.clock
    if (
        read.sizes != previous.sizes or read.config != old_site.config
        or not (now == old_site.now or ((low is None or low < now) and (high is None or now < high)))
    ):
        return None
    changes = _changes(previous.articles, read.articles)
    if changes is None:
        return None
    edited, added = changes
    if len(edited) + len(added) > QUICK_EDITS or any(placement(old) != placement(new) for old, new in edited):
        return None
    site = replace(old_site.with_articles(edited), now=now)
    shown = [a for a in added if visible(a, now, options.drafts, options.future)]
    grown = site.with_added(shown)
    published, shared, renderer = read.prepare(grown)
    if shared != previous.shared:
        return None
    keys = {**previous.keys, **{a.path: read.article_key(a) for _, a in edited if a.path in previous.keys}}
    keys.update((a.path, read.article_key(a)) for a in shown)
    later = _Later(renderer, renderer.render)
    paths = [a.path for _, a in edited]
    if shown:
        rekey: Iterable[int] = set()
        if paths and not previous.readers.known:  # edits after a fresh plan, readers unknown
            rekey = range(len(previous.pages))
        elif paths:
            rekey = previous.readers.pages(paths)
        made = _added_pages(previous, later, keys, shared, rekey, _touched_by_adding(site, grown, shown))
        if made is None:
            return None
        plan, readers = made
        fresh = _sitemap_files(shared, grown, sitemap_groups(grown, shown))
        made_now = {item.file: make for item, make in fresh}
        sitemaps = merged_sitemaps(previous.sitemaps, [item for item, _ in fresh])
    else:
        rekey = previous.readers.pages(paths, renderer.plan)  # the pages of the last plan
        same_pages = _edited_pages(previous, later, keys, shared, rekey)
        if same_pages is None:
            return None
        plan, readers = same_pages, previous.readers
        sitemaps, made_now = list(previous.sitemaps), {}
    pages = tuple((i.file, i.key) for i in plan)
    written = WrittenFeeds(previous.site, previous.keys, read.written) if read.written is not None else None
    entries = FeedEntries(previous.entries, written)
    plan += _sharing(shared, feed_plan(grown, keys, renderer.full, entries) + crawler_plan(grown, keys))
    plan += [
        Planned(item.file, item.key, made_now.get(item.file) or functools.partial(later.sitemap, item.file))
        for item in sitemaps
    ]
    plan.append(sitemap_index(sitemaps, grown))
    if shown:
        _check_clashes(plan, published, options.site_dir)
    plan += _asset_plan(published)
    outline = replace(
        previous, site=grown, articles=read.articles, keys=keys, pages=pages, published=published, readers=readers,
        sitemaps=tuple(sitemaps), clock=_clock(added, now, previous.clock), entries=entries,
        token=os.urandom(16).hex() if added else previous.token,  # new articles: a new structure to save
    )
    return Gathered(tuple(plan), read.warnings, _search_key(shared, grown, plan), outline)


def _changes(before: tuple[Article, ...], after: tuple[Article, ...]) -> tuple[list[tuple[Article, Article]], list[Article]] | None:
    """The (old, new) versions of the edited articles and the added ones; None if one went.
    The parse cache gives an unchanged file's article back: compare the others."""
    same = set(map(id, before)) & set(map(id, after))  # C loops: run on every rebuild
    was = {a.source: a for a in before if id(a) not in same}
    new = [a for a in after if id(a) not in same]
    edited = [(was[a.source], a) for a in new if a.source in was]
    added = [a for a in new if a.source not in was]
    return (edited, added) if len(edited) == len(was) else None


def _edited_pages(previous: Outline, later: _Later, keys: Keys, shared: str, rekey: set[int]) -> list[Planned] | None:
    """The pages of *previous*, those at *rekey* keyed again, the others made only if asked."""
    specs, render = later.renderer.plan_only(rekey), later.render
    plan = []
    for i, (file, key) in enumerate(previous.pages):
        spec = specs.get(i)
        if spec is None:
            plan.append(Planned(file, key, functools.partial(later.page, i)))
        elif spec.file == file:
            plan.append(Planned(file, digest(shared, spec.key(keys)), functools.partial(render, spec)))
        else:
            return None  # not the same pages after all
    return plan


def _added_pages(
    previous: Outline, later: _Later, keys: Keys, shared: str, rekey: Iterable[int], touched: Touched,
) -> tuple[list[Planned], Readers] | None:
    """Every page of the grown site: the pages an addition can change (*touched*) and
    those at *rekey* in *previous* keyed again, the others as they were (an addition
    only inserts pages). None if the pages do not add up after all."""
    renderer, render = later.renderer, later.render
    specs, total = renderer.plan_showing(*touched)
    made = {spec.file for spec in specs.values()}
    kept = [page for page in previous.pages if page[0] not in made]
    if len(kept) + len(specs) != total:
        return None
    rest = iter(kept)
    pages = [(specs[i].file, "") if i in specs else next(rest) for i in range(total)]
    before = [file for file, _ in previous.pages]
    reread = {before[i] for i in rekey} - made
    if reread:
        specs.update(renderer.plan_only(i for i, (file, _) in enumerate(pages) if file in reread))
    plan = [
        Planned(file, key, functools.partial(later.page, i)) if i not in specs
        else Planned(file, digest(shared, specs[i].key(keys)), functools.partial(render, specs[i]))
        for i, (file, key) in enumerate(pages)
    ]
    return plan, previous.readers.moved(before, [file for file, _ in pages], specs, renderer.plan)


Touched = tuple[list[Article], set[str], dict[str, int]]


def _touched_by_adding(site: Site, grown: Site, shown: list[Article]) -> Touched:
    """What an addition to *site* (giving *grown*) can change besides the keys of the
    articles the pages show (`Renderer.plan_showing`): the pages of the added articles,
    of their neighbours and of those whose related list changed; their sections'
    archives; their tags' pages, from the first an added article joins (by its place
    from the oldest, as `Site.tag_pages` numbers them)."""
    tags: dict[str, int] = {}
    for article in shown:
        for hashtag in article.hashtags:
            tagged = grown.tag_index[hashtag.key].articles  # newest first
            at = len(tagged) - 1 - position(tagged, article)
            tags[hashtag.key] = min(tags.get(hashtag.key, at), at)
    members = {a.path: a for key in tags for a in grown.tag_index[key].articles}.values()  # the only lists ranked again
    articles = [a for a in members if grown.related[a.path] is not site.related.get(a.path)]
    for article in shown:
        stories = grown.in_section(article.section)
        at = position(stories, article)
        articles += stories[max(0, at - 1) : at + 2]
    return list({a.path: a for a in articles}.values()), {a.section for a in shown}, tags


class _Later:
    """A site's whole plan, made only if a page or sitemap kept from the last plan must be
    made after all (when the preview writes its copy afresh, or the output was lost)."""

    def __init__(self, renderer: Renderer, render: Callable[[PageSpec], bytes]) -> None:
        self.renderer, self.render = renderer, render

    @functools.cached_property
    def specs(self) -> list[PageSpec]:
        return self.renderer.plan()

    @functools.cached_property
    def sitemaps(self) -> dict[str, Planned]:
        return {item.file: item for item in sitemap_plan(self.renderer.site)}

    def page(self, position: int) -> bytes:
        return self.render(self.specs[position])

    def sitemap(self, file: str) -> bytes:
        return self.sitemaps[file].make()


def _sharing(shared: str, items: list[Planned]) -> list[Planned]:
    """*items* keyed also by what every file shares."""
    return [Planned(item.file, digest(shared, item.key), item.make) for item in items]


def _sitemap_files(
    shared: str, site: Site, groups: set[str] | None = None,
) -> list[tuple[SitemapFile, Callable[[], bytes]]]:
    """`sitemap_files`, keyed also by what every file shares."""
    return [(item._replace(key=digest(shared, item.key)), make) for item, make in sitemap_files(site, groups)]


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


def _clock(
    articles: Iterable[Article], now: datetime, around: tuple[datetime | None, datetime | None] = (None, None),
) -> tuple[datetime | None, datetime | None]:
    """The instants around *now* at which an article appears (embargo) or leaves the news
    sitemap's window: between them the output cannot change. *around*: those of other
    articles, to narrow."""
    low, high = around
    for article in articles:
        for moment in (article.published, article.published + NEWS_WINDOW):
            if moment <= now:
                low = moment if low is None or moment > low else low
            elif high is None or moment < high:
                high = moment
    return low, high
