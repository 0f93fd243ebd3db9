"""Structured data for search engines: schema.org ``NewsArticle`` as JSON-LD.

The values are the ones the page shows (same headline, same instants as the visible
``<time datetime>``), and the JSON is safe inside ``<script>`` whatever the text holds.
"""
from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import Any

from newsgen.core import urls
from newsgen.core.config import SiteConfig
from newsgen.core.models import Article, Section

# Inside <script>, "</script>" or "<!--" in a string would end or confuse the element;
# JSON allows escaping these characters, so the text means the same to a JSON parser.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def iso(moment: datetime, tz: tzinfo) -> str:
    """RFC 3339 (and W3C datetime) in the site's zone, to the second: ``2025-06-04T18:30:00+01:00``."""
    return moment.astimezone(tz).isoformat(timespec="seconds")


def instant(moment: datetime | None) -> float | None:
    """What a key needs of a time written in the site's zone (the config is in every key):
    a POSIX timestamp digests far faster than a datetime."""
    return moment.timestamp() if moment is not None else None


def news_article(
    config: SiteConfig, article: Article, section: Section, images: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The ``NewsArticle`` of an article page; *images*: its ``ImageObject``s (else the
    URLs of its image files)."""
    url = config.base_url + urls.url_path(article.path)
    publisher = {"@type": "Organization", "name": config.title, "url": config.base_url}
    author = {"@type": "Person", "name": article.byline} if article.byline else publisher
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": article.standfirst,
        "datePublished": iso(article.published, config.timezone),
        "dateModified": iso(article.updated or article.published, config.timezone),
        "author": [author],
        "publisher": publisher,
        "articleSection": section.title,
        "keywords": [h.text for h in article.hashtags],
        "inLanguage": config.language,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "wordCount": article.words,
    }
    if images:
        data["image"] = images
    elif article.images:
        data["image"] = [config.base_url + urls.url_path(image.src) for image in article.images]
    if article.live is not None:
        data.update(live_blog(article, url, config.timezone))
    return data


def live_blog(article: Article, url: str, tz: tzinfo) -> dict[str, Any]:
    """What makes a live page's ``NewsArticle`` a ``LiveBlogPosting``: when the coverage
    runs, each entry as a ``BlogPosting`` at its anchor, and the newest entry's time as
    its last change."""
    live = article.live
    assert live is not None
    data: dict[str, Any] = {"@type": "LiveBlogPosting", "coverageStartTime": iso(article.published, tz)}
    if live.ends is not None:
        data["coverageEndTime"] = iso(live.ends, tz)
    if live.entries:
        data["dateModified"] = iso(max(live.entries[0].at, article.updated or article.published), tz)
    data["liveBlogUpdate"] = [
        {
            "@type": "BlogPosting",
            "headline": entry.title or f"{article.headline} ({entry.at.astimezone(tz):%H:%M})",
            "datePublished": iso(entry.at, tz),
            "url": f"{url}#{entry.anchor}",
            "articleBody": entry.text,
        }
        for entry in live.entries
    ]
    return data


def script_json(data: object) -> str:
    """JSON for a ``<script type="application/ld+json">`` element: no ``</script>`` breakout."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)
