"""What pages write for photographs: the template functions ``picture`` and ``share``, the
JSON-LD images of an article, and its body with ``<picture>`` elements. Feeds write plain
``<img>`` elements pointing at one copy (`fallback_img`)."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape
from typing import Any

from markupsafe import Markup

from newsgen.core import urls
from newsgen.core.bodypictures import with_pictures
from newsgen.core.models import Article, Image
from newsgen.core.photoplan import PhotoPlan
from newsgen.core.picture_html import EAGER, Placement, meta_tags, picture, schema_images, social_meta
from newsgen.core.pictures import PhotoSet

Url = Callable[[str], str]
THUMBNAIL = 320
"""Pixels: a search result's thumbnail is 10rem (160 CSS px) wide at most, on 2x screens."""


class PhotoView:
    """The markup of a site's photographs. *url* and *absolute* turn a site path into a
    URL; *sizes*: width and height of the image files that have no `PhotoSet` (never
    inspected as photographs)."""

    def __init__(self, photos: PhotoPlan, url: Url, absolute: Url, sizes: Mapping[str, tuple[int, int]]) -> None:
        self.photos, self.url, self.absolute, self.sizes = photos, url, absolute, sizes

    def picture(self, image: Image, placement: Placement = "figure", alt: str | None = None) -> Markup:
        """``<picture>`` of *image* where the theme shows it (``lead``, ``front-lead``,
        ``figure``, ``card``, ``related``, ``thumb``), lazy unless above the fold."""
        text = image.alt if alt is None else alt
        photo = self.photos.of(image)
        if photo is not None:
            return Markup(picture(photo, placement, text, self.url))
        size = self.sizes.get(image.src)
        dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
        loading = ' fetchpriority="high"' if placement in EAGER else ' loading="lazy" decoding="async"'
        return Markup(f'<img src="{escape(self.url(image.src))}" alt="{escape(text)}"{dims}{loading}>')

    def thumbnail(self, image: Image) -> str:
        """The URL of a small copy of *image* (a search result's thumbnail, 10rem wide at
        most): the narrowest copy in the fallback format at least 320 px wide, else the
        largest; the file itself when it has no copies."""
        photo = self.photos.of(image)
        if photo is None or not photo.processed:
            return self.url(image.src)
        copies = photo.widths(photo.formats[-1])
        return self.url(next((r for r in copies if r.width >= THUMBNAIL), copies[-1]).name)

    def shared(self, article: Article | None = None) -> tuple[PhotoSet | None, str]:
        """The photograph social networks show for *article* (its lead image's crop), or
        the site's default one, with its alt text."""
        lead = article.lead_image if article is not None else None
        photo = self.photos.of(lead, lead=True) if lead is not None else None
        if photo is not None and photo.social is not None and lead is not None:
            return photo, lead.alt
        default = self.photos.default
        if default is not None and default.social is not None and self.photos.default_image is not None:
            return default, self.photos.default_image.alt
        return None, ""

    def share(self, article: Article | None = None) -> Markup:
        """The ``og:image`` and ``twitter:image`` tags (1200×628 JPEG) of a page."""
        photo, alt = self.shared(article)
        return Markup(meta_tags(social_meta(photo, alt, self.absolute))) if photo is not None else Markup("")

    def schema(self, article: Article) -> list[dict[str, Any]] | None:
        """JSON-LD ``image``: the lead image's 16:9, 4:3 and 1:1 crops, then the largest copy
        of each other image; the default social image's crops for an article without one."""
        found: list[dict[str, Any]] = []
        for i, image in enumerate(article.images):
            photo = self.photos.of(image, lead=i == 0)
            if photo is None:
                size = self.sizes.get(image.src)
                dims = {"width": size[0], "height": size[1]} if size else {}
                found.append({"@type": "ImageObject", "url": self.absolute(image.src), **dims})
            else:
                found += schema_images(photo, self.absolute, image.caption)[: None if i == 0 else 1]
        if not found and self.photos.default is not None:
            found = schema_images(self.photos.default, self.absolute, "")
        return found or None

    def body(self, article: Article, prefix: str) -> Article:
        """*article* with the body a page shows: ``<picture>`` for each photograph."""
        html = with_pictures(
            article.body_html, article, self.photos, prefix,
            lambda photo, alt: picture(photo, "figure", alt, self.url), lambda photo: self.url(photo.fallback.name),
        )
        return article if html == article.body_html else article._replace(body_html=html)


def fallback_img(photo: PhotoSet, alt: str, url: Url) -> str:
    """A plain ``<img>`` of the largest copy in the fallback format (a feed's)."""
    if not photo.processed:
        return f'<img src="{escape(url(photo.src))}" alt="{escape(alt)}">'
    copy = photo.fallback
    return f'<img src="{escape(url(copy.name))}" alt="{escape(alt)}" width="{copy.width}" height="{copy.height}">'


def feed_body(article: Article, photos: PhotoPlan, base_url: str) -> str:
    """The body of *article* as its feed entry shows it: each photograph as its largest
    copy, URLs from the site's base path (the feed makes them absolute)."""
    prefix = urls.base_path(base_url)

    def url(path: str) -> str:
        return prefix + urls.url_path(path)

    return with_pictures(article.body_html, article, photos, prefix, lambda photo, alt: fallback_img(photo, alt, url),
                         lambda photo: url(photo.fallback.name))
