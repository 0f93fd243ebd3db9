"""The front-matter fields of an article's life: ``expires``, ``retracted: {at, reason}``,
``live`` and ``ends``, ``aliases``. Read by `newsgen.core.parse`; every problem at its line."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from newsgen.core import urls
from newsgen.core.links import link_target
from newsgen.core.models import Alias, Retraction
from newsgen.core.moments import read_moment
from newsgen.core.yamldoc import Fields, Map, Scalar, describe

RETRACTION_FIELDS = ("at", "reason")


class Life(NamedTuple):
    expires: datetime | None
    retracted: Retraction | None
    live: bool
    ends: datetime | None
    aliases: tuple[Alias, ...]


def read_life(
    fields: Fields, table: Map, moment: Callable[[str], datetime | None], published: datetime | None,
    tz: ZoneInfo, base_url: str,
) -> Life:
    """The life fields of the article *table*; *moment* reads a top-level date field."""
    expires = moment("expires")
    retracted = _retraction(fields, table, tz)
    live = fields.flag(table, "live")
    ends = moment("ends")
    if ends is not None and not live:
        fields.problem(table.entries["ends"].line, "'ends' is for live pages: add 'live: true' or remove it")
    if published is not None:
        for key, value in (("expires", expires), ("ends", ends), ("retracted", retracted.at if retracted else None)):
            if value is not None and value < published:
                fields.problem(table.entries[key].line, f"'{key}' is before 'timestamp'")
    return Life(expires, retracted, live, ends, _aliases(fields, table, base_url))


def _retraction(fields: Fields, table: Map, tz: ZoneInfo) -> Retraction | None:
    entry = table.get("retracted")
    if entry is None or (isinstance(entry.value, Scalar) and entry.value.is_null):
        return None
    if not isinstance(entry.value, Map):
        fields.problem(entry.line, f"'retracted' must be 'at' and 'reason' fields, e.g. "
                       f"'retracted: {{at: 2025-06-05T10:00, reason: Por decisão judicial}}', not {describe(entry.value)}")
        return None
    for key, item in entry.value.entries.items():
        if key not in RETRACTION_FIELDS:
            fields.problem(item.line, f"unknown field '{key}' in 'retracted' (it takes 'at' and 'reason')")
    written = fields.text(entry.value, "at", required=True)
    reason = fields.text(entry.value, "reason", required=True)
    if not written:
        return None
    at, problem = read_moment(written, "retracted: at", tz)
    if problem:
        fields.problem(entry.value.entries["at"].line, problem)
    return Retraction(at, reason) if at is not None and reason else None


def _aliases(fields: Fields, table: Map, base_url: str) -> tuple[Alias, ...]:
    found = []
    for item in fields.items(table, "aliases"):
        text = item.text.strip() if isinstance(item, Scalar) and not item.is_null else ""
        path = alias_path(text, base_url)
        if path is None:
            fields.problem(item.line, f"an alias is an earlier address of this article on this site, from its "
                           f"root (e.g. /mundo/2025/06/04/kim/), not {describe(item)}")
            continue
        found.append(Alias(path, item.line))
    return tuple(dict.fromkeys(found))


def alias_path(text: str, base_url: str) -> str | None:
    """The site path an alias (``/mundo/2025/06/04/kim/``, or the full URL) names; a last
    part without a dot is a folder (``/noticias/123`` is ``noticias/123/``)."""
    if text.startswith(("https://", "http://", "//")):
        own = link_target(text, "", frozenset(), base_url)
        if own is None or own.fragment:
            return None
        text = own.target
    elif not text.startswith("/") or "#" in text or "?" in text:
        return None
    path = text.lstrip("/")
    if path and not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
        path += "/"
    if not path or not urls.is_safe_path(path) or path.split("/", 1)[0] == "pagefind":  # the search index's
        return None
    return path
