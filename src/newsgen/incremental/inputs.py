"""What a plan reads: the sources, parsed and checked (`Inputs`), and what every output of
a site shares (`Setting`). Nothing here writes the output.

Reading parses again only the articles whose bytes (or images) changed (`ParseCache`);
every problem of every file is raised at once, before anything is planned.
"""
from __future__ import annotations

import functools

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from newsgen.core import urls
from newsgen.core.bylines import AuthorIndex
from newsgen.core.config import SiteConfig
from newsgen.core.desk import EMPTY_DESK, Desk
from newsgen.core.entities import Facts, Sizes
from newsgen.core.errors import ContentError, Problem, UsageError, errors_in
from newsgen.core.fates import Reckoning, reckon
from newsgen.core.ledger import EMPTY, Ledger, parse_ledger
from newsgen.core.lifecycle import shown
from newsgen.core.links import LinkTable, resolve_body
from newsgen.core.models import Article, Topic
from newsgen.core.options import CONFIG_FILE, LEDGER_FILE, TOPICS_FILE, BuildOptions
from newsgen.core.outputs import digest
from newsgen.core.parse import ParseContext
from newsgen.core.photoplan import PROCESSED, PhotoPlan, Wanted, assets_of
from newsgen.core.pictures import Source, feedback
from newsgen.core.render import Renderer
from newsgen.core.site import Site, url_collisions
from newsgen.core.topics import parse_topics
from newsgen.incremental.compiled import compiled_templates
from newsgen.incremental.parsecache import ParseCache
from newsgen.io.desk import Pictures, check_references, read_desk
from newsgen.io.digests import FileDigests
from newsgen.io.images import ImageSources, published_as_is, sizes_of
from newsgen.io.ledger import read_ledger
from newsgen.io.scanning import Sources, scan
from newsgen.io.sources import (
    SiteTemplates, code_digest, list_content, list_desk, list_static, load_config, read_topics, templates_digest,
)

_parsed_ledger = functools.lru_cache(maxsize=1)(parse_ledger)
"""`parse_ledger` keeping the last text's result: the preview reads ``urls.lock`` again on
every save, unchanged (0.17 s to parse at 100,000 articles). What it returns is never
changed (`newsgen.core.fates` works on copies)."""


@dataclass(frozen=True)
class Inputs:
    """The site's sources, read, parsed and checked: enough to plan it afresh or to re-plan
    an earlier plan."""

    options: BuildOptions
    config: SiteConfig
    articles: tuple[Article, ...]
    """Every parsed article (drafts and embargoed ones too), in source order."""
    sizes: Sizes
    static: dict[str, Path]
    content: dict[str, Path]
    full: Callable[[Article], Article]
    """Gives an article the body the parse cache keeps apart."""
    warnings: tuple[Problem, ...]
    templates: str
    """A digest of the site's templates."""
    written: Callable[[str], bytes | None] | None
    """Reads a file of the output the last build wrote, when it holds what that build planned."""
    topics: dict[str, Topic] = field(default_factory=dict)
    """What ``topics.yaml`` says, by hashtag key."""
    desk: Desk = EMPTY_DESK
    """The authors, the standalone pages, the publisher's pictures (`newsgen.core.desk`)."""
    pictures: dict[str, Path] | None = None
    """The file of each picture the desk's renditions are made from, by source."""
    photos: Mapping[str, Source] = field(default_factory=dict)
    """Each image asset as inspected (`newsgen.io.photos.inspect`), by site path."""
    digests: FileDigests = field(default_factory=FileDigests)
    """The SHA-256 of the files published as they are."""
    ledger: Ledger = EMPTY
    """The URL ledger, ``urls.lock`` (`newsgen.core.ledger`)."""
    ledger_found: bool = False
    links: LinkTable | None = None
    """Every article by file and slug, when a body links to one (`newsgen.core.links`)."""

    @functools.cached_property
    def shown(self) -> dict[str, object]:
        """What a page can show of each image file, for the articles' keys."""
        return {path: source.key for path, source in self.photos.items()}

    @property
    def facts(self) -> Facts:
        """What pages show of an article that its file does not say (`newsgen.core.entities`)."""
        return shown(self.options.now, self.links.addresses if self.links is not None else _no_addresses)


