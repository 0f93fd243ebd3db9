"""The URL ledger, ``urls.lock``: every article URL the site has ever published, with the
file of the article behind it. ``newsgen build`` keeps it (`newsgen.core.fates` says what
each URL serves now and what the ledger becomes); the site commits it, as a lock file.

One line per URL, sorted, each a YAML mapping entry (so any YAML reader reads it, and a
diff shows one line per URL that changed)::

    /mundo/2025/06/04/kim/: content/mundo/2025-06-04-kim.md
    /mundo/2025/06/05/cimeira/: {source: content/mundo/2025-06-05-cimeira.md, gone: true}
    /mundo/2025/06/06/velho/: {source: content/mundo/velho.md, gone: true, redirect_to: /mundo/}

A URL is a site path from the site's root (``base_url``'s path left out). ``gone: true``
marks an article whose file was deleted (its URL answers 410 Gone); an editor may add
``redirect_to:`` (a site path or an absolute URL) to send its readers elsewhere instead.
Read line by line, not by a YAML library: at 10,000 articles it is read by every build.
"""
from __future__ import annotations

import json
import re
from typing import NamedTuple

from newsgen.core import urls
from newsgen.core.errors import Problem
from newsgen.core.options import LEDGER_FILE

HEADER = (
    "# urls.lock: every URL this site has published, and the article file behind it.\n"
    "# `newsgen build` keeps it up to date: commit it with the articles (docs/CONTENT.md, \"URLs that never break\").\n"
)
ENTRY_FIELDS = ("source", "gone", "redirect_to")
_PLAIN = re.compile(r"[A-Za-z0-9_./~+-]+")
_SPECIAL = ("", "{", '"', "'", "[", "&", "*", "!", "|", ">")
"""How a value that is not a plain file name starts (nothing: no value)."""
_UNSAFE_SIGNS = ("/.", "//", "\\", "\x00")
"""What any unsafe site path holds (`urls.is_safe_path`): a text without them has none."""
_FIELD = re.compile(r'\s*([a-z_]+)\s*:\s*("(?:[^"\\]|\\.)*"|[^,}]*?)\s*(?:,|$)')


class Entry(NamedTuple):
    """What the ledger says of one URL."""

    source: str
    gone: bool = False
    redirect_to: str = ""


class Ledger(NamedTuple):
    """The ledger: the source of each URL, by site path (`plain`: nearly all of them), and
    the entries that say more (`marked`: ``gone``, ``redirect_to``). Two plain dicts, not
    one of `Entry` values: every build compares 10,000 of them with the site's articles,
    and C compares plain dicts and their item sets in a few milliseconds."""

    plain: dict[str, str]
    marked: dict[str, Entry]
    text: str = ""
    """As read, to find a URL's line for a problem."""

    def line(self, path: str) -> int:
        """The line of *path* in the text read, or 0."""
        at = self.text.find(f"\n/{path}: ")
        return self.text.count("\n", 0, at) + 2 if at >= 0 else (1 if self.text.startswith(f"/{path}: ") else 0)

    def same(self, other: Ledger) -> bool:
        return self.plain == other.plain and self.marked == other.marked

    def entries(self) -> dict[str, Entry]:
        """Every entry (slower: for messages and writing)."""
        return {**{path: Entry(source) for path, source in self.plain.items()}, **self.marked}


EMPTY = Ledger({}, {})


def parse_ledger(text: str) -> tuple[Ledger, list[Problem]]:
    """The ledger *text* as written by `format_ledger` (or by hand in the same shape);
    every line it cannot read is an error at that line. A ledger of plain lines only (the
    usual) is read in one quick pass: 5 ms for 10,000."""
    plain: dict[str, str] = {}
    for line in text.split("\n"):  # a loop in Python beats a regular expression here
        if not line or line[0] == "#":
            continue
        key, _, value = line.partition(": ")
        if key[:1] != "/" or value[:1] in _SPECIAL or key[1:] in plain:
            return _parse_slowly(text)
        plain[key[1:]] = value
    if not any(sign in text for sign in _UNSAFE_SIGNS) or all(map(urls.is_safe_path, plain)):
        return Ledger(plain, {}, text), []
    return _parse_slowly(text)


