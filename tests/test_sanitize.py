"""Raw HTML in bodies: `html: sanitize` (the default) keeps an allowlist and names every
removal at its line; `trusted` passes it; `forbid` refuses it. Clean bodies never change."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from newsgen.core.config import parse_config
from newsgen.core.markup import render_body
from newsgen.core.parse import ParseContext, parse_article
from newsgen.core.sanitize import sanitize

from helpers.sites import article_text, CONFIG, SiteDir

PATH = "content/mundo/2025-06-04-kim.md"
BODY_LINE = 8  # where article_text's body starts


def context(extra: str = "") -> ParseContext:
    return ParseContext(parse_config(CONFIG + extra), frozenset({"images/foto.png"}))


SANITIZE = context("iframe_hosts: [www.youtube-nocookie.com]\n")


def parse(body: str, ctx: ParseContext = SANITIZE) -> tuple[str, list[str]]:
    """The body's HTML and every problem, as ``line: message`` (lines of the body, from 1)."""
    article, problems = parse_article(PATH, article_text(body=body).encode(), ctx)
    found = [f"{p.line - BODY_LINE + 1}: {'warning: ' * (p.severity == 'warning')}{p.message}" for p in problems]
    return (article.body_html if article else ""), found


# (body, the one warning, at the body's line 3 unless given) for each way in: raw HTML and Markdown.
ATTACKS: dict[str, tuple[str, str] | tuple[str, str, int]] = {
    "script": ('<script>alert(1)</script>', "removed <script> element"),
    "style": ("<style>body{display:none}</style>", "removed <style> element"),
    "onerror": ('<img src="x.png" alt="x" onerror="alert(1)">', "removed 'onerror' attribute of <img>"),
    "onclick by attr_list": ('## Título {: onclick="alert(1)" }', "removed 'onclick' attribute of <h2>"),
    "javascript link": ('<a href="javascript:alert(1)">x</a>', "removed javascript: URL of a link"),
    "mixed case": ('<a href="JaVaScRiPt:alert(1)">x</a>', "removed javascript: URL of a link"),
    "entity": ('<a href="&#106;avascript:alert(1)">x</a>', "removed javascript: URL of a link"),
    "tab": ('<a href="java&#9;script:alert(1)">x</a>', "removed javascript: URL of a link"),
    "markdown link": ("[x](javascript:alert(1))", "removed javascript: URL of a link"),
    "markdown reference": ("[x][r]\n\n[r]: javascript:alert(1)", "removed javascript: URL of a link", 5),
    "data link": ("[x](data:text/html;base64,PHNjcmlwdD4K)", "removed data: URL of a link"),
    "vbscript": ('<a href="vbscript:msgbox(1)">x</a>', "removed vbscript: URL of a link"),
    "data image": ('<img src="data:image/svg+xml,<svg onload=alert(1)>" alt="x">', "removed data: URL of an image"),
    "srcset": ('<img src="a.png" srcset="data:image/png;base64,AAAA 1x, b.png 2x" alt="x">',
               "removed data: URL in the srcset of an image"),
    "cite": ('<q cite="javascript:alert(1)">citação</q>', "removed javascript: URL of <q>"),
    "iframe elsewhere": ('<iframe src="https://evil.example/x"></iframe>',
                         "removed <iframe> from host 'evil.example' (not in iframe_hosts)"),
    "iframe look-alike": ('<iframe src="https://www.youtube-nocookie.com.evil.example/x"></iframe>',
                          "removed <iframe> from host 'www.youtube-nocookie.com.evil.example' (not in iframe_hosts)"),
    "iframe over http": ('<iframe src="http://www.youtube-nocookie.com/embed/x"></iframe>',
                         "removed <iframe> whose src is not an https:// URL"),
    "iframe protocol-relative": ('<iframe src="//www.youtube-nocookie.com/embed/x"></iframe>',
                                 "removed <iframe> whose src is not an https:// URL"),
    "iframe with a user": ('<iframe src="https://a@www.youtube-nocookie.com/embed/x"></iframe>',
                           "removed <iframe> whose src names a user or a port"),
    "iframe srcdoc": ('<iframe srcdoc="<script>alert(1)</script>"></iframe>', "removed <iframe> without a src"),
    "object": ('<object data="x.swf"></object>', "removed <object> tag"),
    "form": ('<form action="https://evil.example/">Texto</form>', "removed <form> tag"),
    "svg": ('<svg onload="alert(1)"></svg>', "removed <svg> tag"),
    "style attribute": ('<p style="position:fixed;inset:0">x</p>', "removed 'style' attribute of <p>"),
    "meta refresh": ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "removed <meta> tag"),
    "comment closed early": ("<!--><img src=x onerror=alert(1)>-->", "rewrote HTML that a browser reads otherwise "
                             "than it looks (around <img>: a comment closed early, such as '<!-->'?); what it hid "
                             "was cut down to the allowlist"),
}


