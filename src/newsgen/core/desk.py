"""The newsroom around the articles: the authors, the standalone pages, the publisher's
logo and icons (a `Desk`), and what every page shows of them.

What every page shows (the footer's links, the policy pages the JSON-LD publisher names,
the icons' and logos' files) is part of what every output shares (`shared`); the authors
and pages are entities (`newsgen.core.entities`), read by the outputs that show them.
"""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from newsgen.core import urls
from newsgen.core.brand import Brand, Rendition
from newsgen.core.publisher import CORRECTIONS_PAGE, target_path, target_slug

if TYPE_CHECKING:  # a site without authors or pages never imports their readers
    from newsgen.core.authors import Author
    from newsgen.core.config import SiteConfig
    from newsgen.core.standalone import StandalonePage


NOTHING: Mapping[str, object] = MappingProxyType({})


class Desk(NamedTuple):
    authors: Mapping[str, Author] = NOTHING  # type: ignore[assignment]
    """By key."""
    pages: tuple[StandalonePage, ...] = ()
    """By slug."""
    brand: Brand = Brand()
    portraits: Mapping[str, tuple[Rendition, ...]] = NOTHING  # type: ignore[assignment]
    """Each author's photo files (1×, 2×), by author key."""

    def identity(self) -> tuple[object, ...]:
        """Which authors and pages there are: a change adds or removes pages of the site."""
        return tuple(self.authors), tuple(p.slug for p in self.pages)

    @property
    def sources(self) -> frozenset[str]:
        """The site's pictures the publisher's and the authors' files are made from: like an
        article's photographs, published only as those files (``/logo.png``, ``/icon.svg``,
        ``/media/…``), never at their own address."""
        made = [*self.brand.files(), *(r for copies in self.portraits.values() for r in copies)]
        return frozenset(r.source.src for r in made)

    def page(self, slug: str) -> StandalonePage | None:
        return next((p for p in self.pages if p.slug == slug), None)

    def footer(self, config: SiteConfig) -> tuple[tuple[str, str], ...]:
        """The footer's links (title, site path), in the config's order."""
        links = []
        for slug in config.footer:
            page = self.page(slug)
            if page is not None:
                links.append((page.title, page.path))
            elif slug == CORRECTIONS_PAGE:
                links.append(("Correções", urls.CORRECTIONS))
        return tuple(links)

    def policies(self, config: SiteConfig) -> tuple[tuple[str, str], ...]:
        """The publisher's policies (schema.org property, site path or https URL), those
        naming a page only where the page exists."""
        if config.publisher is None:
            return ()
        found = []
        for prop, target in config.publisher.policies:
            slug = target_slug(target)
            if slug is None:
                found.append((prop, target))
            elif self.page(slug) is not None or slug == CORRECTIONS_PAGE:
                found.append((prop, target_path(target) if slug != CORRECTIONS_PAGE else urls.CORRECTIONS))
        return tuple(found)

    def shared(self, config: SiteConfig) -> tuple[object, ...]:
        """What every page shows of the desk (to digest with what every output shares)."""
        return self.footer(config), self.policies(config), self.brand.shown()

    def files(self) -> tuple[Rendition, ...]:
        """Every picture to make: the icons, the logos, the authors' photos."""
        return self.brand.files() + tuple(r for key in sorted(self.portraits) for r in self.portraits[key])


EMPTY_DESK = Desk()
