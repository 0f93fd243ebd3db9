"""The entities an output can show, and their keys: a digest of everything any output can
show of each. An output's key reads the keys of the entities it shows (`Keys`), so an
edit re-keys exactly the outputs that show the edited entity (`newsgen.core.dependencies`).

- an article, by its path: its file, URL, bytes and what it shows of its image files
  (their inspection: digest, size, kind; so a replaced photograph re-keys its pages);
- a tag, by ``#`` and its key: the name it is shown by (its most used spelling, or its
  topic's display name from ``topics.yaml``) and slug (its pages' URL);
- a topic, by ``@`` and its hashtag key: what its page opens with (description, lead
  image and what it shows of its file, pinned stories): only that page reads it;
- a front's ranking, by ``!`` and its section key (``!`` alone: the home page): every
  priority given in the articles it lists. A priority change re-keys the fronts that
  list the article, and only those.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from newsgen.core.models import Article, Tag, Topic
from newsgen.core.outputs import digest
from newsgen.core.site import Site
from newsgen.core.structured import instant

Sizes = Mapping[str, tuple[int, int]]
"""Width and height of the image files whose size could be read, by site path."""
Shown = Mapping[str, object]
"""What a page can show of each image file (its inspection, as plain values), by site path."""


def article_key(article: Article, shown: Shown) -> str:
    """Everything a page can show of *article*: its file, URL, bytes and image files."""
    return digest(article.source, article.path, article.digest, tuple(shown.get(p) for p in article.assets))


def tag_id(key: str) -> str:
    """The entity id of the tag of hashtag identity *key*."""
    return f"#{key}"


def tag_key(tag: Tag, topic: Topic | None = None) -> str:
    return digest(tag.name, tag.slug, topic.name if topic is not None else None)


def topic_id(key: str) -> str:
    """The entity id of the topic page of hashtag identity *key*."""
    return f"@{key}"


def front_id(section: str | None) -> str:
    """The entity id of the ranking of a front: a section's, or the home page's (None)."""
    return f"!{section or ''}"


def entity_keys(
    articles: Iterable[Article], tags: Iterable[Tag], shown: Shown, topics: Mapping[str, Topic] | None = None,
) -> dict[str, str]:
    """The keys of a site's published articles and of its tags (named by their *topics*)."""
    topics = topics or {}
    keys = {a.path: article_key(a, shown) for a in articles}
    keys.update((tag_id(t.key), tag_key(t, topics.get(t.key))) for t in tags)
    return keys


def editorial_keys(site: Site, shown: Shown) -> dict[str, str]:
    """The keys of what editors decide apart from the articles' text: each topic page (of a
    tag the site has) and each front's ranking."""
    keys = {}
    for key, topic in site.topics.items():
        if key in site.tag_index:
            image = (tuple(topic.image), shown.get(topic.image.src)) if topic.image is not None else None
            pinned = tuple(path in site.by_source for path in topic.pinned)  # a pin published later
            keys[topic_id(key)] = digest(topic.name, topic.description, image, topic.pinned, pinned)
    ranked: dict[str | None, list[tuple[object, ...]]] = {None: []}
    ranked.update((s.key, []) for s in site.config.sections)
    for article in site.ranked:
        rank = (article.path, article.priority, instant(article.until))
        ranked[None].append(rank)
        for section in site.config.lineage(article.section):
            ranked[section.key].append(rank)
    keys.update((front_id(section), digest(ranks)) for section, ranks in ranked.items())
    return keys
