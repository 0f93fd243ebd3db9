"""The publisher's icons and logos and the authors' photos, made with Pillow as
`newsgen.core.brand` plans them.

A build makes a file only when the output does not hold it already: its key (the
source's SHA-256, the recipe, the size) is that of its plan (`newsgen.pipeline.gather`), so
the output is the store and nothing is encoded twice; in one process (the preview, the
tests), each file is also made once (`make`). Pillow is imported only then. The files
carry nothing of their source's metadata (no EXIF, no comment, no ICC profile).
"""
from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import TYPE_CHECKING

from newsgen.core.brand import ICO_SIZES, Rendition

if TYPE_CHECKING:
    from PIL import Image

PADDING = 0.1
"""The margin around a logo or an icon on a white square (none on a transparent one)."""
JPEG = {"quality": 85, "optimize": True, "progressive": True}
_MADE: dict[tuple[object, ...], bytes] = {}
_MADE_MAX = 64


def make(file: Path, rendition: Rendition) -> bytes:
    """The bytes of *rendition*, made from *file* (which must still be its source)."""
    key = rendition.key()
    made = _MADE.get(key)
    if made is not None:
        return made
    data = file.read_bytes()
    if hashlib.sha256(data).hexdigest() != rendition.source.digest:
        raise RuntimeError(f"{rendition.source.src} changed during the build; build again")
    made = data if rendition.kind == "copy" else encode(data, rendition)
    if len(_MADE) >= _MADE_MAX:
        _MADE.clear()
    _MADE[key] = made
    return made


def encode(data: bytes, rendition: Rendition) -> bytes:
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as opened:
        picture = (ImageOps.exif_transpose(opened) or opened).convert("RGBA")
    kind, size, out = rendition.kind, (rendition.width, rendition.height), io.BytesIO()
    if kind == "ico":
        square(picture, 256, "").save(out, "ICO", sizes=[(s, s) for s in ICO_SIZES])
    elif kind == "square":
        square(picture, rendition.width, rendition.background).save(out, "PNG", optimize=True)
    elif kind == "fit":
        clean(picture.resize(size, Image.Resampling.LANCZOS)).save(out, "PNG", optimize=True)
    elif kind == "cover":
        cropped = ImageOps.fit(picture, size, Image.Resampling.LANCZOS, centering=(0.5, 0.4))
        clean(flatten(cropped, rendition.background or "#ffffff")).save(out, "JPEG", **JPEG)
    else:
        raise ValueError(f"unknown rendition kind {kind!r}")
    return out.getvalue()


def square(picture: Image.Image, side: int, background: str) -> Image.Image:
    """*picture* fitted in a *side*-pixel square, centred, on *background* (``""``:
    transparent, edge to edge; a colour: with a margin of `PADDING`)."""
    from PIL import Image

    inner = side * (1 - 2 * PADDING) if background else side
    scale = inner / max(picture.width, picture.height)
    fitted = picture.resize((max(1, round(picture.width * scale)), max(1, round(picture.height * scale))),
                            Image.Resampling.LANCZOS)
    canvas = Image.new("RGBA", (side, side), background or (0, 0, 0, 0))
    canvas.alpha_composite(fitted, ((side - fitted.width) // 2, (side - fitted.height) // 2))
    return clean(flatten(canvas, background) if background else canvas)


def flatten(picture: Image.Image, background: str) -> Image.Image:
    """*picture* on an opaque *background*, as RGB."""
    from PIL import Image

    canvas = Image.new("RGBA", picture.size, background)
    canvas.alpha_composite(picture.convert("RGBA"))
    return canvas.convert("RGB")


def clean(picture: Image.Image) -> Image.Image:
    picture.info = {}  # resize() keeps what the source carried (EXIF, ICC, comments)
    return picture
