"""Hashtags as an article lists them → `Hashtag` values (one per identity), or the
problem with each: YAML swallowing ``#NATO`` as a comment, signs a hashtag cannot hold,
a repeat."""
from __future__ import annotations

import re
import unicodedata

from newsgen.core import urls
from newsgen.core.errors import Problem, warning
from newsgen.core.models import Hashtag
from newsgen.core.yamldoc import Map, Scalar, Value, describe

HASHTAG_MAX = 60
HASHTAG_RE = re.compile(r"[\w -]+")  # letters and digits of any script, spaces, '-' and '_'
COMMENT_HINT = "YAML reads ' #…' as a comment; quote each hashtag (\"#NATO\") or drop the '#'"


def read_hashtags(table: Map, items: tuple[Value, ...], lines: list[str], path: str) -> tuple[tuple[Hashtag, ...], list[Problem]]:
    """The hashtags of the front matter *table* (its ``hashtags`` *items*); *lines*: the
    file's lines, to tell a hashtag YAML read as a comment."""
    problems: list[Problem] = []
    entry = table.get("hashtags")
    if entry and isinstance(entry.value, Scalar) and entry.value.is_null and _commented(lines, entry.line):
        problems.append(Problem(path, entry.line, f"hashtags: {COMMENT_HINT}"))
    seen: dict[str, str] = {}
    result = []
    for item in items:
        line = item.line
        if not isinstance(item, Scalar) or item.is_null:
            hint = COMMENT_HINT if _commented(lines, line) else f"a hashtag must be text, not {describe(item)}"
            problems.append(Problem(path, line, hint))
            continue
        text = unicodedata.normalize("NFC", " ".join(item.text.split()))
        name = text[1:].strip() if text.startswith("#") else text
        problem = _hashtag_problem(name)
        if problem:
            problems.append(Problem(path, line, f"hashtag {item.text!r}: {problem}"))
            continue
        key = urls.hashtag_key(name)
        if key in seen:
            problems.append(warning(path, line, f"hashtag {item.text!r} repeats {seen[key]!r}"))
            continue
        seen[key] = item.text
        result.append(Hashtag(name, key, urls.hashtag_slug(name)))
    return tuple(result), problems


def _commented(lines: list[str], line: int) -> bool:
    """True when YAML swallowed a '#' on *line* as a comment."""
    if not 0 < line <= len(lines):
        return False
    text = lines[line - 1]
    value = text.split(":", 1)[1] if ":" in text else text.lstrip(" -")
    return re.match(r"\s*#", value) is not None


def _hashtag_problem(name: str) -> str:
    if not name:
        return "is empty"
    if len(name) > HASHTAG_MAX:
        return f"is longer than {HASHTAG_MAX} characters"
    if not HASHTAG_RE.fullmatch(name):
        return "may hold only letters, digits, spaces and hyphens (no '/', '.', '#' or other signs)"
    if not urls.hashtag_slug(name):
        return "needs at least one letter or digit"
    return ""
