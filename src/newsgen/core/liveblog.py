"""A live page's body (``live: true``): its timestamped entries, newest first.

An entry starts at a level-2 heading that is a time, ``## 14:32``, or a date and a time,
``## 2025-06-05 00:15``, optionally followed by a title (``## 14:32 Kim chega a
Pyongyang``): titled entries are the key events. A time alone is on the day of the last
dated heading above it, else on the day of the article's ``timestamp``. Everything up to
the next such heading belongs to the entry; what comes before the first is the
introduction. Each entry gets a permanent anchor made of its date and time
(``#atualizacao-20250605-1432``), and the page shows the entries newest first, whatever
their order in the file.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from datetime import date, datetime, time
from typing import NamedTuple
from zoneinfo import ZoneInfo

from babel import Locale
from markdown.treeprocessors import Treeprocessor

from newsgen.core.localized import day_month
from newsgen.core.models import LiveEntry
from newsgen.core.moments import localize

HEADING = re.compile(r"\s*(?:(\d{4}-\d{2}-\d{2})[ T])?(\d{1,2})[:h](\d{2})(?:\s+(.*?))?\s*$", re.DOTALL)
ANCHOR_PREFIX = "atualizacao-"
ENTRY_CLASS = "live-entry"


class LiveDay(NamedTuple):
    """What reading a live body needs: the day its times fall on, the zone, and the
    language its dates are written in."""

    day: date
    tz: ZoneInfo
    locale: Locale


class EntryProblem(NamedTuple):
    """A heading that looks like an entry's and cannot be one, by the text to find it at."""

    needle: str
    message: str


class LiveTreeprocessor(Treeprocessor):
    """Wraps each entry (its heading and what follows) in ``<div class="live-entry">``
    with its anchor, newest first; records the entries on the Markdown instance."""

    def run(self, root: etree.Element) -> None:
        self.md.live_entries = ()  # type: ignore[attr-defined]
        self.md.live_problems = []  # type: ignore[attr-defined]
        day: LiveDay | None = getattr(self.md, "live", None)
        if day is None:
            return
        children = list(root)
        notes = children[-1:] if children and children[-1].get("class") == "footnote" else []  # stay last
        limit = len(children) - len(notes)
        starts = [(i, m) for i, child in enumerate(children[:limit]) if child.tag == "h2" and (m := _entry_heading(child))]
        if not starts:
            return
        current = day.day
        timed: list[tuple[int, int, re.Match[str], datetime]] = []
        bounds = [i for i, _ in starts] + [limit]
        for (start, match), end in zip(starts, bounds[1:], strict=True):
            when, current = self._moment(match, current, day.tz, children[start])
            if when is not None:
                timed.append((start, end, match, when))
        # Read newest first, a time alone after another day's entry would seem to be on that
        # day: once the entries span more than one day, each one says its day.
        dated = any(when.date() != day.day for *_, when in timed)
        seen: dict[str, int] = {}
        entries: list[tuple[LiveEntry, etree.Element]] = []
        for start, end, match, when in timed:
            heading = children[start]
            anchor = f"{ANCHOR_PREFIX}{when:%Y%m%d-%H%M}"
            seen[anchor] = seen.get(anchor, 0) + 1
            anchor += f"-{seen[anchor]}" if seen[anchor] > 1 else ""
            wrapper = etree.Element("div", {"class": ENTRY_CLASS, "id": anchor})
            shown = f"{day_month(when.date(), day.locale)}, {when:%H:%M}" if dated else f"{when:%H:%M}"
            title = _retitle(heading, match, when, anchor, shown)
            wrapper.append(heading)
            for child in children[start + 1 : end]:
                wrapper.append(child)
            wrapper.tail = "\n"
            text = " ".join("".join(child.itertext()) for child in children[start + 1 : end]).split()
            entries.append((LiveEntry(when, anchor, title, " ".join(text), shown), wrapper))
        for child in children[starts[0][0]:]:
            root.remove(child)
        ordered = sorted(entries, key=lambda pair: pair[0].at, reverse=True)  # stable: source order on ties
        root.extend([*(wrapper for _, wrapper in ordered), *notes])
        self.md.live_entries = tuple(entry for entry, _ in ordered)  # type: ignore[attr-defined]

    def _moment(self, match: re.Match[str], current: date, tz: ZoneInfo, heading: etree.Element) -> tuple[datetime | None, date]:
        written = "".join(heading.itertext()).strip()
        day = current
        if match.group(1):
            try:
                day = date.fromisoformat(match.group(1))
            except ValueError:
                self._problem(written, f"entry heading {written!r}: {match.group(1)} is not a date (YYYY-MM-DD)")
                return None, current
        hour, minute = int(match.group(2)), int(match.group(3))
        if hour > 23 or minute > 59:
            self._problem(written, f"entry heading {written!r}: {hour}:{minute:02d} is not a time of day")
            return None, day
        moment, problem = localize(datetime.combine(day, time(hour, minute)), "entry", tz)
        if problem:
            self._problem(written, problem.replace("'entry'", f"entry heading {written!r}:"))
        return moment, day

    def _problem(self, needle: str, message: str) -> None:
        self.md.live_problems.append(EntryProblem(needle, message))  # type: ignore[attr-defined]


def _entry_heading(heading: etree.Element) -> re.Match[str] | None:
    return HEADING.match(heading.text or "") if heading.text else None


def _retitle(heading: etree.Element, match: re.Match[str], when: datetime, anchor: str, shown: str) -> str:
    """The heading as ``<a href="#anchor"><time>14:32</time></a> Title``; returns the title."""
    rest = match.group(4) or ""
    title = " ".join((rest + "".join(etree.tostring(c, encoding="unicode", method="text") for c in heading)).split())
    heading.set("class", "live-entry-heading")
    link = etree.Element("a", {"class": "live-entry-time", "href": f"#{anchor}"})
    stamp = etree.SubElement(link, "time", {"datetime": when.isoformat(timespec="seconds")})
    stamp.text = shown
    children = list(heading)
    for child in children:
        heading.remove(child)
    heading.text = None
    heading.append(link)
    if title:
        span = etree.SubElement(heading, "span", {"class": "live-entry-title"})
        span.text = rest
        link.tail = " "
        for child in children:
            span.append(child)
    return title
