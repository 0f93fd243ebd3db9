"""Markdown body → HTML: pt-PT typography, figures with caption and credit, images listed.

Syntax for a figure in the body (Python-Markdown's attr_list supplies ``credit``)::

    ![Alt text](images/foto.jpg "Caption."){credit="KCNA via KNS/AP"}
"""
from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import markdown
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.treeprocessors import InlineProcessor, Treeprocessor
from markdown.util import STX

from newsgen.core import limits, urls
from newsgen.core.errors import OverBudget, Severity
from newsgen.core.sanitize import sanitize
from newsgen.core.typography import smarten, smarten_segments

BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "figcaption", "td", "th", "dt", "dd"})
VERBATIM = frozenset({"code", "kbd", "samp", "pre", "script", "style", "math"})


@dataclass(frozen=True)
class BodyImage:
    """An image as the body wrote it: ``src`` untouched, for validation by the parser."""

    src: str
    site_path: str | None
    alt: str
    caption: str
    credit: str


class Note(NamedTuple):
    """A problem in a body, at a 0-based line of the body."""

    line: int
    message: str
    severity: Severity = "warning"


@dataclass(frozen=True)
class Body:
    html: str
    words: int
    images: tuple[BodyImage, ...]
    unbalanced: tuple[str, ...]
    """The start of every block whose quotes do not balance."""
    files: tuple[str, ...] = ()
    """Site paths of the files the body links to (a PDF, an image shown only as a link)."""
    notes: tuple[Note, ...] = ()
    """Problems found in reading it; with an error, the body is empty."""


class _FigureTreeprocessor(Treeprocessor):
    """A paragraph holding only an image with a title or credit becomes a figure."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, para in enumerate(list(parent)):
                if para.tag != "p" or len(para) != 1 or (para.text or "").strip():
                    continue
                img = para[0]
                if img.tag != "img" or (img.tail or "").strip():
                    continue
                caption = img.attrib.pop("title", "").strip()
                credit = img.get("credit", "").strip()  # removed by _ImageTreeprocessor
                if not (caption or credit):
                    continue
                figure = etree.Element("figure")
                img.tail = None
                figure.append(img)
                figcaption = etree.SubElement(figure, "figcaption")
                figcaption.text = caption + (" " if caption and credit else "")
                if credit:
                    etree.SubElement(figcaption, "span", {"class": "credit"}).text = credit
                figure.tail = para.tail
                parent.remove(para)
                parent.insert(index, figure)


class _TypographyTreeprocessor(Treeprocessor):
    """pt-PT quotes and dashes over each block's text, across its inline elements."""

    def run(self, root: etree.Element) -> None:
        self.md.unbalanced_blocks = []  # type: ignore[attr-defined]
        for block in root.iter():
            if block.tag not in BLOCKS:
                continue
            refs: list[tuple[etree.Element, str] | None] = []
            _collect(block, refs)
            segments = [None if ref is None else getattr(ref[0], ref[1]) or "" for ref in refs]
            smart, unbalanced = smarten_segments(segments)
            for ref, text in zip(refs, smart, strict=True):
                if ref is not None:
                    setattr(ref[0], ref[1], text)
            if unbalanced:
                snippet = "".join(s for s in segments if s).strip()
                self.md.unbalanced_blocks.append(snippet)  # type: ignore[attr-defined]


def _collect(el: etree.Element, refs: list[tuple[etree.Element, str] | None]) -> None:
    """Text slots of *el* in reading order; verbatim children become None; nested blocks skipped."""
    refs.append((el, "text"))
    for child in el:
        if child.tag in VERBATIM:
            refs.append(None)
        elif child.tag not in BLOCKS:
            _collect(child, refs)
        refs.append((child, "tail"))


class _ImageTreeprocessor(Treeprocessor):
    """Record every image and point its ``src`` at the site root."""

    def run(self, root: etree.Element) -> None:
        found = []
        for parent in root.iter():
            caption = ""
            if parent.tag == "figure":
                cap = parent.find("figcaption")
                caption = (cap.text or "").strip() if cap is not None else ""
            for img in parent.findall("img"):
                src = img.get("src", "")
                credit = img.attrib.pop("credit", "").strip()  # never left as an (invalid) HTML attribute
                alt = img.get("alt", "")
                if alt:
                    img.set("alt", smarten(alt)[0])
                site_path = self.md.resolve(src)  # type: ignore[attr-defined]
                found.append(BodyImage(src, site_path, alt, caption, credit))
                if site_path is not None:
                    img.set("src", self.md.url_prefix + urls.url_path(site_path))  # type: ignore[attr-defined]
                    size = self.md.size(site_path)  # type: ignore[attr-defined]
                    if size and not (img.get("width") or img.get("height")):
                        img.set("width", str(size[0]))
                        img.set("height", str(size[1]))
                img.set("loading", "lazy")
                img.set("decoding", "async")
        words = sum(len(text.split()) for text in root.itertext())
        self.md.body_images = tuple(found)  # type: ignore[attr-defined]
        self.md.body_words = words  # type: ignore[attr-defined]


