"""Responsive photographs, planned before a pixel is touched: which files, at which sizes,
under which names.

From what a quick look at a source file gives (`Source`: its digest, upright size and
kind) and the text to embed in every copy (`PhotoText`), `plan` names each file the
picture is published as: a width ladder in AVIF (where Pillow can encode it), WebP and a
fallback (JPEG for photographs, PNG for graphics), plus, for a lead image, the crops that
social networks and search engines ask for. Nothing here reads a file: `newsgen.io.photos`
makes the files later, so a page can be rendered, and the preview can show it, before
anything is encoded. Why these widths and settings: docs/PHOTOS.md.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Literal

from newsgen.core.errors import Problem, warning

Format = Literal["avif", "webp", "jpeg", "png"]
Kind = Literal["photo", "graphic", "original", "broken"]
"""``photo``: JPEG fallback; ``graphic`` (PNG, GIF, transparency): PNG fallback;
``original``: published as it is (SVG, animations); ``broken``: never published (a file
that cannot be read whole, too large to decode safely, or in a colour mode we cannot
convert): publishing its bytes could leak what its metadata holds."""
Box = tuple[float, float, float, float]

LADDER = (240, 320, 480, 640, 960, 1440)
"""Widths in pixels, chosen by measuring bytes against the widths the theme displays
(benchmarks/photo_ladder.py, docs/PHOTOS.md): 13% over the bytes of ideal copies on the
theme's placements, where the issue's 360-2048 example is 28% over for 1.8 times the CPU.
240 and 320 serve the 88-104 px list and card thumbnails on phones at 2-3x; 480 and 640
the desktop cards (368 and 270 px at 1-2x); 960 the 736-px lead on desktop at 1x and the
phones' lead at 2-3x; 1440 the lead at 2x. A 2048 rung would add 80% to the encoding time
and double the stored bytes for no slot of this layout (the widest is 736 CSS px)."""
SOCIAL = (1200, 628)
"""``og:image`` / ``twitter:image``: 1.91:1, the 1200 px that Facebook, X and Google
Discover ask for (a narrower source gives its largest crop, with a warning)."""
SCHEMA_RATIOS = ((16, 9), (4, 3), (1, 1))
"""JSON-LD ``image``: the three aspect ratios Google's Article documentation lists."""
SCHEMA_WIDTH = 1200
LEAD_MIN_WIDTH = 1200
MAX_MEGAPIXELS = 25
MAX_BYTES = 20_000_000

ENCODINGS: dict[Format, dict[str, object]] = {
    # About the same SSIM at every width (docs/PHOTOS.md): JPEG q80 ≈ WebP q80 ≈ AVIF q60.
    # AVIF speed 8: speed 9 takes a third of the time for 10-20% more bytes, to the 95% of
    # readers whose browser takes AVIF; speed 6 takes 2-4 times as long for 5% fewer.
    # Its threads are fixed: libaom's output depends on the thread count, and a URL must
    # name the same bytes whichever machine encodes it. WebP method 2: 2.5 times quicker
    # than the default 4 for 2-5% more bytes, to the few browsers with WebP but no AVIF.
    "avif": {"quality": 60, "speed": 8, "max_threads": 2},
    "webp": {"quality": 80, "method": 2},
    "jpeg": {"quality": 80, "optimize": True, "progressive": True},
    "png": {"compress_level": 6},
}
EXTENSIONS: dict[Format, str] = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "png": "png"}
MIME: dict[Format, str] = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
RECIPE = 1
"""Part of every name: bump it when the code changes what a file looks like. A new
Pillow, libwebp or libaom is not part of it: their output means the same picture, and
naming it would re-encode every photograph of a site after each library update."""


@dataclass(frozen=True)
class Source:
    """What the plan needs to know of a source image (``newsgen.io.photos.inspect``)."""

    digest: str
    """SHA-256 of the file's bytes."""
    width: int
    """Upright: after the EXIF orientation."""
    height: int
    kind: Kind
    size: int
    """Bytes."""
    notes: tuple[str, ...] = ()
    """What the editor should hear about: conversions done, or why it is published as is."""
    gps: bool = False
    """Whether its metadata (EXIF or XMP) holds a position: never published."""
    caption: str = ""
    """The caption the file carries (IPTC or XMP), kept in every copy."""
    rights: str = ""
    """The copyright notice the file carries (IPTC or XMP), kept unless the article gives one."""

    @property
    def key(self) -> tuple[object, ...]:
        """Everything a page can show of this source, as plain values (for a digest)."""
        return (self.digest, self.width, self.height, self.kind, self.size, self.notes, self.gps, self.caption,
                self.rights)


@dataclass(frozen=True)
class PhotoText:
    """The words written into every published copy (XMP): the front matter's credit and
    caption, and the copyright notice."""

    credit: str = ""
    caption: str = ""
    rights: str = ""


@dataclass(frozen=True)
class Rendition:
    """One file to publish: its site path (``media/<hash>-<w>.<ext>``), format, size, and
    the region of the upright source it shows."""

    name: str
    format: Format
    width: int
    height: int
    box: Box


@dataclass(frozen=True)
class PhotoSet:
    """Every file one image is published as; ``ladder`` is empty when it is published as is."""

    src: str
    """The source's site path (``images/foto.jpg``)."""
    source: Source
    text: PhotoText
    focus: tuple[float, float]
    ladder: tuple[Rendition, ...] = ()
    """Each format (preferred first), each width (narrowest first)."""
    social: Rendition | None = None
    schema: tuple[Rendition, ...] = ()

    @property
    def processed(self) -> bool:
        return bool(self.ladder)

    @property
    def formats(self) -> tuple[Format, ...]:
        return tuple(dict.fromkeys(r.format for r in self.ladder))

    def widths(self, fmt: Format) -> tuple[Rendition, ...]:
        return tuple(r for r in self.ladder if r.format == fmt)

    @property
    def fallback(self) -> Rendition:
        """The largest copy in the last format (JPEG or PNG): ``<img src>``, width, height."""
        return self.ladder[-1]

    def files(self) -> tuple[Rendition, ...]:
        """Every file to make, in a stable order."""
        return self.ladder + ((self.social,) if self.social else ()) + self.schema


