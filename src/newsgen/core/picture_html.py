"""Markup for a planned photo: ``<picture>`` with ``sizes`` that match the theme's layout,
the social-card meta tags and the JSON-LD ``ImageObject`` list. Pure text; every value
escaped, every path percent-encoded.
"""
from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any, Literal

from newsgen.core.pictures import MIME, Format, PhotoSet

Placement = Literal["lead", "front-lead", "figure", "card", "related", "thumb"]
Url = Callable[[str], str]
"""A site path (``media/…``) → the URL to write, percent-encoded: the renderer's ``url``
or ``absolute``."""

# The width each placement takes, from theme/static/css/site.css (1rem = 16 px; a media
# query's em is 16 px too). The page: `.wrap` is at most 75rem wide with 1rem of padding on
# each side, 1.5rem from 40em up, so its content is 100vw - 2rem, then 100vw - 3rem, then
# 1152 px from 75em (1200 px) up. When a slot is capped by the text measure (`.article-body`
# is 65ch), the size given is the cap of the slot around it: a little more, never less.
SIZES: dict[Placement, str] = {
    # article.html `.figure-lead` in `.story` (max-width 46rem): the column, at most 736 px
    # (from 49em); below 40em its margin 0 -1rem bleeds it to the screen's edges.
    "lead": "(min-width: 49em) 736px, (min-width: 40em) calc(100vw - 3rem), 100vw",
    # `.figure` (and Markdown images in `.article-body`) in `.story`: the column.
    "figure": "(min-width: 49em) 736px, (min-width: 40em) calc(100vw - 3rem), calc(100vw - 2rem)",
    # home/section `.card-lead .card-media`: edge to edge below 40em, the content width up
    # to 56em, then the first of two columns 3fr 2fr with a 2rem gap: (W - 2rem) × 3/5.
    "front-lead": "(min-width: 75em) 672px, (min-width: 56em) calc(60vw - 3rem), "
                  "(min-width: 40em) calc(100vw - 3rem), 100vw",
    # `.front-top > .card-grid`: a 6.5rem thumbnail beside the title below 40em, then two
    # columns (1.5rem gap), three from 64em: (W - 3rem) / 3.
    "card": "(min-width: 75em) 368px, (min-width: 64em) calc(33.33vw - 2rem), "
            "(min-width: 40em) calc(50vw - 2.25rem), 6.5rem",
    # `.related .card-grid` (article pages): as cards, but four columns from 64em.
    "related": "(min-width: 75em) 270px, (min-width: 64em) calc(25vw - 1.875rem), "
               "(min-width: 40em) calc(50vw - 2.25rem), 6.5rem",
    # `.story-list .has-media` (archives, tag pages): a 5.5rem column, 10rem from 40em.
    "thumb": "(min-width: 40em) 10rem, 5.5rem",
}
EAGER: frozenset[Placement] = frozenset({"lead", "front-lead"})
"""Above the fold, the page's largest paint: fetched first, never lazily."""


def picture(photo: PhotoSet, placement: Placement, alt: str, url: Url) -> str:
    """The ``<picture>`` element (or, for an image published as is, the ``<img>``)."""
    loading = ' fetchpriority="high"' if placement in EAGER else ' loading="lazy" decoding="async"'
    if not photo.processed:
        size = f' width="{photo.source.width}" height="{photo.source.height}"' if photo.source.width else ""
        return f'<img src="{_attr(url, photo.src)}" alt="{escape(alt)}"{size}{loading}>'
    sizes = SIZES[placement]
    *preferred, fallback = photo.formats
    sources = "".join(
        f'<source type="{MIME[fmt]}" srcset="{srcset(photo, fmt, url)}" sizes="{sizes}">' for fmt in preferred
    )
    img = photo.fallback
    return (
        f'<picture>{sources}<img src="{_attr(url, img.name)}" srcset="{srcset(photo, fallback, url)}" '
        f'sizes="{sizes}" width="{img.width}" height="{img.height}" alt="{escape(alt)}"{loading}></picture>'
    )


def srcset(photo: PhotoSet, fmt: Format, url: Url) -> str:
    """``a-240.avif 240w, a-320.avif 320w, …`` for one format, escaped for an attribute."""
    return ", ".join(f"{_attr(url, r.name)} {r.width}w" for r in photo.widths(fmt))


def social_meta(photo: PhotoSet, alt: str, absolute: Url) -> tuple[tuple[str, str, str], ...]:
    """``(attribute, name, content)`` of the Open Graph and X card tags for a lead image
    (nothing when it has no social crop: the site's default image stands in)."""
    card = photo.social
    if card is None:
        return ()
    link = absolute(card.name)
    return (
        ("property", "og:image", link),
        ("property", "og:image:type", MIME[card.format]),
        ("property", "og:image:width", str(card.width)),
        ("property", "og:image:height", str(card.height)),
        ("property", "og:image:alt", alt),
        ("name", "twitter:image", link),
        ("name", "twitter:image:alt", alt),
    )


def meta_tags(tags: tuple[tuple[str, str, str], ...]) -> str:
    """``social_meta`` as HTML, one tag a line."""
    return "".join(f'<meta {kind}="{escape(name)}" content="{escape(content)}">\n' for kind, name, content in tags)


def schema_images(photo: PhotoSet, absolute: Url, caption: str | None = None) -> list[dict[str, Any]]:
    """JSON-LD ``ImageObject``s: the 16:9, 4:3 and 1:1 crops of a lead image (else its
    largest copy, else the original), with width, height, caption (*caption*, else the
    file's), credit and copyright."""
    text = photo.text
    shown = text.caption if caption is None else caption
    extra = {key: value for key, value in (("caption", shown), ("creditText", text.credit),
                                           ("copyrightNotice", text.rights)) if value}
    if photo.schema or photo.processed:
        files = photo.schema or (photo.fallback,)
        return [{"@type": "ImageObject", "url": absolute(r.name), "width": r.width, "height": r.height, **extra}
                for r in files]
    size = {"width": photo.source.width, "height": photo.source.height} if photo.source.width else {}
    return [{"@type": "ImageObject", "url": absolute(photo.src), **size, **extra}]


def _attr(url: Url, path: str) -> str:
    return escape(url(path))
