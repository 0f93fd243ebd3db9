"""An article's ``byline`` → its credits: who wrote it, one name each, each an author of
``content/autores/`` (by key or by name) or free text.

- ``byline: ana-sousa`` or ``byline: Ana Sousa``: the author ``ana-sousa``;
- ``byline: [ana-sousa, redacao]``: two authors, in that order;
- ``byline: Ana Sousa e Rui Lopes``: a warning suggesting the list (both are credited);
- a name close to an author's (``Ana Souza``), or an author key nobody has (``ana-souza``):
  an error with a did-you-mean;
- any other text (``Lusa``): credited as written, without a page; a warning when the site
  has authors, so none is forgotten.

What a byline resolves to depends on the authors' keys and names only (`AuthorIndex`), never
on their bios: the parse cache re-reads an article when the `state` of its byline changes.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Protocol

from newsgen.core import urls
from newsgen.core.errors import warning
from newsgen.core.models import Credit
from newsgen.core.yamldoc import Fields, Map, Scalar, Sequence, describe

AUTHORS_FOLDER = "content/autores/"
SEPARATOR = re.compile(r"\s*,\s*|\s+e\s+|\s+&\s+|\s+and\s+")
"""Between two names in one string: ``,``, `` e ``, `` & `` (``Ana Sousa e Rui Lopes``)."""
NEAR = 0.85
"""How alike (difflib's ratio of their slugs) a name must be to an author's to be taken for a typo."""


class Named(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def name(self) -> str: ...


def fold(text: str) -> str:
    """A name as compared: case and runs of spaces ignored (accents kept)."""
    return " ".join(text.casefold().split())


class AuthorIndex:
    """The site's authors as a byline names them: each key with its display name. (A plain
    class: a dataclass costs every build a millisecond to define.)"""

    __slots__ = ("names", "_by_key", "_by_name")

    def __init__(self, names: tuple[tuple[str, str], ...] = ()) -> None:
        self.names = names
        """(key, name) of every author, by key."""
        self._by_key = {key: key for key, _ in names}
        self._by_name: dict[str, str] = {}
        for key, name in names:
            self._by_name.setdefault(fold(name), key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AuthorIndex) and other.names == self.names

    def __hash__(self) -> int:
        return hash(self.names)

    def __repr__(self) -> str:
        return f"AuthorIndex({self.names!r})"

    def __reduce__(self) -> tuple[object, ...]:
        return (AuthorIndex, (self.names,))

    def __bool__(self) -> bool:
        return bool(self.names)

    @classmethod
    def of(cls, authors: Iterable[Named]) -> AuthorIndex:
        """What bylines need of *authors* (`newsgen.core.authors.Author`): keys and names."""
        return cls(tuple(sorted((a.key, a.name) for a in authors)))

    def classify(self, text: str) -> str:
        """What *text* names: an author's key; ``~key`` for a name or key close to that
        author's (a typo); ``!`` for an author key nobody has; ``?`` for free text on a
        site with authors; ``""`` for free text on a site without."""
        if not self.names:
            return ""
        found = self._by_key.get(text) or self._by_name.get(fold(text))
        if found:
            return found
        near = self.near(text)
        if near:
            return f"~{near}"
        return "!" if urls.SLUG_RE.fullmatch(text) else "?"

    def near(self, text: str) -> str | None:
        """The key of the author whose key or name is most like *text*, if alike enough."""
        slug = urls.slug_from_text(text)
        choices = {key: key for key, _ in self.names} | {urls.slug_from_text(name): key for key, name in self.names}
        close = difflib.get_close_matches(slug, list(choices), n=1, cutoff=NEAR)
        return choices[close[0]] if close else None

    def state(self, byline: str, credits: tuple[Credit, ...]) -> tuple[str, ...]:
        """Everything the credits of an article were read from that depends on the authors:
        the classes of the byline as written (*byline*, a string; else ``""``) and of each
        credit's text. The same state gives the same credits and problems."""
        if not (byline or credits):
            return ()
        return (self.classify(byline) if byline else "", *(self.classify(c.text) for c in credits))


def read_byline(fields: Fields, table: Map, index: AuthorIndex) -> tuple[str, tuple[Credit, ...]]:
    """The ``byline`` of *table*: the text as written when it is one string (else ``""``),
    and its credits; problems go to *fields*."""
    entry = table.get("byline")
    if entry is None or (isinstance(entry.value, Scalar) and entry.value.is_null):
        return "", ()
    if isinstance(entry.value, Sequence):
        credits = []
        for item in entry.value.items:
            if not isinstance(item, Scalar) or item.is_null or not item.text.strip():
                fields.problem(item.line, f"a byline names an author by key or name, not {describe(item)}")
                continue
            credits += _credit(fields, " ".join(item.text.split()), item.line, index)
        return "", tuple(dict.fromkeys(credits))
    text = fields.text(table, "byline")
    if not text:
        return "", ()
    line = entry.line
    found = index.classify(text)
    if found and found[0] not in "~!?":
        return text, (Credit(text, found),)
    parts = [part for part in SEPARATOR.split(text) if part]
    if len(parts) > 1 and found[:1] not in ("~", "!"):
        suggestion = ", ".join(_listed(part, index) for part in parts)
        fields.problems.append(warning(
            fields.path, line, f"byline {text!r} names {len(parts)} authors: write them as a list, byline: [{suggestion}]",
        ))
        return text, tuple(dict.fromkeys(c for part in parts for c in _credit(fields, part, line, index)))
    return text, _credit(fields, text, line, index)


def _credit(fields: Fields, text: str, line: int, index: AuthorIndex) -> tuple[Credit, ...]:
    found = index.classify(text)
    if found.startswith("~"):
        key = found[1:]
        fields.problem(line, f"unknown author {text!r} (did you mean '{key}', {dict(index.names)[key]}?); "
                             f"the authors are the files of {AUTHORS_FOLDER}")
        return ()
    if found == "!":
        fields.problem(line, f"unknown author key {text!r}: no {AUTHORS_FOLDER}{text}.md")
        return ()
    if found == "?":
        fields.problems.append(warning(
            fields.path, line,
            f"byline {text!r} is not an author of {AUTHORS_FOLDER}: shown as written, without an author page "
            f"(add {AUTHORS_FOLDER}{urls.slug_from_text(text) or 'nome'}.md)",
        ))
    return (Credit(text, found if found not in ("", "?") else ""),)


def _listed(part: str, index: AuthorIndex) -> str:
    """How a name is best written in a byline list: its author's key, else as it is."""
    found = index.classify(part)
    return found if found and found[0] not in "~!?" else part
