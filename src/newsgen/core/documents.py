"""Files of ``content/`` that are not articles: a front matter of a few fields and a
Markdown body, read as an article is (the same YAML reader, the same removal of invisible
characters, the same Markdown, sanitizer and image checks), for the authors
(`newsgen.core.authors`) and the standalone pages (`newsgen.core.standalone`).

Never raises for bad input: a `Document` reads its fields and records every problem.
"""
from __future__ import annotations

import posixpath

from newsgen.core import urls
from newsgen.core.contentfile import line_in, read_content_file
from newsgen.core.errors import OverBudget, Problem
from newsgen.core.markup import Body, render_body
from newsgen.core.parse import ParseContext
from newsgen.core.yamldoc import Fields, Map


class Document(Fields):
    """One file's front matter (`table`) and body, read against the site (*ctx*)."""

    def __init__(self, path: str, table: Map, body: str, body_line: int, ctx: ParseContext, problems: list[Problem]) -> None:
        super().__init__(path, problems)
        self.table, self.body, self.body_line, self.ctx = table, body, body_line, ctx

    def only(self, fields: tuple[str, ...], what: str) -> None:
        """A warning for each field not in *fields* (*what*: ``an author``, ``a page``)."""
        self.unknown(self.table, fields, where=f" for {what}")

    def line_of(self, key: str) -> int:
        entry = self.table.get(key)
        return entry.line if entry else self.table.line

    def rendered(self) -> Body:
        """The body as HTML, through the articles' Markdown and sanitizer; every image must
        be a file of the site, with alt text and a credit."""
        config = self.ctx.config
        body = render_body(
            self.body, lambda src: self.locate(src), self.ctx.url_prefix, self.ctx.image_sizes.get,
            config.html, frozenset(config.iframe_hosts),
        )
        for note in body.notes:
            self.problems.append(Problem(self.path, self.body_line + note.line, note.message, note.severity))
        for image in body.images:
            line = self.body_line + line_in(self.body, image.src)
            if image.site_path is None:
                self.problem(line, f"image {image.src!r} not found in static/ or content/")
            if not image.alt:
                self.problem(line, f"image {image.src!r} needs alt text: ![what it shows]({image.src})")
            if not image.credit:
                self.problem(line, f'image {image.src!r} needs a credit: ![…]({image.src} "Caption"){{credit="Agency"}}')
        return body

    def locate(self, src: str) -> str | None:
        """The site path of a file the document names: beside it first, then from the site's
        root (as an article's images are found); its percent-escapes decoded first."""
        plain = urls.decoded(src)
        for name in [src] if plain is None else [plain, src]:
            folder = posixpath.dirname(self.path.removeprefix("content/"))
            if not name.startswith("/"):
                beside = urls.asset_path(posixpath.join(folder, name))
                if beside in self.ctx.assets:
                    return beside
            rooted = urls.asset_path(name)
            if rooted in self.ctx.assets:
                return rooted
        return None


def key_of(path: str) -> str:
    """The key a document's file names, its name without the article suffix:
    ``content/autores/ana-sousa.md`` → ``ana-sousa``, ``content/paginas/sobre.md`` → ``sobre``."""
    base = posixpath.basename(path)
    return base.removesuffix(urls.article_suffix(base) or "")


def read_document(path: str, raw: bytes, ctx: ParseContext) -> tuple[Document | None, list[Problem]]:
    """The front matter and body of *raw* (the file *path*), or None and why not."""
    try:
        return _read(path, raw, ctx)
    except OverBudget as exc:
        return None, [Problem(path, 1, f"the file took over {exc.seconds:g} s to read; simplify it")]


def _read(path: str, raw: bytes, ctx: ParseContext) -> tuple[Document | None, list[Problem]]:
    file, problems = read_content_file(path, raw)
    if file is None:
        return None, problems
    return Document(path, file.table, file.body, file.body_line, ctx, problems), problems
