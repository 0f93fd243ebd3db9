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

import markdown
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.treeprocessors import Treeprocessor
from markdown.util import STX

from newsgen.core import limits, urls
from newsgen.core.errors import OverBudget
from newsgen.core.bodynotes import Lines, Note, densest_line, raw_html, too_costly
from newsgen.core.links import ARTICLE, placeholder
from newsgen.core.liveblog import LiveDay, LiveTreeprocessor
from newsgen.core.models import Link, LiveEntry
from newsgen.core.quickinline import quicken_inline
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
    links: tuple[Link, ...] = ()
    """Links to articles by their files, and absolute links to the site (`newsgen.core.links`),
    at their 0-based lines of the body."""
    entries: tuple[LiveEntry, ...] = ()
    """A live page's entries, newest first (`newsgen.core.liveblog`)."""


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
        found: list[Link] = []
        target = getattr(self.md, "link_target", None)
        for link in root.iter("a"):
            href = link.get("href")
            if not href or STX in href:  # an e-mail address, written as character references
                continue
            reached = target(href) if target is not None else None
            if reached is not None:
                found.append(reached)
                if reached.kind == ARTICLE:
                    link.set("href", placeholder(len(found) - 1))
                    continue
            site_path = None if href.startswith(("#", "//")) or _SCHEME.match(href) else self.md.resolve(href)  # type: ignore[attr-defined]
            if site_path is not None:
                files.append(site_path)
                link.set("href", self.md.url_prefix + urls.url_path(site_path))  # type: ignore[attr-defined]
            else:
                link.set("href", urls.encoded_url(href))
        self.md.body_files = tuple(dict.fromkeys(files))  # type: ignore[attr-defined]
        self.md.body_links = tuple(found)  # type: ignore[attr-defined]


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
        md.treeprocessors.register(LiveTreeprocessor(md), "news_live", 3.5)


@functools.lru_cache(maxsize=4)
def body_markdown(url_prefix: str, quick: bool = True) -> markdown.Markdown:
    """The Markdown reader of bodies for sites under *url_prefix*, made once per process;
    *quick*: with the quick inline step (`newsgen.core.quickinline`)."""
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
        quicken_inline(md)
    return md


def render_body(
    text: str,
    resolve: Callable[[str], str | None],
    url_prefix: str = "/",
    size: Callable[[str], tuple[int, int] | None] = lambda site_path: None,
    html_policy: str = "sanitize",
    iframe_hosts: frozenset[str] = frozenset(),
    link_target: Callable[[str], Link | None] | None = None,
    live: LiveDay | None = None,
) -> Body:
    """Convert an article body; *resolve* maps an image ``src`` to its site path (or None),
    and the ``src`` becomes ``url_prefix`` + that path; *size* gives the image's width and
    height for that path, when known. *html_policy* (``sanitize``, ``trusted``, ``forbid``)
    says what raw HTML may do, and *iframe_hosts* which pages an iframe may show.
    *link_target* tells which links lead to articles or to the site's own pages
    (`newsgen.core.links`); *live*: read the body as a live page's entries."""
    if not text.strip():
        return Body("", 0, (), ())
    md = body_markdown(url_prefix)
    md.resolve = resolve  # type: ignore[attr-defined]
    md.size = size  # type: ignore[attr-defined]
    md.link_target = link_target  # type: ignore[attr-defined]
    md.live = live  # type: ignore[attr-defined]
    try:
        bound = limits.check(text)
        if bound is not None:
            return Body("", 0, (), (), notes=(Note(*bound, "error"),))
        html = md.reset().convert(text)
    except (RecursionError, OverBudget) as exc:
        body_markdown.cache_clear()  # the instance may be left half-way through
        return Body("", 0, (), (), notes=(Note(densest_line(text), too_costly(exc), "error"),))
    notes: list[Note] = []
    if html_policy != "trusted":
        refused: set[int] = set()
        if html_policy == "forbid":
            notes += raw_html(md, Lines(text), refused)
        html, removed = sanitize(html, iframe_hosts)
        lines = Lines(text)
        # Under 'forbid', what was removed from raw HTML, already an error, goes unsaid.
        notes += [note for note in (Note(lines.find(r.needles), r.message) for r in removed) if note.line not in refused]
    entry_lines, link_lines = Lines(text), Lines(text)
    notes += [Note(entry_lines.find((p.needle,)), p.message, "error") for p in md.live_problems]  # type: ignore[attr-defined]
    links = tuple(link._replace(line=link_lines.find((link.href,))) for link in md.body_links)  # type: ignore[attr-defined]
    return Body(
        html=html,
        words=md.body_words,  # type: ignore[attr-defined]
        images=md.body_images,  # type: ignore[attr-defined]
        unbalanced=tuple(md.unbalanced_blocks),  # type: ignore[attr-defined]
        files=md.body_files,  # type: ignore[attr-defined]
        notes=tuple(notes),
        links=links,
        entries=md.live_entries,  # type: ignore[attr-defined]
    )
