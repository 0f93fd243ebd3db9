"""The entities an output can show, and their keys: a digest of everything any output can
show of each. An output's key reads the keys of the entities it shows (`Keys`), so an
edit re-keys exactly the outputs that show the edited entity (`newsgen.core.dependencies`).

- an article, by its path: its file, URL, bytes, what it shows of its image files
  (their inspection: digest, size, kind; so a replaced photograph re-keys its pages), and
  what its pages show that its file does not say (`Facts`: where its links lead now,
  whether it is live at the build clock);
- a tag, by ``#`` and its key: the display name and slug (its pages' URL).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from newsgen.core.models import Article, Tag
from newsgen.core.outputs import digest

Sizes = Mapping[str, tuple[int, int]]
"""Width and height of the image files whose size could be read, by site path."""
Shown = Mapping[str, object]
"""What a page can show of each image file (its inspection, as plain values), by site path."""
Facts = Callable[[Article], object]
"""What pages show of an article that its file does not say, as plain values (strings,
booleans, None, tuples of them): the URLs its links lead to, whether it is live now."""


def _nothing(article: Article) -> object:
    return None


def article_key(article: Article, shown: Shown, facts: Facts = _nothing) -> str:
    """Everything a page can show of *article*: its file, URL, bytes, image files and *facts*."""
    return digest(
        article.source, article.path, article.digest, tuple(shown.get(p) for p in article.assets), facts(article),
    )


def tag_id(key: str) -> str:
    """The entity id of the tag of hashtag identity *key*."""
    return f"#{key}"


def tag_key(tag: Tag) -> str:
    return digest(tag.name, tag.slug)


def entity_keys(
    articles: Iterable[Article], tags: Iterable[Tag], shown: Shown, facts: Facts = _nothing,
) -> dict[str, str]:
    """The keys of a site's published articles and of its tags."""
    keys = {a.path: article_key(a, shown, facts) for a in articles}
    keys.update((tag_id(t.key), tag_key(t)) for t in tags)
    return keys
