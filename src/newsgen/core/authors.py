"""The newsroom's authors: one file each, ``content/autores/<key>.md``.

```markdown
---
name: Ana Sousa
role: Jornalista
type: person            # or organization («Redação», «Lusa»)
photo: images/autores/ana-sousa.jpg
same_as: ["https://www.linkedin.com/in/anasousa"]
---
A short bio, in Markdown.
```

The file's name is the author's key, what a byline names and the author page's URL
(``/autor/<key>/``).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from newsgen.core import urls
from newsgen.core.bylines import fold
from newsgen.core.documents import Document, key_of, read_document
from newsgen.core.errors import Problem, did_you_mean, errors_in
from newsgen.core.parse import ParseContext
from newsgen.core.yamldoc import Scalar

FIELDS = ("name", "role", "type", "photo", "same_as")
KINDS = {"person": "Person", "organization": "Organization"}
"""An author's ``type`` and its schema.org type."""


class Author(NamedTuple):
    """One author: a journalist, or an organisation credited as one («Redação», «Lusa»)."""

    key: str
    name: str
    role: str
    kind: str
    """``person`` or ``organization``."""
    bio_html: str
    photo: str
    """The site path of the photo (``images/autores/ana.jpg``), or ``""``."""
    same_as: tuple[str, ...]
    """Profiles elsewhere (schema.org ``sameAs``)."""
    source: str
    path: str
    """The author page's site path: ``autor/<key>/``."""
    assets: tuple[str, ...] = ()
    """The files the bio shows."""

    @property
    def schema_type(self) -> str:
        return KINDS[self.kind]


def parse_author(path: str, raw: bytes, ctx: ParseContext) -> tuple[Author | None, list[Problem]]:
    """One author file → an `Author`, or every problem in it."""
    key = key_of(path)
    document, problems = read_document(path, raw, ctx)
    if not urls.is_slug(key):
        problems.append(Problem(path, 0, f"an author's file name is its key: lowercase ASCII words joined by hyphens "
                                         f"(e.g. {urls.slug_from_text(key) or 'ana-sousa'}.md)"))
    if document is None:
        return None, problems
    author = _read(document, key)
    return (None if errors_in(document.problems) else author), document.problems


def _read(doc: Document, key: str) -> Author:
    doc.only(FIELDS, "an author")
    name = doc.text(doc.table, "name", required=True)
    role = doc.text(doc.table, "role")
    kind = doc.text(doc.table, "type", default="person")
    if kind not in KINDS:
        doc.problem(doc.line_of("type"), f"an author's 'type' is person or organization, not {kind!r}{did_you_mean(kind, list(KINDS))}")
        kind = "person"
    photo = ""
    given = doc.text(doc.table, "photo")
    if given:
        photo = doc.locate(given) or ""
        if not photo:
            doc.problem(doc.line_of("photo"), f"photo {given!r} not found in static/ or content/")
    same_as = []
    for item in doc.items(doc.table, "same_as"):
        link = " ".join(item.text.split()) if isinstance(item, Scalar) and not item.is_null else ""
        if not link.startswith("https://"):
            doc.problem(item.line, f"'same_as' lists https:// addresses of the author's profiles, not {link or 'this'!r}")
        else:
            same_as.append(urls.encoded_url(link))
    body = doc.rendered()
    return Author(key, name, role, kind, body.html, photo, tuple(same_as), doc.path, urls.author_path(key),
                  tuple(dict.fromkeys([i.site_path for i in body.images if i.site_path] + list(body.files))))


def same_names(authors: Mapping[str, Author]) -> list[Problem]:
    """Two authors of one name: bylines that name them could not tell them apart."""
    seen: dict[str, Author] = {}
    problems = []
    for author in sorted(authors.values(), key=lambda a: a.key):
        other = seen.setdefault(fold(author.name), author)
        if other is not author:
            problems.append(Problem(author.source, 0, f"another author has the name {author.name!r} ({other.source}); "
                                                      "a byline by name could not tell them apart"))
    return problems
