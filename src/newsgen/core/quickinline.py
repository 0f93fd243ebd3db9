"""A speed-up of Python-Markdown's inline step: skip the text no inline pattern can match
(a third of a body's parse). It installs itself only where every registered pattern is
one it knows, so the output never differs."""
from __future__ import annotations

import re

import markdown
from markdown.treeprocessors import InlineProcessor


TRIGGERS = {
    "backtick": "`", "escape": "\\", "footnote": "[", "reference": "[", "link": "[", "image_link": "[",
    "image_reference": "[", "short_reference": "[", "short_image_ref": "[", "autolink": "<",
    "automail": "<", "html": "<", "linebreak": "  \n", "entity": "&", "em_strong": "*_",
    "em_strong2": "_", "not_strong": "*_",
}
"""Python-Markdown's inline patterns by name → the characters one of which each match
holds (``linebreak``: the two spaces and newline together)."""


class QuickInlineProcessor(InlineProcessor):
    """Markdown's inline step, skipping text that no inline pattern can match.

    The stock step tries each of its 15 patterns on every text, and most texts of an
    article (plain sentences, list items) hold none of their characters: skipping them
    takes a third off the parse. Only installed when every registered pattern is one
    `TRIGGERS` knows, so the output never differs.
    """

    def __init__(self, md: markdown.Markdown, triggers: re.Pattern[str]) -> None:
        super().__init__(md)
        self._triggers = triggers

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if self._triggers.search(data) is None:
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)  # type: ignore[misc]


def quicken_inline(md: markdown.Markdown) -> None:
    """Put `QuickInlineProcessor` in the stock inline step's place, if every pattern is known.

    It overrides a private method, ``InlineProcessor.__handleInline`` (Python-Markdown
    3.6 to 3.11): ``test_skipping_text_without_inline_syntax_changes_no_body`` checks
    that it is installed and gives the stock HTML."""
    names = [item.name for item in md.inlinePatterns._priority]
    if not all(name in TRIGGERS for name in names) or type(md.treeprocessors["inline"]) is not InlineProcessor:
        return
    chars = sorted({c for name in names if name != "linebreak" for c in TRIGGERS[name]})
    needles = [f"[{re.escape(''.join(chars))}]"]
    if "linebreak" in names:
        needles.append(re.escape(TRIGGERS["linebreak"]))
    pattern = "|".join(needles)
    priority = next(item.priority for item in md.treeprocessors._priority if item.name == "inline")
    md.treeprocessors.register(QuickInlineProcessor(md, re.compile(pattern)), "inline", priority)
