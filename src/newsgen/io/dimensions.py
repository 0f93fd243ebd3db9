"""The dimensions of an SVG or of a raster's header (`image_size`), so every ``<img>``
carries its ``width`` and ``height`` and the page never shifts while images load.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

_LENGTH = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(?:px)?\s*")


def image_size(path: Path) -> tuple[int, int] | None:
    """``(width, height)`` in CSS pixels, or None when the file is not a readable image."""
    if path.suffix.lower() == ".svg":
        return _svg_size(path)
    # Imported here, when an image is new: importing Pillow is 10 ms of every build.
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            width, height = image.size
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return None
    return (width, height) if width > 0 and height > 0 else None


def _svg_size(path: Path) -> tuple[int, int] | None:
    try:
        root = next(ET.iterparse(path, events=("start",)))[1]
    except (ET.ParseError, OSError, StopIteration):
        return None
    if not root.tag.endswith("svg"):
        return None
    width, height = (_LENGTH.fullmatch(root.get(name, "")) for name in ("width", "height"))
    if width and height:
        return round(float(width[1])), round(float(height[1]))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    try:
        w, h = float(box[2]), float(box[3])
    except (IndexError, ValueError):
        return None
    return (round(w), round(h)) if w > 0 and h > 0 else None