@pytest.mark.parametrize("name", ATTACKS)
def test_every_way_in_is_removed_with_a_warning_at_its_line(name: str) -> None:
    body, message, *line = ATTACKS[name]
    html, found = parse(f"Texto antes.\n\n{body}\n\nTexto depois.")
    assert found == [f"{line[0] if line else 3}: warning: {message}"]
    assert html.startswith("<p>Texto antes.</p>") and html.endswith("<p>Texto depois.</p>")
    assert not _unsafe(html), html


def _unsafe(html: str) -> list[str]:
    """What a browser would run or load from elsewhere in *html*, read as a browser would."""
    found: list[str] = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in ("script", "style", "object", "embed", "form", "svg", "meta", "base", "link"):
                found.append(tag)
            if tag == "iframe" and not dict(attrs).get("src", "").startswith("https://www.youtube-nocookie.com/"):  # type: ignore[union-attr]
                found.append("iframe")
            for name, value in attrs:
                value = (value or "").replace("\t", "").replace("\n", "").strip().lower()
                if name.startswith("on") or name in ("style", "srcdoc") or "script:" in value or "data:" in value:
                    found.append(f"{tag} {name}")

    Reader().feed(html)
    return found


def test_allowed_html_and_an_iframe_from_a_listed_host_stay_as_written() -> None:
    body = (
        'A <abbr title="Organização das Nações Unidas">ONU</abbr>, H<sub>2</sub>O, 10<sup>3</sup>, '
        '<mark>marcado</mark>, <small>pequeno</small>, <kbd>Ctrl</kbd> e <a href="//x.pt/" rel="nofollow">x</a>.\n\n'
        '<figure><img src="/a.png" srcset="/a-2x.png 2x" alt="a" width="2" height="1"><figcaption>A.</figcaption></figure>\n\n'
        '<iframe src="https://www.youtube-nocookie.com/embed/x" title="Vídeo" width="560" height="315" '
        'loading="lazy" allowfullscreen referrerpolicy="strict-origin" sandbox="allow-scripts allow-same-origin"></iframe>\n\n'
        '<table><tbody><tr><td colspan="2">1</td></tr></tbody></table>\n\n<!-- nota da redação -->'
    )
    html, found = parse(body)
    assert found == []
    assert html == parse(body, context("html: trusted\n"))[0], "nothing removed: byte for byte as trusted"


def test_html_a_browser_completes_is_written_as_it_reads_with_no_warning() -> None:
    html, found = parse("<table><tr><td>1</td></tr></table>\n\n<p>Um <b>dois</p>")
    assert found == []
    assert html == "<table><tbody><tr><td>1</td></tr></tbody></table>\n\n<p>Um <b>dois</b></p>"


def test_markdown_output_is_byte_identical_whatever_nh3_would_write() -> None:
    body = (
        'Um "texto" com nota[^1], &copy; &amp; <b>negrito</b>, `<código>` e <https://x.pt/a?b=1&c=2>.\n\n'
        '| Ano | Valor |\n|:---|---:|\n| 2025 | 3 |\n\n![Mapa](images/foto.png "Legenda."){credit="AP"}\n\n'
        "## Título {: #titulo .destaque }\n\n1. um\n2. dois\n\n> citação\n\n[^1]: A nota.\n"
    )
    trusted = render_body(body, lambda src: src, html_policy="trusted")
    assert sanitize(trusted.html)[1] == ()
    assert render_body(body, lambda src: src).html is not None
    assert render_body(body, lambda src: src).html == trusted.html
    assert "&#8617;" in trusted.html and 'style="text-align: right;"' in trusted.html


def test_strict_makes_a_removal_an_error(site: SiteDir, cli) -> None:
    site.article("a", body="Texto.\n\n<script>alert(1)</script>")
    assert cli("-C", str(site.root), "check").code == 0
    run = cli("-C", str(site.root), "check", "--strict")
    assert run.code == 1
    assert "content/mundo/a.md:10: removed <script> element" in run.err


def test_trusted_passes_raw_html_as_written() -> None:
    html, found = parse('Texto.\n\n<script>alert(1)</script>\n\n<a href="javascript:x()">x</a>', context("html: trusted\n"))
    assert found == []
    assert "<script>alert(1)</script>" in html and 'href="javascript:x()"' in html


