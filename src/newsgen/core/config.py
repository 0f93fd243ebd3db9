"""``newsgen.yaml`` text → a validated `SiteConfig`; every bad key reported with its line."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError

from newsgen.core import urls
from newsgen.core.deploysettings import read_deploy
from newsgen.core.errors import ConfigError, Problem, did_you_mean
from newsgen.core.models import Image, Section
from newsgen.core.pictures import focus_point
from newsgen.core.options import CONFIG_FILE
from newsgen.core.publisher import Publisher, PublisherReader
from newsgen.core.yamldoc import Map, Scalar, describe, load_mapping

KEYS = (
    "title", "description", "base_url", "language", "timezone", "sections", "search", "html", "iframe_hosts",
    "social_image", "publisher", "footer", "correction_box", "deploy",
)
"""``deploy`` is checked here (`core.deploysettings`) but kept out of `SiteConfig`: only
``newsgen deploy`` uses it, and a change to it re-renders nothing."""
SOCIAL_IMAGE_KEYS = ("src", "alt", "credit", "focus")
SECTION_KEYS = ("title", "description", "sections")
HTML_POLICIES = ("sanitize", "trusted", "forbid")
"""What raw HTML in a body may do: cut down to an allowlist, pass as written, or nothing at all."""
HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")


@dataclass(frozen=True)
class SiteConfig:
    title: str
    description: str
    base_url: str
    language: str
    timezone: ZoneInfo
    sections: tuple[Section, ...]
    search: bool = True
    """Build the Pagefind search index (``search: false`` skips it, like ``--no-search``)."""
    html: str = "sanitize"
    """Raw HTML in bodies: one of `HTML_POLICIES`."""
    iframe_hosts: tuple[str, ...] = ()
    """The hosts whose https pages a body may embed in an iframe (with ``html: sanitize``)."""
    social_image: Image | None = None
    """The picture social networks and search show for a page without a photograph of
    its own (``src`` a site path, as an article's image), with its line in the file."""
    social_image_line: int = 0
    publisher: Publisher | None = None
    """The newspaper (`newsgen.core.publisher`); None: the site's title stands for it."""
    footer: tuple[str, ...] = ()
    """The standalone pages (slugs) the footer links to."""
    correction_box: str = "end"
    """Where an article shows its «Correção» boxes: ``end`` or ``top``."""
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False, repr=False)
    """The line of each value that names a file or a page (``publisher.logo``,
    ``footer:ficha-tecnica``), for the checks made once the site is read."""

    @property
    def publisher_name(self) -> str:
        """The registered publication name: the publisher's, else the site's title."""
        return self.publisher.name if self.publisher else self.title

    def line_of(self, what: str) -> int:
        return dict(self.lines).get(what, 0)

    @property
    def locale(self) -> str:
        """The Babel locale identifier: ``pt-PT`` → ``pt_PT``."""
        return str(Locale.parse(self.language, sep="-"))

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def lineage(self, key: str) -> tuple[Section, ...]:
        """Section *key* and the sections it is nested in, outermost first:
        ``mundo/europa`` → (Mundo, Europa)."""
        found: list[Section] = []
        section = self.section(key)
        while section is not None:
            found.append(section)
            section = self.section(section.parent) if section.parent else None
        return tuple(reversed(found))

    def children(self, key: str) -> tuple[Section, ...]:
        """The sections nested directly in section *key*, in config order."""
        return tuple(s for s in self.sections if s.parent == key)


def parse_config(text: str, path: str = CONFIG_FILE) -> SiteConfig:
    """Validate the config text; raise `ConfigError` listing every problem."""
    root, problems = load_mapping(text, path, invisible="error")
    if root is None:
        raise ConfigError(problems)
    reader = _Reader(path, problems)
    for key, entry in root.entries.items():
        if key not in KEYS:
            problems.append(Problem(path, entry.line, f"unknown key '{key}'{did_you_mean(key, KEYS)}"))
    title = reader.text(root, "title", required=True)
    description = reader.text(root, "description")
    base_url = reader.base_url(root)
    language = reader.language(root)
    timezone = reader.timezone(root)
    sections = reader.sections(root)
    search = reader.flag(root, "search", default=True)
    html = reader.html_policy(root)
    iframe_hosts = reader.iframe_hosts(root)
    social_image = reader.social_image(root)
    publisher = reader.publisher(root)
    footer = reader.footer(root)
    correction_box = reader.correction_box(root)
    read_deploy(root, reader)
    if problems:
        raise ConfigError(problems)
    line = root.entries["social_image"].line if social_image is not None else 0
    return SiteConfig(
        title, description, base_url, language, timezone, sections, search, html, iframe_hosts,
        social_image=social_image, social_image_line=line, publisher=publisher, footer=footer,
        correction_box=correction_box, lines=tuple(reader.lines.items()),
    )


