"""The newsroom's files, read: the authors (``content/autores/*.md``) and the standalone
pages (``content/paginas/*.md``), parsed as articles are (within the same CPU budget),
each version of a file once in this process (the preview reads again only what was
saved); and the pictures the publisher and the authors name, found, measured and
digested for `newsgen.core.brand`, with every problem at the line that names them."""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType

from typing import TYPE_CHECKING, TypeVar

from newsgen.core import brand, urls
from newsgen.core.brand import Brand, ImageSource
from newsgen.core.config import SiteConfig, did_you_mean
from newsgen.core.desk import Desk
from newsgen.core.errors import Problem, warning
from newsgen.core.options import CONFIG_FILE
from newsgen.core.outputs import digest
from newsgen.core.parse import ParseContext
from newsgen.core.pictures import Source
from newsgen.core.publisher import CORRECTIONS_PAGE, POLICIES, target_slug
from newsgen.io import budget
from newsgen.io.fileid import file_digest
from newsgen.theme import THEME

if TYPE_CHECKING:
    from newsgen.core.authors import Author
    from newsgen.core.standalone import StandalonePage

DEFAULT_ICON = THEME / "brand" / "icon.png"
DEFAULT_SVG = THEME / "brand" / "icon.svg"
"""The favicon of a site whose publisher names none."""
DEFAULT_SIZES = {DEFAULT_ICON: (512, 512), DEFAULT_SVG: (64, 64)}
"""Their sizes, known (measuring the PNG would import Pillow on every build)."""
RASTERS = (".png", ".jpg", ".jpeg", ".webp", ".gif")
_Parsed = TypeVar("_Parsed")
_MEMO: dict[tuple[str, str, str], tuple[object, list[Problem]]] = {}
_MEMO_MAX = 512


def read_desk(
    site_dir: Path, author_files: list[str], page_files: list[str], ctx: ParseContext,
) -> tuple[tuple[Author, ...], tuple[StandalonePage, ...], list[Problem]]:
    """The authors and the standalone pages of these files, with every problem in them."""
    if not (author_files or page_files):
        return (), (), []
    # Imported here: a site without authors or pages never pays for defining them.
    from newsgen.core.authors import parse_author, same_names
    from newsgen.core.standalone import clashes, parse_page

    context = digest(ctx.config, ctx.url_prefix, sorted(ctx.assets), sorted(ctx.image_sizes.items()))
    problems: list[Problem] = []
    authors = [a for name in author_files if (a := _parsed(site_dir, name, ctx, context, parse_author, problems))]
    pages = [p for name in page_files if (p := _parsed(site_dir, name, ctx, context, parse_page, problems))]
    problems += _twice([(a.key, a.source) for a in authors], "author key")
    problems += _twice([(p.slug, p.source) for p in pages], "page")
    problems += same_names({a.key: a for a in authors})
    problems += clashes(pages, ctx.config)
    return tuple(sorted(authors, key=lambda a: a.key)), tuple(sorted(pages, key=lambda p: p.slug)), problems


def _parsed(
    site_dir: Path, name: str, ctx: ParseContext, context: str,
    parse: Callable[[str, bytes, ParseContext], tuple[_Parsed | None, list[Problem]]], problems: list[Problem],
) -> _Parsed | None:
    raw = (site_dir / name).read_bytes()
    memo = (name, hashlib.sha256(raw).hexdigest(), context)
    if memo not in _MEMO:
        if len(_MEMO) >= _MEMO_MAX:
            _MEMO.clear()
        with budget.within():
            _MEMO[memo] = parse(name, raw, ctx)
    value, found = _MEMO[memo]
    problems += found
    return value  # type: ignore[return-value]


def _twice(named: list[tuple[str, str]], what: str) -> list[Problem]:
    """Two files of one key (``ana.md`` and ``ana.markdown``): an error on the second."""
    seen: dict[str, str] = {}
    problems = []
    for key, source in named:
        if key in seen:
            problems.append(Problem(source, 0, f"{what} '{key}' is also {seen[key]}; remove one of them"))
        seen.setdefault(key, source)
    return problems


