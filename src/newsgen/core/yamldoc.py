"""YAML text → values that remember their line, with every scalar kept as text.

YAML 1.1 turns ``No`` into False and timestamps into three different types
depending on how they are written; front-matter and config readers need the
text the editor typed and the line it is on, so they read this tree instead.
"""
from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from newsgen.core.yamlerrors import syntax_error
from newsgen.core.errors import Problem, Severity, did_you_mean, warning
from newsgen.core.invisible import Removed, removal_message
from newsgen.core.invisible import describe as describe_char
from newsgen.core.invisible import strip as strip_invisible

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when the wheel has it: ~10× faster
MAX_DEPTH = 16
MAX_NODES = 10_000  # aliases can expand a small text exponentially ("billion laughs")
NULL_TAG = "tag:yaml.org,2002:null"


@dataclass(frozen=True)
class Scalar:
    text: str
    line: int
    is_null: bool = False


@dataclass(frozen=True)
class Sequence:
    items: tuple[Value, ...]
    line: int


@dataclass(frozen=True)
class Entry:
    """One ``key: value`` pair; ``line`` is the key's line."""

    key: str
    value: Value
    line: int


@dataclass(frozen=True)
class Map:
    entries: Mapping[str, Entry] = field(default_factory=dict)
    line: int = 1

    def get(self, key: str) -> Entry | None:
        return self.entries.get(key)


Value = Scalar | Sequence | Map


def describe(value: Value) -> str:
    """What the editor wrote, in words, for error messages."""
    if isinstance(value, Map):
        return "a mapping"
    if isinstance(value, Sequence):
        return "a list"
    return "nothing" if value.is_null else f"{value.text!r}"


def load_mapping(
    text: str, path: str, first_line: int = 1, invisible: Severity = "warning"
) -> tuple[Map | None, list[Problem]]:
    """Parse *text* as one YAML mapping; *first_line* is the file line of the text's line 1.

    Returns the mapping (None if unreadable) and every problem found: syntax errors,
    duplicate keys, non-text keys, nesting that is too deep, and each invisible character
    taken out of a value (`newsgen.core.invisible`), a problem of severity *invisible*.
    """
    text, raw = strip_invisible(text)  # before YAML: it refuses controls and reads U+2028 as a line break
    composer = _Composer(path, first_line, invisible, raw)
    try:
        node = yaml.compose(text, Loader=LOADER)
    except yaml.MarkedYAMLError as exc:
        line, reason = syntax_error(exc, text, first_line, LOADER)
        return None, [Problem(path, line, f"YAML syntax error: {reason}"), *composer.leftovers()]
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as a control character
        line = text.count("\n", 0, exc.position)
        message = f"YAML syntax error: character U+{exc.character:04X} is not allowed"
        return None, [Problem(path, first_line + line, message), *composer.leftovers()]
    except yaml.YAMLError as exc:
        return None, [Problem(path, first_line, f"YAML syntax error: {exc}"), *composer.leftovers()]
    problems = composer.problems
    if node is None:
        return Map({}, first_line), problems + composer.leftovers()
    try:
        value = composer.convert(node, "", 0)
    except _TooMany as exc:  # one problem, not one for each of 90,000 values left unread
        message = f"more than {MAX_NODES:,} values (each repeat of an alias counts): too many to read"
        return None, [Problem(path, exc.line, message), *composer.leftovers()]
    problems += composer.leftovers()
    if not isinstance(value, Map):
        problems.append(Problem(path, value.line, "expected 'key: value' lines"))
        return None, problems
    return value, problems


