"""Image dimensions, read from the files' headers, so every ``<img>`` can carry its
``width`` and ``height`` and the page never shifts while images load.

Raster formats through Pillow (it reads the header only, never decodes pixels); SVG
from the root element's ``width``/``height`` or ``viewBox``.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path

from newsgen.core.errors import Problem, warning
from newsgen.io.scanning import Signature, signature
from newsgen.io.sources import source_name

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg"})
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


class ImageSizes:
    """Width and height of image assets, read once per file version (by signature)."""

    def __init__(self, known: dict[str, tuple[Signature, tuple[int, int] | None]] | None = None) -> None:
        self.known = known or {}

    def measure(self, assets: Mapping[str, Path], site_dir: Path) -> tuple[dict[str, tuple[int, int]], list[Problem]]:
        """Sizes of every image in *assets*; a warning for each one that cannot be read."""
        sizes, problems, seen = {}, [], {}
        for path, file in assets.items():
            if file.suffix.lower() not in IMAGE_SUFFIXES:
                continue
            sig = signature(file.stat())
            known = self.known.get(str(file))
            size = known[1] if known and known[0] == sig else image_size(file)
            seen[str(file)] = (sig, size)
            if size is None:
                problems.append(warning(source_name(file, site_dir), 0, "not a readable image: it is shown without width and height"))
            else:
                sizes[path] = size
        self.known = seen
        return sizes, problems