def plan(src: str, source: Source, text: PhotoText = PhotoText(), focus: tuple[float, float] = (0.5, 0.5),
         *, lead: bool = False, avif: bool = True) -> PhotoSet:
    """The files that publish *source*; *lead* adds the social and JSON-LD crops, *avif*
    says whether the AVIF encoder is there (``newsgen.io.photos.avif_available()``)."""
    focus = (min(max(focus[0], 0.0), 1.0), min(max(focus[1], 0.0), 1.0))
    if source.kind in ("original", "broken"):
        return PhotoSet(src, source, text, focus)
    stem = _stem(source.digest, text)
    fallback: Format = "png" if source.kind == "graphic" else "jpeg"
    formats: tuple[Format, ...] = (("avif",) if avif else ()) + ("webp", fallback)
    whole = (0.0, 0.0, float(source.width), float(source.height))
    ladder = tuple(
        Rendition(f"media/{stem}-{w}.{EXTENSIONS[fmt]}", fmt, w, max(1, round(source.height * w / source.width)), whole)
        for fmt in formats for w in ladder_widths(source.width)
    )
    if not lead:
        return PhotoSet(src, source, text, focus, ladder)
    crop_stem = _stem(source.digest, text, focus)
    social = _crop(crop_stem, source, SOCIAL, SOCIAL[0], focus)
    schema = tuple(_crop(crop_stem, source, ratio, SCHEMA_WIDTH, focus) for ratio in SCHEMA_RATIOS)
    return PhotoSet(src, source, text, focus, ladder, social, schema)


def focus_point(text: str) -> tuple[float, float] | None:
    """A ``focus`` as written: ``0.3,0.4`` or ``30%,40%`` (or ``30% 40%``) → (0.3, 0.4); None unless both are in 0..1."""
    parts = text.replace(",", " ").split()
    if len(parts) != 2:
        return None
    values = []
    for part in parts:
        scale = 100.0 if part.endswith("%") else 1.0
        try:
            value = float(part.removesuffix("%")) / scale
        except ValueError:
            return None
        if not 0.0 <= value <= 1.0:
            return None
        values.append(value)
    return values[0], values[1]


def ladder_widths(width: int) -> tuple[int, ...]:
    """The ladder's widths below the source's, then the source's own (at most the top
    rung): never upscaled, and no rung within 10% of the one above it."""
    top = min(width, LADDER[-1])
    return tuple(w for w in LADDER if w < top * 0.9) + (top,)


def crop_box(width: int, height: int, ratio: float, focus: tuple[float, float]) -> Box:
    """The largest box of *ratio* (width / height) in a *width* × *height* picture,
    centred on *focus* (fractions of the width and height) as far as the edges allow."""
    if width / height > ratio:
        crop_w, crop_h = height * ratio, float(height)
    else:
        crop_w, crop_h = float(width), width / ratio
    left = min(max(focus[0] * width - crop_w / 2, 0.0), width - crop_w)
    top = min(max(focus[1] * height - crop_h / 2, 0.0), height - crop_h)
    return (left, top, left + crop_w, top + crop_h)


def _crop(stem: str, source: Source, ratio: tuple[int, int], target: int, focus: tuple[float, float]) -> Rendition:
    box = crop_box(source.width, source.height, ratio[0] / ratio[1], focus)
    width = min(target, int(box[2] - box[0]))
    height = max(1, round(width * ratio[1] / ratio[0]))
    return Rendition(f"media/{stem}-{width}x{height}.jpg", "jpeg", width, height, box)


def _stem(*parts: object) -> str:
    """The hash that names a photo's files: the recipe, the source's digest, the embedded
    text, the encoder settings, and (for crops) the focus; never a path or a time."""
    data = [RECIPE, ENCODINGS, *(p.__dict__ if isinstance(p, PhotoText) else p for p in parts)]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:20]


def feedback(src: str, source: Source, path: str, line: int, *, lead: bool = False) -> tuple[Problem, ...]:
    """What the editor hears about the image *src* an article shows, at its *path* and
    *line*: errors for a file that cannot be published, warnings (``--strict``: errors)
    for what weakens it."""
    if source.kind == "broken":
        return tuple(Problem(path, line, f"{src}: {note}") for note in source.notes)
    found = []
    if source.kind == "original" and source.gps:
        found.append(Problem(path, line, f"{src}: its metadata holds a GPS position and it would be published as it "
                                         "is (an SVG or an animation): remove the position from the file"))
    notes = list(source.notes)
    if lead and source.kind == "original":
        notes.append("a lead image published as is: social cards and Google Discover need a JPEG, PNG or "
                     "WebP photograph")
    elif lead and source.width < LEAD_MIN_WIDTH:
        notes.append(f"a lead image {source.width} px wide: social cards and Google Discover want "
                     f"{LEAD_MIN_WIDTH} px or more")
    if source.width * source.height > MAX_MEGAPIXELS * 1e6:
        notes.append(f"{source.width * source.height / 1e6:.0f} megapixels (more than {MAX_MEGAPIXELS}): "
                     "resize it before publishing")
    if source.size > MAX_BYTES:
        notes.append(f"the file is {source.size / 1e6:.1f} MB (more than {MAX_BYTES // 1_000_000})")
    found += [warning(path, line, f"{src}: {note}") for note in notes]
    return tuple(found)