class _Reader(PublisherReader):
    """The config's own fields, on top of the shared text readers."""

    def base_url(self, root: Map) -> str:
        value = self.text(root, "base_url", required=True)
        try:
            return urls.normalized_base_url(value) if value else ""
        except ValueError:
            line = root.entries["base_url"].line
            self.problem(line, f"base_url must be an absolute http(s) URL, not {value!r}")
            return ""

    def language(self, root: Map) -> str:
        value = self.text(root, "language", default="pt-PT")
        try:
            Locale.parse(value, sep="-")
        except (UnknownLocaleError, ValueError):
            self.problem(root.entries["language"].line, f"unknown language {value!r} (e.g. pt-PT)")
            return "pt-PT"
        return value

    def timezone(self, root: Map) -> ZoneInfo:
        value = self.text(root, "timezone", default="Europe/Lisbon")
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            self.problem(root.entries["timezone"].line, f"unknown time zone {value!r} (e.g. Europe/Lisbon)")
            return ZoneInfo("Europe/Lisbon")

    def html_policy(self, root: Map) -> str:
        value = self.text(root, "html", default="sanitize")
        if value not in HTML_POLICIES:
            hint = did_you_mean(value, HTML_POLICIES)
            self.problem(root.entries["html"].line, f"'html' must be sanitize, trusted or forbid, not {value!r}{hint}")
            return "sanitize"
        return value

    def iframe_hosts(self, root: Map) -> tuple[str, ...]:
        hosts = []
        for item in self.items(root, "iframe_hosts"):
            host = item.text.strip().lower() if isinstance(item, Scalar) and not item.is_null else ""
            if not HOST.fullmatch(host):
                self.problem(
                    item.line,
                    f"an iframe host is a host name such as www.youtube-nocookie.com (no scheme, port or path), "
                    f"not {describe(item)}",
                )
                continue
            hosts.append(host)
        return tuple(dict.fromkeys(hosts))

    def social_image(self, root: Map) -> Image | None:
        """``social_image: {src: images/partilha.jpg, alt: …, credit: …}``; ``focus`` as an
        article image's."""
        entry = root.get("social_image")
        if entry is None or (isinstance(entry.value, Scalar) and entry.value.is_null):
            return None
        if not isinstance(entry.value, Map):
            self.problem(entry.line, f"'social_image' must be 'src', 'alt' and 'credit' fields, not {describe(entry.value)}")
            return None
        table = entry.value
        for key, item in table.entries.items():
            if key not in SOCIAL_IMAGE_KEYS:
                self.problem(item.line, f"unknown key '{key}' in 'social_image'{did_you_mean(key, SOCIAL_IMAGE_KEYS)}")
        src, alt = self.text(table, "src", required=True), self.text(table, "alt", required=True)
        path = urls.asset_path(src) if src else None
        if src and path is None:
            self.problem(table.entries["src"].line, f"social_image {src!r} must be a file in static/ or content/")
        focus = None
        if "focus" in table.entries:
            focus = focus_point(self.text(table, "focus"))
            if focus is None:
                self.problem(table.entries["focus"].line, "focus must be two fractions (0.3,0.4) or percentages (30%,40%)")
        return Image(path, alt, "", self.text(table, "credit"), focus) if path and alt else None

    def sections(self, root: Map) -> tuple[Section, ...]:
        entry = root.get("sections")
        if entry is None:
            self.problem(root.line, "missing required field 'sections'")
            return ()
        if not isinstance(entry.value, Map) or not entry.value.entries:
            self.problem(entry.line, "'sections' must map section keys to titles, e.g. 'mundo: {title: Mundo}'")
            return ()
        sections: list[Section] = []
        self._sections(entry.value, None, sections)
        return tuple(sections)

    def _sections(self, table: Map, parent: Section | None, sections: list[Section]) -> None:
        """The sections of *table* (nested in *parent*), each followed by its own, depth first."""
        for name, item in table.entries.items():
            key = f"{parent.key}/{name}" if parent else name
            problem = _section_name_problem(name, parent)
            if problem:
                self.problem(item.line, problem)
                continue
            nested: Map | None = None
            if isinstance(item.value, Scalar) and not item.value.is_null:
                title, description = item.value.text.strip(), ""
            elif isinstance(item.value, Map):
                for sub, sub_entry in item.value.entries.items():
                    if sub not in SECTION_KEYS:
                        hint = did_you_mean(sub, SECTION_KEYS)
                        self.problem(sub_entry.line, f"unknown key '{sub}' in section '{key}'{hint}")
                title = self.text(item.value, "title", required=True)
                description = self.text(item.value, "description")
                nested = self._nested(item.value, key)
            else:
                self.problem(item.line, f"section '{key}' needs a title, not {describe(item.value)}")
                continue
            if title:
                section = Section(key, title, description, urls.section_path(key), parent.key if parent else None)
                sections.append(section)
                if nested is not None:
                    self._sections(nested, section, sections)

    def _nested(self, table: Map, key: str) -> Map | None:
        """The sub-sections of section *key* (``sections:`` inside it), if any."""
        entry = table.get("sections")
        if entry is None or (isinstance(entry.value, Scalar) and entry.value.is_null):
            return None
        if not isinstance(entry.value, Map) or not entry.value.entries:
            self.problem(entry.line, f"'sections' of '{key}' must map keys to titles, e.g. 'europa: {{title: Europa}}'")
            return None
        return entry.value


def _section_name_problem(name: str, parent: Section | None) -> str:
    """Why *name* cannot be a section's key (nested in *parent*), or ``""``."""
    if parent is None and (not urls.is_slug(name) or name in urls.RESERVED_TOP_LEVEL):
        reserved = ", ".join(sorted(n for n in urls.RESERVED_TOP_LEVEL if urls.is_slug(n)))
        return f"section key {name!r} must be lowercase ASCII words joined by hyphens and not one of: {reserved}"
    if parent is not None and (not urls.is_slug(name) or name.isdigit()):
        # A number would read as a year of the parent's archives (mundo/2025/).
        return f"section key {name!r} in '{parent.key}' must be lowercase ASCII words joined by hyphens, not a number"
    return ""
