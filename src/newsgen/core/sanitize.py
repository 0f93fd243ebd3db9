"""An article body's HTML → only what the allowlist keeps, naming everything removed.

nh3 (the Rust crate ammonia, over html5ever: the HTML a browser would see) does the
cleaning. It does not say what it removed, so both texts are read as tags, attributes and
text with `html.parser`, and what the clean text lacks is what was removed. When they read
the same, the body keeps its own bytes: nh3 writes ``&#8617;`` as ``↩`` and orders
attributes its own way, and an article with nothing removed must not change.

What nh3 leaves to us: ``srcset`` and ``cite`` URLs (it checks ``href`` and ``src``) and iframes
(it keeps an iframe whose ``src`` it dropped): an iframe without an https ``src`` on a host
of ``iframe_hosts`` is removed whole. A protocol-relative URL (``//host/x``) is what it
says, an absolute URL on the page's scheme: allowed in links and images like ``https://``,
refused for an iframe, which must say ``https://``.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import urlsplit

import nh3

TAGS = frozenset(
    "p h1 h2 h3 h4 h5 h6 ul ol li dl dt dd blockquote pre code kbd samp var hr br wbr "
    "em strong b i u s del ins mark small sub sup abbr cite dfn q time a img figure figcaption "
    "span div table caption colgroup col thead tbody tfoot tr th td iframe".split()
)
"""The tags our Markdown writes (footnotes, figures, tables included) and the inline ones
editors use in raw HTML."""
ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "rel", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading", "decoding", "srcset", "sizes"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "col": {"span"},
    "colgroup": {"span"},
    "time": {"datetime"},
    "del": {"datetime", "cite"},
    "ins": {"datetime", "cite"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "iframe": {"src", "title", "width", "height", "allow", "allowfullscreen", "loading", "referrerpolicy", "sandbox"},
}
ALIGNED = {"style": {f"text-align: {side};" for side in ("left", "center", "right")}}
"""The one style our Markdown writes (an aligned table column)."""
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
CONTENT_DROPPED = frozenset({"script", "style"})
"""Removed with everything inside them; any other tag off the list is removed and its text kept."""
URL_ATTRIBUTES = frozenset({"href", "src", "srcset", "cite", "action", "formaction", "poster", "data", "background"})
_BARE_IFRAME = re.compile(r'<iframe((?: [^\s=>]+(?:="[^"]*")?)*)>.*?</iframe>', re.DOTALL)
"""An iframe as nh3 writes it (every value in double quotes, none holding one)."""


class Removal(NamedTuple):
    """Something the allowlist removed, and texts to look for in the source to find its line."""

    message: str
    needles: tuple[str, ...]


def sanitize(html: str, iframe_hosts: frozenset[str] = frozenset()) -> tuple[str, tuple[Removal, ...]]:
    """*html* with only the allowlist left, and what was removed; *html* itself, byte for
    byte, when nothing was."""
    clean = _cleaner(iframe_hosts).clean(html)
    if "<iframe" in clean:
        clean = _BARE_IFRAME.sub(lambda m: m.group() if ' src="' in m.group(1) else "", clean)
    if clean == html:
        return html, ()
    before, after = _read(html), _read(clean)
    if before == after:  # written differently, read the same
        return html, ()
    return clean, _removals(before, after, iframe_hosts)


def iframe_problem(src: str | None, hosts: frozenset[str]) -> str | None:
    """Why an iframe with this ``src`` is removed (``"from host 'x' (not in iframe_hosts)"``), or None."""
    if not src or not src.strip():
        return "without a src"
    try:
        parts = urlsplit(src.strip())
        port = parts.port
    except ValueError:
        return "whose src is not a URL"
    if parts.scheme != "https" or not parts.hostname:
        return "whose src is not an https:// URL"
    if parts.username is not None or port not in (None, 443):
        return "whose src names a user or a port"
    if parts.hostname not in hosts:
        return f"from host '{parts.hostname}' (not in iframe_hosts)"
    return None


def scheme_of(url: str) -> str:
    """The scheme of *url* as a browser reads it (``java\\tscript:`` is ``javascript``), or ""."""
    try:
        return urlsplit(url.strip()).scheme
    except ValueError:
        return "invalid"


def _srcset_schemes(value: str) -> list[str]:
    return [scheme_of(candidate.split()[0]) for candidate in value.split(",") if candidate.strip()]


@functools.lru_cache(maxsize=8)
def _cleaner(iframe_hosts: frozenset[str]) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(TAGS), clean_content_tags=set(CONTENT_DROPPED),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        tag_attribute_values={"th": ALIGNED, "td": ALIGNED},
        attribute_filter=_attribute_filter(iframe_hosts),
        url_schemes=set(URL_SCHEMES), link_rel=None, strip_comments=False,
    )


def _attribute_filter(hosts: frozenset[str]) -> Callable[[str, str, str], str | None]:
    """What nh3 does not check itself: the URLs of a ``srcset`` and a ``cite``, and an iframe's host."""

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "srcset":
            return value if all(s in ("", "http", "https") for s in _srcset_schemes(value)) else None
        if attribute == "cite":
            return value if scheme_of(value) in ("", *URL_SCHEMES) else None
        if tag == "iframe" and attribute == "src":
            return value if iframe_problem(value, hosts) is None else None
        return value

    return keep