def _parse_slowly(text: str) -> tuple[Ledger, list[Problem]]:
    plain: dict[str, str] = {}
    marked: dict[str, Entry] = {}
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition(": ")
        path = _site_path(_scalar(key) if key.startswith('"') else key)
        if not sep or path is None:
            problems.append(Problem(LEDGER_FILE, number, "expected '/site/path/: content/file.md', one URL per line"))
            continue
        entry, problem = _entry(value.strip())
        if entry is None:
            problems.append(Problem(LEDGER_FILE, number, problem))
        elif path in lines:
            problems.append(Problem(LEDGER_FILE, number, f"/{path} is listed twice (first on line {lines[path]})"))
        else:
            lines[path] = number
            if entry.gone or entry.redirect_to:
                marked[path] = entry
            else:
                plain[path] = entry.source
    return Ledger(plain, marked, text), problems


def _site_path(key: str | None) -> str | None:
    if not key or not key.startswith("/"):
        return None
    path = key[1:]
    return path if urls.is_safe_path(path) else None


def _scalar(text: str) -> str | None:
    """A plain or double-quoted (JSON) value; None if it is neither."""
    if text.startswith('"'):
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return value if isinstance(value, str) else None
    return text if text and not text.startswith(("'", "[", "{", "&", "*", "!", "|", ">")) else None


def _entry(value: str) -> tuple[Entry | None, str]:
    if not value.startswith("{"):
        source = _scalar(value)
        return (Entry(source), "") if source else (None, f"expected the article's file, not {value!r}")
    if not value.endswith("}"):
        return None, "a '{' without its '}'"
    fields: dict[str, str] = {}
    for match in _FIELD.finditer(value[1:-1]):
        name, written = match.group(1), match.group(2)
        if name not in ENTRY_FIELDS:
            return None, f"unknown field {name!r} (a URL takes source, gone, redirect_to)"
        text = _scalar(written)
        if text is None:
            return None, f"{name}: cannot read {written!r}"
        fields[name] = text
    if "source" not in fields:
        return None, "missing 'source' (the article's file)"
    gone = fields.get("gone", "false").lower()
    if gone not in ("true", "false"):
        return None, f"gone: must be true or false, not {gone!r}"
    target = fields.get("redirect_to", "")
    if target and not (target.startswith(("https://", "http://")) or _site_path(target) is not None):
        return None, f"redirect_to: a path of this site (/mundo/) or an absolute URL, not {target!r}"
    return Entry(fields["source"], gone == "true", target), ""


def format_ledger(ledger: Ledger) -> str:
    """The text of *ledger*: the header, then one line per URL, sorted."""
    out = [HEADER]
    entries = ledger.entries()
    for path in sorted(entries):
        entry = entries[path]
        source = _written(entry.source)
        if not entry.gone and not entry.redirect_to:
            out.append(f"/{path}: {source}\n")
            continue
        parts = [f"source: {source}"]
        if entry.gone:
            parts.append("gone: true")
        if entry.redirect_to:
            parts.append(f"redirect_to: {_written(entry.redirect_to)}")
        out.append(f"/{path}: {{{', '.join(parts)}}}\n")
    return "".join(out)


def _written(text: str) -> str:
    return text if _PLAIN.fullmatch(text) else json.dumps(text, ensure_ascii=False)


def describe_changes(was: Ledger, now: Ledger) -> str:
    """``2 new URLs, 1 changed`` between two ledgers, for a message."""
    before, after = was.entries(), now.entries()
    added = len(after.keys() - before.keys())
    changed = sum(1 for path in after.keys() & before.keys() if after[path] != before[path])
    removed = len(before.keys() - after.keys())
    parts = [(added, "new URL", "new URLs"), (changed, "changed URL", "changed URLs"), (removed, "URL dropped", "URLs dropped")]
    return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in parts if n) or "written differently"
