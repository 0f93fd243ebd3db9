"""pt-PT typography for plain text: « » quotes (nested “ ”), ’ apostrophes, – — and ….

Python-Markdown's smarty guesses each quote on its own and gets ``"Ele's"`` wrong
(``«Ele’s«``); it also cannot nest « » and “ ”. Here a quote is decided from the
characters around it and from the quotes already open in the same block, so
headlines, standfirsts, captions and Markdown bodies all follow one rule.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

OPENS_AFTER = set("([{«“‘—–-/")
CLOSES_BEFORE = set(".,;:!?)]}»”’…—–-/")
CLOSER = {"«": "»", "“": "”"}
LIGATURES = {"---": "—", "--": "–", "...": "…"}
TOKENS = re.compile(r"---|--|\.\.\.|[\"'«»“”]")
OPAQUE = "\ufffc"  # stands for an element whose text is not ours to change (code)


def _is_open_position(prev: str, nxt: str) -> bool | None:
    """True for an opening quote, False for a closing one, None when the context is silent."""
    before_gap = prev == "" or prev.isspace() or prev in OPENS_AFTER
    after_gap = nxt == "" or nxt.isspace() or nxt in CLOSES_BEFORE
    if before_gap and not after_gap:
        return True
    if after_gap and not before_gap:
        return False
    return None


def smarten_segments(segments: Sequence[str | None]) -> tuple[list[str | None], int]:
    """Apply pt-PT typography across *segments* read as one block of text.

    ``None`` segments are opaque (inline code): they count as a word for the quotes
    around them and come back unchanged. Returns the new segments and how many
    quotes were left unbalanced (opened and never closed, or closed and never opened).
    """
    stream = "".join(OPAQUE if s is None else s for s in segments)
    stack: list[str] = []
    stray = 0

    def replace(match: re.Match[str], base: int) -> str:
        nonlocal stray
        token = match.group()
        if token in LIGATURES:
            return LIGATURES[token]
        at = base + match.start()
        prev = stream[at - 1] if at else ""
        nxt = stream[at + 1] if at + 1 < len(stream) else ""
        if token == "'":
            return "‘" if _is_open_position(prev, nxt) and not prev.isalnum() else "’"
        if token in CLOSER:
            stack.append(token)
            return token
        if token in "»”":
            if stack:
                stack.pop()
            else:
                stray += 1
            return token
        opening = _is_open_position(prev, nxt)
        if opening is None:
            opening = not stack
        if opening:
            stack.append("“" if stack else "«")
            return stack[-1]
        if stack:
            return CLOSER[stack.pop()]
        stray += 1
        return "»"

    result: list[str | None] = []
    base = 0
    for segment in segments:
        if segment is None:
            result.append(None)
            base += 1
            continue
        offset = base
        result.append(TOKENS.sub(lambda m, at=offset: replace(m, at), segment))
        base += len(segment)
    return result, stray + len(stack)


def smarten(text: str) -> tuple[str, int]:
    """pt-PT typography on one piece of plain text; returns it and the unbalanced quote count."""
    segments, unbalanced = smarten_segments([text])
    return segments[0] or "", unbalanced
