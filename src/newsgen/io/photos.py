"""Photographs in, published copies out.

`inspect` reads a source once (its digest, upright size, kind, and what the editor should
hear about), fully decoding it so that a truncated file is found before any page points at
its copies. `make` turns the source into the files a `PhotoSet` names: decoded at the
smallest JPEG scale that suffices (``Image.draft``: a 360-px copy of a 6000-px photo never
decodes 6000 px), turned upright by its EXIF orientation, converted to 8-bit sRGB (CMYK
and other colour spaces through their ICC profile, 16-bit to 8), resized, and saved with
nothing of the source's metadata: no EXIF (GPS, serial numbers), no comment, no ICC
profile (sRGB is what browsers assume), only our XMP credit, caption and copyright.
`Image.LOAD_TRUNCATED_IMAGES` stays off; decompression bombs are refused, never decoded.
"""
from __future__ import annotations

import hashlib
import io
import struct
import threading
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

from PIL import Image, ImageCms, PngImagePlugin, features

from newsgen.core.pictures import ENCODINGS, Format, Kind, PhotoText, Rendition, Source
from newsgen.io.photo_metadata import embedded_text, has_position, xmp_packet
from newsgen.io.dimensions import image_size

# What a damaged or hostile file can make Pillow raise (its fuzzers' list).
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, struct.error, ZeroDivisionError)
SIXTEEN_BIT = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")
MODES = frozenset({"1", "L", "LA", "La", "P", "PA", "RGB", "RGBA", "RGBa", "CMYK", *SIXTEEN_BIT})
ORIENTATION = 0x0112
_OPENING = threading.Lock()
REDUCING_GAP = 3.0
"""Shrink by whole factors (box filter) until 3× the target, then Lanczos: as sharp as
Lanczos all the way (Pillow's documentation: "indistinguishable"), and faster."""


def avif_available() -> bool:
    """Whether this Pillow can encode AVIF (plan with ``avif=avif_available()``)."""
    return bool(features.check("avif"))


def codecs() -> str:
    """``Pillow 13.0.0 (WebP 1.6.0, AVIF 1.4.2)``, or ``AVIF unavailable``: for ``--version``."""
    from PIL import __version__

    avif = f"AVIF {features.version('avif')}" if features.check("avif") else "AVIF unavailable"
    webp = f"WebP {features.version('webp')}" if features.check("webp") else "WebP unavailable"
    return f"Pillow {__version__} ({webp}, {avif})"


def inspect(file: Path) -> Source:
    """What the plan needs to know of *file*. A raster that cannot be published safely
    (unreadable, truncated, too large to decode, a colour mode we cannot convert) comes
    back as kind ``broken`` with the reason in ``notes``: its bytes are never published,
    since its metadata (GPS, serial numbers) would go with them."""
    data = file.read_bytes()
    digest, size = hashlib.sha256(data).hexdigest(), len(data)
    if file.suffix.lower() == ".svg":
        dims = image_size(file) or (0, 0)
        return Source(digest, *dims, "original", size, () if dims[0] else ("an SVG without width and height",))
    width = height = 0
    gps = False
    try:
        with _OPENING, warnings.catch_warnings():  # the warnings filter is process-wide
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        with image:
            width, height = _upright_size(image)
            notes = _conversions(image)
            gps = has_position(image)
            caption, rights = embedded_text(image)
            if getattr(image, "n_frames", 1) > 1:  # an animation: as it is
                return Source(digest, width, height, "original", size, (), gps, caption, rights)
            if image.mode not in MODES:
                return Source(digest, width, height, "broken", size,
                              (f"an image in the {image.mode} colour mode, which newsgen cannot convert: "
                               "save it as an RGB JPEG or PNG",), gps)
            kind: Kind = "graphic" if image.format in ("PNG", "GIF") or _has_alpha(image) else "photo"
            if image.format == "JPEG":
                image.draft(None, (1, 1))  # decodes every byte, at 1/8 scale
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        limit = (Image.MAX_IMAGE_PIXELS or 0) / 1e6
        return Source(digest, width, height, "broken", size,
                      (f"too large to decode safely (over {limit:.0f} megapixels): resize it",))
    except DECODE_ERRORS as error:
        said = str(error) or type(error).__name__
        why = "the file is cut short" if "truncated" in said.lower() else f"cannot read the image ({said})"
        return Source(digest, width, height, "broken", size, (f"{why}: replace it",), gps)
    return Source(digest, width, height, kind, size, notes, gps, caption, rights)


