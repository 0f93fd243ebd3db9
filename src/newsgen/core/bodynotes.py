"""The problems found while reading a body (`Note`), and where in the body they are:
Markdown keeps no source lines, so what the sanitizer removed, raw HTML under
``html: forbid``, and a body too costly to read are looked for in the text."""
from __future__ import annotations

import re
from typing import NamedTuple

import markdown

from newsgen.core.errors import OverBudget, Severity


class Note(NamedTuple):
    """A problem in a body, at a 0-based line of the body."""

    line: int
    message: str
    severity: Severity = "warning"


ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z0-9]+);")


def raw_html(md: markdown.Markdown, lines: Lines, covered: set[int]) -> list[Note]:
    """An error for each piece of raw HTML in the body Markdown just read (each start tag,
    block or comment: Markdown keeps them all, and entities, in its stash); adds the lines
    each covers to *covered*."""
    notes = []
    for chunk in md.htmlStash.rawHtmlBlocks:
        if isinstance(chunk, str) and not ENTITY.fullmatch(chunk) and not chunk.startswith("</"):
            first = chunk.strip().split("\n", 1)[0]
            message = f"raw HTML is not allowed in bodies ('html: forbid' in newsgen.yaml): {first[:60]!r}"
            notes.append(Note(lines.find((first,)), message, "error"))
            covered.update(range(notes[-1].line, notes[-1].line + chunk.strip().count("\n") + 1))
    return notes


class Lines:
    """Finds the lines of things in a body, looked for in the order they appear in it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lower: str | None = None
        self.floor = 0
        """Where the line of the last thing found starts: the next is looked for from there."""
        self.after: dict[str, int] = {}
        """Where the next search for each text starts."""

    def find(self, needles: tuple[str, ...]) -> int:
        """The 0-based line of the first of *needles* (ignoring case) found from the last
        thing's line, else from the start of the body; 0 when none is found."""
        if self.lower is None:
            self.lower = self.text.lower()
        for start in ("floor", "anywhere"):
            for needle in filter(None, (n.lower() for n in needles)):
                at = self.lower.find(needle, max(self.floor, self.after.get(needle, 0)) if start == "floor" else 0)
                if at >= 0:
                    self.after[needle] = at + 1
                    self.floor = self.lower.rfind("\n", 0, at) + 1
                    return self.lower.count("\n", 0, at)
        return 0


def too_costly(exc: BaseException) -> str:
    if isinstance(exc, OverBudget):
        return (
            f"the body took over {exc.seconds:g} s to read: look for Markdown nested very deeply "
            "or left unclosed ('*', '_', '[', '<') near here"
        )
    return "the body nests Markdown too deeply to read (emphasis, links or lists inside one another) near here"


def densest_line(text: str) -> int:
    """The 0-based line holding the most of the characters that open Markdown syntax:
    where a body too costly to read most likely went wrong."""
    lines = text.split("\n")
    counts = [sum(map(line.count, "*_[<>`")) for line in lines]
    return counts.index(max(counts))