class _TooMany(Exception):
    """The document holds more than `MAX_NODES` values; raised at the first one past them."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _Composer:
    """YAML nodes → values, within a budget of nodes and depth; attributes each invisible
    character taken out of the text to the field whose value held it."""

    def __init__(self, path: str, first_line: int, invisible: Severity, raw: tuple[Removed, ...]) -> None:
        self.path, self.first_line, self.invisible = path, first_line, invisible
        self.problems: list[Problem] = []
        self.budget = MAX_NODES
        self.pending = list(raw)
        """The invisible characters taken out of the text and not yet reported, by index."""

    def convert(self, node: yaml.Node, name: str, depth: int) -> Value:
        line = self.first_line + node.start_mark.line
        self.budget -= 1
        if self.budget < 0:
            raise _TooMany(line)
        if depth > MAX_DEPTH:
            self.problems.append(Problem(self.path, line, f"values are nested more than {MAX_DEPTH} levels deep"))
            return Scalar("", line, is_null=True)
        if isinstance(node, yaml.ScalarNode):
            is_null = node.tag == NULL_TAG and not node.style  # plain style: None (PyYAML) or "" (libyaml)
            # Only a double-quoted value can hold one the text did not: as an escape ("\u202e").
            text, escaped = strip_invisible(node.value) if node.style == '"' else (node.value, ())
            if self.pending or escaped:
                chars = self.claim(node.start_mark.index, node.end_mark.index) + [r.char for r in escaped]
                self.problems += self.report(line, chars, f"'{name}'" if name else "the front matter")
            return Scalar(text, line, is_null)
        if isinstance(node, yaml.SequenceNode):
            return Sequence(tuple(self.convert(item, name, depth + 1) for item in node.value), line)
        entries: dict[str, Entry] = {}
        for key_node, value_node in node.value:
            key_line = self.first_line + key_node.start_mark.line
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(Problem(self.path, key_line, "a key must be plain text"))
                continue
            key = key_node.value
            if key in entries:
                self.problems.append(
                    Problem(self.path, key_line, f"duplicate key '{key}' (first on line {entries[key].line})")
                )
                continue
            entries[key] = Entry(key, self.convert(value_node, key, depth + 1), key_line)
        return Map(entries, line)

    def claim(self, start: int, end: int) -> list[str]:
        """The invisible characters taken out between *start* and *end* (text indexes)."""
        first = bisect.bisect_left(self.pending, start, key=lambda r: r.at)
        last = bisect.bisect_right(self.pending, end, key=lambda r: r.at)
        claimed = self.pending[first:last]
        del self.pending[first:last]
        return [r.char for r in claimed]

    def report(self, line: int, chars: list[str], where: str) -> list[Problem]:
        """A problem for each invisible character (once each) taken out of *where*."""
        if self.invisible == "warning":
            return [warning(self.path, line, removal_message(char, where)) for char in dict.fromkeys(chars)]
        message = "{} holds {}, an invisible character: delete it"
        return [Problem(self.path, line, message.format(where, describe_char(char))) for char in dict.fromkeys(chars)]

    def leftovers(self) -> list[Problem]:
        """Problems for the invisible characters no value claimed (in comments, keys, or a
        text YAML could not read)."""
        found = [p for r in self.pending for p in self.report(self.first_line + r.line, [r.char], "the front matter")]
        self.pending.clear()
        return list(dict.fromkeys(found))


class Fields:
    """Reads typed fields out of a `Map`, recording problems instead of raising."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def unknown(self, table: Map, known: tuple[str, ...], field: str = "field", where: str = "") -> None:
        """A warning for each key of *table* not in *known*: ``unknown <field> 'x'<where>``
        and the closest known name (``unknown image field 'captoin' (did you mean …)``)."""
        for key, entry in table.entries.items():
            if key not in known:
                self.problems.append(warning(self.path, entry.line, f"unknown {field} '{key}'{where}{did_you_mean(key, known)}"))

    def text(self, table: Map, key: str, required: bool = False, default: str = "") -> str:
        """A non-empty text value with its whitespace collapsed; *default* when absent."""
        entry = table.get(key)
        if entry is None:
            if required:
                self.problem(table.line, f"missing required field '{key}'")
            return default
        value = entry.value
        if not isinstance(value, Scalar):
            self.problem(entry.line, f"'{key}' must be text, not {describe(value)}")
        elif value.text.strip() and not value.is_null:
            return " ".join(value.text.split())
        elif required:
            self.problem(entry.line, f"'{key}' must not be empty")
        return default

    def flag(self, table: Map, key: str, default: bool = False) -> bool:
        """``true``/``false`` (also yes/no, on/off); absent means *default*."""
        entry = table.get(key)
        if entry is None or (isinstance(entry.value, Scalar) and entry.value.is_null):
            return default
        word = entry.value.text.strip().lower() if isinstance(entry.value, Scalar) else ""
        if word in ("true", "yes", "on"):
            return True
        if word not in ("false", "no", "off"):
            self.problem(entry.line, f"'{key}' must be true or false, not {describe(entry.value)}")
            return default
        return False

    def items(self, table: Map, key: str) -> tuple[Value, ...]:
        """The items of a list field; absent or empty means no items."""
        entry = table.get(key)
        if entry is None or (isinstance(entry.value, Scalar) and entry.value.is_null):
            return ()
        if isinstance(entry.value, Sequence):
            return entry.value.items
        self.problem(entry.line, f"'{key}' must be a list, e.g. '{key}: [A, B]', not {describe(entry.value)}")
        return ()
