"""Structured data for search engines, as JSON-LD: schema.org ``NewsArticle`` (one
``Person`` or ``Organization`` per author, the publisher as a ``NewsMediaOrganization``
with its policies and logo, each correction a ``CorrectionComment``), the publisher on the
home page, and an author's ``ProfilePage``.

The values are the ones the page shows (same headline, same names, same instants as the
visible ``<time datetime>``), and the JSON is safe inside ``<script>`` whatever the text holds.
"""
from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import Any

from typing import TYPE_CHECKING

from newsgen.core import urls
from newsgen.core.config import SiteConfig
from newsgen.core.corrections import modified, shown
from newsgen.core.desk import Desk
from newsgen.core.models import Article, Section

if TYPE_CHECKING:
    from newsgen.core.authors import Author
    from newsgen.core.brand import Rendition

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


def organization(config: SiteConfig, desk: Desk) -> dict[str, Any]:
    """The publisher: a ``NewsMediaOrganization`` with its logo and the policies whose
    pages exist; without ``publisher:``, the site as an ``Organization``."""
    if config.publisher is None:
        return {"@type": "Organization", "name": config.title, "url": config.base_url}
    publisher = config.publisher
    data: dict[str, Any] = {"@type": "NewsMediaOrganization", "name": publisher.name, "url": publisher.url or config.base_url}
    logo = desk.brand.logo_square
    if logo is not None:
        data["logo"] = image_object(config, logo)
    if publisher.same_as:
        data["sameAs"] = list(publisher.same_as)
    for prop, target in desk.policies(config):
        path, hash_, fragment = target.partition("#")
        data[prop] = target if target.startswith("https://") else config.base_url + urls.url_path(path) + hash_ + fragment
    return data


def image_object(config: SiteConfig, rendition: Rendition) -> dict[str, Any]:
    return {"@type": "ImageObject", "url": config.base_url + urls.url_path(rendition.path),
            "width": rendition.width, "height": rendition.height}


def person(config: SiteConfig, author: Author, desk: Desk | None = None) -> dict[str, Any]:
    """An author as a ``Person`` or an ``Organization``: name, page, role, profiles; given
    the *desk*, the photo too (only the author page shows it)."""
    data: dict[str, Any] = {"@type": author.schema_type, "name": author.name, "url": config.base_url + urls.url_path(author.path)}
    if author.role and author.kind == "person":
        data["jobTitle"] = author.role
    elif author.role:
        data["description"] = author.role
    if author.same_as:
        data["sameAs"] = list(author.same_as)
    portrait = desk.portraits.get(author.key) if desk is not None else None
    if portrait:
        data["image"] = image_object(config, portrait[-1])
    return data


def authors(config: SiteConfig, article: Article, desk: Desk) -> list[dict[str, Any]]:
    """One entry per name of the byline; without one, the publisher."""
    found = []
    for credit in article.credits:
        author = desk.authors.get(credit.key) if credit.key else None
        found.append(person(config, author) if author is not None else {"@type": "Person", "name": credit.text})
    return found or [organization(config, desk)]


def profile_page(config: SiteConfig, author: Author, desk: Desk) -> dict[str, Any]:
    """An author page: a ``ProfilePage`` whose main entity is the author."""
    return {
        "@context": "https://schema.org", "@type": "ProfilePage",
        "url": config.base_url + urls.url_path(author.path), "mainEntity": person(config, author, desk),
    }


def publisher_page(config: SiteConfig, desk: Desk) -> dict[str, Any]:
    """The home page's: the publisher, with its schema.org context."""
    return {"@context": "https://schema.org", **organization(config, desk)}


def news_article(
    config: SiteConfig, article: Article, section: Section, desk: Desk | None = None, now: datetime | None = None,
    images: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The ``NewsArticle`` of an article page (*now*: the build clock, which says which
    corrections are published); *images*: its ``ImageObject``s (else the URLs of its
    image files)."""
    desk = desk or Desk()
    url = config.base_url + urls.url_path(article.path)
    publisher = organization(config, desk)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": article.standfirst,
        "datePublished": iso(article.published, config.timezone),
        "dateModified": iso(modified(article, now), config.timezone),
        "author": authors(config, article, desk),
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
    published = shown(article, now) if now is not None else ()
    if published:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": c.text, "datePublished": iso(c.at, config.timezone),
             "url": f"{url}#correcao-{n}"}
            for n, c in enumerate(published, start=1)
        ]
    if article.live is not None:
        data.update(live_blog(article, url, config.timezone, now))
    return data


def live_blog(article: Article, url: str, tz: tzinfo, now: datetime | None = None) -> dict[str, Any]:
    """What makes a live page's ``NewsArticle`` a ``LiveBlogPosting``: when the coverage
    runs, each entry as a ``BlogPosting`` at its anchor, and the newest entry's time as
    its last change (or a later correction's, published at *now*)."""
    live = article.live
    assert live is not None
    data: dict[str, Any] = {"@type": "LiveBlogPosting", "coverageStartTime": iso(article.published, tz)}
    if live.ends is not None:
        data["coverageEndTime"] = iso(live.ends, tz)
    if live.entries:
        data["dateModified"] = iso(max(live.entries[0].at, modified(article, now)), tz)
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


def breadcrumb_list(config: SiteConfig, trail: tuple[tuple[str, str | None], ...]) -> dict[str, Any]:
    """The ``BreadcrumbList`` of a page: each (name, site path) of its *trail*, outermost
    first; the page itself last, without a path (Google's guidelines allow it)."""
    items = []
    for position, (name, path) in enumerate(trail, start=1):
        item: dict[str, Any] = {"@type": "ListItem", "position": position, "name": name}
        if path is not None:
            item["item"] = config.base_url + urls.url_path(path)
        items.append(item)
    return {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items}
