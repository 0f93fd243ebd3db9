"""A content file as text: decoded (UTF-8, LF line ends), cut into its front matter (read
with its lines) and its Markdown body (invisible characters removed, each a warning at its
line). Articles (`newsgen.core.parse`) and the other files of ``content/``
(`newsgen.core.documents`) are read alike.
"""
from __future__ import annotations

from typing import NamedTuple

from frontmatter.default_handlers import YAMLHandler

from newsgen.core.errors import Problem, warning
from newsgen.core.invisible import removal_message
from newsgen.core.invisible import strip as strip_invisible
from newsgen.core.yamldoc import Map, load_mapping

_FRONT_MATTER = YAMLHandler()


class ContentFile(NamedTuple):
    """A file's text, its front matter's fields, its body and the body's first line."""

    text: str
    table: Map
    body: str
    body_line: int


def decode(path: str, raw: bytes) -> tuple[str | None, list[Problem]]:
    """UTF-8 text (a BOM is dropped, CRLF and CR become LF), or a problem naming the line."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        byte = raw[exc.start]
        return None, [Problem(path, line, f"not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def read_content_file(path: str, raw: bytes) -> tuple[ContentFile | None, list[Problem]]:
    """*raw* (the file *path*) as a `ContentFile` and the problems found so far; None when
    it is not UTF-8, has no front matter (or an unclosed one), or its front matter is not a
    mapping of fields."""
    text, problems = decode(path, raw)
    if text is None:
        return None, problems
    start = _FRONT_MATTER.FM_BOUNDARY.match(text)
    if not start:
        return None, [Problem(path, 1, "missing front matter: start the file with a '---' line")]
    try:
        front, body = _FRONT_MATTER.split(text)
    except ValueError:
        return None, [Problem(path, 1, "front matter is not closed: add a '---' line after the fields")]
    first_line = text.count("\n", 0, start.end()) + 1
    body_line = text.count("\n", 0, len(text) - len(body)) + 1
    table, problems = load_mapping(front, path, first_line)
    body, invisible = strip_invisible(body)
    found = dict.fromkeys((r.line, r.char) for r in invisible)  # once per line and character
    problems += [warning(path, body_line + line, removal_message(char, "the body")) for line, char in found]
    if table is None:
        return None, problems
    return ContentFile(text, table, body, body_line), problems


def line_in(text: str, needle: str) -> int:
    """0-based line of the first *needle* in *text*, or 0."""
    at = text.find(needle)
    return text.count("\n", 0, at) if at > 0 else 0
