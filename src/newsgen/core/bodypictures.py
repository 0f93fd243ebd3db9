"""An article body's images as the page and the feed show them.

The parsed body keeps plain ``<img src="/images/foto.jpg" …>`` elements (the parse never
depends on how photographs are encoded, so the parse cache keeps bodies by the article's
bytes alone). When a page is rendered, each image of a photograph becomes its
``<picture>``, and each link to one points at its largest copy: the file itself is never
published (its metadata may hold a GPS position). The body is HTML as Python-Markdown or
nh3 serialized it: attributes in double quotes.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from html import escape, unescape

from newsgen.core import urls
from newsgen.core.models import Article
from newsgen.core.photoplan import PhotoPlan
from newsgen.core.pictures import PhotoSet

_TAG = re.compile(r"<(img|a)\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'([^\s=/>]+)(?:\s*=\s*"([^"]*)")?')

Picture = Callable[[PhotoSet, str], str]
"""A photograph and its alt text → the markup that shows it."""
Link = Callable[[PhotoSet], str]
"""A photograph → the URL a link to it points at."""


def with_pictures(html: str, article: Article, photos: PhotoPlan, prefix: str, picture: Picture, link: Link) -> str:
    """*html*, the body of *article* under the base path *prefix*, with each image of a
    photograph shown by *picture* and each link to one pointed at *link*'s URL."""
    if "<img" not in html and "<a" not in html:
        return html
    served = {prefix + urls.url_path(src): src for src in article.assets if photos.processed(src)}
    if not served:
        return html

    def replace(match: re.Match[str]) -> str:
        tag, attributes = match.group(1).lower(), dict(_ATTRIBUTE.findall(match.group(2)))
        target = attributes.get("src" if tag == "img" else "href")
        src = served.get(unescape(target)) if target is not None else None
        photo = photos.figure(article, src) if src is not None else None
        if photo is None or not photo.processed:
            return match.group(0)
        if tag == "img":
            return picture(photo, unescape(attributes.get("alt", "")))
        start, end = match.span(2)
        rest = match.group(2).replace(f'href="{target}"', f'href="{escape(link(photo))}"', 1)
        return match.group(0)[: start - match.start()] + rest + match.group(0)[end - match.start():]

    return _TAG.sub(replace, html)