class _LinkTreeprocessor(Treeprocessor):
    """A link to a file of the site (``[o relatório](relatorio.pdf)``, found as an image's
    ``src`` is) points at its URL; any other link keeps its address, with what a URL may not
    hold (a space, an accent) percent-encoded."""

    def run(self, root: etree.Element) -> None:
        files = []
        for link in root.iter("a"):
            href = link.get("href")
            if not href or STX in href:  # an e-mail address, written as character references
                continue
            site_path = None if href.startswith(("#", "//")) or _SCHEME.match(href) else self.md.resolve(href)  # type: ignore[attr-defined]
            if site_path is not None:
                files.append(site_path)
                link.set("href", self.md.url_prefix + urls.url_path(site_path))  # type: ignore[attr-defined]
            else:
                link.set("href", urls.encoded_url(href))
        self.md.body_files = tuple(dict.fromkeys(files))  # type: ignore[attr-defined]


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


CAPTION_LABEL = "Legenda: "
CREDIT_LABEL = "Créditos: "


def hidden_label(text: str) -> etree.Element:
    """A label read by screen readers and not shown (CSS class ``visually-hidden``)."""
    label = etree.Element("span", {"class": "visually-hidden"})
    label.text = text
    return label


class _CaptionLabelTreeprocessor(Treeprocessor):
    """Screen readers announce «Legenda:» before a caption and «Créditos:» before a credit."""

    def run(self, root: etree.Element) -> None:
        for caption in root.iter("figcaption"):
            credit = next((c for c in caption if c.get("class") == "credit"), None)
            if credit is not None:
                credit.insert(0, hidden_label(CREDIT_LABEL))
                credit[0].tail, credit.text = credit.text, None
            if (caption.text or "").strip():
                caption.insert(0, hidden_label(CAPTION_LABEL))
                caption[0].tail, caption.text = caption.text, None


