"""File names with spaces and accents: every URL newsgen writes is percent-encoded, valid,
and leads to a file of the output, which keeps the file's real name (a photograph is
published only as its copies, named by their content)."""
from __future__ import annotations

import html.parser
import json
import re
from urllib.parse import unquote, urlsplit

import feedparser
import pytest

from helpers.sites import CONFIG, png, SiteDir, tree

BASE = "https://example.pt/not%C3%ADcias/"
"""newsgen.yaml says https://example.pt/notícias/: the base URL is encoded too."""
VALID_URL = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")
"""RFC 3986: what a URL may hold, an escape being % and two hex digits."""
ACCENT = "mundo/imagens/a%C3%A7%C3%A3o.svg"
COPY = re.compile(re.escape(BASE) + r"media/[0-9a-f]{20}-[0-9x]+\.(?:jpg|png)")
"""The absolute URL of a copy of a photograph (a social crop, a feed's enclosure)."""
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>'



class _Attributes(html.parser.HTMLParser):
    """Every URL-valued attribute of an HTML text, and the JSON-LD."""

    NAMES = {"href", "src", "action", "data-bundle", "data-base"}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.urls += [value for name, value in attrs if name in self.NAMES and value is not None]
        self.urls += [c.split()[0] for c in (found.get("srcset") or "").split(",") if c.strip()]
        if tag == "meta" and (found.get("property") or found.get("name") or "").endswith((":url", ":image")):
            self.urls.append(found["content"] or "")
        self._script = tag == "script" and found.get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._script:
            self.urls += [s for s in _strings(json.loads(data)) if s.startswith("http")]
            self._script = False


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [s for item in items for s in _strings(item)]


def urls_in(name: str, body: bytes) -> list[str]:
    if not name.endswith((".html", ".xml", ".txt")):
        return []
    text = body.decode("utf-8")
    if name.endswith(".html"):
        parser = _Attributes()
        parser.feed(text)
        return parser.urls
    if name.endswith(".xml"):
        found = re.findall(r'href="([^"]*)"', text) + re.findall(r"<(?:loc|id)>([^<]*)</", text)
        for content in re.findall(r'<content type="html">([^<]*)</content>', text):
            found += urls_in("content.html", html.unescape(content).encode())
        return [html.unescape(u) for u in found]
    if name == "robots.txt":
        return re.findall(r"^Sitemap: (\S+)$", text, re.MULTILINE)
    return []


def target(url: str, page: str) -> str | None:
    """The output file an internal URL leads to; None for another site's."""
    if url.startswith(BASE):
        path = url[len(BASE):]
    elif url.startswith(urlsplit(BASE).path):
        path = url[len(urlsplit(BASE).path):]
    elif url.startswith(("http://", "https://", "tag:", "data:", "mailto:", "#")):
        return None
    else:  # relative to the page
        path = page.rsplit("/", 1)[0] + "/" + url if "/" in page else url
    path = unquote(urlsplit(path).path)
    return path + "index.html" if path == "" or path.endswith("/") else path


@pytest.fixture
def accents(site: SiteDir) -> SiteDir:
    site.write("newsgen.yaml", CONFIG.replace("https://example.pt/", "https://example.pt/notícias/"))
    site.write("static/images/foto com espaço.png", png(16, 9))
    site.write("content/mundo/imagens/ação.svg", SVG)
    site.write("content/mundo/outra foto.png", png(4, 4))
    site.write("content/mundo/relatório 2025.pdf", b"%PDF-1.4\n")
    site.article(
        "kim", images=[{"src": "images/foto com espaço.png", "alt": "Foto", "credit": "Lusa"}],
        body=(
            "Texto com uma imagem.\n\n"
            '![Mapa da região](imagens/ação.svg "A região."){credit="Reuters"}\n\n'
            '![Outra foto](outra%20foto.png "Escrita com escapes."){credit="AFP"}\n\n'
            "Ver [a outra foto](<outra foto.png>), [o relatório](relat%C3%B3rio%202025.pdf) "
            "e [a fonte](<https://fonte.example/artigo com espaço>).\n"
        ),
    )
    site.article(
        "seul", headline="Seul responde", timestamp="2025-07-12T09:00+01:00",
        images=[{"src": "imagens/ação.svg", "alt": "Mapa", "credit": "Reuters"}],
    )
    return site


