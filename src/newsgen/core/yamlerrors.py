"""YAML syntax errors in an editor's words, at the line to fix: an unclosed quote or
bracket, a tab in the indentation, ``key:value`` without a space, a ``: `` inside a
value; anything else in the YAML parser's own words."""
from __future__ import annotations

import json
import re

import yaml


_KEY_WITHOUT_SPACE = re.compile(r"\s*(?:-\s+)?([A-Za-z_][\w-]*):(\S.*)")
"""``section:mundo``: a key and its value with no space after the colon."""


_INDICATOR_CONTEXTS = ("while scanning a directive", "while scanning an alias", "while scanning an anchor")
"""The YAML reads a value that starts with ``%``, ``*`` or ``&`` as one of these."""


def syntax_error(exc: yaml.MarkedYAMLError, text: str, first_line: int, loader: type) -> tuple[int, str]:
    """The line to fix (*first_line* is *text*'s first) and what is wrong there, in an
    editor's words, for the mistakes editors make (unclosed quotes and brackets, tabs,
    ``key:value``, a ``: `` inside a value); else the YAML parser's own words."""
    line, reason = _syntax_error(exc, text, first_line, loader)
    return first_line + line, reason


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, first_line: int, loader: type) -> tuple[int, str]:
    lines = text.split("\n")
    problem, context = exc.problem_mark, exc.context_mark
    at = problem or context
    line = at.line if at else 0
    found = text[problem.index] if problem and problem.index < len(text) else ""
    started = text[context.index] if context and context.index < len(text) else ""
    if exc.context == "while scanning a quoted scalar" and context:
        return context.line, f"unclosed quote: add the closing {started} on this line"
    if (exc.context or "").startswith("while parsing a flow") and context and problem:
        closing = "]" if started == "[" else "}"
        if problem.line > context.line or not text[problem.index :].strip():
            return context.line, f"unclosed '{started}': add the closing '{closing}'"
        return problem.line, f"expected ',' or '{closing}' here; quote a value that holds ',', ':', '[' or '{{'"
    quoted = _quoted_before(text, at, loader) if at else None
    if quoted is not None and quoted.start_mark.line < quoted.end_mark.line:
        quote = text[quoted.start_mark.index]
        ended = first_line + quoted.end_mark.line
        return quoted.start_mark.line, f"unclosed quote: add the closing {quote} on this line (the value ran on to the {quote} on line {ended})"
    if quoted is not None and problem and quoted.end_mark.line == problem.line:
        quote = text[quoted.start_mark.index]
        other = "'" if quote == '"' else '"'
        key, _, value = lines[problem.line].partition(": ")
        example = f" ({key.strip()}: {other}{value.strip()}{other})" if value and other not in value else ""
        return problem.line, f"text after the closing {quote}: to keep the quotes, put the whole value in {other} quotes{example}"
    if found == "\t":
        return line, "a tab in the indentation: indent with spaces"
    indicator = exc.context in _INDICATOR_CONTEXTS
    if problem and (indicator or "cannot start any token" in (exc.problem or "") or "undefined alias" in (exc.problem or "")):
        sign = started if indicator else found
        return line, f"a value cannot start with '{sign}': put the value in quotes"
    if problem and ("could not find expected ':'" in (exc.problem or "") or "mapping values" in (exc.problem or "")):
        for candidate in (problem.line, problem.line - 1):
            match = _KEY_WITHOUT_SPACE.fullmatch(lines[candidate]) if 0 <= candidate < len(lines) else None
            if match and not match.group(2).startswith("//"):
                return candidate, f"put a space after the ':' ({match.group(1)}: {match.group(2).strip()})"
        before = lines[problem.line][: problem.column] if problem.line < len(lines) else ""
        if ":" in before:
            key, _, value = lines[problem.line].partition(":")
            example = json.dumps(value.strip(), ensure_ascii=False)
            return problem.line, f"a ': ' inside a value: put the value in quotes ({key.strip()}: {example})"
        if "mapping values" in (exc.problem or ""):
            return problem.line, "this line is indented more than the key above it; line the keys up"
    reason = " ".join(part for part in (exc.context, exc.problem) if part)
    return line, reason


def _quoted_before(text: str, mark: yaml.Mark, loader: type) -> yaml.ScalarToken | None:
    """The last token before *mark*, if it is a quoted value."""
    last = None
    scanner = loader(text)
    try:
        while scanner.check_token():
            token = scanner.get_token()
            if token.start_mark.index >= mark.index:
                break
            last = token
    except yaml.YAMLError:
        pass
    finally:
        scanner.dispose()
    return last if isinstance(last, yaml.ScalarToken) and last.style in ("'", '"') else None