class NewsExtension(Extension):
    """Figures, pt-PT typography and image bookkeeping for article bodies."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After inline (20) and attr_list (8), so titles and credits exist.
        md.treeprocessors.register(_FigureTreeprocessor(md), "news_figure", 7)
        md.treeprocessors.register(_TypographyTreeprocessor(md), "news_typography", 6)
        md.treeprocessors.register(_ImageTreeprocessor(md), "news_images", 5)
        md.treeprocessors.register(_LinkTreeprocessor(md), "news_links", 4.5)
        md.treeprocessors.register(_CaptionLabelTreeprocessor(md), "news_caption_labels", 4)


TRIGGERS = {
    "backtick": "`", "escape": "\\", "footnote": "[", "reference": "[", "link": "[", "image_link": "[",
    "image_reference": "[", "short_reference": "[", "short_image_ref": "[", "autolink": "<",
    "automail": "<", "html": "<", "linebreak": "  \n", "entity": "&", "em_strong": "*_",
    "em_strong2": "_", "not_strong": "*_",
}
"""Python-Markdown's inline patterns by name → the characters one of which each match
holds (``linebreak``: the two spaces and newline together)."""


class _QuickInlineProcessor(InlineProcessor):
    """Markdown's inline step, skipping text that no inline pattern can match.

    The stock step tries each of its 15 patterns on every text, and most texts of an
    article (plain sentences, list items) hold none of their characters: skipping them
    takes a third off the parse. Only installed when every registered pattern is one
    `TRIGGERS` knows, so the output never differs.
    """

    def __init__(self, md: markdown.Markdown, triggers: re.Pattern[str]) -> None:
        super().__init__(md)
        self._triggers = triggers

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if self._triggers.search(data) is None:
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)  # type: ignore[misc]


def _quicken_inline(md: markdown.Markdown) -> None:
    """Put `_QuickInlineProcessor` in the stock inline step's place, if every pattern is known.

    It overrides a private method, ``InlineProcessor.__handleInline`` (Python-Markdown
    3.6 to 3.11): ``test_skipping_text_without_inline_syntax_changes_no_body`` checks
    that it is installed and gives the stock HTML."""
    names = [item.name for item in md.inlinePatterns._priority]
    if not all(name in TRIGGERS for name in names) or type(md.treeprocessors["inline"]) is not InlineProcessor:
        return
    chars = sorted({c for name in names if name != "linebreak" for c in TRIGGERS[name]})
    needles = [f"[{re.escape(''.join(chars))}]"]
    if "linebreak" in names:
        needles.append(re.escape(TRIGGERS["linebreak"]))
    pattern = "|".join(needles)
    priority = next(item.priority for item in md.treeprocessors._priority if item.name == "inline")
    md.treeprocessors.register(_QuickInlineProcessor(md, re.compile(pattern)), "inline", priority)


@functools.lru_cache(maxsize=4)
def _markdown(url_prefix: str, quick: bool = True) -> markdown.Markdown:
    # Instances, not names: a name makes Markdown scan every installed package's entry
    # points (importlib.metadata), 30 ms of a one-article rebuild.
    md = markdown.Markdown(
        extensions=[
            AttrListExtension(), FootnoteExtension(BACKLINK_TITLE="Voltar à nota %d"), TableExtension(),
            SaneListExtension(), NewsExtension(),
        ],
        output_format="html",
    )
    md.url_prefix = url_prefix  # type: ignore[attr-defined]
    if quick:
        _quicken_inline(md)
    return md


def render_body(
    text: str,
    resolve: Callable[[str], str | None],
    url_prefix: str = "/",
    size: Callable[[str], tuple[int, int] | None] = lambda site_path: None,
    html_policy: str = "sanitize",
    iframe_hosts: frozenset[str] = frozenset(),
) -> Body:
    """Convert an article body; *resolve* maps an image ``src`` to its site path (or None),
    and the ``src`` becomes ``url_prefix`` + that path; *size* gives the image's width and
    height for that path, when known. *html_policy* (``sanitize``, ``trusted``, ``forbid``)
    says what raw HTML may do, and *iframe_hosts* which pages an iframe may show."""
    if not text.strip():
        return Body("", 0, (), ())
    md = _markdown(url_prefix)
    md.resolve = resolve  # type: ignore[attr-defined]
    md.size = size  # type: ignore[attr-defined]
    try:
        bound = limits.check(text)
        if bound is not None:
            return Body("", 0, (), (), notes=(Note(*bound, "error"),))
        html = md.reset().convert(text)
    except (RecursionError, OverBudget) as exc:
        _markdown.cache_clear()  # the instance may be left half-way through
        return Body("", 0, (), (), notes=(Note(_densest_line(text), _too_costly(exc), "error"),))
    notes: list[Note] = []
    if html_policy != "trusted":
        refused: set[int] = set()
        if html_policy == "forbid":
            notes += _raw_html(md, _Lines(text), refused)
        html, removed = sanitize(html, iframe_hosts)
        lines = _Lines(text)
        # Under 'forbid', what was removed from raw HTML, already an error, goes unsaid.
        notes += [note for note in (Note(lines.find(r.needles), r.message) for r in removed) if note.line not in refused]
    return Body(
        html=html,
        words=md.body_words,  # type: ignore[attr-defined]
        images=md.body_images,  # type: ignore[attr-defined]
        unbalanced=tuple(md.unbalanced_blocks),  # type: ignore[attr-defined]
        files=md.body_files,  # type: ignore[attr-defined]
        notes=tuple(notes),
    )


ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z0-9]+);")


def _raw_html(md: markdown.Markdown, lines: _Lines, covered: set[int]) -> list[Note]:
    """An error for each piece of raw HTML in the body Markdown just read (each start tag,
    block or comment: Markdown keeps them all, and entities, in its stash); adds the lines
    each covers to *covered*."""
    notes = []
    for chunk in md.htmlStash.rawHtmlBlocks:
        if isinstance(chunk, str) and not ENTITY.fullmatch(chunk) and not chunk.startswith("</"):
            first = chunk.strip().split("\n", 1)[0]
            message = f"raw HTML is not allowed in bodies ('html: forbid' in newsgen.yaml): {first[:60]!r}"
            notes.append(Note(lines.find((first,)), message, "error"))
            covered.update(range(notes[-1].line, notes[-1].line + chunk.strip().count("\n") + 1))
    return notes


class _Lines:
    """Finds the lines of things in a body, looked for in the order they appear in it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lower: str | None = None
        self.floor = 0
        """Where the line of the last thing found starts: the next is looked for from there."""
        self.after: dict[str, int] = {}
        """Where the next search for each text starts."""

    def find(self, needles: tuple[str, ...]) -> int:
        """The 0-based line of the first of *needles* (ignoring case) found from the last
        thing's line, else from the start of the body; 0 when none is found."""
        if self.lower is None:
            self.lower = self.text.lower()
        for start in ("floor", "anywhere"):
            for needle in filter(None, (n.lower() for n in needles)):
                at = self.lower.find(needle, max(self.floor, self.after.get(needle, 0)) if start == "floor" else 0)
                if at >= 0:
                    self.after[needle] = at + 1
                    self.floor = self.lower.rfind("\n", 0, at) + 1
                    return self.lower.count("\n", 0, at)
        return 0


def _too_costly(exc: BaseException) -> str:
    if isinstance(exc, OverBudget):
        return (
            f"the body took over {exc.seconds:g} s to read: look for Markdown nested very deeply "
            "or left unclosed ('*', '_', '[', '<') near here"
        )
    return "the body nests Markdown too deeply to read (emphasis, links or lists inside one another) near here"


def _densest_line(text: str) -> int:
    """The 0-based line holding the most of the characters that open Markdown syntax:
    where a body too costly to read most likely went wrong."""
    lines = text.split("\n")
    counts = [sum(map(line.count, "*_[<>`")) for line in lines]
    return counts.index(max(counts))
