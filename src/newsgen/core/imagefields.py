"""An article's images: the ``images`` of its front matter read and checked, each file it
names found (beside the article first, then from the site root), and what inspecting the
file found said at the line that shows it.
"""
from __future__ import annotations

import posixpath
from collections.abc import Mapping

from newsgen.core import pictures, urls
from newsgen.core.errors import warning
from newsgen.core.models import Image
from newsgen.core.typography import smarten
from newsgen.core.yamldoc import Fields, Map, describe

IMAGE_FIELDS = ("src", "alt", "caption", "credit", "focus", "rights")


class ArticleImages:
    """The images of the article *fields* reads (its problems go to *fields*), among the
    site's *assets*, with what inspecting each file found (*photos*)."""

    def __init__(self, fields: Fields, assets: frozenset[str], photos: Mapping[str, pictures.Source]) -> None:
        self.fields, self.assets, self.photos = fields, assets, photos

    def read(self, table: Map) -> tuple[Image, ...]:
        """The ``images`` of the front matter *table*, each checked."""
        fields, result = self.fields, []
        for item in fields.items(table, "images"):
            if not isinstance(item, Map):
                fields.problem(item.line, f"an image must be 'src', 'alt', 'caption' and 'credit' fields, not {describe(item)}")
                continue
            fields.unknown(item, IMAGE_FIELDS, "image field")
            src = fields.text(item, "src", required=True)
            alt = fields.text(item, "alt", required=True)
            credit = fields.text(item, "credit", required=True)
            caption, unbalanced = smarten(fields.text(item, "caption"))
            if unbalanced:
                fields.problems.append(warning(fields.path, item.line, "quotes do not balance in the image caption"))
            line = item.entries["src"].line if "src" in item.entries else item.line
            site_path = self.resolve(src, line) if src else None
            focus = self.focus(item)
            rights = fields.text(item, "rights")
            if site_path and alt and credit:
                self.feedback(site_path, line, lead=not result)
                result.append(Image(site_path, smarten(alt)[0], caption, credit, focus, rights))
        return tuple(result)

    def focus(self, item: Map) -> tuple[float, float] | None:
        """``focus: 0.3,0.4`` (fractions of the width and height) or ``30%,40%``."""
        text = self.fields.text(item, "focus")
        if not text:
            return None
        point = pictures.focus_point(text)
        if point is None:
            self.fields.problem(item.entries["focus"].line, f"focus must be where the subject is, across and down, as two "
                                f"fractions (0.3,0.4) or percentages (30%,40%), not {text!r}")
        return point

    def feedback(self, site_path: str, line: int, lead: bool = False) -> None:
        """What inspecting the image *site_path* found, said at the *line* that shows it."""
        source = self.photos.get(site_path)
        if source is not None:
            self.fields.problems += pictures.feedback(site_path, source, self.fields.path, line, lead=lead)

    def locate(self, src: str, url: bool = False) -> tuple[str | None, str]:
        """The site path of an image (next to the article first, then from the site root),
        or None and the reason. Its percent-escapes decoded too (``outra%20foto.png`` is
        ``outra foto.png``): first, for a *url* (a body's link or image), else after *src*
        as written (the front matter names files)."""
        rooted = urls.asset_path(src)
        if rooted is None:
            return None, f"image {src!r} must be a file in static/ or content/, not a URL or a path outside the site"
        plain = urls.decoded(src)
        for name in [src] if plain is None else [plain, src] if url else [src, plain]:
            found = self._find(name)
            if found is not None:
                return found, ""
        return None, f"image {src!r} not found in static/ or content/"

    def _find(self, src: str) -> str | None:
        folder = posixpath.dirname(self.fields.path.removeprefix("content/"))
        if folder and not src.startswith("/"):
            beside = urls.asset_path(posixpath.join(folder, src))
            if beside in self.assets:
                return beside
        rooted = urls.asset_path(src)
        return rooted if rooted in self.assets else None

    def resolve(self, src: str, line: int) -> str | None:
        site_path, reason = self.locate(src)
        if site_path is None:
            self.fields.problem(line, reason)
        return site_path
