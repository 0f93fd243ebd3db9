"""``topics.yaml`` text → the `Topic` of each hashtag it names, or every problem with its line.

A topic gives a hashtag's page a display name («Cooperação militar» for
``#CooperaçãoMilitar``), a description, an optional lead image and pinned stories::

    CooperaçãoMilitar:
      name: Cooperação militar
      description: A aliança entre Moscovo e Pyongyang, das tropas às armas.
      image: {src: images/kim.jpg, alt: Kim e Shoigu, caption: Em Pyongyang., credit: KCNA via KNS/AP}
      pinned: [content/mundo/2025-06-04-kim.md]

A hashtag is named as an article writes it (any spelling of it: case, accents and
separators do not matter). Never raises for bad input.
"""
from __future__ import annotations

from collections.abc import Mapping

from newsgen.core import pictures, urls
from newsgen.core.errors import Problem, did_you_mean, warning
from newsgen.core.hashtags import HASHTAG_RE
from newsgen.core.imagefields import IMAGE_FIELDS
from newsgen.core.models import Image, Topic
from newsgen.core.options import TOPICS_FILE
from newsgen.core.typography import smarten
from newsgen.core.yamldoc import Fields, Map, Scalar, describe, load_mapping

TOPIC_FIELDS = ("name", "description", "image", "pinned")


def parse_topics(
    text: str, assets: frozenset[str], articles: frozenset[str], path: str = TOPICS_FILE,
    photos: Mapping[str, pictures.Source] | None = None,
) -> tuple[dict[str, Topic], list[Problem]]:
    """The topics of *text* by hashtag key, and every problem. *assets*: the site paths of
    the files an image may be; *articles*: the article files (``content/…``) a pin may name;
    *photos*: what inspecting each image found (the editor hears about a weak one)."""
    root, problems = load_mapping(text, path)
    if root is None:
        return {}, problems
    reader = _Reader(path, problems, assets, articles, photos or {})
    topics: dict[str, Topic] = {}
    written: dict[str, str] = {}
    for hashtag, entry in root.entries.items():
        name = hashtag.strip().removeprefix("#").strip()
        if not name or not HASHTAG_RE.fullmatch(name):
            reader.problem(entry.line, f"{hashtag!r} is not a hashtag: letters, digits, spaces, '-' and '_' only")
            continue
        key = urls.hashtag_key(name)
        if key in written:
            reader.problem(entry.line, f"{hashtag!r} is the hashtag {written[key]!r} again")
            continue
        written[key] = hashtag
        if not isinstance(entry.value, Map):
            reader.problem(entry.line, f"topic {hashtag!r} needs at least a 'name', not {describe(entry.value)}")
            continue
        topic = reader.topic(key, entry.value)
        if topic is not None:
            topics[key] = topic
    return topics, problems


class _Reader(Fields):
    def __init__(self, path: str, problems: list[Problem], assets: frozenset[str], articles: frozenset[str],
                 photos: Mapping[str, pictures.Source]) -> None:
        super().__init__(path, problems)
        self.assets, self.articles, self.photos = assets, articles, photos

    def topic(self, key: str, table: Map) -> Topic | None:
        self.unknown(table, TOPIC_FIELDS)
        name = self.smart(table, "name", required=True)
        description = self.smart(table, "description")
        image = self.image(table)
        pinned = self.pinned(table)
        return Topic(key, name, description, image, pinned) if name else None

    def smart(self, table: Map, key: str, required: bool = False) -> str:
        text, unbalanced = smarten(self.text(table, key, required=required))
        if unbalanced:
            self.problems.append(warning(self.path, table.entries[key].line, f"quotes do not balance in '{key}'"))
        return text

    def image(self, table: Map) -> Image | None:
        entry = table.get("image")
        if entry is None or (isinstance(entry.value, Scalar) and entry.value.is_null):
            return None
        item = entry.value
        if not isinstance(item, Map):
            self.problem(entry.line, f"'image' must be 'src', 'alt', 'caption' and 'credit' fields, not {describe(item)}")
            return None
        for field, sub in item.entries.items():
            if field not in IMAGE_FIELDS:
                self.problems.append(warning(self.path, sub.line, f"unknown image field '{field}'{did_you_mean(field, IMAGE_FIELDS)}"))
        src = self.text(item, "src", required=True)
        alt = self.smart(item, "alt", required=True)
        credit = self.text(item, "credit", required=True)
        caption = self.smart(item, "caption")
        site_path = urls.asset_path(src) if src else None
        if src and site_path not in self.assets:
            self.problem(item.entries["src"].line, f"image {src!r} not found in static/ or content/ (a path from the site's root)")
            return None
        focus = None
        if "focus" in item.entries:
            focus = pictures.focus_point(self.text(item, "focus"))
            if focus is None:
                self.problem(item.entries["focus"].line, "focus must be two fractions (0.3,0.4) or percentages (30%,40%)")
        source = self.photos.get(site_path) if site_path else None
        if source is not None and site_path:
            self.problems += pictures.feedback(site_path, source, self.path, item.entries["src"].line)
        rights = self.text(item, "rights")
        return Image(site_path, alt, caption, credit, focus, rights) if site_path and alt and credit else None

    def pinned(self, table: Map) -> tuple[str, ...]:
        found: list[str] = []
        for item in self.items(table, "pinned"):
            source = item.text.strip() if isinstance(item, Scalar) and not item.is_null else ""
            if not source:
                self.problem(item.line, f"a pinned story is an article's file, e.g. content/mundo/2025-06-04-kim.md, not {describe(item)}")
            elif source not in self.articles:
                hint = did_you_mean(source, sorted(self.articles))
                self.problems.append(warning(self.path, item.line, f"pinned story {source!r} is not an article file{hint}; it is left out"))
            elif source not in found:
                found.append(source)
        return tuple(found)
