"""YAML text → values that remember their line, with every scalar kept as text.

YAML 1.1 turns ``No`` into False and timestamps into three different types
depending on how they are written; front-matter and config readers need the
text the editor typed and the line it is on, so they read this tree instead.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from newsgen.errors import Problem

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


def load_mapping(text: str, path: str, first_line: int = 1) -> tuple[Map | None, list[Problem]]:
    """Parse *text* as one YAML mapping; *first_line* is the file line of the text's line 1.

    Returns the mapping (None if unreadable) and every problem found: syntax errors,
    duplicate keys, non-text keys, nesting that is too deep.
    """
    problems: list[Problem] = []
    try:
        node = yaml.compose(text, Loader=LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        unclosed = (exc.context or "").startswith(("while parsing a flow", "while scanning a quoted"))
        if exc.context_mark and mark and (unclosed or mark.index >= len(text.rstrip())):
            mark = exc.context_mark  # an unclosed quote or bracket: point where it opened
        line = first_line + mark.line if mark else first_line
        reason = " ".join(part for part in (exc.context, exc.problem) if part)
        return None, [Problem(path, line, f"YAML syntax error: {reason}")]
    except yaml.YAMLError as exc:
        return None, [Problem(path, first_line, f"YAML syntax error: {exc}")]
    if node is None:
        return Map({}, first_line), problems
    try:
        value = _convert(node, path, first_line, problems, 0, [MAX_NODES])
    except _TooMany as exc:  # one problem, not one for each of 90,000 values left unread
        message = f"more than {MAX_NODES:,} values (each repeat of an alias counts): too many to read"
        return None, [Problem(path, exc.line, message)]
    if not isinstance(value, Map):
        line = value.line if value is not None else first_line
        problems.append(Problem(path, line, "expected 'key: value' lines"))
        return None, problems
    return value, problems


class _TooMany(Exception):
    """The document holds more than `MAX_NODES` values; raised at the first one past them."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _convert(
    node: yaml.Node, path: str, first_line: int, problems: list[Problem], depth: int, budget: list[int]
) -> Value:
    line = first_line + node.start_mark.line
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooMany(line)
    if depth > MAX_DEPTH:
        problems.append(Problem(path, line, f"values are nested more than {MAX_DEPTH} levels deep"))
        return Scalar("", line, is_null=True)
    if isinstance(node, yaml.ScalarNode):
        is_null = node.tag == NULL_TAG and not node.style  # plain style: None (PyYAML) or "" (libyaml)
        return Scalar(node.value, line, is_null)
    if isinstance(node, yaml.SequenceNode):
        items = tuple(_convert(item, path, first_line, problems, depth + 1, budget) for item in node.value)
        return Sequence(items, line)
    entries: dict[str, Entry] = {}
    for key_node, value_node in node.value:
        key_line = first_line + key_node.start_mark.line
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem(path, key_line, "a key must be plain text"))
            continue
        key = key_node.value
        if key in entries:
            problems.append(
                Problem(path, key_line, f"duplicate key '{key}' (first on line {entries[key].line})")
            )
            continue
        entries[key] = Entry(key, _convert(value_node, path, first_line, problems, depth + 1, budget), key_line)
    return Map(entries, line)


class Fields:
    """Reads typed fields out of a `Map`, recording problems instead of raising."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

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
