"""pt-PT typography for plain text: « » quotes (nested “ ”), ’ apostrophes, – — and ….

Python-Markdown's smarty guesses each quote on its own and gets ``"Ele's"`` wrong
(``«Ele’s«``); it also cannot nest « » and “ ”. Here a quote is decided from the
characters around it and from the quotes already open in the same block, so
headlines, standfirsts, captions and Markdown bodies all follow one rule.
"""
from __future__ import annotations

from collections.abc import Sequence

OPENS_AFTER = set("([{«“‘—–-/")
CLOSES_BEFORE = set(".,;:!?)]}»”’…—–-/")
CLOSER = {"«": "»", "“": "”"}
LIGATURES = {"---": "—", "--": "–", "...": "…"}  # longest first
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
    unbalanced = 0
    result: list[str | None] = []
    base = 0
    for segment in segments:
        if segment is None:
            result.append(None)
            base += 1
            continue
        out: list[str] = []
        i = 0
        while i < len(segment):
            ch = segment[i]
            at = base + i
            prev = stream[at - 1] if at else ""
            nxt = stream[at + 1] if at + 1 < len(stream) else ""
            if ch == '"':
                opening = _is_open_position(prev, nxt)
                if opening is None:
                    opening = not stack
                if opening:
                    stack.append("“" if stack else "«")
                    out.append(stack[-1])
                elif stack:
                    out.append(CLOSER[stack.pop()])
                else:
                    unbalanced += 1
                    out.append("»")
            elif ch in CLOSER:
                stack.append(ch)
                out.append(ch)
            elif ch in "»”":
                if stack:
                    stack.pop()
                else:
                    unbalanced += 1
                out.append(ch)
            elif ch == "'":
                out.append("‘" if _is_open_position(prev, nxt) and not prev.isalnum() else "’")
            else:
                run = next((r for r in LIGATURES if segment.startswith(r, i)), None)
                out.append(LIGATURES[run] if run else ch)
                i += len(run) - 1 if run else 0
            i += 1
        result.append("".join(out))
        base += len(segment)
    return result, unbalanced + len(stack)


def smarten(text: str) -> tuple[str, int]:
    """pt-PT typography on one piece of plain text; returns it and the unbalanced quote count."""
    segments, unbalanced = smarten_segments([text])
    return segments[0] or "", unbalanced