Token = tuple[str, ...] | tuple[str, str, tuple[tuple[str, str], ...]]


class _Reader(HTMLParser):
    """HTML → tokens: start tags with their attributes (sorted, values unescaped), end tags,
    text, comments. The contents of iframes, like those of scripts and styles, are text,
    as in a browser."""

    CDATA_CONTENT_ELEMENTS = ("script", "style", "iframe", "xmp", "noembed", "noframes", "textarea", "title")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[Token] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(("<", tag, tuple(sorted((name, value or "") for name, value in attrs))))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(("/", tag))

    def handle_data(self, data: str) -> None:
        if self.tokens and self.tokens[-1][0] == "t":
            self.tokens[-1] = ("t", self.tokens[-1][1] + data)
        else:
            self.tokens.append(("t", data))

    def handle_comment(self, data: str) -> None:
        self.tokens.append(("!", data))

    def handle_decl(self, decl: str) -> None:
        self.tokens.append(("?", decl))

    handle_pi = unknown_decl = handle_decl


def _read(html: str) -> list[Token]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.tokens


def _removals(before: list[Token], after: list[Token], hosts: frozenset[str]) -> tuple[Removal, ...]:
    """What *before* holds and *after* lacks, in the order of *before*: elements off the
    list, iframes, and attributes (counted by tag, name and value over the whole text)."""
    left = Counter((t[1], name, value) for t in after if t[0] == "<" for name, value in t[2])  # type: ignore[misc]
    removals: list[Removal] = []
    for token in before:
        if token[0] != "<":
            continue
        _, tag, attrs = token
        if tag == "iframe":
            src = dict(attrs).get("src")  # type: ignore[arg-type]
            problem = iframe_problem(src, hosts)
            if problem is not None:
                removals.append(Removal(f"removed <iframe> {problem}", (*_quoted("src", src or ""), "<iframe")))
                continue
        elif tag not in TAGS:
            what = "element" if tag in CONTENT_DROPPED else "tag"
            removals.append(Removal(f"removed <{tag}> {what}", (f"<{tag}",)))
            continue
        for name, value in attrs:  # type: ignore[misc]
            if left[tag, name, value] > 0:
                left[tag, name, value] -= 1
            else:
                removals.append(_attribute_removal(tag, name, value))
    hidden = _hidden(before, after)
    if hidden is not None:
        message = (
            f"rewrote HTML that a browser reads otherwise than it looks (around <{hidden}>: a comment "
            "closed early, such as '<!-->'?); what it hid was cut down to the allowlist"
        )
        removals.append(Removal(message, (f"<{hidden}", "<!--")))
    return tuple(removals)


IMPLIED = frozenset({"tbody", "tr", "colgroup", "p"})
"""Elements a browser adds where HTML leaves them out (a ``tr`` right in a ``table``)."""
FORMATTING = frozenset("a b big code em font i nobr s small strike strong tt u".split())
"""Elements a browser opens again after a misnested end tag (``<b><p>x</b>y``)."""


def _hidden(before: list[Token], after: list[Token]) -> str | None:
    """The first element in *after* that *before*, read with `html.parser`, does not show:
    one a browser reads where `html.parser` reads a comment or text (``<!--><img>``)."""
    tags = {t[1] for t in before if t[0] == "<"}
    attributes = {(t[1], name, value) for t in before if t[0] == "<" for name, value in t[2]}  # type: ignore[misc]
    for token in after:
        if token[0] != "<":
            continue
        tag = token[1]
        if (tag not in tags and tag not in IMPLIED | FORMATTING) or any(
            (tag, name, value) not in attributes for name, value in token[2]  # type: ignore[misc]
        ):
            return tag
    return None


def _quoted(name: str, value: str) -> tuple[str, ...]:
    """How *value* of attribute *name* may be written: in HTML, then as a Markdown link."""
    if not value:
        return ()
    return (f'{name}="{value}"', f"{name}='{value}'", f"{name}={value}", f"]({value}", f"]: {value}", value)


def _attribute_removal(tag: str, name: str, value: str) -> Removal:
    what = {"a": "a link", "img": "an image"}.get(tag, f"<{tag}>")
    if name in URL_ATTRIBUTES:
        schemes = _srcset_schemes(value) if name == "srcset" else [scheme_of(value)]
        bad = next((s for s in schemes if s not in URL_SCHEMES and s), None)
        if bad is not None:
            where = f"in the srcset of {what}" if name == "srcset" else f"of {what}"
            return Removal(f"removed {bad}: URL {where}", (*_quoted(name, value), f"{name}=", f"{bad}:"))
    return Removal(f"removed '{name}' attribute of <{tag}>", (f"{name}=", name))