def test_forbid_refuses_raw_html_and_still_removes_unsafe_markdown_links() -> None:
    forbid = context("html: forbid\n")
    html, found = parse("Texto &amp; [x](javascript:alert(1)) e *ênfase*.\n\n<!-- nota -->", forbid)
    assert found == ["1: warning: removed javascript: URL of a link",
                     "3: raw HTML is not allowed in bodies ('html: forbid' in newsgen.yaml): '<!-- nota -->'"]
    _, found = parse('Um <b>negrito</b> e\n\n<div class="x">\n<script>alert(1)</script>\n</div>', forbid)
    assert found == ["1: raw HTML is not allowed in bodies ('html: forbid' in newsgen.yaml): '<b>'",
                     "3: raw HTML is not allowed in bodies ('html: forbid' in newsgen.yaml): '<div class=\"x\">'"]
    html, found = parse("Só *Markdown* e [uma ligação](https://x.pt/) &amp; entidades.", forbid)
    assert found == [] and 'href="https://x.pt/"' in html


@pytest.mark.parametrize(("setting", "message"), [
    ("html: sanitise", "newsgen.yaml:10: 'html' must be sanitize, trusted or forbid, not 'sanitise' (did you mean 'sanitize'?)"),
    ("iframe_hosts: [https://www.youtube.com/]", "newsgen.yaml:10: an iframe host is a host name such as "
     "www.youtube-nocookie.com (no scheme, port or path), not 'https://www.youtube.com/'"),
])
def test_a_bad_setting_is_a_config_error(site: SiteDir, cli, setting: str, message: str) -> None:
    site.write("newsgen.yaml", CONFIG + setting + "\n")
    site.article("a")
    run = cli("-C", str(site.root), "check")
    assert run.code == 2
    assert message in run.err


def test_changing_the_setting_parses_again(site: SiteDir, cli) -> None:
    site.article("a", body="Texto.\n\n<script>alert(1)</script>")
    page = "mundo/2025/06/04/a/index.html"
    assert cli("-C", str(site.root), "build").code == 0
    assert "alert(1)" not in (site.out / page).read_text()
    site.write("newsgen.yaml", CONFIG + "html: trusted\n")
    run = cli("-C", str(site.root), "build")
    assert run.code == 0 and "warning" not in run.err
    assert "<script>alert(1)</script>" in (site.out / page).read_text()
    site.write("newsgen.yaml", CONFIG)
    assert "removed <script> element" in cli("-C", str(site.root), "build").err
    assert "alert(1)" not in (site.out / page).read_text()


VECTORS = [
    "<img src=x onerror=alert(1)//>", "<IMG SRC=JaVaScRiPt:alert(1)>",
    "<svg/onload=alert(1)>", "<body onload=alert(1)>", "<details open ontoggle=alert(1)>",
    "<a href=\"&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)\">x</a>",
    "<a href=\"  javascript:alert(1)\">x</a>", "<a href=\"java\nscript:alert(1)\">x</a>",
    "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>", "<iframe src=javascript:alert(1)></iframe>",
    "<iframe src=\"https://evil.example/\" srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=javascript:alert(1)>", "<embed src=javascript:alert(1)>", "<base href=\"https://evil.example/\">",
    "<link rel=stylesheet href=https://evil.example/x.css>", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">", "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<!--><img src=x onerror=alert(1)>-->", "<p><!-- a --!><img src=x onerror=alert(1)> --></p>",
    "<a href=\"x\" onmouseover=\"alert(1)\">x</a>", "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<form><button formaction=javascript:alert(1)>x</button></form>", "<img srcset=\"javascript:alert(1) 1x\">",
    "<video><source onerror=alert(1)></video>", "<input autofocus onfocus=alert(1)>", "<xmp><img src=x onerror=alert(1)></xmp>",
    "[x](javascript:alert(1))", "[x](JAVASCRIPT:alert(1))", "![x](images/foto.png){onerror=alert(1) credit=AP}",
    "## T {: onclick=alert(1) }", "<script>alert(1)</script>", "<scr<script>ipt>alert(1)</script>",
]


@pytest.mark.parametrize("vector", VECTORS)
def test_known_xss_vectors_leave_nothing_a_browser_would_run(vector: str) -> None:
    html, found = parse(f"Texto.\n\n{vector}\n\nFim.")
    assert not _unsafe(html), html
    assert found, "every removal is named"
