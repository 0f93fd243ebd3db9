"""The photographs of a site: the copies each image an article shows is published as, and
the files a build must make and publish for them. Pure: from the inspected sources
(`newsgen.core.pictures.Source`, by site path) and the articles.

An image is planned once per way it is shown (`newsgen.core.pictures.plan`): its names
digest the source's bytes and the text written into every copy, the article's credit and
copyright notice with the caption the file carries, so an image shown by two articles
with the same credit is encoded once. Crops for social networks and search are made for
lead images only. The article's own caption is in the page, not in the files: one photo
reused with a hundred captions would otherwise be a hundred sets of files.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from operator import attrgetter
from typing import NamedTuple

from newsgen.core.models import Article, Image
from newsgen.core.pictures import PhotoSet, PhotoText, Rendition, Source, plan

CENTRE = (0.5, 0.5)
PROCESSED = frozenset({"photo", "graphic"})
"""Kinds published only as copies (`newsgen.core.pictures.Kind`); an ``original`` is
published as it is, a ``broken`` one never."""


assets_of: Callable[[Article], tuple[str, ...]] = attrgetter("assets")
"""An article's site files, read in C: ``set().union(*map(assets_of, articles))``."""


class Wanted(NamedTuple):
    """One copy to make: what it shows, the text written into it, and its source."""

    rendition: Rendition
    text: PhotoText
    src: str
    """The source's site path."""
    source: Source


class PhotoPlan:
    """Every image's copies, planned on demand and remembered. *sources*: each image
    asset's inspection, by site path; *avif*: whether AVIF copies can be made; *default*:
    the site's social image (newsgen.yaml's ``social_image``), shown when an article has
    no photograph to share."""

    def __init__(self, sources: Mapping[str, Source], avif: bool, default: Image | None = None) -> None:
        self.sources = sources
        self.avif = avif
        self._memo: dict[tuple[object, ...], PhotoSet | None] = {}
        self.default_image = default
        self.default = self.of(default, lead=True) if default is not None else None

    def key(self) -> tuple[object, ...]:
        """What every page reads of the photographs besides its articles' own: the formats,
        and the default social image."""
        image = self.default_image
        source = self.sources.get(image.src) if image is not None else None
        return (self.avif, tuple(image) if image else None, source.key if source else None)

    def of(self, image: Image, lead: bool = False) -> PhotoSet | None:
        """The copies of *image* (with the crops of a lead image when *lead*); None when its
        file is not an image newsgen inspected."""
        memo = (image.src, image.credit, image.rights, image.focus, lead)
        if memo not in self._memo:
            source = self.sources.get(image.src)
            self._memo[memo] = None if source is None else plan(
                image.src, source, text_of(image, source), image.focus or CENTRE, lead=lead, avif=self.avif)
        return self._memo[memo]

    def linked(self, src: str) -> PhotoSet | None:
        """The copies of a photograph a body links to without showing it."""
        return self.of(Image(src, "", "", ""))

    def figure(self, article: Article, src: str) -> PhotoSet | None:
        """The copies of the body's image *src* (a site path) of *article*."""
        image = next((i for i in article.figures if i.src == src), None)
        return self.of(image) if image is not None else self.linked(src)

    def processed(self, src: str) -> bool:
        """Whether the file *src* is published only as copies when an article uses it."""
        source = self.sources.get(src)
        return source is not None and source.kind in PROCESSED

    def uses(self, article: Article) -> Iterator[tuple[PhotoSet, bool]]:
        """Each photograph *article* shows or links to, and whether it needs every file
        (one it shows: its lead image with the crops) or only the widths (one it links to)."""
        shown = set()
        for i, image in enumerate((*article.images, *article.figures)):
            photo = self.of(image, lead=i == 0 and bool(article.images))
            if photo is not None and photo.processed:
                shown.add(image.src)
                yield photo, True
        for src in article.assets:
            if src not in shown and self.processed(src):
                photo = self.linked(src)
                if photo is not None:
                    yield photo, False

    def wanted(self, articles: Iterable[Article], default: bool = True, images: Iterable[Image] = ()) -> dict[str, Wanted]:
        """Every copy *articles* need (with the default social image's crop), by name;
        *images*: others shown apart from any article (a topic page's lead image: its widths)."""
        needed: dict[tuple[int, bool], tuple[PhotoSet, bool]] = {}
        for article in articles:  # a photograph shown by many articles is planned once
            for photo, whole in self.uses(article):
                needed.setdefault((id(photo), whole), (photo, whole))
        for image in images:
            photo = self.of(image)
            if photo is not None:
                needed.setdefault((id(photo), False), (photo, False))
        found: dict[str, Wanted] = {}
        for photo, whole in needed.values():
            for rendition in photo.files() if whole else photo.ladder:
                found.setdefault(rendition.name, Wanted(rendition, photo.text, photo.src, photo.source))
        card = self.default
        if default and card is not None and card.social is not None:
            found.setdefault(card.social.name, Wanted(card.social, card.text, card.src, card.source))
        return found

    def unpublished(self, articles: Iterable[Article], images: Iterable[Image] = ()) -> set[str]:
        """The image files any of *articles* (or *images*) uses that are never published as
        they are: photographs (published as copies) and files that cannot be published at all."""
        used = set().union(*map(assets_of, articles), (image.src for image in images))
        if self.default_image is not None:
            used.add(self.default_image.src)
        return {src for src in used if src in self.sources and self.sources[src].kind in PROCESSED | {"broken"}}


def text_of(image: Image, source: Source) -> PhotoText:
    """What every copy of *image* says: the article's credit, the copyright notice (the
    article's, else the file's own) and the caption the file carries."""
    return PhotoText(image.credit, source.caption, image.rights or source.rights)
