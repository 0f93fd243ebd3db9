"""The publisher's logo and favicons, and the authors' photos: which files, at which sizes,
planned before a pixel is touched (`newsgen.io.brand` makes them with Pillow).

- the favicon set: ``favicon.ico`` (16, 32 and 48 px), ``icon-32.png``, ``icon-192.png``
  (Google Search asks for a multiple of 48 px), ``apple-touch-icon.png`` (180 px, on
  white: iOS fills transparency with black) and ``icon.svg`` when an SVG is given;
- the logo: ``logo-512.png``, the logo on a white 512 px square (Google's logo guidelines:
  112 × 112 px at least, and it must look right on white; square suits the knowledge
  panel), for the JSON-LD publisher; and ``logo.png``, the logo in the 600 × 60 px box of
  Google's publisher logo guidelines (60 px high, or 600 px wide if that is smaller), for
  the footer (at 30 px, so sharp at 2×) and the feeds' ``<logo>``;
- an author's photo: square crops of 96 and 192 px (the author page shows it at 96 CSS
  px), named by their content (``media/<hash>-192.jpg``) as the photo pipeline names its files.

The favicons and logos keep fixed names (crawlers and browsers ask for ``/favicon.ico``
and ``/apple-touch-icon.png`` by name): a new icon rewrites those files, never a page.
"""
from __future__ import annotations

import hashlib
from typing import NamedTuple

RECIPE = 1
"""Part of every rendition's key: bump it when the code changes what a file looks like."""
WHITE = "#ffffff"
ICO_SIZES = (16, 32, 48)
FAVICON_MIN = 192
LOGO_BOX = (600, 60)
LOGO_SQUARE = 512
LOGO_MIN = 112
PORTRAIT = 96
"""The CSS width of an author's photo; files at 1× and 2×."""


class ImageSource(NamedTuple):
    """What the plan needs of a source image: its site path, SHA-256 and size (0 × 0 for
    an SVG without one)."""

    src: str
    digest: str
    width: int
    height: int


class Rendition(NamedTuple):
    """One file to make: its site path, its source, how (``ico``, ``square``: fitted in a
    square, ``fit``: scaled to its size, ``cover``: cropped to fill it, ``copy``: as it
    is), its size and background (``""``: transparent)."""

    path: str
    source: ImageSource
    kind: str
    width: int
    height: int
    background: str = ""

    def key(self) -> tuple[object, ...]:
        """What its bytes depend on."""
        return (RECIPE, self.source.digest, self.kind, self.width, self.height, self.background)


class Brand(NamedTuple):
    """The publisher's icons and logos, planned."""

    favicons: tuple[Rendition, ...] = ()
    logo: Rendition | None = None
    """The wide logo (``logo.png``)."""
    logo_square: Rendition | None = None

    def files(self) -> tuple[Rendition, ...]:
        return self.favicons + tuple(r for r in (self.logo, self.logo_square) if r is not None)

    def shown(self) -> tuple[tuple[str, str, int, int], ...]:
        """What pages show of it (file names and sizes, never the pictures' digests): a new
        picture of the same shape changes no page."""
        return tuple((r.path, r.kind, r.width, r.height) for r in self.files())

    def icon(self, path: str) -> Rendition | None:
        return next((r for r in self.favicons if r.path == path), None)


def favicons(raster: ImageSource | None, svg: ImageSource | None, taken: frozenset[str] = frozenset()) -> tuple[Rendition, ...]:
    """The favicon set of a square *raster* (and an *svg*), leaving out the names *taken*
    by the site's own static files."""
    planned = []
    if raster is not None:
        planned += [
            Rendition("favicon.ico", raster, "ico", ICO_SIZES[-1], ICO_SIZES[-1]),
            Rendition("icon-32.png", raster, "square", 32, 32),
            Rendition("icon-192.png", raster, "square", 192, 192),
            Rendition("apple-touch-icon.png", raster, "square", 180, 180, WHITE),
        ]
    if svg is not None:
        planned.append(Rendition("icon.svg", svg, "copy", svg.width, svg.height))
    return tuple(r for r in planned if r.path not in taken)


def logos(source: ImageSource | None) -> tuple[Rendition | None, Rendition | None]:
    """The wide logo and the square one."""
    if source is None or not source.width or not source.height:
        return None, None
    box_w, box_h = LOGO_BOX
    scale = min(box_w / source.width, box_h / source.height)
    wide = Rendition("logo.png", source, "fit", max(1, round(source.width * scale)), max(1, round(source.height * scale)))
    return wide, Rendition("logo-512.png", source, "square", LOGO_SQUARE, LOGO_SQUARE, WHITE)


def portrait(source: ImageSource) -> tuple[Rendition, ...]:
    """An author's photo, square, at 1× and 2× (``media/<hash>-<w>.jpg``)."""
    stem = hashlib.sha256(repr((RECIPE, "portrait", source.digest)).encode()).hexdigest()[:20]
    return tuple(Rendition(f"media/{stem}-{w}.jpg", source, "cover", w, w, WHITE) for w in (PORTRAIT, 2 * PORTRAIT))


def feedback(source: ImageSource, what: str) -> str | None:
    """Why *source* makes a poor *what* (``favicon``, ``logo``), or None."""
    if what == "favicon" and source.width != source.height:
        return f"a favicon should be square, not {source.width} × {source.height} px: it is fitted in a square"
    if what == "favicon" and source.width < FAVICON_MIN:
        return f"a favicon {source.width} px wide looks blurred on phones: give one of {FAVICON_MIN} px or more"
    if what == "logo" and max(source.width, source.height) < LOGO_MIN:
        return f"a logo {source.width} × {source.height} px is too small: Google asks for {LOGO_MIN} px at least"
    return None
