"""The small label above a story's headline on fronts and lists: its kicker (antetítulo:
«Análise», «Exclusivo»), else its main topic («Cooperação militar»: the first of its
hashtags that ``topics.yaml`` names), else its section («Europa»).

A page showing labels reads, for each story, the tags of its hashtags up to its main
topic (`Labels.key`): naming a topic, or renaming it, re-keys the pages whose labels it
changes, and no others.
"""
from __future__ import annotations

from collections.abc import Iterable

from newsgen.core.entities import tag_id
from newsgen.core.models import Article, Hashtag
from newsgen.core.outputs import Keys
from newsgen.core.site import Site


class Labels:
    """The labels of one site's stories."""

    def __init__(self, site: Site) -> None:
        self.site = site

    def topic(self, article: Article, skip: str | None = None) -> Hashtag | None:
        """The hashtag of *article*'s main topic (but the tag *skip*), if any."""
        topics = self.site.topics
        return next((h for h in article.hashtags if h.key in topics and h.key != skip), None) if topics else None

    def of(self, article: Article, skip: str | None = None, section: str | None = None, topics: bool = True) -> str:
        """*article*'s label on a page of the tag *skip* or of the section *section* (whose
        name it would only repeat): ``""`` when it has none to show there. Without
        *topics*, its kicker or section only (a month archive: no tag to read)."""
        if article.kicker:
            return article.kicker
        hashtag = self.topic(article, skip) if topics else None
        if hashtag is not None:
            return self.site.topics[hashtag.key].name
        if article.section == section:
            return ""
        found = self.site.config.section(article.section)
        return found.title if found is not None else ""

    def key(self, keys: Keys, articles: Iterable[Article], skip: str | None = None) -> tuple[tuple[str, ...], ...]:
        """What the labels of *articles* read: the keys of their tags up to their main topic
        (all of them when none is a topic: naming one would change the label). Read even
        under a kicker (its own article's key): dropping the kicker brings the topic back."""
        read = []
        for article in articles:
            topic = self.topic(article, skip)
            upto = article.hashtags.index(topic) + 1 if topic is not None else len(article.hashtags)
            read.append(tuple(keys[tag_id(h.key)] for h in article.hashtags[:upto] if h.key != skip))
        return tuple(read)