class Pictures:
    """Finds the publisher's and the authors' pictures among the site's files (*assets*:
    site path → file) and describes them from what the photo pipeline's inspection found
    (*photos*: digest, upright size, kind; `newsgen.io.images.ImageSources`); `files` maps
    every source to its file, for `newsgen.io.brand`."""

    def __init__(self, config: SiteConfig, assets: Mapping[str, Path], photos: Mapping[str, Source]) -> None:
        self.config, self.assets, self.photos = config, assets, photos
        self.files: dict[str, Path] = {}
        self.problems: list[Problem] = []

    def desk(self, authors: tuple[Author, ...], pages: tuple[StandalonePage, ...], static: frozenset[str]) -> Desk:
        portraits = {}
        for author in authors:
            if author.photo:
                source = self.source(author.photo, author.source, 0, "photo")
                if source is not None:
                    portraits[author.key] = brand.portrait(source)
        return Desk(MappingProxyType({a.key: a for a in authors}), pages, self.brand(static), MappingProxyType(portraits))

    def brand(self, static: frozenset[str]) -> Brand:
        publisher = self.config.publisher
        logo = raster = svg = None
        if publisher is not None:
            logo = self.named(publisher.logo, "logo")
            raster = self.named(publisher.favicon, "favicon")
            svg = self.named(publisher.favicon_svg, "favicon_svg", svg=True)
        if publisher is None or not (publisher.favicon or publisher.favicon_svg):
            if "favicon.ico" in static:  # the site's own icon, from before publisher: existed
                return Brand((), *brand.logos(logo))
            raster, svg = self.default(DEFAULT_ICON), self.default(DEFAULT_SVG)
        return Brand(brand.favicons(raster, svg, static), *brand.logos(logo))

    def named(self, given: str, key: str, svg: bool = False) -> ImageSource | None:
        """The picture the publisher's *key* names, checked."""
        if not given:
            return None
        line = self.config.line_of(f"publisher.{key}")
        src = urls.asset_path(given)
        if src is None or src not in self.assets:
            self.problems.append(Problem(CONFIG_FILE, line, f"publisher {key} {given!r} not found in static/ or content/"))
            return None
        if svg != src.lower().endswith(".svg"):
            kind = "an SVG file" if svg else "a PNG, JPEG, WebP or GIF file (an SVG goes in favicon_svg)"
            self.problems.append(Problem(CONFIG_FILE, line, f"publisher {key} must be {kind}, not {given!r}"))
            return None
        source = self.source(src, CONFIG_FILE, line, key)
        note = brand.feedback(source, key) if source is not None and not svg else None
        if note:
            self.problems.append(warning(CONFIG_FILE, line, f"publisher {key} {given!r}: {note}"))
        return source

    def source(self, src: str, path: str, line: int, what: str) -> ImageSource | None:
        svg = src.lower().endswith(".svg")
        photo = self.photos.get(src)
        if photo is None or (not svg and (photo.kind == "broken" or not photo.width)):
            self.problems.append(Problem(path, line, f"{what} {src!r} is not a readable image"))
            return None
        if not svg and not src.lower().endswith(RASTERS):
            self.problems.append(Problem(path, line, f"{what} {src!r} must be a PNG, JPEG, WebP or GIF file"))
            return None
        self.files[src] = self.assets[src]
        return ImageSource(src, photo.digest, photo.width, photo.height)

    def default(self, file: Path) -> ImageSource:
        src = f"(newsgen theme) brand/{file.name}"
        self.files[src] = file
        return ImageSource(src, file_digest(file), *DEFAULT_SIZES[file])


def check_references(config: SiteConfig, pages: tuple[StandalonePage, ...]) -> list[Problem]:
    """Every page the config names (``footer``, the publisher's policies) must exist."""
    slugs = [p.slug for p in pages]
    named = [(f"footer:{slug}", slug) for slug in config.footer]
    if config.publisher is not None:
        keys = {prop: key for key, prop in POLICIES.items()}
        named += [(f"publisher.{keys[prop]}", slug) for prop, target in config.publisher.policies
                  if (slug := target_slug(target)) is not None]
    problems = []
    for where, slug in named:
        if slug != CORRECTIONS_PAGE and slug not in slugs:
            problems.append(Problem(CONFIG_FILE, config.line_of(where),
                                    f"no page '{slug}' in content/paginas/{did_you_mean(slug, slugs)}"))
    return problems