def _no_addresses(article: Article) -> tuple[str | None, ...]:
    return ()


def read_inputs(
    options: BuildOptions, cache: ParseCache, images: ImageSources, scanned: Sources | None = None,
    written: Callable[[str], bytes | None] | None = None, digests: FileDigests | None = None,
) -> Inputs:
    """Read, parse and check the site; raise every problem at once, those of the `scan`
    first: an entry it refused (a symlink out of the site, a FIFO) is an error, and is
    never read. *scanned*: a `scan` of the site the caller already made; *digests*: those
    of the published files an earlier build knew."""
    site_dir = options.site_dir
    config = load_config(site_dir, options.base_url)
    if not (site_dir / "content").is_dir():
        raise UsageError(message=f"no content/ folder in {site_dir}")
    scanned = scan(site_dir) if scanned is None else scanned
    files = scanned.files
    sources, content_names = list_content(files)
    author_files, page_files = list_desk(files)
    content = {path: site_dir / name for path, name in content_names.items()}
    static = list_static(site_dir, files)
    problems = [Problem(name, 0, why) for name, why in sorted(scanned.refused.items())]
    ledger_text = read_ledger(site_dir) if not scanned.refused.keys() & {LEDGER_FILE} else None
    ledger, found = _parsed_ledger(ledger_text) if ledger_text is not None else (EMPTY, [])
    problems += found
    problems += _asset_clashes(static, content)
    assets = {**static, **content}
    photos = images.inspect(assets, site_dir)
    sizes = sizes_of(photos)
    ctx = ParseContext(config, frozenset(assets), urls.base_path(config.base_url), sizes, photos)
    authors, pages, found = read_desk(site_dir, author_files, page_files, ctx)
    problems += found + check_references(config, pages)
    pictures = Pictures(config, assets, photos)
    desk = pictures.desk(authors, pages, frozenset(static))
    problems += pictures.problems
    ctx = replace(ctx, authors=AuthorIndex.of(authors))
    parsed, found = cache.update(site_dir, sources, files, ctx, frozenset(content), options.progress)
    articles = tuple(parsed)
    problems += found
    problems += _social_image(config, photos)
    topics: dict[str, Topic] = {}
    if TOPICS_FILE in files:
        text = read_topics(site_dir)
        if text is not None:
            topics, found = parse_topics(text, frozenset(assets), frozenset(sources), photos=photos)
            problems += found
    if not errors_in(problems):  # (an article with errors shows nothing: its images would seem unused)
        used = set().union(*map(assets_of, articles))
        used.update(t.image.src for t in topics.values() if t.image is not None)
        problems += published_as_is(photos, static, used | _social_src(config) | desk.sources, site_dir)
    problems += url_collisions(articles)
    links = LinkTable(articles) if any(a.links for a in articles) else None
    if links is not None:
        for article in articles:
            if article.links:
                problems += links.problems(article, options.now, options.drafts, options.future)
    if options.strict:
        problems = [replace(p, severity="error") for p in problems]
    if errors_in(problems):
        raise ContentError(problems)
    warnings = tuple(problems)  # no error among them
    full = cache.full(site_dir, ctx)
    if links is not None:
        full = _linked(full, links, ctx.url_prefix)
    return Inputs(
        options, config, articles, sizes, static, content, full, warnings,
        templates_digest(site_dir, files), written, topics=topics, desk=desk, pictures=pictures.files, photos=photos,
        digests=digests if digests is not None else FileDigests(),
        ledger=ledger, ledger_found=ledger_text is not None, links=links,
    )


def _linked(full: Callable[[Article], Article], links: LinkTable, prefix: str) -> Callable[[Article], Article]:
    """*full*, with each link to an article by its file pointing at its URL."""

    def load(article: Article) -> Article:
        whole = full(article)
        if not whole.links:
            return whole
        return whole._replace(body_html=resolve_body(whole.body_html, whole, links.path, prefix))

    return load


def _social_src(config: SiteConfig) -> set[str]:
    return {config.social_image.src} if config.social_image is not None else set()


