"""The entities an output can show, and their keys: a digest of everything any output can
show of each. An output's key reads the keys of the entities it shows (`Keys`), so an
edit re-keys exactly the outputs that show the edited entity (`newsgen.core.dependencies`).

- an article, by its path: its file, URL, bytes, what it shows of its image files
  (their inspection: digest, size, kind; so a replaced photograph re-keys its pages), and
  what its pages show that its file does not say (`Facts`: where its links lead now,
  whether it is live at the build clock);
- a tag, by ``#`` and its key: the name it is shown by (its most used spelling, or its
  topic's display name from ``topics.yaml``) and slug (its pages' URL);
- a topic, by ``@`` and its hashtag key: what its page opens with (description, lead
  image and what it shows of its file, pinned stories): only that page reads it;
- a front's ranking, by ``!`` and its section key (``!`` alone: the home page): every
  priority given in the articles it lists. A priority change re-keys the fronts that
  list the article, and only those;
- an author, by ``author:`` and its key: everything the author page shows (bio, photo…),
  and by ``byline:`` and its key: what a byline shows (name, role, type, links), which an
  article's own key digests too, so every page that shows the article shows it afresh;
- a standalone page, by ``page:`` and its slug: its title and body.

An article's key also counts its corrections the build clock has reached: a correction
coming due changes every page that shows the article (`newsgen.core.corrections`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from newsgen.core.models import Article, Tag, Topic
from newsgen.core.outputs import digest
from newsgen.core.site import Site
from newsgen.core.structured import instant

if TYPE_CHECKING:
    from newsgen.core.authors import Author
    from newsgen.core.brand import Rendition
    from newsgen.core.desk import Desk
    from newsgen.core.standalone import StandalonePage

Sizes = Mapping[str, tuple[int, int]]
"""Width and height of the image files whose size could be read, by site path."""
Shown = Mapping[str, object]
"""What a page can show of each image file (its inspection, as plain values), by site path."""
Facts = Callable[[Article], object]
"""What pages show of an article that its file does not say, as plain values (strings,
booleans, None, tuples of them): the URLs its links lead to, whether it is live now."""


def _nothing(article: Article) -> object:
    return None


def article_key(
    article: Article, shown: Shown, bylines: Mapping[str, str] | None = None, now: datetime | None = None,
    facts: Facts = _nothing,
) -> str:
    """Everything a page can show of *article*: its file, URL, bytes and image files; the
    `byline_key` of each of its authors (*bylines*, by author key), how many of its
    corrections a build at *now* shows, and its *facts*."""
    images = tuple(shown.get(p) for p in article.assets)
    extra: tuple[object, ...] = ()
    if article.credits and bylines:
        extra += tuple(bylines.get(c.key) for c in article.credits if c.key)
    if article.corrections and now is not None:
        extra += (sum(c.at <= now for c in article.corrections),)
    fact = facts(article)
    if fact is not None:
        extra += (fact,)
    if extra:
        return digest(article.source, article.path, article.digest, images, extra)
    return digest(article.source, article.path, article.digest, images)


def author_id(key: str) -> str:
    """The entity id of the author *key*'s page (bio, photo…)."""
    return f"author:{key}"


BYLINE = "byline:"


def byline_id(key: str) -> str:
    """The entity id of what a byline shows of the author *key*."""
    return f"{BYLINE}{key}"


def page_id(slug: str) -> str:
    return f"page:{slug}"


def byline_key(author: Author) -> str:
    return digest(author.name, author.role, author.kind, author.path, author.same_as)


def author_key(author: Author, portrait: tuple[Rendition, ...], shown: Shown) -> str:
    photo = tuple((r.path, r.width, r.height) for r in portrait)
    return digest(byline_key(author), author.bio_html, photo, tuple(shown.get(p) for p in author.assets))


def page_key(page: StandalonePage, shown: Shown) -> str:
    return digest(page.title, page.path, page.body_html, tuple(shown.get(p) for p in page.assets))


def desk_keys(desk: Desk, shown: Shown) -> dict[str, str]:
    """The keys of the authors (both kinds) and of the standalone pages."""
    keys = {}
    for key, author in desk.authors.items():
        keys[byline_id(key)] = byline_key(author)
        keys[author_id(key)] = author_key(author, desk.portraits.get(key, ()), shown)
    keys.update((page_id(p.slug), page_key(p, shown)) for p in desk.pages)
    return keys


def bylines_of(keys: Mapping[str, str], desk: Desk) -> dict[str, str]:
    """The `byline_key` of each author, by author key, from *keys*."""
    return {key: keys[byline_id(key)] for key in desk.authors}


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
    articles: Iterable[Article], tags: Iterable[Tag], shown: Shown, desk: Desk | None = None, now: datetime | None = None,
    topics: Mapping[str, Topic] | None = None, facts: Facts = _nothing,
) -> dict[str, str]:
    """The keys of a site's published articles and of its tags, named by their *topics*
    (and of its *desk*'s authors and pages; articles' corrections counted at *now*;
    *facts*: what pages show of an article that its file does not say)."""
    keys = desk_keys(desk, shown) if desk is not None else {}
    bylines = bylines_of(keys, desk) if desk is not None else None
    keys.update((a.path, article_key(a, shown, bylines, now, facts)) for a in articles)
    topics = topics or {}
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
