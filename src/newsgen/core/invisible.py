"""Invisible control and bidi characters: the ones that never reach a page, and taking them out.

Agency copy and text pasted from other programs carry characters an editor cannot see:
bidi overrides and isolates (which reorder what a reader sees: «Trojan Source»), marks,
byte order marks, line and paragraph separators, C0/C1 controls. newsgen takes them out
of every text field and the body, with a warning naming each one; the whitespace-like
ones become a space, so words on either side stay apart. Tab and newline stay.
"""
from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 controls but tab, newline, CR; DEL; C1 controls
    "\u061c\u200e\u200f"  # ARABIC LETTER MARK, LEFT-TO-RIGHT MARK, RIGHT-TO-LEFT MARK
    "\u202a-\u202e\u2066-\u2069"  # bidi embeddings, overrides and isolates
    "\u2028\u2029\ufeff]"  # LINE SEPARATOR, PARAGRAPH SEPARATOR, ZERO WIDTH NO-BREAK SPACE (BOM)
)
SPACE_LIKE = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029")
"""Characters Python (and YAML or Markdown) read as whitespace: replaced by a space."""


class Removed(NamedTuple):
    """One invisible character taken out of a text."""

    line: int
    """0-based line."""
    at: int
    """Where it was, as an index into the text without it."""
    char: str


def describe(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE`` (controls have no Unicode name: ``U+0007 control character``)."""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'control character')}"


def removal_message(char: str, where: str) -> str:
    """The warning for *char* taken out of *where* (``'headline'``, ``the body``)."""
    if char in SPACE_LIKE:
        return f"replaced {describe(char)} with a space in {where}"
    return f"removed {describe(char)} from {where}"


def _replacement(match: re.Match[str]) -> str:
    return " " if match.group() in SPACE_LIKE else ""


def strip(text: str) -> tuple[str, tuple[Removed, ...]]:
    """*text* without its invisible characters, and every one taken out, in order.
    Lines keep their numbers: newlines are never touched."""
    if INVISIBLE.search(text) is None:
        return text, ()
    found = []
    line = counted = gone = 0
    for match in INVISIBLE.finditer(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        found.append(Removed(line, match.start() - gone, match.group()))
        gone += match.group() not in SPACE_LIKE
    return INVISIBLE.sub(_replacement, text), tuple(found)