def _social_image(config: SiteConfig, photos: Mapping[str, Source]) -> list[Problem]:
    """newsgen.yaml's ``social_image`` must be a photograph of the site."""
    image, line = config.social_image, config.social_image_line
    if image is None:
        return []
    source = photos.get(image.src)
    if source is None:
        return [Problem(CONFIG_FILE, line, f"social_image {image.src!r} is not an image in static/ or content/")]
    if source.kind not in PROCESSED:
        return [Problem(CONFIG_FILE, line, f"social_image {image.src!r} must be a JPEG, PNG or WebP photograph")]
    return list(feedback(image.src, source, CONFIG_FILE, line, lead=True))


@dataclass(frozen=True)
class Setting:
    """What every output of one site shares: the files it publishes as they are, their
    digests (stylesheets and scripts are linked with ``?v=``), the key of all that
    (`shared`), and a renderer."""

    published: dict[str, Path]
    shared: str
    renderer: Renderer
    reckoning: Reckoning
    """What every address the site ever published serves now, and the ledger after this
    build (`newsgen.core.fates`)."""
    photos: PhotoPlan = field(default_factory=lambda: PhotoPlan({}, avif=False))
    media: dict[str, Wanted] = field(default_factory=dict)
    """The copies of photographs the published articles show, by name (``media/…``)."""
    encode: dict[str, Wanted] = field(default_factory=dict)
    """The copies every parsed article needs (drafts and embargoed ones too): made ahead,
    kept in the store, published with their article."""


def prepare(inputs: Inputs, site: Site) -> Setting:
    """The `Setting` of *site*, made from *inputs*."""
    options = inputs.options
    reckoning = reckon(inputs.ledger, inputs.articles, site.articles, options.now, options.drafts, options.future)
    photos = PhotoPlan(inputs.photos, _avif(inputs.photos), site.config.social_image)
    topical = [t.image for t in inputs.topics.values() if t.image is not None]
    # The publisher's and the authors' pictures, like the articles' photographs, are
    # published only as the copies made of them (`newsgen.io.brand`), never as they are.
    unpublished = photos.unpublished(inputs.articles, topical) | inputs.desk.sources
    published = {
        path: file for path, file in _published_assets(site, inputs.static, inputs.content).items()
        if path not in unpublished
    }
    digests = {path: inputs.digests.of(file) for path, file in published.items() if path.endswith((".css", ".js"))}
    shared = digest(
        code_digest(), site.config, inputs.templates, sorted(digests.items()), options.drafts, options.future,
        photos.key(), site.desk.shared(site.config),
    )
    templates = SiteTemplates(options.site_dir)
    renderer = Renderer(
        site, templates, templates.theme, digests, inputs.sizes, inputs.full, compiled_templates(options.cache), photos,
    )
    shown = [t.image for key, t in site.topics.items() if t.image is not None and key in site.tag_index]
    media = photos.wanted(site.articles, images=shown)
    on_site = {a.source for a in site.articles}  # the others' copies are kept ready too: drafts, embargoed
    held = photos.wanted([a for a in inputs.articles if a.source not in on_site], default=False, images=topical)
    return Setting(published, shared, renderer, reckoning, photos, media, {**held, **media})


def _avif(sources: Mapping[str, Source]) -> bool:
    """Whether this Pillow encodes AVIF (asked only of a site with photographs: importing
    Pillow costs a build without any 10 ms)."""
    if not any(source.kind in PROCESSED for source in sources.values()):
        return False
    from newsgen.io.photos import avif_available

    return avif_available()


def _asset_clashes(static: dict[str, Path], content: dict[str, Path]) -> list[Problem]:
    return [
        Problem(f"content/{path}", 0, f"clashes with static file {path}; rename one of them")
        for path in sorted(static.keys() & content.keys())
    ]


def _published_assets(site: Site, static: dict[str, Path], content: dict[str, Path]) -> dict[str, Path]:
    """All static files; content files only when a published article, a topic page, an
    author's bio or a standalone page shows them (so an embargoed article's photo is not
    published before it)."""
    used = set().union(*map(assets_of, site.articles))
    used.update(t.image.src for key, t in site.topics.items() if t.image is not None and key in site.tag_index)
    used.update(path for author in site.desk.authors.values() for path in author.assets)
    used.update(path for page in site.desk.pages for path in page.assets)
    return {**static, **{path: file for path, file in content.items() if path in used}}