def make(data: bytes, width: int, files: Iterable[tuple[Rendition, PhotoText]],
         write: Callable[[Rendition, bytes], None]) -> int:
    """Encode *files* (renditions of one source whose upright width is *width*, each with the
    text to embed) from the source's bytes *data*; hand each to *write*. Returns the count."""
    files = list(files)
    if not files:
        return 0
    need = max(r.width / (r.box[2] - r.box[0]) for r, _ in files)
    base = _decode(data, need)
    scale = base.width / width
    resized: dict[tuple[int, int, tuple[float, ...]], Image.Image] = {}  # one resize for every format
    for rendition, text in files:
        key = (rendition.width, rendition.height, rendition.box)
        if key not in resized:
            box = tuple(v * scale for v in rendition.box)
            resized[key] = base.resize((rendition.width, rendition.height), Image.Resampling.LANCZOS,
                                       box=box, reducing_gap=REDUCING_GAP)  # type: ignore[arg-type]
        write(rendition, encode(resized[key], rendition.format, xmp_packet(text)))
    return len(files)


def encode(image: Image.Image, fmt: Format, xmp: bytes) -> bytes:
    """*image* (RGB or RGBA) in *fmt*, carrying *xmp* and nothing else from anywhere (its
    ``info``, which holds what it was made from, is emptied)."""
    image.info = {}  # resize() copies the source's info: its EXIF, comment and ICC profile
    out = io.BytesIO()
    if fmt == "png":
        extra = PngImagePlugin.PngInfo()
        if xmp:
            extra.add_itxt("XML:com.adobe.xmp", xmp.decode())
        image.save(out, "PNG", pnginfo=extra, **ENCODINGS[fmt])  # type: ignore[arg-type]
        return out.getvalue()
    if fmt == "jpeg" and image.mode == "RGBA":
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    image.save(out, fmt.upper(), xmp=xmp, **ENCODINGS[fmt])  # type: ignore[arg-type]
    return out.getvalue()


def _decode(data: bytes, need: float) -> Image.Image:
    """The picture upright in 8-bit sRGB (RGB, or RGBA when it has transparency), at the
    smallest JPEG decoding scale that keeps *need* × its full size."""
    image = Image.open(io.BytesIO(data))
    if image.format == "JPEG" and need < 1:
        raw_w, raw_h = image.size
        image.draft(None, (max(1, int(raw_w * need) + 1), max(1, int(raw_h * need) + 1)))
    image.load()
    method = _TRANSPOSE.get(_orientation(image))
    if method is not None:
        image = image.transpose(method)  # keeps info, ICC profile included
    return to_srgb(image)


def to_srgb(image: Image.Image) -> Image.Image:
    """RGB (or RGBA) with 8 bits a channel in sRGB, converted through the image's ICC
    profile when it has one that is not sRGB (CMYK's, Adobe RGB, Display P3)."""
    icc = image.info.get("icc_profile")
    if image.mode in SIXTEEN_BIT:
        high = image.getextrema()[1]
        factor = 255 / 65535 if isinstance(high, (int, float)) and high > 255 else 1.0
        image = image.convert("I").point(lambda v: v * factor).convert("L")
    alpha = None
    if _has_alpha(image):
        image = image.convert("RGBA")
        alpha = image.getchannel("A")
        image = image.convert("RGB")
        if alpha.getextrema() == (255, 255):
            alpha = None
    elif image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    if icc and not _is_srgb(icc):
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            image = ImageCms.profileToProfile(image, profile, _SRGB, outputMode="RGB")  # type: ignore[assignment]
        except (ImageCms.PyCMSError, OSError, ValueError):
            image = image.convert("RGB")
    if image.mode != "RGB":
        image = image.convert("RGB")
    if alpha is not None:
        image.putalpha(alpha)
    return image


def _conversions(image: Image.Image) -> tuple[str, ...]:
    """What converting *image* (opened, not decoded) to 8-bit sRGB will do, for the editor."""
    notes = []
    if image.mode == "CMYK":
        how = "through its colour profile" if image.info.get("icc_profile") else (
            "without a colour profile, so its colours may be off")
        notes.append(f"a CMYK image (for print): converted to sRGB {how}")
    raw = image.tile[0].args[0] if image.tile and isinstance(image.tile[0].args, tuple) else ""
    if image.mode in SIXTEEN_BIT[:4] or (isinstance(raw, str) and "16" in raw):
        notes.append("a 16-bit image: converted to 8 bits a channel")
    return tuple(notes)


def _upright_size(image: Image.Image) -> tuple[int, int]:
    width, height = image.size
    return (height, width) if _orientation(image) in (5, 6, 7, 8) else (width, height)


def _orientation(image: Image.Image) -> int:
    try:
        value = image.getexif().get(ORIENTATION, 1)
    except DECODE_ERRORS:
        return 1
    return value if isinstance(value, int) else 1


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _is_srgb(icc: bytes) -> bool:
    try:
        description = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc)))
    except (ImageCms.PyCMSError, OSError, ValueError):
        return True  # unreadable: ignore it rather than guess
    return "srgb" in description.lower()


_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_T = Image.Transpose
_TRANSPOSE = {2: _T.FLIP_LEFT_RIGHT, 3: _T.ROTATE_180, 4: _T.FLIP_TOP_BOTTOM, 5: _T.TRANSPOSE, 6: _T.ROTATE_270,
              7: _T.TRANSVERSE, 8: _T.ROTATE_90}