def test_every_url_written_is_valid_and_leads_to_a_file_of_the_output(accents: SiteDir) -> None:
    accents.build()
    files = tree(accents.out)
    assert "mundo/imagens/ação.svg" in files, "files published as they are keep their real names"
    assert "mundo/relatório 2025.pdf" in files, "a body's link publishes its file"
    assert "images/foto com espaço.png" not in files and "mundo/outra foto.png" not in files, "photos: copies only"
    checked, bad = 0, []  # (the search index, pagefind/, is not built here)
    for name, body in files.items():
        for url in urls_in(name, body):
            checked += 1
            if not VALID_URL.fullmatch(url):
                bad.append(f"{name}: invalid URL {url!r}")
            elif (file := target(url, name)) is not None and file not in files and not file.startswith("pagefind/"):
                bad.append(f"{name}: {url!r} leads to no file ({file})")
    assert not bad, "\n".join(bad[:20])
    assert checked > 300
    article = accents.page("mundo/2025/06/04/kim/")
    meta = Head(article)
    assert COPY.fullmatch(meta["og:image"]) and meta["twitter:image"] == meta["og:image"]
    for written in (
        f'src="/not%C3%ADcias/{ACCENT}"',
        'href="/not%C3%ADcias/mundo/relat%C3%B3rio%202025.pdf"',
        'href="https://fonte.example/artigo%20com%20espa%C3%A7o"',
    ):
        assert written in article, written
    link = re.search(r'<a href="([^"]+)">a outra foto</a>', article)
    assert link and re.fullmatch(r"/not%C3%ADcias/media/[0-9a-f]{20}-4\.png", link[1]), "a link to a photo: its copy"


def Head(html: str) -> dict[str, str]:
    """The page's ``<meta>`` values by property or name."""
    return {m[0]: m[1] for m in re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html)}


def test_feed_readers_get_the_encoded_enclosure(accents: SiteDir) -> None:
    accents.build()
    feed = feedparser.parse((accents.out / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    enclosures = {e.title: [link.href for link in e.links if link.rel == "enclosure"] for e in feed.entries}
    [photo] = enclosures["Kim recebe Shoigu em Pyongyang"]
    assert COPY.fullmatch(photo), "a photograph's copy (JPEG or PNG: what every reader shows)"
    assert enclosures["Seul responde"] == [BASE + ACCENT]
    assert f'src="{BASE}{ACCENT}"' in feed.entries[0].content[0].value
    sitemap = (accents.out / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{BASE}sitemap-pages.xml</loc>" in sitemap
    assert (accents.out / "robots.txt").read_text(encoding="utf-8").endswith(f"Sitemap: {BASE}news-sitemap.xml\n")


@pytest.mark.parametrize("written", ["outra%20foto.svg", "<outra foto.svg>", "/mundo/outra%20foto.svg"])
def test_a_body_image_written_with_escapes_or_spaces_is_the_file(site: SiteDir, written: str) -> None:
    site.write("content/mundo/outra foto.svg", SVG)
    site.article("kim", body=f'Texto.\n\n![Outra]({written} "Legenda."){{credit="AFP"}}\n')
    site.build()
    assert '<img alt="Outra" decoding="async" height="8" loading="lazy" src="/mundo/outra%20foto.svg" width="8">' in site.page(
        "mundo/2025/06/04/kim/"
    )
    assert (site.out / "mundo/outra foto.svg").is_file()


def test_a_percent_in_a_file_name_is_a_percent(site: SiteDir) -> None:
    site.write("static/images/100% real.svg", SVG)
    site.article("kim", body='Texto.\n\n![Foto](</images/100% real.svg> "Legenda."){credit="Lusa"}\n')
    site.build()
    assert 'src="/images/100%25%20real.svg"' in site.page("mundo/2025/06/04/kim/")
    assert (site.out / "images/100% real.svg").is_file()
