"""Bounds on a Markdown body, checked before it is read, so that reading it stays cheap.

Python-Markdown reads nested lists and quotes by recursion (1,000 levels of list took 17 s
to end in a RecursionError), scans to the end of its text from every ``[`` left open and
through the text after every ``<`` never closed (20,000 of either: minutes), and the HTML
sanitizer's parser slows with the square of the nesting of HTML elements. Each check is one
regex pass, or a loop over only the characters it counts, and is skipped when the body holds
too few of them to pass the bound: a normal article pays a few microseconds.
"""
from __future__ import annotations

import itertools
import re
from collections import Counter

MAX_DEPTH = 32
"""Deepest nesting of lists and quotes, of ``[``, and of HTML elements; most ``<`` never closed."""

_PREFIX = r"(?:[ \t>]|[-*+][ \t]|\d{1,9}[.)][ \t]){%d,}" % (MAX_DEPTH + 1)
"""A line's leading quote markers, list markers and indentation, when at least that long."""
_FIRST_PREFIX = re.compile(_PREFIX)
_LATER_PREFIX = re.compile("\n" + _PREFIX)  # not a lookbehind: a literal first character is searched for quickly
_MARKER = re.compile(r"[-*+][ \t]|\d{1,9}[.)][ \t]|> ?")
_RULE = re.compile(r"[ \t]*(?:[-*_][ \t]*)+")  # a horizontal rule: "- - - -" nests nothing
_BRACKET = re.compile(r"[\[\]]|\n[ \t]*\n")
_UNCLOSED = re.compile(r"<[A-Za-z/!?][^<>]*(?=<|\Z)")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:[\s/][^<>]*)?>")
VOID = frozenset("area base br col embed hr img input link meta source track wbr param keygen".split())
SIBLING_CLOSED = frozenset("p li dt dd tr td th thead tbody tfoot option optgroup rb rt rp caption colgroup".split())
"""Elements that the next one of their kind closes: often left unclosed, and never deep."""


def check(text: str) -> tuple[int, str] | None:
    """The first bound that *text* (a body) passes: its 0-based line and the problem, or None."""
    return _containers(text) or _brackets(text) or _unclosed_tags(text) or _html_depth(text)


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index)


def _containers(text: str) -> tuple[int, str] | None:
    first = _FIRST_PREFIX.match(text)
    for match in itertools.chain([first] if first else [], _LATER_PREFIX.finditer(text)):
        prefix, start = match.group().lstrip("\n"), match.start() + match.group().startswith("\n")
        end = text.find("\n", match.end())
        if _RULE.fullmatch(text[start : None if end < 0 else end]):
            continue
        spaces, markers = _MARKER.subn("", prefix)
        columns = spaces.count(" ") + 4 * spaces.count("\t")
        depth = markers + columns // 4
        if depth > MAX_DEPTH:
            return _line(text, start), (
                f"lists and quotes nested {depth} levels deep; at most {MAX_DEPTH} "
                "(each '>', list marker or 4 spaces of indentation at the start of a line is a level)"
            )
    return None


def _brackets(text: str) -> tuple[int, str] | None:
    if text.count("[") <= MAX_DEPTH:
        return None
    depth = 0
    for match in _BRACKET.finditer(text):
        mark = match.group()
        if mark == "[":
            depth += 1
            if depth > MAX_DEPTH:
                return _line(text, match.start()), (
                    f"more than {MAX_DEPTH} '[' open at once in one paragraph (nested, or never closed by ']'); "
                    r"write \[ for a bracket that is text"
                )
        elif mark == "]":
            depth = max(depth - 1, 0)
        else:
            depth = 0  # a blank line ends the paragraph
    return None


def _unclosed_tags(text: str) -> tuple[int, str] | None:
    if text.count("<") <= MAX_DEPTH:
        return None
    for count, match in enumerate(_UNCLOSED.finditer(text), start=1):
        if count > MAX_DEPTH:
            return _line(text, match.start()), (
                f"more than {MAX_DEPTH} '<' never closed by '>'; write &lt; for a '<' that is text"
            )
    return None


def _html_depth(text: str) -> tuple[int, str] | None:
    if text.count("<") <= MAX_DEPTH:
        return None
    depth = 0
    open_by_name: Counter[str] = Counter()
    for match in _TAG.finditer(text):
        name = match.group(2).lower()
        if name in VOID or name in SIBLING_CLOSED:
            continue
        if not match.group(1):
            depth += 1
            open_by_name[name] += 1
            if depth > MAX_DEPTH:
                return _line(text, match.start()), f"HTML elements nested more than {MAX_DEPTH} deep"
        elif open_by_name[name]:  # a stray end tag closes nothing
            open_by_name[name] -= 1
            depth -= 1
    return None
